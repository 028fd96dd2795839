"""Every page (GET) for every persona, as the policy's rules in words say (sapsmed/accounts/policy.py).

Answers: 200 served; L sent to log in; 403 refused; 404 not found (the page does not even say the object
exists); 405 the address only takes a POST. Columns are the personas of the project's conftest plus
proponent_tha, a proponent of Thailand, who must not reach Malaysia's reports and files by guessing URLs.
A new page fails test_every_page_is_in_the_matrix until it has a row here; the API has its own matrix.
Every page served is also checked for a CSRF token in each POST form, and each form's target must have a
row in the POST matrix (test_page_matrix_posts).
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from sapsmed.pages.tests import page_matrix_world

pytestmark = pytest.mark.django_db
world = page_matrix_world.world  # the module's fixtures
cheap_renders = page_matrix_world.cheap_renders

PERSONAS = ["anonymous", "outsider", "secretariat", "champion_a", "champion_b", "proponent_mys", "focal_mys",
            "viewer", "proponent_tha"]

# Columns:     anon out sec chA chB pMY fMY vwr pTH
PUBLIC =      "200  200 200 200 200 200 200 200 200"
ROLE_HOLDERS = "L  403 200 200 200 200 200 200 200"  # signed in with any role grant
SECRETARIAT = "L    403 200 403 403 403 403 403 403"
KPI_EDITORS = "L    403 200 403 403 403 200 403 403"  # the Secretariat, and Malaysia's focal point for MYS
PROPONENTS =  "L    403 403 403 403 200 403 403 200"
GET_NOT_ALLOWED = "405 405 405 405 405 405 405 405 405"
SECRETARIAT_POSTS = "L  403 405 403 403 403 403 403 403"  # permission is asked before the method
# Readers of Malaysia's report on B-2-1.3 (goal B): the Secretariat, goal B's champion, the proponent and the
# focal point of Malaysia (a lead state), and a viewer of all goals.
READERS_MYS = "L    403 200 403 200 200 200 200 403"
# Readers of Thailand's report on A-1-2.1 (goal A, led by Thailand and Viet Nam, not Malaysia).
READERS_THA = "L    403 200 200 403 403 403 200 200"
MY_WORK =     "L    403 200 200 200 200 403 403 200"  # proponents, champions and the Secretariat have work
OWNER_MYS_ONLY = "L 404 404 404 404 200 404 404 404"  # proponent_mys's own workbook upload
JOB_OF_MYS =  "404  403 200 403 403 200 403 403 403"  # a job is its owner's (and the Secretariat's)
JOB_OF_SEC =  "404  403 200 403 403 403 403 403 403"
WITHDRAWN =   "404  403 200 200 200 200 200 200 200"  # unpublished snapshot files, withdrawn scorecard editions
MY_TASKS =    "L    302 200 200 200 200 200 200 200"  # role holders; a user without a role is sent home

R, MYS, THA = "{round}", "B-2-1.3", "A-1-2.1"

# (URL pattern as Django spells it, the URL requested, the answer of each persona)
GET_MATRIX = [
    ("accounts/login/", "/accounts/login/", PUBLIC),
    ("accounts/logout/", "/accounts/logout/", GET_NOT_ALLOWED),
    ("accounts/api-token/", "/accounts/api-token/", "L 200 200 200 200 200 200 200 200"),
    # Jobs and their files belong to whoever started them.
    ("jobs/<uuid:job_id>/", "/jobs/{job_mys}/", JOB_OF_MYS),
    ("jobs/<uuid:job_id>/", "/jobs/{job_secretariat}/", JOB_OF_SEC),
    ("jobs/<uuid:job_id>/download/", "/jobs/{job_mys}/download/", JOB_OF_MYS),
    ("jobs/<uuid:job_id>/download/", "/jobs/{job_secretariat}/download/", JOB_OF_SEC),
    # Reviews: read by role holders; a published snapshot is public.
    ("reviews/", "/reviews/", ROLE_HOLDERS),
    ("reviews/published/", "/reviews/published/", PUBLIC),
    # A published scorecard edition is public; a withdrawn one is read by role holders (the public is not told).
    ("reviews/scorecards/publish/", "/reviews/scorecards/publish/", GET_NOT_ALLOWED),
    ("reviews/scorecards/<int:pk>/", "/reviews/scorecards/{edition}/", PUBLIC),
    ("reviews/scorecards/<int:pk>/", "/reviews/scorecards/{edition_withdrawn}/", WITHDRAWN),
    ("reviews/scorecards/<int:pk>/withdraw/", "/reviews/scorecards/{edition}/withdraw/", GET_NOT_ALLOWED),
    ("reviews/scorecards/<int:pk>/scorecard.csv", "/reviews/scorecards/{edition}/scorecard.csv", PUBLIC),
    ("reviews/scorecards/<int:pk>/scorecard.csv", "/reviews/scorecards/{edition_withdrawn}/scorecard.csv",
     WITHDRAWN),
    ("reviews/scorecards/<int:pk>/scorecard.xlsx", "/reviews/scorecards/{edition}/scorecard.xlsx", PUBLIC),
    ("reviews/scorecards/<int:pk>/scorecard.xlsx", "/reviews/scorecards/{edition_withdrawn}/scorecard.xlsx",
     WITHDRAWN),
    ("reviews/sdmx/kpi-observations.csv", "/reviews/sdmx/kpi-observations.csv", PUBLIC),
    ("reviews/sdmx/structure.xml", "/reviews/sdmx/structure.xml", PUBLIC),
    ("reviews/<int:pk>/draft-amendment/", "/reviews/{review}/draft-amendment/", GET_NOT_ALLOWED),
    ("reviews/<int:pk>/", "/reviews/{review}/", ROLE_HOLDERS),
    ("reviews/<int:pk>/generate/", "/reviews/{review}/generate/", GET_NOT_ALLOWED),
    ("reviews/<int:pk>/findings/", "/reviews/{review}/findings/", GET_NOT_ALLOWED),
    ("reviews/<int:pk>/freeze/", "/reviews/{review}/freeze/", GET_NOT_ALLOWED),
    ("reviews/<int:pk>/<str:kind>/", "/reviews/{review}/pdf/", ROLE_HOLDERS),
    ("reviews/<int:pk>/<str:kind>/", "/reviews/{review}/xlsx/", ROLE_HOLDERS),
    ("reviews/snapshots/<int:pk>/", "/reviews/snapshots/{snapshot_published}/", PUBLIC),
    ("reviews/snapshots/<int:pk>/", "/reviews/snapshots/{snapshot_unpublished}/", ROLE_HOLDERS),
    ("reviews/snapshots/<int:pk>/publish/", "/reviews/snapshots/{snapshot_unpublished}/publish/", GET_NOT_ALLOWED),
    ("reviews/snapshots/<int:pk>/<str:kind>/", "/reviews/snapshots/{snapshot_published}/pdf/", PUBLIC),
    # An unpublished snapshot's file: anonymous visitors are not told it exists.
    ("reviews/snapshots/<int:pk>/<str:kind>/", "/reviews/snapshots/{snapshot_unpublished}/pdf/", WITHDRAWN),
    ("reviews/snapshots/<int:pk>/<str:kind>/", "/reviews/snapshots/{snapshot_unpublished}/xlsx/", WITHDRAWN),
    # KPIs are public; entering and importing values is for focal points (own state) and the Secretariat.
    ("kpis/", "/kpis/", PUBLIC),
    ("kpis/regional/", "/kpis/regional/", PUBLIC),
    ("kpis/states/<str:iso3>/", "/kpis/states/MYS/", PUBLIC),
    ("kpis/export.csv", "/kpis/export.csv", PUBLIC),
    ("kpis/export.xlsx", "/kpis/export.xlsx", PUBLIC),
    ("kpis/import/", "/kpis/import/", KPI_EDITORS),
    ("kpis/import/template.xlsx", "/kpis/import/template.xlsx", KPI_EDITORS),
    ("kpis/import/<int:pk>/", "/kpis/import/{kpi_import}/", KPI_EDITORS),  # focal_mys's own import
    ("kpis/import/<int:pk>/errors/", "/kpis/import/{kpi_import_bad}/errors/", KPI_EDITORS),
    ("kpis/observations/<int:pk>/", "/kpis/observations/{observation}/", PUBLIC),
    ("kpis/observations/<int:pk>/validate/", "/kpis/observations/{observation}/validate/", GET_NOT_ALLOWED),
    ("kpis/<str:code>/", "/kpis/KPI-E1/", PUBLIC),
    ("kpis/<str:code>/chart.json", "/kpis/KPI-E1/chart.json", PUBLIC),
    ("kpis/<str:code>/chart.svg", "/kpis/KPI-E1/chart.svg", PUBLIC),
    ("kpis/<str:code>/chart.png", "/kpis/KPI-E1/chart.png", PUBLIC),
    ("kpis/<str:code>/target/", "/kpis/KPI-E1/target/", SECRETARIAT),  # the regional target
    ("kpis/<str:code>/target/", "/kpis/KPI-E1/target/?state=MYS", KPI_EDITORS),
    ("kpis/<str:code>/target/", "/kpis/KPI-E1/target/?state=THA", SECRETARIAT),
    ("kpis/<str:code>/<str:iso3>/enter/", "/kpis/KPI-E1/MYS/enter/", KPI_EDITORS),
    ("kpis/<str:code>/<str:iso3>/enter/", "/kpis/KPI-E1/THA/enter/", SECRETARIAT),
    # Progress reports are read within each role's scope; dashboards by role holders.
    ("progress/", "/progress/", MY_WORK),
    ("progress/reports/<int:pk>/", "/progress/reports/{report_mys}/", READERS_MYS),
    ("progress/reports/<int:pk>/", "/progress/reports/{report_tha}/", READERS_THA),
    ("progress/reports/<int:pk>/", "/progress/reports/999999/", "L 404 404 404 404 404 404 404 404"),
    ("progress/reports/<int:pk>/act/", "/progress/reports/{report_mys}/act/", GET_NOT_ALLOWED),
    ("progress/reports/<int:pk>/evidence/", "/progress/reports/{report_mys}/evidence/", GET_NOT_ALLOWED),
    ("progress/evidence/<int:pk>/", "/progress/evidence/{attachment_mys}/", READERS_MYS),
    ("progress/evidence/<int:pk>/", "/progress/evidence/{attachment_tha}/", READERS_THA),
    ("progress/evidence/<int:pk>/delete/", "/progress/evidence/{attachment_mys}/delete/", GET_NOT_ALLOWED),
    ("progress/rounds/", "/progress/rounds/", ROLE_HOLDERS),
    ("progress/rounds/new/", "/progress/rounds/new/", SECRETARIAT),
    ("progress/rounds/<str:name>/", f"/progress/rounds/{R}/", ROLE_HOLDERS),
    ("progress/rounds/<str:name>/dashboard.xlsx", f"/progress/rounds/{R}/dashboard.xlsx", ROLE_HOLDERS),
    ("progress/rounds/<str:name>/manage/", f"/progress/rounds/{R}/manage/", SECRETARIAT),
    ("progress/rounds/<str:name>/manage/", "/progress/rounds/{round_locked}/manage/", SECRETARIAT),  # reopen form
    # What the round still lacks and the lock's confirmation; a locked round's sends back to its page.
    ("progress/rounds/<str:name>/lock/", f"/progress/rounds/{R}/lock/", SECRETARIAT),
    ("progress/rounds/<str:name>/lock/", "/progress/rounds/{round_locked}/lock/", "L 403 302 403 403 403 403 403 403"),
    ("progress/rounds/<str:name>/reopen/", "/progress/rounds/{round_locked}/reopen/", GET_NOT_ALLOWED),
    ("progress/rounds/<str:name>/exceptions/", f"/progress/rounds/{R}/exceptions/", GET_NOT_ALLOWED),
    ("progress/rounds/<str:name>/reports/<str:code>/<str:iso3>/", f"/progress/rounds/{R}/reports/{MYS}/MYS/",
     "L 403 403 403 403 200 403 403 403"),
    ("progress/rounds/<str:name>/reports/<str:code>/<str:iso3>/", f"/progress/rounds/{R}/reports/{THA}/THA/",
     "L 403 403 403 403 403 403 403 200"),
    ("progress/rounds/<str:name>/workbook.xlsx", f"/progress/rounds/{R}/workbook.xlsx", PROPONENTS),
    ("progress/rounds/<str:name>/upload/", f"/progress/rounds/{R}/upload/", PROPONENTS),
    ("progress/uploads/<uuid:pk>/", "/progress/uploads/{workbook_upload}/", OWNER_MYS_ONLY),
    ("progress/uploads/<uuid:pk>/marked.xlsx", "/progress/uploads/{workbook_upload}/marked.xlsx", OWNER_MYS_ONLY),
    ("progress/early-warning/", "/progress/early-warning/", ROLE_HOLDERS),
    ("progress/early-warning.xlsx", "/progress/early-warning.xlsx", ROLE_HOLDERS),
    ("progress/lines/<str:code>/", f"/progress/lines/{MYS}/", READERS_MYS),
    ("progress/lines/<str:code>/", f"/progress/lines/{THA}/", READERS_THA),
    # Evidence: definitions and computed estimates are public; surveys are managed by the Secretariat and by
    # a focal point for its own state's surveys.
    ("evidence/", "/evidence/", PUBLIC),
    ("evidence/msme/", "/evidence/msme/", PUBLIC),
    ("evidence/msme/compare/", "/evidence/msme/compare/", PUBLIC),
    ("evidence/msme/<str:iso3>/", "/evidence/msme/MYS/", PUBLIC),
    ("evidence/surveys/", "/evidence/surveys/", PUBLIC),
    ("evidence/surveys/new/", "/evidence/surveys/new/", KPI_EDITORS),
    ("evidence/surveys/<int:pk>/", "/evidence/surveys/{survey}/", PUBLIC),
    ("evidence/surveys/<int:pk>/upload/", "/evidence/surveys/{survey}/upload/", SECRETARIAT),  # all ten states
    ("evidence/surveys/<int:pk>/upload/", "/evidence/surveys/{survey_mys}/upload/", KPI_EDITORS),
    ("evidence/surveys/<int:pk>/datasets/<int:dataset_pk>/estimate/",
     "/evidence/surveys/{survey}/datasets/{dataset}/estimate/", SECRETARIAT),
    ("evidence/runs/<int:pk>/", "/evidence/runs/{run}/", PUBLIC),
    ("evidence/runs/<int:pk>/estimates.csv", "/evidence/runs/{run}/estimates.csv", PUBLIC),
    ("evidence/runs/<int:pk>/estimates.xlsx", "/evidence/runs/{run}/estimates.xlsx", PUBLIC),
    ("evidence/estimates/<int:pk>/post/", "/evidence/estimates/{estimate}/post/", KPI_EDITORS),  # a MYS estimate
    # The plan and the roadmap are public; only the Secretariat edits, imports and amends.
    ("", "/", PUBLIC),
    ("tasks/", "/tasks/", MY_TASKS),
    ("goals/<str:code>/", "/goals/B/", PUBLIC),
    ("actions/<str:code>/", "/actions/B-2-1/", PUBLIC),
    ("action-lines/<str:code>/", f"/action-lines/{MYS}/", PUBLIC),
    ("action-lines/<str:code>/edit/", f"/action-lines/{MYS}/edit/", SECRETARIAT),
    ("action-lines/<str:code>/retire/", f"/action-lines/{MYS}/retire/", SECRETARIAT_POSTS),
    ("states/", "/states/", PUBLIC),
    ("states/<str:iso3>/", "/states/MYS/", PUBLIC),
    ("search/", "/search/?q=finance", PUBLIC),
    ("roadmap/", "/roadmap/", PUBLIC),
    ("roadmap/roadmap.pdf", "/roadmap/roadmap.pdf", PUBLIC),
    ("roadmap/roadmap.xlsx", "/roadmap/roadmap.xlsx", PUBLIC),
    ("roadmap/template.xlsx", "/roadmap/template.xlsx", PUBLIC),
    ("roadmap/versions/", "/roadmap/versions/", PUBLIC),
    ("roadmap/diff/", "/roadmap/diff/?from=1&to=2", PUBLIC),
    ("roadmap/lines/new/", "/roadmap/lines/new/", SECRETARIAT),
    ("roadmap/import/", "/roadmap/import/", SECRETARIAT),
    ("roadmap/import/<int:pk>/", "/roadmap/import/{roadmap_import}/", SECRETARIAT),
    ("roadmap/import/<int:pk>/marked.xlsx", "/roadmap/import/{roadmap_import}/marked.xlsx", SECRETARIAT),
    ("roadmap/amendments/", "/roadmap/amendments/", PUBLIC),
    ("roadmap/amendments/new/", "/roadmap/amendments/new/", SECRETARIAT),
    ("roadmap/amendments/<int:pk>/", "/roadmap/amendments/{amendment_approved}/", PUBLIC),
    ("roadmap/amendments/<int:pk>/", "/roadmap/amendments/{amendment_draft}/", SECRETARIAT),
    ("roadmap/amendments/<int:pk>/lines/new/", "/roadmap/amendments/{amendment_draft}/lines/new/", SECRETARIAT),
    ("roadmap/amendments/<int:pk>/lines/<str:code>/", f"/roadmap/amendments/{{amendment_draft}}/lines/{MYS}/",
     SECRETARIAT),
    ("roadmap/amendments/<int:pk>/retime/", "/roadmap/amendments/{amendment_draft}/retime/", SECRETARIAT_POSTS),
    ("roadmap/amendments/<int:pk>/drop/", "/roadmap/amendments/{amendment_draft}/drop/", SECRETARIAT_POSTS),
    ("roadmap/amendments/<int:pk>/operations/<int:index>/delete/",
     "/roadmap/amendments/{amendment_draft}/operations/0/delete/", SECRETARIAT_POSTS),
    ("roadmap/amendments/<int:pk>/approve/", "/roadmap/amendments/{amendment_draft}/approve/", SECRETARIAT_POSTS),
]
XFAIL: dict[str, str] = {}  # URL requested -> why (bugs in code owned by others, reported to the lead)
NOT_PAGES = ("admin/", "api/")  # the admin site is Django's (test_permission_matrix), the API has its own matrix


def answers(spec: str) -> dict[str, str]:
    codes = spec.split()
    assert len(codes) == len(PERSONAS), spec
    return dict(zip(PERSONAS, codes, strict=True))


def routes(resolver=None, prefix=""):
    """Every URL pattern of the site as Django spells it, included ones joined to their prefix."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from routes(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def finish(response) -> None:
    """Read a streamed file to its end: the test client then closes it without closing the database connection
    (calling close() ourselves would, and on PostgreSQL that ends the module's transaction)."""
    if response.streaming:
        b"".join(response.streaming_content)


