"""Compare two versions of the roadmap, and apply an amendment to one version to make the next.

Rules, in words:
- A version of the roadmap maps each action-line code to the line's fields (title, target year, time
  frame, lead states, predecessors, funding, and so on).
- A line is added when it is active in the new version but was absent or dropped in the old one.
- A line is dropped when it was active in the old version and is absent or marked retired in the new one.
- A line is changed when it is active in both versions and any field differs. Each change shows the
  field's value before and after.
- Lists and sets are compared as collections: order and repeats do not matter, so lead states
  [SGP, MYS] equal [MYS, SGP]. Nested fields (such as funding) are compared field by field.
- A field that is absent, empty or blank counts as not set, so removing an empty field is no change.
- Results are sorted by code, with numbers compared as numbers (B-2-1.9 before B-2-1.10).
- An amendment is a list of operations applied in order: add a line, change fields of a line, re-time a
  line (new target year and/or time frame), drop a line.
- Dropping keeps the line in the version, marked retired, so codes stay stable and are never reused.
- Refused operations: adding a code that exists (even a dropped one), changing, re-timing or dropping a
  line that does not exist, changing or re-timing a dropped line, dropping a line twice, and setting
  the retired flag other than by a drop. Every refusal is reported, numbered by operation, and no new
  version is produced when there is one.
- The base version is never modified; the new version is a separate copy.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sapsmed.core.sequencing import code_sort_key

RETIRED = "retired"

Plan = Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class LineChange:
    code: str
    fields: tuple[FieldChange, ...]

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.field for f in self.fields)


@dataclass(frozen=True)
class PlanDiff:
    added: tuple[str, ...]
    dropped: tuple[str, ...]
    changed: tuple[LineChange, ...]
    unchanged: int

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.dropped or self.changed)


def _is_active(fields: Mapping[str, Any] | None) -> bool:
    return fields is not None and not fields.get(RETIRED)


def _normalise(value: Any) -> Any:
    """A comparable form of a field value; None means "not set"."""
    if value is None:
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, Mapping):
        items = {str(k): _normalise(v) for k, v in value.items()}
        pairs = frozenset((k, v) for k, v in items.items() if v is not None)
        return pairs or None
    if isinstance(value, list | tuple | set | frozenset):
        members = frozenset(m for m in (_normalise(v) for v in value) if m is not None)
        return members or None
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


def same_value(before: Any, after: Any) -> bool:
    """Whether two field values mean the same thing under the comparison rules above."""
    return _normalise(before) == _normalise(after)


def _line_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    names = sorted((set(before) | set(after)) - {RETIRED})
    return tuple(
        FieldChange(name, before.get(name), after.get(name))
        for name in names
        if not same_value(before.get(name), after.get(name))
    )


def diff_plans(before: Plan, after: Plan) -> PlanDiff:
    """What changed from the `before` version of the roadmap to the `after` version."""
    added, dropped, changed = [], [], []
    unchanged = 0
    for code in sorted(set(before) | set(after), key=code_sort_key):
        old, new = before.get(code), after.get(code)
        was, now = _is_active(old), _is_active(new)
        if now and not was:
            added.append(code)
        elif was and not now:
            dropped.append(code)
        elif was and now:
            assert old is not None and new is not None
            fields = _line_changes(old, new)
            if fields:
                changed.append(LineChange(code, fields))
            else:
                unchanged += 1
    return PlanDiff(tuple(added), tuple(dropped), tuple(changed), unchanged)


class OperationKind(StrEnum):
    ADD = "add"
    CHANGE = "change"
    RETIME = "retime"
    DROP = "drop"


@dataclass(frozen=True)
class AddLine:
    code: str
    fields: Mapping[str, Any] = field(default_factory=dict)
    kind = OperationKind.ADD


@dataclass(frozen=True)
class ChangeFields:
    code: str
    fields: Mapping[str, Any]
    kind = OperationKind.CHANGE


@dataclass(frozen=True)
class Retime:
    code: str
    target_year: int | None = None
    time_frame: str | None = None
    kind = OperationKind.RETIME


@dataclass(frozen=True)
class DropLine:
    code: str
    kind = OperationKind.DROP


Operation = AddLine | ChangeFields | Retime | DropLine


class AmendmentError(ValueError):
    """The amendment cannot be applied; `errors` holds one sentence per refused operation."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


