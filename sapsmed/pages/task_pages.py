"""My tasks at /tasks/, where role holders land after logging in: what each of their roles has to do next, from
progress (reports to write, returned, to validate or accept; rounds locking soon), KPIs (values of a focal point's
state) and jobs (their work that failed), each task a link to where it is done.

A signed-in user without any role has no task: they are sent to the public home page, as after logging in.
"""

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from sapsmed.accounts.policy import Perm, can, grants_of
from sapsmed.jobs import selectors as job_selectors
from sapsmed.kpis import selectors as kpi_selectors
from sapsmed.progress import lock_checks
from sapsmed.progress import selectors as progress_selectors
from sapsmed.progress.access import deny, has_work

# A failed job or a refused import stays on the list this long, unless a later one of the same kind succeeds.
RECENT = timedelta(days=30)


def holds_a_role(user) -> bool:
    grants = grants_of(user)
    return grants.superuser or bool(grants.roles)


def tasks_of(user) -> dict:
    """Every task of this person's roles, in a fixed number of queries whatever their number."""
    grants = grants_of(user)
    now = timezone.now()
    ctx = progress_selectors.my_work(user) if has_work(user) else {
        "rounds": [], "returned_locked": [], "to_validate": [], "to_accept": [], "has_demo": False,
        "today": timezone.localdate(), "may_accept": False}
    for rw in ctx["rounds"]:
        rw.to_write = [i for i in rw.items if i.report is None or i.report.workflow_status == "draft"]
        rw.returned = [i for i in rw.items if i.report is not None and i.report.workflow_status == "returned"]
        rw.in_review = len(rw.items) - len(rw.to_write) - len(rw.returned)
    ctx["returned_open"] = [(rw, i) for rw in ctx["rounds"] for i in rw.returned]
    ctx["may_manage"] = can(user, Perm.ROUND_MANAGE)
    ctx["locking_soon"] = lock_checks.rounds_locking_soon(ctx["today"]) if ctx["may_manage"] else []
    ctx["kpi"] = kpi_selectors.state_kpi_tasks(grants.focal_point_states) if grants.focal_point_states else None
    ctx["imports"] = kpi_selectors.open_imports(user, since=now - RECENT) if can(user, Perm.KPI_EDIT) else []
    ctx["failed_jobs"] = job_selectors.failed_jobs(user, since=now - RECENT)
    ctx["is_proponent"] = bool(grants.proponent_states or grants.proponent_lines)
    ctx["is_champion"] = bool(grants.champion_goals)
    ctx["has_demo"] = ctx["has_demo"] or any(r.is_demo for r in ctx["locking_soon"])
    ctx["nothing"] = not any([ctx["returned_open"], any(rw.to_write for rw in ctx["rounds"]), ctx["returned_locked"],
                              ctx["to_validate"], ctx["to_accept"],
                              ctx["locking_soon"], ctx["imports"], ctx["failed_jobs"],
                              ctx["kpi"] and (ctx["kpi"]["provisional"] or ctx["kpi"]["no_value"])])
    return ctx


def my_tasks(request):
    if not request.user.is_authenticated:
        return deny(request)
    if not holds_a_role(request.user):
        messages.info(request, "Your account holds no role yet, so no task waits for you: you read what the "
                               "public reads. The ASEAN Secretariat grants roles.")
        return redirect("home")
    return render(request, "pages/my_tasks.html", tasks_of(request.user))
