"""Write path of jobs: create, report progress, finish or fail. Tasks call these and nothing else.

Progress updates are separate small writes (not inside the job's own transaction), so a page
polling the job sees them while the work goes on.
"""

from django.core.files.base import ContentFile
from django.db.models import F
from django.utils import timezone

from sapsmed.jobs.models import Job, JobStatus


def job_create(*, kind: str, title: str, user=None, params: dict | None = None) -> Job:
    """A queued job owned by user; with user None (a management command) it is the Secretariat's only."""
    return Job.objects.create(kind=kind, title=title, created_by=user, params=params or {})


def job_start(job: Job) -> Job:
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now(),
                                         attempts=F("attempts") + 1, progress=0)
    job.refresh_from_db()
    return job


def job_progress(job: Job, percent: int, message: str = "") -> None:
    Job.objects.filter(pk=job.pk).update(progress=max(0, min(100, int(percent))), message=message)


def job_succeed(job: Job, *, message: str = "", result: dict | None = None,
                file_name: str = "", file_bytes: bytes | None = None) -> Job:
    job.refresh_from_db()
    job.status, job.progress, job.message = JobStatus.SUCCEEDED, 100, message
    job.result = result or {}
    job.finished_at = timezone.now()
    if file_bytes is not None:
        job.result_name = file_name
        job.result_file.save(file_name, ContentFile(file_bytes), save=False)
    job.save()
    return job


def job_fail(job: Job, message: str, *, result: dict | None = None) -> Job:
    job.refresh_from_db()
    job.status, job.message, job.finished_at = JobStatus.FAILED, message, timezone.now()
    job.result = result or job.result
    job.save()
    return job
