"""Whatever report workbook a proponent uploads, it is refused with located errors or saved whole, once.

The valid file is the round workbook the proponent downloads, prefilled with a draft; each example
damages it. A refused workbook changes no report; a saved one cannot be saved a second time, because
its revisions are then stale, so nobody's later work is overwritten by an old file.
"""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sapsmed.core.tests.fuzz_files import assert_located, damaged_uploads
from sapsmed.core.workflow import TransitionRefused
from sapsmed.progress import excel
from sapsmed.progress.models import Milestone, ProgressReport
from sapsmed.progress.services import ProgressError

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


def reports_state() -> tuple:
    reports = list(ProgressReport.objects.order_by("pk").values())
    milestones = list(Milestone.objects.order_by("pk").values_list("report_id", "name", "planned_on", "reached_on"))
    digest = hashlib.sha256(repr((reports, milestones)).encode()).hexdigest()
    return len(reports), ProgressReport.history.count(), digest


def upload_whole(user, rnd, upload, shown) -> None:
    with transaction.atomic():
        before = reports_state()
        parsed = excel.parse(user, rnd, upload.content, upload.filename)
        event(f"{'ok' if parsed.ok else 'refused'}: {parsed.errors[0].message[:40] if parsed.errors else ''}")
        if not parsed.ok:
            assert_located(parsed.errors, upload.filename)
            with pytest.raises(ProgressError):
                excel.commit(user, rnd, parsed)
        else:
            excel.preview(parsed)
            try:
                excel.commit(user, rnd, parsed)
            except (ProgressError, TransitionRefused):
                assert reports_state() == before, "a refused commit saved part of the workbook"
            else:
                reports = list(rnd.reports.values_list("pk", flat=True)[:3])
                shown(["/progress/", f"/progress/rounds/{rnd.name}/", f"/progress/rounds/{rnd.name}/workbook.xlsx",
                       "/api/progress-reports/", *(f"/progress/reports/{pk}/" for pk in reports)],
                      user=user, note=upload.recipe)
                after = reports_state()
                again = excel.parse(user, rnd, upload.content, upload.filename)
                if parsed.reports:
                    assert not again.ok and any("changed after the workbook was downloaded" in e.message
                                                for e in again.errors), "an old workbook could be saved twice"
                assert reports_state() == after
            transaction.set_rollback(True)
            return
        assert reports_state() == before, "a refused workbook changed reports"
        transaction.set_rollback(True)


@FUZZ
@given(data=st.data())
def test_any_damaged_round_workbook_is_refused_with_located_errors_or_saved_once(data, personas, open_round, draft,
                                                                                  shown):
    user = personas["proponent_mys"]
    base = excel.workbook(user, open_round)
    upload_whole(user, open_round, data.draw(damaged_uploads(base, sheet="Reports", stem="reports")), shown)


@settings(max_examples=3, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_uploading_a_damaged_workbook_never_fails_with_a_server_error(data, client_for, personas, open_round, draft):
    base = excel.workbook(personas["proponent_mys"], open_round)
    upload = data.draw(damaged_uploads(base, sheet="Reports", stem="reports"))
    client = client_for("proponent_mys")
    url = f"/progress/rounds/{open_round.name}/upload/"
    response = client.post(url, {"file": SimpleUploadedFile(upload.filename, upload.content)})
    assert response.status_code in (200, 302, 400), upload.recipe
    if response.status_code == 302:
        assert client.get(response["Location"]).status_code == 200, upload.recipe
