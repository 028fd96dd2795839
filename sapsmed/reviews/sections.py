"""Review sections contributed by the progress, survey, KPI and roadmap apps, read through their selectors."""

from datetime import datetime, time

from django.utils import timezone

from sapsmed.reviews.content import section, table


def progress_section(review):
    """Action-line status per goal, as of the cut-off, from accepted reports only, with early-warning reasons."""
    from sapsmed.progress.warning import RAG_LABELS, assess

    a = assess(review.cut_off, accepted_only=True)
    goals: dict[str, dict[str, int]] = {}
    for s in a.streams:
        counts = goals.setdefault(s.goal, {})
        counts[s.rag] = counts.get(s.rag, 0) + 1
    order = ["done", "green", "amber", "red", "dropped", "grey"]
    names = {"done": "Completed", "green": "On track", "amber": "Needs attention", "red": "Serious problem",
             "dropped": "Dropped", "grey": "Not reported"}
    by_goal = [[g, *[goals[g].get(k, 0) for k in order], sum(goals[g].values())] for g in sorted(goals)]
    flagged = [[s.line.action_line.code, s.state.name, RAG_LABELS[s.warning.rag],
                " ".join(f.reason for f in s.warning.flags)]
               for s in a.streams if s.flagged]
    return section("progress", "Action-line status (progress monitoring)", demo=a.has_demo, paragraphs=[
        f"Status of each action line and lead state as of the cut-off date {review.cut_off:%d %B %Y}, from "
        "reports accepted by the ASEAN Secretariat only, assessed by the platform's early-warning rules "
        "(schedule, cost, staffing, quality, overdue reports, late predecessors).",
    ], tables=[
        table("Action-line status by goal", ["Goal", *[names[k] for k in order], "Lines × lead states"], by_goal,
              note="Each action line counts once per lead state, since each lead state reports on it."),
        table("Flagged action lines", ["Action line", "Lead state", "Status", "Why"], flagged,
              note="Reasons as written by the early-warning rules."),
    ])


def survey_section(review):
    """Survey estimates computed by the cut-off date, with their standard errors and confidence intervals."""
    from sapsmed.surveys.models import Estimate

    end = timezone.make_aware(datetime.combine(review.cut_off, time.max))
    estimates = list(
        Estimate.objects.filter(computed_at__lte=end, value__isnull=False)
        .select_related("state", "dataset__survey").order_by("dataset__survey__name", "position")[:400]
    )
    if not estimates:
        return section("survey", "Survey estimates", paragraphs=[
            "No survey estimate had been computed by the cut-off date."])
    synthetic = any(e.dataset.is_synthetic for e in estimates)
    rows = [[e.dataset.survey.name, ", ".join(f"{c}={v}" for c, v in e.domain) or "all", e.statistic, e.variable,
             round(e.value, 4), None if e.se is None else round(e.se, 4),
             None if e.ci_low is None else f"{e.ci_low:.4g} to {e.ci_high:.4g}", e.n] for e in estimates]
    return section("survey", "Survey estimates", synthetic=synthetic, paragraphs=[
        "Design-based estimates (Taylor linearisation; 95% confidence intervals) computed from enterprise "
        "microdata. National MSME definitions differ; where a harmonised size band is used it is named in the "
        "domain.",
    ], tables=[table("Estimates", ["Survey", "Domain", "Statistic", "Variable", "Estimate", "SE", "95% CI", "n"],
                     rows)])


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


def amendments_section(review):
    """Amendments approved since version 1, each with its reason, decision and changed lines."""
    from sapsmed.plan.roadmap_models import Amendment

    approved = (Amendment.objects.filter(status="approved", resulting_version__number__lte=review.plan_version.number)
                .select_related("resulting_version").order_by("resulting_version__number"))
    rows = [[a.resulting_version.number if a.resulting_version else "", a.title, a.reason, a.decision_reference,
             a.decided_on.isoformat() if a.decided_on else "", len(a.operations)] for a in approved]
    return section("amendments", "Amendments to the roadmap", paragraphs=[
        "Amendments approved by the working group since the plan was endorsed (version 1)." if rows else
        "No amendment has been approved: the roadmap stands as endorsed (version 1)."],
        tables=[table("Approved amendments", ["Version", "Title", "Reason", "Decision", "Decided", "Changes"], rows)]
        if rows else [])


def gaps_section(review):
    """Data gaps: KPI series with no value, and lead states that have not reported."""
    from sapsmed.progress.warning import assess

    kpi_list, state_list, cells = _kpi_cells(review)
    rows = []
    for k in kpi_list:
        missing = [st.name for st in state_list if not cells[(k.pk, st.pk)].observations]
        if missing:
            rows.append([k.name, len(missing), ", ".join(missing)])
    silent: dict[str, int] = {}
    a = assess(review.cut_off, accepted_only=True)
    for s in a.streams:
        if s.rag == "grey":
            silent[s.state.name] = silent.get(s.state.name, 0) + 1
    # Which states have not reported comes from the progress reports: demonstration data when they are.
    return section("gaps", "Data gaps", demo=a.has_demo, tables=[
        table("KPIs without data", ["KPI", "States without a value", "Which"], rows,
              note="A missing value is shown as missing; nothing is estimated or filled in."),
        table("Lead states without an accepted report", ["State", "Action lines"], sorted(silent.items())),
    ])


PROVIDERS = [kpi_section, progress_section, amendments_section, survey_section, gaps_section]
