"""Fixtures of the evidence tests: loaded definitions, small synthetic microdata, a survey, uploads."""

import io

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from sapsmed.core.survey import synthetic

ROWS = 1_000


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every test stores its files in its own folder, so tests can assert what is (not) on disk."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def definitions(db):
    from sapsmed.surveys.definitions import msme_definitions_load

    return msme_definitions_load()


@pytest.fixture(scope="session")
def synthetic_table() -> pa.Table:
    return synthetic.generate_table(ROWS, seed=7, rows_per_psu=20)


@pytest.fixture(scope="session")
def synthetic_parquet(tmp_path_factory, synthetic_table) -> "Path":  # noqa: F821
    path = tmp_path_factory.mktemp("data") / "synthetic.parquet"
    synthetic.write_parquet(path, ROWS, seed=7, rows_per_psu=20)
    return path


def real_like(table: pa.Table) -> pa.Table:
    """The synthetic rows without their SYNTHETIC label, standing in for a national survey file in tests."""
    return table.drop_columns(["synthetic"]).replace_schema_metadata(None)


def csv_bytes(table: pa.Table) -> bytes:
    out = io.BytesIO()
    pacsv.write_csv(table, out)
    return out.getvalue()


def parquet_bytes(table: pa.Table) -> bytes:
    out = io.BytesIO()
    pq.write_table(table, out)
    return out.getvalue()


@pytest.fixture
def real_csv(tmp_path, synthetic_table):
    path = tmp_path / "enterprises.csv"
    path.write_bytes(csv_bytes(real_like(synthetic_table)))
    return path


def make_survey(states=None, **overrides):
    from sapsmed.plan.models import MemberState
    from sapsmed.surveys import services

    fields = dict(
        name="Enterprise survey 2016", reference_year=2016, weight_column="weight", strata_column="stratum",
        psu_column="psu", fpc_column="fpc", lonely_psu="fail", state_column="state", sector_column="sector",
        owner_sex_column="owner_sex", employees_column="employees", revenue_column="revenue", money_currency="USD",
        money_unit=1000, sector_map={"trade": "retail"},
    )
    fields.update(overrides)
    chosen = MemberState.objects.all() if states is None else MemberState.objects.filter(iso3__in=states)
    return services.survey_create(user=None, states=list(chosen), **fields)


@pytest.fixture
def survey(definitions):
    return make_survey()


def upload(client, survey, name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(f"/evidence/surveys/{survey.pk}/upload/", {"file": SimpleUploadedFile(name, content)})


def store(survey, name: str, content: bytes, user=None):
    """Upload through the service (the task runs at once in tests); return the job."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sapsmed.surveys import services

    job = services.dataset_upload_start(survey=survey, uploaded=SimpleUploadedFile(name, content), user=user)
    job.refresh_from_db()
    return job
