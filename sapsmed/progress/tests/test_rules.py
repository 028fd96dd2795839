"""The pure rules of reporting: submission checks, on-time, completeness and timeliness."""

from datetime import date
from decimal import Decimal

from sapsmed.progress import rules


def test_a_dropped_or_not_started_line_needs_no_percent_complete():
    for status in ("dropped", "not_started"):
        assert rules.submission_problems({"status": status, "narrative": "Why"}) == []


def test_a_quality_rating_needs_its_evidence():
    problems = rules.submission_problems({"status": "on_track", "percent_complete": 10, "narrative": "x",
                                          "quality_rating": 2})
    assert problems == [("quality_evidence", "Say what evidence the output quality rating rests on.")]


def test_an_end_before_its_start_is_named():
    problems = rules.date_order_problems({"planned_start": date(2020, 1, 1), "planned_end": date(2019, 1, 1)})
    assert problems == [("planned_end", "The planned end (2019-01-01) is before the planned start (2020-01-01).")]


def test_on_time_means_first_submitted_by_the_due_date():
    assert rules.on_time(date(2024, 7, 15), date(2024, 7, 15))
    assert not rules.on_time(date(2024, 7, 16), date(2024, 7, 15))
    assert not rules.on_time(None, date(2024, 7, 15))


def test_completeness_is_accepted_reports_and_timeliness_accepted_on_time_of_those_expected():
    whole = rules.Tally("All", expected=5, accepted=2, on_time=1, in_review=1, not_reported=2)
    assert whole.completeness == Decimal("40.0") and whole.timeliness == Decimal("20.0")


def test_nothing_expected_shows_no_percentage_rather_than_zero():
    assert rules.share(0, 0) is None
    assert rules.Tally("x").completeness is None
