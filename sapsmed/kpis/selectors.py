"""Read path of the KPI pages, charts and exports: a fixed number of queries however many values there are.

Statuses, baselines, latest values and reasons are read from the stored scorecard cells (written with their
facts by sapsmed.kpis.derived), so the scorecard, the KPI and state pages, the API and the exports agree
without assessing anything on a request. The charts, value tables and regional figures read the observations
and profiles themselves, grouped per cell by sapsmed.kpis.assessing.
"""

from __future__ import annotations

from functools import cache

from django.db.models import Exists, OuterRef, Subquery
from django.shortcuts import get_object_or_404

from sapsmed.core.achievement import Status
from sapsmed.kpis import assessing
from sapsmed.kpis.models import (
    ImportStatus,
    Kpi,
    KpiStateProfile,
    Observation,
    ObservationImport,
    ObservationStatus,
    ScorecardCell,
    Target,
)
from sapsmed.kpis.shipped import KPI_DATA_DIR
from sapsmed.kpis.shipped_files import ContextFigure, read_context
from sapsmed.plan.models import MemberState

_LIST_FIELDS = ("id", "kpi_id", "state_id", "year", "value", "se", "ci_low", "ci_high", "status", "source", "note",
                "confidence", "source_file", "source_row", "import_batch_id", "estimate_ref", "provenance",
                "updated_at")


# An import's uploaded file and its preview are large; pages listing values need only its id and name.
_IMPORT_BULK = ("import_batch__content", "import_batch__summary", "import_batch__errors")

# The regional view needs only the numbers, not the provenance of each value.
_NUMBER_FIELDS = ("id", "kpi_id", "state_id", "year", "value", "ci_low", "ci_high")

NOT_COMPUTED = "Not assessed yet: this cell has not been computed from its values."


def goal_kpis(goal) -> list[Kpi]:
    """The KPIs linked to one strategic goal, with the states whose data are available."""
    return list(Kpi.objects.filter(goal=goal).prefetch_related("availability_states"))


def kpis() -> list[Kpi]:
    return list(Kpi.objects.select_related("goal"))


def states() -> list[MemberState]:
    return list(MemberState.objects.order_by("name"))


def _stored_cells(kpi_list, state_list, *, related=(), **filters) -> dict[tuple[int, int], ScorecardCell]:
    """The stored cells of these KPIs × states (one query), each holding the KPI and state objects given.

    A pair without a stored cell (written outside the services; `manage.py check_derived` names it) shows as
    not assessed rather than failing the page."""
    found = ScorecardCell.objects.filter(**filters)
    rows = {(c.kpi_id, c.state_id): c for c in (found.select_related(*related) if related else found)}
    cells = {}
    for k in kpi_list:
        for s in state_list:
            cell = rows.get((k.pk, s.pk)) or ScorecardCell(
                status=Status.NO_DATA, reason=NOT_COMPUTED, preferred_baseline_year=k.baseline_year, value_count=0)
            cell.kpi, cell.state = k, s  # the objects already read: no query per cell
            cells[(k.pk, s.pk)] = cell
    return cells


def _with_facts(cells: dict, facts: dict, *, observations: bool) -> None:
    """Put each cell's profile and target (and, for the KPI page, its values) beside its stored assessment."""
    for pair, cell in cells.items():
        cell.profile, cell.target = facts[pair].profile, facts[pair].target
        if observations:
            cell.observations = facts[pair].observations


def scorecard() -> dict:
    """Every state × KPI cell as stored, with coverage per KPI and per state: three queries."""
    kpi_list, state_list = kpis(), states()
    cells = _stored_cells(kpi_list, state_list)
    rows = [(s, [cells[(k.pk, s.pk)] for k in kpi_list]) for s in state_list]
    for state, row in rows:
        state.assessed_count = sum(c.assessed for c in row)
        state.value_count = sum(c.value_count for c in row)
    columns = [
        {"kpi": k, "assessed": sum(cells[(k.pk, s.pk)].assessed for s in state_list),
         "with_values": sum(cells[(k.pk, s.pk)].value_count > 0 for s in state_list)}
        for k in kpi_list
    ]
    return {"kpis": kpi_list, "states": state_list, "rows": rows, "columns": columns,
            "statuses": [s for s in Status if s is not Status.NO_DATA] + [Status.NO_DATA]}


def kpi_page(code: str) -> dict:
    """One KPI's stored cells across the states, with every value, profile and target beside them."""
    kpi = get_object_or_404(Kpi.objects.select_related("goal").prefetch_related("availability_states"), code=code)
    state_list = states()
    cells = _stored_cells([kpi], state_list, kpi=kpi)
    observations = Observation.objects.filter(kpi=kpi).only(*_LIST_FIELDS).order_by("year")
    facts = assessing.group_cells([kpi], state_list, observations, KpiStateProfile.objects.filter(kpi=kpi),
                                  Target.objects.filter(kpi=kpi, state__isnull=False))
    _with_facts(cells, facts, observations=True)
    row = [cells[(kpi.pk, s.pk)] for s in state_list]
    regional_target = Target.objects.filter(kpi=kpi, state__isnull=True).first()
    return {
        "kpi": kpi, "cells": row, "regional": assessing.regional_years(row),
        "regional_target": regional_target, "context_figures": context_figures(kpi.code),
        "assessed": sum(c.assessed for c in row), "with_values": sum(c.value_count > 0 for c in row),
    }


