"""Read and check the KPI data shipped under data/kpis/ into typed records (no Django, no writes).

Rules, in words:
- Every error names the file, the entry (a row number or a KPI code) and the field, and all errors are
  collected before any is reported, so nothing is loaded from files with a problem.
- wdi_asean.csv: each row is one WDI value (indicator, ISO3 country, year, value) with its source
  repository, path, commit and vintage. Rows of an indicator that is no KPI's WDI code (GDP in current
  US$) are counted as skipped, not loaded. Values are taken as published, never rounded or filled.
- Values read from a secondary build transcribed by hand (the open-numbers Gapminder repository)
  carry the confidence "partial"; those of the World Bank's own bulk download "confirmed".
- ILO modelled series: values for 2023 and later are projections or nowcasts, and say so.
- msme_observations.yaml names the rows of msme_statistics.csv that are a state's KPI value for a year;
  the loader checks each named row really is that state's and that metric's, and reads the value from it.
- A row is used at most once; two values for the same KPI, state and year are an error.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

from sapsmed.core.plan_data import CONFIDENCE, DataError, PlanDataError

WDI_FILE = "wdi_asean.csv"
MSME_FILE = "msme_statistics.csv"
MAPPING_FILE = "msme_observations.yaml"
PROFILES_FILE = "profiles.yaml"
KPIS_FILE = "kpis.yaml"
SECONDARY_REPOS = {"open-numbers/ddf--open_numbers--world_development_indicators"}
ILO_SERIES = {"SL.TLF.CACT.FE.ZS", "SL.TLF.ACTI.1524.ZS"}
ILO_PROJECTION_FROM = 2023
METRICS = {"share_employment": "KPI-E1", "share_gdp": "KPI-X1", "share_exports": "KPI-C1"}
TARGET_METRICS = {"target_share_gdp": "KPI-X1", "target_share_exports": "KPI-C1"}
PROFILE_TEXTS = ("national_source", "definition_notes", "series_breaks", "comparability_note", "source")


@dataclass(frozen=True)
class SheetDetails:
    code: str
    definition: str
    formula: str
    short_unit: str
    baseline_year: int
    value_min: Decimal | None
    value_max: Decimal | None


@dataclass(frozen=True)
class ShippedObservation:
    kpi: str
    state: str
    year: int
    value: Decimal
    source: str
    confidence: str
    note: str
    file: str
    row: int
    provenance: dict


@dataclass(frozen=True)
class ShippedTarget:
    kpi: str
    state: str
    value: Decimal
    year: int
    set_by: str
    decided: str
    source: str
    note: str


@dataclass(frozen=True)
class ContextFigure:
    """A published figure shown beside a KPI but never used as a state's value, with the reason."""

    kpi: str
    row: int
    country: str
    value: str
    value_max: str
    unit: str
    reference_year: str
    source_name: str
    source_url: str
    confidence: str
    notes: str
    reason: str


@dataclass
class ShippedData:
    sheets: list[SheetDetails] = field(default_factory=list)
    profiles: dict[str, dict[str, dict]] = field(default_factory=dict)  # kpi -> state -> fields
    observations: list[ShippedObservation] = field(default_factory=list)
    targets: list[ShippedTarget] = field(default_factory=list)
    context: list[ContextFigure] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _yaml(path: Path, errors: list[DataError]):
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        errors.append(DataError(path.name, "file", "-", "the file does not exist"))
    except yaml.YAMLError as exc:
        errors.append(DataError(path.name, "file", "-", f"not valid YAML: {exc}"))
    return None


def _csv(path: Path, errors: list[DataError]) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))
    except FileNotFoundError:
        errors.append(DataError(path.name, "file", "-", "the file does not exist"))
        return []


def _decimal(text, file: str, entry: str, fld: str, errors: list[DataError]) -> Decimal | None:
    try:
        number = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        errors.append(DataError(file, entry, fld, f"'{text}' is not a number"))
        return None
    if not number.is_finite():
        errors.append(DataError(file, entry, fld, f"'{text}' is not a finite number"))
        return None
    return number


def read_shipped(data_dir: Path, *, kpis: Mapping[str, str], states: set[str]) -> ShippedData:
    """Everything under data_dir (data/kpis); `kpis` maps each KPI code to its WDI code ("" if none)."""
    errors: list[DataError] = []
    data = ShippedData()
    data.sheets = _sheets(_yaml(data_dir / KPIS_FILE, errors), kpis, errors)
    data.profiles = _profiles(_yaml(data_dir / PROFILES_FILE, errors), kpis, states, errors)
    data.observations = _wdi(_csv(data_dir / WDI_FILE, errors), kpis, states, data.skipped, errors)
    msme_rows = _csv(data_dir / MSME_FILE, errors)
    mapping = _yaml(data_dir / MAPPING_FILE, errors)
    if isinstance(mapping, dict):
        data.observations += _national(mapping, msme_rows, states, errors)
        data.targets = _targets(mapping, msme_rows, states, errors)
        data.context = _context(mapping, msme_rows, errors)
    elif mapping is not None:
        errors.append(DataError(MAPPING_FILE, "file", "-", "a mapping with 'observations' is required"))
    seen: dict[tuple[str, str, int], str] = {}
    for obs in data.observations:
        where = f"{obs.file} row {obs.row}"
        earlier = seen.setdefault((obs.kpi, obs.state, obs.year), where)
        if earlier != where:
            errors.append(DataError(obs.file, f"row {obs.row}", "year",
                                    f"{obs.kpi} {obs.state} {obs.year} already comes from {earlier}"))
    if errors:
        raise PlanDataError(errors)
    return data


