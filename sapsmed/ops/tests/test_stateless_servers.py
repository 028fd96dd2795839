"""Two gunicorn servers and two task workers over one PostgreSQL: no process keeps anything a write makes stale.

The children run with production's settings for state (DEBUG off, per-process caches on, the database task
backend) against this test's database, which they see because the test commits (`transaction=True`). Each
server has one worker process, so "the next request" is served by the very process that drew the page before
the write.
"""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from decimal import Decimal
from html import unescape
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection

pytestmark = [
    pytest.mark.skipif(
        django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL: SQLite's test database lives in the test process's memory, where no server "
               "or worker process can open it (the `make test` PostgreSQL run runs this test)"),
    pytest.mark.django_db(transaction=True),
]

STARTUP_SECONDS = 60  # a bound, not a measure: two cores are shared with other test runs
KPI, STATE = "KPI-E2", "MYS"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def child_database_url() -> str:
    """The database this test writes to, as a DATABASE_URL for the child processes."""
    db = connection.settings_dict
    user = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{quote(db['NAME'])}"


@pytest.fixture
def start(transactional_db, tmp_path):
    """start(name, *argv): `python argv` as a production-like process on the test database; all are stopped
    at the end, before the test's database is emptied. `output(child)` reads what it printed."""
    # SAPSMED_ENV=local is production's state (caches on, database task backend) without its HTTPS-only
    # cookies and collected static files; SAPSMED_MEMO_DERIVED is said outright, as production leaves it on.
    env = {**os.environ, "SAPSMED_ENV": "local", "DEBUG": "0", "DATABASE_URL": child_database_url(),
           "DB_CONN_MAX_AGE": "60", "SAPSMED_VAR_DIR": str(tmp_path / "var"),
           "MEDIA_ROOT": str(tmp_path / "media"), "LOG_LEVEL": "WARNING"}
    children = []

    def run(name: str, *argv: str) -> subprocess.Popen:
        log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 - closed when the fixture stops the child
        child = subprocess.Popen([sys.executable, *argv], cwd=django_settings.BASE_DIR, env=env, stdout=log,
                                 stderr=subprocess.STDOUT, start_new_session=True)
        child.log_path = log.name
        children.append((child, log))
        return child

    try:
        yield run
    finally:
        for child, _ in children:
            if child.poll() is None:
                child.terminate()  # gunicorn's master stops its worker; db_worker exits between tasks
        for child, log in children:
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)  # its own session: the child and what it forked
                child.wait()
            log.close()


def output(child: subprocess.Popen) -> str:
    with open(child.log_path) as f:
        return f.read()


def call(port: int, method: str, path: str, body: dict | None = None, token: str = "") -> tuple[int, str]:
    """One HTTP request to 127.0.0.1:port; (status, body text)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Token {token}"
    try:
        conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


def serve(start, name: str) -> tuple[int, subprocess.Popen]:
    port = free_port()
    return port, start(name, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
                       "--workers", "1", "--timeout", "60")


def wait_until(ready, children, what: str) -> None:
    """Poll `ready()` until true; fail at once with the output of a child that exited, or after the bound."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        for child in children:
            if child.poll() is not None:
                pytest.fail(f"{child.args} exited with {child.returncode}:\n{output(child)}")
        if ready():
            return
        time.sleep(0.1)
    pytest.fail(f"{what} not within {STARTUP_SECONDS} s:\n" + "\n".join(output(c) for c in children))


def answers(port: int) -> bool:
    try:
        return call(port, "GET", "/api/")[0] == 200
    except OSError:
        return False


