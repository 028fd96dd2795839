"""My tasks: where each role lands after logging in, what it lists (each task a link), and its fixed query count."""

from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone

from conftest import PASSWORD
from sapsmed.progress.tests.conftest import make_report, move

pytestmark = pytest.mark.django_db
EDIT = "/progress/rounds/2026-H2/reports/{code}/MYS/"


def page(client_for, persona) -> str:
    response = client_for(persona).get("/tasks/")
    assert response.status_code == 200
    return unescape(response.content.decode())


def log_in(client, username, next_url=None):
    url = "/accounts/login/" + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": username, "password": PASSWORD})


@pytest.mark.parametrize("persona", ["secretariat", "champion_a", "champion_b", "proponent_mys", "focal_mys",
                                     "viewer"])
def test_a_role_holder_lands_on_my_tasks_after_logging_in(client, personas, persona):
    response = log_in(client, persona)
    assert (response.status_code, response["Location"]) == (302, "/tasks/")
    assert "<h1>My tasks</h1>" in client.get("/tasks/").content.decode()


def test_a_user_without_a_role_lands_on_the_public_home_page(client, personas):
    response = log_in(client, "outsider")
    assert (response.status_code, response["Location"]) == (302, "/tasks/")
    home = client.get("/tasks/", follow=True)
    assert home.redirect_chain == [("/", 302)]
    assert ("Your account holds no role yet, so no task waits for you: you read what the public reads. The ASEAN "
            "Secretariat grants roles.") in unescape(home.content.decode())


def test_next_still_wins_over_my_tasks(client, personas):
    response = log_in(client, "proponent_mys", next_url="/roadmap/")
    assert (response.status_code, response["Location"]) == (302, "/roadmap/")


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get("/tasks/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/tasks/")


def test_a_proponent_with_nothing_open_reads_so(client_for):
    html = page(client_for, "proponent_mys")
    assert ("Nothing waits for you today. No round is open for reporting on your action lines now: when the ASEAN "
            "Secretariat opens one, the reports you owe appear here with their due date.") in html


def test_the_proponent_sees_what_is_due_and_by_when_each_a_link(client_for, open_round, today):
    html = page(client_for, "proponent_mys")
    due = f"{open_round.due_on.day} {open_round.due_on:%B %Y}"
    assert "<h2>Reports due in round 2026-H2</h2>" in html
    assert f"Due <strong>{due}</strong> <span class=\"\">(in 20 days)</span>" in html
    assert f'<a href="{EDIT.format(code="B-2-1.3")}"><span class="code">B-2-1.3</span> Malaysia: write the report</a>' \
        in html
    assert "A-1-2.1" not in html  # Malaysia does not lead it


def test_a_proponent_whose_reports_are_all_submitted_is_told_so(personas, client_for, open_round):
    for code in ("B-2-1.2", "B-2-1.3"):  # the lines Malaysia leads
        move(make_report(personas["proponent_mys"], open_round, code=code), personas["proponent_mys"], "submit")
    html = page(client_for, "proponent_mys")
    assert ("Nothing waits for you today. Every report you owe in the open rounds is submitted: My work lists them "
            "with where each stands.") in html
    assert "Reports due in round" not in html


def test_a_returned_report_is_listed_with_the_note_before_and_after_the_lock(personas, client_for, draft):
    from sapsmed.progress.services import round_lock

    move(draft, personas["proponent_mys"], "submit")
    move(draft, personas["champion_b"], "return", note="Give the committed budget.")
    html = page(client_for, "proponent_mys")
    assert (f'<a href="{EDIT.format(code="B-2-1.3")}"><span class="code">B-2-1.3</span> Malaysia, round 2026-H2: '
            f"correct it and submit it again by") in html
    assert "Returned by champion_b on" in html and "“Give the committed budget.”" in html

    round_lock(by=personas["secretariat"], round=draft.round, reason="Tabled at the 20th meeting.")
    html = page(client_for, "proponent_mys")
    assert (f'<a href="/progress/reports/{draft.pk}/"><span class="code">B-2-1.3</span> Malaysia, round 2026-H2: '
            "returned, and the round is locked</a>") in html
    assert "“Give the committed budget.”" in html
    assert ("The round is locked, so this report can no longer be corrected. To correct it, ask the ASEAN "
            "Secretariat for an exception: an exception lets one report (an action line for one state) be changed "
            "and submitted again after its round is locked.") in html
    work = unescape(client_for("proponent_mys").get("/progress/").content.decode())
    assert "<h2>Returned reports in locked rounds</h2>" in work and "“Give the committed budget.”" in work


