"""Job pages: progress while it runs (the page refreshes itself, no script), the result when done."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from sapsmed.accounts.policy import grants_of
from sapsmed.jobs.models import Job


def _job_for(request, job_id) -> Job:
    job = get_object_or_404(Job.objects.select_related("created_by"), pk=job_id)
    # A job (and its file) belongs to whoever started it; the Secretariat sees all. A job without an owner
    # (started by a command, or its owner deleted) is the Secretariat's: an anonymous visitor, whose pk is
    # None like that empty owner, must not pass as its owner.
    if not request.user.is_authenticated:
        raise Http404("No such job.")
    owner = job.created_by_id is not None and job.created_by_id == request.user.pk
    if not owner and not grants_of(request.user).is_secretariat:
        raise PermissionDenied("This job belongs to another user.")
    return job


def job_detail(request, job_id):
    return render(request, "jobs/job_detail.html", {"job": _job_for(request, job_id)})


def job_download(request, job_id):
    job = _job_for(request, job_id)
    if not job.result_file:
        raise Http404("This job produced no file.")
    return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=job.result_name)
