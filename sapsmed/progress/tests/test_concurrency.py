"""Two people editing one report never overwrite each other: the later save is refused and both versions kept."""

import pytest

from sapsmed.accounts.services import role_grant
from sapsmed.plan.models import ActionLine
from sapsmed.progress.models import ProgressReport, ReportConflict
from sapsmed.progress.services import StaleReport, report_save
from sapsmed.progress.tests.conftest import make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(personas, django_user_model):
    """A second proponent of Malaysia's B-2-1.3 report (granted the line), editing at the same time."""
    user = django_user_model.objects.create_user("colleague", email="colleague@example.org")
    role_grant(user=user, role="proponent", action_line=ActionLine.objects.get(code="B-2-1.3"))
    return user


def edit(user, report, revision, **values):
    return report_save(by=user, round=report.round, line=report.action_line, state=report.member_state,
                       values=values, milestones=[], revision=revision)


def test_a_save_based_on_an_old_revision_is_refused_and_both_versions_are_kept(personas, draft, colleague):
    opened_at = draft.revision  # both open the form on the same revision
    edit(colleague, draft, opened_at, narrative="Colleague's narrative", percent_complete=55)
    with pytest.raises(StaleReport, match="Your changes were not saved: colleague changed this report after you "
                                          "opened it"):
        edit(personas["proponent_mys"], draft, opened_at, narrative="My narrative", percent_complete=60)
    stored = ProgressReport.objects.get(pk=draft.pk)
    assert (stored.narrative, stored.percent_complete) == ("Colleague's narrative", 55)
    kept = ReportConflict.objects.get(report=draft)
    assert kept.by == personas["proponent_mys"] and kept.based_on_revision == opened_at
    assert kept.data["fields"]["narrative"] == "My narrative" and str(kept.data["fields"]["percent_complete"]) == "60"


def test_two_new_reports_on_the_same_line_and_state_do_not_overwrite_each_other(personas, open_round, colleague):
    make_report(colleague, open_round, narrative="First")
    with pytest.raises(StaleReport):
        make_report(personas["proponent_mys"], open_round, narrative="Second")
    assert ProgressReport.objects.get().narrative == "First"
    assert ReportConflict.objects.get().data["fields"]["narrative"] == "Second"


def test_the_refused_version_is_shown_on_the_report_page_and_can_be_loaded_again(personas, draft, colleague,
                                                                                  client_for):
    opened_at = draft.revision
    edit(colleague, draft, opened_at, narrative="Colleague's narrative")
    client = client_for("proponent_mys")
    url = f"/progress/rounds/{draft.round.name}/reports/B-2-1.3/MYS/"
    response = client.post(url, {"revision": opened_at, "narrative": "My narrative", "intent": "save",
                                 "ms-TOTAL_FORMS": 0, "ms-INITIAL_FORMS": 0}, follow=True)
    html = response.content.decode()
    assert "Your changes were not saved" in html and "Refused edits, kept" in html
    assert "My narrative" in html and "Colleague&#x27;s narrative" in html
    conflict = ReportConflict.objects.get()
    reloaded = client.get(f"{url}?from_conflict={conflict.pk}").content.decode()
    assert "My narrative" in reloaded and f'name="revision" value="{draft.revision + 1}"' in reloaded


def test_acting_on_a_report_that_changed_since_it_was_read_is_refused(personas, draft, client_for):
    from sapsmed.progress.tests.conftest import move

    move(draft, personas["proponent_mys"], "submit")
    stale = draft.revision + 1
    move(draft, personas["proponent_mys"], "withdraw")
    response = client_for("champion_b").post(f"/progress/reports/{draft.pk}/act/",
                                             {"action": "validate", "revision": stale, "note": ""}, follow=True)
    assert "changed after you opened it" in response.content.decode()
    assert ProgressReport.objects.get(pk=draft.pk).workflow_status == "draft"
