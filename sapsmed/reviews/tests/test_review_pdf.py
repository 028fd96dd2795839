"""The review's PDF on full data: nothing past the margins of any page, landscape for wide tables, a short
executive summary, contents with page numbers, marks only where demonstration or synthetic data appear;
and the evidence section's summaries of the survey estimates."""

import copy
from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from sapsmed.reviews.content import section, table
from sapsmed.reviews.render import DEMO_NOTE, SYNTHETIC_NOTE, is_wide, render_document, with_charts
from sapsmed.reviews.section_summary import summary_section, with_summary

pytestmark = pytest.mark.django_db
# Points a box may stray past the content area through rounding in the layout.
TOLERANCE = 0.5
PAGE_BUDGET = 45  # "about 40" pages for 11 KPIs × 10 states, 300 lines, 20 rounds


def full_data():
    """The real plan and KPI values, the demonstration progress history (20 rounds), the synthetic demo survey
    with its estimates dated before the cut-off, and 288 more action lines: 300 in all."""
    from sapsmed.plan.models import Action, ActionLine, ActionLineVersion, MemberState, PlanVersion
    from sapsmed.surveys.models import Estimate

    for command in ("load_observations", "load_msme_definitions", "load_demo_progress", "load_demo_survey"):
        call_command(command, stdout=StringIO())
    # The demo survey is computed today; the final review counts the estimates computed by its cut-off.
    Estimate.objects.update(computed_at=datetime(2025, 6, 30, tzinfo=UTC))
    v1 = PlanVersion.objects.get(number=1)
    states, actions = list(MemberState.objects.all()), list(Action.objects.all())
    for i in range(300 - ActionLineVersion.objects.filter(plan_version=v1).count()):
        action = actions[i % len(actions)]
        line = ActionLine.objects.create(action=action, code=f"{action.code}.{100 + i}", line_no=100 + i)
        version = ActionLineVersion.objects.create(action_line=line, plan_version=v1, title=f"Further line {i}",
                                                   target_year=2016 + i % 10, source="test")
        version.lead_states.set([states[i % 10]])
    return v1


@pytest.fixture(scope="module")
def report(django_db_setup, django_db_blocker, tmp_path_factory):
    """The final review of 2016-2025 on full data: its content and its laid-out PDF (built once)."""
    from django.db import transaction

    from sapsmed.progress.models import ReportingRound
    from sapsmed.reviews.content import review_content
    from sapsmed.reviews.models import Review

    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    with django_db_blocker.unblock(), media, transaction.atomic():
        v1 = full_data()
        rounds = list(ReportingRound.objects.order_by("opens_on"))
        review = Review.objects.create(
            kind="final", title="Final review of the SAP SMED 2016-2025", cut_off=date(2025, 12, 31),
            plan_version=v1, kpi_year_from=2016, kpi_year_to=2025, first_round=rounds[0], last_round=rounds[-1],
            findings="Most quick-win lines were completed.", recommendations="Adopt a common MSME definition\n"
            "Fill the KPI gaps")
        content = review_content(review)
        transaction.set_rollback(True)
    document = render_document(content)
    print(f"\nfull-data final review: {len(document.pages)} pages")
    return content, document


def _boxes(box):
    yield box
    for child in getattr(box, "children", None) or ():
        yield from _boxes(child)


def _content_boxes(page):
    """The boxes of a page's content (its margin boxes, headers and footers, stand outside by design)."""
    for root in page._page_box.children:
        if type(root).__name__ != "MarginBox":
            yield from _boxes(root)


def overflowing(document) -> list[str]:
    """Every box (table, cell, image, text line) that extends past its page's content area."""
    found = []
    for number, page in enumerate(document.pages, 1):
        pb = page._page_box
        left, top = pb.content_box_x(), pb.content_box_y()
        right, bottom = left + pb.width, top + pb.height
        for b in _content_boxes(page):
            if b.width is None or b.height is None or b.position_x is None:
                continue
            x0, y0 = b.border_box_x(), b.border_box_y()
            x1, y1 = x0 + b.border_width(), y0 + b.border_height()
            if x0 < left - TOLERANCE or y0 < top - TOLERANCE or x1 > right + TOLERANCE or y1 > bottom + TOLERANCE:
                what = getattr(b, "text", "") or getattr(b, "element_tag", "")
                found.append(f"page {number}: {type(b).__name__} {what[:40]!r} at x {x0:.0f}-{x1:.0f} "
                             f"(content {left:.0f}-{right:.0f}), y {y0:.0f}-{y1:.0f} ({top:.0f}-{bottom:.0f})")
    return found


