"""Stored scorecard cells: each write rewrites exactly the cells it touched, fails whole, and a check names drift."""

from decimal import Decimal

import pytest

from sapsmed.core import achievement
from sapsmed.core.achievement import Status
from sapsmed.kpis import assessing, selectors
from sapsmed.kpis.derived import ScorecardRecomputeError, differences, refresh
from sapsmed.kpis.import_services import import_commit, import_prepare
from sapsmed.kpis.models import KpiStateProfile, Observation, ObservationImport, ScorecardCell, Target
from sapsmed.kpis.services import observation_record, observation_validate, target_set
from sapsmed.kpis.tests.test_import import GOOD, long_csv

pytestmark = pytest.mark.django_db

SOURCE = "DOSM Labour Force Survey, table 1"
RECOMPUTE_FAILED = ("The KPI scorecard could not be recomputed from these values, so nothing was saved. "
                    "Please tell the ASEAN Secretariat; the error is recorded.")


def stored(code: str, iso3: str) -> ScorecardCell:
    return ScorecardCell.objects.get(kpi__code=code, state__iso3=iso3)


def written() -> dict[tuple[str, str], object]:
    """When each cell was last written, by (KPI code, ISO3)."""
    return {(c.kpi.code, c.state.iso3): c.computed_at for c in ScorecardCell.objects.select_related("kpi", "state")}


def rewritten_since(before: dict) -> set[tuple[str, str]]:
    return {pair for pair, at in written().items() if before.get(pair) != at}


def record(kpi, state, year, value, reason="Entered", user=None, **extra):
    return observation_record(kpi=kpi("KPI-E2"), state=state("MYS"), year=year, value=Decimal(value), source=SOURCE,
                              user=user, reason=reason, **extra)


def test_the_stored_cells_are_what_the_core_computes_from_the_real_data(kpi_data):
    fresh = assessing.build_cells(selectors.kpis(), selectors.states(), Observation.objects.order_by("year"),
                                  KpiStateProfile.objects.all(), Target.objects.filter(state__isnull=False))
    card = selectors.scorecard()
    cells = [cell for _, row in card["rows"] for cell in row]
    assert len(cells) == len(fresh) == 110 and all(cell.pk for cell in cells)
    for cell in cells:
        computed = fresh[(cell.kpi.pk, cell.state.pk)]
        assert (cell.status, cell.assessment.reason, cell.target_problem, cell.value_count, cell.years) == (
            computed.status, computed.assessment.reason, computed.target_problem, len(computed.observations),
            computed.years), (cell.kpi.code, cell.state.iso3)
        assert cell.assessment.baseline == computed.assessment.baseline
        assert cell.assessment.latest == (computed.assessment.latest and achievement.Observation(
            computed.assessment.latest.year, computed.assessment.latest.value))
    assert sum(cell.assessed for cell in cells) == 60
    assert differences() == []


def test_an_entry_rewrites_only_its_own_cell(kpi, state):
    before = written()
    record(kpi, state, 2016, "50")
    assert rewritten_since(before) == {("KPI-E2", "MYS")}
    cell = stored("KPI-E2", "MYS")
    assert (cell.status, cell.reason) == (Status.NO_DATA, "No data: no value after the 2016 baseline.")
    record(kpi, state, 2019, "52")
    cell = stored("KPI-E2", "MYS")
    assert (cell.status, cell.reason) == (Status.IMPROVED, "Improved: 50 → 52% from 2016 to 2019 (+4.0%); "
                                                           "higher is better.")
    assert (cell.baseline_value, cell.latest_year, cell.latest_value, cell.value_count, cell.years) == (
        Decimal(50), 2019, Decimal(52), 2, "2016–2019")
    assert cell.latest_observation == Observation.objects.get(kpi__code="KPI-E2", state__iso3="MYS", year=2019)


def test_a_correction_rewrites_the_cell_and_recording_the_same_value_again_does_not(kpi, state):
    record(kpi, state, 2016, "50")
    record(kpi, state, 2019, "52")
    record(kpi, state, 2019, "48", reason="LFS revised")
    cell = stored("KPI-E2", "MYS")
    assert (cell.status, cell.latest_value) == (Status.WORSENED, Decimal(48))
    assert cell.reason == "Worsened: 50 → 48% from 2016 to 2019 (−4.0%); higher is better."
    before = written()
    record(kpi, state, 2019, "48")
    assert rewritten_since(before) == set()


