"""The evidence section of a review: survey estimates computed by the cut-off date, summarised per statistic."""

from __future__ import annotations

from datetime import datetime, time

from django.utils import timezone

from sapsmed.reviews.content import section, table

STATE = "state"
HARMONISED = "size_band_harmonised"
NATIONAL = "size_class_national"
SIZE_ORDER = ["micro", "small", "medium", "large", "unknown"]
ESTIMATE_COLUMNS = ["Estimate", "SE", "95% CI low", "95% CI high", "deff", "n"]
ESTIMATE_FORMATS = ["number", "number", "number", "number", "number", "int"]


def domain_words(estimate) -> str:
    """A domain in words: "Brunei Darussalam, medium enterprises (harmonised)"; no domain: "All enterprises"."""
    parts = []
    for column, value in estimate.domain:
        if column == STATE:
            parts.append(estimate.state.name if estimate.state else str(value))
        elif column == HARMONISED:
            parts.append(f"{value} enterprises (harmonised)" if value != "unknown"
                         else "size unknown (harmonised)")
        elif column == NATIONAL:
            parts.append(f"{value} enterprises (national definition)" if value != "unknown"
                         else "size class unknown (national definition)")
        else:
            parts.append(f"{column} = {value}")
    return ", ".join(parts) or "All enterprises"


def statistic_words(statistic: str, variable: str) -> str:
    """What was estimated: "Proportion of has_overseas_investment", "Ratio revenue/employees"."""
    if statistic == "ratio":
        return f"Ratio {variable}"
    return f"{statistic.capitalize()} of {variable}"


def _level_rank(estimate) -> tuple:
    # The headline level of a statistic: fewest columns other than state and the harmonised band (national
    # classes differ by state), then regional before by-state, then the fewest columns.
    columns = [c for c, _ in estimate.domain]
    return (sum(c not in (STATE, HARMONISED) for c in columns), STATE in columns, len(columns))


def _size_of(estimate) -> str:
    for column, value in estimate.domain:
        if column in (HARMONISED, NATIONAL):
            return str(value)
    return "all sizes"


def _order(estimate) -> tuple:
    size = _size_of(estimate)
    return (estimate.state.name if estimate.state else "", SIZE_ORDER.index(size) if size in SIZE_ORDER else -1,
            domain_words(estimate))


def _cells(e) -> list:
    return [e.value, e.se, e.ci_low, e.ci_high, e.deff, e.n]


def estimates_chart(title: str, key: str, estimates: list) -> dict:
    """Each estimate of one statistic as a point with its 95% CI, by state (or domain), coloured by size."""
    import altair as alt

    values = [{"row": e.state.name if e.state else domain_words(e), "size": _size_of(e), "value": e.value,
               "ci_low": e.ci_low, "ci_high": e.ci_high, "n": e.n} for e in estimates]
    rows = len({v["row"] for v in values})
    sizes = [s for s in ["all sizes", *SIZE_ORDER] if any(v["size"] == s for v in values)]
    y = alt.Y("row:N", title=None, sort=None)
    color = alt.Color("size:N", title="Size", scale=alt.Scale(domain=sizes))
    offset = alt.YOffset("size:N", scale=alt.Scale(domain=sizes))
    base = alt.Chart(alt.Data(values=values))
    layers = [
        base.transform_filter("datum.ci_low != null").mark_rule()
        .encode(x="ci_low:Q", x2="ci_high:Q", y=y, yOffset=offset, color=color),
        base.mark_point(filled=True, size=30, opacity=1)
        .encode(x=alt.X("value:Q", title="Estimate (bars: 95% CI)"), y=y, yOffset=offset, color=color),
    ]
    height = max(80, rows * (8 + 4 * len(sizes)))  # two statistics (chart and table each) share a page
    spec = alt.layer(*layers).properties(width=620, height=height, title=title).to_dict(validate=False)
    return {"title": title, "key": key, "spec": spec,
            "note": "Points: design-based estimates; bars: 95% confidence intervals."}