def words(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def seen(port: int) -> dict:
    """What an anonymous visitor sees of Malaysia's KPI-E2 through one server: its row on the KPI page, its
    cell on the scorecard, its values and its assessment in the API."""
    pages = {path: call(port, "GET", path) for path in (
        f"/kpis/{KPI}/", "/kpis/", f"/api/observations/?kpi={KPI}&state={STATE}",
        f"/api/kpi-assessments/?kpi={KPI}&state={STATE}")}
    assert {path: status for path, (status, _) in pages.items()} == dict.fromkeys(pages, 200)
    kpi_page, scorecard, values, assessment = (body for _, body in pages.values())
    row = re.search(rf'<tr id="state-{STATE}">(.*?)</tr>', kpi_page, re.S)
    cell = re.search(rf'<a href="/kpis/{KPI}/#state-{STATE}">(.*?)</a>', scorecard, re.S)
    (judged,) = json.loads(assessment)["results"]
    return {"kpi page": words(row[1]) if row else None, "scorecard": words(cell[1]) if cell else None,
            "values": [(o["year"], Decimal(o["value"])) for o in json.loads(values)["results"]],
            "status": (judged["status"], judged["reason"])}


def test_a_value_written_through_one_server_is_seen_through_the_other_on_its_next_request(start):
    from rest_framework.authtoken.models import Token

    from sapsmed.accounts.models import Role
    from sapsmed.accounts.services import role_grant, user_create
    from sapsmed.kpis.models import Kpi
    from sapsmed.kpis.services import observation_record
    from sapsmed.ops.loading import plan_load
    from sapsmed.plan.models import MemberState

    plan_load()  # idempotent; an earlier transactional test may have emptied the database
    analyst, _ = user_create(username="analyst", password="analyst-password")
    role_grant(user=analyst, role=Role.SECRETARIAT)
    token = Token.objects.create(user=analyst).key
    observation_record(kpi=Kpi.objects.get(code=KPI), state=MemberState.objects.get(iso3=STATE), year=2016,
                       value=Decimal("50.0"), source="DOSM Labour Force Survey 2016", user=None, reason="Loaded")
    (a, server_a), (b, server_b) = serve(start, "server-a"), serve(start, "server-b")
    wait_until(lambda: answers(a) and answers(b), [server_a, server_b], "Both servers answering")

    baseline_only = {
        "kpi page": "Malaysia 50% (2016) none none set No data "
                    "No data: no value after the 2016 baseline. 1 value, 2016",
        "scorecard": "No data 50 (2016) 1 value, 2016",
        "values": [(2016, Decimal("50.0"))],
        "status": ("no_data", "No data: no value after the 2016 baseline.")}
    # Each process draws every page once first: whatever it keeps between requests is now warm.
    assert seen(a) == baseline_only
    assert seen(b) == baseline_only

    status, body = call(a, "POST", "/api/observations/", {
        "kpi": KPI, "state": STATE, "year": 2024, "value": "55.0", "source": "DOSM Labour Force Survey 2024"}, token)
    assert status == 201, body
    assert seen(b) == {
        "kpi page": "Malaysia 50% (2016) 55% (2024) +5 +10.0% none set Improved "
                    "Improved: 50 → 55% from 2016 to 2024 (+10.0%); higher is better. 2 values, 2016–2024",
        "scorecard": "Improved 50 (2016) → 55 (2024) +10.0% 2 values, 2016–2024",
        "values": [(2016, Decimal("50.0")), (2024, Decimal("55.0"))],
        "status": ("improved", "Improved: 50 → 55% from 2016 to 2024 (+10.0%); higher is better.")}

    # A correction changes a row in place (no row added): the other server sees that too.
    status, body = call(b, "PATCH", f"/api/observations/{json.loads(body)['id']}/",
                        {"value": "45.0", "reason": "DOSM revised the 2024 survey"}, token)
    assert status == 200, body
    assert seen(a) == {
        "kpi page": "Malaysia 50% (2016) 45% (2024) −5 −10.0% none set Worsened "
                    "Worsened: 50 → 45% from 2016 to 2024 (−10.0%); higher is better. 2 values, 2016–2024",
        "scorecard": "Worsened 50 (2016) → 45 (2024) −10.0% 2 values, 2016–2024",
        "values": [(2016, Decimal("50.0")), (2024, Decimal("45.0"))],
        "status": ("worsened", "Worsened: 50 → 45% from 2016 to 2024 (−10.0%); higher is better.")}


def test_each_background_job_runs_exactly_once_with_two_workers(start, settings):
    from django_tasks_db.models import DBTaskResult

    from sapsmed.jobs.services import job_create
    from sapsmed.ops.tests.stateless_tasks import job_run_counted

    # This process enqueues into the table the workers read (tests otherwise run tasks at once, in-process).
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    workers = {name: start(name, "manage.py", "db_worker", "--worker-id", name, "--interval", "0.1",
                           "--no-startup-delay", "--no-reload") for name in ("worker-1", "worker-2")}
    wait_until(lambda: all(f"Starting worker worker_id={name}" in output(w) for name, w in workers.items()),
               workers.values(), "Both workers polling the queue")

    jobs = [job_create(kind="stateless-check", title=f"Check {n}") for n in range(1, 7)]
    results = [job_run_counted.enqueue(str(job.pk)).id for job in jobs]
    wait_until(lambda: DBTaskResult.objects.filter(pk__in=results).finished().count() == len(results),
               workers.values(), "Every job finished")

    for job, result in zip(jobs, results, strict=True):
        job.refresh_from_db()
        row = DBTaskResult.objects.get(pk=result)
        assert row.status == "SUCCESSFUL", row.traceback
        assert len(row.worker_ids) == 1 and row.worker_ids[0] in workers and row.return_value == row.worker_ids[0]
        assert (job.get_status_display(), job.attempts, job.message) == ("Finished", 1, f"Run by {row.return_value}.")
    assert [w.poll() for w in workers.values()] == [None, None]  # both still serving the queue
