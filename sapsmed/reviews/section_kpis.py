"""The KPI achievement section of a review: each KPI by state from baseline to latest, with its chart."""

from sapsmed.reviews.content import section, table


def _kpi_cells(review):
    """Every KPI × state cell with observations up to the review's last KPI year, assessed as on the KPI pages."""
    from sapsmed.kpis import assessing, selectors
    from sapsmed.kpis.models import KpiStateProfile, Observation, Target

    kpi_list, state_list = selectors.kpis(), selectors.states()
    observations = Observation.objects.filter(year__lte=review.kpi_year_to).order_by("year")
    cells = assessing.build_cells(kpi_list, state_list, observations, KpiStateProfile.objects.all(),
                                  Target.objects.filter(state__isnull=False))
    return kpi_list, state_list, cells


def _fmt(value) -> str | None:
    if value is None:
        return None
    return f"{value:,.2f}".rstrip("0").rstrip(".") if abs(value) < 1e6 else f"{value:,.0f}"


def kpi_section(review):
    """KPI achievement per goal and state: baseline, latest, change, status, with the chart of each KPI."""
    from sapsmed.kpis.charts import chart_spec

    kpi_list, state_list, cells = _kpi_cells(review)
    tables, charts = [], []
    for k in kpi_list:
        rows = []
        for st in state_list:
            c = cells[(k.pk, st.pk)]
            a = c.assessment
            base = f"{_fmt(a.baseline.value)} ({a.baseline.year})" if a and a.baseline else None
            latest = f"{_fmt(a.latest.value)} ({a.latest.year})" if a and a.latest else None
            change = _fmt(a.absolute_change) if a and a.absolute_change is not None else None
            rows.append([st.name, base, latest, change, c.status.label, a.reason if a else "No value."])
        goal = f"Goal {k.goal.code}" if k.goal else "Added after endorsement"
        tables.append(table(f"{goal}: {k.name}", ["State", "Baseline", "Latest", "Change", "Status", "Why"], rows,
                            key=k.code, note=f"Unit: {k.unit}. {k.known_issues}".strip()))
        kpi_cells = [cells[(k.pk, st.pk)] for st in state_list]
        if any(c.observations for c in kpi_cells):
            title = k.name if k.unit.lower() in k.name.lower() else f"{k.name} ({k.unit})"
            # The key places the chart beside its KPI's table in every output.
            charts.append({"title": title, "key": k.code, "spec": chart_spec(k, kpi_cells),
                           "note": "Baselines marked; targets drawn where set; bars show 95% CIs of estimates."})
    assessed = sum(c.assessed for c in cells.values())
    return section("kpis", "KPI achievement", paragraphs=[
        f"The {len(kpi_list)} KPIs in the {len(state_list)} member states, with values up to {review.kpi_year_to}: "
        f"{assessed} of {len(cells)} KPI × state series have a baseline and a later value. Status is computed by "
        "the platform's achievement rules from stored values (direction-aware; against a target where one is set).",
    ], tables=tables, charts=charts)


def kpi_gaps_table(review) -> dict:
    """KPIs without a value in some states, and which states."""
    kpi_list, state_list, cells = _kpi_cells(review)
    rows = []
    for k in kpi_list:
        missing = [st.name for st in state_list if not cells[(k.pk, st.pk)].observations]
        if missing:
            rows.append([k.name, len(missing), ", ".join(missing)])
    return table("KPIs without data", ["KPI", "States without a value", "Which"], rows, formats=["text", "int", "text"],
                 note="A missing value is shown as missing; nothing is estimated or filled in.")
