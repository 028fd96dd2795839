"""A roadmap import is bounded: a huge workbook is refused in one sentence, and a refused upload is never re-read."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sapsmed.plan import roadmap_check
from sapsmed.plan.roadmap_models import ImportStatus, RoadmapImport

pytestmark = pytest.mark.django_db

HEADER = ["Code", "Goal", "Action", "Title", "Start year", "Target year", "Lead states", "Source", "Confidence"]


def workbook(rows) -> bytes:
    book = openpyxl.Workbook()
    book.active.title = "Action lines"
    for row in [HEADER, *rows]:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, data: bytes) -> tuple[RoadmapImport, str]:
    response = client.post("/roadmap/import/", {"workbook": SimpleUploadedFile("roadmap.xlsx", data)})
    assert response.status_code == 302
    stored = RoadmapImport.objects.latest("pk")
    return stored, client.get(response["Location"]).content.decode()


def test_a_workbook_of_more_rows_than_a_roadmap_holds_is_refused_in_one_sentence(client_for):
    rows = [[f"B-2-1.{i}", "B", "B-2-1", "t", 2017, 2020, "MYS", "s", "confirmed"] for i in range(5_000)]
    stored, page = upload(client_for("secretariat"), workbook(rows))
    assert stored.status == ImportStatus.INVALID
    assert ("this file has 5,001 rows; a roadmap import takes at most 5,000. Nothing was read: split the file "
            "into files of at most 5,000 rows, or check that it is the file you meant to upload.") in page
    assert "The workbook has 1 problem; nothing was saved." in page


def test_a_refused_upload_lists_200_problems_counts_all_and_is_not_checked_again(client_for, monkeypatch):
    rows = [[f"B-2-1.{i}", "B", "B-2-1", "t", "soon", 2020, "MYS", "s", "confirmed"] for i in range(300)]
    client = client_for("secretariat")
    stored, page = upload(client, workbook(rows))
    assert "The workbook has 300 problems; nothing was saved." in page
    assert "the first 200 of 300 are listed below, and the download lists them all" in page
    assert stored.summary["error_total"] == 300 and len(stored.summary["problems"]) == 300

    def never(*args, **kwargs):
        raise AssertionError("a refused upload is shown from what was kept")

    monkeypatch.setattr("sapsmed.plan.edit_views.check_workbook", never)
    again = client.get(f"/roadmap/import/{stored.pk}/")
    assert again.status_code == 200 and "The workbook has 300 problems" in again.content.decode()


def test_the_caps_are_generous_for_the_real_roadmap():
    assert roadmap_check.ROW_CAP.limit == 5_000 and roadmap_check.MAX_ERRORS == 1_000
