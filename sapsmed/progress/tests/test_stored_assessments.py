"""Early-warning assessments are stored rows written with their facts: a page shows a change on the next request,
a draft costs nothing, a failed recompute rolls the change back, and check_derived finds a row edited behind the
platform's back."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sapsmed.plan.models import ActionLineVersion
from sapsmed.plan.roadmap_services import action_line_retire
from sapsmed.plan.tests.roadmap_helpers import add_lines
from sapsmed.progress import derived
from sapsmed.progress.models import Basis, ProgressReport, ReportTransition, StreamAssessment
from sapsmed.progress.services import report_save
from sapsmed.progress.tests.conftest import make_report, move

pytestmark = pytest.mark.django_db

BEHIND = {"percent_complete": 5, "planned_start": date(2024, 1, 1), "planned_end": date(2026, 12, 31)}


def row_of(html: str, code: str) -> str:
    start = html.index(f'data-code="{code}"')
    return html[start:html.index("</tr>", start)]


def stored(code="B-2-1.3", iso3="MYS", basis=Basis.SUBMITTED) -> StreamAssessment:
    return StreamAssessment.objects.get(action_line__code=code, member_state__iso3=iso3, basis=basis)


def test_a_submitted_report_is_flagged_at_once_for_role_holders_and_public_only_once_accepted(
        client, client_for, personas, open_round):
    report = make_report(personas["proponent_mys"], open_round, **BEHIND)
    secretariat = client_for("secretariat")
    assert 'id="w-B-2-1.3-MYS"' not in secretariat.get("/progress/early-warning/").content.decode()
    move(report, personas["proponent_mys"], "submit")
    assert 'id="w-B-2-1.3-MYS"' in secretariat.get("/progress/early-warning/").content.decode()
    assert stored().rag == "red" and stored().counted_reports == [report.pk]
    assert "rag-red" not in row_of(client.get("/roadmap/").content.decode(), "B-2-1.3")  # submitted only
    move(report, personas["champion_b"], "validate")
    move(report, personas["secretariat"], "accept")
    assert stored(basis=Basis.ACCEPTED).rag == "red"
    assert '<span class="rag rag-red" title="Red: serious problem">Red</span>' in row_of(
        client.get("/roadmap/").content.decode(), "B-2-1.3")


def test_a_transition_rewrites_the_bases_that_count_the_report_before_or_after_it_and_no_other(
        personas, open_round):
    report = make_report(personas["proponent_mys"], open_round, **BEHIND)
    kept = {basis: stored(basis=basis).pk for basis in Basis}
    move(report, personas["proponent_mys"], "submit")  # draft -> submitted: counted by role holders only
    assert stored(basis=Basis.ACCEPTED).pk == kept[Basis.ACCEPTED]
    assert stored(basis=Basis.SUBMITTED).pk != kept[Basis.SUBMITTED] and stored().rag == "red"
    move(report, personas["champion_b"], "validate")
    assert stored(basis=Basis.ACCEPTED).pk == kept[Basis.ACCEPTED]
    assert stored().report_workflow_status == "validated"
    move(report, personas["secretariat"], "accept")  # now counted by the public's basis too
    assert stored(basis=Basis.ACCEPTED).rag == "red" and stored().report_workflow_status == "accepted"
    assert derived.differences() == []


def test_saving_a_draft_writes_no_assessment(personas, open_round):
    report = make_report(personas["proponent_mys"], open_round, **BEHIND)
    before = stored().computed_at
    with CaptureQueriesContext(connection) as ctx:
        report_save(by=personas["proponent_mys"], round=open_round, line=report.action_line,
                    state=report.member_state, values={"narrative": "Changed."}, milestones=[],
                    revision=report.revision)
    assert not any("progress_streamassessment" in q["sql"] for q in ctx.captured_queries)
    assert stored().computed_at == before


def test_a_failed_recompute_refuses_the_transition_in_words_and_keeps_nothing(personas, open_round, monkeypatch,
                                                                               client_for):
    report = make_report(personas["proponent_mys"], open_round, **BEHIND)

    def broken(*args, **kwargs):
        raise RuntimeError("recompute failed")

    monkeypatch.setattr(derived, "_rows", broken)
    page = client_for("proponent_mys").post(f"/progress/reports/{report.pk}/act/",
                                            {"action": "submit", "revision": report.revision},
                                            follow=True)
    assert page.status_code == 200
    assert ("Nothing was saved: early warning and the round&#x27;s completeness could not be brought up to date "
            "with this change.") in page.content.decode()
    assert ProgressReport.objects.get(pk=report.pk).workflow_status == "draft"
    assert not ReportTransition.objects.filter(report=report).exists()


def test_retiring_a_line_through_the_roadmap_removes_its_assessments(personas, open_round):
    terms = ActionLineVersion.objects.get(action_line__code="B-2-1.3")
    assert StreamAssessment.objects.filter(action_line=terms.action_line).count() == 4  # MYS, LAO × 2 bases
    action_line_retire(lv=terms, user=personas["secretariat"], reason="Dropped by the working group")
    assert not StreamAssessment.objects.filter(action_line=terms.action_line).exists()


def test_check_derived_names_a_row_edited_behind_the_platforms_back_and_refresh_mends_it(personas, open_round):
    StreamAssessment.objects.filter(action_line__code="B-2-1.3", member_state__iso3="MYS",
                                    basis=Basis.SUBMITTED).update(rag="green")
    out = StringIO()
    with pytest.raises(CommandError, match=r"1 stored derived row\(s\) differ"):
        call_command("check_derived", stdout=out)
    assert "Early warning B-2-1.3 (MYS) (submitted): stored green, recomputed grey; differs in rag." in out.getvalue()
    call_command("refresh_assessments", stdout=StringIO())
    out = StringIO()
    call_command("check_derived", stdout=out)
    assert "Every stored derived value matches a recomputation from the facts." in out.getvalue()


def test_the_roadmap_asks_the_same_queries_with_more_lines(client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/roadmap/").status_code == 200
        return len(ctx.captured_queries)

    derived.streams_recompute()
    before = queries()
    add_lines(10)
    derived.streams_recompute()
    assert queries() == before


def test_a_submitted_report_rewrites_the_lines_that_wait_for_it(personas, open_round):
    terms = ActionLineVersion.objects.get(action_line__code="B-2-1.3")
    terms.predecessors.add(ActionLineVersion.objects.get(action_line__code="B-2-1.2").action_line)
    derived.streams_recompute()  # the link was added behind the services' back, as the nightly refresh mends
    assert not any(f["kind"] == "predecessor_late" for f in stored().flags)
    dropped = make_report(personas["proponent_mys"], open_round, code="B-2-1.2", status="dropped")
    move(dropped, personas["proponent_mys"], "submit")
    assert ("Predecessor dropped: B-2-1.2 (MYS), which this line waits for, has been dropped."
            in [f["reason"] for f in stored().flags])
    assert stored("B-2-1.2").rag == "dropped"


def test_the_stored_order_is_the_cores_worst_first_order(personas):
    from sapsmed.progress.demo import demo_load
    from sapsmed.progress.warning import assess

    demo_load()  # twenty rounds of varied synthetic reports: every status and many flags
    core = [(s.line.action_line.code, s.state.iso3) for s in assess().streams]
    stored_order = list(StreamAssessment.objects.filter(basis=Basis.SUBMITTED).order_by("worst_first")
                        .values_list("action_line__code", "member_state__iso3"))
    assert len(core) > 20 and stored_order == core
