"""`manage.py import_roadmap FILE [--dry-run]` runs the same import as the page."""

import pytest
from django.core.management import CommandError, call_command

from sapsmed.plan.models import ActionLineVersion
from sapsmed.plan.tests.roadmap_helpers import edit_export, roadmap_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def changed_workbook(client, tmp_path):
    data = edit_export(client.get("/roadmap/roadmap.xlsx").content, {("B-2-1.3", "Target year"): 2022})
    path = tmp_path / "roadmap.xlsx"
    path.write_bytes(data)
    return path


def test_a_dry_run_shows_the_changes_and_saves_nothing(changed_workbook, capsys):
    before = roadmap_state()
    call_command("import_roadmap", str(changed_workbook), "--dry-run")
    out = capsys.readouterr().out
    assert "~ B-2-1.3" in out and "Target year: 2018 -> 2022" in out and "Dry run: nothing was saved." in out
    assert "0 added, 1 changed, 0 dropped, 11 unchanged" in out
    assert roadmap_state() == before


def test_saving_needs_a_user_and_then_writes_the_changes(changed_workbook, personas, capsys):
    with pytest.raises(CommandError, match="Give --user"):
        call_command("import_roadmap", str(changed_workbook))
    call_command("import_roadmap", str(changed_workbook), "--user", "secretariat")
    assert ActionLineVersion.objects.get(action_line__code="B-2-1.3").target_year == 2022
    assert "Saved: 1 action line(s) written" in capsys.readouterr().out


def test_errors_are_listed_by_sheet_row_and_column_and_nothing_is_saved(client, tmp_path, personas, capsys):
    data = edit_export(client.get("/roadmap/roadmap.xlsx").content, {("B-2-1.3", "Start year"): "soon"})
    path = tmp_path / "bad.xlsx"
    path.write_bytes(data)
    before = roadmap_state()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_roadmap", str(path), "--user", "secretariat")
    err = capsys.readouterr().err
    assert "bad.xlsx, sheet 'Action lines', row" in err and "column 'Start year': 'soon' is not a year" in err
    assert roadmap_state() == before


def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_roadmap", str(tmp_path / "nope.xlsx"), "--dry-run")
