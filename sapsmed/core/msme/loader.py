"""Read data/msme_definitions.yaml (or the same schema as text), check every field, and build the registry.

Rules:
- Anything malformed stops the load with a DefinitionError naming the file, the entry (state and
  definition id) and the field (the threshold checks are in thresholds.py).
- The combination rule and tie rule come from closed sets, and the tie rule must be the one the rule
  implies; the priority rule lists every criterion once, in order.
- Money criteria need the currency of their thresholds; a definition's criteria come from the closed set.
- A definition that marks anything NOT_FOUND must list, in words, what is missing.
- thresholds_same_as copies another definition's sectors; both must use the same criteria, rule and
  currency.
- The dates must agree with the reference's own flag: a definition flagged in force in 2015/2016 must be
  possibly in force on 1 January 2016, and one flagged not in force must not be. Two national definitions
  of a state cannot start on the same date.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from .model import (
    TIE_RULE_OF,
    Confidence,
    Criterion,
    Definition,
    HarmonisedBands,
    Marker,
    Rule,
    Sector,
    SizeClass,
    State,
    TieRule,
    Use,
)
from .registry import DefinitionRegistry, possibly_in_force
from .thresholds import At, DefinitionError, adjacent_ok, bound, effective, parse_sectors

DEFAULT_PATH = Path(__file__).resolve().parents[3] / "data" / "msme_definitions.yaml"

_DEFINITION_KEYS = {
    "id",
    "short_name",
    "use",
    "legal_source",
    "effective_from",
    "effective_to",
    "in_force_2015_2016",
    "currency",
    "combination",
    "criteria",
    "sectors",
    "thresholds_same_as",
    "confidence",
    "confidence_note",
    "sources",
    "notes",
    "discrepancies",
    "missing",
    "not_classifiable",
    "thresholds_text",
}
_REQUIRED = {
    "id",
    "short_name",
    "use",
    "legal_source",
    "effective_from",
    "in_force_2015_2016",
    "currency",
    "combination",
    "criteria",
    "confidence",
    "sources",
}
_PLAN_START = date(2016, 1, 1)


class _TextDates(yaml.SafeLoader):
    """The safe loader, reading dates as text so that a bad date is reported with its field."""


_TextDates.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_definitions(source: str | Path | None = None) -> DefinitionRegistry:
    """Load from a path (Path, or a string ending in .yaml/.yml), from YAML text, or from data/ by default."""
    if source is None:
        source = DEFAULT_PATH
    if isinstance(source, Path) or ("\n" not in source and source.endswith((".yaml", ".yml"))):
        path = Path(source)
        name, text = path.name, path.read_text(encoding="utf-8")
    else:
        name, text = "<text>", source
    try:
        raw = yaml.load(text, Loader=_TextDates)  # noqa: S506 - a subclass of SafeLoader
    except yaml.YAMLError as error:
        raise DefinitionError(name, "(file)", "(yaml)", f"not valid YAML: {error}") from None
    return _registry(raw, name)


def _registry(raw: Any, file: str) -> DefinitionRegistry:
    top = At(file, "(top level)")
    raw = top.mapping(raw, "(document)")
    top.keys(raw, {"schema_version", "broad_sectors", "harmonised_size_bands", "states"}, "")
    if raw.get("schema_version") != 1:
        raise top.fail("schema_version", f"expected 1, got {raw.get('schema_version')!r}")
    broad = top.texts(raw.get("broad_sectors"), "broad_sectors", required=True)
    harmonised = _harmonised(top.mapping(raw.get("harmonised_size_bands"), "harmonised_size_bands"), file)
    states: dict[str, State] = {}
    seen_ids: set[str] = set()
    for code, body in top.mapping(raw.get("states"), "states").items():
        at = At(file, str(code))
        if not (isinstance(code, str) and re.fullmatch(r"[A-Z]{3}", code)):
            raise at.fail("states", "a state key must be an ISO 3166 alpha-3 code such as VNM")
        body = at.mapping(body, "states." + code)
        at.keys(body, {"name", "definitions"}, "")
        raw_defs = body.get("definitions")
        if not isinstance(raw_defs, list) or not raw_defs:
            raise at.fail("definitions", "needs a list of at least one definition")
        parsed = [_definition(d, code, file, i, frozenset(broad), seen_ids) for i, d in enumerate(raw_defs)]
        states[code] = _chain(State(code, at.text(body.get("name"), "name") or code, tuple(parsed)), file)
    return DefinitionRegistry(file, states, harmonised, broad)


def _definition(
    raw: Any, state: str, file: str, index: int, broad: frozenset[str], seen: set[str]
) -> Definition:
    at = At(file, f"{state} / definitions[{index}]")
    raw = at.mapping(raw, "(definition)")
    if isinstance(raw.get("id"), str):
        at.entry = f"{state} / {raw['id']}"
    at.keys(raw, _DEFINITION_KEYS, "")
    for key in sorted(_REQUIRED - set(raw)):
        raise at.fail(key, "required")
    def_id = at.text(raw["id"], "id") or ""
    if def_id in seen:
        raise at.fail("id", f"duplicate id {def_id!r}")
    seen.add(def_id)
    combination = at.mapping(raw["combination"], "combination")
    at.keys(combination, {"rule", "tie_rule", "order", "source_text"}, "combination")
    rule = at.enum(Rule, combination.get("rule"), "combination.rule", "combination rule")
    tie = at.enum(TieRule, combination.get("tie_rule"), "combination.tie_rule", "tie rule")
    if tie is not TIE_RULE_OF[rule]:
        raise at.fail(
            "combination.tie_rule", f"rule {rule.value!r} implies tie rule {TIE_RULE_OF[rule].value!r}"
        )
    criteria: dict[Criterion, str] = {}
    for key, spec in at.mapping(raw["criteria"], "criteria").items():
        criterion = at.enum(Criterion, key, f"criteria.{key}", "criterion")
        spec = at.mapping(spec, f"criteria.{key}")
        at.keys(spec, {"measure", "source_key"}, f"criteria.{key}")
        criteria[criterion] = at.text(spec.get("measure"), f"criteria.{key}.measure") or ""
    order: tuple[Criterion, ...] = ()
    if rule is Rule.PRIORITY:
        order = tuple(
            at.enum(Criterion, c, "combination.order", "criterion") for c in combination.get("order") or []
        )
        if set(order) != set(criteria) or len(order) != len(criteria):
            raise at.fail(
                "combination.order", "the priority rule needs every criterion listed once, first first"
            )
    elif "order" in combination:
        raise at.fail("combination.order", "an order is only used by the priority rule")
    currency = raw["currency"]
    if currency is not None and not (isinstance(currency, str) and re.fullmatch(r"[A-Z]{3}", currency)):
        raise at.fail("currency", f"expected a three-letter ISO 4217 code or null, got {currency!r}")
    if currency is None and any(c.is_money for c in criteria):
        raise at.fail("currency", "money criteria need the currency of their thresholds")
    sectors: tuple[Sector, ...] | None = None
    if raw.get("sectors") is not None:
        sectors = parse_sectors(at, raw["sectors"], criteria, rule, broad)
    elif raw.get("thresholds_same_as") is None and not raw.get("not_classifiable"):
        raise at.fail("sectors", "give sectors, thresholds_same_as, or not_classifiable with the reason")
    text = yaml.safe_dump(raw.get("sectors"))
    missing = at.texts(raw.get("missing"), "missing")
    if Marker.NOT_FOUND.value in text and not missing:
        raise at.fail("missing", "the definition marks something NOT_FOUND; say what in 'missing'")
    if not isinstance(raw["in_force_2015_2016"], bool):
        raise at.fail("in_force_2015_2016", "expected true or false")
    return Definition(
        id=def_id,
        state=state,
        short_name=at.text(raw["short_name"], "short_name") or "",
        use=at.enum(Use, raw["use"], "use", "use"),
        legal_source=at.text(raw["legal_source"], "legal_source") or "",
        effective_from=effective(at, raw["effective_from"], "effective_from"),
        effective_to=effective(at, raw.get("effective_to"), "effective_to"),
        in_force_2015_2016=raw["in_force_2015_2016"],
        currency=currency,
        rule=rule,
        tie_rule=tie,
        order=order,
        combination_text=at.text(combination.get("source_text"), "combination.source_text") or "",
        criteria=criteria,
        sectors=sectors,
        confidence=at.enum(Confidence, raw["confidence"], "confidence", "confidence label"),
        confidence_note=at.text(raw.get("confidence_note"), "confidence_note", optional=True),
        sources=at.texts(raw["sources"], "sources", required=True),
        notes=at.texts(raw.get("notes"), "notes"),
        discrepancies=at.texts(raw.get("discrepancies"), "discrepancies"),
        missing=missing,
        not_classifiable=at.text(raw.get("not_classifiable"), "not_classifiable", optional=True),
        thresholds_text=raw.get("thresholds_text"),
        same_thresholds_as=at.text(raw.get("thresholds_same_as"), "thresholds_same_as", optional=True),
    )


def _chain(state: State, file: str) -> State:
    """Resolve thresholds shared by reference, derive end dates, and check the chain against the flags."""
    by_id = {d.id: d for d in state.definitions}
    resolved = []
    for d in state.definitions:
        at = At(file, f"{state.code} / {d.id}")
        if d.same_thresholds_as is not None:
            other = by_id.get(d.same_thresholds_as)
            if other is None or other.sectors is None or other is d or d.sectors is not None:
                raise at.fail(
                    "thresholds_same_as",
                    "must name another definition of the same state that has "
                    "sectors, instead of giving sectors",
                )
            if set(other.criteria) != set(d.criteria) or other.currency != d.currency or other.rule != d.rule:
                raise at.fail("thresholds_same_as", f"{other.id} uses other criteria, rule or currency")
            d = replace(d, sectors=other.sectors)
        if (
            d.effective_to is not None
            and d.effective_from is not None
            and d.effective_to.earliest <= d.effective_from.earliest
        ):
            raise at.fail("effective_to", "ends before it starts")
        resolved.append(d)
    state = State(state.code, state.name, tuple(resolved))
    chain = state.national
    ends = {a.id: b.effective_from for a, b in zip(chain, chain[1:], strict=False) if a.effective_to is None}
    state = State(
        state.code,
        state.name,
        tuple(replace(d, effective_to=ends[d.id]) if d.id in ends else d for d in state.definitions),
    )
    chain = state.national
    for a, b in zip(chain, chain[1:], strict=False):
        if a.effective_from == b.effective_from:
            raise At(file, f"{state.code} / {b.id}").fail("effective_from", f"same start as {a.id}")
        if a.effective_to and b.effective_from and a.effective_to.earliest > b.effective_from.earliest:
            raise At(file, f"{state.code} / {a.id}").fail("effective_to", f"runs past the start of {b.id}")
    possible = {d.id for d in possibly_in_force(chain, _PLAN_START)[0]}
    for d in chain:
        if d.in_force_2015_2016 != (d.id in possible):
            raise At(file, f"{state.code} / {d.id}").fail(
                "in_force_2015_2016", f"is {str(d.in_force_2015_2016).lower()} but the dates say otherwise"
            )
    return state


def _harmonised(raw: Mapping[str, Any], file: str) -> HarmonisedBands:
    at = At(file, "harmonised_size_bands")
    at.keys(raw, {"id", "basis", "bands", "label", "sources", "confidence", "notes"}, "")
    bands = []
    for name, spec in at.mapping(raw.get("bands"), "bands").items():
        size = at.enum(SizeClass, name, f"bands.{name}", "size class")
        bands.append((size, bound(at, spec, f"bands.{name}")))
    for (a, low), (b, high) in zip(bands, bands[1:], strict=False):
        if problem := adjacent_ok(Criterion.EMPLOYEES, low, high):
            raise at.fail(f"bands.{b}", f"{problem} (next to {a})")
    return HarmonisedBands(
        id=at.text(raw.get("id"), "id") or "",
        basis=at.text(raw.get("basis"), "basis") or "",
        bands=tuple(bands),
        label=" ".join((at.text(raw.get("label"), "label") or "").split()),
        sources=at.texts(raw.get("sources"), "sources", required=True),
        confidence=at.enum(Confidence, raw.get("confidence"), "confidence", "confidence label"),
        notes=at.texts(raw.get("notes"), "notes"),
    )
