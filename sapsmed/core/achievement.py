"""KPI achievement: compare a member state's latest KPI value with its baseline and, if set, its target.

Rules:
- Each KPI improves in one direction: upward (e.g. labour productivity) or downward (e.g. days to start
  a business). A change in that direction is an improvement.
- The baseline is the value for the preferred baseline year (2016 unless told otherwise). If that year has
  no value, the nearest year with a value within 3 years either side is used; when two years are equally
  near, the earlier one is used. The assessment then says so, e.g. "2016 not available; 2015 used".
- The latest value is the value of the most recent year after the baseline year. When an "as of" year is
  given, values for later years are ignored, both for the baseline and for the latest value.
- A value that is missing or not a number counts as no value. Two values for the same year are an error.
- A confidence interval, when given, is a 95% interval: it needs both ends and must contain the value.
- Without a baseline or without a later value the status is "No data", whatever else is known.
- The plan sets no targets. When a target (value and year) is set, it must lie in the improving direction
  from the baseline and its year must come after the baseline year; otherwise the target is rejected.
- With a target, progress is the share of the way from the baseline to the target covered by the latest
  value. The expected progress is the share of the time from the baseline year to the target year that has
  elapsed by the year of the latest value (never below 0% or above 100%); the year of the latest value is
  used so that a statistic published late is not penalised for its publication delay.
  "Achieved": progress is 100% or more. "On track": progress is at least 0.9 times the expected progress.
  "At risk": at least 0.5 times the expected progress. "Off track": less than that.
- Without a target: if the latest value's confidence interval covers the baseline value, there is
  "No clear change". Otherwise, if the value moved by no more than 1% of the baseline, there is also
  "No clear change" (for a baseline of exactly 0, only a change smaller than a tiny amount counts).
  Otherwise the status is "Improved" or "Worsened" according to the KPI's direction.
- Because the tolerance is relative, the status does not depend on the unit (days or weeks, USD or
  thousand USD). Comparisons allow for rounding in the last digits of computer arithmetic (one part in a
  trillion), so a figure exactly at a threshold counts as reaching it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

# One part in a trillion: far below any meaningful KPI difference, far above floating-point rounding.
_EPS = 1e-12


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"

    @property
    def better(self) -> str:
        return "higher is better" if self is Direction.UP else "lower is better"


class Status(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    IMPROVED = "improved"
    NO_CLEAR_CHANGE = "no_clear_change"
    WORSENED = "worsened"
    NO_DATA = "no_data"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def rank(self) -> int:
        """Position within its family, 0 being best; "No data" ranks below every other status."""
        for family in (TARGET_STATUSES, CHANGE_STATUSES):
            if self in family:
                return family.index(self)
        return len(TARGET_STATUSES)


_LABELS = {
    Status.ACHIEVED: "Achieved",
    Status.ON_TRACK: "On track",
    Status.AT_RISK: "At risk",
    Status.OFF_TRACK: "Off track",
    Status.IMPROVED: "Improved",
    Status.NO_CLEAR_CHANGE: "No clear change",
    Status.WORSENED: "Worsened",
    Status.NO_DATA: "No data",
}

# Best first: the statuses used when a target is set, and those used when it is not.
TARGET_STATUSES = (Status.ACHIEVED, Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK)
CHANGE_STATUSES = (Status.IMPROVED, Status.NO_CLEAR_CHANGE, Status.WORSENED)


@dataclass(frozen=True)
class Observation:
    year: int
    value: float
    ci_low: float | None = None
    ci_high: float | None = None

    def __post_init__(self) -> None:
        if (self.ci_low is None) != (self.ci_high is None):
            raise ValueError(f"The {self.year} confidence interval needs both a lower and an upper end.")
        low, high = self.ci_low, self.ci_high
        known = low is not None and high is not None and _finite(low, high, self.value)
        if known and not low <= self.value <= high:
            raise ValueError(
                f"The {self.year} confidence interval ({low} to {high}) "
                f"does not contain the value {self.value}."
            )

    @property
    def has_ci(self) -> bool:
        return self.ci_low is not None and self.ci_high is not None and _finite(self.ci_low, self.ci_high)


@dataclass(frozen=True)
class Target:
    value: float
    year: int


@dataclass(frozen=True)
class Thresholds:
    baseline_window_years: int = 3
    on_track_ratio: float = 0.9
    at_risk_ratio: float = 0.5
    no_change_relative_tolerance: float = 0.01
    no_change_absolute_epsilon: float = 1e-9

    def __post_init__(self) -> None:
        if self.baseline_window_years < 0:
            raise ValueError("The baseline search window cannot be negative.")
        if not 0 <= self.at_risk_ratio <= self.on_track_ratio <= 1:
            raise ValueError("Thresholds need 0 ≤ at-risk ratio ≤ on-track ratio ≤ 1.")
        if self.no_change_relative_tolerance < 0 or self.no_change_absolute_epsilon < 0:
            raise ValueError("No-clear-change tolerances cannot be negative.")


@dataclass(frozen=True)
class Baseline:
    year: int
    value: float
    preferred_year: int

    @property
    def is_nearest(self) -> bool:
        """True when the preferred year had no value and a nearby year stands in for it."""
        return self.year != self.preferred_year

    @property
    def note(self) -> str | None:
        if not self.is_nearest:
            return None
        return f"{self.preferred_year} not available; {self.year} used"


@dataclass(frozen=True)
class Assessment:
    status: Status
    reason: str
    direction: Direction
    baseline: Baseline | None = None
    latest: Observation | None = None
    target: Target | None = None
    absolute_change: float | None = None
    relative_change: float | None = None
    in_good_direction: bool | None = None
    progress: float | None = None
    expected_progress: float | None = None


def assess(
    observations: Iterable[Observation],
    *,
    direction: Direction,
    baseline_year: int = 2016,
    target: Target | None = None,
    as_of_year: int | None = None,
    thresholds: Thresholds = Thresholds(),  # noqa: B008 - frozen, so one shared default is safe
    unit: str = "",
) -> Assessment:
    """Assess one KPI of one member state; `unit` (e.g. "days", "%") is only used in the reason."""
    usable = _usable(observations, as_of_year)
    baseline = _find_baseline(usable, baseline_year, thresholds.baseline_window_years)
    if baseline is None:
        window = thresholds.baseline_window_years
        return Assessment(
            Status.NO_DATA,
            f"No data: no value within {window} years of {baseline_year} to serve as baseline.",
            direction,
            target=target,
        )
    if target is not None:
        _check_target(target, baseline, direction, unit)
    later = [o for o in usable if o.year > baseline.year]
    if not later:
        cut = f" up to {as_of_year}" if as_of_year is not None else ""
        return Assessment(
            Status.NO_DATA,
            _sentence(f"No data: no value after the {baseline.year} baseline{cut}", baseline),
            direction,
            baseline=baseline,
            target=target,
        )
    latest = max(later, key=lambda o: o.year)
    change = latest.value - baseline.value
    relative = change / abs(baseline.value) if baseline.value != 0 else None
    good = change > 0 if direction is Direction.UP else change < 0
    common = {
        "direction": direction,
        "baseline": baseline,
        "latest": latest,
        "target": target,
        "absolute_change": change,
        "relative_change": relative,
        "in_good_direction": good,
    }
    if target is not None:
        progress = change / (target.value - baseline.value)
        expected = (latest.year - baseline.year) / (target.year - baseline.year)
        expected = min(1.0, max(0.0, expected))
        status = _target_status(progress, expected, thresholds)
        reason = _target_reason(status, progress, expected, baseline, latest, target, unit)
        return Assessment(status, reason, progress=progress, expected_progress=expected, **common)
    status, reason = _change_status(baseline, latest, relative, good, direction, thresholds, unit)
    return Assessment(status, reason, **common)


def change_series(observations: Iterable[Observation], baseline: Baseline) -> tuple[tuple[int, float], ...]:
    """Per year, the change from the baseline as a fraction of it (for charts); empty if the baseline is 0."""
    if baseline.value == 0:
        return ()
    usable = _usable(observations, None)
    return tuple((o.year, (o.value - baseline.value) / abs(baseline.value)) for o in usable)


def _usable(observations: Iterable[Observation], as_of_year: int | None) -> list[Observation]:
    seen: set[int] = set()
    usable = []
    for obs in observations:
        if obs.year in seen:
            raise ValueError(f"Two values for {obs.year}; keep one value per year.")
        seen.add(obs.year)
        if _finite(obs.value) and (as_of_year is None or obs.year <= as_of_year):
            usable.append(obs)
    return sorted(usable, key=lambda o: o.year)


def _find_baseline(usable: list[Observation], preferred: int, window: int) -> Baseline | None:
    near = [o for o in usable if abs(o.year - preferred) <= window]
    if not near:
        return None
    chosen = min(near, key=lambda o: (abs(o.year - preferred), o.year))
    return Baseline(chosen.year, chosen.value, preferred)


def _check_target(target: Target, baseline: Baseline, direction: Direction, unit: str) -> None:
    if not _finite(target.value):
        raise ValueError("The target value must be a number.")
    if target.year <= baseline.year:
        raise ValueError(f"The target year {target.year} must come after the {baseline.year} baseline year.")
    beyond = target.value > baseline.value if direction is Direction.UP else target.value < baseline.value
    if not beyond:
        side = "above" if direction is Direction.UP else "below"
        tv, bv = _numbers(target.value, baseline.value)
        raise ValueError(
            f"The {target.year} target of {_u(tv, unit)} is not {side} the {baseline.year} baseline of "
            f"{_u(bv, unit)}; for this KPI {direction.better}, so the target must be {side} the baseline."
        )


def _target_status(progress: float, expected: float, t: Thresholds) -> Status:
    if _at_least(progress, 1.0):
        return Status.ACHIEVED
    if _at_least(progress, t.on_track_ratio * expected):
        return Status.ON_TRACK
    if _at_least(progress, t.at_risk_ratio * expected):
        return Status.AT_RISK
    return Status.OFF_TRACK


def _target_reason(
    status: Status,
    progress: float,
    expected: float,
    baseline: Baseline,
    latest: Observation,
    target: Target,
    unit: str,
) -> str:
    if status is Status.ACHIEVED:
        lv, tv, bv = _numbers(latest.value, target.value, baseline.value)
        text = (
            f"Achieved: the {latest.year} value of {_u(lv, unit)} reaches the {target.year} target of "
            f"{_u(tv, unit)}, from the {baseline.year} baseline of {_u(bv, unit)}"
        )
        return _sentence(text, baseline)
    elapsed = f"with {_share(expected)} of the time elapsed"
    if progress < 0:
        text = (
            f"{status.label}: moved away from the {target.year} target ({_share(progress)} of the way "
            f"from the {baseline.year} baseline), {elapsed}"
        )
    else:
        text = (
            f"{status.label}: {_share(progress)} of the way from the {baseline.year} baseline "
            f"to the {target.year} target, {elapsed}"
        )
    return _sentence(text, baseline)


def _change_status(
    baseline: Baseline,
    latest: Observation,
    relative: float | None,
    good: bool,
    direction: Direction,
    t: Thresholds,
    unit: str,
) -> tuple[Status, str]:
    low, high = latest.ci_low, latest.ci_high
    if low is not None and high is not None and latest.has_ci and low <= baseline.value <= high:
        low_text, high_text, bv = _numbers(low, high, baseline.value)
        text = (
            f"No clear change: the {latest.year} estimate's 95% CI ({low_text} to {high_text}) covers the "
            f"{baseline.year} baseline of {_u(bv, unit)}"
        )
        return Status.NO_CLEAR_CHANGE, _sentence(text, baseline)
    bv, lv = _numbers(baseline.value, latest.value)
    movement = f"{bv} → {_u(lv, unit)} from {baseline.year} to {latest.year}"
    if relative is None:
        # A zero baseline has no relative scale, so only a vanishingly small absolute change is "no change".
        if abs(latest.value - baseline.value) <= t.no_change_absolute_epsilon:
            return Status.NO_CLEAR_CHANGE, _sentence(f"No clear change: {movement}", baseline)
    elif _at_most(abs(relative), t.no_change_relative_tolerance):
        tolerance = _share(t.no_change_relative_tolerance)
        text = f"No clear change: {movement} ({_signed_percent(relative)}), within the ±{tolerance} tolerance"
        return Status.NO_CLEAR_CHANGE, _sentence(text, baseline)
    status = Status.IMPROVED if good else Status.WORSENED
    shown = f" ({_signed_percent(relative)})" if relative is not None else ""
    text = f"{status.label}: {movement}{shown}; {direction.better}"
    return status, _sentence(text, baseline)


def _finite(*values: float | None) -> bool:
    return all(v is not None and math.isfinite(v) for v in values)


def _at_least(a: float, b: float) -> bool:
    return a >= b - _EPS * max(1.0, abs(a), abs(b))


def _at_most(a: float, b: float) -> bool:
    return _at_least(b, a)


def _sentence(text: str, baseline: Baseline) -> str:
    return f"{text} ({baseline.note})." if baseline.note else f"{text}."


def _u(number: str, unit: str) -> str:
    if not unit:
        return number
    return f"{number}{unit}" if unit.startswith("%") else f"{number} {unit}"


def _decimals(x: float) -> int:
    """Fewest decimals (at most 2, or 3 significant figures below 1) that show x without visible loss."""
    if x == 0:
        return 0
    d = 2 if abs(x) >= 1 else min(6, 2 - math.floor(math.log10(abs(x))))
    while d > 0 and round(x, d - 1) == round(x, d):
        d -= 1
    return d


def _numbers(*values: float) -> list[str]:
    """Format numbers shown together with the same number of decimals, so 41.2 and 44 read 41.2 and 44.0."""
    d = max(_decimals(v) for v in values)
    return [f"{v:,.{d}f}".replace("-", "−") for v in values]


def _share(fraction: float) -> str:
    """Progress, time elapsed and tolerances read best as whole percentages."""
    return f"{fraction * 100:.0f}%".replace("-", "−")


def _signed_percent(fraction: float) -> str:
    """Relative changes keep one decimal and a sign, so a small fall is not shown as 0%."""
    return f"{fraction * 100:+.1f}%".replace("-", "−")
