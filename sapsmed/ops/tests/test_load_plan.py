"""`manage.py load_plan` loads the real plan once, refuses bad files whole, and names what is wrong."""

import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sapsmed.kpis.models import Kpi
from sapsmed.plan.loading import DATA_DIR
from sapsmed.plan.models import Action, ActionLine, ActionLineVersion, PlanVersion, StrategicGoal

pytestmark = pytest.mark.django_db


def counts():
    return (StrategicGoal.objects.count(), Action.objects.count(), ActionLine.objects.count(),
            ActionLineVersion.objects.count(), Kpi.objects.count(),
            ActionLineVersion.history.count())


def test_the_loaded_plan_is_version_1_as_endorsed():
    version = PlanVersion.objects.get()
    assert version.number == 1
    assert version.label == "As endorsed by the 47th AEM, August 2015"


def test_the_plan_has_its_goals_actions_lines_and_kpis():
    assert counts()[:5] == (5, 24, 12, 12, 11)
    line = ActionLineVersion.objects.get(action_line__code="B-2-1.3")
    assert sorted(s.iso3 for s in line.lead_states.all()) == ["LAO", "MYS"]
    assert line.target_year == 2018
    assert line.cross_cutting_theme == "Updating of the ASEAN SME Service Centre"


def test_loading_twice_changes_nothing_not_even_the_history():
    before = counts()
    out = StringIO()
    call_command("load_plan", stdout=out)
    assert counts() == before
    assert "action lines: 0 created, 0 updated, 12 unchanged" in out.getvalue()


def test_a_bad_file_names_file_entry_and_field_and_loads_nothing(tmp_path):
    shutil.copytree(DATA_DIR, tmp_path / "data")
    plan_file = tmp_path / "data/plan/sap_smed_2016_2025.yaml"
    text = plan_file.read_text()
    plan_file.write_text(text.replace("target_year: 2018", "target_year: 2035", 1).replace(
        "title: Promote Productivity, Technology and Innovation", "title: Changed title that must not land"))
    before = counts()
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_plan", data_dir=tmp_path / "data", stderr=err)
    assert "plan/sap_smed_2016_2025.yaml, action line B-2-1.3, field 'target_year': 2035 is outside 2016-2025" in (
        err.getvalue()
    )
    assert counts() == before
    assert StrategicGoal.objects.get(code="A").title == "Promote Productivity, Technology and Innovation"


def test_broken_yaml_is_reported_with_its_line(tmp_path):
    shutil.copytree(DATA_DIR, tmp_path / "data")
    (tmp_path / "data/kpis/kpis.yaml").write_text("kpis:\n  - code: [unclosed\n")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("load_plan", data_dir=tmp_path / "data", stderr=err)
    assert "kpis/kpis.yaml, line 3" in err.getvalue()
    assert "not valid YAML" in err.getvalue()


def test_a_changed_fact_in_the_file_updates_the_row_and_records_why(tmp_path):
    shutil.copytree(DATA_DIR, tmp_path / "data")
    plan_file = tmp_path / "data/plan/sap_smed_2016_2025.yaml"
    plan_file.write_text(plan_file.read_text().replace("time_frame: '2018'", "time_frame: By 2019", 1))
    call_command("load_plan", data_dir=tmp_path / "data", stdout=StringIO())
    line = ActionLineVersion.objects.get(action_line__code="B-2-1.3")
    assert line.time_frame == "By 2019"
    latest = line.history.latest()
    assert latest.history_change_reason == "Loaded from data/plan/sap_smed_2016_2025.yaml"
    assert [c.field for c in latest.diff_against(latest.prev_record).changes] == ["time_frame"]


def test_the_asean_secretariat_is_loaded_as_a_proponent_organisation():
    from sapsmed.plan.models import Organisation

    secretariat = Organisation.objects.get(code="ASEC")
    assert secretariat.name == "ASEAN Secretariat" and secretariat.kind == "asean"
    assert "Sec. 3.1" in secretariat.source


def test_a_bad_organisations_file_names_entry_and_field_and_loads_nothing(tmp_path):
    shutil.copytree(DATA_DIR, tmp_path / "data")
    (tmp_path / "data/plan/organisations.yaml").write_text(
        "organisations:\n- code: ASEC\n  name: ASEAN Secretariat\n  kind: club\n- code: ASEC\n  name: Again\n"
        "  kind: donor\n")
    before = counts()
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_plan", data_dir=tmp_path / "data", stderr=err)
    assert "plan/organisations.yaml, entry 1, field 'kind': must be one of" in err.getvalue()
    assert "plan/organisations.yaml, entry 2, field 'code': 'ASEC' appears twice" in err.getvalue()
    assert counts() == before
