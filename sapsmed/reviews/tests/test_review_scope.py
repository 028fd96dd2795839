"""A review's scope: every sentence of its header, progress and amendments sections follows its fields."""

from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from sapsmed.plan.models import PlanVersion
from sapsmed.progress.models import ReportingRound, ReportTransition
from sapsmed.progress.tests.conftest import make_report, move
from sapsmed.reviews.content import review_content
from sapsmed.reviews.forms import ReviewForm
from sapsmed.reviews.models import Review
from sapsmed.reviews.scope import proposals

pytestmark = pytest.mark.django_db


def _round(name, opens):
    return ReportingRound.objects.create(name=name, opens_on=opens, due_on=opens.replace(month=opens.month + 2),
                                         locks_on=opens.replace(month=opens.month + 3))


@pytest.fixture
def world(personas):
    """Three rounds; Malaysia's report on B-2-1.3 completed in 2016-H2, accepted on 10 December 2016 (written
    through the services while the round is open, then the dates set back to 2016)."""
    today = timezone.localdate()
    r1, r3 = _round("2016-H1", date(2016, 1, 1)), _round("2017-H1", date(2017, 1, 1))
    r2 = ReportingRound.objects.create(name="2016-H2", opens_on=today, due_on=today, locks_on=date(2049, 1, 1))
    report = make_report(personas["proponent_mys"], r2, status="completed", percent_complete=100)
    move(report, personas["proponent_mys"], "submit")
    move(report, personas["champion_b"], "validate")
    move(report, personas["secretariat"], "accept")
    ReportingRound.objects.filter(pk=r2.pk).update(opens_on=date(2016, 7, 1), due_on=date(2016, 9, 1),
                                                   locks_on=date(2016, 10, 1))
    r2.refresh_from_db()
    report.__class__.objects.filter(pk=report.pk).update(round_opens_on=date(2016, 7, 1),
                                                         submitted_at=datetime(2016, 8, 20, 9, tzinfo=UTC))
    ReportTransition.objects.filter(report=report).update(at=datetime(2016, 12, 10, 9, tzinfo=UTC))
    review = Review.objects.create(kind="mid_term", title="Review", cut_off=date(2016, 12, 31),
                                   plan_version=PlanVersion.objects.get(number=1), kpi_year_from=2016,
                                   kpi_year_to=2016, first_round=r1, last_round=r2,
                                   created_by=personas["secretariat"])
    return review, (r1, r2, r3)


def _progress(content):
    return next(s for s in content["sections"] if s["id"] == "progress")


def _row(section, title, key):
    table = next(t for t in section["tables"] if t["title"].startswith(title))
    return next(r for r in table["rows"] if r[0] == key)


def test_the_header_and_the_progress_sentences_follow_the_rounds_and_the_cut_off(world):
    review, (r1, r2, r3) = world
    content = review_content(review)
    assert content["meta"]["scope"]["header"] == ("Cut-off 31 December 2016 · plan version 1 · KPI years 2016 · "
                                                  "rounds 2016-H1 to 2016-H2 (2)")
    assert content["meta"]["rounds"] == ["2016-H1", "2016-H2"]
    progress = _progress(content)
    assert progress["paragraphs"][0] == "Reports accepted in the 2 rounds 2016-H1 to 2016-H2, as at 31 December 2016."
    # B-2-1.3 is led by Malaysia and Laos: Malaysia's accepted report says completed; Laos never reported.
    # Goal B's four streams: Malaysia's completed, the three others (Laos on B-2-1.3 among them) unreported.
    assert _row(progress, "End status by goal", "B")[1:] == [1, 0, 0, 0, 3, 4]
    every = next(t for t in progress["tables"] if t["title"] == "End status of every action line and lead state")
    mys = next(r for r in every["rows"] if r[0] == "B-2-1.3" and r[2] == "Malaysia")
    assert mys[3:6] == ["Completed", "2016-H2", 100.0]

    review.last_round = r1  # the report's round is no longer covered
    content = review_content(review)
    assert content["meta"]["scope"]["header"].endswith("· round 2016-H1")
    progress = _progress(content)
    assert progress["paragraphs"][0] == "Reports accepted in the round 2016-H1, as at 31 December 2016."
    every = next(t for t in progress["tables"] if t["title"] == "End status of every action line and lead state")
    assert next(r for r in every["rows"] if r[0] == "B-2-1.3" and r[2] == "Malaysia")[3:5] == ["No report", None]

    review.last_round, review.cut_off = r3, date(2016, 12, 9)  # accepted a day after this cut-off
    progress = _progress(review_content(review))
    assert progress["paragraphs"][0] == "Reports accepted in the 3 rounds 2016-H1 to 2017-H1, as at 9 December 2016."
    every = next(t for t in progress["tables"] if t["title"] == "End status of every action line and lead state")
    assert next(r for r in every["rows"] if r[0] == "B-2-1.3" and r[2] == "Malaysia")[3] == "No report"


