"""What can be stored can be shown: values at and beyond every bound, through every write path, never a 500.

Each example sends one value (digits, 1e30, 1e309, infinities, NaN, full-width digits, control characters,
dates in 9999) through one path: the KPI entry form, the KPI API, a KPI import, the progress report form,
the progress API or the round workbook. Whatever is accepted must then show on every page, export and API
list that shows it: all answer 200. Each example is rolled back.
"""

import csv
import io
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from sapsmed.kpis.import_services import import_commit, import_prepare
from sapsmed.kpis.models import ImportStatus, Kpi, Observation
from sapsmed.plan.models import ActionLine, MemberState
from sapsmed.progress import excel
from sapsmed.progress.models import ProgressReport
from sapsmed.progress.services import report_save, round_open

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))

AT_AND_BEYOND = ["1e30", "-1e30", "1e309", "inf", "-Infinity", "NaN", "9999999999999999", "999999999999999",
                 "1234567890123456", "99999999999999.99", "99999999999999.9", "99999.9", "999999.9",
                 "0.123456789012", "0.1234567890123", "-1", "0", "\uff11\uff12\uff13", "1\x00", "12.5"]
numbers = st.one_of(st.sampled_from(AT_AND_BEYOND),
                    st.decimals(allow_nan=True, allow_infinity=True).map(str),
                    st.floats(allow_nan=True, allow_infinity=True).map(repr))
texts = st.sampled_from(["A\x00B", "bell\x07", "\x1b[31mred", "\u202eevil", "fine text", "=1+1", "x" * 2001])
dates = st.sampled_from(["9999-12-31", "1999-12-31", "2000-01-01", "2050-12-31", "2051-01-01", "0001-01-01"])


def all_ok(client, urls) -> None:
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)


@pytest.fixture
def unbounded_kpi(db):
    """A KPI with no upper bound of its own, so only the stored field's bounds stand in the way."""
    return Kpi.objects.filter(value_max__isnull=True).order_by("order").first()


def kpi_pages(code: str) -> list[str]:
    return ["/kpis/", f"/kpis/{code}/", "/kpis/states/MYS/", "/kpis/regional/", "/kpis/export.csv",
            "/kpis/export.xlsx", f"/kpis/{code}/chart.json", "/reviews/sdmx/kpi-observations.csv",
            "/api/observations/?state=MYS", "/api/kpi-assessments/?state=MYS"]


def long_csv(code: str, value: str, note: str = "") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["KPI", "State", "Year", "Value", "Source", "Note"])
    writer.writerow([code, "MYS", 2021, value, "National statistics office", note])
    return out.getvalue().encode()


@FUZZ
@given(path=st.sampled_from(["form", "api", "import"]), value=numbers, note=texts)
@example(path="import", value="1e30", note="fine text")
@example(path="import", value="9999999999999999", note="fine text")
def test_a_kpi_value_at_or_beyond_its_bounds_is_refused_or_shown_everywhere(
        path, value, note, client_for, personas, unbounded_kpi):
    code, focal = unbounded_kpi.code, client_for("focal_mys")
    with transaction.atomic():
        before = Observation.objects.count()
        facts = {"year": 2021, "value": value, "source": "National statistics office", "note": note,
                 "reason": "fuzz"}
        if path == "form":
            answer = focal.post(f"/kpis/{code}/MYS/enter/", facts).status_code
            assert answer in (200, 302, 400), answer
        elif path == "api":
            answer = focal.post("/api/observations/", {**facts, "kpi": code, "state": "MYS"},
                                content_type="application/json").status_code
            assert answer in (200, 201, 400), answer
        else:
            batch = import_prepare(content=long_csv(code, value, note), file_name="values.csv", reason="fuzz",
                                   user=personas["focal_mys"])
            if batch.status == ImportStatus.PREVIEWED:
                import_commit(batch=batch, user=personas["focal_mys"])
            assert focal.get(f"/kpis/import/{batch.pk}/").status_code == 200
        if Observation.objects.count() > before:
            all_ok(client_for("anonymous"), kpi_pages(code))
        transaction.set_rollback(True)


def test_a_value_the_field_cannot_hold_is_refused_by_each_path_with_the_same_sentence(
        client_for, personas, unbounded_kpi):
    code, focal = unbounded_kpi.code, client_for("focal_mys")
    said = "'1E+30' is too large to be stored: this field keeps at most 16 digits before the decimal point."
    facts = {"year": 2021, "value": "1e30", "source": "National statistics office", "reason": "fuzz"}
    form = focal.post(f"/kpis/{code}/MYS/enter/", facts)
    assert form.status_code == 200 and said.replace("'", "&#x27;") in form.content.decode()
    api = focal.post("/api/observations/", {**facts, "kpi": code, "state": "MYS"}, content_type="application/json")
    assert api.status_code == 400 and api.json()["value"] == [said]
    batch = import_prepare(content=long_csv(code, "1e30"), file_name="values.csv", reason="fuzz",
                           user=personas["focal_mys"])
    assert batch.status == ImportStatus.INVALID
    assert [(e["row"], e["column"], e["message"]) for e in batch.errors] == [(2, "Value", said)]
    assert not Observation.objects.filter(kpi=unbounded_kpi, state__iso3="MYS", year=2021).exists()


