"""A report workbook is bounded: a sheet of too many rows is refused in one sentence, and 200 problems are listed."""

import pytest
from django.utils.html import escape

from sapsmed.progress import excel
from sapsmed.progress.tests.test_excel import download, fill, upload

pytestmark = pytest.mark.django_db


def _uploaded_with_rows(client_for, rows: int):
    """Malaysia's proponent uploads the downloaded workbook with `rows` extra report rows: (workbook, answer)."""
    client = client_for("proponent_mys")
    book = download(client)
    for i in range(rows):
        book["Reports"].append([f"B-2-1.{i}", "MYS"])
    return book, upload(client, fill(book, {}))


def test_a_workbook_of_more_rows_than_a_proponent_reports_is_refused_in_one_sentence(client_for, draft):
    book, response = _uploaded_with_rows(client_for, 5_001)
    html = response.content.decode()
    assert response.status_code == 400
    assert "1 problem in reports.xlsx; nothing was saved." in html
    rows = book["Reports"].max_row
    assert escape(f"this file has {rows:,} rows; a report workbook takes at most 5,000. Nothing was read: split the "
                  "file into files of at most 5,000 rows, or check that it is the file you meant to upload.") in html
    assert "problems marked" not in html  # a file refused whole has no cells to mark


def test_the_page_lists_the_first_200_problems_and_counts_them_all(client_for, draft):
    _book, response = _uploaded_with_rows(client_for, 300)
    html = response.content.decode()
    total = sum(k["count"] for k in response.context["error_kinds"])
    assert total >= 300 and len(response.context["errors"]) == 200
    assert f"{total} problems in reports.xlsx; nothing was saved." in html
    assert f"the first 200 of {total} are listed below" in html


def test_the_caps_are_generous_for_a_real_workbook():
    assert excel.ROW_CAP.limit == 5_000 and excel.MAX_ERRORS == 500
