"""Job pages: progress while it runs (the page refreshes itself, no script), the result when done."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from sapsmed.accounts.policy import grants_of
from sapsmed.jobs.models import Job, JobStatus


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
    """The job's progress; once it has succeeded, the page its result names (`next_url`, a path of this site)."""
    job = _job_for(request, job_id)
    next_url = (job.result or {}).get("next_url", "") if job.status == JobStatus.SUCCEEDED else ""
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts=None) and next_url.startswith("/"):
        messages.success(request, job.message or "Done.")
        return redirect(next_url)
    return render(request, "jobs/job_detail.html", {"job": job})


def job_download(request, job_id):
    job = _job_for(request, job_id)
    if not job.result_file:
        raise Http404("This job produced no file.")
    return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=job.result_name)
