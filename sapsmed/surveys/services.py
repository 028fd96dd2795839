"""Write path of surveys: define a survey, store an uploaded microdata file, compute and store estimates.

Rules:
- An upload is stored only if it converts to Parquet and passes every check against the survey's design
  (sapsmed.core.survey.validate: design columns present, weights present and not negative, numeric
  columns numeric, single-PSU strata under the rule "fail", FPC consistent) and the declared state, sector,
  sex-of-owner and size columns exist, with states among the survey's. On any error nothing is stored
  (no row, no file) and the job lists every error, naming the file, the column and the first rows.
- Estimates are computed by sapsmed.core.survey (one source of truth with the command line) and stored
  with the run in one transaction; the run's notes carry what a reader must know (SYNTHETIC data, the
  harmonised band's label, how national size classes were applied).
"""

from __future__ import annotations

import shutil
import uuid
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from sapsmed.core.survey import DataError, Design, Statistic, SurveyDataError, estimate, validate
from sapsmed.core.survey.design import SOURCE_VIEW, connect, literal, quote
from sapsmed.core.survey.synthetic import LABEL as SYNTHETIC_LABEL
from sapsmed.core.survey.validate import raise_if
from sapsmed.jobs.models import Job
from sapsmed.jobs.services import job_create, job_fail, job_progress, job_start, job_succeed
from sapsmed.plan.models import MemberState
from sapsmed.surveys.definitions import stored_registry
from sapsmed.surveys.models import Estimate, EstimateRun, RunStatus, Survey, SurveyDataset
from sapsmed.surveys.sizing import DERIVED, SizeInputs, add_size_columns
from sapsmed.surveys.storage import StorageError, describe, kind_of, stream_to, to_parquet

UPLOAD_JOB = "survey_upload"
ESTIMATE_JOB = "survey_estimate"


def media(*parts: str) -> Path:
    return Path(settings.MEDIA_ROOT).joinpath("surveys", *parts)


@transaction.atomic
def survey_create(*, user, states, reason: str = "Survey defined", **fields) -> Survey:
    survey = Survey(created_by=user, **fields)
    survey._change_reason = reason
    survey.full_clean(exclude=["states"])
    survey.save()
    survey.states.set(states)
    return survey


def design_of(survey: Survey) -> Design:
    return Design(weight=survey.weight_column, strata=survey.strata_column or None, psu=survey.psu_column or None,
                  fpc=survey.fpc_column or None, lonely_psu=survey.lonely_psu)


def design_summary(survey: Survey) -> dict:
    design = design_of(survey)
    return {"weight": design.weight, "strata": design.strata, "psu": design.psu, "fpc": design.fpc,
            "lonely_psu": design.lonely_psu.value}


# --- upload -----------------------------------------------------------------------------------------------

def dataset_upload_start(*, survey: Survey, uploaded, user) -> Job:
    """Stream the upload to disk and queue its conversion and checks; raise StorageError for a wrong type."""
    name = Path(uploaded.name).name
    kind_of(name)
    token = uuid.uuid4().hex
    incoming = media("incoming", token, "upload" + Path(name).suffix.lower())
    stream_to(uploaded, incoming)
    job = job_create(kind=UPLOAD_JOB, title=f"Upload of {name} to {survey.name}", user=user,
                     params={"survey_id": survey.pk, "file": name})
    from sapsmed.surveys.tasks import dataset_store_task

    dataset_store_task.enqueue(job_id=str(job.pk), survey_id=survey.pk, token=token, name=name,
                               user_id=getattr(user, "pk", None))
    return job


# A header-only file, or one respondent's answers, would be stored as a dataset no estimate can be made from:
# a mean needs answers and its margin of error at least two of them.
MIN_RESPONDENTS = 2
_TOO_FEW = {
    0: "the file has a header row but no data rows, so there is nothing to estimate from; upload the file with "
       "the respondents' answers.",
    1: "the file holds the answers of a single respondent; an estimate and its margin of error need at least two "
       "respondents (and two sampling units in each stratum), so upload the whole microdata file.",
}