def _refusal(
    plan: dict[str, dict[str, Any]], op: Operation, dropped_by: dict[str, int]
) -> str | None:
    """Why this operation cannot be applied to the plan as it stands, or None when it can."""
    line = plan.get(op.code)
    exists, active = line is not None, _is_active(line)
    if isinstance(op, AddLine):
        if active:
            return f"line {op.code} already exists; a new line needs a new code."
        if exists:
            return f"line {op.code} existed and was dropped; codes are never reused."
        if RETIRED in op.fields:
            return "a line is marked retired only by a drop operation."
        return None
    verb = {OperationKind.CHANGE: "change", OperationKind.RETIME: "re-time", OperationKind.DROP: "drop"}
    if not exists:
        return f"there is no line {op.code} to {verb[op.kind]}."
    if isinstance(op, DropLine):
        if not active:
            when = f" by operation {dropped_by[op.code]}" if op.code in dropped_by else ""
            return f"line {op.code} is already dropped{when}."
        return None
    if not active:
        return f"line {op.code} has been dropped and cannot be {verb[op.kind].removesuffix('e')}ed."
    if isinstance(op, ChangeFields):
        if not op.fields:
            return "it names no fields to change."
        if RETIRED in op.fields:
            return "a line is marked retired only by a drop operation."
        return None
    if op.target_year is None and op.time_frame is None:
        return "give a new target year, a new time frame, or both."
    return None


def apply_changes(base: Plan, operations: Iterable[Operation]) -> dict[str, dict[str, Any]]:
    """The new version of the roadmap after applying the amendment's operations, in order, to `base`.

    Raises AmendmentError listing every refused operation; `base` is left as it was either way.
    """
    plan: dict[str, dict[str, Any]] = {code: copy.deepcopy(dict(f)) for code, f in base.items()}
    errors: list[str] = []
    dropped_by: dict[str, int] = {}
    for number, op in enumerate(operations, start=1):
        reason = _refusal(plan, op, dropped_by)
        if reason is not None:
            errors.append(f"Operation {number} ({op.kind.value} {op.code}): {reason}")
            continue
        if isinstance(op, AddLine):
            plan[op.code] = copy.deepcopy(dict(op.fields))
        elif isinstance(op, ChangeFields):
            plan[op.code].update(copy.deepcopy(dict(op.fields)))
        elif isinstance(op, Retime):
            if op.target_year is not None:
                plan[op.code]["target_year"] = op.target_year
            if op.time_frame is not None:
                plan[op.code]["time_frame"] = op.time_frame
        else:
            plan[op.code][RETIRED] = True
            dropped_by[op.code] = number
    if errors:
        raise AmendmentError(errors)
    return plan


def parse_operation(raw: Mapping[str, Any]) -> Operation:
    """Read one stored operation, e.g. {"op": "retime", "code": "B-2-1.3", "target_year": 2022}."""
    kind_name = raw.get("op")
    code = raw.get("code")
    if not isinstance(code, str) or not code.strip():
        raise ValueError(f"An amendment operation needs a line code; got {code!r}.")
    try:
        kind = OperationKind(kind_name)
    except ValueError:
        known = ", ".join(k.value for k in OperationKind)
        message = f"Unknown amendment operation {kind_name!r} for {code}; use one of: {known}."
        raise ValueError(message) from None
    if kind is OperationKind.ADD:
        return AddLine(code, dict(raw.get("fields") or {}))
    if kind is OperationKind.CHANGE:
        return ChangeFields(code, dict(raw.get("fields") or {}))
    if kind is OperationKind.RETIME:
        return Retime(code, raw.get("target_year"), raw.get("time_frame"))
    return DropLine(code)


def parse_amendment(raw_operations: Sequence[Mapping[str, Any]]) -> list[Operation]:
    return [parse_operation(raw) for raw in raw_operations]
