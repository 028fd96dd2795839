"""Evidence files: allowed types are recognised by their content, the size is limited, refusals say why."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sapsmed.progress.attachments import AttachmentRefused, attachment_add, sniff
from sapsmed.progress.models import Attachment
from sapsmed.progress.services import ProgressError
from sapsmed.progress.tests.conftest import move

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% evidence\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20


def office(folder: str, content_types: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        if content_types:
            z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(f"{folder}/document.xml", "<x/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize(("name", "content", "kind"), [
    ("minutes.pdf", PDF, "PDF document"), ("photo.png", PNG, "PNG image"),
    ("photo.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 10, "JPEG image"), ("budget.xlsx", office("xl"), "Excel workbook"),
    ("report.docx", office("word"), "Word document"), ("slides.pptx", office("ppt"), "PowerPoint presentation"),
    ("list.csv", "état,montant\nMYS,1\n".encode(), "CSV table"), ("notes.txt", b"plain notes", "text file")])
def test_allowed_types_are_recognised_by_their_content(name, content, kind):
    assert sniff(io.BytesIO(content), name).kind == kind


@pytest.mark.parametrize(("name", "content", "said"), [
    ("tool.exe", b"MZ\x90\x00" + b"\x00" * 20, "it is a Windows program"),
    ("evidence.pdf", PNG, "its name ends in .pdf but its content is a PNG image. Rename it to end in .png"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 8, "old-format Office file"),
    ("archive.zip", office("docs", content_types=False), "it is a ZIP archive"),
    ("drawing.docx", office("visio"), "an Office file of a type not accepted"),
    ("data.csv", b"\x00\x01\x02binary", "not a type we can recognise"),
    ("run.sh", b"#!/bin/sh\nrm -rf /\n", "a program or script")])
def test_other_files_are_refused_saying_what_they_are(name, content, said):
    with pytest.raises(AttachmentRefused) as refused:
        sniff(io.BytesIO(content), name)
    assert said in str(refused.value) and str(refused.value).startswith(f"{name} was refused")


def test_a_file_over_the_limit_is_refused_with_both_sizes(personas, draft, settings):
    settings.SAPSMED_ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("scan.pdf", PDF + b"0" * (2 * 1024 * 1024))
    with pytest.raises(AttachmentRefused, match="it is 2.0 MB; the limit is 1.0 MB"):
        attachment_add(by=personas["proponent_mys"], report=draft, upload=big)
    assert not Attachment.objects.exists()


def test_the_proponent_uploads_evidence_and_readers_download_it_as_uploaded(personas, draft, client_for):
    response = client_for("proponent_mys").post(f"/progress/reports/{draft.pk}/evidence/",
                                                {"file": SimpleUploadedFile("minutes.pdf", PDF)}, follow=True)
    assert "minutes.pdf added (PDF document)" in response.content.decode()
    attachment = Attachment.objects.get()
    download = client_for("champion_b").get(f"/progress/evidence/{attachment.pk}/")
    assert download["Content-Type"] == "application/pdf" and b"".join(download.streaming_content) == PDF
    assert client_for("champion_a").get(f"/progress/evidence/{attachment.pk}/").status_code == 403
    assert client_for("anonymous").get(f"/progress/evidence/{attachment.pk}/").status_code == 302


def test_a_refused_upload_is_explained_on_the_report_page(draft, client_for):
    response = client_for("proponent_mys").post(f"/progress/reports/{draft.pk}/evidence/",
                                                {"file": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00")}, follow=True)
    assert "virus.pdf was refused: it is a Windows program" in response.content.decode()
    assert not Attachment.objects.exists()


def test_evidence_cannot_be_added_once_the_report_is_submitted(personas, draft):
    move(draft, personas["proponent_mys"], "submit")
    with pytest.raises(ProgressError, match="submitted; evidence can be added or removed only on a draft"):
        attachment_add(by=personas["proponent_mys"], report=draft, upload=SimpleUploadedFile("a.pdf", PDF))


def test_only_the_proponent_adds_evidence(draft, client_for):
    upload = {"file": SimpleUploadedFile("minutes.pdf", PDF)}
    assert client_for("champion_b").post(f"/progress/reports/{draft.pk}/evidence/", upload).status_code == 403
    assert not Attachment.objects.exists()
