"""Read the plan's reference data files under data/ (plan_files_read), then write them (plan_write).

The files are read and validated completely (sapsmed.core.plan_data) before the first write; the
writes happen in the caller's transaction, so that `manage.py load_plan` (sapsmed/ops/loading.py, above
plan and kpis) writes the plan and the KPI sheets all or nothing. Loading the same files again changes
nothing. Rows the Secretariat added by hand (for example Appendix B action lines) are left alone. The
loaded plan is version 1, "as endorsed"; later versions come only from approved amendments.
"""

from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings

from sapsmed.core.plan_data import (
    DataError,
    MemberStateData,
    PlanData,
    PlanDataError,
    parse_member_states,
    parse_plan,
)
from sapsmed.plan.events import announce_plan_changed
from sapsmed.plan.models import (
    Action,
    ActionLine,
    ActionLineVersion,
    ChampionAssignment,
    DesiredOutcome,
    MemberState,
    Organisation,
    Pathway,
    Period,
    Plan,
    PlanVersion,
    StrategicGoal,
    TypeOfMeasure,
)
from sapsmed.plan.upsert import LoadReport, upsert

DATA_DIR = Path(settings.BASE_DIR) / "data"
STATES_FILE = "member_states.yaml"
PLAN_FILE = "plan/sap_smed_2016_2025.yaml"
ORGANISATIONS_FILE = "plan/organisations.yaml"
ORGANISATION_KINDS = {"asean", "dialogue-partner", "donor", "multilateral", "other"}
PLAN_REASON = f"Loaded from data/{PLAN_FILE}"


@dataclass(frozen=True)
class PlanFiles:
    """The plan's files, read and validated; nothing written yet."""

    states: list[MemberStateData]
    plan: PlanData
    organisations: list[dict]