def answer_of(response) -> str:
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
        return "L"
    return str(response.status_code)


POST_FORM = re.compile(r"<form\b[^>]*\bmethod=[\"']?post[\"']?[^>]*>(.*?)</form>", re.I | re.S)


def forms_without_token(html: str) -> list[str]:
    return [f[:120] for f in POST_FORM.findall(html) if "csrfmiddlewaretoken" not in f]


def post_actions(html: str, path: str) -> set[str]:
    """The URL patterns the page's POST forms send to (an empty action posts to the page itself)."""
    found = set()
    for tag in re.findall(r"<form\b[^>]*\bmethod=[\"']?post[\"']?[^>]*>", html, re.I):
        action = re.search(r"\baction=[\"']([^\"']*)[\"']", tag)
        target = (action.group(1) if action else "") or path
        found.add(resolve(target.split("?")[0]).route)
    return found


@pytest.mark.parametrize(("route", "url", "spec"), GET_MATRIX, ids=[row[1] for row in GET_MATRIX])
def test_each_persona_gets_the_answer_the_policy_gives(world, cheap_renders, route, url, spec, request):
    if url in XFAIL:
        request.applymarker(pytest.mark.xfail(strict=True, reason=XFAIL[url]))
    from sapsmed.pages.tests.test_page_matrix_posts import POST_MATRIX

    target = world.url(url)
    wrong, unprotected, unlisted = [], [], set()
    for persona, want in answers(spec).items():
        try:
            response = world.client(persona).get(target)
        except Exception as error:  # a crash is an answer too: the table reports it with the others
            got = f"500 ({type(error).__name__}: {error})"
        else:
            got = answer_of(response)
            if got == "200" and response.get("Content-Type", "").startswith("text/html"):
                html = response.content.decode()
                unprotected += [(persona, form) for form in forms_without_token(html)]
                unlisted |= post_actions(html, target.split("?")[0]) - {row[0] for row in POST_MATRIX}
            finish(response)
        if got != want:
            wrong.append(f"{persona}: expected {want}, got {got}")
    assert resolve(target.split("?")[0]).route == route, "the row names the wrong pattern"
    assert not wrong, f"{target}:\n" + "\n".join(wrong)
    assert not unprotected, f"POST forms without a CSRF token on {target}: {unprotected}"
    assert not unlisted, f"{target} has POST forms sending to patterns without a row in POST_MATRIX: {unlisted}"


def test_every_page_is_in_the_matrix():
    covered = {row[0] for row in GET_MATRIX}
    missing = [r for r in routes() if not r.startswith(NOT_PAGES) and r not in covered]
    assert not missing, f"pages without a row in GET_MATRIX: {missing}"


def test_the_matrix_names_only_pages_that_exist():
    existing = set(routes())
    assert not [row[0] for row in GET_MATRIX if row[0] not in existing]
