"""Early warning: each line's status and flags, with reasons a policy officer can read."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sapsmed.core.early_warning import (
    FlagKind,
    LineInput,
    Milestone,
    ProgressReport,
    Rag,
    ReportingRound,
    Severity,
    Thresholds,
    assess_all,
    assess_line,
    latest_report,
)

AS_OF = date(2020, 1, 1)
CODE = "B-2-1.3"


def report(**changes) -> ProgressReport:
    """A healthy report: 75% complete with 75% of 2017-2020 elapsed on 1 January 2020, on budget, staffed."""
    healthy = ProgressReport(
        code=CODE,
        round="2019-H2",
        reported_on=date(2019, 12, 15),
        workflow_status="accepted",
        status="on_track",
        percent_complete=75,
        planned_start=date(2017, 1, 1),
        planned_end=date(2020, 12, 31),
        currency="USD",
        budget_planned=100_000,
        budget_committed=80_000,
        budget_spent=70_000,
        personnel_planned=10,
        personnel_actual=10,
        quality_rating=4,
        quality_evidence="Peer-reviewed study",
    )
    return replace(healthy, **changes)


def assess(*reports, code=CODE, as_of=AS_OF, **kwargs):
    return assess_line(LineInput(code, tuple(reports)), as_of=as_of, **kwargs)


def flag(warning, kind):
    (found,) = [f for f in warning.flags if f.kind is kind]
    return found


def test_a_healthy_line_is_green_with_no_flags():
    warning = assess(report())
    assert warning.rag is Rag.GREEN
    assert warning.flags == ()


def test_behind_schedule_says_how_far_behind_in_words():
    warning = assess(report(percent_complete=30))
    assert warning.rag is Rag.RED
    assert flag(warning, FlagKind.BEHIND_SCHEDULE).reason == (
        "Behind schedule: 30% complete with 75% of the planned time (2017-01-01 to 2020-12-31) "
        "elapsed as of 2020-01-01."
    )


def test_a_moderate_lag_is_amber_and_a_small_one_is_not_flagged():
    assert flag(assess(report(percent_complete=55)), FlagKind.BEHIND_SCHEDULE).severity is Severity.AMBER
    assert not assess(report(percent_complete=61)).has(FlagKind.BEHIND_SCHEDULE)


def test_exactly_at_the_threshold_is_not_flagged():
    # 60% complete with 75% of the time elapsed is exactly 15 points behind.
    assert not assess(report(percent_complete=60)).has(FlagKind.BEHIND_SCHEDULE)


def test_thresholds_come_from_the_caller():
    strict = Thresholds(schedule_amber_points=5, schedule_red_points=10)
    warning = assess(report(percent_complete=61), thresholds=strict)
    assert flag(warning, FlagKind.BEHIND_SCHEDULE).severity is Severity.RED


def test_thresholds_must_be_in_order():
    with pytest.raises(ValueError, match="red schedule threshold"):
        Thresholds(schedule_amber_points=30, schedule_red_points=15)


def test_past_the_planned_end_and_not_completed_is_red():
    warning = assess(report(percent_complete=95), as_of=date(2021, 3, 1))
    assert flag(warning, FlagKind.BEHIND_SCHEDULE).reason == (
        "Behind schedule: planned to end on 2020-12-31 but not completed as of 2021-03-01 (95% complete)."
    )
    assert warning.rag is Rag.RED


def test_the_day_after_the_planned_end_an_unfinished_line_is_late_but_not_on_the_day():
    on_the_day = assess(report(percent_complete=99), as_of=date(2020, 12, 31))
    assert not on_the_day.has(FlagKind.BEHIND_SCHEDULE)
    day_after = assess(report(percent_complete=99), as_of=date(2021, 1, 1))
    assert "planned to end on 2020-12-31" in flag(day_after, FlagKind.BEHIND_SCHEDULE).reason


def test_a_line_not_started_after_its_planned_start_is_behind():
    warning = assess(report(status="not_started", percent_complete=None))
    assert "0% complete with 75% of the planned time" in flag(warning, FlagKind.BEHIND_SCHEDULE).reason


def test_a_line_the_proponent_reports_as_delayed_is_at_least_amber():
    warning = assess(report(status="delayed"))
    assert flag(warning, FlagKind.BEHIND_SCHEDULE).reason == (
        "Behind schedule: the proponent reports the line as delayed."
    )
    assert warning.rag is Rag.AMBER


def test_nothing_is_behind_before_the_planned_start():
    assert assess(report(percent_complete=0), as_of=date(2016, 6, 1)).flags == ()


def test_without_dates_the_schedule_is_not_assessed_and_a_note_says_so():
    warning = assess(report(planned_start=None, planned_end=None, percent_complete=5))
    assert not warning.has(FlagKind.BEHIND_SCHEDULE)
    assert "Schedule not assessed: planned start and end dates not reported." in warning.notes


def test_an_end_before_the_start_is_noted_not_flagged():
    warning = assess(report(planned_start=date(2020, 1, 1), planned_end=date(2019, 1, 1)))
    assert not warning.has(FlagKind.BEHIND_SCHEDULE)
    assert any("before the planned start" in n for n in warning.notes)


def test_a_line_completed_early_has_no_schedule_flag_and_is_done():
    warning = assess(report(status="completed", percent_complete=100, actual_end=date(2019, 6, 1)))
    assert warning.rag is Rag.DONE
    assert warning.flags == ()


def test_a_completed_line_can_still_be_flagged_for_overspending():
    warning = assess(report(status="completed", percent_complete=100, budget_spent=150_000))
    assert warning.rag is Rag.DONE
    assert [f.kind for f in warning.flags] == [FlagKind.COST_OVERRUN]


def test_a_dropped_line_gets_no_flags_only_its_status():
    warning = assess(
        report(status="dropped", percent_complete=10, budget_spent=90_000, quality_rating=1),
        current_round=ReportingRound("2020-H1", date(2019, 12, 1)),
    )
    assert warning.rag is Rag.DROPPED
    assert warning.flags == ()


def test_a_line_with_no_report_is_grey():
    warning = assess()
    assert warning.rag is Rag.GREY
    assert warning.notes == ("No submitted report yet.",)


def test_drafts_and_returned_reports_do_not_count():
    warning = assess(report(workflow_status="draft"), report(workflow_status="returned"))
    assert warning.rag is Rag.GREY


def test_the_most_recent_counted_report_is_used():
    old = report(reported_on=date(2019, 6, 30), percent_complete=10)
    new = report(reported_on=date(2019, 12, 15), percent_complete=75, workflow_status="submitted")
    draft = report(reported_on=date(2019, 12, 31), percent_complete=5, workflow_status="draft")
    assert assess(old, new, draft).report == new


def test_on_the_same_date_the_report_furthest_along_the_workflow_wins():
    submitted = report(workflow_status="submitted", percent_complete=40)
    accepted = report(workflow_status="accepted", percent_complete=50)
    assert latest_report([submitted, accepted], AS_OF) == accepted
    assert latest_report([accepted, submitted], AS_OF) == accepted


def test_reports_dated_after_the_assessment_date_are_ignored():
    later = report(reported_on=date(2020, 6, 30), status="completed")
    assert assess(report(), later).rag is Rag.GREEN


def test_cost_overrun_compares_spending_with_progress():
    warning = assess(report(percent_complete=70, budget_spent=85_000))
    assert flag(warning, FlagKind.COST_OVERRUN).reason == (
        "Cost overrun: 85% of the planned budget spent (USD 85,000 of USD 100,000) for 70% progress."
    )
    assert flag(warning, FlagKind.COST_OVERRUN).severity is Severity.AMBER


def test_spending_within_the_tolerance_is_not_flagged():
    # 75% complete plus the 10% tolerance allows up to 82.5% spent.
    assert not assess(report(budget_spent=82_000)).has(FlagKind.COST_OVERRUN)
    assert assess(report(budget_spent=83_000)).has(FlagKind.COST_OVERRUN)


def test_spending_beyond_the_whole_budget_is_red():
    warning = assess(report(budget_spent=Decimal("120000.50")))
    assert flag(warning, FlagKind.COST_OVERRUN).severity is Severity.RED
    assert flag(warning, FlagKind.COST_OVERRUN).reason == (
        "Cost overrun: 120% of the planned budget spent (USD 120,000.50 of USD 100,000), "
        "more than the whole budget."
    )


def test_zero_budget_does_not_divide_by_zero_and_says_no_budget_planned():
    quiet = assess(report(budget_planned=0, budget_spent=0))
    assert "Cost not assessed: no budget planned." in quiet.notes
    spending = assess(report(budget_planned=0, budget_spent=5_000))
    reason = flag(spending, FlagKind.COST_OVERRUN).reason
    assert reason == "Cost overrun: USD 5,000 spent with no budget planned."


def test_a_missing_currency_is_said_in_the_reason():
    warning = assess(report(currency=None, budget_spent=95_000))
    assert flag(warning, FlagKind.COST_OVERRUN).reason == (
        "Cost overrun: 95% of the planned budget spent (95,000 of 100,000) for 75% progress. "
        "Currency not stated."
    )


def test_missing_budget_figures_are_noted():
    assert "Cost not assessed: planned budget not reported." in assess(report(budget_planned=None)).notes
    assert "Cost not assessed: amount spent not reported." in assess(report(budget_spent=None)).notes


def test_without_progress_only_overspending_the_whole_budget_is_flagged():
    assert "Cost not assessed against progress: % complete not reported." in assess(
        report(percent_complete=None, budget_spent=90_000)
    ).notes
    assert assess(report(percent_complete=None, budget_spent=130_000)).has(FlagKind.COST_OVERRUN)


def test_staffing_gap_counts_staff_in_place():
    warning = assess(report(personnel_actual=7))
    reason = flag(warning, FlagKind.STAFFING_GAP).reason
    assert reason == "Staffing gap: 7 of 10 planned staff in place (30% short)."
    assert flag(warning, FlagKind.STAFFING_GAP).severity is Severity.AMBER
    assert flag(assess(report(personnel_actual=4)), FlagKind.STAFFING_GAP).severity is Severity.RED
    assert not assess(report(personnel_actual=8)).has(FlagKind.STAFFING_GAP)


def test_staffing_is_not_assessed_without_a_plan():
    warning = assess(report(personnel_planned=None, personnel_actual=0))
    assert not warning.has(FlagKind.STAFFING_GAP)
    assert "Staffing not assessed: no planned personnel reported." in warning.notes


def test_low_quality_quotes_the_evidence():
    warning = assess(report(quality_rating=2, quality_evidence="Only one of five member states attended"))
    assert flag(warning, FlagKind.LOW_QUALITY).reason == (
        'Low output quality: rated 2, below the acceptable rating of 3. '
        'Evidence given: "Only one of five member states attended".'
    )
    assert flag(warning, FlagKind.LOW_QUALITY).severity is Severity.AMBER


def test_a_rating_at_the_acceptable_level_is_not_flagged():
    assert not assess(report(quality_rating=3)).has(FlagKind.LOW_QUALITY)


def test_very_low_quality_without_evidence_is_red_and_says_so():
    found = flag(assess(report(quality_rating=1, quality_evidence=" ")), FlagKind.LOW_QUALITY)
    assert found.severity is Severity.RED
    assert found.reason.endswith("No evidence was given for the rating.")


def test_a_missed_milestone_is_named():
    milestones = (
        Milestone("Regional workshop", date(2019, 6, 30)),
        Milestone("Study", date(2019, 3, 1), actual=date(2019, 3, 5)),
    )
    warning = assess(report(milestones=milestones))
    assert flag(warning, FlagKind.MILESTONE_MISSED).reason == (
        'Milestone missed: "Regional workshop" (planned 2019-06-30), '
        "not reported as reached as of 2020-01-01."
    )


def test_a_milestone_due_today_is_not_yet_missed():
    warning = assess(report(milestones=(Milestone("Regional workshop", AS_OF),)))
    assert not warning.has(FlagKind.MILESTONE_MISSED)


ROUND = ReportingRound("2020-H1", date(2020, 7, 31))


def test_a_report_not_filed_by_the_due_date_is_overdue():
    warning = assess(report(), as_of=date(2020, 8, 15), current_round=ROUND)
    overdue = flag(warning, FlagKind.REPORT_OVERDUE)
    assert overdue.reason == (
        "Report overdue: no report submitted for round 2020-H1, which was due on 2020-07-31 "
        "(15 days late as of 2020-08-15)."
    )
    assert overdue.severity is Severity.AMBER


def test_a_long_overdue_report_is_red_even_for_a_line_never_reported():
    warning = assess(as_of=date(2020, 10, 1), current_round=ROUND)
    assert flag(warning, FlagKind.REPORT_OVERDUE).severity is Severity.RED
    assert warning.rag is Rag.GREY


def test_a_report_is_not_overdue_on_its_due_date_or_once_submitted():
    assert not assess(report(), as_of=ROUND.due, current_round=ROUND).has(FlagKind.REPORT_OVERDUE)
    filed = report(round="2020-H1", reported_on=date(2020, 7, 20), workflow_status="submitted")
    assert not assess(filed, as_of=date(2020, 8, 15), current_round=ROUND).has(FlagKind.REPORT_OVERDUE)


def test_a_draft_for_the_round_does_not_stop_it_being_overdue():
    draft = report(round="2020-H1", reported_on=date(2020, 7, 20), workflow_status="draft")
    assert assess(report(), draft, as_of=date(2020, 8, 15), current_round=ROUND).has(FlagKind.REPORT_OVERDUE)


def test_completed_lines_owe_no_further_reports():
    done = report(status="completed")
    assert not assess(done, as_of=date(2020, 8, 15), current_round=ROUND).has(FlagKind.REPORT_OVERDUE)


def test_percent_complete_above_100_is_rejected():
    with pytest.raises(ValueError, match="% complete must be between 0 and 100; the report gives 120"):
        report(percent_complete=120)


def test_percent_complete_of_exactly_0_or_100_is_accepted_but_not_beyond():
    assert report(percent_complete=100).percent_complete == 100
    assert report(percent_complete=0).percent_complete == 0
    with pytest.raises(ValueError):
        report(percent_complete=100.5)
    with pytest.raises(ValueError):
        report(percent_complete=-0.5)


def test_negative_amounts_are_rejected():
    with pytest.raises(ValueError, match="budget spent cannot be negative"):
        report(budget_spent=-1)


def test_a_report_for_another_line_is_refused():
    with pytest.raises(ValueError, match="A report for B-2-1.3 was given with the reports of C-1-1.1"):
        LineInput("C-1-1.1", (report(),))


def line(code, predecessors=(), **changes):
    return LineInput(code, (report(code=code, **changes),), tuple(predecessors))


def test_a_predecessor_behind_schedule_flags_the_lines_waiting_for_it():
    lines = [line("A-1-1.1", percent_complete=20), line("B-2-1.3", ["A-1-1.1"])]
    by_code = {w.code: w for w in assess_all(lines, as_of=AS_OF)}
    assert flag(by_code["B-2-1.3"], FlagKind.PREDECESSOR_LATE).reason == (
        "Predecessor late: A-1-1.1, which this line waits for, is behind schedule."
    )
    assert by_code["B-2-1.3"].rag is Rag.AMBER


def test_a_predecessor_not_completed_by_this_lines_start_is_late():
    lines = [line("A-1-1.1", planned_end=date(2021, 12, 31)), line("B-2-1.3", ["A-1-1.1"])]
    by_code = {w.code: w for w in assess_all(lines, as_of=AS_OF)}
    assert flag(by_code["B-2-1.3"], FlagKind.PREDECESSOR_LATE).reason == (
        "Predecessor late: A-1-1.1 is not reported as completed, "
        "and this line was planned to start on 2017-01-01."
    )


def test_the_predecessor_check_starts_on_this_lines_planned_start_day():
    pred = line("A-1-1.1", planned_end=date(2021, 12, 31))
    waiting = line("B-2-1.3", ["A-1-1.1"], planned_start=AS_OF, percent_complete=0)
    by_code = {w.code: w for w in assess_all([pred, waiting], as_of=AS_OF)}
    assert by_code["B-2-1.3"].has(FlagKind.PREDECESSOR_LATE)


def test_completed_and_dropped_lines_are_not_flagged_for_late_predecessors():
    lines = [
        line("A-1-1.1", percent_complete=20),
        line("B-2-1.3", ["A-1-1.1"], status="completed"),
        line("B-2-1.4", ["A-1-1.1"], status="dropped"),
    ]
    by_code = {w.code: w for w in assess_all(lines, as_of=AS_OF)}
    assert by_code["B-2-1.3"].flags == () and by_code["B-2-1.4"].flags == ()


def test_a_completed_predecessor_raises_no_flag():
    lines = [line("A-1-1.1", status="completed"), line("B-2-1.3", ["A-1-1.1"])]
    assert all(not w.has(FlagKind.PREDECESSOR_LATE) for w in assess_all(lines, as_of=AS_OF))


def test_a_dropped_predecessor_is_flagged():
    lines = [line("A-1-1.1", status="dropped"), line("B-2-1.3", ["A-1-1.1"])]
    by_code = {w.code: w for w in assess_all(lines, as_of=AS_OF)}
    assert "Predecessor dropped: A-1-1.1" in flag(by_code["B-2-1.3"], FlagKind.PREDECESSOR_LATE).reason


def test_unknown_predecessors_and_self_references_are_left_to_the_sequencing_checks():
    lines = [line("B-2-1.3", ["B-2-1.3", "Z-9-9.9"])]
    assert assess_all(lines, as_of=AS_OF)[0].flags == ()


def test_lines_are_listed_worst_first():
    # Within a colour, more red flags come first, then more flags, then the lower code.
    lines = [
        line("A-1-1.1", status="completed"),
        LineInput("A-1-1.2"),
        line("A-1-1.3"),
        line("A-1-1.4", percent_complete=55),
        line("A-1-1.5", percent_complete=10, quality_rating=2),
        line("A-1-1.6", percent_complete=10, personnel_actual=2, budget_spent=0),
        line("A-1-1.7", status="dropped"),
    ]
    order = [(w.code, w.rag) for w in assess_all(lines, as_of=AS_OF)]
    assert order == [
        ("A-1-1.6", Rag.RED),
        ("A-1-1.5", Rag.RED),
        ("A-1-1.4", Rag.AMBER),
        ("A-1-1.2", Rag.GREY),
        ("A-1-1.3", Rag.GREEN),
        ("A-1-1.1", Rag.DONE),
        ("A-1-1.7", Rag.DROPPED),
    ]


def test_a_line_given_twice_is_refused():
    with pytest.raises(ValueError, match="repeated: A-1-1.1"):
        assess_all([LineInput("A-1-1.1"), LineInput("A-1-1.1")], as_of=AS_OF)


def test_red_flags_are_listed_before_amber_ones():
    warning = assess(report(percent_complete=30, quality_rating=2))
    assert [f.severity for f in warning.flags] == [Severity.RED, Severity.AMBER, Severity.AMBER]


@given(
    percent=st.floats(0, 100),
    spent=st.one_of(st.none(), st.integers(0, 300_000)),
    planned=st.one_of(st.none(), st.integers(0, 200_000)),
    staff=st.one_of(st.none(), st.integers(0, 20)),
    days=st.integers(-1400, 3000),
    status=st.sampled_from(["not_started", "on_track", "delayed", "completed", "dropped"]),
)
def test_status_always_agrees_with_the_flags(percent, spent, planned, staff, days, status):
    r = report(percent_complete=percent, budget_spent=spent, budget_planned=planned, personnel_actual=staff,
               status=status, reported_on=date(2016, 1, 1))
    warning = assess(r, as_of=AS_OF + timedelta(days=days))
    severities = {f.severity for f in warning.flags}
    expected = {"completed": Rag.DONE, "dropped": Rag.DROPPED}.get(status) or (
        Rag.RED if Severity.RED in severities else Rag.AMBER if severities else Rag.GREEN
    )
    assert warning.rag is expected
    assert all(f.reason.endswith(".") for f in warning.flags)
    if status == "dropped":
        assert warning.flags == ()
