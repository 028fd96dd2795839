"""A KPI import is bounded: too many rows are refused in one sentence, and a preview lists 200 problems at most."""

import csv
import io
import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from sapsmed.kpis.models import ImportStatus, Kpi, ObservationImport
from sapsmed.plan.models import MemberState

pytestmark = pytest.mark.django_db

HEADER = ["KPI", "State", "Year", "Value", "Source", "Note"]
NOT_A_NUMBER = "'n/a' is not a number (expected a number such as 12.5)."


def csv_of(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode()


def bad_rows(count: int) -> list[list[object]]:
    """Rows of distinct KPI, state and year whose value is no number."""
    keys = itertools.product(Kpi.objects.values_list("code", flat=True),
                             MemberState.objects.values_list("iso3", flat=True), range(2000, 2026))
    return [[k, s, y, "n/a", "a source", ""] for k, s, y in itertools.islice(keys, count)]


def upload(client, name: str, content: bytes):
    response = client.post("/kpis/import/", {"file": SimpleUploadedFile(name, content), "reason": "test"})
    assert response.status_code == 302
    return ObservationImport.objects.latest("pk")


def test_a_file_of_more_rows_than_a_kpi_import_takes_is_refused_in_one_sentence(client_for):
    client = client_for("secretariat")
    rows = [["KPI-E1", "MYS", 2019, 1, "s", ""]] * 60_000
    batch = upload(client, "huge.csv", csv_of(rows))
    assert batch.status == ImportStatus.INVALID
    assert [e["message"] for e in batch.errors] == [
        "this file has 60,001 rows; a KPI import takes at most 50,000. Nothing was read: split the file into files "
        "of at most 50,000 rows, or check that it is the file you meant to upload."]
    page = client.get(f"/kpis/import/{batch.pk}/").content.decode()
    assert "this file has 60,001 rows; a KPI import takes at most 50,000." in page
    assert "1 problem: nothing will be written" in page


def test_a_preview_lists_the_first_200_problems_and_counts_them_all_by_kind(client_for):
    client = client_for("secretariat")
    batch = upload(client, "bad.csv", csv_of(bad_rows(1500)))
    assert len(batch.errors) == 1001  # 1,000 kept, and the line counting the others
    assert batch.errors[-1]["message"] == ("500 more problems are not listed; correct the ones above and upload "
                                           "the file again.")
    assert batch.summary["error_total"] == 1500
    assert batch.summary["error_kinds"] == [{"column": "Value", "example": NOT_A_NUMBER, "count": 1500}]
    page = client.get(f"/kpis/import/{batch.pk}/").content.decode()
    assert "1500 problems: nothing will be written" in page
    assert "the first 200 of 1500 are listed below, and the download lists them all" in page
    assert page.count(escape(NOT_A_NUMBER)) == 201  # 200 listed, and the example of their kind
    listed = client.get(f"/kpis/import/{batch.pk}/errors/").content.decode("utf-8-sig").splitlines()
    assert len(listed) == 1 + 1001


def test_an_excel_upload_offers_the_marked_workbook_and_the_full_list(client_for):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Observations"
    for row in [HEADER, *bad_rows(3)]:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    client = client_for("secretariat")
    batch = upload(client, "bad.xlsx", out.getvalue())
    page = client.get(f"/kpis/import/{batch.pk}/").content.decode()
    assert f'<a href="/kpis/import/{batch.pk}/errors/?as=csv">the list of problems (CSV)</a>' in page
    listed = client.get(f"/kpis/import/{batch.pk}/errors/?as=csv")
    assert listed["Content-Disposition"] == 'attachment; filename="bad-errors.csv"'
    assert len(listed.content.decode("utf-8-sig").splitlines()) == 4


def test_the_import_page_never_loads_stored_files_or_error_lists(client_for):
    client = client_for("secretariat")
    batch = upload(client, "bad.csv", csv_of(bad_rows(30)))
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/kpis/import/").content.decode()
    assert f'<a href="/kpis/import/{batch.pk}/">bad.csv</a> · Refused: errors found (30 problems) ·' in page
    columns = " ".join(q["sql"] for q in queries.captured_queries if "kpis_observationimport" in q["sql"])
    assert '"content"' not in columns and '"errors"' not in columns
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/kpis/import/{batch.pk}/").status_code == 200
    assert not any('"content"' in q["sql"] for q in queries.captured_queries)
