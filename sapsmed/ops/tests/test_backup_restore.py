"""A backup taken, the data wiped, and a restore brings back every object and every file."""

import io
import json
import zipfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sapsmed.jobs.services import job_create, job_succeed
from sapsmed.ops.backup import row_counts, wipe
from sapsmed.plan.models import ActionLineVersion

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def dump() -> list:
    out = StringIO()
    call_command("dumpdata", exclude=["contenttypes", "auth.permission", "sessions", "axes", "admin.logentry"],
                 natural_foreign=True, stdout=out)
    return sorted(json.loads(out.getvalue()), key=lambda o: (o["model"], str(o["pk"])))


def test_backup_wipe_restore_finds_every_object_and_file_again(personas, tmp_path, media):
    from datetime import UTC, datetime

    from sapsmed.plan.models import Action

    # A timestamp with sub-millisecond digits must come back whole (JSON dumps would cut them).
    Action.history.filter(code="A-1-2").update(history_date=datetime(2026, 1, 2, 3, 4, 5, 512, tzinfo=UTC))
    lv = ActionLineVersion.objects.get(action_line__code="B-2-1.3")
    lv._change_reason = "a change to restore"
    lv.notes = "Noted before the backup"
    lv.save()
    job_succeed(job_create(kind="t", title="Report", user=personas["secretariat"]),
                file_name="report.pdf", file_bytes=b"%PDF-1.7 the tabled report")
    before, counts = dump(), row_counts()
    archive = tmp_path / "b.zip"
    call_command("backup", out=archive, stdout=StringIO())

    wipe()
    for f in media.rglob("*"):
        if f.is_file():
            f.unlink()
    assert sum(row_counts().values()) == 0

    out = StringIO()
    call_command("restore", str(archive), stdout=out)
    assert "every count and checksum verified" in out.getvalue()
    assert dump() == before and row_counts() == counts
    assert ActionLineVersion.objects.get(action_line__code="B-2-1.3").notes == "Noted before the backup"
    assert Action.history.filter(code="A-1-2").first().history_date.microsecond == 512
    files = [f.read_bytes() for f in media.rglob("*.pdf")]
    assert files == [b"%PDF-1.7 the tabled report"]


def test_restore_refuses_a_database_that_holds_data_and_changes_nothing(tmp_path):
    archive = tmp_path / "b.zip"
    call_command("backup", out=archive, stdout=StringIO())
    counts = row_counts()
    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore", str(archive))
    assert row_counts() == counts


def test_a_damaged_backup_is_refused(tmp_path):
    archive = tmp_path / "b.zip"
    call_command("backup", out=archive, stdout=StringIO())
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(damaged, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(item, data.replace(b"B-2-1.3", b"B-2-1.9") if item.filename == "data.xml" else data)
    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", str(damaged), replace=True)


def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    junk = tmp_path / "junk.zip"
    with zipfile.ZipFile(junk, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(CommandError, match="not a sapsmed backup"):
        call_command("restore", str(junk))
    (tmp_path / "plain.txt").write_bytes(io.BytesIO(b"x").read())
    with pytest.raises(CommandError, match="not a zip file"):
        call_command("restore", str(tmp_path / "plain.txt"))
