"""Write path of KPI values and targets: record or correct an observation, validate it, set a target.

Every function is atomic and audited (django-simple-history, with the user and the reason), and recomputes
the scorecard cells its change touches in the same transaction (sapsmed.kpis.derived): a cell that cannot
be recomputed refuses the change whole.
A correction keeps the old value in the observation's history with the reason given; recording the
same facts again changes nothing and writes no history. Permissions are asked of the policy module
whenever a user is given (a loader acting for the platform passes user=None).
"""

from __future__ import annotations

from decimal import Context, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from sapsmed.accounts.policy import Perm, can
from sapsmed.kpis import rules
from sapsmed.kpis.derived import scorecard_cells_recompute
from sapsmed.kpis.models import (
    OBSERVATION_BOUNDS,
    TARGET_BOUNDS,
    VALUE_DECIMALS,
    Kpi,
    Observation,
    ObservationImport,
    ObservationStatus,
    Target,
)
from sapsmed.plan.models import MemberState

# Provenance keys stored in their own columns; any other key is kept in Observation.provenance.
_FILE, _ROW, _IMPORT, _ESTIMATE, _CONFIDENCE, _NOTE = "file", "row", "import", "estimate", "confidence", "note"
_FIFTEEN_DIGITS = Context(prec=15)
# How a bounds problem names its field, in words the API maps back to the field (api.kpi_api._field_of).
_LABELS = {"value": "the value", "se": "the standard error", "ci_low": "the confidence interval's low end",
           "ci_high": "the confidence interval's high end", "source": "the source", "note": "the note"}
_FACTS = ("value", "se", "ci_low", "ci_high", "status", "source", "note", "confidence",
          "source_file", "source_row", "import_batch_id", "estimate_ref", "provenance")


def stored_decimal(number) -> Decimal | None:
    """The number as every database keeps it: 15 significant digits (SQLite stores a double), 12 decimals.

    Comparing the caller's number in this form with the stored one makes reloading the same data a no-op.
    """
    if number is None:
        return None
    number = _FIFTEEN_DIGITS.create_decimal(Decimal(number))
    if number.is_finite() and number.as_tuple().exponent < -VALUE_DECIMALS:
        number = number.quantize(Decimal(1).scaleb(-VALUE_DECIMALS))
    return number


def observation_problems(
    *, kpi: Kpi, year: int, value: Decimal, source: str, se: Decimal | None = None,
    ci_low: Decimal | None = None, ci_high: Decimal | None = None,
) -> list[str]:
    """Every reason the value cannot be recorded, as sentences (empty when it can)."""
    problems = bounds_problems(OBSERVATION_BOUNDS, value=value, se=se, ci_low=ci_low, ci_high=ci_high,
                               source=source)
    if problems:  # a value the field cannot hold is not compared with the KPI's range
        return problems
    if not (source or "").strip():
        problems.append("a source is required: say where the value comes from.")
    if (problem := rules.year_problem(year)) is not None:
        problems.append(problem)
    problem = rules.value_problem(value, code=kpi.code, unit=kpi.unit, low=kpi.value_min, high=kpi.value_max)
    if problem is not None:
        problems.append(problem)
    problems += rules.uncertainty_problems(value, se=se, ci_low=ci_low, ci_high=ci_high)
    return problems


def bounds_problems(bounds: dict, **values) -> list[str]:
    """The last gate of every write path: what the field cannot store (sapsmed.core.bounds), named by field."""
    problems = []
    for name, value in values.items():
        problem = bounds[name].problem(value)
        if problem is not None:
            problems.append(f"{_LABELS.get(name, name.replace('_', ' '))}: {problem}")
    return problems


def observation_facts(*, value, source, se, ci_low, ci_high, status, provenance: dict) -> dict:
    """The stored fields of an observation, with the provenance keys spread into their columns."""
    extra = dict(provenance)
    batch = extra.pop(_IMPORT, None)
    return {
        "value": value, "se": se, "ci_low": ci_low, "ci_high": ci_high, "status": status,
        "source": source.strip(),
        "note": str(extra.pop(_NOTE, "") or ""),
        "confidence": str(extra.pop(_CONFIDENCE, "") or "confirmed"),
        "source_file": str(extra.pop(_FILE, "") or ""),
        "source_row": extra.pop(_ROW, None),
        "import_batch_id": batch.pk if isinstance(batch, ObservationImport) else batch,
        "estimate_ref": str(extra.pop(_ESTIMATE, "") or ""),
        "provenance": extra,
    }


def observation_same(obs: Observation, facts: dict) -> bool:
    """Same facts, whichever import brought them: importing the same file twice changes nothing."""
    return all(getattr(obs, name) == facts[name] for name in _FACTS if name != "import_batch_id")


