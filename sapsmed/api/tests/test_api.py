"""The API serves the plan to everyone, writes only for those the policy allows, and documents itself."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_anyone_reads_the_goals_with_their_champions():
    body = APIClient().get("/api/goals/B/").json()
    assert body["title"] == "Increase Access to Finance"
    assert sorted(body["champions"]) == ["LAO", "MYS"]


def test_action_lines_come_from_the_version_in_force_and_filter_by_state():
    body = APIClient().get("/api/action-lines/", {"lead_states__iso3": "THA"}).json()
    codes = [row["code"] for row in body["results"]]
    assert "C-1-1.2" in codes and "B-2-1.3" not in codes
    assert {row["plan_version"] for row in body["results"]} == {1}


def test_a_token_authenticates_a_program(personas):
    token = Token.objects.create(user=personas["secretariat"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/kpis/KPI-D1/").json()["direction"] == "down"


def test_the_api_token_page_shows_and_regenerates_the_users_token(client_for):
    client = client_for("focal_mys")
    first = client.get("/accounts/api-token/").context["token"].key
    client.post("/accounts/api-token/")
    second = client.get("/accounts/api-token/").context["token"].key
    assert first != second and not Token.objects.filter(key=first).exists()


def test_the_schema_is_openapi_3_and_the_docs_load_without_inline_scripts():
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/action-lines/" in schema["paths"]
    html = APIClient().get("/api/docs/").content.decode()
    assert "<script>" not in html and "swagger-ui-bundle.js" in html


@pytest.mark.parametrize("url", ["/api/action-lines/", "/api/goals/", "/api/kpis/"])
def test_api_lists_use_a_fixed_number_of_queries(url):
    from sapsmed.plan.tests.test_query_counts import add_lines

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert APIClient().get(url).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    add_lines(10)
    assert count() == before <= 20


def test_the_public_finds_the_list_of_endpoints_at_the_api_root():
    body = APIClient().get("/api/").json()
    assert body["action-lines"].endswith("/api/action-lines/") and "progress-reports" in body
    # Listing an endpoint opens nothing: progress reports still need a role.
    assert APIClient().get("/api/progress-reports/").status_code in (401, 403)
