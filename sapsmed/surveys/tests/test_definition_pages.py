"""The comparison page puts one enterprise in all ten states with reasons; each state's page shows its history."""

import re

import pytest

pytestmark = pytest.mark.django_db

PROFILE = "employees=40&revenue=20000000&currency=THB&sector=manufacturing&on=2021-06-01"


def rows_of(html: str) -> dict[str, str]:
    table = html[html.index('id="comparison"'):html.index("</table>", html.index('id="comparison"'))]
    return dict(re.findall(r'data-state="([A-Z]{3})">(.*?)</tr>', table, re.S))


def test_the_comparison_shows_the_enterprise_in_all_ten_states_with_the_reason_for_each(client_for, definitions):
    html = client_for("anonymous").get(f"/evidence/msme/compare/?{PROFILE}").content.decode()
    rows = rows_of(html)
    assert sorted(rows) == ["BRN", "IDN", "KHM", "LAO", "MMR", "MYS", "PHL", "SGP", "THA", "VNM"]
    assert "size-small" in rows["THA"]
    assert "small: 40 employees within 6-50 (small) and revenue 20,000,000 THB" in rows["THA"]
    assert "Ministerial Regulation B.E. 2562" in rows["THA"]
    assert "all figures (THB)" in rows["THA"]
    assert "headcount only: money figures in THB not used against MYR thresholds" in rows["MYS"]


def test_the_comparison_says_where_a_definition_is_missing_or_uncertain(client_for, definitions):
    html = client_for("anonymous").get(f"/evidence/msme/compare/?{PROFILE}").content.decode()
    rows = rows_of(html)
    unknown = [code for code, row in rows.items() if "size-unknown" in row]
    assert unknown, "at least one state cannot classify on these figures"
    for code in unknown:
        assert "class unknown" in rows[code] and "unknown: " in rows[code]
    assert "unverified" in html or "partial" in html


def test_the_comparison_states_the_harmonised_band_with_its_label(client_for, definitions):
    html = client_for("anonymous").get(f"/evidence/msme/compare/?{PROFILE}").content.decode()
    assert "small: 40 persons employed, within 10-49" in html
    assert "Harmonised size band by persons employed only (micro 1-9, small 10-49" in html


def test_money_figures_without_a_currency_are_refused_with_a_reason(client_for, definitions):
    html = client_for("anonymous").get("/evidence/msme/compare/?employees=4&revenue=100&on=2021-06-01").content.decode()
    assert "Give the currency of the revenue figure(s)." in html
    assert 'id="comparison"' not in html


def test_the_empty_form_shows_no_comparison_yet(client_for, definitions):
    html = client_for("anonymous").get("/evidence/msme/compare/").content.decode()
    assert "Classify in all ten states" in html and 'id="comparison"' not in html


def test_pages_say_when_the_definitions_are_not_loaded(client_for, db):
    for url in ("/evidence/msme/compare/", "/evidence/msme/", "/evidence/msme/THA/"):
        assert "not loaded" in client_for("anonymous").get(url).content.decode()


def test_a_state_page_shows_its_definitions_over_time_with_sources(client_for, definitions):
    html = client_for("anonymous").get("/evidence/msme/THA/").content.decode()
    timeline = html[html.index("<th>Definition</th>"):]
    assert timeline.index("B.E. 2545 (2002)") < timeline.index("B.E. 2562 (2019)")  # oldest first
    assert "superseded by" in html and "2020 (day not known)" in html
    assert "the larger class applies" in html  # the combination rule in words
    assert "within 6-50" in html and "over 1.8m up to 100m THB" in html  # a threshold table
    assert "https://www.sme.go.th/en/page.php?modulekey=363" in html
    assert "Harmonised size band by persons employed only" in html


def test_a_state_page_shows_what_is_missing(client_for, definitions):
    html = client_for("anonymous").get("/evidence/msme/KHM/").content.decode()
    assert "Thresholds NOT_FOUND in the sources read." in html
    assert "combination rule: not stated in the sources read" in html


def test_the_index_lists_every_state(client_for, definitions):
    html = client_for("anonymous").get("/evidence/msme/").content.decode()
    for code in ("BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "VNM"):
        assert f'href="/evidence/msme/{code}/"' in html


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "viewer", "focal_mys", "secretariat"])
def test_definitions_are_public(client_for, definitions, persona):
    client = client_for(persona)
    for url in ("/evidence/", "/evidence/msme/", "/evidence/msme/VNM/", f"/evidence/msme/compare/?{PROFILE}"):
        assert client.get(url).status_code == 200


def test_an_unknown_state_is_not_found(client_for, definitions):
    assert client_for("anonymous").get("/evidence/msme/XXX/").status_code == 404
