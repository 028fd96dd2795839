"""Pages of rounds and dashboards: round list and management (lock with confirmation, reopen), round dashboard,
early warning, line history."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from sapsmed.accounts.decorators import require
from sapsmed.accounts.policy import Perm, can
from sapsmed.plan.history import change_history
from sapsmed.progress import dashboards, exports, lock_checks, rules, selectors, services
from sapsmed.progress.access import deny, may_view
from sapsmed.progress.forms import ExceptionForm, LockForm, ReopenForm, RoundForm
from sapsmed.progress.services import ProgressError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require(Perm.DASHBOARD_VIEW)
def round_list(request):
    rounds = selectors.round_list()
    return render(request, "progress/round_list.html", {
        "rounds": rounds, "may_manage": can(request.user, Perm.ROUND_MANAGE),
        "has_demo": any(r.is_demo for r in rounds)})


@require(Perm.ROUND_MANAGE)
def round_new(request):
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rnd = services.round_open(by=request.user, **form.cleaned_data)
        except ProgressError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Round {rnd.name} opened; proponents see it in My work from "
                                      f"{rnd.opens_on:%d %b %Y}.")
            return redirect("progress:round_manage", rnd.name)
    today = timezone.localdate()
    if request.method != "POST":
        form.initial = {"opens_on": today}
    return render(request, "progress/round_new.html", {"form": form}, status=400 if form.errors else 200)


def _pairs(rnd):
    return [(lv.action_line.code, state.iso3, state.name)
            for lv, state in selectors.expected_pairs(rnd, selectors.lines_in_force())]


@require(Perm.ROUND_MANAGE)
def round_manage(request, name: str):
    rnd = selectors.round_get(name)
    return render(request, "progress/round_manage.html", {
        "round": rnd, "phase": selectors.round_phase(rnd), "check": lock_checks.lock_check(rnd),
        "reopenable": rnd.locked_at is not None and timezone.localdate() <= rnd.locks_on,
        "reopen_form": ReopenForm(), "exception_form": ExceptionForm(pairs=_pairs(rnd)),
        "exceptions": selectors.exceptions_of(rnd), "history": change_history(rnd), "has_demo": rnd.is_demo})


@require(Perm.ROUND_MANAGE)
def round_lock(request, name: str):
    """GET: what the round still lacks, and the lock form. POST: only with `confirm`, from that page, it locks;
    a POST without it (an older form) shows the same page, with the reason kept, and locks nothing."""
    rnd = selectors.round_get(name)
    if rnd.locked_at is not None:
        messages.info(request, f"Round {name} is already locked.")
        return redirect("progress:round_manage", name)
    if timezone.localdate() > rnd.locks_on:
        messages.info(request, f"Round {name} closed on its lock date ({rules.long_date(rnd.locks_on)}); it needs "
                               "no lock.")
        return redirect("progress:round_manage", name)
    form = LockForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and request.POST.get("confirm") == "yes" and form.is_valid():
        try:
            services.round_lock(by=request.user, round=rnd, reason=form.cleaned_data["reason"])
        except ProgressError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Round {name} locked. Proponents can no longer change its reports.")
            return redirect("progress:round_manage", name)
    unconfirmed = request.method == "POST" and request.POST.get("confirm") != "yes"
    if unconfirmed:
        form = LockForm(initial={"reason": request.POST.get("reason", "")})
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "progress/round_lock.html", {
        "round": rnd, "phase": selectors.round_phase(rnd), "check": lock_checks.lock_check(rnd), "form": form,
        "unconfirmed": unconfirmed, "has_demo": rnd.is_demo}, status=status)


@require_POST
@require(Perm.ROUND_MANAGE)
def round_reopen(request, name: str):
    rnd = selectors.round_get(name)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the round is reopened; the reason is kept in the round's history.")
        return redirect("progress:round_manage", name)
    try:
        services.round_reopen(by=request.user, round=rnd, reason=form.cleaned_data["reason"])
    except ProgressError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Round {name} reopened. Proponents can change its reports again until "
                                  f"{rules.long_date(rnd.locks_on)}.")
    return redirect("progress:round_manage", name)


@require_POST
@require(Perm.ROUND_MANAGE)
def exception_grant(request, name: str):
    rnd = selectors.round_get(name)
    form = ExceptionForm(request.POST, pairs=_pairs(rnd))
    if not form.is_valid():
        messages.error(request, "Choose the report and say why the exception is granted.")
        return redirect("progress:round_manage", name)
    code, iso3 = form.cleaned_data["report"].split("|")
    try:
        services.exception_grant(by=request.user, round=rnd, line_code=code, state=iso3,
                                 reason=form.cleaned_data["reason"])
    except ProgressError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Exception granted: {iso3}'s report on {code} may be changed in round {name}.")
    return redirect("progress:round_manage", name)


@require(Perm.DASHBOARD_VIEW)
def round_dashboard(request, name: str):
    rnd = selectors.round_get(name)
    ctx = dashboards.round_dashboard(rnd, request.GET.get("page", 1))
    ctx["phase"] = selectors.round_phase(rnd)
    ctx["may_manage"] = can(request.user, Perm.ROUND_MANAGE)
    return render(request, "progress/round_dashboard.html", ctx)


@require(Perm.DASHBOARD_VIEW)
def round_dashboard_xlsx(request, name: str):
    rnd = selectors.round_get(name)
    content = exports.round_dashboard_workbook(dashboards.round_dashboard(rnd, everything=True))
    return _xlsx(content, f"sapsmed-round-{rnd.name}-completeness.xlsx")


def _filters(request) -> dashboards.WarningFilters:
    get = request.GET
    return dashboards.WarningFilters(goal=get.get("goal", "").upper()[:1], champion=get.get("champion", "").upper()[:3],
                                     state=get.get("state", "").upper()[:3], show_all=get.get("all") == "1")


@require(Perm.DASHBOARD_VIEW)
def early_warning(request):
    ctx = dashboards.early_warning_page(_filters(request), request.GET.get("page", 1))
    return render(request, "progress/early_warning.html", ctx)


@require(Perm.DASHBOARD_VIEW)
def early_warning_xlsx(request):
    content = exports.early_warning_workbook(dashboards.early_warning_page(_filters(request), everything=True))
    return _xlsx(content, f"sapsmed-early-warning-{timezone.localdate():%Y-%m-%d}.xlsx")


def line_history(request, code: str):
    if not request.user.is_authenticated:
        return deny(request)
    ctx = dashboards.line_history(code)
    if not may_view(request.user, line=ctx["line"].code, goal=ctx["goal"].code, lead_states=ctx["lead_states"]):
        raise PermissionDenied("Your role does not let you read this line's reports.")
    return render(request, "progress/line_history.html", ctx)


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
