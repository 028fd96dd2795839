"""Place an enterprise's figures in one sector's classes and combine the criteria under the state's rule.

Rules:
- Each criterion on its own places the figure in the class whose bound contains it. A figure that falls
  where the source's thresholds are NOT_FOUND could be in any of those classes; a figure outside every
  class (such as 0 employees where micro starts at 1) is in none; a criterion not given could be in any
  class that uses it.
- single: the one criterion decides.
- any (OR): an enterprise is in a class when any criterion places it there, so the smaller class applies.
- all (AND): every criterion must fit the class, so the larger class applies.
- employees_and_any_financial: employees AND (revenue OR capital): the larger of the employees class and
  the smaller of the money classes applies.
- priority: the first criterion listed that is given decides; a later one is used only where the first
  cannot tell classes apart (a class defined without it, such as Viet Nam's micro of 2009) or when the
  first is not given, and the answer says so. When a later criterion places the enterprise in a class
  the first does not test, and the first points elsewhere, the class is unknown: the sources read do not
  say which prevails.
- not_stated: the sources do not say how the criteria combine, so a class is given only when every
  criterion is given and all agree.
- A class is given only when every possible value of what is missing or NOT_FOUND leads to the same
  class, and that class is placed by a criterion whose thresholds are known. Otherwise the class is
  unknown, with the classes it could be and why, in words. Nothing is guessed.
- The confidence of a class is the most specific label (bound, class, sector, then definition), and the
  weakest of those that placed it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from itertools import product

from .model import Bound, Confidence, Criterion, Definition, Marker, Rule, Sector


class Kind(StrEnum):
    PLACED = "placed"
    NOT_FOUND_REGION = "not_found_region"
    MISSING = "missing"
    OUTSIDE = "outside"


@dataclass(frozen=True)
class Finding:
    criterion: Criterion
    value: float | None
    kind: Kind
    slots: tuple[int, ...]
    bound: Bound | None = None


@dataclass(frozen=True)
class Outcome:
    slot: int | None
    possible: tuple[int, ...]
    why: str
    caveats: tuple[str, ...] = ()


def find(sector: Sector, criterion: Criterion, value: float | None) -> Finding:
    entries = [spec.entry(criterion) for spec in sector.classes]
    if value is None:
        slots = tuple(i for i, e in enumerate(entries) if e is not Marker.NOT_USED)
        return Finding(criterion, None, Kind.MISSING, slots)
    for i, entry in enumerate(entries):
        if isinstance(entry, Bound) and entry.contains(value):
            return Finding(criterion, value, Kind.PLACED, (i,), entry)
    below = [i for i, e in enumerate(entries) if isinstance(e, Bound) and e.is_above(value)]
    above = [i for i, e in enumerate(entries) if isinstance(e, Bound) and e.is_below(value)]
    low, high = (max(below) if below else -1), (min(above) if above else len(entries))
    region = tuple(i for i in range(low + 1, high) if entries[i] is Marker.NOT_FOUND)
    return Finding(criterion, value, Kind.NOT_FOUND_REGION if region else Kind.OUTSIDE, region)


def _combine(rule: Rule, picks: Mapping[Criterion, int | None]) -> int | None:
    if rule is Rule.ANY:
        placed = [p for p in picks.values() if p is not None]
        return min(placed) if placed else None
    if rule is Rule.EMPLOYEES_AND_ANY_FINANCIAL:
        money = [p for c, p in picks.items() if c.is_money and p is not None]
        employees = picks.get(Criterion.EMPLOYEES)
        return None if employees is None or not money else max(employees, min(money))
    values = list(picks.values())
    return None if None in values else max(values)  # type: ignore[type-var]


def _results(rule: Rule, findings: Mapping[Criterion, Finding]) -> set[int | None]:
    options = [(None,) if f.kind is Kind.OUTSIDE else f.slots for f in findings.values()]
    return {_combine(rule, dict(zip(findings, pick, strict=True))) for pick in product(*options)}


def decide(definition: Definition, sector: Sector, findings: Mapping[Criterion, Finding]) -> Outcome:
    rule = definition.rule
    if rule is Rule.PRIORITY:
        return _priority(definition, sector, findings)
    if rule is Rule.NOT_STATED:
        return _not_stated(sector, findings)
    results = _results(rule, findings)
    placed = {f.slots[0] for f in findings.values() if f.kind is Kind.PLACED}
    if len(results) == 1 and (slot := next(iter(results))) is not None and slot in placed:
        return Outcome(slot, (slot,), _agreement(rule, findings, slot, sector))
    # A figure where thresholds are NOT_FOUND may also lie outside those classes, so show what it could be
    # if it said nothing at all.
    relaxed = {
        c: find(sector, c, None) if f.kind is Kind.NOT_FOUND_REGION else f for c, f in findings.items()
    }
    possible = {r for r in results | _results(rule, relaxed) if r is not None}
    return Outcome(None, tuple(sorted(possible)), _gaps(findings, sector))


def _agreement(rule: Rule, findings: Mapping[Criterion, Finding], slot: int, sector: Sector) -> str:
    placed = {f.slots[0] for f in findings.values() if f.kind is Kind.PLACED}
    unused = [f.criterion.value for f in findings.values() if f.kind is not Kind.PLACED]
    parts = []
    if len(placed) > 1:
        name = sector.classes[slot].size_class.value
        parts.append(
            {
                Rule.ANY: f"the criteria point to different classes and the smaller, {name}, applies (OR)",
                Rule.ALL: f"the criteria point to different classes and the larger, {name}, applies (AND)",
                Rule.EMPLOYEES_AND_ANY_FINANCIAL: (
                    "employees AND (revenue OR capital): the larger of the employees class and the smaller "
                    f"money class applies, {name}"
                ),
            }.get(rule, "")
        )
    if unused:
        parts.append(f"{_join(unused)} not given or not placed, which cannot change the class")
    return "; ".join(p for p in parts if p)


def _gaps(findings: Mapping[Criterion, Finding], sector: Sector) -> str:
    why = []
    for f in findings.values():
        if f.kind is Kind.MISSING:
            why.append(f"{f.criterion.value} not given")
        elif f.kind is Kind.NOT_FOUND_REGION:
            names = _join([sector.classes[i].size_class.value for i in f.slots])
            why.append(f"{f.criterion.value} falls where the {names} thresholds are NOT_FOUND")
        elif f.kind is Kind.OUTSIDE:
            why.append(f"{f.criterion.value} {_number(f.value)} is outside every class")
    return _join(why) or "the criteria do not settle the class"


def _not_stated(sector: Sector, findings: Mapping[Criterion, Finding]) -> Outcome:
    unsettled = [f for f in findings.values() if f.kind is not Kind.PLACED]
    if unsettled:
        return Outcome(
            None,
            (),
            f"{_gaps({f.criterion: f for f in unsettled}, sector)}; the sources do not "
            "state how the criteria combine, so every criterion is needed",
        )
    slots = {f.slots[0] for f in findings.values()}
    if len(slots) == 1:
        slot = slots.pop()
        return Outcome(slot, (slot,), "")
    pointed = "; ".join(
        f"{c.value}: {sector.classes[f.slots[0]].size_class.value}" for c, f in findings.items()
    )
    return Outcome(
        None,
        tuple(sorted(slots)),
        f"the criteria point to different classes ({pointed}) and the sources do not state which applies",
    )


def _priority(definition: Definition, sector: Sector, findings: Mapping[Criterion, Finding]) -> Outcome:
    given = [c for c in definition.order if findings[c].kind is not Kind.MISSING]
    if not given:
        return Outcome(None, (), f"{_join([c.value for c in definition.order])} not given")
    first, caveats = given[0], []
    if first is not definition.order[0]:
        caveats.append(
            f"{definition.order[0].value}, the priority criterion, was not given; classified by "
            f"{first.value}, the alternative criterion"
        )
    lead = findings[first]
    if lead.kind is not Kind.PLACED or lead.bound is None:
        return Outcome(None, (), _gaps({first: lead}, sector), tuple(caveats))
    slot = lead.slots[0]
    run = [slot]
    while (
        lead.bound.lower is None and run[0] > 0 and sector.classes[run[0] - 1].entry(first) is Marker.NOT_USED
    ):
        run.insert(0, run[0] - 1)
    later = [findings[c] for c in given[1:] if findings[c].kind is Kind.PLACED]
    classes = sector.classes
    if len(run) == 1:
        for f in later:
            other = f.slots[0]
            if other != slot and classes[other].entry(first) is Marker.NOT_USED:
                return Outcome(
                    None,
                    tuple(sorted({slot, other})),
                    (
                        f"{first.value}, the priority criterion, points to {classes[slot].size_class.value} "
                        f"but {classes[other].size_class.value} is defined by {f.criterion.value} alone, and "
                        "the sources read do not say which prevails"
                    ),
                    tuple(caveats),
                )
        differs = [f for f in later if f.slots[0] != slot]
        why = f"{first.value} is the priority criterion" if differs else ""
        return Outcome(slot, (slot,), why, tuple(caveats))
    if not later:
        names = _join([classes[i].size_class.value for i in run])
        rest = _join([c.value for c in definition.order if c is not first])
        return Outcome(
            None, tuple(run), f"{first.value} cannot tell {names} apart and {rest} not given", tuple(caveats)
        )
    chosen = min(max(later[0].slots[0], run[0]), run[-1])
    why = (
        f"{first.value} cannot tell {_join([classes[i].size_class.value for i in run])} apart, so "
        f"{later[0].criterion.value} decides"
    )
    return Outcome(chosen, (chosen,), why, tuple(caveats))


def confidence_of(
    definition: Definition, sector: Sector, slot: int, findings: Mapping[Criterion, Finding]
) -> Confidence | None:
    spec = sector.classes[slot]
    base = spec.confidence or sector.confidence or definition.confidence
    bounds = [
        f.bound.confidence
        for f in findings.values()
        if f.kind is Kind.PLACED and f.slots[0] == slot and f.bound is not None
    ]
    return Confidence.weakest(base, *bounds)


def caveats_of(
    definition: Definition, sector: Sector, slot: int | None, findings: Mapping[Criterion, Finding]
) -> tuple[str, ...]:
    notes = [*definition.discrepancies, *(f"Missing: {m}" for m in definition.missing)]
    if definition.confidence_note:
        notes.append(f"Confidence: {definition.confidence_note}")
    if sector.note:
        notes.append(sector.note)
    if slot is not None and sector.classes[slot].note:
        notes.append(f"{sector.classes[slot].size_class.value}: {sector.classes[slot].note}")
    for f in findings.values():
        if f.kind is Kind.PLACED and f.bound is not None and f.bound.note:
            notes.append(f"{f.criterion.value}: {f.bound.note}")
    return tuple(notes)


# Sentences -------------------------------------------------------------------------------------------


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1] if words else ""


def _number(value: float | None) -> str:
    if value is None:
        return "?"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _compact(value: float) -> str:
    for size, suffix in ((1e9, "bn"), (1e6, "m")):
        if value >= size:
            return f"{value / size:g}{suffix}"
    return _number(value)


def bound_words(bound: Bound, money: bool) -> str:
    fmt = _compact if money else _number
    low = fmt(bound.lower) if bound.lower is not None else None
    high = fmt(bound.upper) if bound.upper is not None else None
    if low is not None and high is not None:
        if bound.lower_inclusive and bound.upper_inclusive:
            return f"within {low}-{high}"
        return (
            f"{'from' if bound.lower_inclusive else 'over'} {low} "
            f"{'up to' if bound.upper_inclusive else 'to under'} {high}"
        )
    if high is not None:
        return f"{'up to' if bound.upper_inclusive else 'under'} {high}"
    return f"{low} or more" if bound.lower_inclusive else f"over {low}"


def finding_words(finding: Finding, sector: Sector, currency: str | None) -> str:
    c = finding.criterion
    value = _number(finding.value)
    figure = (
        f"{value} employees" if c is Criterion.EMPLOYEES else f"{c.value} {value} {currency or ''}".rstrip()
    )
    if finding.kind is Kind.PLACED and finding.bound is not None:
        name = sector.classes[finding.slots[0]].size_class.value
        return f"{figure} {bound_words(finding.bound, c.is_money)} ({name})"
    if finding.kind is Kind.NOT_FOUND_REGION:
        names = _join([sector.classes[i].size_class.value for i in finding.slots])
        return f"{figure} (where the {names} thresholds are NOT_FOUND)"
    if finding.kind is Kind.OUTSIDE:
        return f"{figure} (outside every class)"
    return f"{c.value} not given"
