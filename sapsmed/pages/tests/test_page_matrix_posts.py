"""Every form's POST for every persona: who may change the data, and that a refused POST changes nothing.

Answers as in test_page_matrix (200, L, 403, 404, 302 sent back with a message); "ok" marks the persona
whose POST is made last and must change what the row looks at; "·" marks another persona the policy also
allows, not tried here (its change would spoil the others' "nothing changed"). Rows whose form needs a
long valid entry check only that the allowed persona is not turned away (`changes=False`).
Every POST form a page of the GET matrix shows must have a row here (checked by that matrix),
and forms refuse a POST without the CSRF token.
"""

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve
from rest_framework.authtoken.models import Token

from sapsmed.jobs.models import Job
from sapsmed.kpis.models import Observation, ObservationImport, Target
from sapsmed.pages.tests import page_matrix_world
from sapsmed.pages.tests.page_matrix_world import PDF
from sapsmed.pages.tests.test_page_matrix import PERSONAS, answer_of, answers
from sapsmed.plan.models import ActionLineVersion
from sapsmed.plan.roadmap_models import Amendment, RoadmapImport
from sapsmed.progress.models import Attachment, ProgressReport, ReportingRound, RoundException, WorkbookUpload
from sapsmed.reviews.models import Review, ScorecardEdition, Snapshot
from sapsmed.surveys.models import Survey

pytestmark = pytest.mark.django_db
world = page_matrix_world.world  # the module's fixtures


def count(model, **filters):
    return lambda w: model.objects.filter(**filters).count()


def field_of(model, pk_key, name):
    return lambda w: model.objects.filter(pk=w.ids[pk_key]).values_list(name, flat=True).first()


def upload(name, key=None, content=None):
    return lambda w: {"file": SimpleUploadedFile(name, content if content is not None else w.files[key])}


def amendment_ops(w):
    return len(Amendment.objects.get(pk=w.ids["amendment_draft"]).operations)


def line_retired(w):
    return ActionLineVersion.objects.filter(action_line__code="B-2-1.3", retired=True).count()


def report_submitted(w):
    return ProgressReport.objects.get(pk=w.ids["report_mys"]).workflow_status


def report_revision(w):
    return ProgressReport.objects.get(pk=w.ids["report_mys"]).revision


def report_form(w):
    from sapsmed.progress.tests.conftest import GOOD

    report = ProgressReport.objects.get(pk=w.ids["report_mys"])
    data = {k: v for k, v in GOOD.items() if v is not None}
    return data | {"revision": report.revision, "ms-TOTAL_FORMS": 0, "ms-INITIAL_FORMS": 0, "intent": "save"}


def target_form(w):
    return {"value": 50, "year": 2025, "set_by": "ACCMSME", "decided": "ACCMSME, 2026", "source": "Minutes",
            "reason": "Target set"}


def estimate_post_form(w):
    from sapsmed.kpis.models import Kpi

    return {"kpi": Kpi.objects.get(code="KPI-C2").pk, "year": 2016, "scale": 100, "reason": "Baseline survey"}


def act_form(w):
    return {"action": "submit", "revision": ProgressReport.objects.get(pk=w.ids["report_mys"]).revision, "note": ""}


def static(data):
    return lambda w: data


R = "{round}"
# Columns:      anon out sec chA chB pMY fMY vwr pTH
SEC_ONLY =     "L    403 ok  403 403 403 403 403 403"
FOCAL_MYS =    "L    403 ·   403 403 403 ok  403 403"  # the Secretariat may too
SIGNED_IN = "L ok · · · · · · ·"

