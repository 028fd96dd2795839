"""Run writers at the same moment, each in its own thread and database connection, for the concurrency tests.

Threads see each other's data only once committed, so these tests write to the session's database for
real (`committed_db`) instead of inside a rolled-back test transaction, and delete every row they added
afterwards. They do not use pytest-django's transactional tests, which empty every table after each
test: reloading the plan each time would cost more than all these tests. SQLite test databases live in
memory per connection, so the threaded tests run on PostgreSQL only; each has a sequential twin that
SQLite runs too.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

ON_POSTGRES = pytest.mark.skipif(connection.vendor != "postgresql",
                                 reason="threads share committed data only on PostgreSQL (SQLite test databases "
                                        "are in memory, one per connection); the sequential twin covers the rule")
WAIT = 1.0  # seconds a writer waits at a meeting point for the other: a lock that keeps it away ends the wait


def race(*writers: Callable[[], object]) -> list[object]:
    """Start every writer at once; each result is its return value or the exception it raised."""
    start = threading.Barrier(len(writers))
    results: list[object] = [None] * len(writers)

    def run(index: int, writer: Callable[[], object]) -> None:
        try:
            start.wait(timeout=10)
            results[index] = writer()
        except Exception as error:  # noqa: BLE001 - the test asserts on what each writer was told
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a writer is still waiting: a deadlock"
    return results


def meeting_point(parties: int) -> Callable[[], None]:
    """A wait that lets each writer go once all have reached it, or after WAIT when a lock keeps one away.

    Placed just after a writer reads what it is about to change, it forces the interleaving that loses
    updates (both read, then both write) unless the writers lock what they read."""
    barrier = threading.Barrier(parties)

    def wait() -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=WAIT)

    return wait


def wrap_after(module, name: str, monkeypatch, then: Callable[[], None]) -> None:
    """Make module.name call `then` after it returns, in every thread."""
    original = getattr(module, name)

    def wrapped(*args, **kwargs):
        result = original(*args, **kwargs)
        then()
        return result

    monkeypatch.setattr(module, name, wrapped)


def committed_database(django_db_blocker):
    """The session's database with the real plan, written for real; every row a test adds is deleted after.

    A test module makes it its fixture, after django_db_setup (`yield from committed_database(...)`); the
    module also needs one test marked django_db, or pytest-django creates no test database. A test must
    only add rows (or change rows it added): changes to rows that existed are not undone."""
    from django.apps import apps
    from django.db.models import ProtectedError

    from conftest import load_the_real_plan  # the test world's data as conftest loads it (with the KPI sheets)
    from sapsmed.plan.models import PlanVersion

    with django_db_blocker.unblock():
        if not PlanVersion.objects.exists():  # a transactional test (the browser tests) emptied the tables
            load_the_real_plan()
        tables = [m for m in apps.get_models(include_auto_created=True) if not m._meta.proxy]
        before = {m: set(m._base_manager.values_list("pk", flat=True)) for m in tables}
        try:
            yield
        finally:
            connections.close_all()
            added = {m: set(m._base_manager.values_list("pk", flat=True)) - before[m] for m in tables}
            for _ in range(5):  # rows protected by others go once those are gone
                for model, pks in added.items():
                    if pks:
                        try:
                            model._base_manager.filter(pk__in=pks).delete()
                            pks.clear()
                        except ProtectedError:
                            continue
                added = {m: {pk for pk in pks if m._base_manager.filter(pk=pk).exists()}
                         for m, pks in added.items() if pks}
                if not added:
                    break
            # The clean-up's own connection: after the browser tests (Playwright's loop still running) it is
            # this fixture's context's alone, and left open it keeps PostgreSQL from dropping the test database.
            connections.close_all()
            assert not added, f"rows left behind by a concurrency test: {added}"
