"""Secretariat pages that edit the roadmap: create, change and retire action lines; import the workbook."""

import json
import re

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from sapsmed.accounts.decorators import require
from sapsmed.accounts.policy import Perm
from sapsmed.core.roadmap_fields import normalise_terms, present_diff
from sapsmed.core.tables import ERRORS_SHOWN, NotMarkable, mark_errors, stored_kinds
from sapsmed.plan import roadmap_selectors as selectors
from sapsmed.plan.models import ActionLineVersion
from sapsmed.plan.roadmap_check import check_workbook
from sapsmed.plan.roadmap_forms import LineTermsForm, UploadForm, initial_from_terms
from sapsmed.plan.roadmap_models import ImportStatus, RoadmapImport
from sapsmed.plan.roadmap_services import (
    RoadmapRefused,
    action_line_change,
    action_line_create,
    action_line_retire,
    roadmap_import_commit,
    roadmap_import_upload,
)
from sapsmed.plan.roadmap_views import XLSX

MAX_UPLOAD = 10 * 1024 * 1024


def _refused(request, error: RoadmapRefused) -> None:
    for problem in error.problems:
        messages.error(request, problem)


@require(Perm.EDIT_PLAN)
def line_create(request):
    version = selectors.version_numbered(None)
    plan = selectors.version_snapshot(version)
    form = LineTermsForm(request.POST or None, lookups=selectors.lookups(), plan=plan, creating=True,
                         initial={"action": request.GET.get("action"), "confidence": "confirmed"})
    if request.method == "POST" and form.is_valid():
        try:
            lv = action_line_create(code=form.cleaned_data["code"], action=form.cleaned_data["action"],
                                    terms=form.terms, user=request.user, reason=form.cleaned_data["reason"])
        except RoadmapRefused as error:
            _refused(request, error)
        else:
            messages.success(request, f"Action line {lv.action_line.code} added to version {version.number}.")
            return redirect("action_line", lv.action_line.code)
    return render(request, "plan/roadmap/line_form.html", {"form": form, "version": version, "creating": True})


def _terms_in_force(code: str) -> ActionLineVersion:
    version = selectors.version_numbered(None)
    return get_object_or_404(ActionLineVersion.objects.select_related("action_line__action__outcome__goal",
                                                                      "plan_version"),
                             plan_version=version, action_line__code=code.upper())


@require(Perm.EDIT_PLAN)
def line_edit(request, code: str):
    lv = _terms_in_force(code)
    plan = selectors.version_snapshot(lv.plan_version)
    current = plan[lv.action_line.code]
    form = LineTermsForm(request.POST or None, lookups=selectors.lookups(), plan=plan, code=lv.action_line.code,
                         initial=initial_from_terms(current))
    # The terms as the person opened them travel with the form, so that saving over someone else's change
    # made meanwhile is refused (StaleLine) instead of silently undoing it.
    opened = request.POST.get("opened") if request.method == "POST" else json.dumps(normalise_terms(current))
    if request.method == "POST" and form.is_valid():
        try:
            changed = action_line_change(lv=lv, terms=form.terms, user=request.user,
                                         reason=form.cleaned_data["reason"], based_on=_terms_opened(opened))
        except RoadmapRefused as error:
            _refused(request, error)
        else:
            messages.success(request, "Saved." if changed else "Nothing changed.")
            return redirect("action_line", lv.action_line.code)
    return render(request, "plan/roadmap/line_form.html",
                  {"form": form, "lv": lv, "version": lv.plan_version, "opened": opened})


def _terms_opened(opened: str | None) -> dict | None:
    """The terms the form was opened with; None (no check) for a form posted without them, e.g. by a script."""
    try:
        terms = json.loads(opened or "")
    except ValueError:
        return None
    return terms if isinstance(terms, dict) else None


@require(Perm.EDIT_PLAN)
@require_POST
def line_retire(request, code: str):
    lv = _terms_in_force(code)
    reason = request.POST.get("reason", "").strip()
    retire = request.POST.get("retired", "1") == "1"
    if not reason:
        messages.error(request, "Say why, for the change history.")
    else:
        action_line_retire(lv=lv, user=request.user, reason=reason, retired=retire)
        messages.success(request, f"{lv.action_line.code} is {'retired' if retire else 'back in force'}.")
    return redirect("action_line", lv.action_line.code)


@require(Perm.EDIT_PLAN)
def import_upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["workbook"]
        if upload.size > MAX_UPLOAD:
            form.add_error("workbook", "The file is larger than 10 MB; a roadmap workbook is far smaller.")
        else:
            stored, _ = roadmap_import_upload(user=request.user, filename=upload.name, content=upload.read())
            return redirect("roadmap_import_preview", stored.pk)
    return render(request, "plan/roadmap/import_upload.html", {"form": form})


def _own_upload(request, pk: int) -> RoadmapImport:
    # The stored workbook is read only when it is checked again (a preview to confirm, a marked copy).
    return get_object_or_404(RoadmapImport.objects.select_related("plan_version").defer("content"), pk=pk)


@require(Perm.EDIT_PLAN)
def import_preview(request, pk: int):
    upload = _own_upload(request, pk)
    if request.method == "POST" and upload.status == ImportStatus.PREVIEWED:
        try:
            written = roadmap_import_commit(upload=upload, user=request.user)
        except RoadmapRefused as error:
            _refused(request, error)
            return redirect("roadmap_import_preview", upload.pk)
        messages.success(request, f"Imported: {written} action line{'s' if written != 1 else ''} written.")
        return redirect("roadmap")
    context = {"upload": upload, "statuses": ImportStatus, "changes": None, "result": None}
    stored = upload.summary.get("problems")
    if upload.status == ImportStatus.INVALID and stored is not None:
        # A refused upload is shown from the problems kept when it was checked; it is never read again.
        problems, total, kinds = stored, upload.summary["error_total"], upload.summary["error_kinds"]
    else:
        found = selectors.lookups()
        result = check_workbook(bytes(upload.content), upload.filename, lookups=found,
                                current=selectors.version_snapshot(upload.plan_version))
        problems, total = result.errors, sum(k.count for k in result.kinds)
        kinds = stored_kinds(result.kinds)
        context["result"] = result
        if result.ok:
            titles = {code: terms["title"] for code, terms in result.new_terms.items()}
            context["changes"] = present_diff(result.diff, titles, found.names())
    context.update(refused=bool(problems), problems=problems[:ERRORS_SHOWN], error_total=total, error_kinds=kinds)
    return render(request, "plan/roadmap/import_preview.html", context)


@require(Perm.EDIT_PLAN)
def import_marked(request, pk: int):
    upload = _own_upload(request, pk)
    result = check_workbook(bytes(upload.content), upload.filename, lookups=selectors.lookups(),
                            current=selectors.version_snapshot(upload.plan_version))
    if any(e.sheet is None and e.row is None for e in result.errors):
        # Refused as a whole (not a workbook, or a decompression bomb): it is never opened to be marked.
        return HttpResponse("This file was refused as a whole, so it has no cells to mark; the import page says "
                            "why.", status=404, content_type="text/plain")
    try:
        data = mark_errors(bytes(upload.content), result.errors)
    except NotMarkable as error:  # not an .xlsx, or XML (such as an entity expansion) openpyxl stops at
        return HttpResponse(f"{upload.filename}: {error}", status=404, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type=XLSX)
    stem = re.sub(r"[^\w.-]", "_", upload.filename.rsplit(".", 1)[0])
    response["Content-Disposition"] = f'attachment; filename="{stem}-with-errors.xlsx"'
    return response
