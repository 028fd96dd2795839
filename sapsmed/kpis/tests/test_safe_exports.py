"""KPI exports and import error lists write formula-like text so it cannot run: quoted in CSV, string cells in Excel."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from sapsmed.core.tests.hostile_xlsx import entity_expansion_xlsx
from sapsmed.kpis.models import Kpi, Observation, ObservationImport
from sapsmed.kpis.tests.test_import import GOOD, long_csv, long_xlsx

pytestmark = pytest.mark.django_db
SOURCES = {2016: "=1+2", 2017: "+x", 2018: "-x", 2019: "@x"}


@pytest.fixture
def hostile(personas, kpi, state):
    """Malaysia's KPI-E2 for 2016-2019 with sources a spreadsheet would run, and one stored with control characters."""
    from sapsmed.kpis.services import observation_record

    for year, source in SOURCES.items():
        observation_record(kpi=kpi("KPI-E2"), state=state("MYS"), year=year, value=Decimal("51.2"), source=source,
                           user=personas["focal_mys"], reason="national figure", provenance={"note": "-note"})
    # A KPI that may fall (as a growth rate may) gives a negative value, which must stay a number.
    Kpi.objects.filter(code="KPI-E2").update(value_min=None)
    observation_record(kpi=kpi("KPI-E2"), state=state("MYS"), year=2020, value=Decimal("-1.5"), source="DOSM",
                       user=personas["focal_mys"], reason="national figure")
    # Stored before text was bounded: the export must still answer, without the characters Excel forbids (no NUL:
    # PostgreSQL stores none).
    Observation.objects.filter(kpi__code="KPI-E2", state__iso3="MYS", year=2020).update(source="=bell\x07\x0b")


def _csv(response) -> list[dict]:
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_export_quotes_formula_like_text_and_leaves_numbers_alone(client_for, hostile):
    rows = {int(r["year"]): r for r in _csv(client_for("anonymous").get("/kpis/export.csv"))
            if (r["kpi"], r["state"]) == ("KPI-E2", "MYS")}
    assert {year: rows[year]["source"] for year in SOURCES} == {2016: "'=1+2", 2017: "'+x", 2018: "'-x", 2019: "'@x"}
    assert rows[2016]["note"] == "'-note"
    assert (rows[2020]["source"], rows[2020]["value"]) == ("'=bell", "-1.500000000000")  # a number, not quoted


def test_the_excel_export_writes_formula_like_text_as_string_cells(client_for, hostile):
    response = client_for("anonymous").get("/kpis/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["Observations"]
    header = [cell.value for cell in sheet[1]]
    at = {name: header.index(name) for name in ("kpi", "state", "year", "value", "source")}
    cells = {row[at["year"]].value: row for row in sheet.iter_rows(min_row=2)
             if (row[at["kpi"]].value, row[at["state"]].value) == ("KPI-E2", "MYS")}
    assert {year: (cells[year][at["source"]].value, cells[year][at["source"]].data_type) for year in SOURCES} == {
        2016: ("=1+2", "s"), 2017: ("+x", "s"), 2018: ("-x", "s"), 2019: ("@x", "s")}
    assert (cells[2020][at["source"]].value, cells[2020][at["value"]].value) == ("=bell", -1.5)
    assert (cells[2020][at["source"]].data_type, cells[2020][at["value"]].data_type) == ("s", "n")


def test_the_error_list_of_a_csv_import_quotes_the_values_it_repeats(client_for):
    client = client_for("focal_mys")
    bad = long_csv([GOOD[0], ["KPI-E1", "+x", 2019, "=1+2", "@source", "-note"]])
    response = client.post("/kpis/import/", {"file": SimpleUploadedFile("mys.csv", bad), "reason": ""})
    batch = ObservationImport.objects.get()
    assert response["Location"] == f"/kpis/import/{batch.pk}/"
    rows = _csv(client.get(f"/kpis/import/{batch.pk}/errors/"))
    assert {(r["row"], r["column"], r["value"]) for r in rows} >= {("3", "State", "'+x"), ("3", "Value", "'=1+2")}
    assert all(not r[name].startswith(("=", "+", "-", "@")) for r in rows for name in r)


def test_the_marked_copy_of_a_workbook_openpyxl_cannot_reopen_is_a_404_sentence(client_for):
    client = client_for("focal_mys")
    bad = entity_expansion_xlsx(long_xlsx([GOOD[0], ["KPI-E1", "THA", 2019, 140, "s", ""]]), "docProps/core.xml")
    client.post("/kpis/import/", {"file": SimpleUploadedFile("laughs.xlsx", bad), "reason": ""})
    batch = ObservationImport.objects.get()
    assert "your workbook with the bad cells marked" in client.get(f"/kpis/import/{batch.pk}/").content.decode()
    marked = client.get(f"/kpis/import/{batch.pk}/errors/")
    assert (marked.status_code, marked["Content-Type"]) == (404, "text/plain; charset=utf-8")
    assert marked.content.decode() == (
        "laughs.xlsx: This file could not be opened again to mark its cells (it is damaged, not an Excel workbook, "
        "or holds XML Excel does not write), so there is no marked copy; the page of the upload lists every problem.")


def test_a_workbook_with_an_entity_expansion_in_its_shared_strings_gets_its_error_list(client_for):
    client = client_for("focal_mys")
    bad = entity_expansion_xlsx(long_xlsx(GOOD), "xl/sharedStrings.xml")
    client.post("/kpis/import/", {"file": SimpleUploadedFile("laughs.xlsx", bad), "reason": ""})
    batch = ObservationImport.objects.get()
    assert batch.status == "invalid"
    rows = _csv(client.get(f"/kpis/import/{batch.pk}/errors/"))
    assert [(r["file"], r["sheet"], r["row"]) for r in rows] == [("laughs.xlsx", "", "")]
    assert rows[0]["problem"].startswith("this Excel workbook could not be read")


def test_an_accepted_import_has_no_error_list_to_download(client_for):
    client = client_for("focal_mys")
    client.post("/kpis/import/", {"file": SimpleUploadedFile("mys.csv", long_csv(GOOD)), "reason": ""})
    assert client.get(f"/kpis/import/{ObservationImport.objects.get().pk}/errors/").status_code == 404
