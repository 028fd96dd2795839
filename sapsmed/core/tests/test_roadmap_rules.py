"""The roadmap's rules on codes, terms and order, and the terms' plain form, without a database."""

from decimal import Decimal

from sapsmed.core.plan_diff import diff_plans
from sapsmed.core.roadmap_fields import normalise_terms, present_diff, show
from sapsmed.core.roadmap_rules import check_identity, check_terms, line_years, sequence_errors, sequence_warnings

GOALS = ["A", "B", "C", "D", "E"]
ACTIONS = {"B-2-1": "B", "A-1-2": "A"}


def identity(code, goal, action):
    return check_identity(code, goal, action, goals=GOALS, action_goals=ACTIONS)


def terms(**values):
    return normalise_terms({"title": "A line", "source": "test", **values})


def test_a_line_code_is_its_action_code_a_dot_and_a_number():
    assert identity("B-2-1.9", "B", "B-2-1") == []
    assert identity("B-2-1.10", "B", "B-2-1") == []


def test_an_unknown_goal_code_is_named_with_the_goals_there_are():
    assert identity("F-1-1.1", "F", "F-1-1") == [
        ("goal", "there is no strategic goal 'F' in the plan (the goals are A, B, C, D, E).")]


def test_an_action_of_another_goal_or_an_unknown_action_is_refused():
    assert identity("A-1-2.1", "B", "A-1-2") == [("action", "action A-1-2 belongs to goal A, not to goal B.")]
    assert identity("B-9-9.1", "B", "B-9-9") == [("action", "there is no action 'B-9-9' in the plan.")]


def test_a_code_that_does_not_start_with_its_action_is_refused():
    [(field, message)] = identity("B-2-2.1", "B", "B-2-1")
    assert field == "code" and "write B-2-1. and the line number" in message


def test_years_must_lie_within_the_plan_and_a_line_cannot_start_after_its_target():
    problems = check_terms(terms(start_year=2024, target_year=2027), first_year=2016, last_year=2025)
    assert ("target_year", "2027 is outside the plan's years 2016-2025.") in problems
    problems = check_terms(terms(start_year=2022, target_year=2019), first_year=2016, last_year=2025)
    assert problems == [("start_year", "the line starts in 2022, after its target year 2019.")]


def test_an_amount_needs_its_currency_and_a_currency_must_be_three_letters():
    assert check_terms(terms(funding_amount="5000"), first_year=2016, last_year=2025) == [
        ("funding_currency", "give the currency of the amount, such as USD.")]
    assert check_terms(terms(funding_amount="5000", funding_currency="US$"), first_year=2016, last_year=2025) == [
        ("funding_currency", "'US$' is not a three-letter currency code such as USD.")]
    assert check_terms(terms(funding_amount="-1", funding_currency="USD"), first_year=2016, last_year=2025) == [
        ("funding_amount", "the required financial support cannot be negative.")]


def test_title_and_source_are_required():
    problems = check_terms(normalise_terms({}), first_year=2016, last_year=2025)
    assert ("title", "a value is required.") in problems and ("source", "a value is required.") in problems


def test_a_circle_of_predecessors_is_refused_naming_its_lines():
    plan = {"B-2-1.1": terms(predecessors=["B-2-1.3"]), "B-2-1.2": terms(predecessors=["B-2-1.1"]),
            "B-2-1.3": terms(predecessors=["B-2-1.2"])}
    [issue] = sequence_errors(plan)
    assert issue.lines == ("B-2-1.1", "B-2-1.3", "B-2-1.2")
    assert "B-2-1.1 → B-2-1.3 → B-2-1.2 → B-2-1.1" in issue.message


def test_a_line_due_before_its_predecessor_is_a_warning_not_an_error():
    plan = {"B-2-1.1": terms(target_year=2020), "B-2-1.2": terms(target_year=2018, predecessors=["B-2-1.1"])}
    assert sequence_errors(plan) == []
    [warning] = sequence_warnings(plan)
    assert "B-2-1.2 has target year 2018, before the target year 2020 of its predecessor B-2-1.1" in warning.message


def test_a_line_occupies_its_span_or_its_target_year():
    assert line_years({"start_year": 2016, "target_year": 2020}) == (2016, 2020)
    assert line_years({"start_year": None, "target_year": 2018}) == (2018, 2018)
    assert line_years({"start_year": None, "target_year": None}) is None


def test_terms_take_one_plain_form_whatever_their_source():
    plain = normalise_terms({"title": " Title ", "lead_states": ("MYS", "LAO", "MYS"), "types_of_measure": ["3", 1],
                             "funding_amount": Decimal("1000.5"), "predecessors": ["B-2-1.10", "B-2-1.9"],
                             "target_year": "2020", "retired": None})
    assert plain["title"] == "Title" and plain["lead_states"] == ["LAO", "MYS"]
    assert plain["types_of_measure"] == [1, 3] and plain["funding_amount"] == "1000.50"
    assert plain["predecessors"] == ["B-2-1.9", "B-2-1.10"] and plain["target_year"] == 2020
    assert plain["retired"] is False and plain["time_frame"] == "" and plain["start_year"] is None


def test_a_diff_reads_as_words_with_names_for_codes():
    before = {"B-2-1.3": terms(lead_states=["MYS"], target_year=2018), "B-2-1.2": terms()}
    after = {"B-2-1.3": terms(lead_states=["MYS", "LAO"], target_year=2022), "B-2-1.2": terms(retired=True),
             "B-2-1.9": terms(title="New")}
    words = present_diff(diff_plans(before, after), {"B-2-1.9": "New", "B-2-1.2": "Old"},
                         {"lead_states": {"MYS": "Malaysia", "LAO": "Lao PDR"}})
    assert words["added"] == [{"code": "B-2-1.9", "title": "New"}]
    assert words["dropped"] == [{"code": "B-2-1.2", "title": "Old"}]
    [changed] = words["changed"]
    assert {"label": "Lead states", "before": "Malaysia", "after": "Lao PDR; Malaysia"} in changed["fields"]
    assert {"label": "Target year", "before": "2018", "after": "2022"} in changed["fields"]
    assert show("start_year", None) == "not set"