def _text(page) -> str:
    return " ".join(b.text for b in _content_boxes(page) if getattr(b, "text", None))


def _header(page) -> str:
    return " ".join(b.text for root in page._page_box.children if type(root).__name__ == "MarginBox"
                    for b in _boxes(root) if getattr(b, "text", None))


def _landscape(page) -> bool:
    return page.width > page.height


def _start_pages(document) -> dict[str, int]:
    """The page (1-based) on which each section starts."""
    starts: dict[str, int] = {}
    for number, page in enumerate(document.pages, 1):
        for anchor in page.anchors:  # a section's anchor is listed on every page it runs over
            if anchor.startswith("sec-"):
                starts.setdefault(anchor[4:], number)
    return starts


def test_no_box_of_any_page_of_the_full_data_report_crosses_the_margins(report):
    content, document = report
    assert overflowing(document) == []
    assert len(document.pages) <= PAGE_BUDGET
    assert not any(_landscape(p) for p in document.pages)  # no table of today's report is too wide for portrait


def test_a_wide_table_has_landscape_pages_of_its_own_and_stays_inside_them(report):
    content, _ = report
    # The survey section alone, as a report: the rest of the report is checked above.
    chosen = ("amendments", "survey", "findings")
    wide = copy.deepcopy({**content, "sections": [s for s in content["sections"] if s["id"] in chosen]})
    survey = next(s for s in wide["sections"] if s["id"] == "survey")
    every = next(t for t in survey["tables"] if t["annex"])
    every["annex"] = False  # the 13 columns of every estimate, shown in the PDF
    assert is_wide(every) and len(every["rows"]) > 100
    document = render_document(wide)
    assert overflowing(document) == []
    landscape = [n for n, p in enumerate(document.pages, 1) if _landscape(p)]
    assert landscape, "no landscape page"
    texts = {n: _text(document.pages[n - 1]) for n in landscape}
    assert "Every survey estimate" in texts[landscape[0]]
    assert all("SYNTHETIC DATA" in _header(document.pages[n - 1]) for n in landscape)
    assert landscape == list(range(landscape[0], landscape[-1] + 1))  # together, and portrait again after
    assert not _landscape(document.pages[landscape[-1]])


def test_the_summary_is_second_and_fits_two_pages(report):
    content, document = report
    assert [s["id"] for s in content["sections"]][:3] == ["plan", "summary", "kpis"]
    starts = _start_pages(document)
    assert 1 <= starts["kpis"] - starts["summary"] <= 2
    text = _text(document.pages[starts["summary"] - 1])
    assert "Of the 110 KPI × state series (11 KPIs), by status:" in text
    assert "(section 3: KPI achievement)." in text


def test_the_contents_list_each_section_with_its_page(report):
    content, document = report
    starts = _start_pages(document)
    toc = next(p for p in document.pages if "Contents" in _text(p))
    lines = [" ".join(b.text for b in _boxes(line) if getattr(b, "text", None))
             for line in _content_boxes(toc) if type(line).__name__ == "LineBox"]
    for number, s in enumerate(content["sections"], 1):
        line = next(x for x in lines if x.startswith(f"{number}. {s['title']}"))
        assert line.rstrip().endswith(f" {starts[s['id']]}") or line.rstrip().endswith(f".{starts[s['id']]}"), line
    assert starts["plan"] == 3


