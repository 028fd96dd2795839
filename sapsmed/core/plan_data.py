"""Validate the plan's reference data files (plan, member states, KPIs) into typed records.

Rules, in words:
- Every error names the file, the entry (for example "action line B-2-1.3") and the field, and says
  what is wrong. All errors are collected before anything is reported, so one run shows them all.
- Member states are named by ISO 3166-1 alpha-3 codes; every state a plan entry mentions must be
  among the member states file's.
- Goal codes are single capital letters; desired outcomes are `<goal>-<n>`, actions
  `<outcome>-<n>`, action lines `<action>.<n>`. A child's code must start with its parent's code.
- Codes are unique in their kind. An action line names an existing action; its line number is
  the number after the dot in its code.
- Years of a plan entry lie within the plan's own years (2016-2025 for SAP SMED).
- A KPI's direction is "up" or "down"; its goal, when given, must exist in the plan.
- Confidence is one of: confirmed, partial, inferred, unverified.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

CONFIDENCE = ("confirmed", "partial", "inferred", "unverified")
REQUIRED_TIME = ("quick-win", "medium-term", "long-term")
IMPLEMENTATION_LEVELS = ("regional", "national")
ISO3 = re.compile(r"^[A-Z]{3}$")
GOAL = re.compile(r"^[A-Z]$")
OUTCOME = re.compile(r"^[A-Z]-\d+$")
ACTION = re.compile(r"^[A-Z]-\d+-\d+$")
ACTION_LINE = re.compile(r"^([A-Z]-\d+-\d+)\.(\d+)$")


@dataclass(frozen=True)
class DataError:
    file: str
    entry: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}, {self.entry}, field '{self.field}': {self.message}"


class PlanDataError(Exception):
    """Raised with every error found; nothing may be loaded when it is raised."""

    def __init__(self, errors: list[DataError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass(frozen=True)
class MemberStateData:
    iso3: str
    name: str
    currency: str


@dataclass(frozen=True)
class ActionData:
    code: str
    title: str


@dataclass(frozen=True)
class OutcomeData:
    code: str
    title: str
    actions: tuple[ActionData, ...]


@dataclass(frozen=True)
class GoalData:
    code: str
    title: str
    summary: str
    champions: tuple[str, ...]
    champions_source: str
    outcomes: tuple[OutcomeData, ...]


@dataclass(frozen=True)
class ActionLineData:
    code: str
    action: str
    line_no: int
    title: str
    time_frame: str
    target_year: int | None
    required_time: str
    implementation_level: str
    lead_states: tuple[str, ...]
    lead_note: str
    cross_cutting_theme: str
    appendix: str
    pathway: str
    types_of_measure: tuple[int, ...]
    notes: str
    seed_erratum: str
    source: str
    confidence: str


@dataclass(frozen=True)
class KpiData:
    code: str
    order: int
    goal: str | None
    name: str
    unit: str
    direction: str
    source_family: str
    wdi_code: str
    frequency: str
    responsible_body: str
    availability_states: tuple[str, ...]
    availability_note: str
    known_issues: str
    added_after_endorsement: bool
    source: str
    confidence: str
    confidence_note: str


@dataclass
class PlanData:
    plan: dict[str, Any]
    periods: list[dict[str, Any]]
    pathways: list[dict[str, Any]]
    types_of_measure: list[dict[str, Any]]
    goals: list[GoalData]
    action_lines: list[ActionLineData]
    member_states: list[MemberStateData] = field(default_factory=list)
    kpis: list[KpiData] = field(default_factory=list)


class _Checker:
    """Collects errors while reading one file's entries."""

    def __init__(self, file: str, errors: list[DataError]):
        self.file = file
        self.errors = errors

    def entries(self, raw: Any, entry: str, fld: str, *, required: bool = False) -> list[dict]:
        """The mappings of a list field; anything else is an error naming where it stands."""
        if raw is None or raw == []:
            if required:
                self.err(entry, fld, "a non-empty list is required")
            return []
        if not isinstance(raw, list):
            self.err(entry, fld, f"must be a list, not {type(raw).__name__}")
            return []
        good = [item for item in raw if isinstance(item, dict)]
        if len(good) != len(raw):
            self.err(entry, fld, f"{len(raw) - len(good)} entr(y/ies) are not mappings of field: value")
        return good

    def mapping(self, raw: Any, entry: str, fld: str) -> dict:
        if isinstance(raw, dict):
            return raw
        if raw is not None:
            self.err(entry, fld, f"must be a mapping of field: value, not {type(raw).__name__}")
        else:
            self.err(entry, fld, "is required and is empty")
        return {}

    def err(self, entry: str, fld: str, message: str) -> None:
        self.errors.append(DataError(self.file, entry, fld, message))

    def text(self, raw: Mapping, entry: str, fld: str, *, required: bool = True) -> str:
        value = raw.get(fld)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.err(entry, fld, "is required and is empty")
            return ""
        if not isinstance(value, str | int | float):
            self.err(entry, fld, f"must be text, not {type(value).__name__}")
            return ""
        return str(value).strip()

    def integer(self, raw: Mapping, entry: str, fld: str, *, required: bool = True,
                lo: int | None = None, hi: int | None = None) -> int | None:
        value = raw.get(fld)
        if value is None or value == "":
            if required:
                self.err(entry, fld, "is required and is empty")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.err(entry, fld, f"'{value}' is not a whole number")
            return None
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            self.err(entry, fld, f"{value} is outside {lo}-{hi}")
            return None
        return value

    def choice(self, raw: Mapping, entry: str, fld: str, choices: tuple[str, ...]) -> str:
        value = raw.get(fld)
        if value is None or value == "":
            return ""
        if not isinstance(value, str) or value not in choices:
            self.err(entry, fld, f"'{value}' is not one of: {', '.join(choices)}")
            return ""
        return str(value)

    def codes(self, raw: Mapping, entry: str, fld: str, known: set[str]) -> tuple[str, ...]:
        value = raw.get(fld) or []
        if not isinstance(value, list):
            self.err(entry, fld, "must be a list")
            return ()
        unknown = [v for v in value if not isinstance(v, str) or v not in known]
        if unknown:
            self.err(entry, fld, f"unknown member state code(s): {', '.join(map(str, unknown))}")
        return tuple(v for v in value if isinstance(v, str) and v in known)