def kpi_series(code: str) -> tuple[Kpi, list[ScorecardCell], Target | None]:
    """What a chart of the KPI needs: every state's cell with its values, and the regional target."""
    page = kpi_page(code)
    return page["kpi"], page["cells"], page["regional_target"]


def state_page(iso3: str) -> dict:
    """One state's stored cells across the KPIs, each with its latest value (for its provenance), profile and
    target."""
    state = get_object_or_404(MemberState, iso3=iso3.upper())
    kpi_list = kpis()
    cells = _stored_cells(kpi_list, [state], related=["latest_observation"], state=state)
    facts = assessing.group_cells(kpi_list, [state], (), KpiStateProfile.objects.filter(state=state),
                                  Target.objects.filter(state=state))
    _with_facts(cells, facts, observations=False)
    row = [cells[(k.pk, state.pk)] for k in kpi_list]
    return {"state": state, "cells": row, "assessed": sum(c.assessed for c in row),
            "with_values": sum(c.value_count > 0 for c in row)}


def regional_view(method: str = "mean") -> list[dict]:
    """Per KPI, the regional figures of its baseline and recent year, from the values and comparability."""
    kpi_list, state_list = kpis(), states()
    observations = Observation.objects.only(*_NUMBER_FIELDS).order_by("year")
    cells = assessing.group_cells(kpi_list, state_list, observations, KpiStateProfile.objects.all())
    return [
        {"kpi": k, "years": assessing.regional_years([cells[(k.pk, s.pk)] for s in state_list], method=method)}
        for k in kpi_list
    ]


def observation_page(pk: int) -> dict:
    obs = get_object_or_404(
        Observation.objects.select_related("kpi", "state", "import_batch", "created_by", "updated_by")
        .defer(*_IMPORT_BULK), pk=pk
    )
    history = list(obs.history.select_related("history_user").order_by("-history_date", "-history_id"))
    return {"observation": obs, "history": history}


def export_rows():
    """Every observation, tidy: one row per KPI, state and year, with its provenance and who changed it when."""
    observations = (
        Observation.objects.select_related("kpi", "state", "import_batch", "created_by", "updated_by")
        .defer(*_IMPORT_BULK)
        .order_by("kpi__order", "state__iso3", "year")
    )
    for obs in observations.iterator(chunk_size=2000):
        yield {
            "kpi": obs.kpi.code, "kpi_name": obs.kpi.name, "unit": obs.kpi.unit, "state": obs.state.iso3,
            "state_name": obs.state.name, "year": obs.year, "value": obs.value, "se": obs.se,
            "ci_low": obs.ci_low, "ci_high": obs.ci_high, "status": obs.status, "confidence": obs.confidence,
            "source": obs.source, "note": obs.note, "source_file": obs.source_file, "source_row": obs.source_row,
            "source_repo": obs.provenance.get("repo", ""), "source_commit": obs.provenance.get("commit", ""),
            "source_url": obs.provenance.get("url", ""), "vintage": obs.provenance.get("vintage", ""),
            "estimate": obs.estimate_ref,
            "import_id": obs.import_batch_id or "",
            "import_file": obs.import_batch.file_name if obs.import_batch else "",
            "created_by": obs.created_by.get_username() if obs.created_by else "",
            "created_at": obs.created_at.isoformat(timespec="seconds"),
            "updated_by": obs.updated_by.get_username() if obs.updated_by else "",
            "updated_at": obs.updated_at.isoformat(timespec="seconds"),
        }


@cache
def _all_context() -> tuple[ContextFigure, ...]:
    return tuple(read_context(KPI_DATA_DIR))


def context_figures(code: str) -> list[ContextFigure]:
    """Published figures shown beside the KPI as context, never as a state's value (read from data/kpis/)."""
    return [c for c in _all_context() if c.kpi == code]


def state_kpi_tasks(iso3s) -> dict:
    """What a focal point has to do for its states' KPIs (two queries): each KPI whose latest value is still
    provisional (the scorecard says so until it is validated), and each KPI with no value at all yet."""
    iso3s = list(iso3s)
    newest = Observation.objects.filter(kpi=OuterRef("kpi"), state=OuterRef("state")).order_by("-year")
    provisional = (Observation.objects
                   .filter(state__iso3__in=iso3s, status=ObservationStatus.PROVISIONAL,
                           year=Subquery(newest.values("year")[:1]))
                   .select_related("kpi", "state").order_by("state__name", "kpi__order"))
    no_value = (ScorecardCell.objects.filter(state__iso3__in=iso3s, value_count=0)
                .select_related("kpi", "state").order_by("state__name", "kpi__order"))
    return {"provisional": list(provisional), "no_value": list(no_value)}


def open_imports(user, *, since) -> list[ObservationImport]:
    """This person's KPI imports since `since` that were refused (errors found) or still wait for confirmation,
    newest first, except those a later import of theirs has committed since (one query)."""
    later = ObservationImport.objects.filter(created_by=user, status=ImportStatus.COMMITTED,
                                             created_at__gt=OuterRef("created_at"))
    found = (ObservationImport.objects
             .filter(created_by=user, created_at__gte=since,
                     status__in=[ImportStatus.INVALID, ImportStatus.PREVIEWED])
             .exclude(Exists(later)).defer("content", "summary").order_by("-created_at"))
    return list(found[:10])
