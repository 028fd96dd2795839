"""The search finds by stemmed words, ranks, groups and marks; the same answers on SQLite (FTS5) and PostgreSQL.

This file runs in both suites: every expected answer below is asserted on each engine. Within a kind, the two
engines' ranks may order near-ties differently, so results are compared as sets unless the order is the point.
"""

import datetime
import re

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sapsmed.plan.models import Action, ActionLineVersion
from sapsmed.plan.roadmap_selectors import terms_of
from sapsmed.plan.roadmap_services import action_line_change, action_line_create
from sapsmed.reviews.models import Review, ReviewKind, Snapshot
from sapsmed.reviews.services import scorecard_edition_publish, scorecard_publish, snapshot_publish
from sapsmed.search import services
from sapsmed.search.selectors import search

pytestmark = pytest.mark.django_db


def found(query: str) -> dict[str, set[str]]:
    """{kind: the labels found}."""
    return {g.kind: {h.label for h in g.hits} for g in search(query)["groups"]}


def page(query: str, client=None) -> str:
    response = (client or Client()).get("/search/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index("<h1>"):html.index("</main>")]


FINANCE = {"goal": {"Goal B"}, "outcome": {"B-1"}, "action": {"B-1-1", "B-1-2", "B-1-3", "B-2-1"},
           "line": {"B-2-1.2"}}


@pytest.mark.parametrize("query", ["finance", "financing", "FINANCE", "the finance", "finances!"])
def test_finance_finds_what_financing_finds_through_stemming(query):
    assert found(query) == FINANCE


def test_a_member_state_is_found_by_name_with_the_lines_it_leads_and_the_goal_it_champions():
    expected = {"goal": {"Goal B"}, "line": {"B-2-1.2", "B-2-1.3"}, "state": {"MYS"}}
    assert found("Malaysia") == expected
    assert found("mys") == expected  # its ISO3 code is one of its words


def test_every_word_must_be_found():
    assert found("micro financing") == {"line": {"B-2-1.2"}}
    assert found("micro enterprises") == {"line": {"A-1-3.1", "B-2-1.2", "D-2-1.2", "D-3-1.1", "E-2-1.2"}}


def test_kpis_are_found_by_their_name_and_reference_sheet():
    assert found("female") == {"kpi": {"KPI-E2"}}
    assert found("IC.REG.DURS") == {"kpi": {"KPI-D1"}}  # the WDI series named in its reference sheet
    assert found("purchasing power parity") == {"kpi": {"KPI-A1"}}  # a phrase of its definition only


def test_a_code_finds_its_item_and_the_items_under_it_in_code_order():
    result = search("b-2-1")
    assert [(g.kind, [h.label for h in g.hits]) for g in result["groups"]] == [
        ("action", ["B-2-1"]), ("line", ["B-2-1.2", "B-2-1.3"])]
    assert found("B-2-1.3") == {"line": {"B-2-1.3"}}
    assert found("kpi-e2") == {"kpi": {"KPI-E2"}}


def test_a_title_match_ranks_before_a_match_in_the_text():
    ranked = [h.label for h in search("sustainability micro")["groups"][0].hits]
    # Five lines hold both words, in their cross-cutting theme; four hold "micro" in their title too.
    assert set(ranked) == {"A-1-3.1", "B-2-1.2", "D-2-1.2", "D-3-1.1", "E-2-1.2"}
    assert ranked[-1] == "D-3-1.1"


def test_a_kind_shows_its_best_results_and_says_there_are_more():
    lines = search("micro enterprises", per_kind=2)["groups"][0]
    assert (lines.kind, len(lines.hits), lines.more) == ("line", 2, True)
    assert search("micro enterprises", per_kind=5)["groups"][0].more is False


def test_the_page_groups_results_by_kind_in_the_plans_order_with_the_words_marked():
    html = page("Malaysia")
    assert re.findall(r"<h2>(.*?)</h2>", html) == ["Strategic goals", "Action lines", "Member states"]
    assert ("4 results, best first within each kind: <a href=\"#found-goal\">strategic goals (1)</a>, "
            "<a href=\"#found-line\">action lines (2)</a>, <a href=\"#found-state\">member states (1)</a>.") in html
    assert '<a href="/states/MYS/"><span class="code">MYS</span> <mark>Malaysia</mark></a>' in html
    assert ('<a href="/action-lines/B-2-1.2/"><span class="code">B-2-1.2</span> Developing micro financing '
            'programmes for micro enterprises</a>') in html
    assert ('<p class="muted small">Led by Lao PDR (LAO), <mark>Malaysia</mark> (MYS). Time frame: By 2020. '
            'National implementation. Cross-cutting theme: Strengthening for the Sustainability of Micro '
            'enterprises.</p>') in html


def test_the_page_marks_each_stemmed_form_of_the_word():
    html = page("finance")
    assert '<a href="/goals/B/"><span class="code">Goal B</span> Increase Access to <mark>Finance</mark></a>' in html
    assert ('<a href="/action-lines/B-2-1.2/"><span class="code">B-2-1.2</span> Developing micro '
            '<mark>financing</mark> programmes for micro enterprises</a>') in html
    assert '<p class="muted small">Access to <mark>financing</mark> from traditional' in html


def test_a_code_search_marks_the_code():
    html = page("B-2-1.3")
    assert ('<a href="/action-lines/B-2-1.3/"><span class="code"><mark>B-2-1.3</mark></span> Creation of '
            'interactive on-line platform') in html
    assert "1 result with the code B-2-1.3 or under it" in html


def test_the_page_says_when_nothing_matches_and_what_to_type():
    assert "Nothing matches “zzzz”. Try another word, fewer words or a code (A-1-2, C-1-1.2)." in page("zzzz")
    assert "Type words such as <em>micro finance</em>" in page("")
    assert "Type words such as <em>micro finance</em>" in page("the of and")


def _line(secretariat, title: str) -> ActionLineVersion:
    return action_line_create(code="B-2-1.9", action=Action.objects.get(code="B-2-1"), user=secretariat,
                              reason="test", terms={"title": title, "source": "test", "confidence": "confirmed"})


def test_stored_text_is_shown_escaped_around_the_marks(personas):
    _line(personas["secretariat"], '<script>alert("x")</script> Finance <b>hubs</b> & more')
    html = page("finance")
    assert ('<span class="code">B-2-1.9</span> &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; '
            '<mark>Finance</mark> &lt;b&gt;hubs&lt;/b&gt; &amp; more</a>') in html
    assert "<script>alert" not in html and "<b>hubs" not in html


def test_a_line_is_found_by_its_terms_in_force_as_soon_as_they_change(personas):
    lv = _line(personas["secretariat"], "Regional guarantee scheme")
    assert found("guarantee") == {"line": {"B-2-1.9"}}
    action_line_change(lv=lv, terms={**terms_of(lv), "title": "Regional crowdlending scheme", "lead_states": ["MYS"]},
                       user=personas["secretariat"], reason="renamed")
    assert found("guarantee") == {}
    assert found("crowdlending") == {"line": {"B-2-1.9"}}
    assert found("Malaysia")["line"] == {"B-2-1.2", "B-2-1.3", "B-2-1.9"}
    assert services.differences() == []


def _snapshot(published: bool = False) -> Snapshot:
    review = Review.objects.create(kind=ReviewKind.MID_TERM, title="Mid-term review of SAP SMED",
                                   cut_off=datetime.date(2020, 12, 31),
                                   plan_version=ActionLineVersion.objects.first().plan_version)
    content = {"meta": {}, "sections": [{"id": "findings", "title": "Findings and recommendations",
                                         "paragraphs": ["Crowdfunding platforms grew in five member states."],
                                         "tables": [{"rows": [[1, "Extend crowdfunding rules to cooperatives"]]}]}]}
    return Snapshot.objects.create(review=review, label="As tabled at the 12th ACCMSME meeting", content=content,
                                   tabled_on=datetime.date(2021, 5, 15), checksum="-", published=published)


def test_a_snapshot_is_found_once_published_and_no_more_once_withdrawn(personas, client_for):
    snap = _snapshot()
    secretariat = personas["secretariat"]
    assert found("crowdfunding") == {}
    assert "Nothing matches" in page("crowdfunding", client_for("secretariat"))  # unpublished: for nobody
    snapshot_publish(snapshot=snap, user=secretariat, published=True)
    html = page("crowdfunding")
    assert (f'<a href="/reviews/snapshots/{snap.pk}/"><span class="code">Mid-term review</span> Mid-term review of '
            'SAP SMED, As tabled at the 12th ACCMSME meeting</a>') in html
    assert ('<mark>Crowdfunding</mark> platforms grew in five member states. Extend <mark>crowdfunding</mark> '
            'rules to cooperatives.') in html
    snapshot_publish(snapshot=snap, user=secretariat, published=False)
    assert found("crowdfunding") == {}


def test_a_scorecard_edition_is_found_while_published(personas):
    edition = scorecard_publish(user=personas["secretariat"], label="KPI scorecard, as endorsed at the 20th ACCMSME",
                                as_of=datetime.date(2026, 11, 20))
    assert found("endorsed scorecard") == {"publication": {"KPI scorecard"}}
    scorecard_edition_publish(edition=edition, user=personas["secretariat"], published=False)
    assert found("endorsed scorecard") == {}


def test_a_document_changed_behind_the_platforms_back_is_named_and_mended():
    from sapsmed.search.models import SearchDocument

    assert services.differences() == []
    SearchDocument.objects.filter(kind="state", key="MYS").delete()
    SearchDocument.objects.filter(kind="kpi", key="KPI-E2").update(title="Something else")
    SearchDocument.objects.create(kind="line", key="Z-9-9.9", sort_key="Z", title="Left over", url="/")
    assert services.differences() == [
        "Search index: the document of kpi KPI-E2 differs from its facts.",
        "Search index: state MYS has no document.",
        "Search index: line Z-9-9.9 has a document but is not in the facts.",
    ]
    assert found("Malaysia").get("state") is None
    assert services.refresh() == 3
    assert services.differences() == []
    assert found("Malaysia")["state"] == {"MYS"}


ODD = ['"', "'", '"finance', "finance*", "*", "-finance", "finance -micro", "NEAR", "NEAR(finance micro)",
       "finance NEAR/2 micro", "AND", "OR OR", "title_words:finance", "^finance", "finance)", "' OR 1=1 --",
       "%", "_", "\\", "B-2-1.3'", "B-2-1.3%", "😀", "Việt Nam", "ฟินแนนซ์", "金融", "é" * 300, "x" * 2000,
       "finance " * 300, "\x00finance", "fin\x00ance", "   ", "", "a", "\u202e finance", "<script>finance</script>"]


@pytest.mark.parametrize("query", ODD)
def test_odd_queries_answer_a_page(query):
    response = Client().get("/search/", {"q": query})
    assert response.status_code == 200
    assert "<script>finance" not in response.content.decode()


def test_odd_queries_ask_for_the_words_they_hold():
    assert found('"finance') == found("finance*") == found("-finance") == found("^finance") == FINANCE
    assert found("<script>finance</script>") == {}  # "script" is a word too, and nothing holds both


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=120))
def test_any_text_is_a_query_that_answers(query):
    result = search(query)
    assert result["total"] == sum(len(g.hits) for g in result["groups"])


def test_the_page_costs_the_same_queries_whatever_it_finds(django_assert_num_queries):
    client = Client()
    client.get("/search/", {"q": ""})  # the first request sets up the session's queries once
    with django_assert_num_queries(0):
        client.get("/search/", {"q": ""})
    for query in ["zzzz", "finance", "micro", "Malaysia", "B-2-1", "states"]:
        with django_assert_num_queries(1):
            client.get("/search/", {"q": query})
