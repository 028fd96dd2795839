"""Check an uploaded file of KPI values and plan what it would change; nothing is written here.

Two formats are read, both through sapsmed.core.tables so every error names the file, sheet, row and column:
- Long format (Excel or CSV): one row per value, columns KPI, State, Year, Value, Source, Note and,
  optionally, SE, CI low, CI high (a survey estimate's standard error and 95% interval).
- The World Bank's own CSV download (API_<code>_DS2_...csv): four metadata lines, then Country Name,
  Country Code, Indicator Name, Indicator Code and one column per year. Rows of countries that are not
  ASEAN member states (and regional aggregates) are skipped and counted; years before the accepted
  range are skipped and counted; empty cells are no value, never zero.
Rules: a KPI or state must exist; the year lies in the accepted range; a value is a number the field can
store (OBSERVATION_BOUNDS, as the entry form and the API check it) and within the KPI's bounds (never
negative; at most 100 for shares and rates); one row per KPI, state and year; a user may import only
the states whose KPI values it may edit. The plan compares each value with the stored one: new,
corrected (old value kept in the history) or unchanged. Hidden sheets are not read; the preview says so
among the skipped rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from sapsmed.accounts.policy import Perm, can
from sapsmed.core.tables import CellError, Column, ErrorKind, Issue, RowCap, Sheet, read_table
from sapsmed.kpis import rules
from sapsmed.kpis.models import OBSERVATION_BOUNDS as OBS
from sapsmed.kpis.models import ImportKind, Kpi, Observation
from sapsmed.kpis.services import stored_decimal
from sapsmed.plan.models import MemberState

WDI_FIRST_YEAR, WDI_LAST_YEAR = 1960, 2035
_WDI_MARK = re.compile(rb"Indicator Code", re.IGNORECASE)
_WDI_UPDATED = re.compile(r'"?Last Updated Date"?\s*[,;]\s*"?([0-9-]{8,10})"?')
# The largest valid file holds one value per KPI, state and year (11 x 10 x 27 = 2,970 rows; a World Bank
# download is one row per country): 50,000 rows leave room for years and KPIs to come, and a larger file is
# refused before its cells are read. Past MAX_ERRORS, problems are counted by kind but not listed.
MAX_ROWS = 50_000
MAX_ERRORS = 1_000
ROW_CAP = RowCap(MAX_ROWS, "a KPI import")


@dataclass
class PlannedValue:
    kpi: Kpi
    state: MemberState
    year: int
    value: Decimal
    source: str
    note: str
    row: int
    se: Decimal | None = None
    ci_low: Decimal | None = None
    ci_high: Decimal | None = None
    old: Observation | None = None

    @property
    def action(self) -> str:
        """new; correction (the value or its uncertainty changes); source (same value, new source); unchanged."""
        if self.old is None:
            return "new"
        old = self.old
        if (old.value, old.se, old.ci_low, old.ci_high) != (self.value, self.se, self.ci_low, self.ci_high):
            return "correction"
        return "unchanged" if (old.source, old.note) == (self.source, self.note) else "source"


@dataclass
class UploadCheck:
    kind: str
    file_name: str
    sheet: str | None = None
    planned: list[PlannedValue] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    kinds: tuple[ErrorKind, ...] = ()  # every problem counted by kind, those beyond MAX_ERRORS too

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(p.action == action for p in self.planned)


def detect_kind(content: bytes, file_name: str) -> str:
    """The World Bank download names 'Indicator Code' in its header; anything else is read as long format."""
    if file_name.lower().endswith(".csv") and _WDI_MARK.search(content[:8192]):
        return ImportKind.WDI
    return ImportKind.LONG


def _bounds_issue(kpi: Kpi, value: Decimal, column: str) -> Issue | None:
    problem = rules.value_problem(value, code=kpi.code, unit=kpi.unit, low=kpi.value_min, high=kpi.value_max)
    return Issue(problem, column=column) if problem else None


def _may_edit(user, state: MemberState) -> bool:
    return user is None or can(user, Perm.KPI_EDIT, state=state.iso3)


def _state_issue(user, state: MemberState | None, column: str) -> Issue | None:
    if state is None or _may_edit(user, state):
        return None
    return Issue(f"you may import values only for the member states you are focal point of, not {state.name}",
                 column=column)


def long_sheet(kpis: dict[str, Kpi], states: dict[str, MemberState], user) -> Sheet:
    """The long-format import sheet; choices and the year range come from the database and today's date."""

    def check(row) -> list[Issue]:
        issues = []
        kpi, value = kpis[row["KPI"]], row["Value"]
        issues.append(_bounds_issue(kpi, value, "Value"))
        issues.append(_state_issue(user, states[row["State"]], "State"))
        for problem in rules.uncertainty_problems(value, se=row["SE"], ci_low=row["CI low"], ci_high=row["CI high"]):
            issues.append(Issue(problem, column="CI low" if "interval" in problem else "SE"))
        return [i for i in issues if i is not None]

    return Sheet(
        name="Observations",
        columns=(
            Column("KPI", "code", choices=tuple(kpis), aliases=("KPI code",), help="A KPI code such as KPI-E2."),
            Column("State", "code", choices=tuple(states), aliases=("Member state", "ISO3", "Country code"),
                   help="The member state's ISO3 code: " + ", ".join(f"{c} {s.name}" for c, s in states.items())),
            Column("Year", "year", min=rules.YEAR_MIN, max=rules.year_max()),
            Column("Value", "decimal", bounds=OBS["value"], help="In the KPI's unit, with a dot for decimals."),
            Column("Source", "text", bounds=OBS["source"],
                   help="Where the value comes from (publication, table, URL)."),
            Column("Note", "text", required=False, bounds=OBS["note"]),
            Column("SE", "decimal", required=False, aliases=("Standard error",), bounds=OBS["se"]),
            Column("CI low", "decimal", required=False, aliases=("95% CI low",), bounds=OBS["ci_low"]),
            Column("CI high", "decimal", required=False, aliases=("95% CI high",), bounds=OBS["ci_high"]),
        ),
        key=("KPI", "State", "Year"),
        row_checks=(check,),
    )


