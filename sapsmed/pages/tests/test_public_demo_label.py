"""Every public page and download of a world with demonstration progress data: no synthetic status without the
label, and the public sees statuses of accepted reports only."""

import re
import subprocess

import pytest
from django.db import transaction
from django.test import override_settings

from sapsmed.pages.tests import page_matrix_world
from sapsmed.pages.tests.test_page_matrix import GET_MATRIX, PERSONAS

pytestmark = pytest.mark.django_db
LABEL = "Demonstration data"
STATUS_CELL = re.compile(r'<td class="line-status">(.*?)</td>', re.S)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The page matrix's world, with the synthetic history of 20 rounds that `make serve` loads."""
    from sapsmed.progress.demo import demo_load

    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    with django_db_blocker.unblock(), media, transaction.atomic():
        w = page_matrix_world.build_world()
        assert demo_load()["reports"] > 0
        yield w
        transaction.set_rollback(True)


def public_answers(world):
    """(url, response) for every page and download the matrix serves to an anonymous visitor."""
    anonymous = PERSONAS.index("anonymous")
    client = world.client("anonymous")
    for _route, url, spec in GET_MATRIX:
        if spec.split()[anonymous] == "200":
            target = world.url(url)
            yield target, client.get(target)


def test_no_public_answer_shows_a_synthetic_status_or_round_without_the_label(world):
    from sapsmed.progress.demo import demo_rounds

    demo_rounds_named = [r.name for r in demo_rounds()]
    checked = 0
    for url, response in public_answers(world):
        assert response.status_code == 200, url
        body = b"".join(response) if response.streaming else response.content
        if response["Content-Type"].startswith("application/pdf"):
            drawn = subprocess.run(["pdftotext", "-", "-"], input=body, capture_output=True)
            body = drawn.stdout if drawn.returncode == 0 else body  # the world's stand-in files are not PDFs
        text = body.decode("utf-8", errors="replace")
        shows_status = 'class="rag rag-' in text or any(f"round {name}" in text for name in demo_rounds_named)
        if shows_status:
            assert LABEL in text, f"{url} shows demonstration progress without the label"
        checked += 1
    assert checked >= 30


def test_the_public_roadmap_labels_every_status_drawn_from_demonstration_reports(world, client):
    html = client.get("/roadmap/").content.decode()
    cells = [c for c in STATUS_CELL.findall(html) if 'class="rag rag-' in c]
    assert cells, "the demonstration history has accepted reports, so the roadmap shows statuses"
    assert all(LABEL in c for c in cells)
    assert "Statuses marked" in html and "are drawn from synthetic reports, not real ones." in html


def test_the_roadmap_pdf_carries_the_label(world, client):
    pdf = client.get("/roadmap/roadmap.pdf").content
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Status: from progress reports accepted by the ASEAN Secretariat only." in text
    assert LABEL in text


def test_after_the_whole_scenario_every_stored_derived_value_matches_the_facts(world):
    """The world was made through the services (every role's pages and posts, then the demonstration load):
    what they stored along the way is what a recomputation from the facts gives."""
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("check_derived", stdout=out)
    assert out.getvalue().strip() == "Every stored derived value matches a recomputation from the facts."