# (URL pattern, URL, data, answers, what the row looks at, whether the allowed POST must change it)
POST_MATRIX = [
    ("accounts/login/", "/accounts/login/", static({"username": "nobody", "password": "wrong"}),
     "200 200 200 200 200 200 200 200 200", None, False),
    ("accounts/logout/", "/accounts/logout/", static({}), "302 302 302 302 302 302 302 302 302", None, False),
    ("accounts/api-token/", "/accounts/api-token/", static({}), "L 302 302 302 302 302 302 302 302",
     count(Token), False),
    ("reviews/", "/reviews/", static({"kind": "final", "title": "Final review", "cut_off": "2025-12-31",
                                      "kpi_year_from": 2016, "kpi_year_to": 2025, "plan_version": 1, "rounds": ""}),
     SEC_ONLY, count(Review), True),
    ("reviews/<int:pk>/draft-amendment/", "/reviews/{review}/draft-amendment/", static({}), SEC_ONLY,
     count(Amendment), True),
    ("reviews/<int:pk>/generate/", "/reviews/{review}/generate/", static({}), SEC_ONLY, count(Job), True),
    ("reviews/<int:pk>/findings/", "/reviews/{review}/findings/",
     static({"findings": "Changed.", "recommendations": "None"}), SEC_ONLY, field_of(Review, "review", "findings"),
     True),
    ("reviews/<int:pk>/freeze/", "/reviews/{review}/freeze/", static({"label": "Tabled", "tabled_on": "2022-01-01"}),
     SEC_ONLY, count(Snapshot), True),
    ("reviews/snapshots/<int:pk>/publish/", "/reviews/snapshots/{snapshot_unpublished}/publish/",
     static({"published": "1"}), SEC_ONLY, field_of(Snapshot, "snapshot_unpublished", "published"), True),
    ("reviews/scorecards/publish/", "/reviews/scorecards/publish/",
     static({"label": "KPI scorecard, 21st ACCMSME", "as_of": "2027-05-01"}), SEC_ONLY, count(ScorecardEdition),
     True),
    ("reviews/scorecards/<int:pk>/withdraw/", "/reviews/scorecards/{edition}/withdraw/", static({"published": "0"}),
     SEC_ONLY, field_of(ScorecardEdition, "edition", "published"), True),
    ("kpis/import/", "/kpis/import/", upload("more.csv", content=b"KPI,State,Year,Value,Source\n"
                                                                b"KPI-E1,MYS,2022,47,DOSM\n"),
     FOCAL_MYS, count(ObservationImport), True),
    ("kpis/import/<int:pk>/", "/kpis/import/{kpi_import}/", static({}), FOCAL_MYS, count(Observation), True),
    ("kpis/observations/<int:pk>/validate/", "/kpis/observations/{observation}/validate/", static({}), FOCAL_MYS,
     field_of(Observation, "observation", "status"), True),
    ("kpis/<str:code>/target/", "/kpis/KPI-E1/target/", target_form, SEC_ONLY, count(Target), True),
    ("kpis/<str:code>/target/", "/kpis/KPI-E1/target/?state=MYS", target_form, FOCAL_MYS, count(Target), True),
    ("kpis/<str:code>/<str:iso3>/enter/", "/kpis/KPI-E1/MYS/enter/",
     static({"year": 2023, "value": 47.5, "source": "DOSM 2023", "reason": ""}), FOCAL_MYS, count(Observation), True),
    # Readers of the report who may not submit it are sent back to it with the refusal in words.
    ("progress/reports/<int:pk>/act/", "/progress/reports/{report_mys}/act/", act_form,
     "L 403 302 403 302 ok 302 302 403", report_submitted, True),
    ("progress/reports/<int:pk>/evidence/", "/progress/reports/{report_mys}/evidence/",
     upload("more.pdf", content=PDF), "L 403 403 403 403 ok 403 403 403", count(Attachment), True),
    ("progress/evidence/<int:pk>/delete/", "/progress/evidence/{attachment_mys}/delete/", static({}),
     "L 403 403 403 403 ok 403 403 403", count(Attachment), True),
    ("progress/rounds/new/", "/progress/rounds/new/",
     static({"name": "2027-H1", "opens_on": "2027-01-01", "due_on": "2027-06-01", "locks_on": "2027-07-01"}),
     SEC_ONLY, count(ReportingRound), True),
    ("progress/rounds/<str:name>/lock/", f"/progress/rounds/{R}/lock/", static({"reason": "Closed", "confirm": "yes"}),
     SEC_ONLY, count(ReportingRound, locked_at__isnull=False), True),
    ("progress/rounds/<str:name>/reopen/", "/progress/rounds/{round_locked}/reopen/",
     static({"reason": "Locked too early"}), SEC_ONLY, count(ReportingRound, locked_at__isnull=False), True),
    ("progress/rounds/<str:name>/exceptions/", f"/progress/rounds/{R}/exceptions/",
     static({"report": "B-2-1.3|MYS", "reason": "Late data"}), SEC_ONLY, count(RoundException), True),
    ("progress/rounds/<str:name>/reports/<str:code>/<str:iso3>/", f"/progress/rounds/{R}/reports/B-2-1.3/MYS/",
     report_form, "L 403 403 403 403 ok 403 403 403", report_revision, True),
    ("progress/rounds/<str:name>/upload/", f"/progress/rounds/{R}/upload/", upload("reports.xlsx", "reports.xlsx"),
     "L 403 403 403 403 ok 403 403 ·", count(WorkbookUpload), True),
    ("progress/uploads/<uuid:pk>/", "/progress/uploads/{workbook_upload}/", static({}),
     "L 404 404 404 404 ok 404 404 404", count(WorkbookUpload, committed_at__isnull=False), True),
    ("evidence/surveys/new/", "/evidence/surveys/new/", static({"name": "x"}), FOCAL_MYS, count(Survey), False),
    ("evidence/surveys/<int:pk>/upload/", "/evidence/surveys/{survey_mys}/upload/",
     upload("enterprises.csv", "enterprises.csv"), FOCAL_MYS, count(Job), True),
    ("evidence/surveys/<int:pk>/datasets/<int:dataset_pk>/estimate/",
     "/evidence/surveys/{survey}/datasets/{dataset}/estimate/", static({}), SEC_ONLY, None, False),
    ("evidence/estimates/<int:pk>/post/", "/evidence/estimates/{estimate}/post/", estimate_post_form, FOCAL_MYS,
     count(Observation), True),
    ("action-lines/<str:code>/edit/", "/action-lines/B-2-1.3/edit/", static({"reason": "x"}), SEC_ONLY, None, False),
    ("action-lines/<str:code>/retire/", "/action-lines/B-2-1.3/retire/", static({"reason": "Done", "retired": "1"}),
     SEC_ONLY, line_retired, True),
    ("roadmap/lines/new/", "/roadmap/lines/new/", static({"reason": "x"}), SEC_ONLY, None, False),
    ("roadmap/import/", "/roadmap/import/",
     lambda w: {"workbook": SimpleUploadedFile("r.xlsx", w.files["roadmap.xlsx"])}, SEC_ONLY,
     count(RoadmapImport), True),
    ("roadmap/import/<int:pk>/", "/roadmap/import/{roadmap_import}/", static({}), SEC_ONLY,
     field_of(RoadmapImport, "roadmap_import", "status"), True),
    ("roadmap/amendments/new/", "/roadmap/amendments/new/",
     static({"title": "v3", "reason": "Because", "decision_reference": "ACCMSME"}), SEC_ONLY, count(Amendment), True),
    ("roadmap/amendments/<int:pk>/lines/new/", "/roadmap/amendments/{amendment_draft}/lines/new/", static({}),
     SEC_ONLY, None, False),
    ("roadmap/amendments/<int:pk>/lines/<str:code>/", "/roadmap/amendments/{amendment_draft}/lines/B-2-1.3/",
     static({}), SEC_ONLY, None, False),
    ("roadmap/amendments/<int:pk>/retime/", "/roadmap/amendments/{amendment_draft}/retime/",
     static({"code": "B-2-1.3", "target_year": 2024}), SEC_ONLY, amendment_ops, True),
    ("roadmap/amendments/<int:pk>/drop/", "/roadmap/amendments/{amendment_draft}/drop/", static({"code": "B-2-1.3"}),
     SEC_ONLY, amendment_ops, True),
    ("roadmap/amendments/<int:pk>/operations/<int:index>/delete/",
     "/roadmap/amendments/{amendment_draft}/operations/0/delete/", static({}), SEC_ONLY, amendment_ops, True),
    ("roadmap/amendments/<int:pk>/approve/", "/roadmap/amendments/{amendment_draft}/approve/", static({}), SEC_ONLY,
     field_of(Amendment, "amendment_draft", "status"), True),
]
XFAIL: dict[str, str] = {}


