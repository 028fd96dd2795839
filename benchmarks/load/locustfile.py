"""Locust users of the load test: public readers, signed-in Secretariat and champions, API clients, and writers.

Run through run_load.py, which seeds the database, starts gunicorn, writes LOAD_FIXTURE (sessions, tokens,
KPI codes, round names, the writers' accounts) and names the user classes of the mix it runs: the readers
only (read-only), or the readers with LOAD_PROPONENTS proponents and LOAD_FOCAL_POINTS focal points
(mixed; fixed counts, spawned first, each on an account of its own). Each request says
X-Forwarded-Proto: https, as the TLS proxy in front of a production server does (settings trust that
header), so production settings serve plain HTTP on 127.0.0.1 without redirecting. Think time of the
readers: between(1, 3) seconds per user between requests; a proponent reads its list and saves every 5-10 s,
a focal point enters a value every 10 s. A writer's 409 (a stale revision) is not a failure: it reads the report again
and retries, and the count of those conflicts is written to LOAD_WRITER_LOG at the end.
"""

import itertools
import json
import os
import random
from decimal import Decimal
from pathlib import Path

from locust import HttpUser, between, constant_pacing, events, task
from paths import api_lists, roadmap_filters  # beside this file (locust puts its folder on the path)

FIXTURE = json.loads(Path(os.environ["LOAD_FIXTURE"]).read_text())
PROXY = {"X-Forwarded-Proto": "https"}
THINK = between(1, 3)
FILTERS = roadmap_filters(FIXTURE["goals"])
WRITERS = FIXTURE.get("writers") or {"round": "", "proponents": [], "focal_points": []}
# Fewer accounts than proponent users (LOAD_PROPONENT_ACCOUNTS) makes two users edit one state's drafts.
ACCOUNTS = WRITERS["proponents"][:int(os.environ.get("LOAD_PROPONENT_ACCOUNTS", "0")) or None]
SUBMIT_SHARE = 0.2  # one save in five is followed by a submission, as a proponent finishing a report
RETRIES = 3  # a writer retries a save refused as stale at most this many times, reading the report each time
CONFLICTS = {"409 answers (a stale revision or state), read again": 0, "saves given up after retries": 0}
EDITABLE = ("draft", "returned")


def _get(user: HttpUser, path: str, name: str | None = None, **headers):
    """GET, counted as a failure unless the answer is 200 (a redirect or an error page is a failure)."""
    with user.client.get(path, name=name or path, headers={**PROXY, **headers}, allow_redirects=False,
                         catch_response=True) as response:
        if response.status_code != 200:
            response.failure(f"HTTP {response.status_code}")
    return response


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


_proponent_turn = itertools.count()
_focal_turn = itertools.count()


