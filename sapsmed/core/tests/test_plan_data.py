"""The plan data validator names the file, the entry and the field of every problem."""

import copy
from pathlib import Path

import pytest
import yaml

from sapsmed.core.plan_data import PlanDataError, parse_kpis, parse_member_states, parse_plan

DATA = Path(__file__).resolve().parents[3] / "data"


@pytest.fixture(scope="module")
def raw():
    states = yaml.safe_load((DATA / "member_states.yaml").read_text())
    plan = yaml.safe_load((DATA / "plan/sap_smed_2016_2025.yaml").read_text())
    kpis = yaml.safe_load((DATA / "kpis/kpis.yaml").read_text())
    return states, plan, kpis


def errors_of(fn, *args):
    with pytest.raises(PlanDataError) as exc:
        fn(*args)
    return [str(e) for e in exc.value.errors]


def test_the_shipped_files_describe_the_whole_plan(raw):
    states_raw, plan_raw, kpis_raw = raw
    states = parse_member_states(states_raw, "member_states.yaml")
    plan = parse_plan(plan_raw, "plan.yaml", states)
    kpis = parse_kpis(kpis_raw, "kpis.yaml", {g.code for g in plan.goals}, states)
    assert [g.code for g in plan.goals] == ["A", "B", "C", "D", "E"]
    assert sum(len(g.outcomes) for g in plan.goals) == 12
    assert sum(len(o.actions) for g in plan.goals for o in g.outcomes) == 24
    assert len(plan.action_lines) == 12
    assert len(states) == 10
    assert len([k for k in kpis if not k.added_after_endorsement]) == 10
    assert {k.code: k.direction for k in kpis}["KPI-D1"] == "down"


def test_an_unknown_state_in_an_action_line_is_named_with_file_entry_and_field(raw):
    states = parse_member_states(raw[0], "member_states.yaml")
    plan = copy.deepcopy(raw[1])
    plan["action_lines"][0]["lead_states"] = ["MYS", "XXX"]
    errors = errors_of(parse_plan, plan, "plan.yaml", states)
    assert errors == ["plan.yaml, action line B-2-1.3, field 'lead_states': unknown member state code(s): XXX"]


def test_every_problem_is_reported_at_once(raw):
    states = parse_member_states(raw[0], "member_states.yaml")
    plan = copy.deepcopy(raw[1])
    plan["action_lines"][0]["target_year"] = 2031
    plan["action_lines"][1]["action"] = "Z-9-9"
    plan["action_lines"][2]["title"] = ""
    errors = errors_of(parse_plan, plan, "plan.yaml", states)
    assert "plan.yaml, action line B-2-1.3, field 'target_year': 2031 is outside 2016-2025" in errors
    assert any("action line C-1-1.2, field 'action'" in e for e in errors)
    assert "plan.yaml, action line A-1-2.1, field 'title': is required and is empty" in errors


def test_a_duplicate_action_line_code_is_refused(raw):
    states = parse_member_states(raw[0], "member_states.yaml")
    plan = copy.deepcopy(raw[1])
    plan["action_lines"].append(copy.deepcopy(plan["action_lines"][0]))
    assert "plan.yaml, action line B-2-1.3, field 'code': 'B-2-1.3' appears twice" in errors_of(
        parse_plan, plan, "plan.yaml", states
    )


def test_an_action_that_does_not_belong_to_its_outcome_is_refused(raw):
    states = parse_member_states(raw[0], "member_states.yaml")
    plan = copy.deepcopy(raw[1])
    plan["strategic_goals"][0]["desired_outcomes"][0]["actions"][0]["code"] = "B-1-9"
    errors = errors_of(parse_plan, plan, "plan.yaml", states)
    assert errors == ["plan.yaml, action B-1-9, field 'code': 'B-1-9' must look like A-1-1 and belong to outcome A-1"]


def test_a_kpi_without_a_direction_is_refused(raw):
    states = parse_member_states(raw[0], "member_states.yaml")
    kpis = copy.deepcopy(raw[2])
    kpis["kpis"][5]["direction"] = "sideways"
    errors = errors_of(parse_kpis, kpis, "kpis.yaml", {"A", "B", "C", "D", "E"}, states)
    assert errors[0] == "kpis.yaml, KPI KPI-D1, field 'direction': 'sideways' is not one of: up, down"


def test_a_member_state_code_must_be_iso3(raw):
    bad = {"member_states": [{"iso3": "MY", "name": "Malaysia", "currency": "MYR"}]}
    assert errors_of(parse_member_states, bad, "member_states.yaml") == [
        "member_states.yaml, member state #1, field 'iso3': "
        "'MY' is not an ISO 3166-1 alpha-3 code (three capital letters)"
    ]