def parse_member_states(raw: Any, file: str) -> list[MemberStateData]:
    errors: list[DataError] = []
    c = _Checker(file, errors)
    items = raw.get("member_states") if isinstance(raw, dict) else None
    if not isinstance(items, list) or not items:
        raise PlanDataError([DataError(file, "file", "member_states", "a non-empty list is required")])
    states, seen = [], set()
    for i, item in enumerate(items, 1):
        entry = f"member state #{i}"
        iso3 = c.text(item, entry, "iso3")
        if iso3 and not ISO3.match(iso3):
            c.err(entry, "iso3", f"'{iso3}' is not an ISO 3166-1 alpha-3 code (three capital letters)")
        if iso3 in seen:
            c.err(entry, "iso3", f"'{iso3}' appears twice")
        seen.add(iso3)
        states.append(MemberStateData(iso3, c.text(item, entry, "name"), c.text(item, entry, "currency")))
    if errors:
        raise PlanDataError(errors)
    return states


def _parse_goals(c: _Checker, raw_goals: Any, states: set[str]) -> list[GoalData]:
    goals: list[GoalData] = []
    seen: set[str] = set()
    for g in c.entries(raw_goals, "plan", "strategic_goals", required=True):
        code = c.text(g, "strategic goal", "code")
        entry = f"strategic goal {code or '?'}"
        if code and not GOAL.match(code):
            c.err(entry, "code", f"'{code}' is not a goal code (one capital letter, such as B)")
        if code in seen:
            c.err(entry, "code", f"'{code}' appears twice")
        seen.add(code)
        outcomes = []
        for o in c.entries(g.get("desired_outcomes"), entry, "desired_outcomes"):
            ocode = c.text(o, f"desired outcome of goal {code}", "code")
            oentry = f"desired outcome {ocode or '?'}"
            if ocode and not (OUTCOME.match(ocode) and ocode.startswith(code + "-")):
                c.err(oentry, "code", f"'{ocode}' must look like {code}-1 and belong to goal {code}")
            if ocode in seen:
                c.err(oentry, "code", f"'{ocode}' appears twice")
            seen.add(ocode)
            actions = []
            for a in c.entries(o.get("actions"), oentry, "actions"):
                acode = c.text(a, f"action of outcome {ocode}", "code")
                aentry = f"action {acode or '?'}"
                if acode and not (ACTION.match(acode) and acode.startswith(ocode + "-")):
                    c.err(aentry, "code", f"'{acode}' must look like {ocode}-1 and belong to outcome {ocode}")
                if acode in seen:
                    c.err(aentry, "code", f"'{acode}' appears twice")
                seen.add(acode)
                actions.append(ActionData(acode, c.text(a, aentry, "title")))
            outcomes.append(OutcomeData(ocode, c.text(o, oentry, "title"), tuple(actions)))
        goals.append(GoalData(
            code=code, title=c.text(g, entry, "title"), summary=c.text(g, entry, "summary", required=False),
            champions=c.codes(g, entry, "country_champions", states),
            champions_source=c.text(g, entry, "champions_source", required=False),
            outcomes=tuple(outcomes),
        ))
    return goals


