"""A review's workbook: typed cells with number formats, one sheet per section, contents, labels only where due."""

import io
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from sapsmed.core.sheet_names import MAX_LENGTH, shorten
from sapsmed.plan.models import PlanVersion
from sapsmed.progress.models import ReportingRound
from sapsmed.reviews.content import review_content, section, table
from sapsmed.reviews.models import Review
from sapsmed.reviews.render import DEMO_NOTE, SYNTHETIC_NOTE, render_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def final_review_workbook(django_db_setup, django_db_blocker):
    """The final review on real KPI values and the demonstration progress history: content and workbook."""
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            for command in ("load_observations", "load_demo_progress"):
                call_command(command, stdout=StringIO())
            rounds = ReportingRound.objects.order_by("opens_on")
            review = Review(kind="final", title="=Final review of the SAP SMED 2016-2025", cut_off=date(2025, 12, 31),
                            plan_version=PlanVersion.objects.get(number=1), kpi_year_from=2016, kpi_year_to=2025,
                            first_round=rounds.first(), last_round=rounds.last(),
                            recommendations="=SUM(A1:A3) is how the totals were made\nFill the KPI gaps")
            review.save()
            content = review_content(review)
            transaction.set_rollback(True)
    return content, render_xlsx(content)


def _labels(ws) -> set[str]:
    return {c.value for row in ws.iter_rows() for c in row if c.value in (DEMO_NOTE, SYNTHETIC_NOTE)}


def _find(ws, value):
    return next(c for row in ws.iter_rows() for c in row if c.value == value)


def test_one_sheet_per_section_and_per_annex_table_after_the_contents(final_review_workbook):
    content, data = final_review_workbook
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames[0] == "Contents"
    sections = [s["title"] for s in content["sections"]]
    assert len(wb.sheetnames) == 1 + len(sections) + sum(t["annex"] for s in content["sections"] for t in s["tables"])
    assert wb.sheetnames[1:1 + len(sections)] == [shorten(title) for title in sections]
    assert {"The plan and its versions", "KPI achievement", "Findings and recommendations"} <= set(wb.sheetnames)
    assert "Annex - KPI values" in wb.sheetnames
    assert all(len(n) <= MAX_LENGTH for n in wb.sheetnames)
    assert len({n.lower() for n in wb.sheetnames}) == len(wb.sheetnames)
    for name in wb.sheetnames[1:]:  # each sheet opens on its own title
        assert wb[name]["A1"].value
    assert wb["KPI achievement"]["A1"].value == "KPI achievement"
    assert wb["KPI achievement"]["A1"].font.bold


def test_the_contents_sheet_holds_the_meta_and_links_every_sheet(final_review_workbook):
    content, data = final_review_workbook
    wb = load_workbook(io.BytesIO(data))
    ws = wb["Contents"]
    assert [ws["A1"].value, ws["B1"].value] == ["Review", "=Final review of the SAP SMED 2016-2025"]
    assert ws["B1"].data_type == "s"  # text, never a formula
    assert ws["B3"].value.date() == date(2025, 12, 31) and ws["B3"].number_format == "yyyy-mm-dd"
    links = {c.value: c.hyperlink.location for row in ws.iter_rows() for c in row if c.hyperlink is not None}
    assert links == {name: f"'{name}'!A1" for name in wb.sheetnames[1:]}
    kpi_row = _find(ws, "KPI achievement").row
    assert ws.cell(kpi_row, 2).value == "KPI achievement"
    assert ws.cell(kpi_row, 3).value.startswith("Regional figures over comparable states; KPI-A1 (Goal A): ")
    assert ws.cell(kpi_row, 4).value is None
    annex_row = _find(ws, "Annex - KPI values").row
    assert [ws.cell(annex_row, i).value for i in (2, 3)] == ["Annex to KPI achievement",
                                                              "KPI values and sources: 110 rows"]


