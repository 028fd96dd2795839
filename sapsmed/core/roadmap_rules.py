"""Checks on action-line terms and codes, shared by the edit forms, the workbook import and amendments.

Rules, in words:
- A line's code is its action's code, a dot and the line number (B-2-1.3 is line 3 of action B-2-1);
  the action must exist and belong to the line's goal, and the goal must be one of the plan's.
- Start and target years lie within the plan's years (2016-2025 for SAP SMED); a line does not
  start after its target year.
- Title and source are required: every line says where it comes from.
- Required financial support is a number of at least zero, given with its three-letter currency;
  a currency without an amount is allowed (the amount may be unknown yet).
- Order and sequence follow sapsmed.core.sequencing: predecessors must be lines of the plan, and
  lines may not wait for each other in a circle; the circle is named line by line.
- No Django here, so the rules are tested without a database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from sapsmed.core.roadmap_fields import CODE_PATTERN
from sapsmed.core.sequencing import IssueLevel, SequenceIssue, validate_predecessors

_CODE = re.compile(CODE_PATTERN)
_CURRENCY = re.compile(r"[A-Z]{3}")

Problem = tuple[str, str]  # (field name, sentence)


def check_identity(code: str, goal: str, action: str, *, goals: Iterable[str],
                   action_goals: Mapping[str, str]) -> list[Problem]:
    """Problems with a line's code, goal and action; `action_goals` maps each action code to its goal."""
    known_goals = sorted(goals)
    if goal not in known_goals:
        return [("goal", f"there is no strategic goal '{goal}' in the plan (the goals are {', '.join(known_goals)}).")]
    if action not in action_goals:
        return [("action", f"there is no action '{action}' in the plan.")]
    if action_goals[action] != goal:
        return [("action", f"action {action} belongs to goal {action_goals[action]}, not to goal {goal}.")]
    if not _CODE.fullmatch(code) or not code.startswith(f"{action}."):
        return [("code", f"'{code}' is not a code of action {action}: write {action}. and the line number, "
                         f"such as {action}.1.")]
    return []


def line_number(code: str) -> int:
    return int(code.rsplit(".", 1)[1])


def check_terms(terms: Mapping[str, Any], *, first_year: int, last_year: int) -> list[Problem]:
    """Problems with one line's terms, each naming the field to blame."""
    problems: list[Problem] = []
    for name in ("title", "source"):
        if not str(terms.get(name) or "").strip():
            problems.append((name, "a value is required."))
    for name in ("start_year", "target_year"):
        year = terms.get(name)
        if year is not None and not first_year <= year <= last_year:
            problems.append((name, f"{year} is outside the plan's years {first_year}-{last_year}."))
    start, target = terms.get("start_year"), terms.get("target_year")
    if start is not None and target is not None and start > target:
        problems.append(("start_year", f"the line starts in {start}, after its target year {target}."))
    amount, currency = terms.get("funding_amount"), str(terms.get("funding_currency") or "")
    if amount is not None and Decimal(str(amount)) < 0:
        problems.append(("funding_amount", "the required financial support cannot be negative."))
    if amount is not None and not currency:
        problems.append(("funding_currency", "give the currency of the amount, such as USD."))
    if currency and not _CURRENCY.fullmatch(currency):
        problems.append(("funding_currency", f"'{currency}' is not a three-letter currency code such as USD."))
    return problems


def sequence_errors(plan: Mapping[str, Mapping[str, Any]]) -> list[SequenceIssue]:
    """Unknown predecessors, lines listing themselves and circles of waiting lines, over the whole plan."""
    graph = {code: list(terms.get("predecessors") or ()) for code, terms in plan.items()}
    return [issue for issue in validate_predecessors(graph) if issue.level == IssueLevel.ERROR]


def sequence_warnings(plan: Mapping[str, Mapping[str, Any]]) -> list[SequenceIssue]:
    """Lines due before one of their predecessors: worth a second look, not refused."""
    graph = {code: list(terms.get("predecessors") or ()) for code, terms in plan.items()}
    years = {code: terms.get("target_year") for code, terms in plan.items()}
    issues = validate_predecessors(graph, target_years=years)
    return [issue for issue in issues if issue.level == IssueLevel.WARNING]


def line_years(terms: Mapping[str, Any]) -> tuple[int, int] | None:
    """The first and last year a line occupies on the timeline, or None when no year is stated."""
    start, target = terms.get("start_year"), terms.get("target_year")
    if target is None:
        return (start, start) if start is not None else None
    return (start if start is not None else target, target)
