"""Reviews: generated from the platform's data, frozen as tabled, published; numbers equal the pages'."""

import subprocess
from datetime import date

import pytest

from sapsmed.jobs.models import Job
from sapsmed.plan.models import PlanVersion, StrategicGoal
from sapsmed.reviews import sections, services
from sapsmed.reviews.content import section, table
from sapsmed.reviews.models import Review, Snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf_text(field) -> str:
    with field.open("rb") as fh:
        return subprocess.run(["pdftotext", "-layout", "-", "-"], input=fh.read(), capture_output=True,
                              check=True).stdout.decode()


@pytest.fixture
def review(personas):
    return Review.objects.create(kind="mid_term", title="Mid-Term Review of the SAP SMED 2016-2025",
                                 cut_off=date(2020, 12, 31), plan_version=PlanVersion.objects.get(number=1),
                                 kpi_year_from=2016, kpi_year_to=2020,
                                 findings="Progress was uneven across goals.\n\nData gaps remain for national KPIs.",
                                 recommendations="Adopt a common SME definition for statistics\nFill the KPI gaps",
                                 created_by=personas["secretariat"])


def generate(client, review):
    response = client.post(f"/reviews/{review.pk}/generate/")
    job = Job.objects.filter(params__review=review.pk).latest("created_at")
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == "succeeded", job.message
    review.refresh_from_db()
    return review


def test_the_secretariat_creates_a_review_and_others_cannot(client_for):
    data = {"kind": "final", "title": "Final review", "cut_off": "2025-12-31", "kpi_year_from": 2016,
            "kpi_year_to": 2025, "plan_version": PlanVersion.objects.get(number=1).pk, "rounds": ""}
    assert client_for("champion_b").post("/reviews/", data).status_code == 403
    assert not Review.objects.filter(title="Final review").exists()
    response = client_for("secretariat").post("/reviews/", data)
    assert response.status_code == 302 and Review.objects.filter(title="Final review").exists()


def test_the_generated_pdf_has_a_cover_contents_sections_and_numbered_pages(client_for, review):
    review = generate(client_for("secretariat"), review)
    text = pdf_text(review.pdf)
    assert "Mid-Term Review of the SAP SMED 2016-2025" in text
    assert "Contents" in text and "The plan and its versions" in text
    assert "Findings and recommendations" in text and "Adopt a common SME definition for statistics" in text
    assert "Page 1 of" in text.replace("\n", " ") or "Page 2 of" in text
    for number, s in enumerate(review.content["sections"], 1):
        assert f"{number}. {s['title']}" in text  # in the contents and as the section's heading
    assert [s["id"] for s in review.content["sections"]] == ["plan", "summary", "kpis", "progress", "amendments",
                                                             "survey", "findings"]


def test_the_report_shows_the_same_champions_as_the_goal_pages(client_for, review):
    review = generate(client_for("secretariat"), review)
    rows = {r[0]: r[2] for s in review.content["sections"] for t in s["tables"]
            if t["title"] == "Strategic goals and Country Champions" for r in t["rows"]}
    for goal in StrategicGoal.objects.prefetch_related("champions"):
        page = client_for("anonymous").get(f"/goals/{goal.code}/").content.decode()
        for name in rows[goal.code].split(", "):
            assert name in page


def test_the_workbook_holds_every_table_of_the_report(client_for, review):
    from openpyxl import load_workbook

    review = generate(client_for("secretariat"), review)
    with review.xlsx.open("rb") as fh:
        wb = load_workbook(fh)
    annexes = [t["title"] for s in review.content["sections"] for t in s["tables"] if t["annex"]]
    assert len(wb.sheetnames) == 1 + len(review.content["sections"]) + len(annexes)  # contents, sections, annexes
    assert wb["Contents"]["B1"].value == review.title
    cells = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row}
    assert {t["title"] for s in review.content["sections"] for t in s["tables"]} <= cells


def test_demonstration_data_are_marked_on_every_page_that_shows_them(client_for, review, monkeypatch):
    rows = [[f"B-2-1.{i}", "Delayed", i] for i in range(1, 90)]  # long enough to run over two pages
    demo = section("progress", "Action-line status", demo=True, tables=[table("Status", ["Line", "Status", "n"], rows)])
    monkeypatch.setattr(sections, "PROVIDERS", [lambda review: demo])
    review = generate(client_for("secretariat"), review)
    pages = pdf_text(review.pdf).split("\f")
    demo_pages = [p for p in pages if "B-2-1." in p]
    assert len(demo_pages) >= 2
    assert all("DEMONSTRATION DATA" in p for p in demo_pages)
    assert "DEMONSTRATION DATA" not in next(p for p in pages if "Plan versions" in p)


