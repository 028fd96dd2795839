"""The progress-report and action-line lists read plain rows (api/plain_rows.py): each item must be exactly
what the list's own serializer gives (the detail endpoint's answer), in the list's order, with filters and
page sizes as before."""

from datetime import date

import pytest

from sapsmed.api.plan_api import ActionLineSerializer
from sapsmed.api.progress_api import ReportSerializer
from sapsmed.plan.models import ActionLineVersion
from sapsmed.progress import selectors, services
from sapsmed.progress.models import ProgressReport
from sapsmed.progress.tests.conftest import make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(personas, open_round):
    """A Malaysian report on each line Malaysia leads (two in the test plan),
    with figures, dates, empty values, milestones and transitions."""
    codes = [lv.action_line.code for lv in selectors.lines_in_force()
             if "MYS" in {s.iso3 for s in lv.lead_states.all()}]
    assert len(codes) >= 2
    made = []
    for i, code in enumerate(codes):
        made.append(make_report(personas["proponent_mys"], open_round, code=code,
                                budget_planned=1000 + i / 4, percent_complete=None if i % 2 else 10 * i,
                                planned_start=date(2026, 1, 1 + i), planned_end=date(2026, 12, 1),
                                risks="Late procurement\nStaff turnover" if i % 3 == 0 else ""))
    services.report_transition(by=personas["proponent_mys"], report_id=made[0].pk, action="submit",
                               note="Ready.", revision=None)
    return made


def expected(pks) -> list[dict]:
    rows = ProgressReport.objects.select_related(*selectors.REPORT_RELATED).prefetch_related(
        "milestones", "transitions__by")
    by_pk = {r.pk: r for r in rows.filter(pk__in=pks)}
    return [ReportSerializer(by_pk[pk]).data for pk in pks]


def test_each_listed_report_is_what_its_serializer_and_detail_give(api_for, reports):
    client = api_for("secretariat")
    listed = client.get("/api/progress-reports/").json()["results"]
    order = list(ProgressReport.objects.order_by("round__opens_on", "pk").values_list("pk", flat=True))
    assert [r["id"] for r in listed] == order and len(listed) == len(reports)
    assert listed == [dict(d) for d in expected(order)]
    assert listed[0]["transitions"][0]["note"] == "Ready." and listed[0]["transitions"][0]["by"] == "proponent_mys"
    assert listed[0]["milestones"] == [{"name": "Design", "planned_on": None, "reached_on": None}]
    assert listed[1]["budget_planned"] == "1000.25" and listed[1]["percent_complete"] is None
    for row in listed:
        assert client.get(f"/api/progress-reports/{row['id']}/").json() == row


def test_filters_and_page_size_apply_to_the_plain_rows(api_for, reports):
    client = api_for("secretariat")
    first = client.get("/api/progress-reports/?page_size=1").json()
    second = client.get(first["next"]).json()
    assert (first["count"], len(first["results"]), len(second["results"])) == (len(reports), 1, 1)
    assert {r["id"] for r in first["results"] + second["results"]} == {r.pk for r in reports}
    code = reports[1].action_line.code
    only = client.get(f"/api/progress-reports/?action_line__code={code}").json()["results"]
    assert only and {r["action_line"] for r in only} == {code}
    capped = client.get("/api/progress-reports/?page_size=9999")  # more than 500: capped, not refused
    assert capped.status_code == 200 and capped.json()["count"] == len(reports)


def test_each_listed_action_line_is_what_its_serializer_and_detail_give(api_for, client):
    from sapsmed.plan.models import Pathway, TypeOfMeasure

    some_versions = selectors.lines_in_force()[:3]
    measures = list(TypeOfMeasure.objects.order_by("-number")[:3])
    for version in some_versions:
        version.types_of_measure.set(measures)  # added highest first: the list must still read 1, 2, 3...
    ActionLineVersion.objects.filter(pk=some_versions[0].pk).update(pathway=Pathway.objects.first())
    listed = client.get("/api/action-lines/?page_size=500").json()["results"]
    versions = (ActionLineVersion.objects.filter(pk__in=[v.pk for v in selectors.lines_in_force()])
                .select_related("action_line__action__outcome__goal", "plan_version", "pathway")
                .prefetch_related("lead_states", "types_of_measure").order_by("action_line__code"))
    assert listed == [dict(ActionLineSerializer(v).data) for v in versions]
    assert any(len(r["lead_states"]) > 1 for r in listed) and any(r["types_of_measure"] for r in listed)
    assert listed[0]["types_of_measure"] == sorted(m.number for m in measures)
    assert listed[0]["pathway"] and any(r["pathway"] is None for r in listed)
    some = listed[len(listed) // 2]
    assert client.get(f"/api/action-lines/{some['code']}/").json() == some
    mys = client.get("/api/action-lines/?lead_states__iso3=MYS&page_size=500").json()["results"]
    assert mys and all("MYS" in r["lead_states"] for r in mys)
    assert len(mys) == sum("MYS" in r["lead_states"] for r in listed)
