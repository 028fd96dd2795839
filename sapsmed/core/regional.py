"""Regional figures: combine member states' KPI values into one ASEAN figure, only over comparable states.

Rules:
- A state is included only if its figure is recorded as comparable with the others. A state whose
  comparability is not recorded is treated as not comparable.
- A state without a value (missing or not a number) is left out, with the reason "no value for <year>".
- The regional figure is the plain mean or the median of the included states' values, or a weighted mean
  using given weights (for example GDP or employment). For a weighted mean, a state without a weight, or
  with a weight of zero, is left out; a negative weight is an error.
- Every state left out is listed with the reason in words, so readers see which states the figure covers.
- When no state qualifies, there is no regional figure.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class Method(StrEnum):
    MEAN = "mean"
    MEDIAN = "median"
    WEIGHTED = "weighted"

    @property
    def label(self) -> str:
        return {"mean": "Mean", "median": "Median", "weighted": "Weighted mean"}[self.value]


@dataclass(frozen=True)
class Exclusion:
    state: str
    reason: str


@dataclass(frozen=True)
class RegionalFigure:
    value: float | None
    method: Method
    included: tuple[str, ...]
    excluded: tuple[Exclusion, ...]

    @property
    def summary(self) -> str:
        """One sentence saying how many states the figure covers and why the others are left out."""
        total = len(self.included) + len(self.excluded)
        if self.value is None:
            head = f"No regional figure: none of the {total} member states qualifies"
        else:
            head = f"{self.method.label} of {len(self.included)} of {total} member states"
        if not self.excluded:
            return f"{head}."
        reasons = "; ".join(f"{e.state} ({e.reason})" for e in self.excluded)
        return f"{head}; left out: {reasons}."


def regional_figure(
    values: Mapping[str, float | None],
    comparability: Mapping[str, tuple[bool, str]],
    *,
    method: Method | str = Method.MEAN,
    weights: Mapping[str, float | None] | None = None,
    year: int | None = None,
) -> RegionalFigure:
    """Combine comparable states' values; `comparability` maps a state to (comparable, note in words)."""
    method = Method(method)
    if method is Method.WEIGHTED and weights is None:
        raise ValueError("A weighted mean needs weights (for example GDP or employment by state).")
    if method is not Method.WEIGHTED and weights is not None:
        raise ValueError(f"Weights are only used with the weighted method, not with {method.value}.")
    included: list[str] = []
    numbers: list[float] = []
    shares: list[float] = []
    excluded: list[Exclusion] = []
    for state in sorted(set(values) | set(comparability)):
        outcome = _qualify(state, values, comparability, weights, year)
        if isinstance(outcome, str):
            excluded.append(Exclusion(state, outcome))
        else:
            included.append(state)
            numbers.append(outcome[0])
            shares.append(outcome[1])
    return RegionalFigure(_combine(numbers, shares, method), method, tuple(included), tuple(excluded))


def _qualify(
    state: str,
    values: Mapping[str, float | None],
    comparability: Mapping[str, tuple[bool, str]],
    weights: Mapping[str, float | None] | None,
    year: int | None,
) -> tuple[float, float] | str:
    """The state's value and weight if it qualifies, otherwise the reason it is left out."""
    if state not in comparability:
        return "not comparable: comparability not recorded"
    comparable, note = comparability[state]
    if not comparable:
        return f"not comparable: {note}" if note else "not comparable"
    value = values.get(state)
    if value is None or not math.isfinite(value):
        return f"no value for {year}" if year is not None else "no value"
    if weights is None:
        return float(value), 1.0
    weight = weights.get(state)
    if weight is None or not math.isfinite(weight):
        return "no weight"
    if weight < 0:
        raise ValueError(f"The weight for {state} is negative ({weight}); weights must be zero or more.")
    if weight == 0:
        return "zero weight"
    return float(value), float(weight)


def _combine(numbers: list[float], shares: list[float], method: Method) -> float | None:
    if not numbers:
        return None
    if method is Method.MEDIAN:
        return statistics.median(numbers)
    if method is Method.MEAN:
        return statistics.fmean(numbers)
    return statistics.fmean(numbers, weights=shares)