def dataset_checks(path: Path, survey: Survey) -> list[DataError]:
    """Every problem of a Parquet file against the survey's design and declared columns."""
    from sapsmed.core.survey import statistics

    sizes = [c for c in (survey.employees_column, survey.revenue_column, survey.assets_column,
                         survey.capital_column) if c]
    domains = [c for c in (survey.state_column, survey.sector_column, survey.owner_sex_column) if c]
    con = connect(path)
    respondents, = con.execute(f"SELECT COUNT(*) FROM {SOURCE_VIEW}").fetchone()  # noqa: S608
    if respondents < MIN_RESPONDENTS:  # nothing else to check: no estimate could ever be made from it
        return [DataError(None, _TOO_FEW[respondents])]
    errors = validate(path, design_of(survey), statistics(means=list(dict.fromkeys(sizes))),
                      list(dict.fromkeys(domains)), con=con)
    names = {row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {SOURCE_VIEW}").fetchall()}  # noqa: S608
    for derived in DERIVED:
        if derived in names:
            errors.append(DataError(derived, f"column '{derived}' is a name the platform gives its derived size "
                                             "classes: rename it in the file"))
    state_col = survey.state_column
    codes = sorted(s.iso3 for s in survey.states.all())
    if state_col and state_col in names and codes:
        listed = ", ".join(literal(c) for c in codes)
        condition = f"CAST({quote(state_col)} AS VARCHAR) NOT IN ({listed})"
        count, = con.execute(f"SELECT COUNT(*) FROM {SOURCE_VIEW} WHERE {condition}").fetchone()  # noqa: S608
        if count:
            # Identifiers go through quote() and values through literal(): no user text enters the SQL raw.
            numbered = f"SELECT row_number() OVER () AS rn, CAST({quote(state_col)} AS VARCHAR) AS v FROM {SOURCE_VIEW}"  # noqa: S608
            sql = f"SELECT rn, v FROM ({numbered}) WHERE v NOT IN ({listed}) ORDER BY rn LIMIT 5"  # noqa: S608
            found = con.execute(sql).fetchall()
            rows = ", ".join(f"{rn} ({v!r})" for rn, v in found) + (", ..." if count > len(found) else "")
            errors.append(DataError(state_col, f"state column '{state_col}' holds a value that is not one of the "
                                               f"survey's states ({', '.join(codes)}) in {count} rows (rows {rows})",
                                    count, tuple(rn for rn, _ in found)))
    return errors


def dataset_store(*, job_id: str, survey_id: int, token: str, name: str, user_id: int | None) -> None:
    """The upload task: convert, check, store; on any error store nothing and fail the job with the reasons."""
    job = job_start(Job.objects.get(pk=job_id))
    incoming_dir = media("incoming", token)
    source = incoming_dir / ("upload" + Path(name).suffix.lower())
    staged = incoming_dir / "data.parquet"
    final = media(str(survey_id), f"{token}.parquet")
    try:
        survey = Survey.objects.prefetch_related("states").get(pk=survey_id)
        job_progress(job, 10, f"Converting {name} to Parquet")
        to_parquet(source, staged, name, max_rows=settings.SURVEY_MAX_ROWS)
        job_progress(job, 50, f"Checking {name} against the survey design")
        raise_if(dataset_checks(staged, survey))
        rows, columns, synthetic = describe(staged)
        job_progress(job, 85, f"Storing {rows:,} rows")
        final.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(staged, final)
        dataset = _dataset_create(survey=survey, final=final, name=name, rows=rows, columns=columns,
                                  synthetic=synthetic, user_id=user_id)
    except (StorageError, SurveyDataError) as error:
        final.unlink(missing_ok=True)
        problems = [f"{name}: {e.message}" for e in error.errors] if isinstance(error, SurveyDataError) \
            else [str(error)]
        job_fail(job, "Nothing was stored.\n" + "\n".join(problems), result={"errors": problems})
        return
    except Exception as error:
        final.unlink(missing_ok=True)
        job_fail(job, f"Nothing was stored: an unexpected error occurred ({type(error).__name__}).")
        raise
    finally:
        shutil.rmtree(incoming_dir, ignore_errors=True)
    label = " SYNTHETIC data." if dataset.is_synthetic else ""
    job_succeed(job, message=f"Stored {dataset.row_count:,} rows of {name} as dataset #{dataset.pk}.{label}",
                result={"dataset_id": dataset.pk, "url": reverse("survey", args=[survey_id])})


@transaction.atomic
def _dataset_create(*, survey, final: Path, name, rows, columns, synthetic, user_id) -> SurveyDataset:
    from sapsmed.surveys.storage import sha256

    dataset = SurveyDataset(
        survey=survey, file=str(final.relative_to(settings.MEDIA_ROOT)), original_name=name, row_count=rows,
        columns=columns, checksum=sha256(final), size_bytes=final.stat().st_size, is_synthetic=synthetic,
        uploaded_by_id=user_id,
    )
    dataset._change_reason = f"Uploaded {name}"
    dataset.save()
    return dataset


# --- estimates --------------------------------------------------------------------------------------------

def compute(dataset: SurveyDataset, survey: Survey, by: list[str], stats: list[Statistic]):
    """Estimates by core.survey over the stored Parquet file, with derived size columns where asked."""
    path = dataset.file.path
    design = design_of(survey)
    con = connect(path)
    plain_by = [b for b in by if b not in DERIVED]
    plain_stats = [s for s in stats if not set(s.columns) & set(DERIVED)]
    raise_if(validate(path, design, plain_stats, plain_by, con=con))
    wanted = [d for d in DERIVED if d in by or any(d in s.columns for s in stats)]
    notes = [SYNTHETIC_LABEL] if dataset.is_synthetic else []
    if wanted:
        registry = stored_registry()
        if registry is None:
            raise SurveyDataError([DataError(None, "the MSME definitions are not loaded: run "
                                                   "`manage.py load_msme_definitions`")])
        notes += add_size_columns(con, path, SizeInputs.of(survey), registry, wanted)
    return estimate(path, design, stats, by, con=con), notes


def estimate_run_create(*, survey: Survey, dataset: SurveyDataset, by: list[str], statistics: list[Statistic],
                        user) -> EstimateRun:
    """A queued run with its job; estimate_run_compute does the work."""
    stats = [{"kind": s.kind.value, "column": s.column, "level": s.level, "denominator": s.denominator}
             for s in statistics]
    job = job_create(kind=ESTIMATE_JOB, title=f"Estimates from {dataset} ({survey.name})", user=user)
    run = EstimateRun.objects.create(survey=survey, dataset=dataset, by=list(by), statistics=stats,
                                     design=design_summary(survey), job=job, created_by=user)
    Job.objects.filter(pk=job.pk).update(params={"run_id": run.pk})
    return run


def estimate_run_start(*, survey: Survey, dataset: SurveyDataset, by: list[str], statistics: list[Statistic],
                       user) -> EstimateRun:
    """Create the run and queue its computation as a background task."""
    run = estimate_run_create(survey=survey, dataset=dataset, by=by, statistics=statistics, user=user)
    from sapsmed.surveys.tasks import estimate_run_task

    estimate_run_task.enqueue(run_id=run.pk)
    return run


def estimate_run_compute(*, run_id: int) -> None:
    """The estimation task: compute with the core, store every estimate with the run in one transaction."""
    run = EstimateRun.objects.select_related("survey", "dataset", "job").get(pk=run_id)
    job = job_start(run.job) if run.job else None
    EstimateRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    try:
        if job:
            job_progress(job, 10, f"Estimating over {run.dataset.row_count:,} rows")
        stats = [Statistic(**s) for s in run.statistics]
        rows, notes = compute(run.dataset, run.survey, run.by, stats)
        if job:
            job_progress(job, 80, f"Storing {len(rows)} estimates")
        _estimates_store(run, rows, notes)
    except SurveyDataError as error:
        message = "\n".join(e.message for e in error.errors)
        EstimateRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, message=message)
        if job:
            job_fail(job, message, result={"url": reverse("estimate_run", args=[run.pk])})
        return
    except Exception as error:
        EstimateRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED,
                                                     message=f"unexpected error ({type(error).__name__})")
        if job:
            job_fail(job, f"An unexpected error occurred ({type(error).__name__}).")
        raise
    if job:
        job_succeed(job, message=f"{len(rows)} estimates computed.",
                    result={"url": reverse("estimate_run", args=[run.pk])})


