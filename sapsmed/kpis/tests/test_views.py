"""Who sees and does what on the KPI pages: the public reads, a focal point edits its own state, the Secretariat all."""

from decimal import Decimal

import pytest

from sapsmed.kpis.models import Observation, ObservationImport, Target
from sapsmed.kpis.tests.test_import import GOOD, long_csv

pytestmark = pytest.mark.django_db

EVERYONE = ["anonymous", "outsider", "viewer", "champion_b", "proponent_mys", "focal_mys", "secretariat"]
NOT_EDITORS = ["outsider", "viewer", "champion_b", "champion_a", "proponent_mys"]


@pytest.mark.parametrize("persona", EVERYONE)
@pytest.mark.parametrize("url", ["/kpis/", "/kpis/KPI-E2/", "/kpis/kpi-e2/", "/kpis/states/MYS/", "/kpis/regional/",
                                 "/kpis/regional/?method=median", "/kpis/KPI-E2/chart.json", "/kpis/export.csv"])
def test_kpi_pages_are_public(client_for, persona, url, kpi_data):
    assert client_for(persona).get(url).status_code == 200


@pytest.mark.parametrize("url", ["/kpis/KPI-Z9/", "/kpis/states/XYZ/", "/kpis/KPI-Z9/chart.json",
                                 "/kpis/observations/999999/", "/kpis/KPI-Z9/MYS/enter/", "/kpis/KPI-E2/XYZ/enter/",
                                 "/kpis/import/999999/"])
def test_unknown_kpis_states_values_and_imports_are_not_found(client_for, url):
    assert client_for("secretariat").get(url).status_code == 404


def test_the_scorecard_shows_baseline_latest_change_status_and_coverage(client, kpi_data):
    page = client.get("/kpis/").content.decode()
    assert "Brunei Darussalam" in page and "KPI-E2" in page
    assert "57.41 <span class=\"muted\">(2016)</span>" in page  # Brunei's female participation baseline
    assert "Worsened" in page and "Improved" in page and "No data" in page
    assert "10 of 10 assessed" in page  # coverage of a World Bank KPI


def test_a_kpi_page_shows_its_reference_sheet_profiles_values_and_provenance(client, kpi_data):
    page = client.get("/kpis/KPI-D1/").content.decode()
    assert "Doing Business" in page and "calendar days" in page  # known issues and definition
    assert "4ebec5a2" not in page and "open-numbers/ddf--open_numbers--world_development_indicators" in page
    assert "data/kpis/wdi_asean.csv row" in page
    assert "Jakarta and Surabaya" in page  # Indonesia's profile
    assert 'data-vega-spec="/kpis/KPI-D1/chart.json"' in page


def test_a_missing_value_shows_as_missing_with_the_reason(client, kpi_data):
    page = client.get("/kpis/KPI-A2/").content.decode()
    assert "No R&amp;D value at all in WDI for Lao PDR." in page
    assert "Lao PDR: no value" in page


def test_the_regional_view_names_the_states_left_out_and_why(client, kpi_data):
    page = client.get("/kpis/regional/").content.decode()
    assert "No regional figure: none of the 10 member states qualifies" in page
    assert "not comparable: national SME definitions differ" in page
    assert "Mean of 4 of 10 member states; left out: BRN (no value for 2016)" in page  # R&D, 2016
    assert "LAO (no value for 2016)" in page


def test_the_context_of_asean_wide_ranges_is_shown_but_not_as_values(client, kpi_data):
    page = client.get("/kpis/KPI-E1/").content.decode()
    assert "ASEAN (range across AMS)" in page and "not a member state&#x27;s observation" in page


def test_the_chart_downloads_are_svg_and_png(client, kpi_data):
    svg = client.get("/kpis/KPI-E2/chart.svg")
    assert svg["Content-Type"] == "image/svg+xml" and svg.content.startswith(b"<svg")
    png = client.get("/kpis/KPI-E2/chart.png")
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")


