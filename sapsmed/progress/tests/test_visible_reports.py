"""One rule for who reads which report: the queryset the API and exports use gives exactly the reports the
policy allows one by one on the report pages, for every persona."""

import pytest

from sapsmed.accounts.services import role_grant, user_create
from sapsmed.plan.models import ActionLine, ActionLineVersion, MemberState
from sapsmed.progress.access import may_view
from sapsmed.progress.models import ProgressReport
from sapsmed.progress.selectors import lead_states_of, visible_reports

pytestmark = pytest.mark.django_db

FILED = [("B-2-1.3", "MYS"), ("B-2-1.3", "LAO"), ("A-1-2.1", "THA"), ("A-1-2.1", "VNM"), ("B-2-1.2", "LAO")]


@pytest.fixture
def reports(open_round):
    return [ProgressReport.objects.create(round=open_round, action_line=ActionLine.objects.get(code=code),
                                          member_state=MemberState.objects.get(iso3=iso3))
            for code, iso3 in FILED]


def allowed_one_by_one(user, reports) -> set[tuple[str, str]]:
    found = set()
    for r in reports:
        line = r.action_line
        if may_view(user, line=line.code, goal=line.action.outcome.goal.code,
                    lead_states=lead_states_of(line.code) | {r.member_state.iso3}):
            found.add((line.code, r.member_state.iso3))
    return found


def visible(user) -> set[tuple[str, str]]:
    return set(visible_reports(user).values_list("action_line__code", "member_state__iso3"))


def test_the_queryset_and_the_one_by_one_answer_agree_for_every_persona(personas, reports):
    line_proponent, _ = user_create(username="proponent_of_a_line", password="x-password-1")
    role_grant(user=line_proponent, role="proponent", action_line=ActionLine.objects.get(code="B-2-1.2"))
    for name, user in {**personas, "proponent_of_a_line": line_proponent}.items():
        assert visible(user) == allowed_one_by_one(user, reports), name


def test_each_persona_reads_what_the_policy_says_in_words(personas, reports):
    assert visible(personas["secretariat"]) == set(FILED)
    assert visible(personas["viewer"]) == set(FILED)  # a viewer of all goals
    assert visible(personas["champion_b"]) == {("B-2-1.3", "MYS"), ("B-2-1.3", "LAO"), ("B-2-1.2", "LAO")}
    assert visible(personas["champion_a"]) == {("A-1-2.1", "THA"), ("A-1-2.1", "VNM")}
    # Malaysia leads B-2-1.2 and B-2-1.3 with Laos: its proponent and focal point read both lead states' reports
    # on them, and nothing of goal A.
    mys_lines = {("B-2-1.3", "MYS"), ("B-2-1.3", "LAO"), ("B-2-1.2", "LAO")}
    assert visible(personas["proponent_mys"]) == mys_lines
    assert visible(personas["focal_mys"]) == mys_lines
    assert visible(personas["outsider"]) == set()


def test_a_state_no_longer_leading_a_line_in_the_plan_in_force_no_longer_sees_its_other_reports(personas, reports):
    ActionLineVersion.objects.get(action_line__code="B-2-1.3").lead_states.remove(MemberState.objects.get(iso3="MYS"))
    assert visible(personas["proponent_mys"]) == {("B-2-1.3", "MYS"), ("B-2-1.2", "LAO")}  # its own filing stays
