"""Parse and check the thresholds of one definition: dates, bounds, classes and sectors.

Rules:
- Every error names the file, the entry (state and definition id) and the field, and says what is wrong
  in words: an unknown key, criterion, class, sector or confidence label; a bad date; a bound whose lower
  limit is above its upper limit; classes that overlap, leave a gap between them or are out of order.
- Headcounts are whole numbers, so a class ending at 25 and the next starting at 26 leave no gap; money
  bounds must meet exactly (one inclusive, one exclusive).
- Every class of a sector says something about every criterion the sector uses: a bound, NOT_FOUND, or
  not_used. not_used is allowed only under the priority rule, where its meaning is defined.
- An explicit "large" class must be open above; any other largest class must have a ceiling, above which
  the enterprise is large (an implicit class added here).
- A broad sector is covered by at most one sector of a definition; "all" is only for a lone sector.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from .model import (
    Bound,
    ClassSpec,
    Confidence,
    Criterion,
    EffectiveDate,
    Entry,
    Marker,
    Rule,
    Sector,
    SizeClass,
)

_BOUND_KEYS = {"min", "gt", "max", "max_exclusive", "confidence", "note", "source_text"}
LADDER = [SizeClass.MICRO, SizeClass.SMALL, SizeClass.SME, SizeClass.MEDIUM, SizeClass.LARGE]


class DefinitionError(ValueError):
    """A malformed definitions file: names the file, the entry and the field."""

    def __init__(self, file: str, entry: str, field: str, problem: str) -> None:
        self.file, self.entry, self.field, self.problem = file, entry, field, problem
        super().__init__(f"{file}: {entry}: {field}: {problem}")


class At:
    """Where the loader is, so every error names the file, entry and field."""

    def __init__(self, file: str, entry: str) -> None:
        self.file, self.entry = file, entry

    def fail(self, field: str, problem: str) -> DefinitionError:
        return DefinitionError(self.file, self.entry, field, problem)

    def enum(self, kind: type, value: Any, field: str, what: str) -> Any:
        try:
            return kind(value)
        except ValueError:
            allowed = ", ".join(m.value for m in kind)
            raise self.fail(field, f"unknown {what} {value!r}; expected one of: {allowed}") from None

    def mapping(self, value: Any, field: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(field, f"expected a mapping, got {type(value).__name__}")
        return value

    def keys(self, value: Mapping[str, Any], allowed: set[str], field: str) -> None:
        unknown = sorted(set(map(str, value)) - allowed)
        if unknown:
            raise self.fail(f"{field}.{unknown[0]}" if field else unknown[0], "unknown key")

    def text(self, value: Any, field: str, optional: bool = False) -> str | None:
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(field, "expected a non-empty text")
        return value

    def texts(self, value: Any, field: str, required: bool = False) -> tuple[str, ...]:
        if value is None and not required:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(field, "expected a list of texts")
        if required and not value:
            raise self.fail(field, "needs at least one entry")
        return tuple(value)


def effective(at: At, value: Any, field: str) -> EffectiveDate | None:
    try:
        if value is None:
            return None
        if isinstance(value, date):
            return EffectiveDate(value.year, value.month, value.day)
        if isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2100:
            return EffectiveDate(value)
        if isinstance(value, str) and (m := re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", value)):
            year, month, day = int(m[1]), int(m[2]), int(m[3]) if m[3] else None
            result = EffectiveDate(year, month, day)
            result.latest  # noqa: B018 - building the date checks month and day
            return result
    except ValueError:
        pass
    raise at.fail(field, f"bad date {value!r}; write YYYY, YYYY-MM or YYYY-MM-DD, or null if not known")


def number(at: At, value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise at.fail(field, f"expected a number of at least 0, got {value!r}")
    return value


def bound(at: At, raw: Any, field: str) -> Bound:
    raw = at.mapping(raw, field)
    at.keys(raw, _BOUND_KEYS, field)
    if "min" in raw and "gt" in raw or "max" in raw and "max_exclusive" in raw:
        raise at.fail(field, "give one lower limit (min or gt) and one upper limit (max or max_exclusive)")
    lower_key = "min" if "min" in raw else "gt" if "gt" in raw else None
    upper_key = "max" if "max" in raw else "max_exclusive" if "max_exclusive" in raw else None
    if lower_key is None and upper_key is None:
        raise at.fail(field, "a bound needs min, gt, max or max_exclusive")
    bound = Bound(
        lower=number(at, raw[lower_key], f"{field}.{lower_key}") if lower_key else None,
        lower_inclusive=lower_key != "gt",
        upper=number(at, raw[upper_key], f"{field}.{upper_key}") if upper_key else None,
        upper_inclusive=upper_key != "max_exclusive",
        confidence=at.enum(Confidence, raw["confidence"], f"{field}.confidence", "confidence label")
        if "confidence" in raw
        else None,
        note=at.text(raw.get("note"), f"{field}.note", optional=True),
        source_text=at.text(raw.get("source_text"), f"{field}.source_text", optional=True),
    )
    if (
        bound.lower is not None
        and bound.upper is not None
        and (
            bound.lower > bound.upper
            or (bound.lower == bound.upper and not (bound.lower_inclusive and bound.upper_inclusive))
        )
    ):
        raise at.fail(
            field, f"inverted bound: lower limit {bound.lower:,} is not below upper limit {bound.upper:,}"
        )
    return bound


def class_spec(at: At, name: str, raw: Any, field: str, criteria: Mapping[Criterion, str]) -> ClassSpec:
    size = at.enum(SizeClass, name, field, "size class")
    if size is SizeClass.UNKNOWN:
        raise at.fail(field, "'unknown' is a result, not a class")
    if raw == Marker.NOT_FOUND.value:
        return ClassSpec(size, {}, found=False)
    raw = at.mapping(raw, field)
    entries: dict[Criterion, Entry] = {}
    for key, value in raw.items():
        if key in ("confidence", "note"):
            continue
        criterion = at.enum(Criterion, key, f"{field}.{key}", "criterion")
        if criterion not in criteria:
            raise at.fail(f"{field}.{key}", "criterion not listed under this definition's criteria")
        if value in (Marker.NOT_FOUND.value, Marker.NOT_USED.value):
            entries[criterion] = Marker(value)
        else:
            entries[criterion] = bound(at, value, f"{field}.{key}")
    if not entries:
        raise at.fail(field, "a class needs at least one criterion")
    confidence = (
        at.enum(Confidence, raw["confidence"], f"{field}.confidence", "confidence label")
        if "confidence" in raw
        else None
    )
    return ClassSpec(
        size, entries, confidence=confidence, note=at.text(raw.get("note"), f"{field}.note", True)
    )


def adjacent_ok(criterion: Criterion, low: Bound, high: Bound) -> str | None:
    """Why two neighbouring bounds do not meet, or None when they meet exactly."""
    if low.upper is None or high.lower is None:
        return "the smaller class is open above or the larger class is open below"
    if high.lower < low.upper or (high.lower == low.upper and low.upper_inclusive and high.lower_inclusive):
        return f"overlaps: both classes contain {high.lower:,}"
    if high.lower == low.upper and low.upper_inclusive != high.lower_inclusive:
        return None
    whole = (
        criterion is Criterion.EMPLOYEES and float(low.upper).is_integer() and float(high.lower).is_integer()
    )
    low_last = low.upper if low.upper_inclusive else low.upper - 1
    high_first = high.lower if high.lower_inclusive else high.lower + 1
    if whole and high_first == low_last + 1:
        return None
    return f"gap: values between {low.upper:,} and {high.lower:,} fall in no class"


def check_ladder(at: At, sector: Sector, field: str, rule: Rule) -> None:
    ranks = [LADDER.index(spec.size_class) for spec in sector.classes]
    if ranks != sorted(set(ranks)):
        raise at.fail(f"{field}.classes", "classes must be listed once each, smallest first")
    names = {spec.size_class for spec in sector.classes}
    if SizeClass.SME in names and names & {SizeClass.SMALL, SizeClass.MEDIUM}:
        raise at.fail(f"{field}.classes", "'sme' stands for small and medium together; do not list both")
    used = sector.criteria
    if rule is Rule.SINGLE and len(used) != 1:
        raise at.fail(
            f"{field}.classes", f"rule 'single' needs exactly one criterion per sector, got {len(used)}"
        )
    if (
        rule is Rule.EMPLOYEES_AND_ANY_FINANCIAL
        and used
        and (Criterion.EMPLOYEES not in used or len(used) < 2)
    ):
        raise at.fail(
            f"{field}.classes", "rule 'employees_and_any_financial' needs employees and a money criterion"
        )
    for spec in sector.classes:
        if not spec.found:
            continue
        where = f"{field}.classes.{spec.size_class}"
        for criterion in used:
            if criterion not in spec.entries:
                raise at.fail(f"{where}.{criterion}", "missing: give a bound, NOT_FOUND or not_used")
            if spec.entries[criterion] is Marker.NOT_USED and rule is not Rule.PRIORITY:
                raise at.fail(f"{where}.{criterion}", "not_used is only defined under the priority rule")
    for criterion in used:
        bounded = [
            (i, s.entries[criterion])
            for i, s in enumerate(sector.classes)
            if s.found and isinstance(s.entries.get(criterion), Bound)
        ]
        for (i, low), (j, high) in zip(bounded, bounded[1:], strict=False):
            where = f"{field}.classes.{sector.classes[j].size_class}.{criterion}"
            problem = adjacent_ok(criterion, low, high)
            if j == i + 1 and problem:
                raise at.fail(where, f"{problem} (next to {sector.classes[i].size_class})")
            if j > i + 1 and (low.upper is None or high.lower is None or high.lower < low.upper):
                raise at.fail(where, f"out of order with {sector.classes[i].size_class}")
        last = sector.classes[-1]
        top = last.entries.get(criterion) if last.found else None
        if isinstance(top, Bound) and last.size_class is SizeClass.LARGE and top.upper is not None:
            raise at.fail(f"{field}.classes.large.{criterion}", "the large class must be open above")
        if isinstance(top, Bound) and last.size_class is not SizeClass.LARGE and top.upper is None:
            raise at.fail(
                f"{field}.classes.{last.size_class}.{criterion}",
                "the largest class listed needs a ceiling (or list it as large)",
            )


def implicit_large(classes: list[ClassSpec]) -> ClassSpec:
    """The class above the largest listed one: open above, starting where that class ends."""
    top = classes[-1]
    entries: dict[Criterion, Entry] = {}
    for criterion in {c for s in classes if s.found for c in s.entries}:
        entry = top.entry(criterion)
        if isinstance(entry, Bound) and entry.upper is not None:
            entries[criterion] = Bound(
                lower=entry.upper, lower_inclusive=not entry.upper_inclusive, confidence=entry.confidence
            )
        else:
            entries[criterion] = Marker.NOT_FOUND if entry is not Marker.NOT_USED else Marker.NOT_USED
    return ClassSpec(SizeClass.LARGE, entries, implicit=True, confidence=top.confidence)


def parse_sectors(
    at: At, raw: Any, criteria: Mapping[Criterion, str], rule: Rule, broad: frozenset[str]
) -> tuple[Sector, ...]:
    raw = at.mapping(raw, "sectors")
    if not raw:
        raise at.fail("sectors", "needs at least one sector")
    result, covered = [], set()
    for key, body in raw.items():
        field = f"sectors.{key}"
        body = at.mapping(body, field)
        at.keys(body, {"covers", "classes", "confidence", "note"}, field)
        covers_raw = body.get("covers")
        if covers_raw == "all":
            covers = None
        else:
            if not isinstance(covers_raw, list):
                raise at.fail(f"{field}.covers", "write 'all' or a list of broad sectors")
            covers = frozenset(at.texts(covers_raw, f"{field}.covers"))
            if unknown := sorted(covers - broad):
                raise at.fail(
                    f"{field}.covers",
                    f"unknown broad sector {unknown[0]!r}; expected one of: {', '.join(sorted(broad))}",
                )
            if clash := sorted(covers & covered):
                raise at.fail(f"{field}.covers", f"{clash[0]!r} is already covered by another sector")
            covered |= covers
        confidence = (
            at.enum(Confidence, body["confidence"], f"{field}.confidence", "confidence label")
            if "confidence" in body
            else None
        )
        note = at.text(body.get("note"), f"{field}.note", optional=True)
        if body.get("classes") == Marker.NOT_FOUND.value:
            result.append(Sector(str(key), covers, (), found=False, confidence=confidence, note=note))
            continue
        classes = [
            class_spec(at, name, spec, f"{field}.classes.{name}", criteria)
            for name, spec in at.mapping(body.get("classes"), f"{field}.classes").items()
        ]
        if not classes:
            raise at.fail(f"{field}.classes", "needs at least one class")
        sector = Sector(str(key), covers, tuple(classes), confidence=confidence, note=note)
        check_ladder(at, sector, field, rule)
        if classes[-1].size_class is not SizeClass.LARGE:
            classes.append(implicit_large(classes))
        result.append(Sector(str(key), covers, tuple(classes), confidence=confidence, note=note))
    if any(s.covers is None for s in result) and len(result) > 1:
        raise at.fail("sectors", "a sector covering 'all' must be the only sector")
    return tuple(result)
