"""Plan pages ask the database a fixed number of times, however many action lines there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sapsmed.plan.models import Action, ActionLine, ActionLineVersion, MemberState, PlanVersion, TypeOfMeasure

pytestmark = pytest.mark.django_db


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def add_lines(n: int):
    version = PlanVersion.objects.get(number=1)
    states = list(MemberState.objects.all()[:3])
    measures = list(TypeOfMeasure.objects.all()[:2])
    for action in Action.objects.filter(outcome__goal__code="B"):
        for i in range(n):
            line = ActionLine.objects.create(action=action, code=f"{action.code}.{50 + i}", line_no=50 + i)
            lv = ActionLineVersion.objects.create(action_line=line, plan_version=version, title=f"Extra {i}",
                                                  source="test")
            lv.lead_states.set(states)
            lv.types_of_measure.set(measures)


@pytest.mark.parametrize("persona", ["anonymous", "secretariat"])
@pytest.mark.parametrize("url", ["/goals/B/", "/action-lines/B-2-1.3/", "/actions/B-2-1/", "/states/MYS/", "/"])
def test_page_query_count_does_not_grow_with_the_action_lines(client_for, persona, url):
    client = client_for(persona)
    before = queries(client, url)
    add_lines(15)
    after = queries(client, url)
    assert after == before
    assert after <= 20
