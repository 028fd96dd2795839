"""Checks a proposed roadmap against the plan: one line (forms), a whole workbook (import), an amendment.

Everything here reads; nothing writes. The services call the same checks again inside their
transaction, so a page that showed no error and a commit that refuses can only differ when the
plan changed in between, and then the commit refuses rather than guess.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from sapsmed.core import roadmap_fields as rf
from sapsmed.core.plan_diff import PlanDiff, diff_plans, same_value
from sapsmed.core.roadmap_rules import check_identity, check_terms, sequence_errors, sequence_warnings
from sapsmed.core.tables import CellError, ErrorKind, Issue, RowCap, read_table
from sapsmed.plan.roadmap_selectors import Lookups
from sapsmed.plan.roadmap_workbook import roadmap_sheet, terms_from_record

Problem = tuple[str, str]
# The roadmap holds about 300 action lines; a workbook of more than 5,000 rows is not a roadmap and is refused
# before its cells are read. Past MAX_ERRORS, problems are counted by kind but not listed.
ROW_CAP = RowCap(5_000, "a roadmap import")
MAX_ERRORS = 1_000


def unknown_references(terms: Mapping, lookups: Lookups) -> list[Problem]:
    """Codes in the terms that the plan does not know (forms and amendments; the workbook's lists check this)."""
    known = {
        "lead_states": lookups.states, "proponent_states": lookups.states,
        "proponent_organisations": lookups.organisations, "types_of_measure": lookups.measures,
    }
    problems = []
    for name, names in known.items():
        unknown = [str(v) for v in terms.get(name) or () if v not in names]
        if unknown:
            problems.append((name, f"unknown {rf.label(name).lower()}: {', '.join(unknown)}."))
    if terms.get("pathway") and terms["pathway"] not in lookups.pathways:
        problems.append(("pathway", f"unknown pathway '{terms['pathway']}'."))
    return problems


def check_line(code: str, goal: str, action: str, terms: Mapping, *, lookups: Lookups,
               plan: Mapping[str, Mapping]) -> list[Problem]:
    """Every problem with one line as proposed, including predecessor circles through it."""
    problems = check_identity(code, goal, action, goals=lookups.goals, action_goals=lookups.action_goals)
    problems += check_terms(terms, first_year=lookups.first_year, last_year=lookups.last_year)
    problems += unknown_references(terms, lookups)
    proposed = {**plan, code: terms}
    problems += [("predecessors", issue.message) for issue in sequence_errors(proposed) if code in issue.lines]
    return problems


def check_plan(plan: Mapping[str, Mapping], *, lookups: Lookups, only: set[str] | None = None) -> list[str]:
    """Problems of a proposed version (amendments): the terms of the lines in `only` (default all), and the
    order of all lines."""
    problems = []
    for code, terms in plan.items():
        if only is not None and code not in only:
            continue
        for name, message in check_terms(terms, first_year=lookups.first_year, last_year=lookups.last_year):
            problems.append(f"{code}, {rf.label(name)}: {message}")
        for name, message in unknown_references(terms, lookups):
            problems.append(f"{code}, {rf.label(name)}: {message}")
    problems += [issue.message for issue in sequence_errors(plan)]
    return problems


@dataclass
class WorkbookCheck:
    """What an uploaded workbook would do to the version, or why it cannot be applied."""

    errors: list[CellError]
    kinds: tuple[ErrorKind, ...] = ()  # every problem counted by kind, those beyond MAX_ERRORS too
    new_terms: dict[str, dict] = field(default_factory=dict)  # only the lines that would be written
    identity: dict[str, tuple[str, str]] = field(default_factory=dict)
    diff: PlanDiff | None = None
    left_alone: int = 0
    warnings: list[str] = field(default_factory=list)
    before: dict[str, dict | None] = field(default_factory=dict)  # the written lines' terms as they stand

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def fingerprint(self) -> str:
        """Identifies the changes previewed (each line before and after), so a confirmation commits exactly
        those or nothing."""
        if not self.ok:
            return ""
        changes = sorted((code, self.before.get(code), terms) for code, terms in self.new_terms.items())
        return hashlib.sha256(repr(changes).encode()).hexdigest()


def check_workbook(content: bytes, filename: str, *, lookups: Lookups, current: Mapping[str, Mapping]) -> WorkbookCheck:
    """Read the sheet "Action lines", check every row and the order of all lines; errors name row and column."""
    by_label = {f.name: f.label for f in rf.TERMS} | {"code": "Code", "goal": "Goal", "action": "Action"}

    def row_check(record):
        # Runs only on rows whose cells all read well: empty required cells and years outside the plan
        # are reported by the reader itself, once, on their cell.
        terms = terms_from_record(record)
        problems = check_identity(record["Code"], record["Goal"], record["Action"], goals=lookups.goals,
                                  action_goals=lookups.action_goals)
        problems += check_terms(terms, first_year=lookups.first_year, last_year=lookups.last_year)
        return [Issue(message, column=by_label[name]) for name, message in problems]

    def table_check(rows):
        where = {row["Code"]: row["_row"] for row in rows}
        merged = {**current, **{row["Code"]: terms_from_record(row) for row in rows}}
        for issue in sequence_errors(merged):
            row = next((where[c] for c in issue.lines if c in where), None)
            if row is not None:
                yield Issue(issue.message, row=row, column="Predecessors")

    result = read_table(content, filename=filename, schema=roadmap_sheet(lookups),
                        row_checks=[row_check], table_checks=[table_check], max_rows=ROW_CAP,
                        max_errors=MAX_ERRORS)
    if not result.ok:
        return WorkbookCheck(result.errors, result.kinds)
    new_terms = {row["Code"]: terms_from_record(row) for row in result.rows}
    identity = {row["Code"]: (row["Goal"], row["Action"]) for row in result.rows}
    proposed = {**current, **new_terms}
    warnings = [*result.notes,  # the hidden sheets not read
                *(issue.message for issue in sequence_warnings(proposed) if issue.lines[0] in new_terms)]
    changed = {c: t for c, t in new_terms.items() if c not in current or not same_terms(current[c], t)}
    diff = diff_plans({c: current[c] for c in new_terms if c in current}, new_terms)
    before = {code: current.get(code) for code in changed}
    return WorkbookCheck([], (), changed, identity, diff, len(set(current) - set(new_terms)), warnings, before)


def same_terms(before: Mapping, after: Mapping) -> bool:
    """Whether two versions of a line's terms mean the same (core.plan_diff's comparison, retired flag included)."""
    return all(same_value(before.get(f.name), after.get(f.name)) for f in rf.TERMS)
