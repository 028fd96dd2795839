"""Write path of the roadmap: create, change and retire action lines, and import a roadmap workbook.

Each service is atomic, records who and why in the audit history, and checks again what the form or
preview checked, so nothing invalid is ever written. These edits correct or complete the terms of
the version in force (for example entering the Appendix B lines); a change decided by the ACCMSME is
recorded as an amendment (sapsmed.plan.amendment_services), which makes a new version.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from sapsmed.core import roadmap_fields as rf
from sapsmed.core.roadmap_rules import line_number
from sapsmed.core.tables import stored_kinds
from sapsmed.plan.events import announce_plan_changed
from sapsmed.plan.models import (
    Action,
    ActionLine,
    ActionLineVersion,
    MemberState,
    Organisation,
    Pathway,
    PlanVersion,
    TypeOfMeasure,
)
from sapsmed.plan.roadmap_check import check_line, check_workbook, same_terms
from sapsmed.plan.roadmap_models import ImportStatus, RoadmapImport
from sapsmed.plan.roadmap_selectors import lookups, version_snapshot
from sapsmed.plan.version_copy import version_lines_create

_SCALARS = tuple(f.name for f in rf.TERMS if f.kind != "list" and f.name != "pathway")
_LISTS = tuple(f.name for f in rf.TERMS if f.kind == "list")


class RoadmapRefused(ValueError):
    """The change cannot be written; `problems` holds one sentence each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


class CodeRefs:
    """Model rows by stable code, read once per service call."""

    def __init__(self):
        self.states = {s.iso3: s for s in MemberState.objects.all()}
        self.organisations = {o.code: o for o in Organisation.objects.all()}
        self.measures = {t.number: t for t in TypeOfMeasure.objects.all()}
        self.pathways = {p.code: p for p in Pathway.objects.all()}
        self.lines = {line.code: line for line in ActionLine.objects.all()}

    def m2m(self, terms: Mapping) -> dict[str, list]:
        return {
            "lead_states": [self.states[c] for c in terms["lead_states"]],
            "proponent_states": [self.states[c] for c in terms["proponent_states"]],
            "proponent_organisations": [self.organisations[c] for c in terms["proponent_organisations"]],
            "types_of_measure": [self.measures[n] for n in terms["types_of_measure"]],
            "predecessors": [self.lines[c] for c in terms["predecessors"]],
        }


def audit_stamp(obj, user, reason: str) -> None:
    """Who and why, for the history record the next save or many-to-many change writes."""
    obj._change_reason = reason
    obj._history_user = user


def terms_write(lv: ActionLineVersion, terms: Mapping, refs: CodeRefs, *, user, reason: str) -> bool:
    """Bring one line's stored terms to `terms`, saving only what differs (so the history shows real changes)."""
    terms = rf.normalise_terms(terms)
    values = {name: terms[name] for name in _SCALARS}
    values["funding_amount"] = terms["funding_amount"]
    pathway = refs.pathways.get(terms["pathway"]) if terms["pathway"] else None
    creating = lv.pk is None
    changed = creating or lv.pathway_id != (pathway.pk if pathway else None)
    for name, value in values.items():
        current = getattr(lv, name)
        if name == "funding_amount":
            current = rf.amount_text(current)
        if current != value:
            changed = True
    if changed:
        for name, value in values.items():
            setattr(lv, name, value)
        lv.pathway = pathway
        audit_stamp(lv, user, reason)
        # Field checks (choices, lengths) only: the terms were checked against the plan's rules, and the
        # database enforces the constraints; skipping their per-row queries keeps a 300-line import quick.
        lv.full_clean(exclude=["action_line", "plan_version", "pathway"], validate_unique=False,
                      validate_constraints=False)
        lv.save()
    for name, targets in refs.m2m(terms).items():
        manager = getattr(lv, name)
        if creating or {o.pk for o in manager.all()} != {t.pk for t in targets}:
            audit_stamp(lv, user, reason)
            manager.set(targets)
            changed = True
    return changed


def _version_in_force() -> PlanVersion:
    return PlanVersion.objects.select_related("plan").order_by("-number").first()


def _locked(version: PlanVersion) -> PlanVersion:
    """Lock the version's row until the transaction ends: every write to a version's lines takes this lock
    first, so two writers of the same lines wait for each other and the second checks against what the
    first wrote, instead of both checking the same old terms and the second silently undoing the first."""
    PlanVersion.objects.select_for_update().filter(pk=version.pk).first()
    return version


class StaleLine(RoadmapRefused):
    """The line changed after the person opened it; their change was not saved."""


def _refuse_if(problems: list[tuple[str, str]], code: str) -> None:
    if problems:
        raise RoadmapRefused([f"{code}, {rf.label(name)}: {message}" for name, message in problems])


@transaction.atomic
def action_line_create(*, code: str, action: Action, terms: Mapping, user, reason: str) -> ActionLineVersion:
    """Add a line (for example from Appendix B) to the version in force."""
    version = _locked(_version_in_force())
    terms = rf.normalise_terms(terms)
    goal = action.outcome.goal.code
    if ActionLine.objects.filter(code=code).exists():
        raise RoadmapRefused([f"{code}: there is already an action line with this code; codes are never reused."])
    _refuse_if(check_line(code, goal, action.code, terms, lookups=lookups(), plan=version_snapshot(version)), code)
    line = ActionLine(action=action, code=code, line_no=line_number(code))
    audit_stamp(line, user, reason)
    line.save()
    lv = ActionLineVersion(action_line=line, plan_version=version)
    terms_write(lv, terms, CodeRefs(), user=user, reason=reason)
    announce_plan_changed(line_ids={line.pk})
    return lv


