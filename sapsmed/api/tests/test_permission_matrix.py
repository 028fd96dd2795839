"""The API permission matrix: every route of the router × every persona × read and write, with the status
each gets. A route missing from the matrix fails the last test, so no new endpoint escapes it.

Writes send a body that is invalid on purpose (`revision: "x"`, required fields missing): a persona the
policy lets through gets 400 (and nothing changes), one it refuses 403, anonymous callers 401; 404 means
the object is outside the persona's scope, 405 that the route is read-only for someone allowed to reach it.
"""

from decimal import Decimal

import pytest

from sapsmed.api.urls import router

pytestmark = pytest.mark.django_db

ALL = ("anonymous", "outsider", "secretariat", "champion_a", "champion_b", "proponent_mys", "focal_mys", "viewer")
ROLE_HOLDERS = frozenset(ALL) - {"anonymous", "outsider"}
READERS_OF_B213 = frozenset({"secretariat", "champion_b", "proponent_mys", "focal_mys", "viewer"})
KPI_EDITORS = frozenset({"secretariat", "focal_mys"})  # of Malaysia's values
BAD = {"revision": "x"}


def expect(ok: int = 200, allowed=frozenset(ALL), *, refused: int = 403, anonymous: int = 401,
           out_of_scope=frozenset(), hidden: int = 404) -> dict[str, int]:
    """Status per persona: `ok` for the allowed, `hidden` for those outside the object's scope, else refused."""
    found = {}
    for persona in ALL:
        if persona in allowed:
            found[persona] = ok
        elif persona in out_of_scope:
            found[persona] = hidden
        else:
            found[persona] = anonymous if persona == "anonymous" else refused
    return found


PUBLIC = expect()
PLAN_WRITE = expect(405, {"secretariat"})  # read-only routes of plan content: the Secretariat reaches them
NO_WRITE = expect(403, frozenset())  # public read-only routes: nobody writes
ROLE_READ = expect(200, ROLE_HOLDERS)
ROLE_NO_WRITE = expect(405, ROLE_HOLDERS)

# name → (URL, GET statuses, write statuses); a write is POST on lists and actions, PATCH on details.
MATRIX = {
    "member-state-list": ("/api/member-states/", PUBLIC, PLAN_WRITE),
    "member-state-detail": ("/api/member-states/MYS/", PUBLIC, PLAN_WRITE),
    "goal-list": ("/api/goals/", PUBLIC, PLAN_WRITE),
    "goal-detail": ("/api/goals/B/", PUBLIC, PLAN_WRITE),
    "outcome-list": ("/api/outcomes/", PUBLIC, PLAN_WRITE),
    "outcome-detail": ("/api/outcomes/B-2/", PUBLIC, PLAN_WRITE),
    "action-list": ("/api/actions/", PUBLIC, PLAN_WRITE),
    "action-detail": ("/api/actions/B-2-1/", PUBLIC, PLAN_WRITE),
    "plan-version-list": ("/api/plan-versions/", PUBLIC, PLAN_WRITE),
    "plan-version-detail": ("/api/plan-versions/1/", PUBLIC, PLAN_WRITE),
    "action-line-list": ("/api/action-lines/", PUBLIC, PLAN_WRITE),
    "action-line-detail": ("/api/action-lines/B-2-1.3/", PUBLIC, PLAN_WRITE),
    "kpi-list": ("/api/kpis/", PUBLIC, PLAN_WRITE),
    "kpi-detail": ("/api/kpis/KPI-E2/", PUBLIC, PLAN_WRITE),
    "observation-list": ("/api/observations/", PUBLIC, expect(400, KPI_EDITORS)),
    "observation-detail": ("/api/observations/{obs}/", PUBLIC, expect(400, KPI_EDITORS)),
    "observation-validate": ("/api/observations/{obs}/validate/", expect(405), expect(200, KPI_EDITORS)),
    "target-list": ("/api/targets/", PUBLIC, NO_WRITE),
    "target-detail": ("/api/targets/{target}/", PUBLIC, NO_WRITE),
    "kpi-assessment-list": ("/api/kpi-assessments/", PUBLIC, NO_WRITE),
    "reporting-round-list": ("/api/reporting-rounds/", ROLE_READ, ROLE_NO_WRITE),
    "reporting-round-detail": ("/api/reporting-rounds/2026-H2/", ROLE_READ, ROLE_NO_WRITE),
    "progress-report-list": ("/api/progress-reports/", ROLE_READ, expect(400, {"proponent_mys"})),
    "progress-report-detail": ("/api/progress-reports/{report}/", expect(200, READERS_OF_B213,
                                                                         out_of_scope={"champion_a"}),
                               expect(400, {"proponent_mys"})),
    **{f"progress-report-{act}": (f"/api/progress-reports/{{report}}/{act}/",
                                  ROLE_NO_WRITE,  # GET: no such method, for anyone who may read reports
                                  expect(400, who, out_of_scope={"champion_a"}))
       for act, who in (("submit", {"proponent_mys"}), ("withdraw", {"proponent_mys"}),
                        ("validate", {"champion_b"}), ("return", {"champion_b", "secretariat"}),
                        ("accept", {"secretariat"}))},
    "survey-list": ("/api/surveys/", expect(200, {"secretariat", "focal_mys"}), NO_WRITE),
    "survey-detail": ("/api/surveys/{survey}/", expect(200, {"secretariat", "focal_mys"}), NO_WRITE),
    "estimate-run-list": ("/api/estimate-runs/", PUBLIC, NO_WRITE),
    "estimate-run-detail": ("/api/estimate-runs/{run}/", PUBLIC, NO_WRITE),
    "estimate-list": ("/api/estimates/", PUBLIC, NO_WRITE),
    "estimate-detail": ("/api/estimates/{estimate}/", PUBLIC, NO_WRITE),
    "review-list": ("/api/reviews/", ROLE_READ, ROLE_NO_WRITE),
    "review-detail": ("/api/reviews/{review}/", ROLE_READ, ROLE_NO_WRITE),
    "snapshot-list": ("/api/snapshots/", PUBLIC, NO_WRITE),
    # An unpublished snapshot: role holders read it; for anyone else it does not exist.
    "snapshot-detail": ("/api/snapshots/{hidden}/", expect(200, ROLE_HOLDERS, refused=404, anonymous=404),
                        NO_WRITE),
}