def _jsonable(value):
    return value if value is None or isinstance(value, str | int | float | bool) else str(value)


@transaction.atomic
def _estimates_store(run: EstimateRun, rows, notes: list[str]) -> None:
    now = timezone.now()
    survey = run.survey
    states = {s.iso3: s for s in MemberState.objects.all()}
    only = list(survey.states.all())
    single = only[0] if len(only) == 1 else None
    Estimate.objects.bulk_create([
        Estimate(
            run=run, dataset=run.dataset, position=i, statistic=row.statistic, variable=row.variable,
            domain=[[name, _jsonable(value)] for name, value in row.domain],
            state=states.get(str(dict(row.domain).get(survey.state_column))) if survey.state_column and
            survey.state_column in run.by else single,
            value=row.estimate, se=row.se, ci_low=row.ci_low, ci_high=row.ci_high, deff=row.deff, n=row.n,
            design=run.design, computed_at=now,
        )
        for i, row in enumerate(rows)
    ])
    run.status, run.computed_at, run.notes, run.message = RunStatus.DONE, now, notes, ""
    run.save(update_fields=["status", "computed_at", "notes", "message"])


# --- posting as a KPI observation -------------------------------------------------------------------------

class PostingError(ValueError):
    """The estimate cannot be posted as a KPI observation; the message says why."""


