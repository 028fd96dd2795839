"""Read path of the KPI pages, charts and exports: a fixed number of queries however many values there are.

Each selector fetches KPIs, states, observations, profiles and targets once, then builds the cells in
Python (assessing.build_cells), so the scorecard, the KPI and state pages and the exports agree.
"""

from __future__ import annotations

from functools import cache

from django.apps import apps
from django.shortcuts import get_object_or_404

from sapsmed.core.achievement import Status
from sapsmed.kpis import assessing
from sapsmed.kpis.models import Kpi, KpiStateProfile, Observation, Target
from sapsmed.kpis.shipped import KPI_DATA_DIR
from sapsmed.kpis.shipped_files import ContextFigure, read_context
from sapsmed.memo import memoised
from sapsmed.plan.models import MemberState

_LIST_FIELDS = ("id", "kpi_id", "state_id", "year", "value", "se", "ci_low", "ci_high", "status", "source", "note",
                "confidence", "source_file", "source_row", "import_batch_id", "estimate_ref", "provenance",
                "updated_at")


# An import's uploaded file and its preview are large; pages listing values need only its id and name.
_IMPORT_BULK = ("import_batch__content", "import_batch__summary", "import_batch__errors")


def kpis() -> list[Kpi]:
    return list(Kpi.objects.select_related("goal"))


def states() -> list[MemberState]:
    return list(MemberState.objects.order_by("name"))


# The scorecard and the regional view need only the numbers, not the provenance of each value.
_NUMBER_FIELDS = ("id", "kpi_id", "state_id", "year", "value", "ci_low", "ci_high")


def _cells(kpi_list, state_list, *, fields=_LIST_FIELDS, **filters) -> dict:
    observations = Observation.objects.filter(**filters).only(*fields).order_by("year")
    profiles = KpiStateProfile.objects.filter(**filters)
    targets = Target.objects.filter(**filters, state__isnull=False)
    return assessing.build_cells(kpi_list, state_list, observations, profiles, targets)


def kpi_tables() -> list:
    """What the KPI pages read: the KPI app's tables (their history through them) and the member states."""
    return [*(m for m in apps.get_app_config("kpis").get_models(include_auto_created=True)
              if not m.__name__.startswith("Historical")), MemberState]


def scorecard() -> dict:
    """Every state × KPI cell, with coverage per KPI and per state; reused until a KPI table changes (read-only)."""
    return dict(memoised("kpi-scorecard", kpi_tables(), (), _scorecard))  # a copy: views add their own keys


def _scorecard() -> dict:
    kpi_list, state_list = kpis(), states()
    cells = _cells(kpi_list, state_list, fields=_NUMBER_FIELDS)
    rows = [(s, [cells[(k.pk, s.pk)] for k in kpi_list]) for s in state_list]
    kpi_coverage = [sum(cells[(k.pk, s.pk)].assessed for s in state_list) for k in kpi_list]
    for state, row in rows:
        state.assessed_count = sum(c.assessed for c in row)
        state.value_count = sum(len(c.observations) for c in row)
    columns = [
        {"kpi": k, "assessed": n, "with_values": sum(bool(cells[(k.pk, s.pk)].observations) for s in state_list)}
        for k, n in zip(kpi_list, kpi_coverage, strict=True)
    ]
    return {"kpis": kpi_list, "states": state_list, "rows": rows, "columns": columns,
            "statuses": [s for s in Status if s is not Status.NO_DATA] + [Status.NO_DATA]}


def kpi_page(code: str) -> dict:
    """One KPI's cells across the states; reused until a KPI table changes (read-only)."""
    return dict(memoised("kpi-page", kpi_tables(), (code,), lambda: _kpi_page(code)))  # views add their keys


def _kpi_page(code: str) -> dict:
    kpi = get_object_or_404(Kpi.objects.select_related("goal").prefetch_related("availability_states"), code=code)
    state_list = states()
    cells = _cells([kpi], state_list, kpi=kpi)
    row = [cells[(kpi.pk, s.pk)] for s in state_list]
    regional_target = Target.objects.filter(kpi=kpi, state__isnull=True).first()
    return {
        "kpi": kpi, "cells": row, "regional": assessing.regional_years(row),
        "regional_target": regional_target, "context_figures": context_figures(kpi.code),
        "assessed": sum(c.assessed for c in row), "with_values": sum(bool(c.observations) for c in row),
    }


def kpi_series(code: str) -> tuple[Kpi, list[assessing.Cell], Target | None]:
    """What a chart of the KPI needs: every state's cell and the regional target."""
    page = kpi_page(code)
    return page["kpi"], page["cells"], page["regional_target"]


def state_page(iso3: str) -> dict:
    state = get_object_or_404(MemberState, iso3=iso3.upper())
    kpi_list = kpis()
    cells = _cells(kpi_list, [state], state=state)
    row = [cells[(k.pk, state.pk)] for k in kpi_list]
    return {"state": state, "cells": row, "assessed": sum(c.assessed for c in row),
            "with_values": sum(bool(c.observations) for c in row)}


def regional_view(method: str = "mean") -> list[dict]:
    kpi_list, state_list = kpis(), states()
    cells = _cells(kpi_list, state_list, fields=_NUMBER_FIELDS)
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
