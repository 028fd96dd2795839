"""Pages of the report workbook: download it prefilled, upload it, preview, confirm; marked copy on errors."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from sapsmed.accounts.policy import Perm, can
from sapsmed.core.tables import ERRORS_SHOWN, NotMarkable, mark_errors, stored_kinds
from sapsmed.core.workflow import TransitionRefused
from sapsmed.progress import excel, selectors
from sapsmed.progress.access import deny
from sapsmed.progress.forms import WorkbookUploadForm
from sapsmed.progress.models import WorkbookUpload
from sapsmed.progress.services import ProgressError
from sapsmed.progress.views_rounds import _xlsx

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def _problems(parsed) -> dict:
    """The first problems to list and every problem counted by kind, for the upload page."""
    kinds = stored_kinds(parsed.kinds)
    return {"errors": parsed.errors[:ERRORS_SHOWN], "error_kinds": kinds,
            "error_total": sum(k["count"] for k in kinds) or len(parsed.errors)}


def _proponent_round(request, name: str):
    if not request.user.is_authenticated:
        return None, deny(request)
    rnd = selectors.round_get(name)
    if not can(request.user, Perm.REPORT_EDIT):
        raise PermissionDenied("Only proponents download and upload report workbooks.")
    return rnd, None


def workbook_download(request, name: str):
    rnd, refused = _proponent_round(request, name)
    if refused:
        return refused
    content = excel.workbook(request.user, rnd)
    return _xlsx(content, f"sapsmed-progress-{rnd.name}-{request.user.get_username()}.xlsx")


def workbook_upload(request, name: str):
    rnd, refused = _proponent_round(request, name)
    if refused:
        return refused
    form = WorkbookUploadForm(request.POST or None, request.FILES or None)
    ctx = {"round": rnd, "form": form, "slots": excel.slots(request.user, rnd), "has_demo": rnd.is_demo}
    if request.method != "POST" or not form.is_valid():
        return render(request, "progress/workbook_upload.html", ctx, status=400 if form.errors else 200)
    upload = form.cleaned_data["file"]
    if upload.size > MAX_UPLOAD_BYTES:
        form.add_error("file", f"The file is {upload.size / 1048576:.1f} MB; a report workbook is at most "
                               f"{MAX_UPLOAD_BYTES // 1048576} MB.")
        return render(request, "progress/workbook_upload.html", ctx, status=400)
    stored = WorkbookUpload.objects.create(round=rnd, user=request.user, filename=upload.name[:200],
                                           content=upload.read())
    parsed = excel.parse(request.user, rnd, bytes(stored.content), stored.filename)
    if not parsed.ok:
        ctx.update(upload=stored, **_problems(parsed),
                   marked=stored.filename.lower().endswith(".xlsx") and not excel.refused_whole(parsed.errors))
        return render(request, "progress/workbook_upload.html", ctx, status=400)
    return redirect("progress:upload_preview", stored.pk)


def _upload_for(request, pk) -> WorkbookUpload:
    upload = get_object_or_404(WorkbookUpload.objects.select_related("round"), pk=pk)
    if upload.user_id != request.user.pk:
        raise Http404("No such upload.")
    return upload


def upload_preview(request, pk):
    if not request.user.is_authenticated:
        return deny(request)
    upload = _upload_for(request, pk)
    if upload.committed_at:
        messages.info(request, "This workbook was already imported.")
        return redirect("progress:my_work")
    rnd = upload.round
    parsed = excel.parse(request.user, rnd, bytes(upload.content), upload.filename)
    ctx = {"round": rnd, "upload": upload, "parsed": parsed, "has_demo": rnd.is_demo, "preview": excel.preview(parsed),
           "form": WorkbookUploadForm(), "slots": excel.slots(request.user, rnd)}
    if not parsed.ok:
        ctx.update(**_problems(parsed),
                   marked=upload.filename.lower().endswith(".xlsx") and not excel.refused_whole(parsed.errors))
        messages.error(request, "The reports changed since the preview; nothing was saved.")
        return render(request, "progress/workbook_upload.html", ctx, status=400)
    if request.method == "POST":
        try:
            saved, submitted = excel.commit(request.user, rnd, parsed)
        except (ProgressError, TransitionRefused) as exc:
            messages.error(request, f"Nothing was saved: {exc}")
            return redirect("progress:upload_preview", upload.pk)
        WorkbookUpload.objects.filter(pk=upload.pk).update(committed_at=timezone.now())
        messages.success(request, f"{saved} report(s) saved from {upload.filename}; {submitted} submitted for "
                                  "validation.")
        return redirect("progress:my_work")
    return render(request, "progress/upload_preview.html", ctx)


def upload_marked(request, pk):
    if not request.user.is_authenticated:
        return deny(request)
    upload = _upload_for(request, pk)
    if not upload.filename.lower().endswith(".xlsx"):
        raise Http404("Only Excel workbooks can be returned with their problems marked.")
    parsed = excel.parse(request.user, upload.round, bytes(upload.content), upload.filename)
    if excel.refused_whole(parsed.errors):
        raise Http404("This file was refused as a whole, so it has no cells to mark; the upload page says why.")
    try:
        content = mark_errors(bytes(upload.content), parsed.errors)
    except NotMarkable as error:  # e.g. an XML entity expansion the table reader never needed to parse
        return HttpResponse(f"{upload.filename}: {error}", status=404, content_type="text/plain; charset=utf-8")
    stem = upload.filename.rsplit(".", 1)[0]
    return _xlsx(content, f"{stem}-problems-marked.xlsx")
