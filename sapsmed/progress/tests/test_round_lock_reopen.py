"""Locking a round shows what is still missing or returned and asks to confirm; the Secretariat reopens it with a
reason kept in the round's history."""

from datetime import date, timedelta
from html import unescape

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.dateformat import format as date_format

from sapsmed.progress.models import ReportingRound
from sapsmed.progress.services import ProgressError, round_lock, round_open, round_reopen
from sapsmed.progress.tests.conftest import make_report, move

pytestmark = pytest.mark.django_db
LOCK = "/progress/rounds/2026-H2/lock/"
MANAGE = "/progress/rounds/2026-H2/manage/"


def text(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def returned(personas, open_round):
    """Malaysia's report on B-2-1.3 returned by goal B's champion; B-2-1.2 in review; the rest not written."""
    report = make_report(personas["proponent_mys"], open_round)
    move(report, personas["proponent_mys"], "submit")
    move(report, personas["champion_b"], "return", note="Give the committed budget.")
    other = make_report(personas["proponent_mys"], open_round, code="B-2-1.2")
    move(other, personas["proponent_mys"], "submit")
    return report


def test_the_lock_page_lists_what_is_missing_or_returned_and_locks_nothing(client_for, open_round, returned):
    expected = open_round.expectations.count()
    response = client_for("secretariat").get(LOCK)
    html = text(response)
    assert response.status_code == 200
    assert (f"The round expects {expected} reports: <strong>{expected - 2} missing</strong> (nothing written, or a "
            "draft not submitted), <strong>1 returned</strong> for correction, 1 in review and 0 accepted.") in html
    table = html[html.index('<table class="table" id="outstanding">'):html.index("</table>")]
    assert f'<a href="/progress/reports/{returned.pk}/"><span class="code">B-2-1.3</span></a>' in table
    assert '<span class="wf wf-returned">Returned for correction</span>' in table
    assert ('<td><a href="/progress/lines/B-2-1.2/"><span class="code">B-2-1.2</span></a></td>\n'
            '      <td>Lao PDR</td>\n      <td><span class="wf wf-none">Nothing written</span></td>') in table
    assert "B-2-1.2</span></a></td>\n      <td>Malaysia" not in table  # submitted: in review, not missing
    assert table.count("<tr>") == 1 + (expected - 1)  # the heading, and every report but the one in review
    assert 'name="confirm" value="yes"' in html and "Confirm: lock round 2026-H2" in html
    open_round.refresh_from_db()
    assert open_round.locked_at is None


def test_a_post_without_the_confirmation_shows_the_list_and_locks_nothing(client_for, open_round, returned):
    response = client_for("secretariat").post(LOCK, {"reason": "Tabled at the 20th meeting."})
    html = text(response)
    assert response.status_code == 200
    assert "Nothing is locked yet: read what the round still lacks, then confirm below." in html
    assert "<strong>1 returned</strong> for correction" in html
    assert "Tabled at the 20th meeting.</textarea>" in html  # the reason is kept for the confirmation
    open_round.refresh_from_db()
    assert open_round.locked_at is None


def test_only_the_confirmation_locks(client_for, open_round):
    client = client_for("secretariat")
    response = client.post(LOCK, {"reason": "Tabled at the 20th meeting.", "confirm": "yes"})
    assert (response.status_code, response["Location"]) == (302, MANAGE)
    open_round.refresh_from_db()
    assert open_round.locked_reason == "Tabled at the 20th meeting."
    html = text(client.get(MANAGE))
    assert "Round 2026-H2 locked. Proponents can no longer change its reports." in html
    assert "<h2>Reopen the round</h2>" in html and "Lock round 2026-H2…" not in html


def test_a_confirmation_without_a_reason_is_refused_in_words(client_for, open_round):
    response = client_for("secretariat").post(LOCK, {"reason": " ", "confirm": "yes"})
    assert response.status_code == 400 and "This field is required." in text(response)
    open_round.refresh_from_db()
    assert open_round.locked_at is None


def test_the_manage_page_counts_what_is_missing_and_links_to_the_confirmation(client_for, open_round, returned):
    html = text(client_for("secretariat").get(MANAGE))
    assert "<strong>1 returned</strong> for correction" in html
    assert f'<a class="button" href="{LOCK}">Lock round 2026-H2…</a>' in html
    assert 'id="outstanding"' not in html  # the list is on the confirmation page


def test_a_locked_round_sends_the_lock_page_back_to_the_round(client_for, personas, open_round):
    round_lock(by=personas["secretariat"], round=open_round, reason="Closed")
    response = client_for("secretariat").get(LOCK, follow=True)
    assert response.redirect_chain == [(MANAGE, 302)]
    assert "Round 2026-H2 is already locked." in text(response)


def test_reopening_needs_the_secretariat_a_lock_and_a_reason(personas, open_round):
    with pytest.raises(ProgressError) as refused:
        round_reopen(by=personas["secretariat"], round=open_round, reason="Late figures")
    assert str(refused.value) == "Round 2026-H2 is not locked, so there is nothing to reopen."
    round_lock(by=personas["secretariat"], round=open_round, reason="Closed")
    with pytest.raises(ProgressError) as refused:
        round_reopen(by=personas["secretariat"], round=open_round, reason="  ")
    assert str(refused.value) == "Say why the round is reopened; the reason is kept in the round's history."
    for persona in ("champion_b", "proponent_mys", "focal_mys", "viewer", "outsider"):
        with pytest.raises(PermissionDenied):
            round_reopen(by=personas[persona], round=open_round, reason="Mine to open")
    open_round.refresh_from_db()
    assert open_round.locked_reason == "Closed"


def test_a_round_past_its_lock_date_is_not_reopened(personas, today):
    rnd = round_open(by=personas["secretariat"], name="2024-H1", opens_on=date(2024, 3, 1), due_on=date(2024, 5, 1),
                     locks_on=date(2024, 5, 15))
    round_lock(by=personas["secretariat"], round=rnd, reason="Closed")
    with pytest.raises(ProgressError) as refused:
        round_reopen(by=personas["secretariat"], round=rnd, reason="Late figures")
    assert str(refused.value) == ("Round 2024-H1 closed on its lock date (15 May 2024), so reopening it would change "
                                  "nothing: grant an exception for each report that must still change.")


def test_a_reopened_round_takes_reports_again_and_its_history_says_who_and_why(personas, client_for, open_round):
    round_lock(by=personas["secretariat"], round=open_round, reason="Tabled at the 20th meeting.")
    response = client_for("secretariat").post("/progress/rounds/2026-H2/reopen/",
                                              {"reason": "Locked a week early by mistake."}, follow=True)
    html = text(response)
    locks = f"{open_round.locks_on.day} {open_round.locks_on:%B %Y}"
    assert (f"Round 2026-H2 reopened. Proponents can change its reports again until {locks}.") in html
    open_round.refresh_from_db()
    assert (open_round.locked_at, open_round.locked_by, open_round.locked_reason) == (None, None, "")
    record = ReportingRound.history.filter(id=open_round.pk).order_by("-history_id").first()
    assert (record.history_change_reason, record.history_user.username) == (
        "Reopened: Locked a week early by mistake.", "secretariat")
    history = html[html.index('<section class="history"'):]
    assert "<td>secretariat</td>" in history and "<td>Reopened: Locked a week early by mistake.</td>" in history
    assert "<td>Locked: Tabled at the 20th meeting.</td>" in history
    assert make_report(personas["proponent_mys"], open_round).revision == 1  # the proponent writes again


def test_a_reopen_without_a_reason_is_refused_in_words(personas, client_for, open_round):
    round_lock(by=personas["secretariat"], round=open_round, reason="Closed")
    response = client_for("secretariat").post("/progress/rounds/2026-H2/reopen/", {"reason": ""}, follow=True)
    assert "Say why the round is reopened; the reason is kept in the round&#x27;s history." in \
        response.content.decode()
    open_round.refresh_from_db()
    assert open_round.locked_reason == "Closed"


@pytest.mark.parametrize("persona", ["champion_b", "proponent_mys", "focal_mys", "viewer", "outsider"])
def test_only_the_secretariat_reaches_the_lock_page_and_reopens(client_for, personas, open_round, persona):
    client = client_for(persona)
    assert client.get(LOCK).status_code == 403
    assert client.post(LOCK, {"reason": "x", "confirm": "yes"}).status_code == 403
    round_lock(by=personas["secretariat"], round=open_round, reason="Closed")
    assert client.post("/progress/rounds/2026-H2/reopen/", {"reason": "x"}).status_code == 403
    open_round.refresh_from_db()
    assert open_round.locked_reason == "Closed"


def test_the_manage_page_of_a_round_closed_by_date_offers_exceptions_not_a_reopen(client_for, personas, today):
    round_open(by=personas["secretariat"], name="2026-H2", opens_on=today - timedelta(days=60),
               due_on=today - timedelta(days=30), locks_on=today - timedelta(days=1))
    html = text(client_for("secretariat").get(MANAGE))
    assert "The round closed on its lock date: grant an exception below for each report that must still change." \
        in html
    assert "Reopen round" not in html and "Lock round 2026-H2…" not in html
    response = client_for("secretariat").get(LOCK, follow=True)
    closed = today - timedelta(days=1)
    assert response.redirect_chain == [(MANAGE, 302)]
    assert f"Round 2026-H2 closed on its lock date ({closed.day} {closed:%B %Y}); it needs no lock." in text(response)


def test_the_history_prints_the_lock_time_as_its_when_column_does(personas, client_for, open_round):
    round_lock(by=personas["secretariat"], round=open_round, reason="Tabled.")
    open_round.refresh_from_db()
    html = text(client_for("secretariat").get("/progress/rounds/2026-H2/manage/"))
    history = html[html.index('<section class="history"'):]
    shown = date_format(timezone.localtime(open_round.locked_at), "j M Y H:i")
    assert f"<del>(empty)</del> → <ins>{shown}</ins>" in history
    assert "+00:00" not in history
