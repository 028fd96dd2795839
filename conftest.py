"""Shared test fixtures: the real plan loaded once per session, and one user per role (personas)."""

import gc

import pytest

PASSWORD = "persona-password"  # noqa: S105 - test-only credential


def pytest_collection_finish(session):
    """The suite's heap of loaded modules, test modules and fixtures is frozen out of the collector's sight, so
    full collections do not walk it again (progress and plan tests: 71 s -> 65 s). Test runs only: servers
    keep the interpreter's defaults."""
    gc.collect()
    gc.freeze()


def load_the_real_plan():
    """The real plan data with its KPI sheets (`manage.py load_plan`), as every test database holds it."""
    from sapsmed.ops.loading import plan_load

    plan_load()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real plan data once into the test database; each test then runs in a rolled-back transaction."""
    with django_db_blocker.unblock():
        load_the_real_plan()


def _persona(username, role=None, **scope):
    from sapsmed.accounts.services import role_grant, user_create
    from sapsmed.plan.models import ActionLine, MemberState, StrategicGoal

    user, _ = user_create(username=username, password=PASSWORD)
    if role:
        role_grant(
            user=user, role=role,
            goal=StrategicGoal.objects.get(code=scope["goal"]) if "goal" in scope else None,
            member_state=MemberState.objects.get(iso3=scope["state"]) if "state" in scope else None,
            action_line=ActionLine.objects.get(code=scope["line"]) if "line" in scope else None,
        )
    return user


# Role values as stored (sapsmed.accounts.models.Role), written out so this file imports no Django model
# and the pure core tests can run without Django (`pytest -p no:django sapsmed/core`).
PERSONAS = {
    "secretariat": ("secretariat", {}),
    "champion_b": ("champion", {"goal": "B", "state": "MYS"}),
    "champion_a": ("champion", {"goal": "A", "state": "THA"}),
    "proponent_mys": ("proponent", {"state": "MYS"}),
    "focal_mys": ("focal_point", {"state": "MYS"}),
    "viewer": ("viewer", {}),
    "outsider": (None, {}),
}


@pytest.fixture
def personas(db):
    """Every persona as a user: one per role plus an outsider who holds no role."""
    return {name: _persona(name, role, **scope) for name, (role, scope) in PERSONAS.items()}


@pytest.fixture
def client_for(client, personas):
    """`client_for("champion_b")` gives a test client logged in as that persona; "anonymous" logs in no one."""

    def make(name):
        from django.test import Client

        c = Client()
        if name != "anonymous":
            c.force_login(personas[name])
        return c

    return make


@pytest.fixture
def memo_on(settings):
    """Derived values and public pages kept between requests, as in production (tests run with it off)."""
    from django.core.cache import cache

    from sapsmed import memo

    settings.SAPSMED_MEMO_DERIVED = True
    memo._MEMO.clear()
    cache.clear()
    yield
    # Test transactions roll back and SQLite hands their keys out again: drop what this test kept.
    memo._MEMO.clear()
    cache.clear()


@pytest.fixture
def derived_mended(django_db_blocker):
    """After a concurrency test that wrote for real (plan/tests/racing.py), recompute every stored derived value.

    Its clean-up deletes the rows the test added, but cannot restore the derived rows the test's writes
    rewrote: those are mended from the facts, and must then match them."""
    yield
    from django.db import connections

    from sapsmed.ops.derived import differences, refresh

    with django_db_blocker.unblock():
        refresh()
        assert differences() == []
        connections.close_all()  # as committed_database does: left open, it keeps the test database from being dropped


@pytest.fixture
def shown():
    """check(urls, user=None, note=""): reads each address (signed in as `user`, or as the public) and fails
    on any answer but 200. After an accepted write, every page, export and API list that shows the data must
    still answer."""
    from django.test import Client

    def check(urls, *, user=None, note: str = "") -> None:
        client = Client()
        if user is not None:
            client.force_login(user)
        for url in urls:
            status = client.get(url).status_code
            assert status == 200, f"{url} answered {status} after an accepted import {note}"

    return check
