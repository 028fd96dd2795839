"""Turn stored KPI facts into the core's inputs and back: one assessment per KPI and state, one regional figure.

The rules live in sapsmed.core.achievement and sapsmed.core.regional; this module only feeds them the
stored observations, baseline year, target and comparability. Its assessments are stored as scorecard
cells (sapsmed.kpis.derived), so every page and export shows the same status for the same facts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sapsmed.core import achievement, regional
from sapsmed.kpis.models import Kpi, KpiStateProfile, Observation, Target
from sapsmed.plan.models import MemberState


@dataclass
class Cell:
    """One KPI in one state: its values, profile, target and the core's assessment of them."""

    kpi: Kpi
    state: MemberState
    observations: list[Observation] = field(default_factory=list)
    profile: KpiStateProfile | None = None
    target: Target | None = None
    assessment: achievement.Assessment | None = None
    target_problem: str = ""

    @property
    def baseline_year(self) -> int:
        """The preferred baseline year: the state's own if its profile sets one, else the KPI's."""
        if self.profile is not None and self.profile.baseline_year:
            return self.profile.baseline_year
        return self.kpi.baseline_year

    @property
    def years(self) -> str:
        if not self.observations:
            return ""
        first, last = self.observations[0].year, self.observations[-1].year
        return str(first) if first == last else f"{first}–{last}"

    @property
    def status(self) -> achievement.Status:
        return self.assessment.status if self.assessment else achievement.Status.NO_DATA

    @property
    def assessed(self) -> bool:
        return self.status is not achievement.Status.NO_DATA

    @property
    def latest_observation(self) -> Observation | None:
        latest = self.assessment.latest if self.assessment else None
        if latest is None:
            return None
        return next((o for o in self.observations if o.year == latest.year), None)

    @property
    def baseline_observation(self) -> Observation | None:
        baseline = self.assessment.baseline if self.assessment else None
        if baseline is None:
            return None
        return next((o for o in self.observations if o.year == baseline.year), None)


def _core_observation(obs: Observation) -> achievement.Observation:
    low = float(obs.ci_low) if obs.ci_low is not None else None
    high = float(obs.ci_high) if obs.ci_high is not None else None
    return achievement.Observation(obs.year, float(obs.value), low, high)


def assess_cell(cell: Cell) -> Cell:
    """Fill the cell's assessment; a target the core rejects is set aside and the reason kept."""
    direction = achievement.Direction(cell.kpi.direction)
    series = [_core_observation(o) for o in cell.observations]
    target = None
    if cell.target is not None:
        target = achievement.Target(float(cell.target.value), cell.target.year)
    kwargs = {"direction": direction, "baseline_year": cell.baseline_year, "unit": cell.kpi.short_unit}
    try:
        cell.assessment = achievement.assess(series, target=target, **kwargs)
    except ValueError as problem:
        cell.target_problem = f"Target not used: {problem}"
        cell.assessment = achievement.assess(series, **kwargs)
    return cell


def group_cells(
    kpis: Sequence[Kpi], states: Sequence[MemberState], observations: Iterable[Observation],
    profiles: Iterable[KpiStateProfile], targets: Iterable[Target] = (),
) -> dict[tuple[int, int], Cell]:
    """Every (KPI, state) cell, keyed by (kpi id, state id), with its facts but not assessed (the regional view
    reads only the values and comparability); observations sorted by year."""
    cells = {(k.pk, s.pk): Cell(k, s) for k in kpis for s in states}
    for obs in observations:
        cell = cells.get((obs.kpi_id, obs.state_id))
        if cell is not None:
            cell.observations.append(obs)
    for profile in profiles:
        if (profile.kpi_id, profile.state_id) in cells:
            cells[(profile.kpi_id, profile.state_id)].profile = profile
    for target in targets:
        if target.state_id is not None and (target.kpi_id, target.state_id) in cells:
            cells[(target.kpi_id, target.state_id)].target = target
    for cell in cells.values():
        cell.observations.sort(key=lambda o: o.year)
    return cells


def build_cells(
    kpis: Sequence[Kpi], states: Sequence[MemberState], observations: Iterable[Observation],
    profiles: Iterable[KpiStateProfile], targets: Iterable[Target],
) -> dict[tuple[int, int], Cell]:
    """Every (KPI, state) cell, keyed by (kpi id, state id), each assessed by the core."""
    cells = group_cells(kpis, states, observations, profiles, targets)
    for cell in cells.values():
        assess_cell(cell)
    return cells


def comparability(cells: Iterable[Cell]) -> dict[str, tuple[bool, str]]:
    """Per state, whether its figures compare with the others' (states without a recorded profile are absent)."""
    out = {}
    for cell in cells:
        if cell.profile is not None and cell.profile.comparable is not None:
            out[cell.state.iso3] = (cell.profile.comparable, cell.profile.comparability_note)
    return out


@dataclass(frozen=True)
class RegionalYear:
    year: int
    figure: regional.RegionalFigure
    label: str


def regional_years(kpi_cells: Sequence[Cell], *, method: str = "mean") -> list[RegionalYear]:
    """The regional figure in the KPI's baseline year and in a recent year: the latest of the years after the
    baseline in which the most comparable states have a value (a year one state reports alone would mislead)."""
    if not kpi_cells:
        return []
    comparable = comparability(kpi_cells)
    kpi = kpi_cells[0].kpi
    by_year: dict[int, dict[str, float]] = {}
    for cell in kpi_cells:
        for obs in cell.observations:
            by_year.setdefault(obs.year, {})[cell.state.iso3] = float(obs.value)
    states = [cell.state.iso3 for cell in kpi_cells]
    coverage = {y: sum(comparable.get(s, (False,))[0] for s in values) for y, values in by_year.items()
                if y > kpi.baseline_year}
    wanted = [(kpi.baseline_year, "baseline year")]
    best = max(coverage.values(), default=0)
    if best:
        recent = max(y for y, n in coverage.items() if n == best)
        wanted.append((recent, f"latest year with the most comparable states reporting ({best})"))
    out = []
    for year, label in wanted:
        values = {iso3: by_year.get(year, {}).get(iso3) for iso3 in states}
        figure = regional.regional_figure(values, comparable, method=method, year=year)
        out.append(RegionalYear(year, figure, label))
    return out