def test_numbers_are_numeric_cells_with_their_format_and_years_integers(final_review_workbook):
    _, data = final_review_workbook
    ws = load_workbook(io.BytesIO(data))["KPI achievement"]
    title = _find(ws, "KPI-E2 (Goal E): Labor force participation rate, female (% of female population ages 15+)")
    header = [c.value for c in ws[title.row + 1]][:8]
    assert header == ["State", "Baseline", "Baseline year", "Latest", "Latest year", "Change", "Status", "Why"]
    assert all(c.font.bold for c in ws[title.row + 1][:8])
    row = next(r for r in ws.iter_rows(min_row=title.row + 2, max_row=title.row + 11) if r[0].value == "Malaysia")
    assert [c.value for c in row[:7]] == ["Malaysia", 50.986, 2016, 51.643, 2025, 0.657, "Improved"]
    assert [c.number_format for c in row[1:6]] == ["#,##0.00##", "0", "#,##0.00##", "0", "#,##0.00##"]
    assert [c.data_type for c in row[1:6]] == ["n"] * 5 and isinstance(row[2].value, int)
    assert ws.freeze_panes is None  # several tables stacked: no single header to freeze
    assert 8 <= ws.column_dimensions["A"].width <= 60


def test_the_annex_sheet_is_one_table_with_a_frozen_header_and_sources_in_their_own_columns(final_review_workbook):
    _, data = final_review_workbook
    ws = load_workbook(io.BytesIO(data))["Annex - KPI values"]
    assert ws["A1"].value == "KPI values and sources" and ws.freeze_panes == "A3"
    header = [c.value for c in ws[2]]
    assert header[:7] == ["KPI", "KPI name", "Unit", "Goal", "State", "ISO3", "Status"]
    rows = [dict(zip(header, (c.value for c in r), strict=False)) for r in ws.iter_rows(min_row=3, max_row=112)]
    my = next(r for r in rows if (r["KPI"], r["ISO3"]) == ("KPI-E2", "MYS"))
    source = "World Bank, World Development Indicators (SL.TLF.CACT.FE.ZS), CC BY 4.0"
    assert (my["Baseline"], my["Baseline year"], my["Latest"], my["Latest year"]) == (50.986, 2016, 51.643, 2025)
    assert (my["Baseline source"], my["Latest source"]) == (source, source)
    change = _find(ws, my["Change (%)"])
    assert change.number_format == '0.0" %"' and change.data_type == "n"


def test_the_demonstration_label_is_on_the_sheets_holding_demonstration_tables_only(final_review_workbook):
    content, data = final_review_workbook
    wb = load_workbook(io.BytesIO(data))
    demo_sheets = {shorten(s["title"]) for s in content["sections"]
                   if any(t["demo"] and not t["annex"] for t in s["tables"])}
    demo_sheets |= {shorten(t["sheet"] or f"Annex - {t['title']}") for s in content["sections"] for t in s["tables"]
                    if t["demo"] and t["annex"]}
    assert len(demo_sheets) >= 2  # the progress tables of the demonstration history, in a section and an annex
    for name in wb.sheetnames[1:]:
        assert _labels(wb[name]) == ({DEMO_NOTE} if name in demo_sheets else set()), name
    assert "KPI achievement" not in demo_sheets  # real KPI values and their data gaps: never labelled
    contents = wb["Contents"]
    for row in contents.iter_rows(min_row=1):
        if row[0].hyperlink is not None:
            assert row[3].value == (DEMO_NOTE if row[0].value in demo_sheets else None), row[0].value


def test_the_label_stands_just_above_its_table(db):
    content = {"meta": _meta(), "sections": [section("mixed", "Gaps", tables=[
        table("Real", ["KPI"], [["KPI-A1"]]),
        table("Demo", ["State", "Lines"], [["Malaysia", 3]], formats=["text", "int"], demo=True)])]}
    ws = load_workbook(io.BytesIO(render_xlsx(content)))["Gaps"]
    title = _find(ws, "Demo")
    assert ws.cell(title.row - 1, 1).value == DEMO_NOTE
    assert all(c.value is None for c in ws[title.row - 2]) and _find(ws, "Real").row < title.row - 2
    assert sum(c.value == DEMO_NOTE for row in ws.iter_rows() for c in row) == 1