@transaction.atomic
def action_line_change(*, lv: ActionLineVersion, terms: Mapping, user, reason: str,
                       based_on: Mapping | None = None) -> bool:
    """Change a line's terms in its version; returns whether anything changed.

    based_on, when given, is the terms as the person saw them when they opened the form: if the line has
    changed since, nothing is saved and StaleLine says so, so one person's edit never silently undoes
    another's.
    """
    terms = rf.normalise_terms(terms)
    _locked(lv.plan_version)
    line = lv.action_line
    goal, action = line.action.outcome.goal.code, line.action.code
    plan = version_snapshot(lv.plan_version)
    if based_on is not None and not same_terms(plan[line.code], rf.normalise_terms(based_on)):
        raise StaleLine([f"{line.code} was changed by someone else after you opened it; your changes were not "
                         "saved. Open the line again to see its terms now, then make your change."])
    _refuse_if(check_line(line.code, goal, action, terms, lookups=lookups(), plan=plan), line.code)
    lv = ActionLineVersion.objects.prefetch_related(*_LISTS).get(pk=lv.pk)  # the terms as they stand now
    changed = terms_write(lv, terms, CodeRefs(), user=user, reason=reason)
    if changed:
        announce_plan_changed(line_ids={lv.action_line_id})
    return changed


@transaction.atomic
def action_line_retire(*, lv: ActionLineVersion, user, reason: str, retired: bool = True) -> ActionLineVersion:
    """Mark a line dropped (or back in force) in its version; its code stays and is never reused."""
    _locked(lv.plan_version)
    lv.refresh_from_db(fields=["retired"])
    if lv.retired != retired:
        lv.retired = retired
        audit_stamp(lv, user, reason)
        lv.save(update_fields=["retired"])
        announce_plan_changed(line_ids={lv.action_line_id})
    return lv


def roadmap_import_upload(*, user, filename: str, content: bytes) -> tuple[RoadmapImport, object]:
    """Keep the upload and check it against the version in force; nothing in the roadmap changes."""
    version = _version_in_force()
    result = check_workbook(content, filename, lookups=lookups(), current=version_snapshot(version))
    upload = RoadmapImport.objects.create(
        plan_version=version, filename=filename[:255], content=content, uploaded_by=user,
        status=ImportStatus.PREVIEWED if result.ok else ImportStatus.INVALID,
        preview_fingerprint=result.fingerprint if result.ok else "",
        summary={"errors": len(result.errors), "changes": len(result.new_terms), **_refusal(result)},
    )
    return upload, result


def _refusal(result) -> dict:
    """A refused workbook's problems (at most the check's MAX_ERRORS) and their counts by kind, kept so its
    preview is shown from them: a refused upload can never be committed, so it is never checked again."""
    if result.ok:
        return {}
    return {"problems": [{"sheet": e.sheet, "row": e.row, "column": e.column, "value": e.value, "message": e.message}
                         for e in result.errors],
            "error_total": sum(k.count for k in result.kinds),
            "error_kinds": stored_kinds(result.kinds)}


@transaction.atomic
def roadmap_import_commit(*, upload: RoadmapImport, user) -> int:
    """Write the previewed changes, all or nothing; refuse if the workbook or the roadmap changed since."""
    upload = RoadmapImport.objects.select_for_update().get(pk=upload.pk)
    if upload.status != ImportStatus.PREVIEWED:
        raise RoadmapRefused(["This upload has already been committed or was refused; upload the workbook again."])
    version = _locked(_version_in_force())
    if version.pk != upload.plan_version_id:
        raise RoadmapRefused(["A new plan version was made since the preview; upload the workbook again."])
    result = check_workbook(bytes(upload.content), upload.filename, lookups=lookups(),
                            current=version_snapshot(version))
    if not result.ok or result.fingerprint != upload.preview_fingerprint:
        raise RoadmapRefused(["The roadmap changed since the preview; upload the workbook again to see "
                              "what it would change now."])
    reason = f"Imported from the roadmap workbook '{upload.filename}' (upload {upload.pk})"
    _apply(version, result.new_terms, result.identity, user=user, reason=reason)
    upload.status, upload.committed_at = ImportStatus.COMMITTED, timezone.now()
    upload.summary = {**upload.summary, "written": len(result.new_terms)}
    audit_stamp(upload, user, "Committed")
    upload.save()
    announce_plan_changed()
    return len(result.new_terms)


def _apply(version: PlanVersion, new_terms: Mapping[str, Mapping], identity: Mapping[str, tuple[str, str]],
           *, user, reason: str) -> None:
    """New lines are written in bulk (after their identities, so predecessors may point at lines added in
    the same workbook); changed lines are saved one by one, so their history shows each field's change."""
    actions = {a.code: a for a in Action.objects.filter(code__in={identity[c][1] for c in new_terms})}
    existing = {line.code for line in ActionLine.objects.filter(code__in=list(new_terms))}
    missing = [ActionLine(action=actions[identity[code][1]], code=code, line_no=line_number(code))
               for code in new_terms if code not in existing]
    bulk_create_with_history(missing, ActionLine, default_user=user, default_change_reason=reason)
    refs = CodeRefs()
    stored = {lv.action_line.code: lv for lv in
              ActionLineVersion.objects.filter(plan_version=version, action_line__code__in=list(new_terms))
              .select_related("action_line").prefetch_related(*_LISTS)}
    added = {code: terms for code, terms in new_terms.items() if code not in stored}
    version_lines_create(version, added, refs, user=user, reason=reason)
    for code, lv in stored.items():
        terms_write(lv, new_terms[code], refs, user=user, reason=reason)
