"""Comparing roadmap versions and applying amendments."""

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sapsmed.core.plan_diff import (
    AddLine,
    AmendmentError,
    ChangeFields,
    DropLine,
    FieldChange,
    Retime,
    apply_changes,
    diff_plans,
    parse_amendment,
    parse_operation,
    same_value,
)

BASE = {
    "B-2-1.3": {
        "title": "Regional SME finance forum",
        "target_year": 2020,
        "time_frame": "2016-2020",
        "lead_states": ["SGP", "MYS"],
        "predecessors": ["B-1-1.1"],
        "funding": {"amount": 50000, "currency": "USD", "source": "ASEAN Development Fund"},
    },
    "B-1-1.1": {"title": "Credit guarantee study", "target_year": 2018, "lead_states": {"THA"}},
    "C-1-1.2": {"title": "Old line", "target_year": 2017, "retired": True},
}


def test_a_version_compared_with_itself_has_no_differences():
    result = diff_plans(BASE, BASE)
    assert result.is_empty
    assert result.unchanged == 2


def test_added_dropped_and_changed_lines_are_reported_by_code():
    new = copy.deepcopy(BASE)
    new["B-2-1.10"] = {"title": "New line"}
    new["B-2-1.9"] = {"title": "Another new line"}
    del new["B-1-1.1"]
    new["B-2-1.3"]["target_year"] = 2022
    result = diff_plans(BASE, new)
    assert result.added == ("B-2-1.9", "B-2-1.10")
    assert result.dropped == ("B-1-1.1",)
    assert [c.code for c in result.changed] == ["B-2-1.3"]
    assert result.changed[0].fields == (FieldChange("target_year", 2020, 2022),)
    assert result.unchanged == 0


def test_a_line_marked_retired_counts_as_dropped():
    new = copy.deepcopy(BASE)
    new["B-1-1.1"]["retired"] = True
    assert diff_plans(BASE, new).dropped == ("B-1-1.1",)


def test_a_retired_line_made_active_again_counts_as_added():
    new = copy.deepcopy(BASE)
    new["C-1-1.2"]["retired"] = False
    assert diff_plans(BASE, new).added == ("C-1-1.2",)


def test_list_order_does_not_count_as_a_change():
    new = copy.deepcopy(BASE)
    new["B-2-1.3"]["lead_states"] = ["MYS", "SGP"]
    new["B-1-1.1"]["lead_states"] = ["THA"]
    assert diff_plans(BASE, new).is_empty


def test_a_changed_list_shows_before_and_after_as_given():
    new = copy.deepcopy(BASE)
    new["B-2-1.3"]["lead_states"] = ["MYS", "IDN"]
    (change,) = diff_plans(BASE, new).changed
    assert change.fields == (FieldChange("lead_states", ["SGP", "MYS"], ["MYS", "IDN"]),)


def test_a_change_inside_funding_is_a_change_of_the_funding_field():
    new = copy.deepcopy(BASE)
    new["B-2-1.3"]["funding"]["currency"] = "EUR"
    (change,) = diff_plans(BASE, new).changed
    assert change.field_names == ("funding",)
    assert change.fields[0].before["currency"] == "USD"
    assert change.fields[0].after["currency"] == "EUR"


def test_several_changed_fields_are_listed_alphabetically():
    new = copy.deepcopy(BASE)
    new["B-2-1.3"].update(title="Renamed forum", pathway="Access to finance", target_year=2021)
    (change,) = diff_plans(BASE, new).changed
    assert change.field_names == ("pathway", "target_year", "title")
    assert change.fields[0] == FieldChange("pathway", None, "Access to finance")


def test_absent_empty_and_blank_fields_all_mean_not_set():
    assert same_value(None, [])
    assert same_value(None, "  ")
    assert same_value({}, None)
    assert same_value({"amount": None}, {})
    assert not same_value(0, None)
    new = copy.deepcopy(BASE)
    new["B-1-1.1"]["notes"] = ""
    new["B-1-1.1"]["proponents"] = []
    assert diff_plans(BASE, new).is_empty


def test_numbers_are_compared_by_value():
    assert same_value(50000, 50000.0)
    assert not same_value(2020, "2020")


def test_an_explicit_not_retired_flag_is_no_change():
    assert diff_plans({"X": {"title": "a", "retired": False}}, {"X": {"title": "a"}}).unchanged == 1


def test_retired_lines_in_both_versions_are_neither_counted_nor_reported():
    result = diff_plans({"X": {"retired": True}}, {"X": {"retired": True, "title": "changed"}})
    assert result.is_empty and result.unchanged == 0


