"""Regional figures: computed only over comparable states with values, every exclusion explained."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sapsmed.core.regional import Exclusion, Method, regional_figure

COMPARABLE = (True, "")
ALL_COMPARABLE = {state: COMPARABLE for state in ("BN", "KH", "ID", "LA")}


def test_the_regional_mean_is_the_plain_average_of_qualifying_states():
    figure = regional_figure({"BN": 10.0, "KH": 20.0, "ID": 60.0, "LA": 30.0}, ALL_COMPARABLE)
    assert figure.value == pytest.approx(30.0)
    assert figure.method is Method.MEAN
    assert figure.included == ("BN", "ID", "KH", "LA")
    assert figure.excluded == ()


def test_the_regional_median_resists_one_extreme_state():
    figure = regional_figure({"BN": 10.0, "KH": 20.0, "ID": 600.0}, ALL_COMPARABLE, method="median")
    assert figure.value == 20.0


def test_the_weighted_mean_gives_larger_economies_more_say():
    values = {"BN": 10.0, "ID": 40.0}
    weights = {"BN": 1.0, "ID": 3.0}
    figure = regional_figure(values, ALL_COMPARABLE, method=Method.WEIGHTED, weights=weights)
    assert figure.value == pytest.approx(32.5)


def test_a_state_with_a_different_national_definition_is_left_out_with_the_reason():
    comparability = dict(ALL_COMPARABLE, LA=(False, "national definition differs (5+ employees)"))
    figure = regional_figure({"BN": 10.0, "KH": 20.0, "LA": 900.0}, comparability)
    assert figure.value == pytest.approx(15.0)
    assert Exclusion("LA", "not comparable: national definition differs (5+ employees)") in figure.excluded


def test_a_state_without_a_value_is_left_out_naming_the_year():
    figure = regional_figure({"BN": 10.0, "KH": None, "ID": math.nan}, ALL_COMPARABLE, year=2019)
    assert figure.included == ("BN",)
    assert figure.excluded == (
        Exclusion("ID", "no value for 2019"),
        Exclusion("KH", "no value for 2019"),
        Exclusion("LA", "no value for 2019"),
    )


def test_a_state_whose_comparability_is_not_recorded_is_left_out():
    figure = regional_figure({"BN": 10.0, "MM": 50.0}, {"BN": COMPARABLE})
    assert figure.value == 10.0
    assert figure.excluded == (Exclusion("MM", "not comparable: comparability not recorded"),)


def test_a_state_without_a_weight_is_left_out_of_the_weighted_mean():
    values = {"BN": 10.0, "KH": 20.0, "ID": 40.0}
    weights = {"BN": 1.0, "KH": 0.0}
    figure = regional_figure(values, ALL_COMPARABLE, method="weighted", weights=weights, year=2019)
    assert figure.value == 10.0
    assert Exclusion("ID", "no weight") in figure.excluded
    assert Exclusion("KH", "zero weight") in figure.excluded


def test_a_negative_weight_is_rejected():
    with pytest.raises(ValueError, match="weight for BN is negative"):
        regional_figure({"BN": 10.0}, ALL_COMPARABLE, method="weighted", weights={"BN": -1.0})


def test_weights_must_come_with_the_weighted_method_and_only_with_it():
    with pytest.raises(ValueError, match="needs weights"):
        regional_figure({"BN": 10.0}, ALL_COMPARABLE, method="weighted")
    with pytest.raises(ValueError, match="only used with the weighted method"):
        regional_figure({"BN": 10.0}, ALL_COMPARABLE, weights={"BN": 1.0})


def test_with_no_qualifying_state_there_is_no_regional_figure():
    figure = regional_figure({"BN": None}, {"BN": COMPARABLE, "KH": (False, "survey not representative")})
    assert figure.value is None
    assert figure.included == ()
    assert figure.summary == (
        "No regional figure: none of the 2 member states qualifies; "
        "left out: BN (no value); KH (not comparable: survey not representative)."
    )
    assert regional_figure({}, {}).value is None


def test_the_summary_says_how_many_states_the_figure_covers():
    figure = regional_figure({"BN": 10.0, "KH": 20.0}, ALL_COMPARABLE, method="median", year=2020)
    assert figure.summary == (
        "Median of 2 of 4 member states; left out: ID (no value for 2020); LA (no value for 2020)."
    )


def test_an_unknown_method_is_rejected():
    with pytest.raises(ValueError, match="mode"):
        regional_figure({"BN": 10.0}, ALL_COMPARABLE, method="mode")


@given(
    st.dictionaries(
        st.sampled_from(["BN", "KH", "ID", "LA", "MM", "MY", "PH", "SG", "TH", "VN"]),
        st.tuples(st.none() | st.floats(-1e6, 1e6), st.booleans()),
    ),
    st.sampled_from(list(Method)),
)
def test_every_state_is_either_included_or_explained_and_the_figure_stays_in_range(states, method):
    values = {state: value for state, (value, _) in states.items()}
    comparability = {state: (comparable, "differs") for state, (_, comparable) in states.items()}
    weights = {state: 2.0 for state in states} if method is Method.WEIGHTED else None
    figure = regional_figure(values, comparability, method=method, weights=weights)
    explained = {e.state for e in figure.excluded}
    assert set(figure.included) | explained == set(states)
    assert not set(figure.included) & explained
    qualifying = [values[s] for s in figure.included]
    if qualifying:
        assert figure.value is not None
        assert min(qualifying) - 1e-6 <= figure.value <= max(qualifying) + 1e-6
    else:
        assert figure.value is None
