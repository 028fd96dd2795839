"""Schemathesis calls every API operation with generated inputs: no server error, no response off-schema."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Calling the WSGI app directly would close the database connection after each request (Django's
    request signals), ending the test's transaction on PostgreSQL; Django's test client unhooks the same."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
READS = schema.include(method="GET")
WRITES = schema.include(method=["POST", "PUT", "PATCH"])
# Generating write bodies (every report field, decimals by pattern) costs far more than the call, so writes
# get fewer examples, sent with a Secretariat token so they go past 401 into validation and the services.
# Anonymous writes only meet 401; the permission matrix asserts that for every write route.
SECRETARIAT_WRITE_EXAMPLES = 6


@pytest.mark.django_db
@READS.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_operation_never_fails_and_matches_its_schema(case):
    # What the API promises: no server error, and every answer (status, content type, headers, body)
    # as its schema documents it.
    case.call_and_validate(checks=CHECKS)


@pytest.fixture
def secretariat_token(personas, mys_value, draft):
    """A Secretariat token, with a KPI value and a draft report in the database for the writes to reach."""
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=personas["secretariat"])
    return token.key


@pytest.mark.django_db
@WRITES.parametrize()
@settings(max_examples=SECRETARIAT_WRITE_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_write_operation_as_the_secretariat_never_fails_and_matches_its_schema(case, secretariat_token):
    # Anonymous calls mostly meet 401; the Secretariat's token takes generated bodies into the write paths
    # (validation, services, workflow refusals). What they write is rolled back with the test's transaction.
    case.call_and_validate(headers={"Authorization": f"Token {secretariat_token}"}, checks=CHECKS)