def test_the_synthetic_label_marks_its_annex_sheet_and_contents_row_only(db):
    content = {"meta": _meta(), "sections": [section("survey", "Survey estimates", paragraphs=["Estimates."], tables=[
        table("Headline estimates", ["Domain", "Estimate"], [["all", 0.25]], formats=["text", "number"]),
        table("Every survey estimate", ["Domain", "Estimate", "n"], [["all", 0.25, 1200]],
              formats=["text", "number", "int"], annex=True, synthetic=True)])]}
    wb = load_workbook(io.BytesIO(render_xlsx(content)))
    assert wb.sheetnames == ["Contents", "Survey estimates", "Annex - Every survey estimate"]
    annex = wb["Annex - Every survey estimate"]
    assert [annex["A1"].value, annex["A2"].value, annex["A3"].value] == [SYNTHETIC_NOTE, "Every survey estimate",
                                                                         "Domain"]
    assert annex.freeze_panes == "A4" and annex["C4"].value == 1200 and annex["C4"].number_format == "#,##0"
    assert not _labels(wb["Survey estimates"]) and not _labels(wb["Contents"]) - {SYNTHETIC_NOTE}
    contents = wb["Contents"]
    assert contents.cell(_find(contents, "Annex - Every survey estimate").row, 4).value == SYNTHETIC_NOTE
    assert contents.cell(_find(contents, "Survey estimates").row, 4).value is None


def _meta(**more) -> dict:
    return {"title": "Old review", "kind_label": "Mid-term review", "cut_off": "2020-12-31",
            "plan_title": "SAP SMED", "plan_version": 1, "plan_version_label": "As endorsed",
            "kpi_years": [2016, 2020], "generated_at": "2021-01-05T10:00:00+00:00", **more}


def test_old_stored_contents_without_formats_or_table_marks_still_render(db):
    old = {"meta": _meta(demo=True), "sections": [
        {"id": "progress", "title": "Action-line status (progress monitoring)", "paragraphs": ["As reported."],
         "charts": [], "demo": True, "synthetic": False,
         "tables": [{"title": "Status", "columns": ["Line", "n"], "rows": [["B-2-1.1", 3], ["=1+2", "4"]],
                     "note": ""}]},
        {"id": "kpis", "title": "KPI achievement", "paragraphs": [], "charts": [], "demo": False,
         "tables": [{"title": "Goal E  Labor force participation", "columns": ["State", "Latest"],
                     "rows": [["Malaysia", "171,508.78 (2016)"]], "note": ""}]}]}
    wb = load_workbook(io.BytesIO(render_xlsx(old)))
    assert wb.sheetnames == ["Contents", "Action-line status", "KPI achievement"]
    ws = wb["Action-line status"]
    assert _labels(ws) == {DEMO_NOTE} and not _labels(wb["KPI achievement"])
    assert (_find(ws, "=1+2").data_type, _find(ws, 3).data_type) == ("s", "n")
    assert _find(wb["KPI achievement"], "171,508.78 (2016)").data_type == "s"


def test_the_workbook_reopens_with_calamine_as_typed_values(final_review_workbook):
    _, data = final_review_workbook
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.sheet_names == load_workbook(io.BytesIO(data)).sheetnames
    rows = book.get_sheet_by_name("KPI achievement").to_python()
    my = next(r for r in rows if r[:1] == ["Malaysia"] and r[2] == 2016 and r[4] == 2025 and r[1] == 50.986)
    assert my[:7] == ["Malaysia", 50.986, 2016, 51.643, 2025, 0.657, "Improved"]
    contents = book.get_sheet_by_name("Contents").to_python()
    assert contents[0][:2] == ["Review", "=Final review of the SAP SMED 2016-2025"]
    recs = book.get_sheet_by_name("Findings and recommendations").to_python()
    assert any(r[1] == "=SUM(A1:A3) is how the totals were made" for r in recs if len(r) > 1)