def test_validating_the_latest_value_says_so_in_its_cell_and_validating_an_older_one_changes_nothing(
        kpi, state, personas):
    base, latest = record(kpi, state, 2016, "50"), record(kpi, state, 2019, "52")
    assert stored("KPI-E2", "MYS").latest_validated is False
    before = written()
    observation_validate(observation=base, user=personas["secretariat"])
    assert rewritten_since(before) == set()
    observation_validate(observation=latest, user=personas["secretariat"])
    assert rewritten_since(before) == {("KPI-E2", "MYS")} and stored("KPI-E2", "MYS").latest_validated is True


def test_a_committed_import_rewrites_the_cells_of_its_rows(personas):
    before = written()
    batch = import_prepare(content=long_csv(GOOD), file_name="mys.csv", reason="SME Insights",
                           user=personas["focal_mys"])
    assert rewritten_since(before) == set()  # a preview writes no value
    import_commit(batch=batch, user=personas["focal_mys"])
    assert rewritten_since(before) == {("KPI-E1", "MYS")}
    cell = stored("KPI-E1", "MYS")
    assert (cell.status, cell.baseline_year, cell.latest_year) == (Status.NO_CLEAR_CHANGE, 2019, 2020)
    assert cell.reason == ("No clear change: 48.4 → 48.0% from 2019 to 2020 (−0.8%), within the ±1% tolerance "
                           "(2016 not available; 2019 used).")


def test_a_target_set_then_changed_gives_the_cell_its_target_status(kpi, state, personas):
    record(kpi, state, 2016, "50")
    record(kpi, state, 2019, "52")

    def set_target(value, year):
        target_set(kpi=kpi("KPI-E2"), state=state("MYS"), value=Decimal(value), year=year, set_by="MEDAC",
                   decided="MEDAC 2022", source="Minutes", user=personas["secretariat"], reason="Set")
        return stored("KPI-E2", "MYS")

    before = written()
    cell = set_target("55", 2025)
    assert rewritten_since(before) == {("KPI-E2", "MYS")}
    assert (cell.status, cell.target_value, cell.target_year) == (Status.ON_TRACK, Decimal(55), 2025)
    assert cell.reason == ("On track: 40% of the way from the 2016 baseline to the 2025 target, "
                           "with 33% of the time elapsed.")
    cell = set_target("70", 2020)
    assert (cell.status, cell.expected_progress) == (Status.OFF_TRACK, 0.75)
    cell = set_target("52", 2025)
    assert (cell.status, cell.progress) == (Status.ACHIEVED, 1.0)
    cell = set_target("45", 2025)  # below the baseline: set aside, and said why
    assert (cell.status, cell.target_value) == (Status.IMPROVED, None)
    assert cell.target_problem == ("Target not used: The 2025 target of 45% is not above the 2016 baseline of 50%; "
                                   "for this KPI higher is better, so the target must be above the baseline.")


def test_a_regional_target_changes_no_cells_status(kpi, personas):
    before = written()
    target_set(kpi=kpi("KPI-E2"), state=None, value=Decimal("60"), year=2025, set_by="ACCMSME",
               decided="ACCMSME 2022", source="Minutes", user=personas["secretariat"], reason="Set")
    assert rewritten_since(before) == set() and differences() == []