def test_a_review_of_kpis_only_says_no_report_is_counted(world):
    review, _rounds = world
    review.first_round = review.last_round = None
    content = review_content(review)
    assert content["meta"]["scope"]["header"].endswith("· no reporting round")
    assert _progress(content)["paragraphs"][0] == ("No reporting round is covered: no progress report is counted "
                                                   "(cut-off 31 December 2016).")


def test_the_amendments_section_counts_amendments_decided_by_the_cut_off(world, personas):
    from sapsmed.plan.amendment_services import amendment_approve, amendment_operation_add, amendment_record

    review, _rounds = world
    sec = personas["secretariat"]
    amendment = amendment_record(user=sec, title="Re-time B-2-1.2", reason="Mid-term decision",
                                 decision_reference="ACCMSME, 2021", decided_on=date(2021, 3, 1))
    amendment_operation_add(amendment=amendment, operation={"op": "retime", "code": "B-2-1.2", "target_year": 2024,
                                                            "time_frame": None}, user=sec)
    amendment_approve(amendment=amendment, user=sec)

    def amendments():
        return next(s for s in review_content(review)["sections"] if s["id"] == "amendments")

    before = amendments()
    assert before["paragraphs"] == [
        "No amendment had been approved by 31 December 2016: the roadmap stood as endorsed (version 1).",
        "Plan version 1 (" + review.plan_version.label + "), the version in force on 31 December 2016.",
        "1 amendment was approved after the cut-off: it is not counted here."]
    review.cut_off = date(2021, 12, 31)
    after = amendments()
    assert after["paragraphs"][0] == "1 amendment was approved by 31 December 2021; version 2 was in force."
    assert after["paragraphs"][1] == (f"Plan version 1 ({review.plan_version.label}); on 31 December 2021 version 2 "
                                      "was in force: this review reads the lines of version 1.")
    assert after["tables"][0]["rows"] == [[2, "Re-time B-2-1.2", "Mid-term decision", "ACCMSME, 2021",
                                           date(2021, 3, 1), 1]]


def test_the_form_proposes_the_period_the_version_in_force_and_the_rounds(world):
    _review, (r1, r2, r3) = world
    mid = proposals("mid_term")
    assert (mid["kpi_year_from"], mid["kpi_year_to"], mid["cut_off"]) == (2016, 2020, date(2020, 12, 31))
    assert (mid["first_round"], mid["last_round"], mid["plan_version"].number) == (r1, r3, 1)
    final = proposals("final")
    assert (final["kpi_year_to"], final["cut_off"]) == (2025, date(2025, 12, 31))
    assert final["title"].startswith("Final review of the ")


def test_the_form_refuses_a_last_round_before_the_first(world):
    _review, (r1, r2, _r3) = world
    form = ReviewForm({"kind": "final", "title": "x", "cut_off": "2025-12-31", "kpi_year_from": 2016,
                       "kpi_year_to": 2025, "plan_version": PlanVersion.objects.get(number=1).pk,
                       "first_round": r2.pk, "last_round": r1.pk})
    assert not form.is_valid()
    assert form.errors["last_round"] == ["The last round (2016-H1) opened before the first (2016-H2)."]


def test_the_new_review_form_proposes_a_final_review_and_a_mid_term_one_on_request(client_for, world):
    client = client_for("secretariat")
    page = client.get("/reviews/").content.decode()
    assert 'value="Final review of the SAP SMED 2016-2025"' in page and 'name="cut_off" value="2025-12-31"' in page
    assert '<label for="id_first_round">First reporting round *</label>' not in page  # optional: a KPI-only review
    assert '<label for="id_first_round">First reporting round</label>' in page
    page = client.get("/reviews/?kind=mid_term").content.decode()
    assert 'name="cut_off" value="2020-12-31"' in page and 'name="kpi_year_to" value="2020"' in page
    assert '<option value="mid_term" selected>Mid-term review</option>' in page


def test_recommendations_and_the_carry_over_list_become_draft_items_of_the_next_plan(world):
    review, _rounds = world
    review.recommendations = "Adopt a common SME definition\n- Fill the KPI gaps"
    findings = next(s for s in review_content(review)["sections"] if s["id"] == "findings")
    recs = next(t for t in findings["tables"] if t["title"] == "Next plan draft items from the recommendations")
    assert recs["annex"] and recs["rows"] == [["R1", "Recommendation 1", "Adopt a common SME definition", None],
                                              ["R2", "Recommendation 2", "Fill the KPI gaps", None]]
    carried = next(t for t in findings["tables"] if t["title"] == "Next plan draft items from the carry-over list")
    laos = next(r for r in carried["rows"] if r[1] == "Action line B-2-1.3 (carried over)")
    assert laos[3] == "Lao PDR: no report"  # Malaysia completed it; Laos never reported
    assert findings["paragraphs"][-1] == (
        f"{2 + len(carried['rows'])} draft items for the next plan: 2 from the recommendations and "
        f"{len(carried['rows'])} action lines carried over, in the workbook's sheets \"Annex - next plan draft "
        "items\" and \"Annex - carried-over items\", for the Secretariat to complete when the next plan is loaded.")
    assert not findings["demo"]  # the items are in the workbook only: the section's pages show none
