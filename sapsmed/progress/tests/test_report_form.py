"""The report form checks what the table's check constraints hold through the bounds, without asking the database."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sapsmed.progress.forms import ReportForm

pytestmark = pytest.mark.django_db


def test_the_tables_check_constraints_are_refused_by_the_bounds_without_a_query():
    data = {"percent_complete": "101", "quality_rating": "6", "budget_spent": "-1", "personnel_actual": "-2"}
    form = ReportForm(data=data)
    with CaptureQueriesContext(connection) as ctx:
        assert not form.is_valid()
    assert ctx.captured_queries == []
    assert set(form.errors) == {"percent_complete", "quality_rating", "budget_spent", "personnel_actual"}


def test_a_valid_report_is_checked_without_a_query():
    form = ReportForm(data={"percent_complete": "100", "quality_rating": "5", "budget_spent": "0"})
    with CaptureQueriesContext(connection) as ctx:
        assert form.is_valid(), form.errors
    assert ctx.captured_queries == []
