"""The roadmap timeline: every line by goal over the two periods, with filters that have their own URL."""

import pytest

from sapsmed.plan import roadmap_selectors
from sapsmed.plan.models import ActionLineVersion, MemberState, Organisation, Pathway, TypeOfMeasure

pytestmark = pytest.mark.django_db


def codes(html: str) -> set[str]:
    import re

    return set(re.findall(r'<tr class="line[^"]*" data-code="([^"]+)"', html))


def page(client, **params) -> str:
    response = client.get("/roadmap/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_timeline_shows_every_line_grouped_by_goal_over_the_two_periods(client):
    html = page(client)
    assert "Post Integration Period 2016–2020" in html and "Global Expansion Period 2021–2025" in html
    assert all(f">{year}</th>" in html for year in range(2016, 2026))
    assert html.index('id="goal-A"') < html.index('id="goal-B"') < html.index('id="goal-E"')
    assert len(codes(html)) == ActionLineVersion.objects.count() == 12
    assert "Goal B: Increase Access to Finance · 2 action lines" in html


def test_a_line_shows_its_span_target_year_required_time_and_leads(client):
    lv = ActionLineVersion.objects.get(action_line__code="B-2-1.3")
    lv.start_year, lv.required_time = 2016, "medium-term"
    lv.save()
    html = page(client)
    row = html[html.index('data-code="B-2-1.3"'):]
    row = row[: row.index("</tr>")]
    assert row.count("bar") >= 3 and 'class="y bar bar-first"' in row and "bar-last" in row
    assert 'title="Target year 2018"' in row and "Medium-term" in row and "Lead: Lao PDR, Malaysia" in row


def test_a_line_without_any_year_says_so_instead_of_drawing_a_bar(client):
    ActionLineVersion.objects.filter(action_line__code="B-2-1.3").update(target_year=None, start_year=None)
    html = page(client)
    row = html[html.index('data-code="B-2-1.3"'):]
    assert "no target year or time frame stated" in row[: row.index("</tr>")]


def lines_where(**lookup) -> set[str]:
    return set(ActionLineVersion.objects.filter(**lookup).values_list("action_line__code", flat=True))


def test_filters_by_goal_action_and_champion_narrow_the_timeline(client):
    assert codes(page(client, goal="B")) == {"B-2-1.2", "B-2-1.3"}
    assert codes(page(client, action="C-1-1")) == lines_where(action_line__action__code="C-1-1") != set()
    assert codes(page(client, champion="MYS")) == {"B-2-1.2", "B-2-1.3"}
    # Thailand champions goals A and C (Table 3-1).
    assert codes(page(client, champion="THA")) == lines_where(action_line__action__outcome__goal__code__in="AC")
    assert codes(page(client, goal="B", champion="THA")) == set()
    assert codes(page(client, goal="Z")) == set()


def test_the_state_filter_finds_lines_a_state_leads_or_proposes(client):
    assert codes(page(client, state="SGP")) == lines_where(lead_states__iso3="SGP") != set()
    ActionLineVersion.objects.get(action_line__code="B-2-1.3").proponent_states.add(MemberState.objects.get(iso3="SGP"))
    assert codes(page(client, state="SGP")) == lines_where(lead_states__iso3="SGP") | {"B-2-1.3"}


def test_filters_by_proponent_organisation_pathway_measure_theme_level_and_period(client):
    lv = ActionLineVersion.objects.get(action_line__code="B-2-1.3")
    lv.proponent_organisations.set([Organisation.objects.get(code="ASEC")])
    lv.types_of_measure.set([TypeOfMeasure.objects.get(number=5)])
    lv.pathway, lv.implementation_level = Pathway.objects.get(code="inclusive"), "regional"
    lv.save()
    assert codes(page(client, org="ASEC")) == {"B-2-1.3"}
    assert codes(page(client, pathway="inclusive")) == {"B-2-1.3"}
    assert codes(page(client, measure="5")) == {"B-2-1.3"}
    assert codes(page(client, level="regional")) == {"B-2-1.3"}
    theme = codes(page(client, theme="Updating of the ASEAN SME Service Centre"))
    assert {"B-2-1.3", "C-1-1.2"} <= theme
    second = codes(page(client, period="P2"))
    assert second == {lv.action_line.code for lv in ActionLineVersion.objects.filter(target_year__gte=2021)}
    assert second and "B-2-1.3" not in second


def test_the_filtered_view_has_its_own_url_and_says_what_is_filtered(client):
    html = page(client, champion="MYS")
    assert "Filtered: Country Champion: Malaysia" in html
    assert 'href="/roadmap/roadmap.pdf?champion=MYS"' in html and 'href="/roadmap/roadmap.xlsx?champion=MYS"' in html
    assert '<option value="MYS" selected>Malaysia</option>' in html
    assert 'value="champion=MYS"' not in html  # the header's search box stays empty


def test_the_filter_form_lands_on_the_short_url_without_its_empty_fields(client):
    response = client.get("/roadmap/", {"version": "", "goal": "", "champion": "MYS", "state": ""})
    assert response.status_code == 302 and response["Location"] == "/roadmap/?champion=MYS"
    assert client.get("/roadmap/", {"goal": ""})["Location"] == "/roadmap/"


def test_retired_lines_are_hidden_unless_asked_for(client):
    ActionLineVersion.objects.filter(action_line__code="B-2-1.3").update(retired=True)
    assert "B-2-1.3" not in codes(page(client))
    html = page(client, retired="1")
    assert "B-2-1.3" in codes(html) and '<tr class="line rt-none retired" data-code="B-2-1.3">' in html


def test_lines_are_drawn_after_their_predecessors(client, client_for):
    from sapsmed.plan.roadmap_selectors import terms_of
    from sapsmed.plan.roadmap_services import action_line_change

    html = page(client)
    assert html.index('data-code="B-2-1.2"') < html.index('data-code="B-2-1.3"')
    lv = ActionLineVersion.objects.get(action_line__code="B-2-1.2")
    secretariat = client_for("secretariat").get("/").wsgi_request.user
    action_line_change(lv=lv, terms={**terms_of(lv), "predecessors": ["B-2-1.3"]}, user=secretariat, reason="order")
    html = page(client)
    assert html.index('data-code="B-2-1.3"') < html.index('data-code="B-2-1.2"')  # the stored order followed
    assert "After: B-2-1.3" in html


def test_check_derived_names_a_line_out_of_its_stored_order_and_refresh_mends_it(client):
    from io import StringIO

    from django.core.management import CommandError, call_command

    ActionLineVersion.objects.filter(action_line__code="B-2-1.2").update(draw_rank=999)
    html = page(client)
    assert html.index('data-code="B-2-1.3"') < html.index('data-code="B-2-1.2"')  # the stored order, edited
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_derived", stdout=out)
    place = ActionLineVersion.objects.filter(action_line__code__lt="B-2-1.2").count() + 1
    assert out.getvalue().splitlines()[0] == (
        f"Roadmap order B-2-1.2 (version 1): stored place differs; recomputed {place}.")
    call_command("refresh_assessments", stdout=StringIO())
    call_command("check_derived", stdout=StringIO())
    html = page(client)
    assert html.index('data-code="B-2-1.2"') < html.index('data-code="B-2-1.3"')


def test_an_unknown_version_is_not_found(client):
    assert client.get("/roadmap/", {"version": "9"}).status_code == 404
    assert client.get("/roadmap/", {"version": "x"}).status_code == 404


def test_a_status_given_by_the_composing_page_is_drawn_on_its_line():
    ctx = roadmap_selectors.roadmap({}, {"B-2-1.3": roadmap_selectors.LineStatus("amber", "Amber: needs attention",
                                                                                 True)})
    row = next(r for g in ctx["groups"] for r in g.rows if r.code == "B-2-1.3")
    assert (row.status, row.status_label, row.status_short, row.status_demo) == (
        "amber", "Amber: needs attention", "Amber", True)
    assert ctx["has_status"] and ctx["status_demo"]


def test_a_status_says_what_its_colour_means_in_words_not_only_in_a_tooltip():
    from sapsmed.plan.templatetags.roadmap_tags import timeline_rows

    ctx = roadmap_selectors.roadmap({}, {"B-2-1.3": roadmap_selectors.LineStatus("amber", "Amber: needs attention",
                                                                                 False)})
    rows = [r for g in ctx["groups"] for r in g.rows if r.code == "B-2-1.3"]
    cell = timeline_rows(rows, 10, True).split('<td class="line-status">')[1]
    assert cell == ('<span class="rag rag-amber" title="Amber: needs attention">Amber</span> '
                    '<span class="small">needs attention</span></td></tr>')


def test_without_statuses_the_timeline_has_none_and_says_where_status_will_come_from(client):
    ctx = roadmap_selectors.roadmap({})
    assert not ctx["has_status"] and all(r.status is None for g in ctx["groups"] for r in g.rows)
    assert "Status appears here once progress reports" in page(client)


def test_text_from_the_database_is_escaped_in_the_timeline_rows(client):
    lv = ActionLineVersion.objects.get(action_line__code="B-2-1.3")
    ActionLineVersion.objects.filter(pk=lv.pk).update(title='Finance <script>alert("x")</script> & more',
                                                      time_frame="By <b>2020</b>")
    html = page(client)
    assert ('<td class="title">Finance &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more'
            '<div class="who">') in html
    assert "Time frame: By &lt;b&gt;2020&lt;/b&gt;</div>" in html
    assert "<script>alert" not in html
