"""The review's scope sentences and the end status of action lines, as pure rules."""

from datetime import date

import pytest

from sapsmed.core import implementation as impl
from sapsmed.core import review_scope as rs

ROUNDS = [rs.ScopeRound("2016-H2", date(2016, 7, 1)), rs.ScopeRound("2016-H1", date(2016, 1, 1)),
          rs.ScopeRound("2021-H1", date(2021, 1, 1)), rs.ScopeRound("2020-H2", date(2020, 7, 1))]


def scope(**changes):
    fields = {"kind_label": "Final review", "cut_off": date(2025, 12, 31), "plan_version": 2,
              "plan_version_label": "Mid-term", "kpi_years": (2016, 2025), "rounds": ("2016-H1", "2025-H2"),
              "version_in_force": 2, **changes}
    return rs.ReviewScope(**fields)


def test_rounds_are_taken_in_the_order_they_opened():
    assert rs.rounds_between(ROUNDS, "2016-H1", "2020-H2") == ("2016-H1", "2016-H2", "2020-H2")
    assert rs.rounds_between(ROUNDS, "2020-H2", "2016-H1") == ()
    assert rs.rounds_between(ROUNDS, "2016-H1", "1999-H1") == ()
    assert rs.rounds_between(ROUNDS, None, None) == ()


@pytest.mark.parametrize(("rounds", "phrase"), [((), "no reporting round"), (("2016-H1",), "the round 2016-H1"),
                                                (("2016-H1", "2016-H2", "2017-H1"), "the 3 rounds 2016-H1 to 2017-H1")])
def test_the_rounds_phrase(rounds, phrase):
    assert rs.rounds_phrase(rounds) == phrase


def test_the_sentences_follow_each_field():
    assert scope().progress_sentence() == "Reports accepted in the 2 rounds 2016-H1 to 2025-H2, as at 31 December 2025."
    assert scope(cut_off=date(2026, 1, 5)).progress_sentence().endswith("as at 5 January 2026.")
    assert scope().kpi_sentence() == "KPI values for the years 2016 to 2025, as stored at the report's generation."
    assert scope(kpi_years=(2020, 2020)).kpi_sentence().startswith("KPI values for the years 2020,")
    assert scope().version_sentence() == "Plan version 2 (Mid-term), the version in force on 31 December 2025."
    assert scope(plan_version=1, plan_version_label="Endorsed").version_sentence() == (
        "Plan version 1 (Endorsed); on 31 December 2025 version 2 was in force: this review reads the lines of "
        "version 1.")
    assert scope().header() == ("Cut-off 31 December 2025 · plan version 2 · KPI years 2016–2025 · "
                                "rounds 2016-H1 to 2025-H2 (2)")


def test_proposals_for_a_ten_year_plan():
    assert rs.proposed_years("mid_term", 2016, 2025) == (2016, 2020)
    assert rs.proposed_years("final", 2016, 2025) == (2016, 2025)
    assert rs.proposed_rounds(ROUNDS, (2016, 2020)) == ("2016-H1", "2020-H2")
    assert rs.proposed_rounds(ROUNDS, (2030, 2035)) is None


def test_the_version_in_force_on_a_day():
    versions = [rs.VersionDecision(1, None), rs.VersionDecision(2, date(2021, 3, 1)), rs.VersionDecision(3, None)]
    assert rs.version_in_force(versions[:2], date(2021, 2, 28)) == 1
    assert rs.version_in_force(versions[:2], date(2021, 3, 1)) == 2
    assert rs.version_in_force([], date(2021, 3, 1)) is None


@pytest.mark.parametrize(("status", "end"), [(None, impl.EndStatus.NO_REPORT), ("completed", impl.EndStatus.COMPLETED),
                                             ("dropped", impl.EndStatus.DROPPED), ("on_track", impl.EndStatus.ONGOING),
                                             ("delayed", impl.EndStatus.ONGOING),
                                             ("not_started", impl.EndStatus.NOT_STARTED)])
def test_the_end_status_of_a_stream(status, end):
    assert impl.end_status(status) is end
    assert impl.carries_over(end) is (end not in (impl.EndStatus.COMPLETED, impl.EndStatus.DROPPED))


def test_periods_counts_and_the_summary_sentence():
    periods = [impl.PeriodSpan("2016-2020", 2016, 2020), impl.PeriodSpan("2021-2025", 2021, 2025)]
    assert [impl.period_of(y, periods) for y in (2018, 2025, None, 2030)] == [
        "2016-2020", "2021-2025", "No target year", "Outside the periods"]
    c, o, n = impl.EndStatus.COMPLETED, impl.EndStatus.ONGOING, impl.EndStatus.NO_REPORT
    assert impl.tally([("B", c), ("A", o), ("B", n)], order=["B"]) == [["B", 1, 0, 0, 0, 1, 2], ["A", 0, 1, 0, 0, 0, 1]]
    assert impl.summary_sentence([c, o, n], 2) == (
        "Of the 3 action-line × lead-state streams of plan version 2: 1 completed, 1 ongoing, 0 not started, "
        "0 dropped, and 1 had no accepted report; 2 carry over to the next plan.")
    assert impl.summary_sentence([], 1) == ("Plan version 1 has no action line with a lead state: nothing was "
                                            "reported on.")
