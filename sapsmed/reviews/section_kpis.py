"""The KPI achievement section of a review: each KPI by state from baseline to latest, regional figures, data gaps.

Every status, baseline, change and regional figure comes from the same functions the KPI pages use
(sapsmed.kpis.assessing over sapsmed.core.achievement and sapsmed.core.regional), fed the values up to the
review's last KPI year; nothing here decides a rule. Cells are typed (numbers, years as integers), and the
sources of the baseline and latest values go to the workbook's annex, one row per KPI and state.
"""

from sapsmed.core.achievement import Thresholds
from sapsmed.core.report_cells import Fmt
from sapsmed.reviews.content import section, table

KPI_COLUMNS = ["State", "Baseline", "Baseline year", "Latest", "Latest year", "Change", "Status", "Why"]
KPI_FORMATS = [Fmt.TEXT, Fmt.NUMBER, Fmt.YEAR, Fmt.NUMBER, Fmt.YEAR, Fmt.NUMBER, Fmt.TEXT, Fmt.TEXT]
REGIONAL_COLUMNS = ["KPI", "Year", "Which year", "Regional figure", "States included", "Covers"]
REGIONAL_FORMATS = [Fmt.TEXT, Fmt.YEAR, Fmt.TEXT, Fmt.NUMBER, Fmt.INT, Fmt.TEXT]
GAP_COLUMNS = ["KPI", "States", "Gap", "Why"]
ANNEX_COLUMNS = ["KPI", "KPI name", "Unit", "Goal", "State", "ISO3", "Status", "Baseline", "Baseline year", "Latest",
                 "Latest year", "Change", "Change (%)", "Why", "Values", "Years", "Baseline source", "Latest source",
                 "Latest source URL", "Latest source file", "Latest vintage", "Latest validation", "Availability",
                 "Comparable", "Comparability note", "Definition notes", "Series breaks"]
ANNEX_FORMATS = [Fmt.TEXT] * 7 + [Fmt.NUMBER, Fmt.YEAR, Fmt.NUMBER, Fmt.YEAR, Fmt.NUMBER, Fmt.PERCENT, Fmt.TEXT,
                                  Fmt.INT] + [Fmt.TEXT] * 12
NOT_AVAILABLE, DEFINITION_DIFFERS, NOT_RECORDED = "Not available", "Definition differs", "Comparability not recorded"


def _kpi_cells(review):
    """Every KPI × state cell with observations up to the review's last KPI year, assessed as on the KPI pages."""
    from sapsmed.kpis import assessing, selectors
    from sapsmed.kpis.models import KpiStateProfile, Observation, Target

    kpi_list, state_list = selectors.kpis(), selectors.states()
    observations = Observation.objects.filter(year__lte=review.kpi_year_to).order_by("year")
    cells = assessing.build_cells(kpi_list, state_list, observations, KpiStateProfile.objects.all(),
                                  Target.objects.filter(state__isnull=False))
    return kpi_list, state_list, cells


def _number(value) -> float | None:
    # Rounded far below any shown digit, so a difference reads 0.657 and not 0.6569999999999965.
    return None if value is None else round(float(value), 9)


def _synthetic(obs) -> bool:
    return obs is not None and obs.is_synthetic


def _kpi_title(k) -> str:
    where = f"Goal {k.goal.code}" if k.goal else "added after endorsement"
    return f"{k.code} ({where}): {k.name}"


def _state_row(cell) -> list:
    a = cell.assessment
    return [cell.state.name,
            _number(a.baseline.value) if a and a.baseline else None, a.baseline.year if a and a.baseline else None,
            _number(a.latest.value) if a and a.latest else None, a.latest.year if a and a.latest else None,
            _number(a.absolute_change) if a else None, cell.status.label,
            " ".join(filter(None, [a.reason if a else "No value.", cell.target_problem]))]


def _comparable_text(profile) -> str:
    if profile is None or profile.comparable is None:
        return "not recorded"
    return "yes" if profile.comparable else "no"