def read_yaml(path: Path, label: str):
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except FileNotFoundError as exc:
        raise PlanDataError([DataError(label, "file", "-", "the file does not exist")]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        problem = getattr(exc, "problem", None) or str(exc)
        raise PlanDataError([DataError(label, where, "-", f"not valid YAML: {problem}")]) from exc


def plan_files_read(data_dir: Path = DATA_DIR) -> PlanFiles:
    """Read and validate the member states, the plan and the organisations; raise PlanDataError on bad data."""
    states = parse_member_states(read_yaml(data_dir / STATES_FILE, STATES_FILE), STATES_FILE)
    plan = parse_plan(read_yaml(data_dir / PLAN_FILE, PLAN_FILE), PLAN_FILE, states)
    organisations = parse_organisations(read_yaml(data_dir / ORGANISATIONS_FILE, ORGANISATIONS_FILE))
    return PlanFiles(states, plan, organisations)


def plan_write(files: PlanFiles, *, report: LoadReport) -> tuple[dict, dict]:
    """Write the plan's rows in the caller's transaction; return its goals by code and member states by ISO3.

    The two mappings are what rows loaded with the plan point at (the KPI sheets: ops.loading)."""
    goals, states = _write(files.plan, report, reason=PLAN_REASON)
    for org in files.organisations:
        upsert(Organisation, {"code": org["code"]},
               {"name": org["name"], "kind": org["kind"], "source": org.get("source", "")},
               report=report, reason=f"Loaded from data/{ORGANISATIONS_FILE}")
    announce_plan_changed()
    return goals, states


def parse_organisations(raw) -> list[dict]:
    """The proponent organisations file: each entry with a unique code, a name and a known kind."""
    label = ORGANISATIONS_FILE
    entries = (raw or {}).get("organisations") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise PlanDataError([DataError(label, "file", "organisations", "expected a list under 'organisations'")])
    errors, seen = [], set()
    for number, entry in enumerate(entries, start=1):
        where = f"entry {number}"
        if not isinstance(entry, dict):
            errors.append(DataError(label, where, "-", "expected a mapping with code, name and kind"))
            continue
        for key in ("code", "name", "kind"):
            if not str(entry.get(key) or "").strip():
                errors.append(DataError(label, where, key, "a value is required"))
        if entry.get("kind") and entry["kind"] not in ORGANISATION_KINDS:
            errors.append(DataError(label, where, "kind", f"must be one of {', '.join(sorted(ORGANISATION_KINDS))}"))
        if entry.get("code") in seen:
            errors.append(DataError(label, where, "code", f"'{entry['code']}' appears twice"))
        seen.add(entry.get("code"))
    if errors:
        raise PlanDataError(errors)
    return entries


def _write(data, report: LoadReport, *, reason: str) -> tuple[dict, dict]:
    states = {
        s.iso3: upsert(MemberState, {"iso3": s.iso3}, {"name": s.name, "currency": s.currency},
                       report=report, reason=reason)[0]
        for s in data.member_states
    }
    p = data.plan
    plan, _ = upsert(Plan, {"code": p["code"]}, {
        "title": p["title"], "short_title": p.get("short_title", p["title"]), "vision": p["vision"],
        "mission": p["mission"], "start_year": p["start_year"], "end_year": p["end_year"],
        "publisher": p.get("publisher", ""), "isbn": p.get("isbn", ""), "endorsed_by": p.get("endorsed_by", ""),
        "endorsed_on": p.get("endorsed_on", ""), "owner_body": p.get("owner_body", ""),
        "sources": p.get("sources", []),
    }, report=report, reason=reason)
    version, _ = upsert(PlanVersion, {"plan": plan, "number": 1}, {
        "label": p["first_version_label"], "decision_reference": p.get("endorsed_by", ""),
    }, report=report, reason=reason)
    for per in data.periods:
        upsert(Period, {"plan": plan, "code": per["code"]}, {
            "name": per["name"], "start_year": per["start_year"], "end_year": per["end_year"],
            "priority": per.get("priority", ""),
        }, report=report, reason=reason)
    pathways = {
        pw["code"]: upsert(Pathway, {"code": pw["code"]}, {"name": pw["name"], "scope": pw.get("scope", "")},
                           report=report, reason=reason)[0]
        for pw in data.pathways
    }
    measures = {
        m["number"]: upsert(TypeOfMeasure, {"number": m["number"]}, {"name": m["name"]},
                            report=report, reason=reason)[0]
        for m in data.types_of_measure
    }
    goals, actions = {}, {}
    for g in data.goals:
        goal, _ = upsert(StrategicGoal, {"plan": plan, "code": g.code}, {
            "title": g.title, "summary": g.summary, "champions_source": g.champions_source,
        }, report=report, reason=reason)
        goals[g.code] = goal
        for iso3 in g.champions:
            upsert(ChampionAssignment, {"goal": goal, "member_state": states[iso3]}, {}, report=report, reason=reason)
        for o in g.outcomes:
            outcome, _ = upsert(DesiredOutcome, {"code": o.code}, {"goal": goal, "title": o.title},
                                report=report, reason=reason)
            for a in o.actions:
                actions[a.code] = upsert(Action, {"code": a.code}, {"outcome": outcome, "title": a.title},
                                         report=report, reason=reason)[0]
    for al in data.action_lines:
        line, _ = upsert(ActionLine, {"code": al.code}, {"action": actions[al.action], "line_no": al.line_no},
                         report=report, reason=reason)
        upsert(ActionLineVersion, {"action_line": line, "plan_version": version}, {
            "title": al.title, "time_frame": al.time_frame, "target_year": al.target_year,
            "required_time": al.required_time, "implementation_level": al.implementation_level,
            "lead_note": al.lead_note, "pathway": pathways.get(al.pathway) if al.pathway else None,
            "cross_cutting_theme": al.cross_cutting_theme, "appendix": al.appendix, "notes": al.notes,
            "seed_erratum": al.seed_erratum, "source": al.source, "confidence": al.confidence,
        }, m2m={
            "lead_states": [states[s] for s in al.lead_states],
            "types_of_measure": [measures[t] for t in al.types_of_measure],
        }, report=report, reason=reason)
    return goals, states