def estimate_post_problem(estimate: Estimate) -> str | None:
    """Why an estimate cannot become a KPI observation, or None when it can."""
    if estimate.dataset.is_synthetic:
        return "This estimate comes from SYNTHETIC data; synthetic numbers are never posted as KPI values."
    if estimate.state is None:
        return "This estimate is not for one member state: estimate by state to post a state's KPI value."
    if estimate.value is None:
        return "This estimate is undefined (no observed value in its domain)."
    return None


def estimate_ref(estimate: Estimate) -> str:
    """How an observation names the estimate it came from (the run page finds postings by it)."""
    return f"sapsmed estimate #{estimate.pk} (run #{estimate.run_id})"


def _scaled(number: float | None, scale: int) -> Decimal | None:
    return None if number is None else Decimal(repr(number)) * scale


def estimate_post(*, estimate: Estimate, kpi, year: int, scale: int, user, reason: str):
    """Record the estimate (times `scale`) as the KPI's value for its state and year, with SE and 95% CI."""
    from django.core.exceptions import ValidationError

    from sapsmed.kpis.services import observation_record

    if (problem := estimate_post_problem(estimate)) is not None:
        raise PostingError(problem)
    survey = estimate.run.survey
    domain = ", ".join(f"{k} = {v}" for k, v in estimate.domain) or "all enterprises"
    source = (f"{survey.name} (reference year {survey.reference_year}): {estimate.statistic} of {estimate.variable}"
              f"{' × ' + str(scale) if scale != 1 else ''} in {domain}; design-based estimate "
              f"(n = {estimate.n}, design effect {estimate.deff if estimate.deff is not None else 'undefined'})")
    provenance = {
        "estimate": estimate_ref(estimate),
        "file": estimate.dataset.original_name,
        "dataset_sha256": estimate.dataset.checksum,
        "survey": survey.name, "domain": estimate.domain, "statistic": estimate.statistic,
        "variable": estimate.variable, "scale": scale, "n": estimate.n, "deff": estimate.deff,
        "design": estimate.design, "computed_at": estimate.computed_at.isoformat(),
    }
    try:
        return observation_record(
            kpi=kpi, state=estimate.state, year=year, value=_scaled(estimate.value, scale), source=source,
            user=user, reason=reason, se=_scaled(estimate.se, scale), ci_low=_scaled(estimate.ci_low, scale),
            ci_high=_scaled(estimate.ci_high, scale), status="provisional", provenance=provenance,
        )
    except ValidationError as error:
        raise PostingError(" ".join(error.messages)) from None
