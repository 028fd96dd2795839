"""Every page of the page matrix, as each persona who may open it, at a phone's width and at a laptop's.

No page may be wider than the window (wide tables scroll in their own box), and axe-core (bundled in
axe-playwright-python, so nothing is downloaded) may find no serious or critical violation. A screenshot of
every page at both widths is kept under test-output/screenshots/sweep/<width>/<persona>/ (its first screen and a half).

The sweep runs once per module against one committed world (the page matrix's, built through the apps'
services) and a live server of its own (pytest-django's would tie it to one test); the tests read its findings.
"""

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from axe_playwright_python.base import AXE_SCRIPT

from e2e.conftest import SCREENSHOTS

# Transactional, as every browser test: the live server reads what the sweep has committed. pytest-django empties
# the database after each test; the sweep has run by then, and the tests only read its findings.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = (1366, 390)  # a laptop, a phone
PHONE = WIDTHS[1]
HEIGHT = 1200  # px: each screenshot is the window, the first screen and a half of the page
SWEEP = SCREENSHOTS / "sweep"
# Routes that answer a file (PDF, Excel, CSV, a chart, a job's result, an evidence file): the page matrix checks
# who may fetch them; they have no layout. A route missing here that sends a file fails the sweep ("Download is
# starting").
FILE_ROUTES = re.compile(r"\.[a-z]+$|/<str:kind>/$|^jobs/.*/download/$|^kpis/import/.*/errors/$|"
                         r"^progress/evidence/<int:pk>/$")
SERIOUS = ("serious", "critical")
# The page's markup around <main> and inside it, without what differs between two signed-in personas on the
# same page (the CSRF token and the user's name), so axe reads each distinct content and header only once.
MARKUP = """() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll('input[name=csrfmiddlewaretoken], .account .who').forEach(e => e.remove());
  const main = body.querySelector('main'), content = main ? main.outerHTML : '';
  if (main) main.remove();
  return [body.innerHTML, content];
}"""

# The outermost element that reaches past the window's right edge and is not inside a box that clips or scrolls
# it: the one to fix. Of several, the one reaching furthest.
OVERFLOW = """() => {
  const width = window.innerWidth, scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth <= width) return null;
  const past = el => el.getBoundingClientRect().right > width + 0.5;
  const boxed = el => {
    for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement)
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    return false;
  };
  // An absolutely positioned element escapes a scrolling box that is not its containing block: the second pass.
  let worst = null, right = 0;
  for (const inBoxes of [false, true]) {
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (!r.width || r.right <= width + 0.5) continue;
      if (inBoxes ? !/absolute|fixed/.test(getComputedStyle(el).position)
                  : boxed(el) || past(el.parentElement) && el.parentElement !== document.body) continue;
      if (r.right > right) { worst = el; right = r.right; }
    }
    if (worst) break;
  }
  if (!worst) return {scrollWidth, element: 'none found (a pseudo-element or a margin?)'};
  const name = worst.tagName.toLowerCase() + (worst.id ? '#' + worst.id : '') +
    [...worst.classList].map(c => '.' + c).join('');
  const text = (worst.innerText || '').trim().replace(/\\s+/g, ' ').slice(0, 60);
  return {scrollWidth, element: `${name} (${Math.round(worst.getBoundingClientRect().width)} px wide) "${text}"`};
}"""


def overflow_of(page) -> str | None:
    """None if the page fits its window; otherwise how wide it is and the element that makes it so."""
    found = page.evaluate(OVERFLOW)
    if found is None:
        return None
    return f"{found['scrollWidth']} px wide in a {page.viewport_size['width']} px window: {found['element']}"


def serious_violations(page, scope: str = "document") -> list[str]:
    """axe-core's serious and critical findings in scope (axe injected already), each with up to 4 places."""
    results = page.evaluate(f"axe.run({scope}, {{resultTypes: ['violations']}})")
    return [f"{v['id']} ({v['impact']}): {v['help']}; " + ", ".join(" ".join(n["target"]) for n in v["nodes"][:4])
            for v in results["violations"] if v["impact"] in SERIOUS]


