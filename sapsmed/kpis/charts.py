"""The KPI chart as one Vega-Lite spec (Altair): served as JSON to the browser and drawn as SVG/PNG on the server.

Every state's values over time as a line; each state's baseline marked with a diamond; a dashed line
from the baseline to the target where a target is set; a dashed rule at a regional target; vertical
error bars where a value has a 95% confidence interval; the plan's baseline year as a vertical rule.
Only stored values are drawn: a year without a value is a gap, never an interpolated point.
"""

from __future__ import annotations

import json

import altair as alt
import vl_convert

from sapsmed.kpis.assessing import Cell
from sapsmed.kpis.models import Kpi, Target

WIDTH, HEIGHT = 760, 380
VL_VERSION = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])


def _gaps(cells: list[Cell]) -> list[dict]:
    """A null value for each year missing inside a state's series, so its line breaks there (no interpolation)."""
    rows = []
    for cell in cells:
        years = {o.year for o in cell.observations}
        if years:
            rows += [{"state": cell.state.name, "year": y, "value": None}
                     for y in range(min(years), max(years)) if y not in years]
    return rows


def _points(cells: list[Cell]) -> list[dict]:
    rows = []
    for cell in cells:
        for obs in cell.observations:
            rows.append({
                "projection": "projection" in obs.note.casefold(),
                "state": cell.state.name, "year": obs.year, "value": float(obs.value),
                "ci_low": float(obs.ci_low) if obs.ci_low is not None else None,
                "ci_high": float(obs.ci_high) if obs.ci_high is not None else None,
                "status": obs.get_status_display(), "confidence": obs.confidence, "source": obs.source[:120],
            })
    return rows


def _baselines(cells: list[Cell]) -> list[dict]:
    out = []
    for cell in cells:
        baseline = cell.assessment.baseline if cell.assessment else None
        if baseline is not None:
            note = baseline.note or f"{baseline.year} baseline"
            out.append({"state": cell.state.name, "year": baseline.year, "value": baseline.value, "note": note})
    return out


def _target_paths(cells: list[Cell]) -> list[dict]:
    out = []
    for cell in cells:
        baseline = cell.assessment.baseline if cell.assessment else None
        if cell.target is None or baseline is None or cell.target_problem:
            continue
        label = f"target {cell.target.year} ({cell.target.set_by})"
        out.append({"state": cell.state.name, "year": baseline.year, "value": baseline.value, "label": label})
        out.append({"state": cell.state.name, "year": cell.target.year, "value": float(cell.target.value),
                    "label": label})
    return out


def chart_spec(kpi: Kpi, cells: list[Cell], regional_target: Target | None = None, *, validate: bool = False) -> dict:
    """The Vega-Lite spec (a dict) of the KPI's chart.

    Checking the spec against the Vega-Lite schema takes longer than building it, so pages skip it;
    the tests build every KPI's spec with validate=True.
    """
    states = sorted({c.state.name for c in cells})
    color = alt.Color("state:N", title="Member state", scale=alt.Scale(domain=states))
    x = alt.X("year:Q", title="Year", axis=alt.Axis(format="d", tickMinStep=1), scale=alt.Scale(zero=False, nice=False))
    # A long unit (a sentence about the price basis) would be cut off along the axis; the chart's title names
    # the KPI in full, so the axis takes the short unit then.
    axis_unit = kpi.unit if len(kpi.unit) <= 40 else (kpi.short_unit or kpi.unit[:40])
    y = alt.Y("value:Q", title=axis_unit, scale=alt.Scale(zero=False))
    tooltip = [alt.Tooltip("state:N", title="State"), alt.Tooltip("year:Q", title="Year", format="d"),
               alt.Tooltip("value:Q", title="Value", format=",.2f"), alt.Tooltip("status:N", title="Status"),
               alt.Tooltip("confidence:N", title="Confidence"), alt.Tooltip("source:N", title="Source")]
    points = _points(cells)
    layers = [
        alt.Chart(alt.Data(values=points + _gaps(cells))).mark_line(invalid="break-paths-show-path-domains")
        .encode(x=x, y=y, color=color),
        alt.Chart(alt.Data(values=points)).mark_point(filled=True, size=36, opacity=1)
        .encode(x="year:Q", y="value:Q", color=color, tooltip=tooltip),
        alt.Chart(alt.Data(values=[{"year": kpi.baseline_year, "label": f"baseline year {kpi.baseline_year}"}]))
        .mark_rule(strokeDash=[2, 3], color="#777").encode(x="year:Q"),
    ]
    projections = [p for p in points if p["projection"]]
    if projections:
        layers.append(alt.Chart(alt.Data(values=projections)).mark_point(filled=True, size=10, color="white",
                                                                          opacity=1).encode(x="year:Q", y="value:Q"))
    with_ci = [p for p in points if p["ci_low"] is not None]
    if with_ci:
        layers.append(alt.Chart(alt.Data(values=with_ci)).mark_rule()
                      .encode(x="year:Q", y="ci_low:Q", y2="ci_high:Q", color=color))
    baselines = _baselines(cells)
    if baselines:
        layers.append(
            alt.Chart(alt.Data(values=baselines)).mark_point(shape="diamond", size=140, filled=True, opacity=1,
                                                             stroke="#1d2433", strokeWidth=1)
            .encode(x="year:Q", y="value:Q", color=color,
                    tooltip=[alt.Tooltip("state:N", title="State"), alt.Tooltip("note:N", title="Baseline"),
                             alt.Tooltip("value:Q", title="Value", format=",.2f")])
        )
    paths = _target_paths(cells)
    if paths:
        layers.append(alt.Chart(alt.Data(values=paths)).mark_line(strokeDash=[6, 4], point=True)
                      .encode(x="year:Q", y="value:Q", color=color, detail="label:N",
                              tooltip=[alt.Tooltip("state:N"), alt.Tooltip("label:N", title="Target"),
                                       alt.Tooltip("value:Q", title="Value", format=",.2f")]))
    if regional_target is not None:
        label = f"regional target {regional_target.year}: {float(regional_target.value):,.2f}"
        layers.append(alt.Chart(alt.Data(values=[{"value": float(regional_target.value), "label": label}]))
                      .mark_rule(strokeDash=[8, 4], color="#c8102e").encode(y="value:Q", tooltip="label:N"))
    legend = ["Diamonds: each state's baseline", "dashed: path to a target"]
    if projections:
        legend.append("ringed points: ILO projections")
    if with_ci:
        legend.append("bars: 95% confidence intervals")
    legend.append("a break in a line: no value for those years")
    chart = alt.layer(*layers).properties(width=WIDTH, height=HEIGHT, title=alt.Title(
        kpi.name, subtitle="; ".join(legend) + "."))
    return chart.to_dict(validate=validate)


def chart_json(spec: dict) -> str:
    return json.dumps(spec, separators=(",", ":"))


def chart_svg(spec: dict) -> str:
    return vl_convert.vegalite_to_svg(spec, vl_version=VL_VERSION)


def chart_png(spec: dict) -> bytes:
    return vl_convert.vegalite_to_png(spec, vl_version=VL_VERSION, scale=2)
