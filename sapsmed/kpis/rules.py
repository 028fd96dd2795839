"""What makes a KPI value acceptable, in words; pure functions shared by the form, the importers and services.

Rules:
- A year must lie between YEAR_MIN and the current year: the plan's monitoring starts from 2000-era
  statistics, and a value for a future year is a projection, not an observation.
- A value must be a finite number. No KPI of this plan can be negative (days, costs, shares, rates,
  productivity), so each KPI declares a lower bound (0) and, for shares and rates, an upper bound (100).
  Cost to start a business (% of GNI per capita) may exceed 100, so it has no upper bound.
- A standard error cannot be negative. A confidence interval needs both ends and must contain the value.
- A source is always required: a number without a source is not shown as a KPI value.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

YEAR_MIN = 2000


def year_max() -> int:
    return datetime.datetime.now(datetime.UTC).year


def year_problem(year: int) -> str | None:
    top = year_max()
    if not YEAR_MIN <= year <= top:
        return f"{year} is outside the years accepted ({YEAR_MIN} to {top})."
    return None


def value_problem(value: Decimal, *, code: str, unit: str, low: Decimal | None, high: Decimal | None) -> str | None:
    """The sentence saying why the value is impossible for this KPI, or None when it is acceptable."""
    if not value.is_finite():
        return f"{value} is not a number."
    if low is not None and value < low:
        return f"{_plain(value)} is below {_plain(low)}; {code} ({unit}) cannot be negative."
    if high is not None and value > high:
        if high == 100:
            return f"{_plain(value)} is more than 100; {code} is a percentage ({unit}), so it must be from 0 to 100."
        return f"{_plain(value)} is more than {_plain(high)}, the largest value possible for {code} ({unit})."
    return None


def uncertainty_problems(
    value: Decimal, *, se: Decimal | None, ci_low: Decimal | None, ci_high: Decimal | None
) -> list[str]:
    problems = []
    if se is not None and se < 0:
        problems.append(f"the standard error {_plain(se)} is negative; it must be zero or more.")
    if (ci_low is None) != (ci_high is None):
        problems.append("a confidence interval needs both a lower and an upper end.")
    elif ci_low is not None and ci_high is not None and not ci_low <= value <= ci_high:
        problems.append(
            f"the 95% confidence interval ({_plain(ci_low)} to {_plain(ci_high)}) does not contain "
            f"the value {_plain(value)}."
        )
    return problems


def _plain(number: Decimal) -> str:
    """A Decimal as people write it: 12.5 and 100, not 12.500000000000 or 1E+2."""
    return format(number.normalize(), "f")
