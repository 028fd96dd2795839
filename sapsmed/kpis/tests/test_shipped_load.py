"""The real KPI data shipped in data/kpis/ loads with its provenance, once, all or nothing, and never fills a gap."""

import shutil
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sapsmed.core.plan_data import PlanDataError
from sapsmed.kpis.models import Kpi, KpiStateProfile, Observation, Target
from sapsmed.kpis.services import observation_record
from sapsmed.kpis.shipped import KPI_DATA_DIR, shipped_load

pytestmark = pytest.mark.django_db


def value(code, iso3, year):
    return Observation.objects.get(kpi__code=code, state__iso3=iso3, year=year)


def test_every_wdi_value_of_a_kpi_and_every_mapped_national_statistic_is_loaded(kpi_data):
    # 872 WDI rows less the 160 GDP rows (not a KPI) = 712, plus 18 national MSME statistics.
    assert Observation.objects.filter(source_file="data/kpis/wdi_asean.csv").count() == 712
    assert Observation.objects.filter(source_file="data/kpis/msme_statistics.csv").count() == 18
    assert KpiStateProfile.objects.count() == 11 * 10


def test_a_wdi_value_carries_its_repository_file_commit_and_vintage(kpi_data):
    obs = value("KPI-A1", "BRN", 2010)
    assert obs.value == Decimal("190650.107586153")
    assert (obs.source_file, obs.source_row, obs.confidence) == ("data/kpis/wdi_asean.csv", 2, "confirmed")
    assert obs.provenance["repo"] == "datasets/world-development-indicators"
    assert obs.provenance["commit"] == "4ebec5a2273f531ba238a34dbe440394dc5a6c4b"
    assert "constant 2021 PPP $" in obs.provenance["vintage"]


def test_values_transcribed_from_a_secondary_build_are_marked_partial(kpi_data):
    obs = value("KPI-D1", "MYS", 2019)
    assert obs.value == Decimal("17.5") and obs.confidence == "partial"
    assert "re-verify" in obs.provenance["confidence_note"]


def test_ilo_projections_say_so(kpi_data):
    assert "projection" in value("KPI-E2", "MYS", 2025).note
    assert value("KPI-E2", "MYS", 2019).note == ""


def test_gaps_stay_gaps(kpi_data):
    assert not Observation.objects.filter(kpi__code="KPI-A2", state__iso3="LAO").exists()
    assert not Observation.objects.filter(kpi__code__in=["KPI-D1", "KPI-D2"], year__gt=2019).exists()
    assert not Observation.objects.filter(kpi__code="KPI-D1", state__iso3="IDN", year__lt=2013).exists()
    assert not Observation.objects.filter(kpi__code__in=["KPI-B1", "KPI-C2"]).exists()


def test_national_statistics_map_to_their_kpi_with_their_source(kpi_data):
    employment = value("KPI-E1", "IDN", 2019)
    assert employment.value == Decimal("96.92") and employment.source_row == 24
    assert employment.provenance["url"].startswith("https://databoks.katadata.co.id/")
    assert value("KPI-C1", "MYS", 2014).value == Decimal("17.8")
    gdp = value("KPI-X1", "IDN", 2019)
    assert gdp.value == Decimal("60.51") and "constant prices" in gdp.note
    assert "c. 2014" in value("KPI-E1", "IDN", 2014).note


def test_asean_ranges_and_undated_figures_are_not_state_observations(kpi_data):
    assert not Observation.objects.filter(kpi__code="KPI-E1", state__iso3="MMR").exists()  # undated 'about 70%'
    assert not Observation.objects.filter(kpi__code="KPI-X1", state__iso3="PHL").exists()  # value added, not GDP


def test_malaysias_national_targets_are_loaded_as_set_by_its_government(kpi_data):
    target = Target.objects.get(kpi__code="KPI-X1", state__iso3="MYS")
    assert (target.value, target.year) == (Decimal("41"), 2020)
    assert "Government of Malaysia" in target.set_by and "not a SAP SMED target" in target.decided


def test_profiles_carry_the_plans_availability_and_comparability(kpi_data):
    loans = KpiStateProfile.objects.get(kpi__code="KPI-B1", state__iso3="THA")
    assert loans.availability == "not_listed" and loans.comparable is False
    assert KpiStateProfile.objects.get(kpi__code="KPI-B1", state__iso3="MYS").availability == "available"
    assert KpiStateProfile.objects.get(kpi__code="KPI-C2", state__iso3="MYS").availability == "to_be_confirmed"
    assert KpiStateProfile.objects.get(kpi__code="KPI-X1", state__iso3="MYS").availability == "not_established"
    dosm = KpiStateProfile.objects.get(kpi__code="KPI-E1", state__iso3="MYS")
    assert "DOSM" in dosm.national_source and "2013" in dosm.definition_notes
    assert "2013" in KpiStateProfile.objects.get(kpi__code="KPI-D1", state__iso3="IDN").series_breaks


def test_reference_sheets_hold_definition_formula_and_bounds():
    cost = Kpi.objects.get(code="KPI-D2")
    assert "GNI per capita" in cost.formula and cost.value_max is None and cost.value_min == 0
    assert Kpi.objects.get(code="KPI-E2").value_max == 100
    assert "Doing Business" in Kpi.objects.get(code="KPI-D1").known_issues


def test_loading_twice_writes_nothing(kpi_data):
    histories = Observation.history.count()
    report, _ = shipped_load()
    assert report.created["observations"] == 0 and report.updated["observations"] == 0
    assert report.unchanged["observations"] == 730
    assert Observation.history.count() == histories


def test_a_reload_never_undoes_a_correction_made_on_the_platform(kpi_data, personas, kpi, state):
    observation_record(kpi=kpi("KPI-E2"), state=state("MYS"), year=2016, value=Decimal("51.2"),
                       source="DOSM LFS 2016", user=personas["focal_mys"], reason="national LFS figure")
    shipped_load()
    assert value("KPI-E2", "MYS", 2016).value == Decimal("51.2")


def test_a_shipped_file_with_an_impossible_value_loads_nothing(db, tmp_path):
    data = tmp_path / "kpis"
    shutil.copytree(KPI_DATA_DIR, data)
    text = (data / "wdi_asean.csv").read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(text) if line.startswith("SL.TLF.CACT.FE.ZS,"))  # a percentage
    fields = text[index].split(",")
    fields[3] = "104.5"
    text[index] = ",".join(fields)
    (data / "wdi_asean.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(PlanDataError) as refused:
        shipped_load(data_dir=data)
    assert f"wdi_asean.csv, row {index + 1}, field 'value'" in str(refused.value)
    assert "more than 100" in str(refused.value)
    assert not Observation.objects.exists() and not KpiStateProfile.objects.exists()


def test_a_mapping_to_the_wrong_row_loads_nothing(db, tmp_path):
    data = tmp_path / "kpis"
    shutil.copytree(KPI_DATA_DIR, data)
    mapping = (data / "msme_observations.yaml").read_text(encoding="utf-8")
    (data / "msme_observations.yaml").write_text(mapping.replace("{row: 19, state: KHM", "{row: 20, state: KHM"))
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_observations", data_dir=data, stderr=err, stdout=StringIO())
    assert "row 20 is KHM share_gdp, not KHM share_employment" in err.getvalue()
    assert not Observation.objects.exists()


def test_the_command_reports_what_it_left_out(db):
    out = StringIO()
    call_command("load_observations", stdout=out)
    assert "observations: 730 created" in out.getvalue()
    assert "160 rows of NY.GDP.MKTP.CD" in out.getvalue()
