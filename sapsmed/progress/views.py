"""Pages of a report's life: my work, the report form, the report page with its workflow, evidence files."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sapsmed.core.workflow import TransitionRefused, allowed_actions
from sapsmed.plan.history import change_history
from sapsmed.plan.models import ActionLine, MemberState
from sapsmed.progress import rules, selectors, services
from sapsmed.progress.access import deny, has_work, may_edit, may_view, workflow_roles
from sapsmed.progress.attachments import attachment_add, attachment_remove, max_bytes
from sapsmed.progress.forms import AttachmentForm, MilestoneFormSet, ReportForm, TransitionForm
from sapsmed.progress.models import Attachment, ReportConflict
from sapsmed.progress.services import NotSubmittable, ProgressError, StaleReport

ACTION_LABELS = {"submit": "Submit", "withdraw": "Withdraw (back to draft)", "validate": "Validate",
                 "return": "Return with a note", "accept": "Accept"}
_HISTORY_NOISE = {"Revision", "Updated at", "Updated by", "Created at", "Created by"}


def my_work(request):
    if not has_work(request.user):
        return deny(request, "My work lists reports to write, validate or accept; your role has none.")
    return render(request, "progress/my_work.html", selectors.my_work(request.user))


def _report_view_allowed(user, report) -> bool:
    lead_states = selectors.lead_states_of(report.action_line.code) | {report.member_state.iso3}
    return may_view(user, line=report.action_line.code, goal=report.action_line.action.outcome.goal.code,
                    lead_states=lead_states)


def _edit_url(report_or_round, code=None, iso3=None) -> str:
    if code is None:
        r = report_or_round
        return reverse("progress:report_edit", args=[r.round.name, r.action_line.code, r.member_state.iso3])
    return reverse("progress:report_edit", args=[report_or_round.name, code, iso3])


def report_edit(request, name: str, code: str, iso3: str):
    if not request.user.is_authenticated:
        return deny(request)
    rnd = selectors.round_get(name)
    line = get_object_or_404(ActionLine.objects.select_related("action__outcome__goal"), code=code)
    state = get_object_or_404(MemberState, iso3=iso3.upper())
    if state.iso3 not in selectors.lead_states_of(line.code):
        raise Http404(f"{state.name} does not lead action line {line.code}, so it files no report on it.")
    if not may_edit(request.user, line=line.code, state=state.iso3):
        raise PermissionDenied(f"Only the proponent of {state.name}'s report on {line.code} edits it.")
    report = selectors.report_for(rnd, line.code, state.iso3)
    back = reverse("progress:report", args=[report.pk]) if report else reverse("progress:my_work")
    if report is not None and report.workflow_status not in rules.EDITABLE_STATUSES:
        hint = " (withdraw it first)." if report.workflow_status == "submitted" else "."
        messages.info(request, f"This report is {report.get_workflow_status_display().lower()}; it can no longer "
                               f"be edited{hint}")
        return redirect(back)
    block = services.edit_block_reason(rnd, line.pk, state.pk)
    if block:
        messages.error(request, block)
        return redirect(back)
    ctx = {"round": rnd, "line": line, "state": state, "report": report, "goal": line.action.outcome.goal,
           "revision": report.revision if report else 0,
           "return_note": selectors.last_return_note(report) if report and report.workflow_status == "returned"
           else None}
    if request.method == "POST":
        return _report_post(request, ctx)
    initial, milestones = _initial(request, ctx)
    ctx["form"] = ReportForm(initial=initial)
    ctx["milestones"] = MilestoneFormSet(prefix="ms", initial=milestones)
    return render(request, "progress/report_form.html", ctx)


def _initial(request, ctx) -> tuple[dict, list[dict]]:
    report, rnd, line, state = ctx["report"], ctx["round"], ctx["line"], ctx["state"]
    conflict_id = request.GET.get("from_conflict")
    if conflict_id and report is not None:
        conflict = get_object_or_404(ReportConflict, pk=conflict_id, report=report)
        ctx["from_conflict"] = conflict
        return dict(conflict.data["fields"]), list(conflict.data["milestones"])
    if report is not None:
        return services.report_values(report), [
            {"name": m.name, "planned_on": m.planned_on, "reached_on": m.reached_on} for m in report.milestones.all()]
    previous = selectors.previous_report(rnd, line.pk, state.pk)
    if previous is None:
        return {"currency": state.currency}, []
    ctx["previous"] = previous
    return {name: getattr(previous, name) for name in services.CARRIED_OVER}, [
        {"name": m.name, "planned_on": m.planned_on, "reached_on": m.reached_on} for m in previous.milestones.all()]


def _report_post(request, ctx):
    form = ReportForm(request.POST)
    formset = MilestoneFormSet(request.POST, prefix="ms")
    ctx.update(form=form, milestones=formset)
    try:
        revision = int(request.POST.get("revision", "0"))
    except ValueError:
        revision = -1  # a tampered form: treated as stale, so nothing is overwritten
    if not (form.is_valid() and formset.is_valid()):
        messages.error(request, "Nothing was saved: correct the fields marked below.")
        return render(request, "progress/report_form.html", ctx, status=400)
    values = {k: form.cleaned_data.get(k) for k in services.REPORT_FIELDS}
    milestones = [f.cleaned_data for f in formset if (f.cleaned_data.get("name") or "").strip()]
    try:
        report = services.report_save(by=request.user, round=ctx["round"], line=ctx["line"], state=ctx["state"],
                                      values=values, milestones=milestones, revision=revision)
    except StaleReport as exc:
        messages.error(request, str(exc))
        return redirect("progress:report", exc.conflict.report_id)
    except ProgressError as exc:
        messages.error(request, str(exc))
        return render(request, "progress/report_form.html", ctx, status=400)
    if request.POST.get("intent") != "submit":
        messages.success(request, f"Draft saved (revision {report.revision}). It is not submitted yet.")
        return redirect(_edit_url(report))
    try:
        services.report_transition(by=request.user, report_id=report.pk, action="submit", revision=report.revision)
    except NotSubmittable as exc:
        form.add_submission_problems(exc.problems)
        ctx.update(report=report, revision=report.revision)
        messages.warning(request, "Your draft was saved but not submitted: complete the fields marked below.")
        return render(request, "progress/report_form.html", ctx, status=400)
    except (TransitionRefused, ProgressError) as exc:
        messages.error(request, f"Your draft was saved but not submitted: {exc}")
        return redirect("progress:report", report.pk)
    goal = ctx["goal"].code
    messages.success(request, f"Submitted. The Country Champion of goal {goal} has been notified to validate it.")
    return redirect("progress:report", report.pk)


def report_detail(request, pk: int):
    if not request.user.is_authenticated:
        return deny(request)
    report = selectors.report_page(pk)
    if not _report_view_allowed(request.user, report):
        raise PermissionDenied("Your role does not let you read this report.")
    goal = report.action_line.action.outcome.goal
    roles = workflow_roles(request.user, line=report.action_line.code, goal=goal.code, state=report.member_state.iso3)
    editable = "proponent_of_line" in roles and report.workflow_status in rules.EDITABLE_STATUSES
    block = services.edit_block_reason(report.round, report.action_line_id, report.member_state_id)
    history = change_history(report)
    for entry in history:
        entry.changes[:] = [c for c in entry.changes if c.field not in _HISTORY_NOISE]
    ctx = {
        "report": report, "goal": goal, "milestones": list(report.milestones.all()),
        "transitions": list(report.transitions.all()), "attachments": list(report.attachments.all()),
        "conflicts": [_conflict_rows(c, report) for c in report.conflicts.all()],
        "actions": [(a.value, ACTION_LABELS[a.value]) for a in allowed_actions(report.workflow_status, roles)],
        "return_note": selectors.last_return_note(report) if report.workflow_status == "returned" else None,
        "editable": editable and not block, "lock_reason": block if "proponent_of_line" in roles else None,
        "edit_url": _edit_url(report), "attachment_form": AttachmentForm(), "max_mb": max_bytes() // (1024 * 1024),
        "history": history, "has_demo": report.is_demo,
    }
    return render(request, "progress/report_detail.html", ctx)


def _conflict_rows(conflict: ReportConflict, report) -> dict:
    current = services.report_values(report)
    rows = []
    for name, theirs in conflict.data["fields"].items():
        now = current.get(name)
        now_text = "" if now is None else (now.isoformat() if hasattr(now, "isoformat") else str(now))
        theirs_text = "" if theirs is None else str(theirs)
        if now_text != theirs_text:
            label = str(report._meta.get_field(name).verbose_name).capitalize()
            rows.append((label, theirs_text or "(empty)", now_text or "(empty)"))
    return {"conflict": conflict, "rows": rows}


@require_POST
def report_act(request, pk: int):
    if not request.user.is_authenticated:
        return deny(request)
    report = selectors.report_page(pk)
    if not _report_view_allowed(request.user, report):
        raise PermissionDenied("Your role does not let you act on this report.")
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The action was not understood; reload the page and try again.")
        return redirect("progress:report", pk)
    action, note = form.cleaned_data["action"], form.cleaned_data["note"]
    try:
        services.report_transition(by=request.user, report_id=pk, action=action, note=note,
                                   revision=form.cleaned_data["revision"])
    except (TransitionRefused, ProgressError, ValueError) as exc:
        messages.error(request, f"Refused: {exc}")
        return redirect("progress:report", pk)
    done = {"submit": "Submitted; the Country Champion has been notified.",
            "withdraw": "Withdrawn: it is a draft again.",
            "validate": "Validated; the ASEAN Secretariat can now accept it.",
            "return": "Returned to the proponent with your note.",
            "accept": "Accepted: the report now counts on dashboards and in reviews."}
    messages.success(request, done.get(action, "Done."))
    return redirect("progress:report", pk)


@require_POST
def attachment_upload(request, pk: int):
    if not request.user.is_authenticated:
        return deny(request)
    report = selectors.report_page(pk)
    if not may_edit(request.user, line=report.action_line.code, state=report.member_state.iso3):
        raise PermissionDenied("Only the report's proponent adds evidence.")
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose a file to upload.")
        return redirect("progress:report", pk)
    try:
        added = attachment_add(by=request.user, report=report, upload=form.cleaned_data["file"])
    except ProgressError as exc:
        messages.error(request, str(exc))
        return redirect("progress:report", pk)
    messages.success(request, f"{added.original_name} added ({added.kind}).")
    return redirect("progress:report", pk)


def _attachment_for(request, pk: int) -> Attachment:
    attachment = get_object_or_404(Attachment.objects.select_related(
        "report__action_line__action__outcome__goal", "report__member_state", "report__round"), pk=pk)
    if not _report_view_allowed(request.user, attachment.report):
        raise PermissionDenied("Your role does not let you read this report's evidence.")
    return attachment


def attachment_download(request, pk: int):
    if not request.user.is_authenticated:
        return deny(request)
    attachment = _attachment_for(request, pk)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name,
                        content_type=attachment.content_type)


@require_POST
def attachment_delete(request, pk: int):
    if not request.user.is_authenticated:
        return deny(request)
    attachment = _attachment_for(request, pk)
    report_pk = attachment.report_id
    try:
        attachment_remove(by=request.user, attachment=attachment)
    except ProgressError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{attachment.original_name} removed.")
    return redirect("progress:report", report_pk)
