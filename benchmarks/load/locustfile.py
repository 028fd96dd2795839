"""Locust users of the load test: public readers, signed-in Secretariat and champions, API clients.

Run through run_load.py, which seeds the database, starts gunicorn and writes LOAD_FIXTURE (sessions,
tokens, KPI codes, round names). Each request says X-Forwarded-Proto: https, as the TLS proxy in front
of a production server does (settings trust that header), so production settings serve plain HTTP on
127.0.0.1 without redirecting. Think time: between(1, 3) seconds per user between requests.
"""

import json
import os
import random

from locust import HttpUser, between, task
from paths import api_lists, roadmap_filters  # beside this file (locust puts its folder on the path)

FIXTURE = json.loads(open(os.environ["LOAD_FIXTURE"]).read())  # noqa: SIM115 - read once at import
PROXY = {"X-Forwarded-Proto": "https"}
THINK = between(1, 3)
FILTERS = roadmap_filters(FIXTURE["goals"])


def _get(user: HttpUser, path: str, name: str | None = None, **headers) -> None:
    """GET, counted as a failure unless the answer is 200 (a redirect or an error page is a failure)."""
    with user.client.get(path, name=name or path, headers={**PROXY, **headers}, allow_redirects=False,
                         catch_response=True) as response:
        if response.status_code != 200:
            response.failure(f"HTTP {response.status_code}")


class PublicReader(HttpUser):
    """An anonymous visitor reading the scorecard, the roadmap (with and without filters) and a KPI."""

    weight = 6
    wait_time = THINK

    @task(3)
    def scorecard(self):
        _get(self, "/kpis/")

    @task(3)
    def roadmap(self):
        _get(self, "/roadmap/")

    @task(2)
    def roadmap_filtered(self):
        filters = random.choice(FILTERS)
        _get(self, f"/roadmap/?{filters}", name="/roadmap/?<filters>")

    @task(2)
    def kpi(self):
        _get(self, f"/kpis/{random.choice(FIXTURE['kpis'])}/", name="/kpis/<code>/")

    @task(1)
    def stylesheet(self):
        # The floor: a static file served by the same gunicorn (WhiteNoise), the peer of every page.
        _get(self, "/static/css/sapsmed.css", name="static file (peer)")


class SignedIn(HttpUser):
    """The Secretariat or a Country Champion on the early-warning page and the round dashboards."""

    weight = 2
    wait_time = THINK

    def on_start(self):
        name = random.choice(["secretariat", "champion.mys", "champion.tha"])
        self.client.cookies.set("sessionid", FIXTURE["sessions"][name])

    @task(2)
    def early_warning(self):
        _get(self, "/progress/early-warning/")

    @task(2)
    def round_dashboard(self):
        _get(self, f"/progress/rounds/{random.choice(FIXTURE['rounds'])}/", name="/progress/rounds/<name>/")

    @task(1)
    def round_list(self):
        _get(self, "/progress/rounds/")


class ApiClient(HttpUser):
    """A program with a token reading every list of the API (those the API root lists when it runs)."""

    weight = 2
    wait_time = THINK

    def on_start(self):
        # The Secretariat's token: it may read every list the root names (a viewer's is refused some).
        self.auth = {"Authorization": f"Token {FIXTURE['tokens']['secretariat']}"}
        response = self.client.get("/api/", name="/api/ (root)", headers={**PROXY, **self.auth})
        self.lists = api_lists(response.json() if response.status_code == 200 else {})

    @task(3)
    def action_lines(self):
        _get(self, "/api/action-lines/", **self.auth)

    @task(2)
    def kpis(self):
        _get(self, "/api/kpis/", **self.auth)

    @task(3)
    def any_list(self):
        _get(self, random.choice(self.lists), **self.auth)