def _parse_action_line(c: _Checker, al: Mapping, actions: set[str], states: set[str],
                       pathways: set[str], measures: set[int], years: tuple[int, int]) -> ActionLineData:
    code = c.text(al, "action line", "code")
    entry = f"action line {code or '?'}"
    action = c.text(al, entry, "action")
    m = ACTION_LINE.match(code)
    if code and not m:
        c.err(entry, "code", f"'{code}' is not an action-line code (such as B-2-1.3)")
    elif m and m.group(1) != action:
        c.err(entry, "action", f"'{action}' does not match the code's action {m.group(1)}")
    if action and action not in actions:
        c.err(entry, "action", f"unknown action '{action}'")
    line_no = c.integer(al, entry, "line_no", lo=1)
    if m and line_no is not None and int(m.group(2)) != line_no:
        c.err(entry, "line_no", f"{line_no} does not match the code's line number {m.group(2)}")
    pathway = al.get("pathway") or ""
    if pathway and (not isinstance(pathway, str) or pathway not in pathways):
        c.err(entry, "pathway", f"unknown pathway '{pathway}'")
        pathway = ""
    tom = al.get("types_of_measure") or []
    if not isinstance(tom, list):
        c.err(entry, "types_of_measure", "must be a list of numbers 1-7")
        tom = []
    bad = [t for t in tom if not isinstance(t, int) or t not in measures]
    if bad:
        c.err(entry, "types_of_measure", f"unknown type(s) of measure: {bad} (1-7)")
    confidence = c.choice(al, entry, "confidence", CONFIDENCE) or "confirmed"
    return ActionLineData(
        code=code, action=action, line_no=line_no or 0, title=c.text(al, entry, "title"),
        time_frame=c.text(al, entry, "time_frame", required=False),
        target_year=c.integer(al, entry, "target_year", required=False, lo=years[0], hi=years[1]),
        required_time=c.choice(al, entry, "required_time", REQUIRED_TIME),
        implementation_level=c.choice(al, entry, "implementation_level", IMPLEMENTATION_LEVELS),
        lead_states=c.codes(al, entry, "lead_states", states),
        lead_note=c.text(al, entry, "lead_note", required=False),
        cross_cutting_theme=c.text(al, entry, "cross_cutting_theme", required=False),
        appendix=c.text(al, entry, "appendix", required=False), pathway=pathway,
        types_of_measure=tuple(t for t in tom if isinstance(t, int) and t in measures),
        notes=c.text(al, entry, "notes", required=False),
        seed_erratum=c.text(al, entry, "seed_erratum", required=False),
        source=c.text(al, entry, "source"), confidence=confidence,
    )