@pytest.fixture
def no_layout():
    # A review's generation lays out a PDF for seconds; who may start it is what is asked here.
    with mock.patch("sapsmed.reviews.services.render_pdf", return_value=PDF):
        yield


@pytest.mark.parametrize(("route", "url", "data", "spec", "looks_at", "changes"), POST_MATRIX,
                         ids=[row[1] for row in POST_MATRIX])
def test_only_the_policys_personas_change_anything(world, no_layout, route, url, data, spec, looks_at, changes,
                                                   request):
    if url in XFAIL:
        request.applymarker(pytest.mark.xfail(strict=True, reason=XFAIL[url]))
    target = world.url(url)
    assert resolve(target.split("?")[0]).route == route, "the row names the wrong pattern"
    expected = answers(spec)
    before = looks_at(world) if looks_at else None
    wrong = []
    for persona in [p for p in PERSONAS if expected[p] not in ("ok", "·")]:
        got = answer_of(world.client(persona).post(target, data(world)))
        if got != expected[persona]:
            wrong.append(f"{persona}: expected {expected[persona]}, got {got}")
        if looks_at and looks_at(world) != before:
            wrong.append(f"{persona}'s refused POST changed the data")
    allowed = [p for p in PERSONAS if expected[p] == "ok"]
    for persona in allowed:
        got = answer_of(world.client(persona).post(target, data(world)))
        if got in ("L", "403", "404", "405"):
            wrong.append(f"{persona} may, but got {got}")
        if changes and looks_at(world) == before:
            wrong.append(f"{persona}'s allowed POST changed nothing (answer {got})")
    assert not wrong, f"POST {target}:\n" + "\n".join(wrong)