def html_pages() -> dict[str, list[str]]:
    """Each persona's pages: every HTML page of the page matrix (sapsmed/pages/tests) that answers it 200."""
    from sapsmed.pages.tests.test_page_matrix import GET_MATRIX, answers

    pages = defaultdict(list)
    for route, url, spec in GET_MATRIX:
        if FILE_ROUTES.search(route):
            continue
        for persona, answer in answers(spec).items():
            if answer == "200":
                pages[persona].append(url)
    return pages


def shot_name(url: str) -> str:
    """/progress/rounds/{round}/ -> progress-rounds-round (the matrix's template, stable between runs)."""
    return re.sub(r"[^A-Za-z0-9.]+", "-", url).strip("-") or "home"


@dataclass
class Sweep:
    base: str
    visits: list = field(default_factory=list)  # (url, persona, width)
    wrong_answers: list = field(default_factory=list)
    overflows: list = field(default_factory=list)
    violations: list = field(default_factory=list)


@pytest.fixture(scope="module")
def server_and_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The page matrix's world, committed, served by a live server of this module's own."""
    import os

    from django.core.management import call_command
    from django.test import override_settings
    from pytest_django.live_server_helper import LiveServer

    from sapsmed.ops.loading import plan_load
    from sapsmed.pages.tests.page_matrix_world import build_world

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop runs in this thread
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("sweep-media"))
    with django_db_blocker.unblock(), media:
        plan_load()  # a transactional test before this module has emptied the database
        world = build_world()
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield server, world
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)  # also when the sweep failed before any test


def sign_in(context, base: str, world, persona: str) -> None:
    """The persona's session cookie, made by Django's test client (no login form: axes and speed)."""
    from django.conf import settings

    if persona == "anonymous":
        return
    session = world.client(persona).cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base}])


def read(page, found: Sweep, where: str, shot: Path, axe_read: set) -> None:
    """The page at the window's current width: its overflow, a screenshot of its first screen, and axe's findings.

    axe reads a page's content (<main>) at the phone's width, where tables scroll and space is tightest (the markup
    is the same at both widths; only the header changes, folded or not), and the page around it at both widths.
    It reads what it has read already at this width, for another persona, only once: the same markup gives the
    same findings. A full sweep then takes a few minutes instead of ten."""
    if (overflow := overflow_of(page)) is not None:
        found.overflows.append(f"{where}: {overflow}")
    page.screenshot(path=str(shot), type="jpeg", quality=70, caret="initial")
    width = page.viewport_size["width"]
    chrome, content = ((width, hashlib.sha256(m.encode()).digest()) for m in page.evaluate(MARKUP))
    if width == PHONE and content not in axe_read:
        scope = "document"  # the whole page
    elif chrome not in axe_read:
        scope = "{exclude: [['main']]}"  # the header and footer, and the rules about the page as a whole
    else:
        return
    axe_read |= {chrome, content}
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    found.violations += [f"{where}: {v}" for v in serious_violations(page, scope)]


@pytest.fixture(scope="module")
def sweep(browser, server_and_world) -> Sweep:
    server, world = server_and_world
    found = Sweep(base=server.url)
    axe_read = set()
    for persona, urls in html_pages().items():
        context = browser.new_context(viewport={"width": WIDTHS[0], "height": HEIGHT})
        sign_in(context, server.url, world, persona)
        page = context.new_page()
        page.set_default_timeout(30000)
        for url in urls:
            response = page.goto(server.url + world.url(url))
            kind = response.headers.get("content-type", "")
            if response.status != 200 or not kind.startswith("text/html"):
                found.wrong_answers.append(f"{url} as {persona}: {response.status} {kind}")
                continue
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": HEIGHT})
                found.visits.append((url, persona, width))
                read(page, found, f"{url} as {persona} at {width} px",
                     SWEEP / str(width) / persona / f"{shot_name(url)}.jpg", axe_read)
            page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})
        context.close()
    return found


def test_every_html_page_of_the_matrix_is_visited_as_each_of_its_personas_at_both_widths(sweep):
    expected = sum(len(urls) for urls in html_pages().values())
    assert not sweep.wrong_answers, "pages the matrix serves did not answer 200 HTML:\n" + "\n".join(
        sweep.wrong_answers)
    assert len(sweep.visits) == expected * len(WIDTHS)
    assert ("/progress/rounds/{round}/reports/B-2-1.3/MYS/", "proponent_mys", 390) in sweep.visits
    assert (SWEEP / "390" / "proponent_mys" / "progress-rounds-round-reports-B-2-1.3-MYS.jpg").stat().st_size > 0


def test_no_page_is_wider_than_its_window(sweep):
    assert not sweep.overflows, f"{len(sweep.overflows)} pages wider than the window:\n" + "\n".join(sweep.overflows)


def test_axe_finds_no_serious_or_critical_violation_on_any_page(sweep):
    assert not sweep.violations, f"{len(sweep.violations)} serious or critical accessibility violations:\n" + (
        "\n".join(sweep.violations))


def test_the_overflow_check_names_the_element_to_fix_and_ignores_what_scrolls_in_its_own_box(page):
    page.set_viewport_size({"width": 390, "height": 600})
    page.set_content('<body style="margin:0"><div style="overflow-x:auto"><table style="width:900px"><tr><td>ok'
                     '</td></tr></table></div><p>fits</p></body>')
    assert overflow_of(page) is None
    page.set_content('<body style="margin:0"><main><div class="wide sheet" style="width:1030px">'
                     '<span style="width:1030px;display:block">A sheet</span></div></main></body>')
    assert overflow_of(page) == '1030 px wide in a 390 px window: div.wide.sheet (1030 px wide) "A sheet"'
    page.set_content('<!doctype html><body style="margin:0"><div style="overflow-x:auto"><div style="width:900px;'
                     'padding-left:700px"><label style="position:absolute;width:90px">Name</label></div></div></body>')
    # The label is positioned: its containing block is the page, not the scrolling box, which does not clip it.
    assert overflow_of(page) == '790 px wide in a 390 px window: label (90 px wide) "Name"'


def test_axe_reports_an_unlabelled_input_as_critical(page):
    page.set_content('<!doctype html><html lang="en"><head><title>t</title></head><body><main><h1>Form</h1>'
                     '<input name="milestone"></main></body></html>')
    page.evaluate(AXE_SCRIPT)
    assert [v.split(":")[0] for v in serious_violations(page)] == ["label (critical)"]


def test_on_a_phone_the_menu_folds_behind_a_button_a_keyboard_opens_and_the_skip_link_comes_first(live_server, page):
    page.set_viewport_size({"width": PHONE, "height": 800})
    page.goto(live_server.url + "/states/")  # no field takes the focus on arrival (the login page's does)
    menu = page.locator("button.menu-button")
    assert menu.is_visible() and menu.get_attribute("aria-expanded") == "false"
    assert not page.is_visible("nav.main-nav") and not page.is_visible("#q")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the main content"
    assert page.is_visible(".skip-link")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    menu.focus()
    page.keyboard.press("Enter")
    assert menu.get_attribute("aria-expanded") == "true"
    assert page.is_visible("nav.main-nav >> text=Roadmap") and page.is_visible("#q")
    page.keyboard.press("Escape")
    assert menu.get_attribute("aria-expanded") == "false" and not page.is_visible("nav.main-nav")
    page.set_viewport_size({"width": WIDTHS[0], "height": 800})
    assert not menu.is_visible() and page.is_visible("nav.main-nav >> text=Roadmap")