def wdi_sheet(by_wdi: dict[str, Kpi], states: dict[str, MemberState], user) -> Sheet:
    """The World Bank download's layout: four identifying columns and one column per year."""
    years = [str(y) for y in range(WDI_FIRST_YEAR, WDI_LAST_YEAR + 1)]

    def check(row) -> list[Issue]:
        state = states.get(str(row["Country Code"]).upper())
        if state is None:
            return []  # another country or an aggregate: skipped, not an error
        kpi = by_wdi.get(str(row["Indicator Code"]).upper())
        if kpi is None:
            known = ", ".join(f"{code} ({k.code})" for code, k in by_wdi.items())
            return [Issue(f"'{row['Indicator Code']}' is not the WDI code of a KPI; the KPIs' codes are {known}",
                          column="Indicator Code")]
        if not _may_edit(user, state):
            return []  # the World Bank file holds every state; a focal point imports its own rows only
        issues = [_bounds_issue(kpi, row[y], y) for y in years if row.get(y) is not None]
        return [i for i in issues if i is not None]

    return Sheet(
        name="Data",
        columns=(
            Column("Country Name", "text"), Column("Country Code", "code"),
            Column("Indicator Name", "text"), Column("Indicator Code", "code"),
            *(Column(y, "decimal", required=False, bounds=OBS["value"]) for y in years),
        ),
        key=("Country Code", "Indicator Code"),
        allow_extra_columns=True,
        row_checks=(check,),
    )


