"""Amendments: record one, list its operations, preview its effect, approve it into a new plan version.

Rules, in words:
- The Secretariat records an amendment with its reason, the decision reference (such as the
  ACCMSME meeting and date) and who recorded it; it then adds operations: add, change, re-time or
  drop action lines (sapsmed.core.plan_diff applies them; dropped lines stay, marked retired).
- While a draft, the amendment is previewed against the version in force: the lines added, dropped
  and changed field by field, or the reasons it cannot be applied.
- Approval makes a new plan version, numbered next, holding a full copy of every line's terms with
  the changes applied. Earlier versions are never touched. Action lines keep their stable identity,
  so progress reports and KPIs attached to them carry over.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from sapsmed.core import roadmap_fields as rf
from sapsmed.core.plan_diff import AmendmentError, PlanDiff, apply_changes, diff_plans, parse_amendment
from sapsmed.core.roadmap_rules import line_number
from sapsmed.plan.events import announce_plan_changed
from sapsmed.plan.models import Action, ActionLine, Plan, PlanVersion
from sapsmed.plan.roadmap_check import check_line, check_plan
from sapsmed.plan.roadmap_models import Amendment, AmendmentStatus
from sapsmed.plan.roadmap_selectors import lookups, version_numbered, version_snapshot
from sapsmed.plan.roadmap_services import CodeRefs, RoadmapRefused, audit_stamp
from sapsmed.plan.version_copy import version_lines_create


def action_of(code: str) -> str:
    """The action a line code belongs to: B-2-1.3 belongs to B-2-1."""
    return code.rsplit(".", 1)[0]


@dataclass
class AmendmentPreview:
    base: PlanVersion
    new_plan: dict | None
    diff: PlanDiff | None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.new_plan is not None and not self.problems


def _touched(operations: list[dict]) -> set[str]:
    return {op["code"] for op in operations}


def amendment_preview(amendment: Amendment, *, base: PlanVersion | None = None) -> AmendmentPreview:
    """What approving the amendment would make of the version in force (or of `base`)."""
    base = base or version_numbered(None)
    before = version_snapshot(base)
    try:
        after = apply_changes(before, parse_amendment(amendment.operations))
    except (AmendmentError, ValueError) as error:
        return AmendmentPreview(base, None, None, list(getattr(error, "errors", [str(error)])))
    after = {code: rf.normalise_terms(terms) for code, terms in after.items()}
    problems = check_plan(after, lookups=lookups(), only=_touched(amendment.operations))
    return AmendmentPreview(base, after, diff_plans(before, after), problems)


@transaction.atomic
def amendment_record(*, user, title: str, reason: str, decision_reference: str, decided_on=None) -> Amendment:
    version = version_numbered(None)
    amendment = Amendment(plan=version.plan, base_version=version, title=title, reason=reason,
                          decision_reference=decision_reference, decided_on=decided_on, recorded_by=user)
    audit_stamp(amendment, user, "Amendment recorded")
    amendment.save()
    return amendment


def _guard_draft(amendment: Amendment) -> Amendment:
    amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
    if not amendment.is_draft:
        raise RoadmapRefused(["This amendment is approved; it can no longer be changed. Record a new amendment."])
    return amendment


def _check_operation(operation: dict, operations: list[dict]) -> None:
    """Refuse an operation that core refuses, or whose line would break the plan's rules."""
    base = version_numbered(None)
    before = version_snapshot(base)
    try:
        after = apply_changes(before, parse_amendment([*operations, operation]))
    except (AmendmentError, ValueError) as error:
        raise RoadmapRefused(list(getattr(error, "errors", [str(error)]))[-1:]) from error
    code = operation["code"]
    if operation["op"] == "drop":
        return
    terms = rf.normalise_terms(after[code])
    action = action_of(code)
    found = lookups()
    problems = check_line(code, found.action_goals.get(action, "?"), action, terms, lookups=found, plan=after)
    if problems:
        raise RoadmapRefused([f"{code}, {rf.label(name)}: {message}" for name, message in problems])


@transaction.atomic
def amendment_operation_add(*, amendment: Amendment, operation: dict, user) -> Amendment:
    """Append one operation (as read by core.plan_diff.parse_operation) to a draft amendment."""
    amendment = _guard_draft(amendment)
    _check_operation(operation, list(amendment.operations))
    amendment.operations = [*amendment.operations, operation]
    audit_stamp(amendment, user, f"Operation added: {operation['op']} {operation['code']}")
    amendment.save(update_fields=["operations"])
    return amendment


@transaction.atomic
def amendment_operation_remove(*, amendment: Amendment, index: int, user) -> Amendment:
    amendment = _guard_draft(amendment)
    operations = list(amendment.operations)
    if not 0 <= index < len(operations):
        raise RoadmapRefused(["There is no such operation in this amendment."])
    removed = operations.pop(index)
    amendment.operations = operations
    audit_stamp(amendment, user, f"Operation removed: {removed['op']} {removed['code']}")
    amendment.save(update_fields=["operations"])
    return amendment


@transaction.atomic
def amendment_approve(*, amendment: Amendment, user) -> PlanVersion:
    """Make the next plan version: every line's terms copied from the version in force, changes applied."""
    amendment = _guard_draft(amendment)
    if not amendment.operations:
        raise RoadmapRefused(["This amendment has no operations; add the lines it adds, changes, re-times or drops."])
    base = PlanVersion.objects.select_for_update().select_related("plan").order_by("-number").first()
    preview = amendment_preview(amendment, base=base)
    if not preview.ok:
        raise RoadmapRefused(preview.problems)
    plan = Plan.objects.get(pk=base.plan_id)
    version = PlanVersion(plan=plan, number=base.number + 1, label=amendment.title,
                          decision_reference=amendment.decision_reference)
    audit_stamp(version, user, f"Approved amendment {amendment.pk}: {amendment.reason}")
    version.save()
    reason = f"Amendment {amendment.pk} ({amendment.decision_reference}): {amendment.reason}"
    _create_new_lines(preview.new_plan, user=user, reason=reason)
    version_lines_create(version, preview.new_plan, CodeRefs(), user=user, reason=reason)
    amendment.status, amendment.resulting_version, amendment.base_version = AmendmentStatus.APPROVED, version, base
    amendment.approved_by, amendment.approved_at = user, timezone.now()
    audit_stamp(amendment, user, f"Approved: made version {version.number}")
    amendment.save()
    announce_plan_changed()
    return version


def _create_new_lines(new_plan: dict, *, user, reason: str) -> None:
    existing = set(ActionLine.objects.filter(code__in=list(new_plan)).values_list("code", flat=True))
    missing = [code for code in new_plan if code not in existing]
    actions = {a.code: a for a in Action.objects.filter(code__in={action_of(c) for c in missing})}
    for code in missing:
        line = ActionLine(action=actions[action_of(code)], code=code, line_no=line_number(code))
        audit_stamp(line, user, reason)
        line.save()
