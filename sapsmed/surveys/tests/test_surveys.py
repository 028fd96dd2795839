"""Defining a survey and its design: who may, what is checked; the survey pages; the demo survey."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sapsmed.plan.models import MemberState
from sapsmed.surveys.models import EstimateRun, RunStatus, Survey

from .conftest import make_survey

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Malaysia SME census 2016", "reference_year": 2016, "weight_column": "w", "strata_column": "h",
    "psu_column": "", "fpc_column": "", "lonely_psu": "certainty", "state_column": "", "sector_column": "sector",
    "owner_sex_column": "", "employees_column": "employees", "revenue_column": "turnover",
    "assets_column": "", "capital_column": "", "money_currency": "myr", "money_unit": 1,
    "sector_lines": "trade = retail\nfarming = agriculture",
}


def form_for(*codes) -> dict:
    return FORM | {"states": [MemberState.objects.get(iso3=c).pk for c in codes]}


def test_a_focal_point_defines_a_survey_of_its_own_state(client_for, definitions):
    response = client_for("focal_mys").post("/evidence/surveys/new/", form_for("MYS"))
    survey = Survey.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/evidence/surveys/{survey.pk}/"
    assert survey.money_currency == "MYR" and survey.sector_map == {"trade": "retail", "farming": "agriculture"}
    assert [s.iso3 for s in survey.states.all()] == ["MYS"]
    assert survey.history.first().history_change_reason == "Survey defined"
    html = client_for("anonymous").get(f"/evidence/surveys/{survey.pk}/").content.decode()
    assert "Certainty: such a stratum adds no variance" in html and "trade → retail" in html
    assert "size_class_national, size_band_harmonised" in html  # one state and a headcount: both size domains


def test_a_focal_point_cannot_define_a_survey_of_another_state(client_for, definitions):
    response = client_for("focal_mys").post("/evidence/surveys/new/", form_for("THA"))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Survey.objects.exists()


def test_the_design_form_names_what_is_wrong(client_for, definitions):
    data = form_for("MYS") | {"money_currency": "", "weight_column": "", "sector_lines": "trade"}
    html = client_for("secretariat").post("/evidence/surveys/new/", data).content.decode()
    assert "The money columns need their currency." in html
    assert "This field is required." in html
    assert "Line 1: write &#x27;survey value = sector&#x27;" in html
    assert not Survey.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [
    ("secretariat", 200), ("focal_mys", 200), ("champion_b", 403), ("proponent_mys", 403), ("viewer", 403),
    ("outsider", 403), ("anonymous", 302),
])
def test_who_may_define_a_survey(client_for, definitions, persona, status):
    assert client_for(persona).get("/evidence/surveys/new/").status_code == status


def test_the_survey_pages_are_public_and_show_the_design(client_for, survey):
    html = client_for("anonymous").get("/evidence/surveys/").content.decode()
    assert "Enterprise survey 2016" in html and "Define a survey" not in html
    html = client_for("anonymous").get(f"/evidence/surveys/{survey.pk}/").content.decode()
    assert "<code>stratum</code>" in html and "Upload microdata" not in html
    assert "Upload microdata" in client_for("secretariat").get(f"/evidence/surveys/{survey.pk}/").content.decode()


def test_the_demo_survey_is_synthetic_labelled_and_loaded_once(definitions):
    out = StringIO()
    call_command("load_demo_survey", "--rows", "600", stdout=out)
    survey = Survey.objects.get()
    assert survey.name.startswith("SYNTHETIC") and survey.datasets.get().is_synthetic
    assert EstimateRun.objects.filter(status=RunStatus.DONE).count() == 3
    assert "600 SYNTHETIC rows" in out.getvalue()
    again = StringIO()
    call_command("load_demo_survey", "--rows", "600", stdout=again)
    assert "nothing changed" in again.getvalue() and EstimateRun.objects.count() == 3


def test_the_demo_survey_needs_the_definitions(db):
    with pytest.raises(CommandError, match="load_msme_definitions"):
        call_command("load_demo_survey", "--rows", "600")


def test_the_demo_survey_is_refused_with_production_settings(definitions, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="local demonstration only"):
        call_command("load_demo_survey", "--rows", "600")


def test_a_single_state_survey_without_a_state_column_still_offers_national_size_classes(client_for, definitions):
    survey = make_survey(states=["THA"], name="Thai survey", state_column="")
    html = client_for("anonymous").get(f"/evidence/surveys/{survey.pk}/").content.decode()
    assert "size_class_national" in html