@pytest.fixture
def round_and_draft(personas):
    today = timezone.localdate()
    rnd = round_open(by=personas["secretariat"], name="2026-H2", opens_on=today - timedelta(days=10),
                     due_on=today + timedelta(days=20), locks_on=today + timedelta(days=30))
    report = report_save(by=personas["proponent_mys"], round=rnd, line=ActionLine.objects.get(code="B-2-1.3"),
                         state=MemberState.objects.get(iso3="MYS"),
                         values={"status": "on_track", "percent_complete": 40, "currency": "USD",
                                 "narrative": "Platform designed."},
                         milestones=[{"name": "Design", "planned_on": None, "reached_on": None}], revision=0)
    return rnd, report


def progress_pages(report) -> list[str]:
    return ["/progress/", f"/progress/reports/{report.pk}/", "/progress/lines/B-2-1.3/",
            f"/progress/rounds/{report.round.name}/workbook.xlsx", f"/progress/rounds/{report.round.name}/",
            "/progress/early-warning/", "/api/progress-reports/"]


REPORT_FIELDS = {"budget_spent": numbers, "personnel_actual": numbers, "percent_complete": numbers,
                 "planned_end": dates, "narrative": texts}
COLUMN_OF = {"budget_spent": "Budget spent", "personnel_actual": "Personnel in place",
             "percent_complete": "% complete", "planned_end": "Planned end", "narrative": "Narrative"}


@st.composite
def report_changes(draw):
    name = draw(st.sampled_from(sorted(REPORT_FIELDS)))
    return name, draw(REPORT_FIELDS[name])


def workbook_with(content: bytes, column: str, value: str) -> bytes:
    book = load_workbook(io.BytesIO(content))
    sheet = book["Reports"]
    header = next(row for row in sheet.iter_rows() if any(c.value == "Action line" for c in row))
    at = next(c.column for c in header if c.value == column)
    sheet.cell(header[0].row + 1, at, value.replace("\x00", "") if value else value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@FUZZ
@given(path=st.sampled_from(["form", "api", "workbook"]), change=report_changes())
@example(path="workbook", change=("budget_spent", "99999999999999.99"))
@example(path="workbook", change=("planned_end", "9999-12-31"))
def test_a_report_figure_at_or_beyond_its_bounds_is_refused_or_shown_everywhere(
        path, change, client_for, personas, round_and_draft):
    rnd, report = round_and_draft
    name, value = change
    proponent = client_for("proponent_mys")
    with transaction.atomic():
        revision = ProgressReport.objects.get(pk=report.pk).revision
        if path == "form":
            data = {"revision": revision, "intent": "save", "status": "on_track", "percent_complete": "40",
                    "currency": "USD", "narrative": "Platform designed.", "ms-TOTAL_FORMS": "0",
                    "ms-INITIAL_FORMS": "0", name: value}
            answer = proponent.post(f"/progress/rounds/{rnd.name}/reports/B-2-1.3/MYS/", data).status_code
            assert answer in (200, 302, 400), answer
        elif path == "api":
            answer = proponent.patch(f"/api/progress-reports/{report.pk}/", {"revision": revision, name: value},
                                     content_type="application/json").status_code
            assert answer in (200, 400, 409), answer
        else:
            content = workbook_with(excel.workbook(personas["proponent_mys"], rnd), COLUMN_OF[name], value)
            parsed = excel.parse(personas["proponent_mys"], rnd, content, "reports.xlsx")
            if parsed.ok:
                excel.commit(personas["proponent_mys"], rnd, parsed)
        if ProgressReport.objects.get(pk=report.pk).revision > revision:
            all_ok(proponent, progress_pages(report))
            # The workbook is the proponent's own download; every other page the Secretariat reads too.
            all_ok(client_for("secretariat"), [url for url in progress_pages(report) if "workbook" not in url])
        transaction.set_rollback(True)


def test_a_budget_the_field_cannot_hold_is_refused_on_its_cell_and_by_the_form(client_for, personas, round_and_draft):
    rnd, report = round_and_draft
    content = workbook_with(excel.workbook(personas["proponent_mys"], rnd), "Budget spent", "99999999999999.99")
    parsed = excel.parse(personas["proponent_mys"], rnd, content, "reports.xlsx")
    said = "'99999999999999.99' is too large to be stored: this field keeps at most 14 digits before the decimal point."
    assert [(e.sheet, e.row, e.column, e.message) for e in parsed.errors] == [("Reports", 2, "Budget spent", said)]
    dated = workbook_with(excel.workbook(personas["proponent_mys"], rnd), "Planned end", "9999-12-31")
    errors = excel.parse(personas["proponent_mys"], rnd, dated, "reports.xlsx").errors
    assert [(e.column, e.message) for e in errors] == [
        ("Planned end", "'9999-12-31' is out of range (expected a date from 2000-01-01 to 2050-12-31).")]
    response = client_for("proponent_mys").post(
        f"/progress/rounds/{rnd.name}/reports/B-2-1.3/MYS/",
        {"revision": report.revision, "intent": "save", "budget_spent": "99999999999999.99", "ms-TOTAL_FORMS": "0",
         "ms-INITIAL_FORMS": "0"})
    assert response.status_code == 400 and said.replace("'", "&#x27;") in response.content.decode()
    assert ProgressReport.objects.get(pk=report.pk).revision == report.revision