@pytest.mark.parametrize(("persona", "iso3", "status"), [
    ("anonymous", "MYS", 302), *[(p, "MYS", 403) for p in NOT_EDITORS],
    ("focal_mys", "MYS", 200), ("focal_mys", "THA", 403), ("secretariat", "THA", 200),
])
def test_who_may_open_the_data_entry_form(client_for, persona, iso3, status):
    response = client_for(persona).get(f"/kpis/KPI-E2/{iso3}/enter/")
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/accounts/login/")


def test_the_focal_point_of_malaysia_cannot_post_a_value_for_thailand(client_for):
    post = {"year": 2019, "value": "60", "source": "OSMEP"}
    assert client_for("focal_mys").post("/kpis/KPI-E2/THA/enter/", post).status_code == 403
    assert not Observation.objects.exists()


def test_a_focal_point_enters_then_corrects_a_value_with_a_reason(client_for, personas):
    client = client_for("focal_mys")
    response = client.post("/kpis/KPI-E2/MYS/enter/", {"year": 2019, "value": "51.8", "source": "DOSM LFS 2019"})
    obs = Observation.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/kpis/observations/{obs.pk}/"
    refused = client.post("/kpis/KPI-E2/MYS/enter/", {"year": 2019, "value": "52", "source": "DOSM LFS 2019"})
    assert "already has a value; say why it is corrected" in refused.content.decode()
    client.post("/kpis/KPI-E2/MYS/enter/", {"year": 2019, "value": "52", "source": "DOSM", "reason": "LFS revised"})
    obs.refresh_from_db()
    assert obs.value == Decimal("52")
    page = client.get(f"/kpis/observations/{obs.pk}/").content.decode()
    assert "LFS revised" in page and "51.8" in page and "focal_mys" in page


def test_the_form_says_why_a_value_is_impossible(client_for):
    page = client_for("focal_mys").post("/kpis/KPI-E2/MYS/enter/", {"year": 2019, "value": "140", "source": "x"})
    assert "is more than 100" in page.content.decode()
    assert not Observation.objects.exists()


def test_the_public_sees_a_values_provenance_but_not_who_changed_it(client_for, personas, kpi, state):
    from sapsmed.kpis.services import observation_record

    obs = observation_record(kpi=kpi("KPI-E2"), state=state("MYS"), year=2019, value=Decimal("51.8"), source="DOSM",
                             user=personas["focal_mys"], reason="Entered")
    page = client_for("anonymous").get(f"/kpis/observations/{obs.pk}/").content.decode()
    assert "DOSM" in page and "focal_mys" not in page and "shown to signed-in users holding a role" in page


@pytest.mark.parametrize(("persona", "status"), [("anonymous", 302), ("focal_mys", 403), ("secretariat", 302)])
def test_only_the_secretariat_validates_thailands_value(client_for, persona, status, kpi, state):
    from sapsmed.kpis.services import observation_record

    obs = observation_record(kpi=kpi("KPI-E2"), state=state("THA"), year=2019, value=Decimal("59"), source="NSO",
                             user=None, reason="test")
    assert client_for(persona).post(f"/kpis/observations/{obs.pk}/validate/").status_code == status
    obs.refresh_from_db()
    assert obs.status == ("validated" if persona == "secretariat" else "provisional")


@pytest.mark.parametrize(("persona", "query", "status"), [
    ("anonymous", "?state=MYS", 302), ("viewer", "?state=MYS", 403), ("focal_mys", "?state=THA", 403),
    ("focal_mys", "?state=MYS", 200), ("focal_mys", "", 403), ("secretariat", "", 200),
])
def test_who_may_set_a_target(client_for, persona, query, status):
    assert client_for(persona).get(f"/kpis/KPI-E2/target/{query}").status_code == status


def test_a_target_set_on_the_page_is_used_for_the_status(client_for, kpi_data):
    post = {"value": "55", "year": 2025, "set_by": "SME Corp. Malaysia", "decided": "2021 review", "source": "minutes"}
    assert client_for("focal_mys").post("/kpis/KPI-E2/target/?state=MYS", post).status_code == 302
    assert Target.objects.get(kpi__code="KPI-E2", state__iso3="MYS").set_by == "SME Corp. Malaysia"
    page = client_for("anonymous").get("/kpis/KPI-E2/").content.decode()
    assert "of the way from the 2016 baseline to the 2025 target" in page