@pytest.fixture
def objects(draft, mys_value, estimate_run, snapshots, personas):
    from sapsmed.kpis.services import target_set

    target = target_set(kpi=mys_value.kpi, state=mys_value.state, value=Decimal("60"), year=2025, set_by="MEDAC",
                        decided="2022", source="Plan", user=None, reason="Set")
    return {"obs": mys_value.pk, "target": target.pk, "report": draft.pk, "survey": estimate_run.survey_id,
            "run": estimate_run.pk, "estimate": estimate_run.estimates.get().pk, "review": snapshots["review"].pk,
            "hidden": snapshots["hidden"].pk}


def _write(client, name, url):
    if name.endswith("-detail"):
        return client.patch(url, BAD, format="json")
    return client.post(url, BAD, format="json")


@pytest.mark.parametrize("persona", ALL)
def test_every_route_answers_each_persona_as_the_policy_says(api_for, objects, persona):
    client = api_for(persona)
    wrong = []
    for name, (template, reads, writes) in MATRIX.items():
        url = template.format(**objects)
        got = client.get(url).status_code
        if got != reads[persona]:
            wrong.append(f"GET {url}: {got}, expected {reads[persona]}")
        got = _write(client, name, url).status_code
        if got != writes[persona]:
            wrong.append(f"write {url}: {got}, expected {writes[persona]}")
    assert not wrong, f"{persona}:\n" + "\n".join(wrong)


def test_every_route_of_the_router_is_in_the_matrix():
    names = {p.name for p in router.get_urls() if p.name and p.name != "api-root"}
    assert names - set(MATRIX) == set(), "add these API routes to the permission matrix"
    assert set(MATRIX) - names == set(), "these matrix entries are no longer routes"


def test_the_invalid_writes_of_the_matrix_changed_nothing(api_for, objects):
    from sapsmed.kpis.models import Observation
    from sapsmed.progress.models import ProgressReport

    for persona in ("secretariat", "proponent_mys", "focal_mys", "champion_b"):
        client = api_for(persona)
        for name in ("observation-list", "observation-detail", "progress-report-list", "progress-report-detail",
                     "progress-report-submit", "progress-report-validate", "progress-report-accept"):
            _write(client, name, MATRIX[name][0].format(**objects))
    assert Observation.objects.count() == 1 and Observation.objects.get().value == Decimal("51.8")
    report = ProgressReport.objects.get()
    assert (report.workflow_status, report.revision) == ("draft", 1)
