"""The roadmap view downloads as an A3 landscape PDF and as Excel, showing the same lines as the page."""

import io

import openpyxl
import pytest

from sapsmed.plan.models import ActionLineVersion
from sapsmed.plan.tests.pdf_text import read_pdf

pytestmark = pytest.mark.django_db

A3_LANDSCAPE = (1190.55, 841.89)  # points


def test_the_pdf_is_a3_landscape_and_holds_the_timeline(client):
    response = client.get("/roadmap/roadmap.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="sap-smed-roadmap-v1.pdf"' in response["Content-Disposition"]
    pages = read_pdf(response.content)
    assert pages and all(round(p.width, 2) == A3_LANDSCAPE[0] and round(p.height, 2) == A3_LANDSCAPE[1]
                         for p in pages)
    text = " ".join(p.text for p in pages)
    assert "implementation roadmap 2016–2025" in text
    assert "Post Integration Period 2016–2020" in text and "Global Expansion Period 2021–2025" in text
    assert "B-2-1.3" in text and "Creation of interactive on-line platform" in text
    assert "Version 1: As endorsed by the 47th AEM, August 2015" in text


def test_the_pdf_of_a_filtered_view_holds_only_its_lines_and_names_the_filter(client):
    text = " ".join(p.text for p in read_pdf(client.get("/roadmap/roadmap.pdf", {"champion": "MYS"}).content))
    assert "Filtered: Country Champion: Malaysia" in text
    assert "B-2-1.3" in text and "C-1-1.2" not in text


def sheet_rows(data: bytes, name: str = "Action lines") -> list[dict]:
    sheet = openpyxl.load_workbook(io.BytesIO(data))[name]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_the_excel_download_has_one_row_per_line_with_every_field_and_stable_codes(client):
    lv = ActionLineVersion.objects.get(action_line__code="B-2-1.3")
    lv.funding_amount, lv.funding_currency, lv.funding_source = 250000, "USD", "dialogue-partner"
    lv.save()
    response = client.get("/roadmap/roadmap.xlsx")
    assert 'filename="sap-smed-roadmap-v1.xlsx"' in response["Content-Disposition"]
    rows = sheet_rows(response.content)
    assert len(rows) == ActionLineVersion.objects.count()
    row = next(r for r in rows if r["Code"] == "B-2-1.3")
    assert row["Goal"] == "B" and row["Action"] == "B-2-1" and row["Lead states"] == "LAO; MYS"
    assert row["Target year"] == 2018 and row["Time frame"] == "2018" and row["Retired"] == "no"
    assert row["Funding amount"] == 250000 and row["Funding currency"] == "USD"
    assert row["Funding source"] == "dialogue-partner"
    for header in ("Start year", "Required time", "Proponent states", "Proponent organisations", "Task force",
                   "Pathway", "Types of measure", "Required technical skills", "Expected outputs", "Predecessors",
                   "Implementation level", "Cross-cutting theme", "Source", "Confidence"):
        assert header in row


def test_the_excel_download_follows_the_filters_and_draws_a_timeline_sheet(client):
    data = client.get("/roadmap/roadmap.xlsx", {"goal": "B"}).content
    assert {r["Code"] for r in sheet_rows(data)} == {"B-2-1.2", "B-2-1.3"}
    timeline = openpyxl.load_workbook(io.BytesIO(data))["Timeline"]
    header = [c.value for c in timeline[3]]
    assert header[:3] == ["Code", "Action line", "Required time"] and header[3:] == list(range(2016, 2026))
    b213 = next(r for r in timeline.iter_rows(min_row=4) if r[0].value == "B-2-1.3")
    assert b213[3 + 2018 - 2016].value == "target"


def test_the_blank_template_has_the_columns_and_instructions_but_no_lines(client):
    data = client.get("/roadmap/template.xlsx").content
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames[:2] == ["Action lines", "Instructions"]
    header = [c.value for c in book["Action lines"][1]]
    assert header[:4] == ["Code", "Goal", "Action", "Title"] and "Predecessors" in header
    assert book["Action lines"].max_row == 1
