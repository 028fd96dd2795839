"""Every change to plan content is recorded and shown on the object's page: who, when, before, after."""

import pytest

from sapsmed.plan.models import ActionLineVersion, MemberState

pytestmark = pytest.mark.django_db


def test_an_admin_edit_by_the_secretariat_shows_in_the_action_line_history(client_for):
    sec = client_for("secretariat")
    lv = ActionLineVersion.objects.get(action_line__code="B-2-1.3")
    url = f"/admin/plan/actionlineversion/{lv.pk}/change/"
    form = sec.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update({
        "time_frame": "By 2019", "lead_states": [s.pk for s in lv.lead_states.all()],
        "types_of_measure": [], "action_line": lv.action_line_id, "plan_version": lv.plan_version_id,
        "pathway": "", "target_year": 2019,
    })
    response = sec.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    html = client_for("viewer").get("/action-lines/B-2-1.3/").content.decode()
    assert "Change history" in html
    assert "secretariat" in html
    assert "<del>2018</del> → <ins>By 2019</ins>" in html


def test_a_change_of_lead_states_is_shown_by_name():
    lv = ActionLineVersion.objects.get(action_line__code="B-2-1.3")
    lv._change_reason = "correction"
    lv.lead_states.add(MemberState.objects.get(iso3="SGP"))
    from sapsmed.plan.history import change_history

    entry = change_history(lv)[0]
    assert entry.reason == "correction"
    assert [(c.field, c.before, c.after) for c in entry.changes] == [
        ("Lead states", "Lao PDR, Malaysia", "Lao PDR, Malaysia, Singapore")
    ]


@pytest.mark.parametrize("persona", ["anonymous", "outsider"])
def test_the_public_and_users_without_a_role_do_not_see_who_changed_what(client_for, persona):
    html = client_for(persona).get("/action-lines/B-2-1.3/").content.decode()
    assert "Change history" not in html
