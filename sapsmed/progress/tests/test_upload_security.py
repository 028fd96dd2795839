"""Report workbooks and evidence files: too large, lying about their type, or a decompression bomb are refused."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sapsmed.accounts.tests.hostile_files import EXE, HTML, Opened, bomb_xlsx, never
from sapsmed.progress.models import Attachment, WorkbookUpload

pytestmark = pytest.mark.django_db
UPLOAD = "/progress/rounds/2026-H2/upload/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_workbook_over_5_mb_is_refused_and_nothing_is_kept(client_for, open_round):
    response = client_for("proponent_mys").post(
        UPLOAD, {"file": SimpleUploadedFile("reports.xlsx", b"0" * (5 * 1024 * 1024 + 1))})
    assert response.status_code == 400
    assert "a report workbook is at most 5 MB" in response.content.decode()
    assert not WorkbookUpload.objects.exists()


@pytest.mark.parametrize(("content", "said"), [
    (HTML, "this file is named .xlsx but is not an Excel workbook"),
    (EXE, "this file is named .xlsx but is not an Excel workbook: it is binary data"),
])
def test_a_workbook_whose_name_lies_about_its_content_is_refused(client_for, open_round, content, said):
    response = client_for("proponent_mys").post(UPLOAD, {"file": SimpleUploadedFile("reports.xlsx", content)})
    assert response.status_code == 400 and said in response.content.decode()


def test_a_decompression_bomb_workbook_is_refused_and_never_opened(client_for, open_round, monkeypatch):
    for reader in ("sapsmed.core.tables.files.CalamineWorkbook", "sapsmed.progress.excel.CalamineWorkbook",
                   "sapsmed.core.tables.writing.load_workbook"):
        monkeypatch.setattr(reader, never)
    client = client_for("proponent_mys")
    try:
        response = client.post(UPLOAD, {"file": SimpleUploadedFile("reports.xlsx", bomb_xlsx())})
        html = response.content.decode()
        assert response.status_code == 400 and "would expand to 8 MB" in html
        assert "Download your workbook with the problems marked" not in html
        marked = client.get(f"/progress/uploads/{WorkbookUpload.objects.get().pk}/marked.xlsx")
    except Opened:
        pytest.fail("a reader opened the bomb")
    assert marked.status_code == 404


@pytest.mark.parametrize(("name", "content", "said"), [
    ("budget.xlsx", bomb_xlsx(), "it is an archive that would expand far beyond its size when opened"),
    ("budget.xlsx", HTML, "it is not a type we can recognise"),
    ("minutes.pdf", EXE, "it is a Windows program"),
])
def test_evidence_that_is_a_bomb_or_lies_about_its_type_is_refused(client_for, draft, name, content, said):
    response = client_for("proponent_mys").post(f"/progress/reports/{draft.pk}/evidence/",
                                                {"file": SimpleUploadedFile(name, content)}, follow=True)
    assert f"{name} was refused: {said}" in response.content.decode()
    assert not Attachment.objects.exists()


def test_evidence_over_the_limit_is_refused_with_both_sizes(client_for, draft, settings):
    settings.SAPSMED_ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("scan.pdf", b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024))
    response = client_for("proponent_mys").post(f"/progress/reports/{draft.pk}/evidence/", {"file": big}, follow=True)
    assert "scan.pdf was refused: it is 2.0 MB; the limit is 1.0 MB" in response.content.decode()
    assert not Attachment.objects.exists()
