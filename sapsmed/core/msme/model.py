"""The MSME definition data as typed values: criteria, bounds, classes, sectors, definitions, enterprises.

Rules:
- There are four criteria: employees, revenue, assets and capital. The last three are money, in the
  definition's currency.
- A bound has an optional lower limit (inclusive "min" or exclusive "gt") and an optional upper limit
  (inclusive "max" or exclusive "max_exclusive"). A value is inside it when it satisfies both limits.
- Size classes run micro < small < medium < large. "sme" stands for small and medium not split (Singapore),
  so it sits between micro and large.
- Confidence runs confirmed > partial > unverified; a combined label is the weakest of its parts.
- An effective date may be known to the day, the month or only the year. A definition known only to the
  year possibly took effect on any day of that year and certainly by its last day.
- An enterprise's headcount is a whole number of at least 0 and its money figures are at least 0; its
  currency is a three-letter code and is needed whenever a money figure is given.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Criterion(StrEnum):
    EMPLOYEES = "employees"
    REVENUE = "revenue"
    ASSETS = "assets"
    CAPITAL = "capital"

    @property
    def is_money(self) -> bool:
        return self is not Criterion.EMPLOYEES


class SizeClass(StrEnum):
    MICRO = "micro"
    SMALL = "small"
    SME = "sme"
    MEDIUM = "medium"
    LARGE = "large"
    UNKNOWN = "unknown"

    @property
    def rank(self) -> float:
        """Position on the size scale; 'sme' lies between small and medium because it covers both."""
        if self is SizeClass.UNKNOWN:
            raise ValueError("an unknown class has no size rank")
        return {"micro": 0.0, "small": 1.0, "sme": 1.5, "medium": 2.0, "large": 3.0}[self.value]


class Rule(StrEnum):
    SINGLE = "single"
    ANY = "any"
    ALL = "all"
    EMPLOYEES_AND_ANY_FINANCIAL = "employees_and_any_financial"
    PRIORITY = "priority"
    NOT_STATED = "not_stated"

    @property
    def words(self) -> str:
        return {
            "single": "one criterion",
            "any": "any criterion suffices (OR): the smaller class applies",
            "all": "all criteria count (AND): the larger class applies",
            "employees_and_any_financial": "employees AND (revenue OR capital)",
            "priority": "the first criterion listed takes priority",
            "not_stated": "the sources do not state how the criteria combine",
        }[self.value]


class TieRule(StrEnum):
    NONE = "none"
    SMALLER_CLASS = "smaller_class"
    LARGER_CLASS = "larger_class"
    FIRST_LISTED = "first_listed"
    NOT_STATED = "not_stated"


# Each rule implies one tie rule; the data states both so that a reader sees the tie rule in words.
TIE_RULE_OF: Mapping[Rule, TieRule] = {
    Rule.SINGLE: TieRule.NONE,
    Rule.ANY: TieRule.SMALLER_CLASS,
    Rule.ALL: TieRule.LARGER_CLASS,
    Rule.EMPLOYEES_AND_ANY_FINANCIAL: TieRule.LARGER_CLASS,
    Rule.PRIORITY: TieRule.FIRST_LISTED,
    Rule.NOT_STATED: TieRule.NOT_STATED,
}


class Confidence(StrEnum):
    CONFIRMED = "confirmed"
    PARTIAL = "partial"
    UNVERIFIED = "unverified"

    @staticmethod
    def weakest(*labels: Confidence | None) -> Confidence | None:
        order = [Confidence.UNVERIFIED, Confidence.PARTIAL, Confidence.CONFIRMED]
        present = [label for label in labels if label is not None]
        return min(present, key=order.index) if present else None


class Use(StrEnum):
    NATIONAL = "national"
    STATISTICAL = "statistical"


class Marker(StrEnum):
    NOT_FOUND = "NOT_FOUND"
    NOT_USED = "not_used"


@dataclass(frozen=True)
class Bound:
    lower: float | None = None
    lower_inclusive: bool = True
    upper: float | None = None
    upper_inclusive: bool = True
    confidence: Confidence | None = None
    note: str | None = None
    source_text: str | None = None

    def is_below(self, value: float) -> bool:
        if self.lower is None:
            return False
        return value < self.lower or (value == self.lower and not self.lower_inclusive)

    def is_above(self, value: float) -> bool:
        if self.upper is None:
            return False
        return value > self.upper or (value == self.upper and not self.upper_inclusive)

    def contains(self, value: float) -> bool:
        return not self.is_below(value) and not self.is_above(value)


Entry = Bound | Marker


@dataclass(frozen=True)
class ClassSpec:
    size_class: SizeClass
    entries: Mapping[Criterion, Entry]
    found: bool = True
    implicit: bool = False  # the "large" class above the largest class a source lists
    confidence: Confidence | None = None
    note: str | None = None

    def entry(self, criterion: Criterion) -> Entry:
        if not self.found:
            return Marker.NOT_FOUND
        return self.entries.get(criterion, Marker.NOT_USED)


@dataclass(frozen=True)
class Sector:
    key: str
    covers: frozenset[str] | None  # None: every sector
    classes: tuple[ClassSpec, ...]
    found: bool = True
    confidence: Confidence | None = None
    note: str | None = None

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        used = {c for spec in self.classes if spec.found for c in spec.entries}
        return tuple(c for c in Criterion if c in used)


@dataclass(frozen=True)
class EffectiveDate:
    year: int
    month: int | None = None
    day: int | None = None

    @property
    def earliest(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    @property
    def latest(self) -> date:
        if self.day is not None and self.month is not None:
            return date(self.year, self.month, self.day)
        if self.month is not None:
            return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return date(self.year, 12, 31)

    @property
    def is_exact(self) -> bool:
        return self.day is not None

    @property
    def period(self) -> str:
        """The period the date is known to: '2020', '2021-01' or '2021-10-15'."""
        if self.day is not None:
            return self.earliest.isoformat()
        return f"{self.year}-{self.month:02d}" if self.month is not None else str(self.year)

    @property
    def text(self) -> str:
        if self.day is not None:
            return self.earliest.isoformat()
        if self.month is not None:
            return f"{self.year}-{self.month:02d} (day not known)"
        return f"{self.year} (day not known)"


@dataclass(frozen=True)
class Definition:
    id: str
    state: str
    short_name: str
    use: Use
    legal_source: str
    effective_from: EffectiveDate | None
    effective_to: EffectiveDate | None
    in_force_2015_2016: bool
    currency: str | None
    rule: Rule
    tie_rule: TieRule
    order: tuple[Criterion, ...]
    combination_text: str
    criteria: Mapping[Criterion, str]
    sectors: tuple[Sector, ...] | None
    confidence: Confidence
    confidence_note: str | None = None
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    discrepancies: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    not_classifiable: str | None = None
    thresholds_text: Mapping[str, object] | None = None
    same_thresholds_as: str | None = None

    @property
    def uses_money(self) -> bool:
        return any(c.is_money for c in self.criteria)

    @property
    def in_force_text(self) -> str:
        start = self.effective_from.text if self.effective_from else "a date not known"
        text = f"in force from {start}"
        if self.effective_to is not None:
            text += f" until {self.effective_to.text}"
        return text


@dataclass(frozen=True)
class State:
    code: str
    name: str
    definitions: tuple[Definition, ...]

    @property
    def national(self) -> tuple[Definition, ...]:
        """The national definitions, oldest first; one with an unknown start comes first."""
        chain = [d for d in self.definitions if d.use is Use.NATIONAL]
        return tuple(sorted(chain, key=lambda d: d.effective_from.earliest if d.effective_from else date.min))


@dataclass(frozen=True)
class HarmonisedBands:
    id: str
    basis: str
    bands: tuple[tuple[SizeClass, Bound], ...]
    label: str
    sources: tuple[str, ...]
    confidence: Confidence
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Enterprise:
    employees: int | None
    revenue: float | None = None
    assets: float | None = None
    capital: float | None = None
    sector: str | None = None
    currency: str | None = None

    def __post_init__(self) -> None:
        if self.employees is not None and (
            isinstance(self.employees, bool) or not isinstance(self.employees, int) or self.employees < 0
        ):
            raise ValueError(f"employees must be a whole number of at least 0, not {self.employees!r}")
        for name in ("revenue", "assets", "capital"):
            amount = getattr(self, name)
            if amount is not None and (
                isinstance(amount, bool)
                or not isinstance(amount, int | float)
                or amount != amount
                or amount < 0
            ):
                raise ValueError(f"{name} must be a number of at least 0, not {amount!r}")
        if self.currency is not None and not (
            len(self.currency) == 3 and self.currency.isalpha() and self.currency.isupper()
        ):
            raise ValueError(
                f"currency must be a three-letter ISO 4217 code such as 'THB', not {self.currency!r}"
            )

    def value(self, criterion: Criterion) -> float | None:
        return getattr(self, criterion.value)

    @property
    def has_money(self) -> bool:
        return any(self.value(c) is not None for c in Criterion if c.is_money)


@dataclass(frozen=True)
class DefinitionUsed:
    id: str
    short_name: str
    legal_source: str
    in_force: str


@dataclass(frozen=True)
class Classification:
    state: str
    on: date
    size_class: SizeClass
    reason: str
    definitions: tuple[DefinitionUsed, ...] = ()
    sector: str | None = None
    confidence: Confidence | None = None
    possible_classes: tuple[SizeClass, ...] = ()
    caveats: tuple[str, ...] = field(default=())

    @property
    def is_known(self) -> bool:
        return self.size_class is not SizeClass.UNKNOWN

    @property
    def definition_id(self) -> str | None:
        """The one definition used; None when none applied or when two could apply on the date."""
        return self.definitions[0].id if len(self.definitions) == 1 else None

    @property
    def legal_source(self) -> str | None:
        return self.definitions[0].legal_source if len(self.definitions) == 1 else None


class CurrencyMismatch(ValueError):
    """Money figures in one currency were given for thresholds in another: convert them first."""