class Proponent(HttpUser):
    """A proponent saving its state's drafts in the open round through the API, and submitting some."""

    fixed_count = int(os.environ.get("LOAD_PROPONENTS", "10"))
    wait_time = between(5, 10)

    def on_start(self):
        # Each proponent user plays its own account (its own state's reports), in turn.
        _name, token, self.state = ACCOUNTS[next(_proponent_turn) % len(ACCOUNTS)]
        self.auth = {**PROXY, "Authorization": f"Token {token}"}
        self.drafts, self.submitted = {}, []

    def read_mine(self):
        """The state's reports in the open round, as its "my work" list: drafts to edit, submissions to withdraw."""
        response = _get(self, f"/api/progress-reports/?round__name={WRITERS['round']}&member_state__iso3="
                              f"{self.state}&page_size=100", name="/api/progress-reports/?<own round reports>",
                        **self.auth)
        rows = response.json().get("results", []) if response.status_code == 200 else []
        self.drafts = {r["id"]: r["revision"] for r in rows if r["workflow_status"] in EDITABLE}
        self.submitted = [r["id"] for r in rows if r["workflow_status"] == "submitted"]

    def send(self, method: str, path: str, name: str, body: dict):
        """A write: 200 is success, 409 (stale) is answered by the caller, anything else is a failure."""
        with self.client.request(method, path, name=name, json=body, headers=self.auth, catch_response=True,
                                 allow_redirects=False) as response:
            if response.status_code == 409:
                response.success()  # a refusal the client is built to handle: not a server failure
                CONFLICTS["409 answers (a stale revision or state), read again"] += 1
            elif response.status_code != 200:
                response.failure(f"HTTP {response.status_code}: {response.text[:200]}")
        return response

    def revision_of(self, report_id: int) -> int | None:
        """The report's revision as it stands, or None when it is no longer editable (another user of the same
        account submitted it) or could not be read."""
        response = _get(self, f"/api/progress-reports/{report_id}/", name="/api/progress-reports/<id>/", **self.auth)
        if response.status_code != 200 or response.json()["workflow_status"] not in EDITABLE:
            return None
        return response.json()["revision"]

    @task
    def save(self):
        # Each turn starts from the list, as a proponent opens "my work" before editing a report: the list
        # is read as often as drafts are saved (once a turn), not only when the user starts.
        self.read_mine()
        if not self.drafts:
            if self.submitted:  # every draft went in: take one back, so the run keeps saving drafts
                self.send("POST", f"/api/progress-reports/{self.submitted[-1]}/withdraw/",
                          "/api/progress-reports/<id>/withdraw/", {"revision": None})
            return
        report_id = random.choice(list(self.drafts))
        revision = self.drafts[report_id]
        for _ in range(RETRIES):
            body = {"revision": revision, "percent_complete": random.randint(1, 99),
                    "narrative": f"SYNTHETIC load-test draft, revision {revision + 1}."}
            response = self.send("PATCH", f"/api/progress-reports/{report_id}/", "/api/progress-reports/<id>/", body)
            if response.status_code != 409:
                break
            revision = self.revision_of(report_id)
            if revision is None:
                self.drafts.pop(report_id, None)
                return
        else:
            CONFLICTS["saves given up after retries"] += 1
            return
        if response.status_code != 200:
            self.drafts.pop(report_id, None)
            return
        self.drafts[report_id] = response.json()["revision"]
        if random.random() < SUBMIT_SHARE:
            response = self.send("POST", f"/api/progress-reports/{report_id}/submit/",
                                 "/api/progress-reports/<id>/submit/", {"revision": self.drafts[report_id]})
            if response.status_code == 200:
                del self.drafts[report_id]
                self.submitted.append(report_id)


class FocalPoint(HttpUser):
    """A national focal point reading a KPI's values of its state and correcting the latest one, every 10 s."""

    fixed_count = int(os.environ.get("LOAD_FOCAL_POINTS", "2"))
    wait_time = constant_pacing(10)

    def on_start(self):
        account = WRITERS["focal_points"][next(_focal_turn) % len(WRITERS["focal_points"])]
        self.state, self.values = account["state"], account["values"]
        self.auth = {**PROXY, "Authorization": f"Token {account['token']}"}

    @task
    def enter(self):
        kpi, year, value, low, high = random.choice(self.values)
        _get(self, f"/api/observations/?kpi={kpi}&state={self.state}", name="/api/observations/?<kpi, state>",
             **self.auth)
        # Within 1 % of the published value and inside the KPI's bounds, so every entry passes the checks.
        new = Decimal(value) * (1 + Decimal(random.randint(-100, 100)) / 10_000)
        new = min(max(new, Decimal(low) if low is not None else new), Decimal(high) if high is not None else new)
        body = {"kpi": kpi, "state": self.state, "year": year, "value": str(new.quantize(Decimal("0.0001"))),
                "source": "SYNTHETIC load-test entry", "reason": "SYNTHETIC load test: value corrected"}
        with self.client.post("/api/observations/", name="/api/observations/", json=body, headers=self.auth,
                              catch_response=True, allow_redirects=False) as response:
            if response.status_code not in (200, 201):
                response.failure(f"HTTP {response.status_code}: {response.text[:200]}")


@events.quitting.add_listener
def _write_conflicts(environment, **_kwargs):
    if os.environ.get("LOAD_WRITER_LOG"):
        Path(os.environ["LOAD_WRITER_LOG"]).write_text(json.dumps(CONFLICTS))