def read_sheet_details(path: Path, codes, errors: list[DataError]) -> list[SheetDetails]:
    """The reference-sheet details of kpis.yaml (definition, formula, baseline year, value bounds)."""
    return _sheets(_yaml(path, errors), codes, errors)


def _sheets(raw, kpis, errors: list[DataError]) -> list[SheetDetails]:
    items = raw.get("kpis") if isinstance(raw, dict) else None
    if not isinstance(items, list):
        errors.append(DataError(KPIS_FILE, "file", "kpis", "a list of KPIs is required"))
        return []
    out = []
    for item in items:
        code = str(item.get("code", ""))
        entry = f"KPI {code}"
        if code not in kpis:
            errors.append(DataError(KPIS_FILE, entry, "code", "is not a KPI loaded by load_plan"))
            continue
        year = item.get("baseline_year", 2016)
        if not isinstance(year, int) or not 2000 <= year <= 2030:
            errors.append(DataError(KPIS_FILE, entry, "baseline_year", f"'{year}' is not a year from 2000 to 2030"))
            continue
        bounds = [None if item.get(k) is None else _decimal(item[k], KPIS_FILE, entry, k, errors)
                  for k in ("value_min", "value_max")]
        out.append(SheetDetails(code, str(item.get("definition") or ""), str(item.get("formula") or ""),
                                str(item.get("short_unit") or ""), year, *bounds))
    return out


def _profiles(raw, kpis: Mapping[str, str], states: set[str], errors: list[DataError]) -> dict:
    entries = raw.get("kpis") if isinstance(raw, dict) else None
    if not isinstance(entries, dict):
        errors.append(DataError(PROFILES_FILE, "file", "kpis", "a mapping of KPI code to profile is required"))
        return {}
    out: dict[str, dict[str, dict]] = {}
    for code, spec in entries.items():
        if code not in kpis:
            errors.append(DataError(PROFILES_FILE, f"KPI {code}", "-", "is not a KPI loaded by load_plan"))
            continue
        common = (spec or {}).get("all") or {}
        per_state = (spec or {}).get("states") or {}
        for iso3 in per_state:
            if iso3 not in states:
                errors.append(DataError(PROFILES_FILE, f"KPI {code}", "states", f"unknown member state '{iso3}'"))
        out[code] = {iso3: _profile(code, iso3, common, per_state.get(iso3) or {}, errors) for iso3 in sorted(states)}
    return out


def _profile(code: str, iso3: str, common: dict, own: dict, errors: list[DataError]) -> dict:
    merged = {**common, **own}
    entry = f"KPI {code} {iso3}"
    profile: dict = {}
    for name in PROFILE_TEXTS:
        value = merged.get(name) or ""
        profile[name] = str(value.get(iso3, "") if isinstance(value, dict) else value).strip()
    comparable = merged.get("comparable")
    if comparable is not None and not isinstance(comparable, bool):
        errors.append(DataError(PROFILES_FILE, entry, "comparable", "must be true, false or left out"))
        comparable = None
    profile["comparable"] = comparable
    confidence = merged.get("confidence", "confirmed")
    if confidence not in CONFIDENCE:
        errors.append(DataError(PROFILES_FILE, entry, "confidence", f"'{confidence}' is not one of {CONFIDENCE}"))
    profile["confidence"] = confidence
    return profile


def _wdi(rows, kpis: Mapping[str, str], states: set[str], skipped: list[str], errors: list[DataError]) -> list:
    by_wdi = {wdi: code for code, wdi in kpis.items() if wdi}
    out, unused = [], {}
    for number, row in enumerate(rows, start=2):
        entry = f"row {number}"
        indicator = row.get("indicator_code", "")
        code = by_wdi.get(indicator)
        if code is None:
            unused[indicator] = unused.get(indicator, 0) + 1
            continue
        state = row.get("country_iso3", "")
        if state not in states:
            errors.append(DataError(WDI_FILE, entry, "country_iso3", f"unknown member state '{state}'"))
            continue
        year = int(row["year"]) if str(row.get("year", "")).isdigit() else None
        value = _decimal(row.get("value", ""), WDI_FILE, entry, "value", errors)
        if year is None:
            errors.append(DataError(WDI_FILE, entry, "year", f"'{row.get('year')}' is not a year"))
        if year is None or value is None:
            continue
        repo = row.get("source_repo", "")
        secondary = repo in SECONDARY_REPOS
        projected = indicator in ILO_SERIES and year >= ILO_PROJECTION_FROM
        note = "ILO projection or nowcast, not survey data." if projected else ""
        out.append(ShippedObservation(
            kpi=code, state=state, year=year, value=value,
            source=f"World Bank, World Development Indicators ({indicator}), CC BY 4.0",
            confidence="partial" if secondary else "confirmed",
            note=note, file=f"data/kpis/{WDI_FILE}", row=number,
            provenance={"repo": repo, "path": row.get("source_path", ""), "commit": row.get("source_commit", ""),
                        "vintage": row.get("vintage_note", ""),
                        **({"confidence_note": "hand-transcribed from a secondary build of WDI; "
                                                "re-verify against the World Bank API"} if secondary else {})},
        ))
    for indicator, count in sorted(unused.items()):
        skipped.append(f"{count} rows of {indicator} in {WDI_FILE} are not a KPI's series and were not loaded")
    return out


