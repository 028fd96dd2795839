"""Read path of jobs: the work of one person that failed and still wants their attention."""

from datetime import datetime

from django.db.models import Exists, OuterRef

from sapsmed.jobs.models import Job, JobStatus


def failed_jobs(user, *, since: datetime, limit: int = 10) -> list[Job]:
    """This person's jobs that failed since `since`, newest first, except those a later job of the same kind of
    theirs has since done (a failed upload tried again and finished): one query."""
    redone = Job.objects.filter(created_by=user, kind=OuterRef("kind"), status=JobStatus.SUCCEEDED,
                                created_at__gt=OuterRef("created_at"))
    found = (Job.objects.filter(created_by=user, status=JobStatus.FAILED, created_at__gte=since)
             .exclude(Exists(redone)).defer("params", "result").order_by("-created_at"))
    return list(found[:limit])
