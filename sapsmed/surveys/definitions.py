"""Load the national MSME definitions file into the database (all or nothing), and read it back as rules.

Rules:
- The file is checked whole by sapsmed.core.msme.load_definitions before the first write; a malformed
  file raises DefinitionError naming the file, entry and field, and nothing changes.
- Every state of the file must be a loaded member state (run `load_plan` first).
- The writes happen in one transaction. Loading the same file again changes nothing, not even the
  history. A definition removed from the file is removed from the database.
- A national definition is superseded by the next one of its state's chain (as the core orders them).
- The pages classify with a registry rebuilt from the stored rows (the database is the one copy the
  platform reads after loading), cached per loaded version.
"""

import hashlib
import json
from pathlib import Path

import yaml
from django.db import transaction
from django.utils import timezone

from sapsmed.core.msme import DEFAULT_PATH, DefinitionError, DefinitionRegistry, load_definitions
from sapsmed.plan.models import MemberState
from sapsmed.plan.upsert import LoadReport, upsert
from sapsmed.surveys.models import MSMEDefinition, MSMEDefinitionSet


class _TextDates(yaml.SafeLoader):
    """The safe loader with dates left as text, so the stored entry is the file's own words (and JSON)."""


_TextDates.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _date_text(value) -> str:
    return "" if value is None else str(value)


def msme_definitions_load(*, path: Path = DEFAULT_PATH, dry_run: bool = False) -> LoadReport:
    """Validate the file, then write every definition in one transaction; raise DefinitionError if bad."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    registry = load_definitions(text)  # raises DefinitionError naming entry and field
    raw = yaml.load(text, Loader=_TextDates)  # noqa: S506 - a subclass of SafeLoader
    states = {s.iso3: s for s in MemberState.objects.filter(iso3__in=list(registry.states))}
    if missing := sorted(set(registry.states) - set(states)):
        raise DefinitionError(path.name, missing[0], "states", "not a loaded member state: run `manage.py "
                              "load_plan` first")
    report = LoadReport()
    reason = f"Loaded from data/{path.name}"
    with transaction.atomic():
        _write(path.name, text, raw, registry, states, report, reason)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _write(name, text, raw, registry: DefinitionRegistry, states, report: LoadReport, reason: str) -> None:
    checksum = hashlib.sha256(text.encode("utf-8")).hexdigest()
    existing = MSMEDefinitionSet.objects.filter(name=name).first()
    values = {"checksum": checksum, "schema_version": raw["schema_version"],
              "broad_sectors": raw["broad_sectors"], "harmonised_json": _json(raw["harmonised_size_bands"])}
    if existing is None or existing.checksum != checksum:
        values["loaded_at"] = timezone.now()
    definition_set, _ = upsert(MSMEDefinitionSet, {"name": name}, values, report=report, reason=reason)
    in_file = [entry["id"] for body in raw["states"].values() for entry in body["definitions"]]
    for definition in MSMEDefinition.objects.exclude(key__in=in_file):
        definition._change_reason = f"{reason}: no longer in the file"
        definition.delete()
        report.updated["MSME definitions removed"] += 1
    rows: dict[str, MSMEDefinition] = {}
    for code, body in raw["states"].items():
        for position, entry in enumerate(body["definitions"]):
            parsed = registry.definition(entry["id"])
            rows[parsed.id], _ = upsert(MSMEDefinition, {"key": parsed.id}, {
                "definition_set": definition_set, "state": states[code], "position": position,
                "short_name": parsed.short_name, "use": parsed.use.value, "legal_source": parsed.legal_source,
                "effective_from": _date_text(entry.get("effective_from")),
                "effective_to": _date_text(entry.get("effective_to")),
                "in_force_2015_2016": parsed.in_force_2015_2016, "currency": parsed.currency or "",
                "rule": parsed.rule.value, "rule_json": _json(entry), "confidence": parsed.confidence.value,
                "confidence_note": parsed.confidence_note or "", "sources": list(parsed.sources),
                "missing": list(parsed.missing),
            }, report=report, reason=reason)
    for state in registry.states.values():
        chain = state.national
        successors = {d.id: (chain[i + 1].id if i + 1 < len(chain) else None) for i, d in enumerate(chain)}
        for definition in state.definitions:
            row = rows[definition.id]
            successor = rows[successors[definition.id]] if successors.get(definition.id) else None
            if row.superseded_by_id != (successor.pk if successor else None):
                row.superseded_by = successor
                row._change_reason = reason
                row.save(update_fields=["superseded_by"])


def _json(value) -> str:
    """The entry as JSON text, keys in the file's order (the file holds mappings, lists, text, numbers, booleans)."""
    return json.dumps(value, ensure_ascii=False)


_cache: dict[tuple, DefinitionRegistry] = {}


def stored_registry() -> DefinitionRegistry | None:
    """The core registry of the stored definitions (None before the first load); two queries when cached."""
    definition_set = MSMEDefinitionSet.objects.order_by("pk").first()
    if definition_set is None:
        return None
    key = (definition_set.pk, definition_set.checksum, definition_set.loaded_at,
           MSMEDefinition.objects.filter(definition_set=definition_set).count())
    if key not in _cache:
        _cache.clear()
        _cache[key] = load_definitions(_document(definition_set))
    return _cache[key]


def _document(definition_set: MSMEDefinitionSet) -> str:
    """The stored rows as a definitions document in the file's schema (JSON is YAML), states in file order."""
    states: dict[str, dict] = {}
    rows = definition_set.definitions.select_related("state").order_by("pk")
    first_seen = {}
    for row in rows:
        first_seen.setdefault(row.state.iso3, row.pk)
    for row in sorted(rows, key=lambda r: (first_seen[r.state.iso3], r.position)):
        states.setdefault(row.state.iso3, {"name": row.state.name, "definitions": []})
        states[row.state.iso3]["definitions"].append(row.rule_data)
    document = {"schema_version": definition_set.schema_version, "broad_sectors": definition_set.broad_sectors,
                "harmonised_size_bands": definition_set.harmonised, "states": states}
    return json.dumps(document, ensure_ascii=False, indent=1)