@pytest.mark.parametrize(("persona", "status"), [("anonymous", 302), ("viewer", 403), ("champion_b", 403),
                                                 ("focal_mys", 200), ("secretariat", 200)])
def test_who_may_import(client_for, persona, status):
    assert client_for(persona).get("/kpis/import/").status_code == status
    assert client_for(persona).get("/kpis/import/template.xlsx").status_code == status


def test_an_upload_is_previewed_then_confirmed_in_the_browser(client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for("focal_mys")
    upload = SimpleUploadedFile("mys.csv", long_csv(GOOD), content_type="text/csv")
    response = client.post("/kpis/import/", {"file": upload, "reason": "SME Insights 2020"})
    batch = ObservationImport.objects.get()
    assert response["Location"] == f"/kpis/import/{batch.pk}/"
    assert "2 new" in client.get(response["Location"]).content.decode()
    assert not Observation.objects.exists()
    client.post(response["Location"], {"action": "commit"})
    assert Observation.objects.count() == 2
    assert client_for("secretariat").get(response["Location"]).status_code == 200
    other = client_for("proponent_mys")
    assert other.get(response["Location"]).status_code == 403


def test_an_upload_with_errors_offers_the_marked_workbook(client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sapsmed.kpis.tests.test_import import long_xlsx

    client = client_for("focal_mys")
    bad = long_xlsx([GOOD[0], ["KPI-E1", "THA", 2019, 140, "s", ""]])
    response = client.post("/kpis/import/", {"file": SimpleUploadedFile("mys.xlsx", bad)})
    page = client.get(response["Location"]).content.decode()
    assert "more than 100" in page and "not Thailand" in page and "nothing will be written" in page
    batch = ObservationImport.objects.get()
    marked = client.get(f"/kpis/import/{batch.pk}/errors/")
    assert marked["Content-Disposition"] == 'attachment; filename="mys-errors.xlsx"'
    assert client.post(response["Location"], {"action": "commit"}).status_code == 302
    assert not Observation.objects.exists()


def test_the_export_has_provenance_columns_and_hides_who_from_the_public(client_for, kpi_data, personas, kpi, state):
    from sapsmed.kpis.services import observation_record

    observation_record(kpi=kpi("KPI-E2"), state=state("MYS"), year=2016, value=Decimal("51.2"), source="DOSM",
                       user=personas["focal_mys"], reason="national figure")
    public = client_for("anonymous").get("/kpis/export.csv").content.decode("utf-8-sig").splitlines()
    assert public[0].startswith("kpi,kpi_name,unit,state,state_name,year,value,se,ci_low,ci_high,status,confidence,")
    assert len(public) == 1 + 730
    assert "focal_mys" not in "\n".join(public)
    assert "focal_mys" in client_for("viewer").get("/kpis/export.csv").content.decode()
    xlsx = client_for("anonymous").get("/kpis/export.xlsx")
    assert xlsx.content.startswith(b"PK")


def test_a_values_row_shows_the_value_its_source_and_provenance_escaped(client_for, personas, kpi, state):
    from sapsmed.kpis.services import observation_record

    obs = observation_record(kpi=kpi("KPI-E2"), state=state("MYS"), year=2019, value=Decimal("51.8"),
                             source='DOSM <script>alert("x")</script>', user=personas["focal_mys"], reason="Entered")
    Observation.objects.filter(pk=obs.pk).update(note="LFS & revised")
    page = client_for("anonymous").get("/kpis/KPI-E2/").content.decode()
    assert f'<tr><td><a href="/kpis/observations/{obs.pk}/">2019</a></td>\n<td class="num">51.8</td>' in page
    assert ("DOSM &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; "
            '<span class="small">— LFS &amp; revised</span>') in page
    assert "<script>alert" not in page