def test_an_amendment_adds_changes_retimes_and_drops():
    ops = [
        AddLine("B-2-1.4", {"title": "Fintech sandbox", "target_year": 2023}),
        ChangeFields("B-1-1.1", {"title": "Credit guarantee study (revised)"}),
        Retime("B-2-1.3", target_year=2022, time_frame="2016-2022"),
        DropLine("B-1-1.1"),
    ]
    new = apply_changes(BASE, ops)
    assert new["B-2-1.4"] == {"title": "Fintech sandbox", "target_year": 2023}
    assert new["B-1-1.1"]["title"] == "Credit guarantee study (revised)"
    assert new["B-1-1.1"]["retired"] is True
    assert (new["B-2-1.3"]["target_year"], new["B-2-1.3"]["time_frame"]) == (2022, "2016-2022")


def test_re_timing_only_the_target_year_keeps_the_time_frame():
    new = apply_changes(BASE, [Retime("B-2-1.3", target_year=2021)])
    assert new["B-2-1.3"]["time_frame"] == "2016-2020"


def test_the_base_version_is_never_modified():
    before = copy.deepcopy(BASE)
    new = apply_changes(BASE, [ChangeFields("B-2-1.3", {"title": "x"}), DropLine("B-1-1.1")])
    new["B-2-1.3"]["lead_states"].append("VNM")
    new["B-2-1.3"]["funding"]["amount"] = 1
    assert before == BASE


def test_the_amendment_keeps_no_link_to_the_values_it_was_given():
    fields = {"lead_states": ["PHL"]}
    new = apply_changes(BASE, [AddLine("D-1-1.1", fields)])
    fields["lead_states"].append("KHM")
    assert new["D-1-1.1"]["lead_states"] == ["PHL"]


def amendment_errors(ops) -> list[str]:
    with pytest.raises(AmendmentError) as caught:
        apply_changes(BASE, ops)
    return caught.value.errors


def test_changing_a_line_that_does_not_exist_is_refused():
    assert amendment_errors([ChangeFields("B-9-9.9", {"title": "x"})]) == [
        "Operation 1 (change B-9-9.9): there is no line B-9-9.9 to change."
    ]


def test_adding_a_code_that_exists_is_refused():
    assert amendment_errors([AddLine("B-2-1.3", {})]) == [
        "Operation 1 (add B-2-1.3): line B-2-1.3 already exists; a new line needs a new code."
    ]


def test_a_dropped_code_is_never_reused():
    assert amendment_errors([AddLine("C-1-1.2", {})]) == [
        "Operation 1 (add C-1-1.2): line C-1-1.2 existed and was dropped; codes are never reused."
    ]


def test_dropping_twice_is_refused_and_says_which_operation_dropped_it():
    assert amendment_errors([DropLine("B-1-1.1"), DropLine("B-1-1.1")]) == [
        "Operation 2 (drop B-1-1.1): line B-1-1.1 is already dropped by operation 1."
    ]


def test_dropping_a_line_dropped_in_an_earlier_version_is_refused():
    assert amendment_errors([DropLine("C-1-1.2")]) == [
        "Operation 1 (drop C-1-1.2): line C-1-1.2 is already dropped."
    ]


def test_changing_or_retiming_a_dropped_line_is_refused():
    ops = [ChangeFields("C-1-1.2", {"title": "x"}), Retime("C-1-1.2", target_year=2024)]
    assert amendment_errors(ops) == [
        "Operation 1 (change C-1-1.2): line C-1-1.2 has been dropped and cannot be changed.",
        "Operation 2 (retime C-1-1.2): line C-1-1.2 has been dropped and cannot be re-timed.",
    ]


def test_dropping_or_retiming_an_unknown_line_is_refused():
    assert amendment_errors([DropLine("Z-1-1.1"), Retime("Z-1-1.1", target_year=2024)]) == [
        "Operation 1 (drop Z-1-1.1): there is no line Z-1-1.1 to drop.",
        "Operation 2 (retime Z-1-1.1): there is no line Z-1-1.1 to re-time.",
    ]


def test_a_retime_must_say_what_changes():
    assert amendment_errors([Retime("B-2-1.3")]) == [
        "Operation 1 (retime B-2-1.3): give a new target year, a new time frame, or both."
    ]


def test_an_empty_change_is_refused():
    assert amendment_errors([ChangeFields("B-2-1.3", {})]) == [
        "Operation 1 (change B-2-1.3): it names no fields to change."
    ]


