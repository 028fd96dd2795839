"""Amendment pages: the Secretariat records, builds, previews and approves amendments; approved ones are public."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sapsmed.accounts.decorators import require
from sapsmed.accounts.policy import Perm, can
from sapsmed.core import roadmap_fields as rf
from sapsmed.core.plan_diff import AmendmentError, apply_changes, parse_amendment, same_value
from sapsmed.plan import roadmap_selectors as selectors
from sapsmed.plan.amendment_services import (
    amendment_approve,
    amendment_operation_add,
    amendment_operation_remove,
    amendment_preview,
    amendment_record,
)
from sapsmed.plan.roadmap_forms import AmendmentForm, DropForm, LineTermsForm, RetimeForm, initial_from_terms
from sapsmed.plan.roadmap_models import Amendment
from sapsmed.plan.roadmap_services import RoadmapRefused


def describe(op: dict) -> str:
    """One operation in words, for the amendment page."""
    code = op.get("code", "?")
    match op.get("op"):
        case "add":
            return f"Add {code}: {(op.get('fields') or {}).get('title', '')}"
        case "change":
            return f"Change {code}: {', '.join(rf.label(n) for n in (op.get('fields') or {}))}"
        case "retime":
            parts = [f"target year {op['target_year']}" if op.get("target_year") else "",
                     f"time frame '{op['time_frame']}'" if op.get("time_frame") else ""]
            return f"Re-time {code}: {', '.join(p for p in parts if p)}"
        case "drop":
            return f"Drop {code}"
    return f"{op.get('op')} {code}"


def amendment_list(request):
    qs = Amendment.objects.select_related("resulting_version", "recorded_by", "approved_by", "base_version")
    if not can(request.user, Perm.AMEND_PLAN):
        qs = qs.filter(status="approved")
    return render(request, "plan/roadmap/amendments.html",
                  {"amendments": list(qs), "may_amend": can(request.user, Perm.AMEND_PLAN)})


@require(Perm.AMEND_PLAN)
def amendment_create(request):
    form = AmendmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        amendment = amendment_record(user=request.user, **form.cleaned_data)
        messages.success(request, "Amendment recorded as a draft. Add the lines it adds, changes, re-times or drops.")
        return redirect("amendment", amendment.pk)
    return render(request, "plan/roadmap/amendment_form.html", {"form": form})


def _amendment(request, pk: int, *, draft_needs_permission: bool = True) -> Amendment:
    amendment = get_object_or_404(
        Amendment.objects.select_related("base_version", "resulting_version", "recorded_by", "approved_by"), pk=pk)
    if amendment.is_draft and draft_needs_permission and not can(request.user, Perm.AMEND_PLAN):
        if not request.user.is_authenticated:
            raise _LoginNeeded()
        raise PermissionDenied("Draft amendments are seen by the Secretariat only.")
    return amendment


class _LoginNeeded(Exception):
    pass


def _draft_plan(amendment: Amendment) -> dict:
    """The version in force with the draft's operations so far applied."""
    current = selectors.version_snapshot(selectors.version_numbered(None))
    try:
        after = apply_changes(current, parse_amendment(amendment.operations))
    except (AmendmentError, ValueError):
        return current
    return {code: rf.normalise_terms(terms) for code, terms in after.items()}


def amendment_detail(request, pk: int):
    try:
        amendment = _amendment(request, pk)
    except _LoginNeeded:
        return redirect_to_login(request.get_full_path())
    ctx = {"amendment": amendment, "operations": [describe(op) for op in amendment.operations]}
    if amendment.is_draft:
        preview = amendment_preview(amendment)
        found = selectors.lookups()
        plan = _draft_plan(amendment)
        active = [c for c, t in sorted(plan.items()) if not t.get("retired")]
        titles = {c: t.get("title", "") for c, t in {**selectors.version_snapshot(preview.base), **plan}.items()}
        ctx.update(preview=preview, changes=rf.present_diff(preview.diff, titles, found.names()) if preview.diff
                   else None, retime_form=RetimeForm(codes=active, lookups=found), drop_form=DropForm(codes=active),
                   active=active)
    elif amendment.resulting_version_id:
        ctx["version_from"] = amendment.base_version.number
    return render(request, "plan/roadmap/amendment.html", ctx)


