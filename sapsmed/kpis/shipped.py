"""Load the real KPI data shipped under data/kpis/ into the database: all or nothing, safe to repeat.

Per-state profiles, observations and targets are read and checked in full first (shipped_files; the
reference-sheet details of kpis.yaml are loaded with the plan by load_plan, and used here for the
checks); then one transaction writes only what differs. New observations are written in bulk with
their history; a value that changed (a new data vintage) is corrected through
observation_record, so the old value stays in the history with the reason. A value entered, imported or
corrected on the platform is never overwritten by a reload, and a value validated on the platform keeps
its status while the shipped value is unchanged. Loading the same files twice writes nothing. The scorecard
cells of the (KPI, state) pairs written are recomputed in the same transaction (corrections and targets by
their services, the rest at the end), and any cell missing (a database from before cells were stored) is
written too.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from sapsmed.core.plan_data import DataError, PlanDataError
from sapsmed.kpis import rules
from sapsmed.kpis.derived import missing_pairs, scorecard_cells_recompute
from sapsmed.kpis.models import (
    Availability,
    ImportKind,
    ImportStatus,
    Kpi,
    KpiStateProfile,
    Observation,
    ObservationImport,
    ObservationStatus,
    Target,
)
from sapsmed.kpis.services import observation_facts, observation_record, observation_same, stored_decimal, target_set
from sapsmed.kpis.shipped_files import ShippedData, ShippedObservation, read_shipped
from sapsmed.plan.models import MemberState
from sapsmed.plan.upsert import LoadReport, upsert

KPI_DATA_DIR = Path(settings.BASE_DIR) / "data" / "kpis"
REASON = "Loaded from data/kpis/"


def shipped_load(*, data_dir: Path = KPI_DATA_DIR) -> tuple[LoadReport, list[str]]:
    """Check every shipped file, then write what differs in one transaction; raise PlanDataError on bad data.

    Returns what was created, updated or left unchanged, and the sentences on rows deliberately not loaded.
    """
    kpis = {k.code: k for k in Kpi.objects.prefetch_related("availability_states")}
    states = {s.iso3: s for s in MemberState.objects.all()}
    if not kpis or not states:
        raise PlanDataError([DataError("kpis.yaml", "file", "-", "no KPIs or member states: run load_plan first")])
    data = read_shipped(data_dir, kpis={code: k.wdi_code for code, k in kpis.items()}, states=set(states))
    _check_values(data, kpis)
    report = LoadReport()
    with transaction.atomic():
        touched = _write_profiles(data, kpis, states, report)
        touched |= _write_observations(data.observations, kpis, states, report)
        _write_targets(data, kpis, states, report)
        scorecard_cells_recompute(pairs=touched | missing_pairs())
    return report, data.skipped


def _check_values(data: ShippedData, kpis: dict) -> None:
    """Shipped values obey the same rules as typed ones; a shipped file with an impossible value loads nothing."""
    bounds = {s.code: (s.value_min, s.value_max) for s in data.sheets}
    errors = []
    for obs in data.observations:
        low, high = bounds.get(obs.kpi, (None, None))
        for problem in (rules.year_problem(obs.year),
                        rules.value_problem(obs.value, code=obs.kpi, unit=kpis[obs.kpi].unit, low=low, high=high)):
            if problem:
                errors.append(DataError(obs.file, f"row {obs.row}", "value", problem))
    if errors:
        raise PlanDataError(errors)


def availability_of(kpi: Kpi, iso3: str) -> str:
    """The plan's availability for a state, from the KPI's Figure 2-3 note (never typed per state)."""
    listed = {s.iso3 for s in kpi.availability_states.all()}
    if kpi.added_after_endorsement:
        return Availability.NOT_ESTABLISHED
    if not listed:
        return Availability.TO_BE_CONFIRMED
    return Availability.AVAILABLE if iso3 in listed else Availability.NOT_LISTED


def _write_profiles(data: ShippedData, kpis: dict, states: dict, report: LoadReport) -> set[tuple[int, int]]:
    """New profiles in bulk (the first load writes 110), changed ones one by one with the reason in the history.

    Returns the (KPI, state) pairs whose profile was created or changed."""
    reason = f"{REASON}profiles.yaml"
    existing = {(p.kpi_id, p.state_id): p for p in KpiStateProfile.objects.all()}
    new, touched = [], set()
    for code, by_state in data.profiles.items():
        kpi = kpis[code]
        for iso3, fields in by_state.items():
            values = {**fields, "availability": availability_of(kpi, iso3)}
            stored = existing.get((kpi.pk, states[iso3].pk))
            if stored is None:
                new.append(KpiStateProfile(kpi=kpi, state=states[iso3], **values))
            elif all(getattr(stored, k) == v for k, v in values.items()):
                report.unchanged["kpi state profiles"] += 1
            else:
                upsert(KpiStateProfile, {"pk": stored.pk}, values, report=report, reason=reason)
                touched.add((kpi.pk, states[iso3].pk))
    bulk_create_with_history(new, KpiStateProfile, default_change_reason=reason)
    report.created["kpi state profiles"] += len(new)
    return touched | {(p.kpi.pk, p.state.pk) for p in new}


def _provenance(obs: ShippedObservation) -> dict:
    return {**obs.provenance, "file": obs.file, "row": obs.row, "confidence": obs.confidence, "note": obs.note}


def _write_observations(shipped: list[ShippedObservation], kpis: dict, states: dict,
                        report: LoadReport) -> set[tuple[int, int]]:
    """New values in bulk, changed ones through observation_record; returns the pairs of the new values."""
    existing = {(o.kpi_id, o.state_id, o.year): o for o in Observation.objects.all()}
    new, changed = [], []
    for obs in shipped:
        kpi, state = kpis[obs.kpi], states[obs.state]
        stored = existing.get((kpi.pk, state.pk, obs.year))
        status = stored.status if stored else ObservationStatus.PROVISIONAL
        facts = observation_facts(value=stored_decimal(obs.value), source=obs.source, se=None, ci_low=None,
                                  ci_high=None, status=status, provenance=_provenance(obs))
        if stored is None:
            new.append(Observation(kpi=kpi, state=state, year=obs.year, **facts))
        elif observation_same(stored, facts):
            report.unchanged["observations"] += 1
        elif stored.source_file != obs.file or stored.updated_by_id is not None:
            # Entered, imported or corrected on the platform since: a reload must never undo that.
            report.unchanged["observations (kept as changed on the platform)"] += 1
        else:
            changed.append((obs, kpi, state))
    if not new and not changed:
        return set()
    batch = ObservationImport.objects.create(
        kind=ImportKind.SHIPPED, file_name="data/kpis/", content=b"", reason="load_observations",
        status=ImportStatus.COMMITTED, committed_at=timezone.now(),
        summary={"created": len(new), "corrected": len(changed)},
    )
    for obs in new:
        obs.import_batch = batch
    bulk_create_with_history(new, Observation, batch_size=500, default_change_reason=f"{REASON} (first load)")
    report.created["observations"] += len(new)
    for obs, kpi, state in changed:
        observation_record(
            kpi=kpi, state=state, year=obs.year, value=obs.value, source=obs.source, user=None,
            reason=f"Updated from {obs.file} row {obs.row} (new data vintage)",
            provenance={**_provenance(obs), "import": batch},
        )
        report.updated["observations"] += 1
    return {(obs.kpi.pk, obs.state.pk) for obs in new}


def _write_targets(data: ShippedData, kpis: dict, states: dict, report: LoadReport) -> None:
    for t in data.targets:
        kpi, state = kpis[t.kpi], states[t.state]
        before = Target.objects.filter(kpi=kpi, state=state).values_list("recorded_at", flat=True).first()
        target = target_set(kpi=kpi, state=state, value=t.value, year=t.year, set_by=t.set_by, decided=t.decided,
                            source=t.source, note=t.note, user=None, reason=f"{REASON}msme_observations.yaml")
        kind = "targets"
        if before is None:
            report.created[kind] += 1
        elif target.recorded_at != before:
            report.updated[kind] += 1
        else:
            report.unchanged[kind] += 1
