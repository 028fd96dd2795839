"""Users log in and out; the demo users exist once per role and say they are for demonstration."""

import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command

from sapsmed.accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_demo_users_are_created_once_per_role_and_printed_with_a_warning():
    out = StringIO()
    call_command("create_demo_users", stdout=out)
    call_command("create_demo_users", stdout=StringIO())
    text = out.getvalue()
    assert "FOR LOCAL DEMONSTRATION ONLY" in text
    assert f"password for all of them: {DEMO_PASSWORD}" in text
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.filter(username__in=["secretariat", "champion.mys", "proponent.mys",
                                                         "focal.mys", "viewer"]).count() == 5


def test_a_demo_user_logs_in_and_out(client):
    call_command("create_demo_users", stdout=StringIO())
    response = client.post("/accounts/login/", {"username": "champion.mys", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert "champion.mys" in client.get("/").content.decode()
    client.post("/accounts/logout/")
    assert "Log in" in client.get("/").content.decode()


def test_a_wrong_password_is_refused_with_a_message(client):
    call_command("create_demo_users", stdout=StringIO())
    html = client.post("/accounts/login/", {"username": "viewer", "password": "nope"}).content.decode()
    assert "Your username and password didn't match" in html


def production_env(tmp_path) -> dict:
    """A process environment with production settings, complete, on a throwaway SQLite database."""
    return {"SAPSMED_ENV": "production", "SECRET_KEY": "x" * 64 + "-production-secret-for-the-check",
            "ALLOWED_HOSTS": "sapsmed.example.org", "DATABASE_URL": f"sqlite:///{tmp_path}/prod.sqlite3",
            "PATH": "/usr/bin:/bin"}


def test_production_settings_pass_the_deploy_check_and_refuse_demo_users(tmp_path):
    env = production_env(tmp_path)
    check = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                           env=env, capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    demo = subprocess.run([sys.executable, "manage.py", "create_demo_users"], env=env, capture_output=True,
                          text=True, check=False)
    assert demo.returncode != 0 and "refusing in production" in demo.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {"SAPSMED_ENV": "production", "ALLOWED_HOSTS": "x", "DATABASE_URL": f"sqlite:///{tmp_path}/p.db",
           "PATH": "/usr/bin:/bin"}
    run = subprocess.run([sys.executable, "manage.py", "check"], env=env, capture_output=True, text=True, check=False)
    assert run.returncode != 0 and "SECRET_KEY must be set in production" in run.stderr


def test_repeated_failed_logins_lock_the_account_out_for_a_while(client, settings):
    settings.AXES_ENABLED = True
    call_command("create_demo_users", stdout=StringIO())
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "viewer", "password": "wrong"})
    locked = client.post("/accounts/login/", {"username": "viewer", "password": DEMO_PASSWORD})
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert "_auth_user_id" not in client.session