CSRF_SAMPLES = [  # (persona, URL, data): forms of every app, posted by a user who may
    ("anonymous", "/accounts/login/", {"username": "secretariat", "password": "persona-password"}),
    ("focal_mys", "/kpis/KPI-E1/MYS/enter/", {"year": 2023, "value": 47.5, "source": "DOSM", "reason": ""}),
    ("proponent_mys", "/progress/reports/{report_mys}/evidence/", {}),
    ("secretariat", "/progress/rounds/{round}/lock/", {"reason": "Closed", "confirm": "yes"}),
    ("secretariat", "/progress/rounds/{round_locked}/reopen/", {"reason": "Locked too early"}),
    ("secretariat", "/roadmap/amendments/new/", {"title": "v3", "reason": "Because", "decision_reference": "A"}),
    ("secretariat", "/reviews/{review}/findings/", {"findings": "Changed.", "recommendations": ""}),
    ("focal_mys", "/evidence/surveys/new/", {"name": "x"}),
]


@pytest.mark.parametrize(("persona", "url", "data"), CSRF_SAMPLES, ids=[row[1] for row in CSRF_SAMPLES])
def test_a_post_without_the_csrf_token_is_refused(world, persona, url, data):
    client = world.client(persona, enforce_csrf_checks=True)
    response = client.post(world.url(url), data)
    assert response.status_code == 403 and b"CSRF" in response.content