def test_the_retired_flag_is_set_only_by_dropping():
    ops = [ChangeFields("B-2-1.3", {"retired": True}), AddLine("D-1-1.1", {"retired": True})]
    errors = amendment_errors(ops)
    assert all("marked retired only by a drop operation" in e for e in errors) and len(errors) == 2


def test_every_refused_operation_is_reported_at_once():
    errors = amendment_errors([DropLine("Z"), AddLine("D-1-1.1", {}), ChangeFields("Y", {"a": 1})])
    assert [e.split(" (")[0] for e in errors] == ["Operation 1", "Operation 3"]


def test_a_line_added_earlier_in_the_same_amendment_can_be_changed():
    new = apply_changes(BASE, [AddLine("D-1-1.1", {"title": "a"}), ChangeFields("D-1-1.1", {"title": "b"})])
    assert new["D-1-1.1"]["title"] == "b"


def test_stored_operations_are_read_back():
    ops = parse_amendment(
        [
            {"op": "add", "code": "D-1-1.1", "fields": {"title": "a"}},
            {"op": "change", "code": "B-2-1.3", "fields": {"title": "b"}},
            {"op": "retime", "code": "B-2-1.3", "target_year": 2024},
            {"op": "drop", "code": "B-1-1.1"},
        ]
    )
    assert ops == [
        AddLine("D-1-1.1", {"title": "a"}),
        ChangeFields("B-2-1.3", {"title": "b"}),
        Retime("B-2-1.3", target_year=2024),
        DropLine("B-1-1.1"),
    ]


def test_a_stored_operation_with_an_unknown_kind_or_no_code_is_refused():
    with pytest.raises(ValueError, match="Unknown amendment operation 'rename' for B-2-1.3"):
        parse_operation({"op": "rename", "code": "B-2-1.3"})
    with pytest.raises(ValueError, match="needs a line code"):
        parse_operation({"op": "drop"})


# Property tests: a random plan, and one operation on each of some of its codes.

CODES = [f"A-1-1.{i}" for i in range(1, 9)]
values = st.one_of(
    st.integers(2016, 2025),
    st.sampled_from(["quick-win", "medium-term", "long-term"]),
    st.lists(st.sampled_from(["BRN", "KHM", "IDN", "LAO"]), max_size=3),
)
field_maps = st.dictionaries(st.sampled_from(["title", "target_year", "lead_states", "pathway"]), values)
retired_or_not = st.fixed_dictionaries({}, optional={"retired": st.booleans()})
line_fields = st.builds(lambda fields, flag: {**fields, **flag}, field_maps, retired_or_not)
plans = st.dictionaries(st.sampled_from(CODES), line_fields)


@given(plans)
def test_any_plan_compared_with_itself_is_unchanged(plan):
    result = diff_plans(plan, plan)
    assert result.is_empty
    assert result.unchanged == sum(1 for f in plan.values() if not f.get("retired"))


@st.composite
def plan_and_amendment(draw):
    plan = draw(plans)
    ops = []
    for code in draw(st.lists(st.sampled_from(CODES), unique=True)):
        line = plan.get(code)
        if line is None:
            ops.append(AddLine(code, draw(field_maps)))
        elif line.get("retired"):
            continue
        else:
            ops.append(
                draw(
                    st.one_of(
                        st.builds(ChangeFields, st.just(code), field_maps.filter(bool)),
                        st.builds(Retime, st.just(code), st.integers(2016, 2025)),
                        st.just(DropLine(code)),
                    )
                )
            )
    return plan, ops


@given(plan_and_amendment())
def test_the_diff_of_an_amendment_reports_exactly_what_it_changed(case):
    plan, ops = case
    snapshot = copy.deepcopy(plan)
    result = diff_plans(plan, apply_changes(plan, ops))
    assert plan == snapshot
    assert set(result.added) == {op.code for op in ops if isinstance(op, AddLine)}
    assert set(result.dropped) == {op.code for op in ops if isinstance(op, DropLine)}
    expected_changes = {}
    for op in ops:
        if isinstance(op, ChangeFields):
            new_fields = op.fields
        elif isinstance(op, Retime):
            new_fields = {"target_year": op.target_year}
        else:
            continue
        changed = {k for k, v in new_fields.items() if not same_value(plan[op.code].get(k), v)}
        if changed:
            expected_changes[op.code] = changed
    assert {c.code: set(c.field_names) for c in result.changed} == expected_changes