def test_a_reference_sheet_turned_round_reassesses_the_cells_of_its_kpi(kpi, state):
    from dataclasses import replace

    import yaml

    from sapsmed.core.plan_data import parse_kpis, parse_member_states
    from sapsmed.kpis.loading import KPI_SHEETS, kpis_upsert
    from sapsmed.plan.models import MemberState, StrategicGoal
    from sapsmed.plan.upsert import LoadReport

    record(kpi, state, 2016, "50")
    record(kpi, state, 2019, "52")
    observation_record(kpi=kpi("KPI-E2"), state=state("THA"), year=2016, value=Decimal(60), source=SOURCE,
                       user=None, reason="Entered")
    states_file = KPI_SHEETS.parent.parent / "member_states.yaml"
    states = parse_member_states(yaml.safe_load(states_file.read_text(encoding="utf-8")), "member_states.yaml")
    sheets = parse_kpis(yaml.safe_load(KPI_SHEETS.read_text(encoding="utf-8")), "kpis.yaml", set("ABCDE"), states)
    turned = [replace(k, direction="down") if k.code == "KPI-E2" else k for k in sheets]
    before = written()
    kpis_upsert(turned, goals={g.code: g for g in StrategicGoal.objects.all()},
                states={s.iso3: s for s in MemberState.objects.all()}, report=LoadReport(), reason="test")
    # Thailand's cell (no later value) and those without values say the same in either direction.
    assert rewritten_since(before) == {("KPI-E2", "MYS")} and differences() == []
    assert stored("KPI-E2", "MYS").reason == "Worsened: 50 → 52% from 2016 to 2019 (+4.0%); lower is better."


def test_a_recompute_that_fails_saves_nothing_and_the_form_says_so(client_for, monkeypatch):
    def fails(*args, **kwargs):
        raise RuntimeError("the core failed")

    monkeypatch.setattr(achievement, "assess", fails)
    response = client_for("focal_mys").post("/kpis/KPI-E2/MYS/enter/",
                                            {"year": 2019, "value": "51.8", "source": SOURCE})
    assert response.status_code == 200 and RECOMPUTE_FAILED in response.content.decode()
    assert not Observation.objects.exists()


def test_a_recompute_that_fails_commits_no_import_no_correction_and_no_validation(
        kpi, state, personas, client_for, monkeypatch):
    record(kpi, state, 2019, "52")
    batch = import_prepare(content=long_csv(GOOD), file_name="mys.csv", reason="x", user=personas["focal_mys"])
    monkeypatch.setattr(achievement, "assess", lambda *a, **k: 1 / 0)
    with pytest.raises(ScorecardRecomputeError, match="could not be recomputed"):
        import_commit(batch=batch, user=personas["focal_mys"])
    with pytest.raises(ScorecardRecomputeError):
        record(kpi, state, 2019, "48", reason="revised")
    assert Observation.objects.get().value == Decimal(52)
    assert ObservationImport.objects.get().status == "previewed"
    obs = Observation.objects.get()
    secretariat = client_for("secretariat")
    response = secretariat.post(f"/kpis/observations/{obs.pk}/validate/", follow=True)
    assert response.status_code == 200 and RECOMPUTE_FAILED in response.content.decode()
    response = secretariat.post(f"/api/observations/{obs.pk}/validate/")
    assert response.status_code == 400 and response.json() == {"non_field_errors": [RECOMPUTE_FAILED]}
    assert Observation.objects.get().status == "provisional"


def test_a_value_changed_behind_the_platforms_back_is_named_then_mended(kpi_data):
    Observation.objects.filter(kpi__code="KPI-E2", state__iso3="MYS", year=2025).update(value=Decimal("40"))
    lines = differences()
    assert len(lines) == 1
    assert lines[0].startswith('Scorecard cell KPI-E2 × MYS: stored status "improved", recomputed "worsened"; '
                               'stored reason "Improved: 50.99 → 51.64% from 2016 to 2025 (+1.3%); higher is better.", '
                               'recomputed "Worsened: 50.99 → 40.00% from 2016 to 2025 (−21.5%); higher is better."')
    assert 'stored latest value "51.643", recomputed "40"' in lines[0]
    assert refresh() == 1
    assert differences() == [] and refresh() == 0
    assert stored("KPI-E2", "MYS").status is Status.WORSENED


def test_a_missing_cell_is_named_then_written(kpi_data):
    ScorecardCell.objects.filter(kpi__code="KPI-D1", state__iso3="THA").delete()
    assert differences() == ['Scorecard cell KPI-D1 × THA: missing; recomputed status "improved".']
    page = selectors.state_page("THA")
    assert next(c for c in page["cells"] if c.kpi.code == "KPI-D1").reason == selectors.NOT_COMPUTED
    assert refresh() == 1 and differences() == []


def test_loading_the_shipped_data_again_rewrites_no_cell(kpi_data):
    from sapsmed.kpis.shipped import shipped_load

    before = written()
    shipped_load()
    assert rewritten_since(before) == set()
