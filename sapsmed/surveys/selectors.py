"""Read path of the evidence pages: definitions, comparisons, surveys, datasets and estimate runs.

Each selector plans its queries so that a page's query count does not grow with the number of
definitions, surveys, datasets or estimates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404

from sapsmed.core.msme import Bound, Criterion, Definition, DefinitionRegistry, Enterprise, classify_all_states
from sapsmed.core.msme.rules import bound_words
from sapsmed.core.survey.synthetic import LABEL as SYNTHETIC_LABEL
from sapsmed.jobs.models import Job
from sapsmed.kpis.models import Observation
from sapsmed.plan.models import MemberState
from sapsmed.surveys.definitions import stored_registry
from sapsmed.surveys.models import Estimate, EstimateRun, MSMEDefinition, Survey, SurveyDataset
from sapsmed.surveys.services import UPLOAD_JOB
from sapsmed.surveys.sizing import HARMONISED, NATIONAL

DOMAIN_LABELS = {NATIONAL: "national size class", HARMONISED: "harmonised size band"}


def definitions_index() -> dict:
    registry = stored_registry()
    rows = list(MSMEDefinition.objects.select_related("state", "superseded_by").order_by("state__name", "position"))
    by_state: dict[str, dict] = {}
    for row in rows:
        entry = by_state.setdefault(row.state.iso3, {"state": row.state, "definitions": []})
        entry["definitions"].append(row)
    return {"registry": registry, "states": list(by_state.values()),
            "harmonised": registry.harmonised if registry else None}


@dataclass(frozen=True)
class ThresholdRow:
    size_class: str
    cells: tuple[str, ...]
    implicit: bool
    found: bool
    confidence: str | None
    note: str | None


@dataclass(frozen=True)
class ThresholdTable:
    key: str
    covers: str
    criteria: tuple[str, ...]
    rows: tuple[ThresholdRow, ...]
    found: bool
    confidence: str | None
    note: str | None


def _cell(entry, criterion: Criterion, currency: str | None) -> str:
    if isinstance(entry, Bound):
        words = bound_words(entry, criterion.is_money)
        unit = f" {currency}" if criterion.is_money and currency else ""
        flag = f" ({entry.confidence.value})" if entry.confidence else ""
        return f"{words}{unit}{flag}"
    return "NOT_FOUND" if entry.value == "NOT_FOUND" else "not used"


def threshold_tables(definition: Definition) -> list[ThresholdTable]:
    tables = []
    for sector in definition.sectors or ():
        criteria = sector.criteria or tuple(definition.criteria)
        rows = tuple(
            ThresholdRow(
                spec.size_class.value,
                tuple(_cell(spec.entry(c), c, definition.currency) for c in criteria),
                spec.implicit, spec.found, spec.confidence.value if spec.confidence else None, spec.note,
            )
            for spec in sector.classes
        )
        covers = "all sectors" if sector.covers is None else ", ".join(sorted(sector.covers)) or "(none mapped)"
        tables.append(ThresholdTable(sector.key, covers, tuple(c.value for c in criteria), rows, sector.found,
                                     sector.confidence.value if sector.confidence else None, sector.note))
    return tables


def state_definitions_page(iso3: str) -> dict:
    state = get_object_or_404(MemberState, iso3=iso3.upper())
    registry = stored_registry()
    rows = list(state.msme_definitions.select_related("superseded_by").order_by("position"))
    parsed = {d.id: d for d in registry.state(state.iso3).definitions} if registry and rows else {}
    today = date.today()  # noqa: DTZ011 - a calendar date in the platform's time zone is what is asked
    in_force = registry.in_force(state.iso3, today) if registry and rows else None
    entries = []
    for row in rows:
        definition = parsed.get(row.key)
        entries.append({"row": row, "definition": definition,
                        "tables": threshold_tables(definition) if definition else [],
                        "rule_words": definition.rule.words if definition else row.rule})
    national = [e for e in entries if e["row"].use == "national"]
    statistical = [e for e in entries if e["row"].use != "national"]
    return {"state": state, "national": national, "statistical": statistical, "today": today,
            "in_force": in_force, "harmonised": registry.harmonised if registry else None,
            "loaded": registry is not None}


def comparison(enterprise: Enterprise | None, on: date) -> dict:
    registry = stored_registry()
    result = {"registry": registry, "comparison": None, "band": None}
    if registry is None or enterprise is None:
        return result
    from sapsmed.core.msme import harmonised_band

    result["comparison"] = classify_all_states(enterprise, on, registry)
    result["band"] = harmonised_band(enterprise.employees, registry)
    return result


def currencies(registry: DefinitionRegistry | None) -> list[str]:
    """Currencies of the stored definitions' money thresholds, for the comparison form."""
    if registry is None:
        return []
    return sorted({d.currency for s in registry.states.values() for d in s.definitions if d.currency})


def survey_list() -> list[Survey]:
    return list(
        Survey.objects.prefetch_related("states")
        .annotate(dataset_count=Count("datasets", distinct=True), run_count=Count("runs", distinct=True),
                  synthetic_count=Count("datasets", filter=Q(datasets__is_synthetic=True), distinct=True))
    )


def survey_page(pk: int) -> dict:
    survey = get_object_or_404(Survey.objects.prefetch_related("states").select_related("created_by"), pk=pk)
    datasets = list(survey.datasets.select_related("uploaded_by"))
    runs = list(survey.runs.select_related("dataset", "created_by").annotate(estimate_count=Count("estimates")))
    uploads = list(Job.objects.filter(kind=UPLOAD_JOB, params__survey_id=survey.pk).order_by("-created_at")[:10])
    return {"survey": survey, "datasets": datasets, "runs": runs, "uploads": uploads,
            "running": any(not j.done for j in uploads)}


def dataset_for(survey: Survey, pk: int) -> SurveyDataset:
    return get_object_or_404(SurveyDataset, survey=survey, pk=pk)


def run_page(pk: int) -> dict:
    run = get_object_or_404(
        EstimateRun.objects.select_related("survey", "dataset", "job", "created_by")
        .prefetch_related(Prefetch("estimates", queryset=Estimate.objects.select_related("state"))),
        pk=pk,
    )
    estimates = list(run.estimates.all())
    # An observation posted from an estimate names it in estimate_ref (see services.estimate_post).
    posted = {o.estimate_ref: o for o in Observation.objects.filter(estimate_ref__endswith=f"(run #{run.pk})")
              .select_related("kpi")}
    for e in estimates:
        e.posted = posted.get(f"sapsmed estimate #{e.pk} (run #{run.pk})")
    other_notes = [n for n in run.notes if n != SYNTHETIC_LABEL and not n.startswith(f"{HARMONISED}:")]
    return {"other_notes": other_notes, "run": run, "survey": run.survey, "dataset": run.dataset,
            "estimates": estimates,
            "by": run.by, "by_labels": [DOMAIN_LABELS.get(b, b) for b in run.by],
            "harmonised_used": HARMONISED in run.by or any(HARMONISED in (s.get("column"), s.get("denominator"))
                                                          for s in run.statistics)}


def harmonised_label() -> str | None:
    """The label to state with every regional number that uses the harmonised size band (None before loading)."""
    registry = stored_registry()
    return registry.harmonised.label if registry else None


def estimate_for(pk: int) -> Estimate:
    return get_object_or_404(Estimate.objects.select_related("run__survey", "dataset", "state"), pk=pk)