@require(Perm.AMEND_PLAN)
def amendment_line(request, pk: int, code: str | None = None):
    """Add a line (no code) or change a line's terms, as an operation of the draft."""
    amendment = _amendment(request, pk)
    if not amendment.is_draft:
        return redirect("amendment", amendment.pk)
    if code is None and request.GET.get("code"):
        return redirect("amendment_line_change", amendment.pk, request.GET["code"])
    plan = _draft_plan(amendment)
    creating = code is None
    if not creating:
        code = code.upper()
        if code not in plan or plan[code].get("retired"):
            raise PermissionDenied("This line is not in force in the amended plan; it cannot be changed.")
    initial = {"confidence": "confirmed"} if creating else initial_from_terms(plan[code])
    form = LineTermsForm(request.POST or None, lookups=selectors.lookups(), plan=plan, creating=creating,
                         code=code or "", with_reason=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        if creating:
            # The retired flag is set only by a drop operation (core.plan_diff).
            fields = {n: v for n, v in form.terms.items() if n != "retired"}
            operation = {"op": "add", "code": form.cleaned_data["code"], "fields": fields}
        else:
            fields = {n: v for n, v in form.terms.items() if n != "retired" and not same_value(plan[code].get(n), v)}
            operation = {"op": "change", "code": code, "fields": fields} if fields else None
        if operation is None:
            form.add_error(None, "Nothing changed; change at least one field.")
        else:
            try:
                amendment_operation_add(amendment=amendment, operation=operation, user=request.user)
            except RoadmapRefused as error:
                for problem in error.problems:
                    form.add_error(None, problem)
            else:
                return redirect("amendment", amendment.pk)
    return render(request, "plan/roadmap/amendment_line.html",
                  {"amendment": amendment, "form": form, "code": code, "creating": creating})


def _add(request, amendment: Amendment, operation: dict) -> None:
    try:
        amendment_operation_add(amendment=amendment, operation=operation, user=request.user)
        messages.success(request, f"Added: {describe(operation)}.")
    except RoadmapRefused as error:
        for problem in error.problems:
            messages.error(request, problem)


@require(Perm.AMEND_PLAN)
@require_POST
def amendment_retime(request, pk: int):
    amendment = _amendment(request, pk)
    plan = _draft_plan(amendment)
    form = RetimeForm(request.POST, codes=sorted(plan), lookups=selectors.lookups())
    if form.is_valid():
        data = form.cleaned_data
        _add(request, amendment, {"op": "retime", "code": data["code"], "target_year": data["target_year"],
                                  "time_frame": data["time_frame"] or None})
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("amendment", amendment.pk)


@require(Perm.AMEND_PLAN)
@require_POST
def amendment_drop(request, pk: int):
    amendment = _amendment(request, pk)
    form = DropForm(request.POST, codes=sorted(_draft_plan(amendment)))
    if form.is_valid():
        _add(request, amendment, {"op": "drop", "code": form.cleaned_data["code"]})
    else:
        messages.error(request, "Choose the action line to drop.")
    return redirect("amendment", amendment.pk)


@require(Perm.AMEND_PLAN)
@require_POST
def amendment_operation_delete(request, pk: int, index: int):
    amendment = _amendment(request, pk)
    try:
        amendment_operation_remove(amendment=amendment, index=index, user=request.user)
    except RoadmapRefused as error:
        messages.error(request, error.problems[0])
    return redirect("amendment", amendment.pk)


@require(Perm.AMEND_PLAN)
@require_POST
def amendment_approve_view(request, pk: int):
    amendment = _amendment(request, pk)
    try:
        version = amendment_approve(amendment=amendment, user=request.user)
    except RoadmapRefused as error:
        for problem in error.problems:
            messages.error(request, problem)
        return redirect("amendment", amendment.pk)
    messages.success(request, f"Approved: version {version.number}, '{version.label}', is now in force.")
    return redirect(f"{reverse('roadmap_diff')}?from={version.number - 1}&to={version.number}")
