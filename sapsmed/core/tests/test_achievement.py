"""KPI achievement rules: status and reason against the baseline and an optional target."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sapsmed.core.achievement import (
    CHANGE_STATUSES,
    TARGET_STATUSES,
    Direction,
    Observation,
    Status,
    Target,
    Thresholds,
    assess,
    change_series,
)

UP, DOWN = Direction.UP, Direction.DOWN


def series(*pairs: tuple[int, float]) -> list[Observation]:
    return [Observation(year, value) for year, value in pairs]


# Without a target


def test_days_to_start_a_business_falling_is_an_improvement():
    result = assess(series((2016, 23.5), (2019, 17.5)), direction=DOWN, unit="days")
    assert result.status is Status.IMPROVED
    assert result.reason == "Improved: 23.5 → 17.5 days from 2016 to 2019 (−25.5%); lower is better."
    assert result.in_good_direction is True
    assert result.absolute_change == pytest.approx(-6.0)
    assert result.relative_change == pytest.approx(-6.0 / 23.5)


def test_days_to_start_a_business_rising_is_a_worsening():
    result = assess(series((2016, 20), (2019, 25)), direction=DOWN, unit="days")
    assert result.status is Status.WORSENED
    assert result.reason == "Worsened: 20 → 25 days from 2016 to 2019 (+25.0%); lower is better."
    assert result.in_good_direction is False


def test_labour_productivity_rising_is_an_improvement_and_falling_a_worsening():
    assert assess(series((2016, 100), (2020, 110)), direction=UP).status is Status.IMPROVED
    assert assess(series((2016, 100), (2020, 90)), direction=UP).status is Status.WORSENED


def test_a_move_within_one_percent_of_the_baseline_is_no_clear_change():
    result = assess(series((2016, 100), (2019, 100.5)), direction=UP)
    assert result.status is Status.NO_CLEAR_CHANGE
    assert result.reason == (
        "No clear change: 100.0 → 100.5 from 2016 to 2019 (+0.5%), within the ±1% tolerance."
    )


def test_a_move_of_exactly_one_percent_is_still_no_clear_change_in_any_unit():
    assert assess(series((2016, 100), (2019, 101)), direction=UP).status is Status.NO_CLEAR_CHANGE
    assert assess(series((2016, 1.0), (2019, 1.01)), direction=UP).status is Status.NO_CLEAR_CHANGE


def test_a_move_beyond_the_tolerance_counts_as_a_change():
    assert assess(series((2016, 100), (2019, 101.5)), direction=UP).status is Status.IMPROVED
    assert assess(series((2016, 100), (2019, 101.5)), direction=DOWN).status is Status.WORSENED


def test_a_wider_tolerance_can_be_set():
    loose = Thresholds(no_change_relative_tolerance=0.05)
    assert assess(series((2016, 100), (2019, 104)), direction=UP, thresholds=loose).status is (
        Status.NO_CLEAR_CHANGE
    )


def test_a_confidence_interval_covering_the_baseline_means_no_clear_change():
    observations = [Observation(2016, 42.5), Observation(2019, 43.6, 41.2, 44.0)]
    result = assess(observations, direction=UP)
    assert result.status is Status.NO_CLEAR_CHANGE
    assert result.reason == (
        "No clear change: the 2019 estimate's 95% CI (41.2 to 44.0) covers the 2016 baseline of 42.5."
    )


def test_a_confidence_interval_clear_of_the_baseline_lets_the_change_count():
    above = [Observation(2016, 42.5), Observation(2019, 46.0, 45.0, 47.0)]
    assert assess(above, direction=UP).status is Status.IMPROVED
    assert assess(above, direction=DOWN).status is Status.WORSENED
    below = [Observation(2016, 42.5), Observation(2019, 39.0, 38.0, 40.0)]
    assert assess(below, direction=UP).status is Status.WORSENED
    assert assess(below, direction=DOWN).status is Status.IMPROVED


def test_a_confidence_interval_with_missing_ends_is_ignored():
    observations = [Observation(2016, 42.5), Observation(2019, 46.0, math.nan, math.nan)]
    assert assess(observations, direction=UP).status is Status.IMPROVED


def test_a_confidence_interval_must_have_both_ends_and_contain_the_value():
    with pytest.raises(ValueError, match="both a lower and an upper end"):
        Observation(2019, 46.0, 45.0)
    with pytest.raises(ValueError, match="does not contain the value"):
        Observation(2019, 46.0, 47.0, 48.0)


def test_a_zero_baseline_has_no_relative_change_but_a_move_still_counts():
    moved = assess(series((2016, 0), (2019, 1.5)), direction=UP)
    assert moved.relative_change is None
    assert moved.status is Status.IMPROVED
    assert moved.reason == "Improved: 0.0 → 1.5 from 2016 to 2019; higher is better."
    assert assess(series((2016, 0), (2019, 0)), direction=UP).status is Status.NO_CLEAR_CHANGE


# With a target


def test_reaching_the_target_is_achieved():
    result = assess(series((2016, 23.5), (2020, 17.0)), direction=DOWN, target=Target(18, 2025), unit="days")
    assert result.status is Status.ACHIEVED
    assert result.reason == (
        "Achieved: the 2020 value of 17.0 days reaches the 2025 target of 18.0 days, "
        "from the 2016 baseline of 23.5 days."
    )


def test_progress_close_to_the_time_elapsed_is_on_track():
    # 6 of 9 years elapsed (67%); 60% of the way is at least 0.9 x 67%.
    result = assess(series((2016, 10), (2022, 16)), direction=UP, target=Target(20, 2025))
    assert result.status is Status.ON_TRACK
    assert result.progress == pytest.approx(0.6)
    assert result.expected_progress == pytest.approx(6 / 9)


def test_progress_well_behind_the_time_elapsed_is_at_risk():
    result = assess(series((2016, 10), (2022, 14)), direction=UP, target=Target(20, 2025))
    assert result.status is Status.AT_RISK
    assert result.reason == (
        "At risk: 40% of the way from the 2016 baseline to the 2025 target, with 67% of the time elapsed."
    )


def test_progress_under_half_the_time_elapsed_is_off_track():
    result = assess(series((2016, 10), (2022, 13)), direction=UP, target=Target(20, 2025))
    assert result.status is Status.OFF_TRACK


def test_moving_away_from_the_target_is_off_track_and_says_so():
    result = assess(series((2016, 30), (2022, 33)), direction=DOWN, target=Target(15, 2025))
    assert result.status is Status.OFF_TRACK
    assert result.reason == (
        "Off track: moved away from the 2025 target (−20% of the way from the 2016 baseline), "
        "with 67% of the time elapsed."
    )


def test_falling_start_up_cost_towards_a_lower_target_is_on_track():
    result = assess(series((2016, 20), (2019, 16)), direction=DOWN, target=Target(10, 2025))
    assert result.status is Status.ON_TRACK
    assert result.progress == pytest.approx(0.4)


def test_time_elapsed_stops_at_the_target_year():
    result = assess(series((2016, 10), (2027, 19)), direction=UP, target=Target(20, 2025))
    assert result.expected_progress == 1.0
    assert result.status is Status.ON_TRACK


def test_a_target_on_the_wrong_side_of_the_baseline_is_rejected():
    with pytest.raises(ValueError, match="not above the 2016 baseline"):
        assess(series((2016, 10), (2019, 12)), direction=UP, target=Target(8, 2025))
    with pytest.raises(ValueError, match="lower is better"):
        assess(series((2016, 23.5), (2019, 20)), direction=DOWN, target=Target(30, 2025))


def test_a_target_equal_to_the_baseline_is_rejected():
    with pytest.raises(ValueError, match="not above"):
        assess(series((2016, 10), (2019, 12)), direction=UP, target=Target(10, 2025))


def test_a_target_year_not_after_the_baseline_year_is_rejected():
    with pytest.raises(ValueError, match="must come after the 2016 baseline year"):
        assess(series((2016, 10), (2019, 12)), direction=UP, target=Target(20, 2016))


# Choosing the baseline and the latest value


def test_the_nearest_year_stands_in_for_a_missing_baseline_year_and_says_so():
    result = assess(series((2015, 23.5), (2019, 17.5)), direction=DOWN, unit="days")
    assert result.baseline is not None
    assert (result.baseline.year, result.baseline.is_nearest) == (2015, True)
    assert result.baseline.note == "2016 not available; 2015 used"
    assert result.reason.endswith("lower is better (2016 not available; 2015 used).")


def test_the_preferred_baseline_year_is_not_flagged_as_a_stand_in():
    result = assess(series((2016, 5), (2019, 6)), direction=UP)
    assert result.baseline is not None
    assert result.baseline.is_nearest is False
    assert result.baseline.note is None


def test_when_two_years_are_equally_near_the_earlier_is_the_baseline():
    result = assess(series((2017, 11), (2015, 9), (2020, 12)), direction=UP)
    assert result.baseline is not None
    assert (result.baseline.year, result.baseline.value) == (2015, 9)


def test_a_closer_later_year_beats_a_farther_earlier_year():
    result = assess(series((2013, 9), (2017, 11), (2020, 12)), direction=UP)
    assert result.baseline is not None
    assert result.baseline.year == 2017


def test_no_value_within_three_years_of_the_baseline_year_is_no_data():
    result = assess(series((2012, 9), (2020, 12)), direction=UP)
    assert result.status is Status.NO_DATA
    assert result.reason == "No data: no value within 3 years of 2016 to serve as baseline."


def test_a_wider_baseline_window_can_be_set():
    wider = Thresholds(baseline_window_years=4)
    result = assess(series((2012, 9), (2020, 12)), direction=UP, thresholds=wider)
    assert result.status is Status.IMPROVED


def test_another_baseline_year_can_be_chosen():
    result = assess(series((2016, 9), (2018, 10), (2021, 12)), direction=UP, baseline_year=2018)
    assert result.baseline is not None
    assert (result.baseline.year, result.latest and result.latest.year) == (2018, 2021)


def test_values_after_the_as_of_year_are_ignored():
    observations = series((2016, 10), (2019, 12), (2022, 8))
    assert assess(observations, direction=UP).status is Status.WORSENED
    cut = assess(observations, direction=UP, as_of_year=2019)
    assert cut.latest is not None and cut.latest.year == 2019
    assert cut.status is Status.IMPROVED


def test_no_value_after_the_baseline_is_no_data():
    result = assess(series((2016, 10), (2019, 12)), direction=UP, as_of_year=2018)
    assert result.status is Status.NO_DATA
    assert result.reason == "No data: no value after the 2016 baseline up to 2018."


def test_unsorted_observations_give_the_same_result():
    ordered = assess(series((2016, 10), (2018, 11), (2020, 13)), direction=UP)
    shuffled = assess(series((2020, 13), (2016, 10), (2018, 11)), direction=UP)
    assert shuffled == ordered
    assert shuffled.latest is not None and shuffled.latest.value == 13


def test_two_values_for_the_same_year_are_rejected_naming_the_year():
    with pytest.raises(ValueError, match="Two values for 2018"):
        assess(series((2016, 10), (2018, 11), (2018, 12)), direction=UP)


def test_a_value_that_is_not_a_number_counts_as_missing():
    result = assess(series((2015, 9), (2016, math.nan), (2019, 12), (2020, math.nan)), direction=UP)
    assert result.baseline is not None and result.baseline.year == 2015
    assert result.latest is not None and result.latest.year == 2019


def test_missing_data_with_a_target_is_no_data_not_off_track():
    result = assess(series((2016, 10)), direction=UP, target=Target(20, 2025))
    assert result.status is Status.NO_DATA
    assert result.progress is None


# Labels, ranks, thresholds, chart helper


def test_statuses_have_plain_labels_and_rank_best_first():
    assert Status.ON_TRACK.label == "On track"
    assert Status.NO_CLEAR_CHANGE.label == "No clear change"
    assert [s.rank for s in TARGET_STATUSES] == [0, 1, 2, 3]
    assert [s.rank for s in CHANGE_STATUSES] == [0, 1, 2]
    assert Status.NO_DATA.rank > Status.OFF_TRACK.rank


def test_inconsistent_thresholds_are_rejected():
    with pytest.raises(ValueError, match="at-risk ratio"):
        Thresholds(on_track_ratio=0.4, at_risk_ratio=0.5)
    with pytest.raises(ValueError, match="window"):
        Thresholds(baseline_window_years=-1)


def test_change_series_gives_each_year_as_a_share_of_the_baseline():
    observations = series((2016, 20), (2017, 22), (2018, math.nan), (2019, 15))
    baseline = assess(observations, direction=DOWN).baseline
    assert baseline is not None
    assert change_series(observations, baseline) == ((2016, 0.0), (2017, 0.1), (2019, -0.25))


# Properties

values = st.integers(min_value=-1_000_000, max_value=1_000_000)
# The size of moves: small ones probe the thresholds, large ones the whole range.
scales = st.integers(min_value=1, max_value=3_000) | st.integers(min_value=1, max_value=1_000_000)
half_widths = st.integers(min_value=0, max_value=3_000)
later_years = st.integers(min_value=2017, max_value=2030)
target_years = st.integers(min_value=2017, max_value=2030)
directions = st.sampled_from([UP, DOWN])
factors = st.sampled_from([10, 1000, 0.01, 0.1, 0.001, 0.5, 2.5, 3, 100_000])


def _toward(direction: Direction, amount: int) -> int:
    return amount if direction is UP else -amount


@st.composite
def cases(draw: st.DrawFn) -> dict:
    """A baseline, a later value with an optional confidence interval, an optional valid target, a step."""
    direction = draw(directions)
    baseline = draw(values)
    scale = draw(scales)
    latest = baseline + _toward(direction, draw(st.integers(min_value=-2 * scale, max_value=2 * scale)))
    ci = draw(st.none() | st.tuples(half_widths, half_widths))
    target = (baseline + _toward(direction, scale), draw(target_years)) if draw(st.booleans()) else None
    step = draw(st.integers(min_value=0, max_value=2 * scale))
    return dict(
        direction=direction, baseline=baseline, latest=latest, year=draw(later_years), ci=ci, target=target,
        step=step,
    )


def _assess(case: dict, k: float = 1, shift: int = 0):
    latest = case["latest"] + shift
    ci_low = ci_high = None
    if case["ci"] is not None:
        ci_low, ci_high = (latest - case["ci"][0]) * k, (latest + case["ci"][1]) * k
    observations = [
        Observation(2016, case["baseline"] * k),
        Observation(case["year"], latest * k, ci_low, ci_high),
    ]
    target = Target(case["target"][0] * k, case["target"][1]) if case["target"] else None
    return assess(observations, direction=case["direction"], target=target)


@given(cases())
def test_a_better_latest_value_never_lowers_the_status(case: dict):
    before = _assess(case)
    after = _assess(case, shift=_toward(case["direction"], case["step"]))
    family = TARGET_STATUSES if case["target"] else CHANGE_STATUSES
    assert before.status in family and after.status in family
    assert after.status.rank <= before.status.rank


@given(cases(), factors)
def test_the_status_does_not_depend_on_the_unit(case: dict, k: float):
    assert _assess(case, k=k).status is _assess(case).status


@st.composite
def gappy_series(draw: st.DrawFn) -> tuple[list[Observation], int | None]:
    """Observations lacking either any baseline in the window or any later value, sometimes via NaN."""
    years = draw(st.lists(st.integers(min_value=2000, max_value=2035), unique=True, max_size=12))
    lacking_baseline = draw(st.booleans())
    as_of_year = None
    if not lacking_baseline and draw(st.booleans()):
        as_of_year = 2016  # nothing after the baseline is known yet
    observations = []
    for year in years:
        in_window = abs(year - 2016) <= 3
        missing = in_window if lacking_baseline else (year > 2016 and as_of_year is None)
        if missing and draw(st.booleans()):
            continue
        value = math.nan if missing else float(draw(values))
        observations.append(Observation(year, value))
    return observations, as_of_year


@given(gappy_series(), directions, st.booleans())
def test_missing_data_only_ever_gives_no_data(gappy: tuple, direction: Direction, targeted: bool):
    observations, as_of_year = gappy
    target = Target(_toward(direction, 10_000_000), 2025) if targeted else None
    result = assess(observations, direction=direction, target=target, as_of_year=as_of_year)
    assert result.status is Status.NO_DATA
