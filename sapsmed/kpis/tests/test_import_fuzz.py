"""Whatever file is imported as KPI values, the import answers with located errors or writes it all, once.

The valid files are the platform's own import template filled with values and a World Bank download;
each example damages one of them. A refused file leaves the KPI values untouched; a committed file,
imported again, changes nothing.
"""

import csv
import functools
import hashlib
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from sapsmed.core.tables import write_template
from sapsmed.core.tests.fuzz_files import Upload, damaged_uploads
from sapsmed.kpis.import_services import import_commit, import_prepare
from sapsmed.kpis.importing import long_sheet
from sapsmed.kpis.models import ImportStatus, Kpi, Observation
from sapsmed.plan.models import MemberState

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
ROWS = [("KPI-E1", "MYS", 2019, Decimal("48.4")), ("KPI-E1", "MYS", 2020, Decimal("48")),
        ("KPI-E1", "THA", 2020, Decimal("39.25")), ("KPI-E2", "VNM", 2018, Decimal("97.5"))]
YEARS = [str(y) for y in range(1960, 2025)]


@functools.cache  # the same bytes every example: an xlsx written twice differs in its timestamps
def template_filled() -> bytes:
    """The import template the KPI pages offer, filled in as a focal point would."""
    kpis = {k.code: k for k in Kpi.objects.all()}
    states = {s.iso3: s for s in MemberState.objects.order_by("iso3")}
    rows = [{"KPI": k, "State": s, "Year": y, "Value": v, "Source": "National statistics office, table 2",
             "Note": "fuzz"} for k, s, y, v in ROWS]
    return write_template(long_sheet(kpis, states, None), None, rows=rows, title="KPI values")


def wdi_grid() -> dict:
    """A World Bank API_ download: four metadata lines, then one row per country and one column per year."""
    code = Kpi.objects.exclude(wdi_code="").values_list("wdi_code", flat=True).first()
    rows = [["Data Source", "World Development Indicators"], [], ["Last Updated Date", "2026-07-01"], [],
            ["Country Name", "Country Code", "Indicator Name", "Indicator Code", *YEARS],
            ["Aruba", "ABW", "Indicator", code, *[""] * len(YEARS)]]
    for n, iso3 in enumerate(["MYS", "THA", "IDN"]):
        rows.append([iso3, iso3, "Indicator", code, *["" if y < "2010" else str(40 + n + int(y) % 7) for y in YEARS]])
    return {"Data": rows}


def kpi_values() -> tuple:
    """A cheap fingerprint of every stored KPI value and of its history."""
    rows = Observation.objects.order_by("kpi_id", "state_id", "year").values_list(
        "kpi_id", "state_id", "year", "value", "se", "ci_low", "ci_high", "source", "note", "status")
    digest = hashlib.sha256(repr([tuple(map(str, r)) for r in rows]).encode()).hexdigest()
    return len(rows), Observation.history.count(), digest


def import_whole(upload: Upload, shown) -> None:
    """Prepare, commit and import again; check every promise on the way; roll everything back after."""
    with transaction.atomic():
        before = kpi_values()
        batch = import_prepare(content=upload.content, file_name=upload.filename, reason="fuzz", user=None)
        assert kpi_values() == before, "a preview wrote values"
        event(f"{batch.status}: {(batch.errors or [{}])[0].get('message', '')[:40]}")
        if batch.status == ImportStatus.INVALID:
            assert batch.errors
            for error in batch.errors:
                assert error["file"] == upload.filename[:255] and error["message"].strip(), error
                assert error["column"] is None or error["row"] is not None, error
            with pytest.raises(ValidationError):
                import_commit(batch=batch, user=None)
            assert kpi_values() == before, "a refused file wrote values"
        else:
            import_commit(batch=batch, user=None)
            codes = list(Kpi.objects.order_by("code").values_list("code", flat=True)[:3])
            shown(["/kpis/", "/kpis/regional/", "/kpis/export.csv", "/kpis/export.xlsx", "/api/observations/",
                          "/api/kpi-assessments/", "/reviews/sdmx/kpi-observations.csv", "/kpis/states/MYS/",
                          *(f"/kpis/{code}/" for code in codes)], note=upload.recipe)
            after = kpi_values()
            again = import_prepare(content=upload.content, file_name=upload.filename, reason="again", user=None)
            summary = again.summary
            assert again.status == ImportStatus.PREVIEWED
            assert (summary["new"], summary["correction"], summary["source"]) == (0, 0, 0), summary
            import_commit(batch=again, user=None)
            assert kpi_values() == after, "importing the same file twice changed values"
        transaction.set_rollback(True)


def test_the_filled_template_and_the_world_bank_download_import_cleanly():
    for content, name in ((template_filled(), "values.xlsx"), (_csv(wdi_grid()["Data"]), "API_x_DS2.csv")):
        batch = import_prepare(content=content, file_name=name, reason="fuzz", user=None)
        assert batch.status == ImportStatus.PREVIEWED and batch.summary["new"] > 0, batch.errors


def _csv(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


@FUZZ
@given(data=st.data())
def test_any_damaged_long_format_file_is_refused_with_located_errors_or_imported_once(data, shown):
    import_whole(data.draw(damaged_uploads(template_filled(), sheet="Observations", stem="values")), shown)


@FUZZ
@given(data=st.data())
@example(data=None)
def test_any_damaged_world_bank_download_is_refused_with_located_errors_or_imported_once(data, shown):
    if data is None:  # a download whose years are all empty imports nothing, and says so
        rows = wdi_grid()["Data"]
        import_whole(Upload(_csv([r if i < 5 else r[:4] for i, r in enumerate(rows)]), "API_x.csv", "no years"),
                     shown)
        return
    import_whole(data.draw(damaged_uploads(wdi_grid(), sheet="Data", stem="API_x_DS2", forms=("csv",))), shown)


@settings(max_examples=4, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_uploading_a_damaged_file_on_the_import_page_never_fails_with_a_server_error(data, client_for):
    upload = data.draw(damaged_uploads(template_filled(), sheet="Observations", stem="values"))
    client = client_for("focal_mys")
    response = client.post("/kpis/import/", {"file": SimpleUploadedFile(upload.filename, upload.content),
                                             "reason": "fuzz"})
    assert response.status_code in (200, 302, 400), upload.recipe
    if response.status_code == 302:
        assert client.get(response["Location"]).status_code == 200