def test_a_snapshot_does_not_change_when_the_data_change_and_says_what_changed(client_for, review):
    client = client_for("secretariat")
    review = generate(client, review)
    response = client.post(f"/reviews/{review.pk}/freeze/",
                           {"label": "As tabled at the 19th ACCMSME meeting, 5 May 2021", "tabled_on": "2021-05-05"})
    snap = Snapshot.objects.get(review=review)
    assert response["Location"] == f"/reviews/snapshots/{snap.pk}/"
    before = (snap.checksum, pdf_text(snap.pdf))
    goal = StrategicGoal.objects.get(code="B")
    goal.title = "Increase Access to Finance for MSMEs"
    goal.save()
    generate(client, review)  # the review moves on; the snapshot must not
    snap.refresh_from_db()
    assert (snap.checksum, pdf_text(snap.pdf)) == before
    html = client.get(f"/reviews/snapshots/{snap.pk}/").content.decode()
    assert "verified: unchanged since it was frozen" in html
    assert "Increase Access to Finance for MSMEs" not in html and 'href="?compare=1#changes"' in html  # on demand
    html = client.get(f"/reviews/snapshots/{snap.pk}/?compare=1").content.decode()
    assert "Increase Access to Finance for MSMEs" in html  # listed among the changes since tabled
    assert "&#x27;Increase Access to Finance&#x27; as tabled" in html


def test_freezing_before_generating_is_refused_with_a_reason(client_for, review):
    client = client_for("secretariat")
    client.post(f"/reviews/{review.pk}/freeze/", {"label": "x", "tabled_on": "2021-05-05"})
    assert not Snapshot.objects.exists()
    assert "Generate the report before freezing it" in client.get(f"/reviews/{review.pk}/").content.decode()


def test_a_published_snapshot_is_public_and_an_unpublished_one_is_not(client_for, review):
    client = client_for("secretariat")
    generate(client, review)
    client.post(f"/reviews/{review.pk}/freeze/", {"label": "Tabled", "tabled_on": "2021-05-05"})
    snap = Snapshot.objects.get()
    anonymous = client_for("anonymous")
    assert anonymous.get(f"/reviews/snapshots/{snap.pk}/").status_code == 302
    assert client_for("outsider").get(f"/reviews/snapshots/{snap.pk}/").status_code == 403
    client.post(f"/reviews/snapshots/{snap.pk}/publish/", {"published": "1"})
    page = anonymous.get(f"/reviews/snapshots/{snap.pk}/")
    assert page.status_code == 200 and "Changed in the data since" not in page.content.decode()
    assert "Tabled" in anonymous.get("/reviews/published/").content.decode()
    assert anonymous.get(f"/reviews/snapshots/{snap.pk}/pdf/").status_code == 200


@pytest.mark.parametrize(("persona", "status"), [("anonymous", 302), ("outsider", 403), ("viewer", 200),
                                                 ("champion_b", 200), ("secretariat", 200)])
def test_who_reads_reviews(client_for, review, persona, status):
    assert client_for(persona).get(f"/reviews/{review.pk}/").status_code == status
    assert client_for(persona).get("/reviews/").status_code == status


@pytest.mark.parametrize("persona", ["viewer", "champion_b", "focal_mys"])
def test_only_the_secretariat_generates_freezes_and_publishes(client_for, review, persona):
    client = client_for(persona)
    assert client.post(f"/reviews/{review.pk}/generate/").status_code == 403
    assert client.post(f"/reviews/{review.pk}/freeze/", {"label": "x", "tabled_on": "2021-01-01"}).status_code == 403
    assert not Job.objects.exists() and not Snapshot.objects.exists()


def test_the_reports_kpi_numbers_equal_the_scorecards(client_for, personas):
    from io import StringIO

    from django.core.management import call_command

    from sapsmed.kpis import selectors

    call_command("load_observations", stdout=StringIO())
    review = Review.objects.create(kind="final", title="Final review", cut_off=date(2025, 12, 31),
                                   plan_version=PlanVersion.objects.get(number=1), kpi_year_from=2016,
                                   kpi_year_to=2030, created_by=personas["secretariat"])
    review = generate(client_for("secretariat"), review)
    kpi_tables = {t["key"]: t for s in review.content["sections"] if s["id"] == "kpis" for t in s["tables"]}
    card = selectors.scorecard()
    checked = 0
    for state, cells in card["rows"]:
        for cell in cells:
            row = next(r for r in kpi_tables[cell.kpi.code]["rows"] if r[0] == state.name)
            assert row[6] == cell.status.label, (cell.kpi.code, state.name)
            checked += cell.assessed
    assert checked > 50  # the real data assess most WDI series
    scorecard_html = client_for("anonymous").get("/kpis/").content.decode()
    fe_my = next(r for r in kpi_tables["KPI-E2"]["rows"] if r[0] == "Malaysia")
    assert fe_my[6] in scorecard_html
    assert any(c["title"].startswith("Labor force participation rate, female") for s in review.content["sections"]
               for c in s["charts"])


def test_a_generated_report_keeps_its_drawings_and_its_pages_draw_nothing(client_for, review, monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    call_command("load_observations", stdout=StringIO())  # the KPIs' values, so that the report has charts
    client = client_for("secretariat")
    review = generate(client, review)
    charts = [c for s in review.content["sections"] for c in s["charts"]]
    assert charts and all(c["svg"].startswith("data:image/svg+xml;base64,") for c in charts)
    snap = services.review_freeze(review=review, user=review.created_by, label="Tabled", tabled_on=date(2021, 5, 5))

    def refuse(spec):
        raise AssertionError("a page drew a chart")

    monkeypatch.setattr("sapsmed.reviews.render.chart_svg_uri", refuse)
    for url in (f"/reviews/{review.pk}/", f"/reviews/snapshots/{snap.pk}/"):
        page = client.get(url)
        assert page.status_code == 200 and charts[0]["svg"] in page.content.decode()