def test_an_exception_puts_the_returned_report_back_among_the_reports_to_correct(personas, client_for, draft):
    from sapsmed.progress.services import exception_grant, round_lock

    move(draft, personas["proponent_mys"], "submit")
    move(draft, personas["champion_b"], "return", note="Give the committed budget.")
    round_lock(by=personas["secretariat"], round=draft.round, reason="Tabled.")
    exception_grant(by=personas["secretariat"], round=draft.round, line_code="B-2-1.3", state="MYS",
                    reason="Figures arrived late.")
    html = page(client_for, "proponent_mys")
    assert "returned, and the round is locked" not in html
    assert "B-2-1.3</span> Malaysia, round 2026-H2: correct it and submit it again by" in html


def test_the_champion_and_the_secretariat_see_their_queues(personas, client_for, draft):
    move(draft, personas["proponent_mys"], "submit")
    champion = page(client_for, "champion_b")
    assert (f'<a href="/progress/reports/{draft.pk}/"><span class="code">B-2-1.3</span> Malaysia, round 2026-H2: '
            "validate it or return it with a note</a>") in champion
    assert "No submitted report is waiting for you." in page(client_for, "champion_a")
    assert "No validated report is waiting." in page(client_for, "secretariat")
    move(draft, personas["champion_b"], "validate")
    assert (f'<a href="/progress/reports/{draft.pk}/"><span class="code">B-2-1.3</span> Malaysia, round 2026-H2: '
            "accept it or return it with a note</a>") in page(client_for, "secretariat")


def test_the_secretariat_sees_rounds_about_to_lock_with_what_is_missing(personas, client_for, today):
    from sapsmed.progress.services import round_open

    rnd = round_open(by=personas["secretariat"], name="2026-H2", opens_on=today - timedelta(days=30),
                     due_on=today - timedelta(days=2), locks_on=today + timedelta(days=3))
    round_open(by=personas["secretariat"], name="2027-H1", opens_on=today - timedelta(days=1),
               due_on=today + timedelta(days=60), locks_on=today + timedelta(days=90))  # not soon
    draft = make_report(personas["proponent_mys"], rnd)
    move(draft, personas["proponent_mys"], "submit")
    expected = rnd.expectations.count()
    html = page(client_for, "secretariat")
    locks = f"{rnd.locks_on.day} {rnd.locks_on:%B %Y}"
    assert (f'<a href="/progress/rounds/2026-H2/lock/">Round 2026-H2 locks on {locks} (in 3 days): '
            f"{expected - 1} of {expected} reports missing, 0 returned, 1 in review</a>") in html
    assert "Round 2027-H1 locks" not in html


def test_a_focal_point_sees_its_kpi_values_to_enter_and_validate(personas, client_for):
    from sapsmed.kpis.models import Kpi
    from sapsmed.kpis.services import observation_record
    from sapsmed.plan.models import MemberState

    obs = observation_record(kpi=Kpi.objects.get(code="KPI-E1"), state=MemberState.objects.get(iso3="MYS"),
                             year=2019, value=48.4, source="DOSM, SME Insights 2019", user=personas["focal_mys"],
                             reason="Entered")
    html = page(client_for, "focal_mys")
    assert (f'<a href="/kpis/observations/{obs.pk}/"><span class="code">KPI-E1</span> Malaysia: the latest value '
            "(2019) is provisional; check it and validate it</a>") in html
    assert '<a href="/kpis/KPI-E2/MYS/enter/"><span class="code">KPI-E2</span> Malaysia: no value yet; enter one</a>' \
        in html
    assert "KPI-E1</span> Malaysia: no value yet" not in html


