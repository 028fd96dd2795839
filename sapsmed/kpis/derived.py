"""Stored scorecard cells, recomputed through the core by every service that changes their facts, in its transaction.

Rules, in words:
- A service that changes a fact of a cell (an observation entered, corrected, validated, imported or loaded,
  a target set, a state profile or a KPI's reference sheet changed) calls scorecard_cells_recompute for
  exactly the (KPI, state) pairs it touched, inside its own transaction: when the recompute fails, the
  change is rolled back with it and the user is told in a sentence.
- A regional target, or a change of a KPI's reference sheet (direction, baseline year, unit), touches every
  cell of the KPI.
- The cells are computed as the pages computed them before they were stored (sapsmed.kpis.assessing feeding
  sapsmed.core.achievement). A row is rewritten only when what it says changes.
- The cells of the pairs recomputed are locked first, then the facts are read: two writers of the same cell
  take turns, and the second reads what the first committed (no lost update on PostgreSQL).
- refresh() recomputes every cell from the facts; differences() recomputes without writing and names every
  stored cell that differs or is missing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sapsmed.kpis import assessing
from sapsmed.kpis.models import Kpi, KpiStateProfile, Observation, ObservationStatus, ScorecardCell, Target
from sapsmed.plan.models import MemberState

logger = logging.getLogger(__name__)

Pair = tuple[int, int]  # (kpi id, state id)

# What a stored cell says, compared field by field; as_of and computed_at only say when it was written.
COMPARED = ("status", "reason", "target_problem", "preferred_baseline_year", "baseline_year", "baseline_value",
            "baseline_observation_id", "latest_year", "latest_value", "latest_observation_id", "latest_validated",
            "absolute_change", "relative_change", "in_good_direction", "target_value", "target_year", "progress",
            "expected_progress", "value_count", "first_year", "last_year")
_OBSERVATION_FIELDS = ("id", "kpi_id", "state_id", "year", "value", "ci_low", "ci_high", "status")


class ScorecardRecomputeError(ValidationError):
    """The core could not assess the changed facts: the change is refused whole, with a sentence for the user."""


def _only(queryset, field: str, ids: set[int] | None):
    return queryset if ids is None else queryset.filter(**{f"{field}__in": ids})


def _computed(kpi_ids: set[int] | None, state_ids: set[int] | None) -> dict[Pair, assessing.Cell]:
    kpis = list(_only(Kpi.objects.all(), "pk", kpi_ids))
    states = list(_only(MemberState.objects.order_by("name"), "pk", state_ids))
    observations = list(_only(_only(Observation.objects.all(), "kpi_id", kpi_ids), "state_id", state_ids)
                        .only(*_OBSERVATION_FIELDS).order_by("year"))
    profiles = list(_only(_only(KpiStateProfile.objects.all(), "kpi_id", kpi_ids), "state_id", state_ids))
    targets = list(_only(_only(Target.objects.filter(state__isnull=False), "kpi_id", kpi_ids), "state_id",
                         state_ids))
    try:
        return assessing.build_cells(kpis, states, observations, profiles, targets)
    except Exception as error:
        # Whatever the core refused, the change that led here must not be stored without its cells.
        logger.exception("Scorecard cells could not be recomputed")
        raise ScorecardRecomputeError(
            "The KPI scorecard could not be recomputed from these values, so nothing was saved. "
            "Please tell the ASEAN Secretariat; the error is recorded.") from error


def cell_values(cell: assessing.Cell) -> dict:
    """The stored fields of one assessed cell."""
    a = cell.assessment
    base, latest = cell.baseline_observation, cell.latest_observation
    years = [o.year for o in cell.observations]
    return {
        "status": a.status, "reason": a.reason, "target_problem": cell.target_problem,
        "preferred_baseline_year": cell.baseline_year,
        "baseline_year": a.baseline.year if a.baseline else None,
        "baseline_value": base.value if base else None,
        "baseline_observation_id": base.pk if base else None,
        "latest_year": a.latest.year if a.latest else None,
        "latest_value": latest.value if latest else None,
        "latest_observation_id": latest.pk if latest else None,
        "latest_validated": latest.status == ObservationStatus.VALIDATED if latest else None,
        "absolute_change": a.absolute_change, "relative_change": a.relative_change,
        "in_good_direction": a.in_good_direction,
        "target_value": cell.target.value if a.target is not None and cell.target is not None else None,
        "target_year": a.target.year if a.target is not None else None,
        "progress": a.progress, "expected_progress": a.expected_progress,
        "value_count": len(years), "first_year": min(years, default=None), "last_year": max(years, default=None),
    }


def scorecard_cells_recompute(
    *, kpi_ids: Iterable[int] | None = None, state_ids: Iterable[int] | None = None,
    pairs: Iterable[Pair] | None = None, as_of: date | None = None,
) -> int:
    """Recompute and store the cells of these KPIs × these states (None: all), or of exactly these pairs.

    Call it inside the transaction that changed the facts. Returns how many rows were created or changed;
    raises ScorecardRecomputeError (a ValidationError) when the core cannot assess the facts.
    """
    wanted = None
    if pairs is not None:
        wanted = set(pairs)
        kpi_ids, state_ids = {k for k, _ in wanted}, {s for _, s in wanted}
    kpi_ids = None if kpi_ids is None else set(kpi_ids)
    state_ids = None if state_ids is None else set(state_ids)
    if kpi_ids == set() or state_ids == set():
        return 0
    with transaction.atomic(savepoint=False):
        locked = _only(_only(ScorecardCell.objects.select_for_update(), "kpi_id", kpi_ids), "state_id", state_ids)
        stored = {(row.kpi_id, row.state_id): row for row in locked.order_by("pk")}
        computed = _computed(kpi_ids, state_ids)
        if wanted is not None:
            computed = {pair: cell for pair, cell in computed.items() if pair in wanted}
        return _write(stored, computed, as_of or timezone.localdate())


def _write(stored: dict[Pair, ScorecardCell], computed: dict[Pair, assessing.Cell], as_of: date) -> int:
    now = timezone.now()
    new, changed = [], []
    for (kpi_id, state_id), cell in computed.items():
        values = cell_values(cell)
        row = stored.get((kpi_id, state_id))
        if row is None:
            new.append(ScorecardCell(kpi_id=kpi_id, state_id=state_id, as_of=as_of, computed_at=now, **values))
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.as_of, row.computed_at = as_of, now
            changed.append(row)
    ScorecardCell.objects.bulk_create(new, batch_size=500)
    fields = [*COMPARED, "as_of", "computed_at"]
    if len(changed) > 3:
        ScorecardCell.objects.bulk_update(changed, fields, batch_size=200)
    else:  # a value entered changes one cell: a plain UPDATE costs a fraction of bulk_update's CASE per field
        for row in changed:
            row.save(update_fields=fields)
    return len(new) + len(changed)


def missing_pairs() -> set[Pair]:
    """The (KPI, state) pairs without a stored cell (a new KPI or member state, or a database from before the
    cells were stored)."""
    every = {(k, s) for k in Kpi.objects.values_list("pk", flat=True)
             for s in MemberState.objects.values_list("pk", flat=True)}
    return every - set(ScorecardCell.objects.values_list("kpi_id", "state_id"))


def refresh(*, as_of: date | None = None) -> int:
    """Recompute every cell from the facts and store what differs; returns how many rows changed (idempotent)."""
    return scorecard_cells_recompute(as_of=as_of)


def _shown(value) -> str:
    if value is None:
        return "none"
    if isinstance(value, Decimal):
        value = format(value.normalize(), "f")
    return f'"{value}"'


def _label(name: str) -> str:
    return name.removesuffix("_id").replace("_", " ")


def differences(*, as_of: date | None = None) -> list[str]:
    """Recompute every cell without writing; one sentence per stored cell that differs or is missing.

    `as_of` is accepted like every derived kind's: no KPI rule reads the date, so it changes nothing here.
    """
    computed = _computed(None, None)
    stored = {(row.kpi_id, row.state_id): row for row in ScorecardCell.objects.all()}
    lines = []
    for pair, cell in computed.items():
        name = f"Scorecard cell {cell.kpi.code} × {cell.state.iso3}"
        values = cell_values(cell)
        row = stored.pop(pair, None)
        if row is None:
            lines.append(f"{name}: missing; recomputed status {_shown(values['status'])}.")
            continue
        found = [f"stored {_label(field)} {_shown(getattr(row, field))}, recomputed {_shown(value)}"
                 for field, value in values.items() if getattr(row, field) != value]
        if found:
            lines.append(f"{name}: {'; '.join(found)}.")
    for row in stored.values():  # cannot happen while a cell goes with its KPI or state; said if it does
        lines.append(f"Scorecard cell {row.kpi_id} × {row.state_id}: stored, but its KPI or state is not there.")
    return lines