def _annex_row(k, cell) -> list:
    a, p = cell.assessment, cell.profile
    base, latest = cell.baseline_observation, cell.latest_observation
    state, baseline, baseline_year, value, year, change, status, why = _state_row(cell)
    relative = a.relative_change if a else None
    provenance = latest.provenance if latest else {}
    return [k.code, k.name, k.unit, k.goal.code if k.goal else "", state, cell.state.iso3, status,
            baseline, baseline_year, value, year, change, None if relative is None else round(relative * 100, 6),
            why, len(cell.observations), cell.years or None,
            base.source if base else None, latest.source if latest else None,
            provenance.get("url") or None, (latest.source_file or None) if latest else None,
            provenance.get("vintage") or None,
            latest.get_status_display() if latest else None,
            p.get_availability_display() if p else None, _comparable_text(p),
            (p.comparability_note or None) if p else None, (p.definition_notes or None) if p else None,
            (p.series_breaks or None) if p else None]


def gap_of(cell, year_to: int) -> tuple[str, str] | None:
    """Why a KPI × state has no usable value (none to assess, or none to compare with the other states):
    the kinds of gap and the reasons in words; None when its values are assessed and comparable."""
    p, kinds, why = cell.profile, [], []
    if not cell.assessed:
        kinds.append(NOT_AVAILABLE)
        if cell.observations:
            why.append(cell.assessment.reason)  # the core's words: which baseline or later value is missing
        else:
            plan = f" Availability: {p.get_availability_display()}." if p else ""
            why.append(f"No value up to {year_to}.{plan}")
    if p is None or p.comparable is None:
        kinds.append(NOT_RECORDED)
        why.append("Left out of regional figures: comparability not recorded.")
    elif not p.comparable:
        kinds.append(DEFINITION_DIFFERS)
        note = f": {p.comparability_note}" if p.comparability_note else ""
        why.append(f"Left out of regional figures, not comparable{note}.")
    if not kinds:
        return None
    if p is not None and p.series_breaks:
        why.append(f"Series: {p.series_breaks}")
    return "; ".join(kinds), " ".join(why)


def kpi_gaps_table(review, kpi_list=None, state_list=None, cells=None) -> dict:
    """The data gaps: each KPI × state without a usable value, with the kind of gap and its reasons; the states of
    a KPI with the same gap for the same reasons share a row (the annex has one row per KPI and state)."""
    if cells is None:
        kpi_list, state_list, cells = _kpi_cells(review)
    rows = []
    for k in kpi_list:
        same: dict[tuple[str, str], list[str]] = {}
        for st in state_list:
            gap = gap_of(cells[(k.pk, st.pk)], review.kpi_year_to)
            if gap:
                same.setdefault(gap, []).append(st.name)
        for (kind, why), names in same.items():
            states = f"All {len(names)} member states" if len(names) == len(state_list) > 1 else ", ".join(names)
            rows.append([k.code, states, kind, why])
    return table("KPI data gaps", GAP_COLUMNS, rows, key="kpi-gaps", formats=[Fmt.TEXT] * 4,
                 note=f"{NOT_AVAILABLE}: no baseline or no later value up to {review.kpi_year_to}. "
                      f"{DEFINITION_DIFFERS}: the state's figures do not compare with the others' (national "
                      "definitions or methods), so regional figures leave it out. A missing value is shown as "
                      "missing; nothing is estimated or filled in. The workbook's annex has a row per KPI and state.")


def _left_out(figure) -> str:
    """The core's summary, with the states left out for the same reason named together."""
    if not figure.excluded:
        return figure.summary
    head = figure.summary.split("; left out:")[0]
    by_reason: dict[str, list[str]] = {}
    for e in figure.excluded:
        by_reason.setdefault(e.reason, []).append(e.state)
    said = "; ".join(f"{', '.join(states)} ({reason})" for reason, states in by_reason.items())
    return f"{head}; left out: {said}."


