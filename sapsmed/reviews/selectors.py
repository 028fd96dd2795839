"""Read path of published reviews and scorecard editions: what the public sees, and the edition page."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from sapsmed.accounts.policy import Perm, can
from sapsmed.core.achievement import Status
from sapsmed.reviews.edition import COL, kpi_tables
from sapsmed.reviews.models import ScorecardEdition, Snapshot

_STATUS_BY_LABEL = {s.label: s.value for s in Status}


def published_snapshots():
    return Snapshot.objects.filter(published=True).select_related("review")


def published_editions():
    return ScorecardEdition.objects.filter(published=True).defer("content")


def latest_scorecard_edition() -> ScorecardEdition | None:
    """The latest official edition of the KPI scorecard (by the date it stands for), or None."""
    return published_editions().first()


def edition_for(user, pk: int) -> ScorecardEdition:
    """A published edition for anyone; a withdrawn one only for signed-in users with a role (404 for the public)."""
    edition = get_object_or_404(ScorecardEdition.objects.select_related("created_by"), pk=pk)
    if edition.published or can(user, Perm.DASHBOARD_VIEW):
        return edition
    if not user.is_authenticated:
        raise Http404("No such published scorecard.")
    raise PermissionDenied("This scorecard edition has been withdrawn.")


def edition_matrix(edition: ScorecardEdition) -> dict:
    """The stored cells laid out as the live scorecard: a row per state, a column per KPI."""
    meta, tables = edition.content["meta"], kpi_tables(edition.content)
    by_kpi = {code: {r[COL["State"]]: r for r in t["rows"]} for code, t in tables.items()}
    rows = []
    for st in meta["states"]:
        cells = []
        for k in meta["kpis"]:
            r = by_kpi[k["code"]].get(st["name"])
            if r is None:
                cells.append({"status": Status.NO_DATA.value, "label": Status.NO_DATA.label, "kpi": k["code"]})
                continue
            cells.append({
                "kpi": k["code"], "status": _STATUS_BY_LABEL.get(r[COL["Status"]], Status.NO_DATA.value),
                "label": r[COL["Status"]], "reason": r[COL["Why"]],
                "baseline": r[COL["Baseline"]], "baseline_year": r[COL["Baseline year"]],
                "latest": r[COL["Latest"]], "latest_year": r[COL["Latest year"]],
                "relative_change": r[COL["Relative change"]], "values": r[COL["Values"]], "years": r[COL["Years"]],
            })
        rows.append({"state": st, "cells": cells,
                     "assessed": sum(c["status"] != Status.NO_DATA.value for c in cells)})
    coverage = next((t for s in edition.content["sections"] for t in s["tables"] if t["key"] == "coverage"), None)
    return {"kpis": meta["kpis"], "rows": rows, "coverage": coverage["rows"] if coverage else [],
            "statuses": [s for s in Status if s is not Status.NO_DATA] + [Status.NO_DATA]}
