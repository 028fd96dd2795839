"""One world for the page matrix: every kind of object a page shows, made through the apps' own services.

It is built once per test module inside a transaction that is rolled back at the end (each test then
runs in a savepoint of it), because the matrix makes about a thousand requests against the same
objects and rebuilding them per test would cost minutes.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

# The personas of the project's conftest, plus a proponent of another state (Thailand) who must never
# reach Malaysia's reports or files.
EXTRA_PERSONAS = {"proponent_tha": ("proponent", {"state": "THA"})}
PDF = b"%PDF-1.7\n% evidence for the page matrix\n"
# Malaysia leads B-2-1.3 (goal B) with Laos; Thailand leads A-1-2.1 (goal A) with Viet Nam, and Malaysia does not.
MYS_LINE, THA_LINE = "B-2-1.3", "A-1-2.1"
ROUND, LOCKED_ROUND = "2026-H2", "2026-H1"


@dataclass
class World:
    users: dict
    ids: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)  # uploads the POST matrix sends again

    def client(self, persona: str, **kwargs) -> Client:
        client = Client(**kwargs)
        if persona != "anonymous":
            client.force_login(self.users[persona])
        return client

    def url(self, template: str) -> str:
        return template.format(**self.ids)


def _personas() -> dict:
    from conftest import PERSONAS, _persona

    return {name: _persona(name, role, **scope) for name, (role, scope) in {**PERSONAS, **EXTRA_PERSONAS}.items()}


def _long_csv(rows) -> bytes:
    lines = ["KPI,State,Year,Value,Source,Note"] + [",".join(str(c) for c in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def _long_xlsx(rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Observations"
    book.active.append(["KPI", "State", "Year", "Value", "Source", "Note"])
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _plan_and_roadmap(w: World) -> None:
    from sapsmed.plan.amendment_services import amendment_approve, amendment_operation_add, amendment_record
    from sapsmed.plan.roadmap_services import roadmap_import_upload

    sec = w.users["secretariat"]
    approved = amendment_record(user=sec, title="Re-time B-2-1.2", reason="ACCMSME decision",
                                decision_reference="ACCMSME meeting, 2026")
    amendment_operation_add(amendment=approved, operation={"op": "retime", "code": "B-2-1.2", "target_year": 2024,
                                                           "time_frame": None}, user=sec)
    amendment_approve(amendment=approved, user=sec)
    draft = amendment_record(user=sec, title="Draft changes", reason="Being prepared",
                             decision_reference="To be decided")
    amendment_operation_add(amendment=draft, operation={"op": "retime", "code": "B-2-1.2", "target_year": 2025,
                                                        "time_frame": None}, user=sec)
    exported = w.client("secretariat").get("/roadmap/roadmap.xlsx").content
    upload, _ = roadmap_import_upload(user=sec, filename="roadmap.xlsx", content=exported)
    w.files["roadmap.xlsx"] = exported
    w.ids.update(amendment_approved=approved.pk, amendment_draft=draft.pk, roadmap_import=upload.pk)


def _kpis(w: World) -> None:
    from sapsmed.kpis.import_services import import_prepare
    from sapsmed.kpis.models import Kpi
    from sapsmed.kpis.services import observation_record
    from sapsmed.plan.models import MemberState

    focal = w.users["focal_mys"]
    obs = observation_record(kpi=Kpi.objects.get(code="KPI-E1"), state=MemberState.objects.get(iso3="MYS"),
                             year=2019, value=48.4, source="DOSM, SME Insights 2019", user=focal, reason="Entered")
    good = import_prepare(content=_long_csv([["KPI-E1", "MYS", 2020, 48.0, "DOSM 2020", ""]]),
                          file_name="values.csv", reason="", user=focal)
    bad = import_prepare(content=_long_xlsx([["KPI-E1", "MYS", 2021, "many", "DOSM 2021", ""]]),
                         file_name="values.xlsx", reason="", user=focal)
    assert good.status == "previewed" and bad.status == "invalid", (good.errors, bad.errors)
    w.ids.update(observation=obs.pk, kpi_import=good.pk, kpi_import_bad=bad.pk)


def _progress(w: World) -> None:
    from sapsmed.progress.attachments import attachment_add
    from sapsmed.progress.services import round_lock, round_open
    from sapsmed.progress.tests.conftest import make_report

    today = timezone.localdate()
    rnd = round_open(by=w.users["secretariat"], name=ROUND, opens_on=today - timedelta(days=10),
                     due_on=today + timedelta(days=20), locks_on=today + timedelta(days=30))
    mys = make_report(w.users["proponent_mys"], rnd, code=MYS_LINE, iso3="MYS")
    tha = make_report(w.users["proponent_tha"], rnd, code=THA_LINE, iso3="THA")
    att_mys = attachment_add(by=w.users["proponent_mys"], report=mys, upload=SimpleUploadedFile("mys.pdf", PDF))
    att_tha = attachment_add(by=w.users["proponent_tha"], report=tha, upload=SimpleUploadedFile("tha.pdf", PDF))
    client = w.client("proponent_mys")
    workbook = client.get(f"/progress/rounds/{ROUND}/workbook.xlsx").content
    response = client.post(f"/progress/rounds/{ROUND}/upload/",
                           {"file": SimpleUploadedFile("reports.xlsx", workbook)})
    assert response.status_code == 302, response.content.decode()[:2000]
    w.files["reports.xlsx"] = workbook
    upload = re.search(r"/progress/uploads/([0-9a-f-]+)/", response["Location"]).group(1)
    w.ids.update(round=rnd.name, report_mys=mys.pk, report_tha=tha.pk, attachment_mys=att_mys.pk,
                 attachment_tha=att_tha.pk, workbook_upload=upload)
    # A round the Secretariat locked before its lock date, so that its page offers the reopen form.
    locked = round_open(by=w.users["secretariat"], name=LOCKED_ROUND, opens_on=today - timedelta(days=40),
                        due_on=today + timedelta(days=5), locks_on=today + timedelta(days=15))
    round_lock(by=w.users["secretariat"], round=locked, reason="Tabled at the meeting.")
    w.ids.update(round_locked=locked.name)


def _surveys(w: World) -> None:
    from sapsmed.core.survey import statistics, synthetic
    from sapsmed.surveys import services
    from sapsmed.surveys.definitions import msme_definitions_load
    from sapsmed.surveys.models import Estimate
    from sapsmed.surveys.tests.conftest import csv_bytes, make_survey, real_like, store

    msme_definitions_load()
    survey = make_survey()
    table = synthetic.generate_table(400, seed=7, rows_per_psu=20)
    w.files["enterprises.csv"] = csv_bytes(real_like(table))
    job = store(survey, "enterprises.csv", w.files["enterprises.csv"], user=w.users["secretariat"])
    assert job.status == "succeeded", job.message
    dataset = survey.datasets.get()
    run = services.estimate_run_start(survey=survey, dataset=dataset, by=["state"],
                                      statistics=list(statistics(props=["has_overseas_investment"])),
                                      user=w.users["secretariat"])
    mys_survey = make_survey(states=["MYS"], name="Malaysia enterprise survey 2016")
    estimate = Estimate.objects.get(run=run, state__iso3="MYS")
    w.ids.update(survey=survey.pk, survey_mys=mys_survey.pk, dataset=dataset.pk, run=run.pk, estimate=estimate.pk)


def _reviews_and_jobs(w: World) -> None:
    from sapsmed.jobs.services import job_create, job_start, job_succeed
    from sapsmed.plan.models import PlanVersion
    from sapsmed.reviews import services
    from sapsmed.reviews.models import Review

    sec = w.users["secretariat"]
    review = services.review_create(user=sec, kind="mid_term", title="Mid-Term Review", cut_off=date(2020, 12, 31),
                                    plan_version=PlanVersion.objects.get(number=1), kpi_year_from=2016,
                                    kpi_year_to=2020, findings="Uneven.",
                                    recommendations="Fill the KPI gaps")
    # The matrix asks who may fetch the files, not how they look (the reviews tests render them), so a
    # one-line PDF stands in for the seconds-long layout.
    with mock.patch("sapsmed.reviews.services.render_pdf", return_value=PDF):
        services.review_generate_start(review=review, user=sec)
    review = Review.objects.get(pk=review.pk)
    published = services.review_freeze(review=review, user=sec, label="Tabled at the 1st meeting",
                                       tabled_on=date(2021, 3, 1))
    services.snapshot_publish(snapshot=published, user=sec, published=True)
    unpublished = services.review_freeze(review=review, user=sec, label="Tabled at the 2nd meeting",
                                         tabled_on=date(2021, 9, 1))
    edition = services.scorecard_publish(user=sec, label="KPI scorecard, 20th ACCMSME", as_of=date(2026, 11, 20))
    withdrawn = services.scorecard_publish(user=sec, label="KPI scorecard, withdrawn", as_of=date(2026, 5, 1))
    services.scorecard_edition_publish(edition=withdrawn, user=sec, published=False)
    own_job = job_succeed(job_start(job_create(kind="test", title="Malaysia's file", user=w.users["proponent_mys"])),
                          message="Done", file_name="mys.pdf", file_bytes=PDF)
    # The review's own job ends on the review (a redirect); the matrix asks who may read a job and its file.
    sec_job = job_succeed(job_start(job_create(kind="test", title="The Secretariat's file", user=sec)),
                          message="Done", file_name="sec.pdf", file_bytes=PDF)
    w.ids.update(edition=edition.pk, edition_withdrawn=withdrawn.pk)
    w.ids.update(review=review.pk, snapshot_published=published.pk, snapshot_unpublished=unpublished.pk,
                 job_secretariat=sec_job.pk, job_mys=own_job.pk)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One world per test module, rolled back at its end; each test runs in a savepoint inside it."""
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    with django_db_blocker.unblock(), media, transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def cheap_renders(monkeypatch):
    # Who may fetch a PDF or a chart is what is asked here; drawing them nine times a page costs tens of
    # seconds, and the roadmap, KPI and review tests check the drawings themselves.
    monkeypatch.setattr("sapsmed.plan.roadmap_views.roadmap_pdf", lambda ctx, base_url: b"%PDF-1.7\n")
    monkeypatch.setattr("sapsmed.kpis.charts.chart_svg", lambda spec: "<svg/>")
    monkeypatch.setattr("sapsmed.kpis.charts.chart_png", lambda spec: b"\x89PNG\r\n\x1a\n")
    monkeypatch.setattr("sapsmed.reviews.render.chart_svg_uri", lambda spec: "data:,")
    monkeypatch.setattr("sapsmed.reviews.render.chart_png_uri", lambda spec: "data:,")
    # "What changed since it was tabled" recomputes a whole review per request; the reviews tests check it.
    monkeypatch.setattr("sapsmed.reviews.services.snapshot_changes", lambda snapshot: [])
    monkeypatch.setattr("sapsmed.reviews.services.edition_changes", lambda edition: [])


def build_world() -> World:
    w = World(users=_personas())
    for step in (_plan_and_roadmap, _kpis, _progress, _surveys, _reviews_and_jobs):
        step(w)
    return w
