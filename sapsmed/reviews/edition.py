"""Content of a published KPI scorecard edition: the live scorecard's cells, frozen as plain data.

The cells are the stored ones sapsmed.kpis.selectors.scorecard() reads for the live /kpis/ page, so an
edition shows exactly what the scorecard showed when it was published. The content has the shape of a
review's content (meta, then sections of tables, one table per KPI with a row per state), so the
snapshot diff (sapsmed.core.snapshot_diff) says what changed in the data since, and the exports and
the page read the stored content only, never today's data.
"""

from decimal import Decimal

from django.utils import timezone

from sapsmed.reviews.content import section, table

COLUMNS = ["State", "Status", "Baseline", "Baseline year", "Latest", "Latest year", "Change", "Relative change",
           "Values", "Years", "Why", "Baseline source", "Latest source", "Latest source URL", "Latest vintage",
           "Latest observation", "Latest validation"]
# A row's cells by name, so the page and the exports never depend on column positions elsewhere.
COL = {name: i for i, name in enumerate(COLUMNS)}

EXPORT_COLUMNS = ("edition", "edition_as_of", "edition_checksum", "kpi", "kpi_name", "unit", "goal", "state",
                  "state_name", "status", "baseline_year", "baseline_value", "latest_year", "latest_value",
                  "change", "relative_change", "values", "years", "reason", "baseline_source", "latest_source",
                  "latest_source_url", "latest_vintage", "latest_observation_id", "latest_validation")


def _number(value: Decimal | None) -> str | None:
    """A stored value exactly as recorded, without trailing zeros (the backends pad differently)."""
    if value is None:
        return None
    text = format(Decimal(value).normalize(), "f")
    return "0" if text in ("-0", "") else text


def _provenance(ids: set[int]) -> dict[int, object]:
    """Sources of the baseline and latest values (the scorecard selector loads numbers only): one query."""
    from sapsmed.kpis.models import Observation

    fields = ("id", "source", "provenance", "status", "source_file")
    return {o.pk: o for o in Observation.objects.filter(pk__in=ids).only(*fields)}


def _row(cell, sources: dict) -> list:
    a = cell.assessment
    base_src = sources.get(cell.baseline_observation_id)
    latest_src = sources.get(cell.latest_observation_id)
    return [
        cell.state.name, cell.status.label,
        _number(cell.baseline_value), cell.baseline_year,
        _number(cell.latest_value), cell.latest_year,
        None if a.absolute_change is None else round(a.absolute_change, 6),
        None if a.relative_change is None else round(a.relative_change, 6),
        cell.value_count, cell.years, a.reason,
        base_src.source if base_src else None, latest_src.source if latest_src else None,
        latest_src.provenance.get("url", "") if latest_src else None,
        latest_src.provenance.get("vintage", "") if latest_src else None,
        cell.latest_observation_id, latest_src.get_status_display() if latest_src else None,
    ]


def scorecard_content(*, label: str, as_of) -> dict:
    """The live scorecard now, as an edition's content."""
    from sapsmed.kpis import selectors

    card = selectors.scorecard()
    cells = [cell for _, row in card["rows"] for cell in row]
    ids = {i for c in cells for i in (c.baseline_observation_id, c.latest_observation_id) if i is not None}
    sources = _provenance(ids)
    by_kpi: dict[int, list] = {}
    for cell in cells:
        by_kpi.setdefault(cell.kpi.pk, []).append(_row(cell, sources))
    tables = [table(f"{k.code}: {k.name}", COLUMNS, by_kpi.get(k.pk, []), key=k.code,
                    note=f"Unit: {k.unit}.") for k in card["kpis"]]
    coverage = table("Coverage by KPI", ["KPI", "States assessed", "States with values"],
                     [[c["kpi"].code, c["assessed"], c["with_values"]] for c in card["columns"]], key="coverage")
    synthetic = any(o.is_synthetic for o in sources.values())
    return {
        "meta": {
            "kind": "kpi_scorecard", "label": label, "as_of": as_of.isoformat(),
            "generated_at": timezone.now().isoformat(timespec="seconds"),
            "kpis": [{"code": k.code, "name": k.name, "unit": k.unit, "goal": k.goal.code if k.goal else "",
                      "added_after_endorsement": bool(k.added_after_endorsement)} for k in card["kpis"]],
            "states": [{"iso3": s.iso3, "name": s.name} for s in card["states"]],
            "demo": False, "synthetic": synthetic,
        },
        "sections": [section("scorecard", "KPI scorecard", tables=[*tables, coverage], synthetic=synthetic)],
    }


def kpi_tables(content: dict) -> dict[str, dict]:
    return {t["key"]: t for s in content["sections"] for t in s["tables"] if t["key"] != "coverage"}


def export_rows(edition):
    """One row per KPI and state from the stored content, each carrying the edition's label and checksum."""
    meta, tables = edition.content["meta"], kpi_tables(edition.content)
    iso3 = {s["name"]: s["iso3"] for s in meta["states"]}
    for k in meta["kpis"]:
        for r in tables[k["code"]]["rows"]:
            cell = dict(zip(COLUMNS, r, strict=True))
            yield {
                "edition": edition.label, "edition_as_of": meta["as_of"], "edition_checksum": edition.checksum,
                "kpi": k["code"], "kpi_name": k["name"], "unit": k["unit"], "goal": k["goal"],
                "state": iso3.get(cell["State"], ""), "state_name": cell["State"], "status": cell["Status"],
                "baseline_year": cell["Baseline year"], "baseline_value": cell["Baseline"],
                "latest_year": cell["Latest year"], "latest_value": cell["Latest"], "change": cell["Change"],
                "relative_change": cell["Relative change"], "values": cell["Values"], "years": cell["Years"],
                "reason": cell["Why"], "baseline_source": cell["Baseline source"],
                "latest_source": cell["Latest source"], "latest_source_url": cell["Latest source URL"],
                "latest_vintage": cell["Latest vintage"], "latest_observation_id": cell["Latest observation"],
                "latest_validation": cell["Latest validation"],
            }