def _msme_row(rows, number: int, item: dict, metrics: dict, states: set[str], errors: list[DataError]):
    """The named row of msme_statistics.csv, checked to be the state's and the metric's; None if not."""
    entry = f"row {number}"
    if not 2 <= number <= len(rows) + 1:
        errors.append(DataError(MAPPING_FILE, entry, "row", f"{MSME_FILE} has no row {number}"))
        return None
    row = rows[number - 2]
    state, metric = item.get("state"), item.get("metric")
    if state not in states:
        errors.append(DataError(MAPPING_FILE, entry, "state", f"unknown member state '{state}'"))
    elif row["country_iso3"] != state or row["metric"] != metric:
        errors.append(DataError(MAPPING_FILE, entry, "row",
                                f"{MSME_FILE} row {number} is {row['country_iso3']} {row['metric']}, "
                                f"not {state} {metric}"))
    elif metrics.get(metric) != item.get("kpi"):
        errors.append(DataError(MAPPING_FILE, entry, "kpi", f"{metric} maps to {metrics.get(metric)}, "
                                                             f"not {item.get('kpi')}"))
    else:
        return row
    return None


def _year(row: dict, item: dict, number: int, errors: list[DataError]) -> int | None:
    year = item.get("year") or row["reference_year"].strip()
    if isinstance(year, int) or str(year).isdigit():
        return int(year)
    errors.append(DataError(MAPPING_FILE, f"row {number}", "year",
                            f"the reference year '{year}' is not a plain year; give `year` with a note"))
    return None


def _national(mapping: dict, rows, states: set[str], errors: list[DataError]) -> list[ShippedObservation]:
    out = []
    for item in mapping.get("observations") or []:
        number = int(item.get("row", 0))
        row = _msme_row(rows, number, item, METRICS, states, errors)
        year = _year(row, item, number, errors) if row else None
        value = _decimal(row["value"], MSME_FILE, f"row {number}", "value", errors) if row else None
        if row is None or year is None or value is None:
            continue
        notes = "; ".join(t for t in (item.get("note", ""), row["notes"].strip()) if t)
        out.append(ShippedObservation(
            kpi=item["kpi"], state=item["state"], year=year, value=value, source=row["source_name"],
            confidence=row["confidence"] if row["confidence"] in CONFIDENCE else "unverified",
            note=notes, file=f"data/kpis/{MSME_FILE}", row=number,
            provenance={"url": row["source_url"], "unit": row["unit"], "vintage": row["reference_year"]},
        ))
    return out


def _targets(mapping: dict, rows, states: set[str], errors: list[DataError]) -> list[ShippedTarget]:
    out = []
    for item in mapping.get("targets") or []:
        number = int(item.get("row", 0))
        row = _msme_row(rows, number, item, TARGET_METRICS, states, errors)
        value = _decimal(row["value"], MSME_FILE, f"row {number}", "value", errors) if row else None
        if row is None or value is None:
            continue
        out.append(ShippedTarget(
            kpi=item["kpi"], state=item["state"], value=value, year=int(item["year"]),
            set_by=item["set_by"], decided=item["decided"],
            source=f"{row['source_name']}, {row['source_url']} (data/kpis/{MSME_FILE} row {number})",
            note=row["notes"].strip(),
        ))
    return out


def _context(mapping: dict, rows, errors: list[DataError]) -> list[ContextFigure]:
    out = []
    for item in mapping.get("context") or []:
        for number in item.get("rows") or []:
            if not 2 <= number <= len(rows) + 1:
                errors.append(DataError(MAPPING_FILE, f"context row {number}", "rows", f"{MSME_FILE} has no such row"))
                continue
            row = rows[number - 2]
            out.append(ContextFigure(
                kpi=item["kpi"], row=number, country=row["country"], value=row["value"], value_max=row["value_max"],
                unit=row["unit"], reference_year=row["reference_year"], source_name=row["source_name"],
                source_url=row["source_url"], confidence=row["confidence"], notes=row["notes"], reason=item["reason"],
            ))
    return out


def read_context(data_dir: Path) -> list[ContextFigure]:
    """The context figures alone, for the KPI pages; a file problem there shows no context rather than failing."""
    errors: list[DataError] = []
    mapping = _yaml(data_dir / MAPPING_FILE, errors)
    if not isinstance(mapping, dict):
        return []
    return _context(mapping, _csv(data_dir / MSME_FILE, errors), errors)