def test_imports_and_jobs_with_errors_are_listed_until_done_again(personas, client_for):
    from sapsmed.jobs.services import job_create, job_fail, job_start, job_succeed
    from sapsmed.kpis.import_services import import_prepare

    focal = personas["focal_mys"]
    bad = import_prepare(content=b"KPI,State,Year,Value,Source\nKPI-E1,MYS,2021,many,DOSM\n",
                         file_name="values.csv", reason="", user=focal)
    job = job_fail(job_start(job_create(kind="survey_upload", title="Upload of firms.csv", user=focal)),
                   "Row 6: the weight is empty.")
    html = page(client_for, "focal_mys")
    day = f"{timezone.localdate().day} {timezone.localdate():%B %Y}"
    assert (f'<a href="/kpis/import/{bad.pk}/">KPI import values.csv of {day}: refused, 1 problem to correct</a>'
            ) in html
    assert f'<a href="/jobs/{job.pk}/">Upload of firms.csv: failed on {day}</a>' in html
    assert "Row 6: the weight is empty." in html
    job_succeed(job_start(job_create(kind="survey_upload", title="Upload of firms (fixed).csv", user=focal)))
    assert "Upload of firms.csv: failed" not in page(client_for, "focal_mys")


def test_a_viewer_has_nothing_to_do(client_for, open_round):
    assert "Nothing waits for you today." in page(client_for, "viewer")


def busy(personas, today, n: int) -> None:
    """n open rounds locking within the fortnight and n rounds the Secretariat locked, each with a report returned
    to Malaysia, one waiting for goal B's champion and one for the Secretariat; n provisional KPI values of
    Malaysia, n refused KPI imports and n failed jobs of its focal point."""
    from conftest import _persona
    from sapsmed.jobs.services import job_create, job_fail, job_start
    from sapsmed.kpis.import_services import import_prepare
    from sapsmed.kpis.models import Kpi
    from sapsmed.kpis.services import observation_record
    from sapsmed.plan.models import MemberState
    from sapsmed.progress.models import ReportingRound
    from sapsmed.progress.services import round_lock, round_open

    sec, mys, champion = personas["secretariat"], personas["proponent_mys"], personas["champion_b"]
    lao = personas.get("proponent_lao") or personas.setdefault("proponent_lao", _persona("proponent_lao", "proponent",
                                                                                        state="LAO"))
    start = ReportingRound.objects.count()
    for i in range(start, start + 2 * n):
        rnd = round_open(by=sec, name=f"R{i}", opens_on=today - timedelta(days=40 + i),
                         due_on=today + timedelta(days=5), locks_on=today + timedelta(days=10))
        back = make_report(mys, rnd)
        move(back, mys, "submit")
        move(back, champion, "return", note=f"Give the committed budget ({i}).")
        move(make_report(mys, rnd, code="B-2-1.2"), mys, "submit")
        validated = make_report(lao, rnd, iso3="LAO")
        move(validated, lao, "submit")
        move(validated, champion, "validate")
        if i % 2:
            round_lock(by=sec, round=rnd, reason="Tabled.")
    focal, state = personas["focal_mys"], MemberState.objects.get(iso3="MYS")
    for i, kpi in enumerate(Kpi.objects.order_by("order")[start:start + n]):
        observation_record(kpi=kpi, state=state, year=2019, value=40 + i, source="DOSM", user=focal, reason="Entered")
        import_prepare(content=b"KPI,State,Year,Value,Source\nKPI-E1,MYS,2021,many,DOSM\n", file_name=f"v{i}.csv",
                       reason="", user=focal)
        job_fail(job_start(job_create(kind=f"upload{i}", title=f"Upload {i}", user=focal)), "Row 6: no weight.")


# Queries of My tasks per role (session, user, grants, then each list once): the same with 1 or 3 of everything.
QUERIES = {"secretariat": 7, "champion_b": 5, "proponent_mys": 15, "focal_mys": 7, "viewer": 4}


@pytest.mark.parametrize(("persona", "expected"), list(QUERIES.items()))
def test_my_tasks_asks_a_fixed_number_of_queries_per_role(personas, client_for, today, persona, expected,
                                                         django_assert_num_queries):
    client = client_for(persona)
    busy(personas, today, 1)
    with django_assert_num_queries(expected):
        small = client.get("/tasks/")
    busy(personas, today, 3)
    with django_assert_num_queries(expected):
        big = client.get("/tasks/")
    assert small.status_code == big.status_code == 200
    if persona != "viewer":  # the lists did grow
        assert len(big.content) > len(small.content) + 200
