"""Write path of KPI imports: keep the checked upload for preview, then commit all of it or none of it.

The upload is stored with its check; confirming re-reads the stored bytes (the database, or the user's
rights, may have changed since the preview) and writes every value in one transaction, in bulk, with
history rows carrying the user and the import's reason, and recomputes the scorecard cells of the (KPI,
state) pairs it wrote in the same transaction. A file with any error writes nothing.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from sapsmed.accounts.policy import Perm, can, grants_of
from sapsmed.core.tables import stored_kinds
from sapsmed.kpis.derived import scorecard_cells_recompute
from sapsmed.kpis.importing import PlannedValue, UploadCheck, check_upload
from sapsmed.kpis.models import ImportStatus, Observation, ObservationImport, ObservationStatus

_ATTEMPTS = 3  # a commit whose new value another writer created first is checked and tried again
PREVIEW_LIMIT = 500  # rows of the change list kept for the preview page; the counts cover every row
_UPDATED = ["value", "se", "ci_low", "ci_high", "source", "note", "status", "source_file", "source_row",
            "import_batch", "provenance", "confidence", "updated_by", "updated_at"]


def _error_dict(e) -> dict:
    return {"file": e.file, "sheet": e.sheet, "row": e.row, "column": e.column, "value": e.value,
            "message": e.message, "cell": e.cell, "column_number": e.column_number}


def _summary(check: UploadCheck) -> dict:
    changes = [
        {"kpi": p.kpi.code, "state": p.state.iso3, "year": p.year, "row": p.row, "action": p.action,
         "old": format(p.old.value.normalize(), "f") if p.old else "", "new": format(p.value.normalize(), "f")}
        for p in check.planned if p.action != "unchanged"
    ]
    counts = {action: check.count(action) for action in ("new", "correction", "source", "unchanged")}
    # Every problem counted by kind (those beyond the listed ones too): the preview shows these counts and
    # the first problems, and the list pages show the total without loading the list itself.
    kinds = stored_kinds(check.kinds)
    return {"rows": len(check.planned), **counts, "sheet": check.sheet, "skipped": check.skipped,
            "changes": changes[:PREVIEW_LIMIT], "more_changes": max(0, len(changes) - PREVIEW_LIMIT),
            "error_total": sum(k["count"] for k in kinds), "error_kinds": kinds}


@transaction.atomic
def import_prepare(*, content: bytes, file_name: str, reason: str, user) -> ObservationImport:
    """Check the upload and keep it for preview; the returned import is 'previewed' or 'invalid'."""
    if user is not None and not can(user, Perm.KPI_EDIT):
        raise PermissionDenied("Only national focal points and the Secretariat import KPI values.")
    check = check_upload(content=content, file_name=file_name, user=user)
    return ObservationImport.objects.create(
        kind=check.kind, file_name=file_name[:255], content=content,
        reason=(reason or "").strip() or f"Imported from {file_name}"[:300],
        status=ImportStatus.PREVIEWED if check.ok else ImportStatus.INVALID,
        summary=_summary(check), errors=[_error_dict(e) for e in check.errors], created_by=user,
    )


def _provenance(batch: ObservationImport, p: PlannedValue) -> dict:
    return {"source_file": batch.file_name, "source_row": p.row, "import_batch": batch,
            "provenance": {"sheet": batch.summary.get("sheet") or "", "kind": batch.kind}}


def import_commit(*, batch: ObservationImport, user) -> ObservationImport:
    """Write every value of a previewed import, or nothing; raise ValidationError when the file no longer passes.

    The check is repeated inside the writing transaction, with the stored values it plans against
    locked, so a value another person or import changed meanwhile is corrected from its latest version
    (both changes stay in the history) and never overwritten unseen. When the check fails, nothing is
    written and the import is marked invalid with the new errors (after the rolled-back transaction, so
    the mark stays).
    """
    for attempt in range(_ATTEMPTS):
        try:
            failed = _commit(batch, user)
            break
        except IntegrityError:
            # Another writer created one of these values after this check read them: nothing was
            # written; checking again plans those values as corrections of what was just stored.
            if attempt == _ATTEMPTS - 1:
                raise ValidationError("Other values for the same KPIs, states and years were being saved at "
                                      "the same moment; nothing was written. Confirm the import again.") from None
    if failed is None:
        batch.refresh_from_db()
        return batch
    ObservationImport.objects.filter(pk=batch.pk).update(
        status=ImportStatus.INVALID, errors=[_error_dict(e) for e in failed.errors], summary=_summary(failed))
    batch.refresh_from_db()
    raise ValidationError("The file no longer passes the checks; nothing was written.")


@transaction.atomic
def _commit(batch: ObservationImport, user) -> UploadCheck | None:
    batch = ObservationImport.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportStatus.PREVIEWED:
        raise ValidationError(f"This import is {batch.get_status_display().lower()}; it cannot be committed.")
    if user is not None and batch.created_by_id is not None and batch.created_by_id != user.pk \
            and not grants_of(user).is_secretariat:
        raise PermissionDenied("Only the person who uploaded the file, or the Secretariat, may commit it.")
    check = check_upload(content=bytes(batch.content), file_name=batch.file_name, user=user, kind=batch.kind,
                         lock=True)
    if not check.ok:
        return check
    summary = _summary(check)  # before the writes below update the stored values it compares with
    now = timezone.now()
    new, corrected = [], []
    for p in check.planned:
        facts = {"value": p.value, "se": p.se, "ci_low": p.ci_low, "ci_high": p.ci_high, "source": p.source,
                 "note": p.note, **_provenance(batch, p)}
        if p.action == "new":
            new.append(Observation(kpi=p.kpi, state=p.state, year=p.year, created_by=user, updated_by=user,
                                   confidence="confirmed", **facts))
        elif p.action in ("correction", "source"):
            obs = p.old
            for name, value in facts.items():
                setattr(obs, name, value)
            if p.action == "correction":
                obs.status = ObservationStatus.PROVISIONAL  # a corrected value needs validating again
            obs.updated_by, obs.updated_at = user, now
            corrected.append(obs)
    bulk_create_with_history(new, Observation, batch_size=500, default_user=user,
                             default_change_reason=batch.reason)
    # One small UPDATE per corrected row is several times faster than bulk_update's CASE expressions
    # over 14 fields; the history rows are still written in bulk.
    for obs in corrected:
        Observation.objects.filter(pk=obs.pk).update(**{name: getattr(obs, name) for name in _UPDATED})
    Observation.history.bulk_history_create(corrected, batch_size=500, update=True, default_user=user,
                                            default_change_reason=batch.reason)
    scorecard_cells_recompute(pairs={(obs.kpi_id, obs.state_id) for obs in (*new, *corrected)})
    batch.status, batch.committed_at = ImportStatus.COMMITTED, now
    batch.summary = {**summary, "written": {"new": len(new), "correction": len(corrected)}}
    batch.save(update_fields=["status", "committed_at", "summary"])
    return None


@transaction.atomic
def import_cancel(*, batch: ObservationImport, user) -> ObservationImport:
    if batch.status in (ImportStatus.PREVIEWED, ImportStatus.INVALID):
        batch.status = ImportStatus.CANCELLED
        batch.content = b""  # nothing will be committed from it; do not keep the user's file
        batch.save(update_fields=["status", "content"])
    return batch
