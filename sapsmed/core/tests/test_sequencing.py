"""Predecessors of action lines: errors, warnings and the drawing order of the roadmap."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sapsmed.core.sequencing import (
    IssueKind,
    IssueLevel,
    PredecessorCycleError,
    check_target_years,
    code_sort_key,
    code_text_key,
    find_cycles,
    topological_order,
    validate_predecessors,
)


def messages(issues) -> list[str]:
    return [str(i) for i in issues]


def test_codes_sort_by_their_numbers_not_their_characters():
    codes = ["B-2-1.10", "B-2-1.9", "B-10-1.1", "A-1-1.2", "B-2-1.1"]
    assert sorted(codes, key=code_sort_key) == ["A-1-1.2", "B-2-1.1", "B-2-1.9", "B-2-1.10", "B-10-1.1"]


def test_a_plan_without_problems_has_no_issues():
    plan = {"A-1-1.1": [], "A-1-1.2": ["A-1-1.1"], "B-1-1.1": ["A-1-1.1", "A-1-1.2"]}
    assert validate_predecessors(plan) == []


def test_a_two_line_cycle_is_named_line_by_line():
    plan = {"B-2-1.3": ["C-1-1.2"], "C-1-1.2": ["B-2-1.3"]}
    (issue,) = validate_predecessors(plan)
    assert issue.kind is IssueKind.CYCLE and issue.level is IssueLevel.ERROR
    assert str(issue).startswith("Predecessor cycle: B-2-1.3 → C-1-1.2 → B-2-1.3.")
    assert issue.lines == ("B-2-1.3", "C-1-1.2")


def test_a_longer_cycle_starts_at_the_lowest_code_and_follows_the_waiting():
    plan = {"C-1-1.1": ["A-1-1.1"], "A-1-1.1": ["B-1-1.1"], "B-1-1.1": ["C-1-1.1"], "D-1-1.1": ["C-1-1.1"]}
    assert find_cycles(plan) == [["A-1-1.1", "B-1-1.1", "C-1-1.1"]]


def test_a_line_hanging_off_a_cycle_is_not_named_in_it():
    plan = {"A-1-1.1": ["A-1-1.2"], "A-1-1.2": ["A-1-1.1"], "A-1-1.3": ["A-1-1.1"]}
    assert find_cycles(plan) == [["A-1-1.1", "A-1-1.2"]]


def test_separate_cycles_are_each_reported():
    plan = {"A-1-1.1": ["A-1-1.2"], "A-1-1.2": ["A-1-1.1"], "C-1-1.1": ["C-1-1.2"], "C-1-1.2": ["C-1-1.1"]}
    assert find_cycles(plan) == [["A-1-1.1", "A-1-1.2"], ["C-1-1.1", "C-1-1.2"]]


def test_a_self_reference_is_its_own_error():
    (issue,) = validate_predecessors({"B-2-1.3": ["B-2-1.3"]})
    assert issue.kind is IssueKind.SELF_REFERENCE
    assert str(issue) == "B-2-1.3 lists itself as its own predecessor."


def test_a_self_reference_inside_a_cycle_does_not_hide_the_cycle():
    plan = {"A-1-1.1": ["A-1-1.1", "A-1-1.2"], "A-1-1.2": ["A-1-1.1"]}
    assert find_cycles(plan) == [["A-1-1.1"], ["A-1-1.1", "A-1-1.2"]]


def test_an_unknown_predecessor_is_an_error_naming_both_codes():
    (issue,) = validate_predecessors({"B-2-1.3": ["Z-9-9.9"]})
    assert issue.kind is IssueKind.UNKNOWN_PREDECESSOR
    assert str(issue) == "B-2-1.3 lists Z-9-9.9 as a predecessor, but there is no action line Z-9-9.9."


def test_a_predecessor_listed_twice_is_reported_once():
    assert len(validate_predecessors({"B-2-1.3": ["Z-9-9.9", "Z-9-9.9"]})) == 1


def test_a_line_due_before_its_predecessor_gets_a_warning_not_an_error():
    plan = {"C-1-1.2": [], "B-2-1.3": ["C-1-1.2"]}
    (issue,) = validate_predecessors(plan, target_years={"C-1-1.2": 2020, "B-2-1.3": 2018})
    assert issue.level is IssueLevel.WARNING
    assert str(issue) == (
        "B-2-1.3 has target year 2018, before the target year 2020 of its predecessor C-1-1.2."
    )


def test_the_same_target_year_as_the_predecessor_is_fine():
    assert check_target_years({"A": [], "B": ["A"]}, {"A": 2020, "B": 2020}) == []


def test_missing_target_years_are_skipped():
    assert check_target_years({"A": [], "B": ["A"]}, {"A": 2022, "B": None}) == []
    assert check_target_years({"A": [], "B": ["A"]}, {"B": 2018}) == []


def test_errors_come_before_warnings():
    plan = {"A": [], "B": ["A", "Q"]}
    issues = validate_predecessors(plan, target_years={"A": 2020, "B": 2019})
    assert [i.level for i in issues] == [IssueLevel.ERROR, IssueLevel.WARNING]


def test_the_roadmap_puts_predecessors_first_and_otherwise_follows_the_codes():
    plan = {"A-1-1.1": ["C-1-1.1"], "B-1-1.1": [], "C-1-1.1": [], "A-1-1.2": []}
    assert topological_order(plan) == ["A-1-1.2", "B-1-1.1", "C-1-1.1", "A-1-1.1"]


def test_the_roadmap_sorts_line_ten_after_line_nine():
    assert topological_order({"B-2-1.10": [], "B-2-1.9": []}) == ["B-2-1.9", "B-2-1.10"]


def test_the_roadmap_leaves_out_unknown_predecessors():
    assert topological_order({"B-2-1.3": ["Z-9-9.9"]}) == ["B-2-1.3"]


def test_the_roadmap_refuses_a_cycle_and_names_it():
    with pytest.raises(PredecessorCycleError, match="B-2-1.3 → C-1-1.2 → B-2-1.3") as caught:
        topological_order({"B-2-1.3": ["C-1-1.2"], "C-1-1.2": ["B-2-1.3"]})
    assert caught.value.cycles == [["B-2-1.3", "C-1-1.2"]]


def test_a_long_chain_does_not_exhaust_the_stack():
    plan = {f"A-1-1.{i}": [f"A-1-1.{i + 1}"] for i in range(5000)}
    plan["A-1-1.5000"] = ["A-1-1.0"]
    (cycle,) = find_cycles(plan)
    assert len(cycle) == 5001


codes = st.sampled_from([f"A-1-1.{i}" for i in range(1, 9)])
plans = st.dictionaries(codes, st.lists(codes, max_size=3), max_size=8)


@given(plans)
def test_the_roadmap_fails_exactly_when_there_is_a_cycle(plan):
    cycles = find_cycles(plan)
    try:
        order = topological_order(plan)
    except PredecessorCycleError as error:
        assert cycles and error.cycles == cycles
    else:
        assert cycles == []
        position = {code: i for i, code in enumerate(order)}
        assert sorted(order) == sorted(plan)
        for code, preds in plan.items():
            assert all(position[p] < position[code] for p in preds if p in plan)


@given(plans)
def test_every_reported_cycle_really_is_one(plan):
    for cycle in find_cycles(plan):
        assert len(set(cycle)) == len(cycle)
        for line, waits_for in zip(cycle, cycle[1:] + cycle[:1], strict=True):
            assert waits_for in plan[line]


def test_padded_code_text_sorts_as_the_codes_do():
    codes = ["B-10-1.1", "B-2-1.10", "A-1-1.2", "B-2-1.9", "B-2-1.1"]
    assert sorted(codes, key=code_text_key) == sorted(codes, key=code_sort_key)
    assert code_text_key("B-2-1.10") == "B-00000002-00000001.00000010"


def test_the_drawing_order_is_by_goal_then_each_line_after_its_predecessors():
    from sapsmed.core.sequencing import drawing_order

    lines = {"B-1-1.2": ("B", []), "B-1-1.1": ("B", ["B-1-1.10"]), "B-1-1.10": ("B", []), "A-1-1.1": ("A", []),
             "C-1-1.1": ("C", ["B-1-1.2"])}
    assert drawing_order(lines) == ["A-1-1.1", "B-1-1.2", "B-1-1.10", "B-1-1.1", "C-1-1.1"]


def test_a_cycle_in_the_stored_data_draws_each_goal_in_code_order():
    from sapsmed.core.sequencing import drawing_order

    lines = {"B-1-1.2": ("B", ["B-1-1.10"]), "B-1-1.10": ("B", ["B-1-1.2"]), "A-1-1.9": ("A", [])}
    assert drawing_order(lines) == ["A-1-1.9", "B-1-1.2", "B-1-1.10"]
