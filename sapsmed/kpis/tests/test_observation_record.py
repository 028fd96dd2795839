"""Recording a KPI value: created once, corrected with a reason kept in the history, never without a source."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sapsmed.kpis.models import Observation, ObservationImport, Target
from sapsmed.kpis.services import observation_record, observation_validate, target_set

pytestmark = pytest.mark.django_db


def record(kpi_of, state_of, user=None, **overrides):
    args = {"kpi": kpi_of("KPI-E2"), "state": state_of("MYS"), "year": 2019, "value": Decimal("51.8"),
            "source": "DOSM Labour Force Survey 2019, table 1", "user": user, "reason": "Entered"}
    args.update(overrides)
    return observation_record(**args)


def test_a_new_value_is_created_with_its_source_and_who_entered_it(kpi, state, personas):
    obs = record(kpi, state, user=personas["focal_mys"])
    assert obs.outcome == "created"
    assert obs.value == Decimal("51.8") and obs.status == "provisional"
    assert obs.source == "DOSM Labour Force Survey 2019, table 1"
    assert obs.created_by == personas["focal_mys"]
    assert obs.history.count() == 1


def test_a_correction_keeps_the_old_value_in_the_history_with_the_reason(kpi, state, personas):
    record(kpi, state, user=personas["focal_mys"])
    obs = record(kpi, state, user=personas["focal_mys"], value=Decimal("52.1"), reason="LFS revised in 2021")
    assert obs.outcome == "corrected"
    versions = list(obs.history.order_by("history_date"))
    assert [v.value for v in versions] == [Decimal("51.8"), Decimal("52.1")]
    assert versions[-1].history_change_reason == "LFS revised in 2021"
    assert versions[-1].history_user == personas["focal_mys"]


def test_recording_the_same_facts_again_changes_nothing(kpi, state):
    record(kpi, state)
    obs = record(kpi, state, value=Decimal("51.800"), reason="")
    assert obs.outcome == "unchanged"
    assert obs.history.count() == 1


def test_a_correction_without_a_reason_is_refused(kpi, state):
    record(kpi, state)
    with pytest.raises(ValidationError, match="needs a reason"):
        record(kpi, state, value=Decimal("50"), reason=" ")
    assert Observation.objects.get().value == Decimal("51.8")


@pytest.mark.parametrize(("overrides", "problem"), [
    ({"source": "  "}, "a source is required"),
    ({"value": Decimal("100.5")}, "more than 100"),
    ({"value": Decimal("-1")}, "cannot be negative"),
    ({"year": 1999}, "outside the years accepted"),
    ({"ci_low": Decimal("50")}, "needs both a lower and an upper end"),
    ({"ci_low": Decimal("52"), "ci_high": Decimal("53")}, "does not contain the value"),
    ({"se": Decimal("-0.1")}, "standard error"),
])
def test_an_impossible_value_is_refused_with_the_reason(kpi, state, overrides, problem):
    with pytest.raises(ValidationError) as refused:
        record(kpi, state, **overrides)
    assert any(problem in message for message in refused.value.messages)
    assert not Observation.objects.exists()


def test_the_cost_of_starting_a_business_may_exceed_100_percent_of_income(kpi, state, kpi_data):
    obs = record(kpi, state, kpi=kpi("KPI-D2"), year=2020, value=Decimal("138.4"), source="national registry fees")
    assert obs.value == Decimal("138.4")


def test_the_focal_point_of_malaysia_cannot_record_a_value_for_thailand(kpi, state, personas):
    with pytest.raises(PermissionDenied):
        record(kpi, state, user=personas["focal_mys"], state=state("THA"))
    assert not Observation.objects.exists()


def test_the_secretariat_records_a_value_for_any_state(kpi, state, personas):
    assert record(kpi, state, user=personas["secretariat"], state=state("THA")).state.iso3 == "THA"


def test_a_survey_estimate_keeps_its_standard_error_interval_and_reference(kpi, state, personas):
    obs = record(kpi, state, kpi=kpi("KPI-C2"), year=2020, value=Decimal("4.2"), se=Decimal("0.6"),
                 ci_low=Decimal("3.0"), ci_high=Decimal("5.4"), source="MSME survey 2020",
                 provenance={"estimate": "survey 7 / estimate 12", "file": "msme2020.parquet", "wave": 1})
    assert (obs.se, obs.ci_low, obs.ci_high) == (Decimal("0.6"), Decimal("3.0"), Decimal("5.4"))
    assert obs.estimate_ref == "survey 7 / estimate 12" and obs.source_file == "msme2020.parquet"
    assert obs.provenance == {"wave": 1}


def test_an_import_given_as_provenance_is_linked(kpi, state, personas):
    batch = ObservationImport.objects.create(kind="long", file_name="mys.xlsx", content=b"x", reason="test")
    obs = record(kpi, state, provenance={"import": batch, "row": 7})
    assert obs.import_batch == batch and obs.source_row == 7


def test_validating_a_value_needs_the_right_to_edit_its_state(kpi, state, personas):
    obs = record(kpi, state, state=state("THA"))
    with pytest.raises(PermissionDenied):
        observation_validate(observation=obs, user=personas["focal_mys"])
    assert observation_validate(observation=obs, user=personas["secretariat"]).status == "validated"


def test_a_target_says_who_set_it_and_when_and_a_focal_point_sets_only_its_own(kpi, state, personas):
    target = target_set(kpi=kpi("KPI-E2"), state=state("MYS"), value=Decimal("55"), year=2025,
                        set_by="SME Corp. Malaysia", decided="SME Masterplan review, 2021", source="minutes",
                        user=personas["focal_mys"], reason="national target")
    assert (target.set_by, target.decided, target.recorded_by) == (
        "SME Corp. Malaysia", "SME Masterplan review, 2021", personas["focal_mys"])
    with pytest.raises(PermissionDenied):
        target_set(kpi=kpi("KPI-E2"), state=None, value=Decimal("55"), year=2025, set_by="x", decided="y",
                   source="z", user=personas["focal_mys"], reason="regional")
    with pytest.raises(ValidationError, match="who set it"):
        target_set(kpi=kpi("KPI-E2"), state=state("MYS"), value=Decimal("55"), year=2025, set_by="", decided="y",
                   source="z", user=personas["focal_mys"], reason="")
    assert Target.objects.count() == 1