def test_only_pages_with_demonstration_or_synthetic_data_are_marked(report):
    content, document = report
    starts = _start_pages(document)
    order = sorted(starts.items(), key=lambda item: item[1])
    marked = {"progress": "DEMONSTRATION DATA", "survey": "SYNTHETIC DATA"}
    shared = {page for sid, page in starts.items() if sid in marked}  # a page a marked section starts on
    for i, (sid, first) in enumerate(order):
        last = max(first, order[i + 1][1] - 1) if i + 1 < len(order) else len(document.pages)
        for n in range(first, last + 1):
            header = _header(document.pages[n - 1])
            if sid in marked:
                assert marked[sid] in header, (sid, n)
            elif n not in shared:
                assert "DEMONSTRATION" not in header and "SYNTHETIC" not in header, (sid, n)
    assert [s["id"] for s in content["sections"] if s["demo"]] == ["progress"]
    cover = _text(document.pages[0])
    assert DEMO_NOTE in cover and SYNTHETIC_NOTE in cover


def test_the_evidence_section_summarises_each_statistic_and_keeps_every_estimate_in_the_annex(report):
    content, _ = report
    survey = next(s for s in content["sections"] if s["id"] == "survey")
    shown = [t for t in survey["tables"] if not t["annex"]]
    annex = [t for t in survey["tables"] if t["annex"]]
    assert [t["title"] for t in shown] == [
        "Mean of employees (SYNTHETIC demo: ASEAN enterprise survey)",
        "Total of employees (SYNTHETIC demo: ASEAN enterprise survey)",
        "Proportion of has_overseas_investment (SYNTHETIC demo: ASEAN enterprise survey)",
        "Ratio revenue/employees (SYNTHETIC demo: ASEAN enterprise survey)",
        "Proportion of owner_sex=F (SYNTHETIC demo: ASEAN enterprise survey)",
        "Mean of exports_share (SYNTHETIC demo: ASEAN enterprise survey)"]
    assert all(t["columns"] == ["Domain", "Estimate", "SE", "95% CI low", "95% CI high", "deff", "n"] for t in shown)
    assert all(t["formats"] == ["text", "number", "number", "number", "number", "number", "int"] for t in shown)
    assert all(t["synthetic"] for t in survey["tables"]) and survey["synthetic"] and not survey["demo"]
    assert [len(t["rows"]) for t in shown][:4] == [10, 10, 10, 10]
    assert shown[0]["rows"][0][0] == "Brunei Darussalam"
    assert shown[4]["rows"][:3] and [r[0] for r in shown[4]["rows"][:3]] == [
        "Brunei Darussalam, micro enterprises (harmonised)", "Brunei Darussalam, small enterprises (harmonised)",
        "Brunei Darussalam, medium enterprises (harmonised)"]
    assert shown[2]["note"].startswith("Headline domains: 10 of the 40 estimated; the chart shows all 40.")
    assert [c["key"] for c in survey["charts"]] == [t["key"] for t in shown]  # each chart beside its table
    (every,) = annex
    assert len(every["rows"]) == 122 and every["columns"][-7:] == ["Estimate", "SE", "95% CI low", "95% CI high",
                                                                    "deff", "n", "Computed"]
    by_domain = {(r[3], r[4], r[5]): r[6:12] for r in every["rows"]}
    for row in shown[0]["rows"]:  # the headline numbers are the annex's, cell for cell
        assert by_domain[("mean", "employees", row[0])] == row[1:]
    assert all(isinstance(v, float) for r in every["rows"] for v in r[6:11] if v is not None)
    assert survey["paragraphs"][0] == (
        "122 design-based estimates (Taylor linearisation; 95% confidence intervals) of 6 statistics from 1 survey "
        "(SYNTHETIC demo: ASEAN enterprise survey) had been computed by the cut-off date. None of these estimates "
        "has been posted as a KPI value, so they are summarised per survey and statistic rather than per KPI.")
    laid_out = with_charts({"meta": {}, "sections": [survey]})["sections"][0]
    assert laid_out["page"] == "synthetic" and all(t["banner"] == "" for t in laid_out["tables"])


