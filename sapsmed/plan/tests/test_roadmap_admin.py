"""The admin keeps the roadmap's rules: no predecessor circles; organisations are managed there."""

import pytest

from sapsmed.plan.models import ActionLine, ActionLineVersion, Organisation

pytestmark = pytest.mark.django_db


def test_the_admin_refuses_a_predecessor_circle_naming_its_lines(client_for):
    sec = client_for("secretariat")
    b212 = ActionLineVersion.objects.get(action_line__code="B-2-1.2")
    b212.predecessors.set([ActionLine.objects.get(code="B-2-1.3")])
    lv = ActionLineVersion.objects.get(action_line__code="B-2-1.3")
    url = f"/admin/plan/actionlineversion/{lv.pk}/change/"
    form = sec.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update({"lead_states": [s.pk for s in lv.lead_states.all()], "action_line": lv.action_line_id,
                 "plan_version": lv.plan_version_id, "pathway": "", "funding_source": "",
                 "predecessors": [ActionLine.objects.get(code="B-2-1.2").pk]})
    response = sec.post(url, data)
    assert response.status_code == 200
    assert "Predecessor cycle: B-2-1.2 → B-2-1.3 → B-2-1.2." in response.content.decode()
    assert not lv.predecessors.exists()


def test_the_secretariat_adds_a_donor_organisation_in_the_admin(client_for):
    response = client_for("secretariat").post("/admin/plan/organisation/add/", {
        "code": "JAIF", "name": "Japan-ASEAN Integration Fund", "kind": "donor", "source": "test"})
    assert response.status_code == 302
    assert Organisation.objects.get(code="JAIF").kind == "donor"


@pytest.mark.parametrize("url", ["/admin/plan/amendment/add/", "/admin/plan/roadmapimport/add/"])
def test_amendments_and_imports_are_not_created_in_the_admin(client_for, url):
    assert client_for("secretariat").get(url).status_code == 403