def parse_plan(raw: Any, file: str, states: list[MemberStateData]) -> PlanData:
    """Validate the plan file; raise PlanDataError listing every problem."""
    if not isinstance(raw, dict):
        raise PlanDataError([DataError(file, "file", "-", "the file must hold a mapping (plan, goals, ...)")])
    errors: list[DataError] = []
    c = _Checker(file, errors)
    plan = c.mapping(raw.get("plan"), "file", "plan")
    for fld in ("code", "title", "vision", "mission", "first_version_label"):
        c.text(plan, "plan", fld)
    start = c.integer(plan, "plan", "start_year", lo=1990, hi=2100) or 0
    end = c.integer(plan, "plan", "end_year", lo=1990, hi=2100) or 0
    if start and end and end < start:
        c.err("plan", "end_year", f"{end} is before the start year {start}")
    iso3s = {s.iso3 for s in states}
    goals = _parse_goals(c, raw.get("strategic_goals"), iso3s)
    actions = {a.code for g in goals for o in g.outcomes for a in o.actions}
    periods = c.entries(raw.get("periods"), "plan", "periods")
    for p in periods:
        entry = f"period {p.get('code', '?')}"
        c.text(p, entry, "code")
        c.text(p, entry, "name")
        c.integer(p, entry, "start_year", lo=start, hi=end)
        c.integer(p, entry, "end_year", lo=start, hi=end)
    pathway_rows = c.entries(raw.get("pathways"), "plan", "pathways")
    measure_rows = c.entries(raw.get("types_of_measure"), "plan", "types_of_measure")
    pathways = {str(p.get("code")) for p in pathway_rows}
    measures = {m.get("number") for m in measure_rows if isinstance(m.get("number"), int)}
    lines, seen = [], set()
    for al in c.entries(raw.get("action_lines"), "plan", "action_lines"):
        line = _parse_action_line(c, al, actions, iso3s, pathways, measures, (start, end))
        if line.code in seen:
            c.err(f"action line {line.code}", "code", f"'{line.code}' appears twice")
        seen.add(line.code)
        lines.append(line)
    if errors:
        raise PlanDataError(errors)
    return PlanData(plan=plan, periods=periods, pathways=pathway_rows, types_of_measure=measure_rows, goals=goals,
                    action_lines=lines, member_states=states)


def parse_kpis(raw: Any, file: str, goals: set[str], states: list[MemberStateData]) -> list[KpiData]:
    """Validate the KPI reference sheets; raise PlanDataError listing every problem."""
    errors: list[DataError] = []
    c = _Checker(file, errors)
    items = c.entries(raw.get("kpis") if isinstance(raw, dict) else None, "file", "kpis", required=True)
    iso3s = {s.iso3 for s in states}
    out, seen = [], set()
    for item in items:
        code = c.text(item, "KPI", "code")
        entry = f"KPI {code or '?'}"
        if code in seen:
            c.err(entry, "code", f"'{code}' appears twice")
        seen.add(code)
        goal = item.get("strategic_goal")
        if goal is not None and (not isinstance(goal, str) or goal not in goals):
            c.err(entry, "strategic_goal", f"unknown strategic goal '{goal}'")
            goal = None
        direction = c.choice(item, entry, "direction", ("up", "down"))
        if not direction:
            c.err(entry, "direction", "is required: 'up' (higher is better) or 'down' (lower is better)")
        out.append(KpiData(
            code=code, order=c.integer(item, entry, "order", lo=1) or 0, goal=goal,
            name=c.text(item, entry, "name"), unit=c.text(item, entry, "unit"), direction=direction,
            source_family=c.text(item, entry, "source_family"),
            wdi_code=c.text(item, entry, "wdi_code", required=False),
            frequency=c.text(item, entry, "frequency", required=False),
            responsible_body=c.text(item, entry, "responsible_body", required=False),
            availability_states=c.codes(item, entry, "availability_states", iso3s),
            availability_note=c.text(item, entry, "availability_note", required=False),
            known_issues=c.text(item, entry, "known_issues", required=False),
            added_after_endorsement=bool(item.get("added_after_endorsement")),
            source=c.text(item, entry, "source"),
            confidence=c.choice(item, entry, "confidence", CONFIDENCE) or "confirmed",
            confidence_note=c.text(item, entry, "confidence_note", required=False),
        ))
    if errors:
        raise PlanDataError(errors)
    return out
