"""Background tasks of surveys: thin wrappers over the services, run by the tasks worker."""

from django.tasks import task

from sapsmed.surveys import services


@task
def dataset_store_task(*, job_id: str, survey_id: int, token: str, name: str, user_id: int | None) -> None:
    services.dataset_store(job_id=job_id, survey_id=survey_id, token=token, name=name, user_id=user_id)


@task
def estimate_run_task(*, run_id: int) -> None:
    services.estimate_run_compute(run_id=run_id)