def check_upload(*, content: bytes, file_name: str, user, kind: str | None = None, lock: bool = False) -> UploadCheck:
    """Read and check the whole file; plan every value against the stored ones (two queries for all rows).

    With lock (inside the commit's transaction), the stored values are locked until it ends, so a value
    changed meanwhile is planned against its latest version, never overwritten unseen.
    """
    kind = kind or detect_kind(content, file_name)
    kpis = {k.code: k for k in Kpi.objects.all()}
    states = {s.iso3: s for s in MemberState.objects.order_by("iso3")}
    result = UploadCheck(kind=kind, file_name=file_name)
    if kind == ImportKind.WDI:
        by_wdi = {k.wdi_code.upper(): k for k in kpis.values() if k.wdi_code}
        table = read_table(content, filename=file_name, schema=wdi_sheet(by_wdi, states, user),
                           max_rows=ROW_CAP, max_errors=MAX_ERRORS)
        planned = _plan_wdi(table.rows, content, file_name, by_wdi, states, user, result.skipped) if table.ok else []
    else:
        table = read_table(content, filename=file_name, schema=long_sheet(kpis, states, user),
                           max_rows=ROW_CAP, max_errors=MAX_ERRORS)
        planned = [
            PlannedValue(kpis[r["KPI"]], states[r["State"]], r["Year"], stored_decimal(r["Value"]),
                         r["Source"], r["Note"] or "", r["_row"], stored_decimal(r["SE"]),
                         stored_decimal(r["CI low"]), stored_decimal(r["CI high"]))
            for r in table.rows
        ] if table.ok else []
    result.sheet, result.errors, result.kinds = table.sheet, table.errors, table.kinds
    result.skipped += table.notes
    if result.ok:
        result.planned = _with_stored(planned, lock=lock)
    return result


def _vintage(content: bytes) -> str:
    match = _WDI_UPDATED.search(content[:2048].decode("utf-8", "replace"))
    return match.group(1) if match else ""


def _plan_wdi(rows, content: bytes, file_name: str, by_wdi, states, user, skipped: list[str]) -> list[PlannedValue]:
    updated = _vintage(content)
    planned, others, early, not_yours = [], 0, 0, []
    for row in rows:
        state = states.get(str(row["Country Code"]).upper())
        if state is None:
            others += 1
            continue
        if not _may_edit(user, state):
            not_yours.append(state.iso3)
            continue
        kpi = by_wdi[str(row["Indicator Code"]).upper()]
        source = f"World Bank, World Development Indicators ({kpi.wdi_code}), CC BY 4.0"
        if updated:
            source += f", data last updated {updated}"
        for year in range(WDI_FIRST_YEAR, WDI_LAST_YEAR + 1):
            value = row.get(str(year))
            if value is None:
                continue
            if rules.year_problem(year):
                early += 1
                continue
            planned.append(PlannedValue(kpi, state, year, stored_decimal(value), source, "", row["_row"]))
    if others:
        skipped.append(f"{others} rows of countries or aggregates that are not ASEAN member states were skipped.")
    if not_yours:
        skipped.append(f"Rows of member states whose values you may not edit were skipped: "
                       f"{', '.join(sorted(set(not_yours)))}.")
    if early:
        skipped.append(f"{early} values outside the years accepted ({rules.YEAR_MIN} to {rules.year_max()}) "
                       "were skipped.")
    return planned


def _with_stored(planned: list[PlannedValue], *, lock: bool = False) -> list[PlannedValue]:
    if not planned:
        return planned
    kpi_ids = {p.kpi.pk for p in planned}
    state_ids = {p.state.pk for p in planned}
    found = Observation.objects.filter(kpi_id__in=kpi_ids, state_id__in=state_ids)
    if lock:
        # One order for every writer, so two imports locking overlapping values wait, never deadlock.
        found = found.select_for_update().order_by("pk")
    stored = {(o.kpi_id, o.state_id, o.year): o for o in found}
    for p in planned:
        p.old = stored.get((p.kpi.pk, p.state.pk, p.year))
    return planned
