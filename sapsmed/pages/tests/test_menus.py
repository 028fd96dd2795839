"""The header's menus offer only what the user may open: every link in them answers 200 for each persona."""

import re

import pytest

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "outsider", "viewer", "focal_mys", "proponent_mys", "champion_b", "secretariat"]


def header_links(html: str) -> list[str]:
    header = html[html.index('<header class="top">'):html.index("</header>")]
    return [href for href in re.findall(r'<a [^>]*href="([^"]+)"', header) if href.startswith("/")]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_link_of_the_header_opens_for_the_person_it_is_offered_to(client_for, open_round, persona):
    client = client_for(persona)
    links = header_links(client.get("/").content.decode())
    assert "/roadmap/" in links
    refused = {href: client.get(href).status_code for href in links}
    assert {href: code for href, code in refused.items() if code != 200} == {}, persona


def test_the_progress_link_leads_each_role_to_a_page_it_may_open(client_for, open_round):
    def progress_link(persona: str) -> str | None:
        html = client_for(persona).get("/").content.decode()
        found = re.search(r'<a href="([^"]+)">Progress</a>', html)
        return found and found.group(1)

    assert progress_link("proponent_mys") == "/progress/"  # my work: reports to write
    assert progress_link("focal_mys") == "/progress/rounds/"  # no report to write: the rounds' dashboards
    assert progress_link("anonymous") is None