@transaction.atomic
def observation_record(
    *, kpi: Kpi, state: MemberState, year: int, value: Decimal, source: str, user, reason: str,
    se: Decimal | None = None, ci_low: Decimal | None = None, ci_high: Decimal | None = None,
    status: str = "provisional", provenance: dict | None = None,
) -> Observation:
    """Create the (kpi, state, year) value, or correct it; the old value stays in the history with `reason`.

    `provenance` may hold: file, row (where the value was read), import (an ObservationImport or its id),
    estimate (a survey estimate reference), confidence, note; other keys (repo, commit, vintage, url)
    are kept as given. Raises PermissionDenied when `user` may not edit the state's KPI values and
    ValidationError listing every problem with the value. The returned observation's `outcome` says
    "created", "corrected" or "unchanged".
    """
    if user is not None and not can(user, Perm.KPI_EDIT, state=state.iso3):
        raise PermissionDenied(f"You may not enter KPI values for {state.name}.")
    if status not in ObservationStatus.values:
        raise ValidationError(f"'{status}' is not a status; use provisional or validated.")
    value, se, ci_low, ci_high = (stored_decimal(x) for x in (value, se, ci_low, ci_high))
    problems = observation_problems(kpi=kpi, year=year, value=value, source=source, se=se,
                                    ci_low=ci_low, ci_high=ci_high)
    if problems:
        raise ValidationError(problems)
    facts = observation_facts(value=value, source=source, se=se, ci_low=ci_low, ci_high=ci_high, status=status,
                   provenance=provenance or {})
    obs = Observation.objects.select_for_update().filter(kpi=kpi, state=state, year=year).first()
    if obs is None:
        obs = Observation(kpi=kpi, state=state, year=year, created_by=user, updated_by=user, **facts)
        outcome = "created"
    else:
        if observation_same(obs, facts):
            obs.outcome = "unchanged"
            return obs
        if not (reason or "").strip():
            raise ValidationError("A correction needs a reason: say why the value changes.")
        for name, fact in facts.items():
            setattr(obs, name, fact)
        obs.updated_by = user
        outcome = "corrected"
    obs._change_reason = (reason or "").strip() or "Recorded"
    if user is not None:
        obs._history_user = user
    try:
        with transaction.atomic():  # a savepoint: on PostgreSQL the failed INSERT must not end the transaction
            obs.save()
    except IntegrityError:
        if outcome != "created":
            raise
        # Another person created the same value after this one looked: theirs stays, this one is refused whole.
        raise ValidationError(f"Someone else entered {kpi.code} for {state.name}, {year} at the same moment; "
                              "nothing was saved. Reload the page to see their value and correct it if "
                              "yours is right.") from None
    scorecard_cells_recompute(pairs=[(kpi.pk, state.pk)])
    obs.refresh_from_db()
    obs.outcome = outcome
    return obs


@transaction.atomic
def observation_validate(*, observation: Observation, user, reason: str = "Validated") -> Observation:
    """Mark a value as validated by the state's focal point or the Secretariat."""
    if not can(user, Perm.KPI_EDIT, state=observation.state.iso3):
        raise PermissionDenied(f"You may not validate KPI values for {observation.state.name}.")
    obs = Observation.objects.select_for_update().get(pk=observation.pk)
    if obs.status == ObservationStatus.VALIDATED:
        return obs
    obs.status = ObservationStatus.VALIDATED
    obs.updated_by = user
    obs._change_reason = reason
    obs._history_user = user
    obs.save()
    scorecard_cells_recompute(pairs=[(obs.kpi_id, obs.state_id)])  # whether the latest value is validated
    return obs


@transaction.atomic
def target_set(
    *, kpi: Kpi, state: MemberState | None, value: Decimal, year: int, set_by: str, decided: str,
    source: str, user, reason: str, note: str = "",
) -> Target:
    """Set (or change) the target of a KPI for one state, or the regional target when state is None."""
    if user is not None and not can(user, Perm.KPI_TARGET_SET, state=state.iso3 if state else None):
        where = state.name if state else "the region"
        raise PermissionDenied(f"You may not set KPI targets for {where}.")
    problems = []
    for label, text in (("who set it", set_by), ("when it was decided", decided), ("a source", source)):
        if not (text or "").strip():
            problems.append(f"{label} is required.")
    problems += bounds_problems(TARGET_BOUNDS, value=value, set_by=set_by, decided=decided, source=source,
                                note=note)
    if problems:
        raise ValidationError(problems)
    value = stored_decimal(value)
    problem = rules.value_problem(value, code=kpi.code, unit=kpi.unit, low=kpi.value_min, high=kpi.value_max)
    if problem:
        problems.append(problem)
    if not kpi.baseline_year < year <= 2100:
        problems.append(f"the target year {year} must come after the {kpi.baseline_year} baseline year.")
    if problems:
        raise ValidationError(problems)
    # Ordered by pk, not by the model's state__name: that outer join to the (nullable) state cannot be locked
    # FOR UPDATE on PostgreSQL, which made setting a regional target fail there.
    target = (Target.objects.select_for_update().filter(kpi=kpi, state=state).order_by("pk").first()
              or Target(kpi=kpi, state=state))
    new = {"value": value, "year": year, "set_by": set_by.strip(), "decided": decided.strip(),
           "source": source.strip(), "note": note.strip()}
    if target.pk and all(getattr(target, k) == v for k, v in new.items()):
        return target
    for name, fact in new.items():
        setattr(target, name, fact)
    target.recorded_by = user
    target._change_reason = reason or "Target set"
    if user is not None:
        target._history_user = user
    target.save()
    if state is not None:
        scorecard_cells_recompute(pairs=[(kpi.pk, state.pk)])
    else:
        # A regional target belongs to every cell of the KPI (no cell's status reads it today, so none changes).
        scorecard_cells_recompute(kpi_ids=[kpi.pk])
    target.refresh_from_db()
    return target