def _hand_built_sections():
    status = ["State", "Baseline", "Latest", "Status"]
    return [
        section("plan", "The plan and its versions", paragraphs=[
            "The plan.", "Endorsed in 2015. This review covers version 2, with 5 goals and 626 action lines."]),
        section("kpis", "KPI achievement", tables=[
            table("KPI-A1", status, [["Brunei", 1, 2, "Improved"], ["Cambodia", 1, 1, "No clear change"]]),
            table("KPI-A2", status, [["Brunei", 1, 0, "Worsened"], ["Cambodia", None, None, "No data"]]),
            table("Every KPI value", status, [["Brunei", 1, 2, "Improved"]] * 5, annex=True)]),
        section("progress", "Action-line status", tables=[
            table("End status by goal", ["Goal", "Completed", "Ongoing", "Lines × lead states"],
                  [["A", 200, 10, 210], ["B", 10, 406, 416]], demo=True),
            # the same streams cut by period: the same sums, said once
            table("End status by period", ["Period", "Completed", "Ongoing", "Lines × lead states"],
                  [["2016-2020", 110, 200, 310], ["2021-2025", 100, 216, 316]], demo=True)]),
        section("gaps", "Data gaps", tables=[table("Lead states without an accepted report", ["State", "Lines"],
                                                   [["Brunei", 3], ["Cambodia", 4]], demo=True)]),
        section("findings", "Findings and recommendations", tables=[
            table("Recommendations", ["No.", "Recommendation"], [[1, "One"], [2, "Two"], [3, "Three"]])]),
    ]


def test_the_summary_counts_from_the_sections_and_cites_each():
    summary = summary_section(_hand_built_sections())
    assert summary["paragraphs"] == [
        "The headline numbers of this review, each counted from the section named in brackets.",
        "This review covers version 2, with 5 goals and 626 action lines (section 1: The plan and its versions).",
        "Of the 4 KPI × state series (2 KPIs), by status: Improved 1; No clear change 1; No data 1; Worsened 1 "
        "(section 3: KPI achievement).",
        "DEMONSTRATION DATA: End status by goal: of the 626 lines × lead states, 210 completed, 416 ongoing "
        "(section 4: Action-line status).",
        "DEMONSTRATION DATA: Lead states without an accepted report: 2 (section 5: Data gaps).",
        "The Secretariat makes 3 recommendations (section 6: Findings and recommendations).",
    ]
    assert not summary["demo"] and not summary["synthetic"]  # its sentences carry their own marks
    assert [s["id"] for s in with_summary(_hand_built_sections())] == ["plan", "summary", "kpis", "progress", "gaps",
                                                                       "findings"]


def test_a_count_table_whose_total_disagrees_gives_no_sentence():
    sections = _hand_built_sections()
    sections[2]["tables"] = sections[2]["tables"][:1]  # the goal table alone
    sections[2]["tables"][0]["rows"][0][-1] = 211  # 200 + 10 is not 211: not a table of counts with a total
    paragraphs = summary_section(sections)["paragraphs"]
    assert not any("of the 627" in p or "of the 626" in p for p in paragraphs)
    assert "DEMONSTRATION DATA: End status by goal: 2 (section 4: Action-line status)." in paragraphs  # rows only


def test_a_table_is_wide_by_its_columns_and_their_widths():
    assert not is_wide(table("Narrow", ["A", "B", "C"], [["x", 1, 2]]))
    assert is_wide(table("Many", [f"C{i}" for i in range(9)], [list(range(9))]))
    long_numbers = [[1234567890.5] * 8]
    assert is_wide(table("Long numbers", [f"N{i}" for i in range(8)], long_numbers, formats=["number"] * 8))


def test_a_demonstration_table_of_a_real_section_is_marked_alone():
    content = {"meta": {}, "sections": [section("gaps", "Data gaps", tables=[
        table("KPIs without data", ["KPI", "States"], [["A1", 3]]),
        table("Lead states without an accepted report", ["State", "Lines"], [["Brunei", 3]], demo=True)])]}
    laid = with_charts(content)["sections"][0]
    assert laid["page"] == ""
    assert [(t["page"], t["banner"]) for t in laid["tables"]] == [("", ""), ("demo", DEMO_NOTE)]
    document = render_document(content)
    headers = [_header(p) for p in document.pages]
    texts = [_text(p) for p in document.pages]
    demo_pages = [i for i, h in enumerate(headers) if "DEMONSTRATION DATA" in h]
    assert demo_pages and all("Lead states without an accepted report" in texts[i] for i in demo_pages)
    assert any("KPIs without data" in t for i, t in enumerate(texts) if i not in demo_pages)