def survey_section(review):
    """Per survey statistic: a chart of its estimates with their CIs, a table of its headline domains; every
    estimate with SE, CI, design effect and n in the workbook's annex."""
    from sapsmed.kpis.models import Observation
    from sapsmed.surveys.models import Estimate
    from sapsmed.surveys.services import estimate_ref

    end = timezone.make_aware(datetime.combine(review.cut_off, time.max))
    every = list(Estimate.objects.filter(computed_at__lte=end, value__isnull=False)
                 .select_related("state", "dataset__survey").order_by("dataset__survey__name", "run", "position"))
    if not every:
        return section("survey", "Survey estimates", paragraphs=[
            "No survey estimate had been computed by the cut-off date."])
    # A domain estimated again (a later run of the same statistic) counts once, as last computed.
    latest: dict[tuple, object] = {}
    for e in sorted(every, key=lambda e: (e.computed_at, e.pk)):
        latest[(e.dataset.survey.name, e.statistic, e.variable, tuple(map(tuple, e.domain)))] = e
    posted = {o.estimate_ref: o.kpi for o in Observation.objects.filter(estimate_ref__startswith="sapsmed estimate #")
              .select_related("kpi")}
    groups: dict[tuple, list] = {}
    for (survey, statistic, variable, _), e in latest.items():
        groups.setdefault((survey, statistic, variable), []).append(e)
    tables, charts, linked = [], [], 0
    for (survey, statistic, variable), found in groups.items():
        kpis = sorted({posted[r].name for r in (estimate_ref(e) for e in found) if r in posted})
        linked += bool(kpis)
        what = statistic_words(statistic, variable)
        title = f"{'KPI ' + '; '.join(kpis) + ': ' if kpis else ''}{what} ({survey})"
        key = f"survey:{survey}:{statistic}:{variable}"
        best = min(_level_rank(e) for e in found)
        headline = sorted((e for e in found if _level_rank(e) == best), key=_order)
        rest = len(found) - len(headline)
        synthetic = any(e.dataset.is_synthetic for e in found)
        note = (f"Headline domains: {len(headline)} of the {len(found)} estimated; the chart shows all "
                f"{len(found)}." if rest else f"All {len(found)} domains estimated.")
        tables.append(table(title, ["Domain", *ESTIMATE_COLUMNS], [[domain_words(e), *_cells(e)] for e in headline],
                            key=key, formats=["text", *ESTIMATE_FORMATS], synthetic=synthetic,
                            note=note + " Every estimate, with its SE, 95% CI, design effect and n, is in the "
                            "workbook's annex."))
        charts.append(estimates_chart(f"{what}: estimates with 95% CIs", key, sorted(found, key=_order)))
    annex = sorted(every, key=lambda e: (e.dataset.survey.name, e.run_id, e.statistic, e.variable, _order(e)))
    tables.append(table(
        "Every survey estimate", ["Survey", "Reference year", "Run", "Statistic", "Variable", "Domain",
                                  *ESTIMATE_COLUMNS, "Computed"],
        [[e.dataset.survey.name, e.dataset.survey.reference_year, e.run_id, e.statistic, e.variable, domain_words(e),
          *_cells(e), timezone.localtime(e.computed_at).date().isoformat()] for e in annex],
        formats=["text", "year", "int", "text", "text", "text", *ESTIMATE_FORMATS, "date"], annex=True,
        sheet="Survey estimates (annex)", synthetic=any(e.dataset.is_synthetic for e in annex)))
    surveys = sorted({s for s, _, _ in groups})
    link = (f"{linked} of the {len(groups)} statistics were posted as KPI values; their titles name the KPI."
            if linked else "None of these estimates has been posted as a KPI value, so they are summarised per "
            "survey and statistic rather than per KPI.")
    return section("survey", "Survey estimates", paragraphs=[
        f"{len(every)} design-based estimates (Taylor linearisation; 95% confidence intervals) of {len(groups)} "
        f"statistics from {len(surveys)} {'survey' if len(surveys) == 1 else 'surveys'} "
        f"({', '.join(surveys)}) had been computed by the cut-off date. {link}",
        *_domain_notes(every),
    ], tables=tables, charts=charts)


def _domain_notes(estimates) -> list[str]:
    """What a reader must know about the size domains used: the harmonised band's definition, as loaded."""
    from sapsmed.surveys.selectors import harmonised_label

    columns = {c for e in estimates for c, _ in e.domain}
    notes = []
    if HARMONISED in columns and (label := harmonised_label()):
        notes.append(f"{label}.".replace("..", "."))
    if NATIONAL in columns:
        notes.append("National size classes follow each member state's own MSME definition and are not "
                     "comparable between states.")
    return notes
