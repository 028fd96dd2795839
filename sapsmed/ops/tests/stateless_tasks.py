"""A test-only background task whose every run leaves a trace on its job row (test_stateless_servers.py)."""

from django.tasks import task

from sapsmed.jobs.models import Job
from sapsmed.jobs.services import job_start, job_succeed


@task(takes_context=True)
def job_run_counted(context, job_id: str) -> str:
    """Start and finish the job: every run adds one to its attempts, so a second run of the task shows."""
    worker = context.task_result.worker_ids[-1]
    job_succeed(job_start(Job.objects.get(pk=job_id)), message=f"Run by {worker}.")
    return worker