def regional_table(kpi_list, state_list, cells) -> dict:
    """Per KPI, the regional figure of its baseline year and of its latest well-covered year, as the KPI pages."""
    from sapsmed.kpis import assessing

    rows = []
    for k in kpi_list:
        for r in assessing.regional_years([cells[(k.pk, s.pk)] for s in state_list]):
            rows.append([k.code, r.year, r.label, _number(r.figure.value), len(r.figure.included),
                         _left_out(r.figure)])
    return table("Regional figures over comparable states", REGIONAL_COLUMNS, rows, key="regional",
                 formats=REGIONAL_FORMATS,
                 note="Mean of the member states whose figures compare with the others'; every state left out is "
                      "named with the reason. States by ISO code.")


def _paragraphs(review, kpi_list, state_list, cells, gaps: int) -> list[str]:
    assessed = sum(c.assessed for c in cells.values())
    preferred = sorted({c.baseline_year for c in cells.values()})
    nearest = sum(1 for c in cells.values() if c.assessment and c.assessment.baseline
                  and c.assessment.baseline.is_nearest)
    years = " or ".join(str(y) for y in preferred)
    return [
        f"The {len(kpi_list)} KPIs in the {len(state_list)} member states, with values up to {review.kpi_year_to}: "
        f"{assessed} of {len(cells)} KPI × state series have a baseline and a later value. Status is computed by "
        "the platform's achievement rules from stored values (direction-aware; against a target where one is set).",
        f"The baseline is the value of {years}, or where that year has none, of the nearest year with a value within "
        f"{Thresholds().baseline_window_years} years of it ({nearest} series), as on the KPI pages; the latest value "
        f"is the last one up to {review.kpi_year_to}. {gaps} KPI × state series have no value to assess or none "
        "that compares with the other states': the table KPI data gaps says why. The workbook's annex lists every "
        "value with its sources.",
    ]


def kpi_section(review):
    """KPI achievement per goal and state: baseline, latest, change, status, with the chart of each KPI."""
    from sapsmed.kpis.charts import chart_spec

    kpi_list, state_list, cells = _kpi_cells(review)
    tables, charts, annex = [], [], []
    for k in kpi_list:
        kpi_cells = [cells[(k.pk, st.pk)] for st in state_list]
        synthetic = any(_synthetic(o) for c in kpi_cells for o in c.observations)
        tables.append(table(_kpi_title(k), KPI_COLUMNS, [_state_row(c) for c in kpi_cells], key=k.code,
                            formats=KPI_FORMATS, note=f"Unit: {k.unit}. {k.known_issues}".strip(),
                            synthetic=synthetic))
        annex += [_annex_row(k, c) for c in kpi_cells]
        if any(c.observations for c in kpi_cells):
            title = k.name if k.unit.lower() in k.name.lower() else f"{k.name} ({k.unit})"
            # The key places the chart beside its KPI's table in every output.
            charts.append({"title": title, "key": k.code, "spec": chart_spec(k, kpi_cells),
                           "note": "Baselines marked; targets drawn where set; bars show 95% CIs of estimates."})
    gaps = kpi_gaps_table(review, kpi_list, state_list, cells)
    gap_count = sum(gap_of(c, review.kpi_year_to) is not None for c in cells.values())
    synthetic_values = any(_synthetic(o) for c in cells.values() for o in c.observations)
    values = table("KPI values and sources", ANNEX_COLUMNS, annex, key="kpi-values", formats=ANNEX_FORMATS,
                   annex=True, sheet="Annex - KPI values", synthetic=synthetic_values,
                   note="One row per KPI and member state: the values, status and reason of the tables of the KPI "
                        "section, with the source of the baseline and latest values and how the state measures "
                        "the KPI.")
    return section("kpis", "KPI achievement",
                   paragraphs=_paragraphs(review, kpi_list, state_list, cells, gap_count),
                   tables=[regional_table(kpi_list, state_list, cells), *tables, gaps, values], charts=charts)
