"""Read path of the roadmap: versions as term mappings, reference codes, the filtered timeline, version diffs.

Every function asks the database a fixed number of times whatever the number of action lines: the
lines of a version in one query, all their lists (leads, proponents, measures, predecessors) in one
UNION query, and all the small reference tables (states, organisations, pathways, measures, goals,
actions, champions, themes) in one more. The timeline page, its PDF and its workbook read `roadmap()`,
so they cannot disagree.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import CharField, Count, F, Q, Value
from django.db.models.functions import Cast, Coalesce
from django.http import Http404

from sapsmed.core import roadmap_fields
from sapsmed.core.plan_diff import PlanDiff, diff_plans
from sapsmed.core.roadmap_rules import line_years
from sapsmed.core.sequencing import code_sort_key
from sapsmed.plan.models import (
    CONFIDENCE_CHOICES,
    Action,
    ActionLine,
    ActionLineVersion,
    ChampionAssignment,
    FundingSource,
    ImplementationLevel,
    MemberState,
    Organisation,
    Pathway,
    Period,
    PlanVersion,
    RequiredTime,
    StrategicGoal,
    TypeOfMeasure,
)

# Each list field of the terms: the through table's path to the stable code it holds.
_LIST_PATHS = (("lead_states", "memberstate__iso3"), ("proponent_states", "memberstate__iso3"),
               ("proponent_organisations", "organisation__code"), ("types_of_measure", "typeofmeasure__number"),
               ("predecessors", "actionline__code"))


def _text(expression) -> Cast:
    return Cast(expression, CharField())


def _triples(qs, kind: str, first, second):
    """A queryset as (kind, text, text) rows, so that different tables can be read in one UNION query."""
    return qs.order_by().annotate(k=Value(kind, output_field=CharField()), a=_text(first), b=_text(second)) \
        .values_list("k", "a", "b")


def versions() -> list[PlanVersion]:
    return list(PlanVersion.objects.select_related("plan", "amendment__approved_by").order_by("number"))


def pick_version(all_versions: list[PlanVersion], number) -> PlanVersion:
    """The version with this number, or the one in force when no number is given; 404 when unknown."""
    if number in (None, ""):
        if not all_versions:
            raise Http404("No plan is loaded.")
        return all_versions[-1]
    for version in all_versions:
        if str(version.number) == str(number).strip():
            return version
    raise Http404("There is no such plan version.")


def version_numbered(number) -> PlanVersion:
    return pick_version(list(PlanVersion.objects.select_related("plan").order_by("number")), number)


def terms_queryset(version: PlanVersion):
    return (ActionLineVersion.objects.filter(plan_version=version)
            .select_related("action_line__action__outcome__goal", "pathway").order_by("action_line__code"))


def _links(version: PlanVersion, ids: Collection[int] | None = None) -> dict[int, dict[str, list[str]]]:
    """Every list field of every line of the version (or of the lines `ids`), as stable codes, in one query."""
    def through(name):
        rows = getattr(ActionLineVersion, name).through.objects.filter(actionlineversion__plan_version=version)
        return rows if ids is None else rows.filter(actionlineversion_id__in=list(ids))

    parts = [_triples(through(name), name, F("actionlineversion_id"), F(path)) for name, path in _LIST_PATHS]
    links: dict[int, dict[str, list[str]]] = {}
    for name, line_id, code in parts[0].union(*parts[1:], all=True).order_by():
        links.setdefault(int(line_id), {}).setdefault(name, []).append(code)
    return links


def with_links(lvs, version: PlanVersion, ids: Collection[int] | None = None) -> list[ActionLineVersion]:
    """The lines with `lv.links` set; `ids` (the lines' keys, when known) reads the lists of those lines only."""
    links = _links(version, ids)
    lvs = list(lvs)
    for lv in lvs:
        lv.links = links.get(lv.pk, {})
    return lvs


def terms_of(lv: ActionLineVersion) -> dict:
    """A line's terms as a plain mapping (see roadmap_fields); reads `lv.links` when with_links() set it."""
    links = getattr(lv, "links", None)
    if links is None:
        links = {name: [str(v) for v in getattr(lv, name).values_list(path.split("__")[-1], flat=True)]
                 for name, path in _LIST_PATHS}
    scalars = {f.name: getattr(lv, f.name) for f in roadmap_fields.TERMS if f.kind != "list" and f.name != "pathway"}
    return roadmap_fields.normalise_terms({
        **scalars, "pathway": lv.pathway.code if lv.pathway_id else "",
        **{name: links.get(name, []) for name, _ in _LIST_PATHS},
    })


def version_snapshot(version: PlanVersion) -> dict[str, dict]:
    """The roadmap of one version: code -> terms."""
    return {lv.action_line.code: terms_of(lv) for lv in with_links(terms_queryset(version), version)}


@dataclass(frozen=True)
class Choice:
    code: str
    name: str


@dataclass
class Lookups:
    """The stable codes the roadmap refers to, their names, and the filter choices built from them."""

    first_year: int
    last_year: int
    goals: dict[str, str]
    action_goals: dict[str, str]
    states: dict[str, str]
    organisations: dict[str, str]
    pathways: dict[str, str]
    measures: dict[int, str]
    line_codes: set[str] = field(default_factory=set)
    actions: dict[str, str] = field(default_factory=dict)
    champions: dict[str, str] = field(default_factory=dict)
    themes: list[str] = field(default_factory=list)

    def names(self) -> dict[str, dict]:
        """Per field, the display name of each code (for roadmap_fields.show())."""
        choice = {
            "required_time": dict(RequiredTime.choices), "implementation_level": dict(ImplementationLevel.choices),
            "funding_source": dict(FundingSource.choices), "confidence": dict(CONFIDENCE_CHOICES),
        }
        return {
            "lead_states": self.states, "proponent_states": self.states,
            "proponent_organisations": self.organisations, "pathway": self.pathways,
            "types_of_measure": {n: f"{n}) {name}" for n, name in self.measures.items()}, **choice,
        }


def lookups(version: PlanVersion | None = None, *, with_lines: bool = True) -> Lookups:
    """Every reference code in one query (plus the plan's years); themes are those of `version`."""
    parts = [
        _triples(MemberState.objects, "state", F("iso3"), F("name")),
        _triples(Organisation.objects, "org", F("code"), F("name")),
        _triples(Pathway.objects, "pathway", F("code"), F("name")),
        _triples(TypeOfMeasure.objects, "measure", F("number"), F("name")),
        _triples(StrategicGoal.objects, "goal", F("code"), F("title")),
        _triples(Action.objects, "action", F("code"), F("title")),
        _triples(Action.objects, "action_goal", F("code"), F("outcome__goal__code")),
        _triples(ChampionAssignment.objects, "champion", F("member_state__iso3"), F("member_state__name")),
        _triples(Period.objects, "years", F("start_year"), F("end_year")),
    ]
    if with_lines:
        parts.append(_triples(ActionLine.objects, "line", F("code"), F("code")))
    if version is not None:
        themes = ActionLineVersion.objects.filter(plan_version=version).exclude(cross_cutting_theme="")
        parts.append(_triples(themes, "theme", F("cross_cutting_theme"), F("cross_cutting_theme")))
    table: dict[str, dict[str, str]] = {}
    for kind, code, name in parts[0].union(*parts[1:], all=True).order_by():
        table.setdefault(kind, {})[code] = name
    years = [int(y) for pair in table.get("years", {}).items() for y in pair] or [2016, 2025]
    return Lookups(
        first_year=min(years), last_year=max(years), goals=table.get("goal", {}),
        action_goals=table.get("action_goal", {}), states=table.get("state", {}),
        organisations=table.get("org", {}), pathways=table.get("pathway", {}),
        measures={int(n): name for n, name in table.get("measure", {}).items()},
        line_codes=set(table.get("line", {})), actions=table.get("action", {}),
        champions=table.get("champion", {}), themes=sorted(table.get("theme", {})),
    )


FILTERS = ("goal", "action", "champion", "state", "org", "pathway", "measure", "theme", "period", "level")


def filter_terms(qs, params: dict, periods: dict[str, Period]):
    """Narrow a terms queryset by the roadmap filters given as GET parameters (unknown values match nothing)."""
    conditions = {
        "goal": lambda v: Q(action_line__action__outcome__goal__code=v),
        "action": lambda v: Q(action_line__action__code=v),
        "champion": lambda v: Q(action_line__action__outcome__goal__champion_assignments__member_state__iso3=v),
        "state": lambda v: Q(lead_states__iso3=v) | Q(proponent_states__iso3=v),
        "org": lambda v: Q(proponent_organisations__code=v),
        "pathway": lambda v: Q(pathway__code=v),
        "measure": lambda v: Q(types_of_measure__number=int(v)) if v.isdigit() else Q(pk__in=[]),
        "theme": lambda v: Q(cross_cutting_theme=v),
        "level": lambda v: Q(implementation_level=v),
    }
    for name, condition in conditions.items():
        if params.get(name):
            qs = qs.filter(condition(params[name]))
    if params.get("period"):
        period = periods.get(params["period"])
        if period is None:
            return qs.none()
        qs = qs.annotate(first_year=Coalesce("start_year", "target_year")).filter(
            target_year__gte=period.start_year, first_year__lte=period.end_year)
    if not params.get("retired"):
        qs = qs.filter(retired=False)
    return qs.distinct()


@dataclass(frozen=True)
class LineStatus:
    """What the timeline shows of a line's progress; given by the page that composes the roadmap with progress."""

    rag: str  # red, amber, grey, green, done, dropped
    label: str  # in words, e.g. "Amber: needs attention"
    is_demo: bool  # drawn from synthetic demonstration reports


@dataclass
class TimelineRow:
    lv: ActionLineVersion
    code: str
    years: tuple[int, int] | None
    cells: tuple[dict, ...]
    status: object | None
    predecessors: list[str]
    leads: list[str]
    proponents: list[str]
    status_label: str = ""
    status_demo: bool = False

    @property
    def status_short(self) -> str:
        return self.status_label.split(":")[0]


@dataclass
class GoalGroup:
    code: str
    title: str
    rows: list[TimelineRow]
    total: int = 0  # the goal's lines that match the filters, on every page


# Lines per page of the timeline: a page costs the same whatever the size of the plan; the PDF and the
# workbook carry every line.
PAGE_SIZE = 100

# A line's progress, given by the page that composes the roadmap with progress monitoring: a mapping from
# action-line code, or a function that answers it for the codes drawn (so a page reads only its own lines).
Statuses = Mapping[str, LineStatus] | Callable[[list[str]], Mapping[str, LineStatus]]


@functools.lru_cache(maxsize=4096)
def _cells(years: tuple[int, int] | None, target: int | None, span: range,
           period_starts: frozenset[int]) -> tuple[dict, ...]:
    """A row's year cells. Many lines share their years and target year, so each combination is built once:
    the cells depend on nothing but these arguments (read-only: the page and the tags never change them)."""
    cells = []
    for year in span:
        inside = years is not None and years[0] <= year <= years[1]
        classes = ["y"]
        if year in period_starts:
            classes.append("period-start")
        if inside:
            classes.append("bar")
            classes += ["bar-first"] if year == years[0] else []
            classes += ["bar-last"] if year == years[1] else []
        cells.append({"year": year, "classes": " ".join(classes), "target": year == target, "bar": inside})
    return tuple(cells)


def roadmap(params: dict, statuses: Statuses | None = None, *, paged: bool = False) -> dict:
    """The timeline of one version (params["version"], default the one in force), filtered, grouped by goal.

    `statuses` is the progress of each line, given by a page that composes the roadmap with progress
    monitoring (sapsmed.pages); without it the timeline shows no status column. `paged` draws PAGE_SIZE lines
    (params["page"], the first page when absent or not a number), in a fixed number of queries whatever the
    number of lines; otherwise every line (the PDF and the workbook).
    """
    all_versions = list(PlanVersion.objects.select_related("plan").order_by("number"))
    version = pick_version(all_versions, params.get("version"))
    plan = version.plan
    periods = {p.code: p for p in Period.objects.filter(plan=plan).order_by("start_year")}
    found = lookups(version, with_lines=False)
    # The drawing order is stored on each line (plan.roadmap_order): a page reads its keys from an index.
    filtered = filter_terms(terms_queryset(version), params, periods)
    goal_path = "action_line__action__outcome__goal__code"
    totals = dict(filtered.order_by().values(goal_path).annotate(n=Count("pk", distinct=True))
                  .values_list(goal_path, "n"))
    keys = filtered.order_by("draw_rank", "pk").values_list("pk", flat=True)
    page: Page | None = Paginator(keys, PAGE_SIZE).get_page(params.get("page")) if paged else None
    drawn = list(page.object_list if page is not None else keys)
    count = page.paginator.count if page is not None else len(drawn)
    position = {pk: i for i, pk in enumerate(drawn)}
    lvs = sorted(with_links(terms_queryset(version).filter(pk__in=drawn), version, drawn if paged else None),
                 key=lambda lv: position[lv.pk])
    codes = [lv.action_line.code for lv in lvs]
    statuses = (statuses(codes) if callable(statuses) else statuses) or {}
    span = range(plan.start_year, plan.end_year + 1)
    period_starts = frozenset(p.start_year for p in periods.values() if p.start_year != plan.start_year)
    groups: dict[str, GoalGroup] = {}
    for lv in lvs:
        goal = lv.action_line.action.outcome.goal
        years = line_years({"start_year": lv.start_year, "target_year": lv.target_year})
        status = statuses.get(lv.action_line.code)
        proponents = [found.states.get(c, c) for c in lv.links.get("proponent_states", [])]
        proponents += [found.organisations.get(c, c) for c in lv.links.get("proponent_organisations", [])]
        row = TimelineRow(lv, lv.action_line.code, years, _cells(years, lv.target_year, span, period_starts),
                          status.rag if status else None,
                          sorted(lv.links.get("predecessors", []), key=code_sort_key),
                          sorted(found.states.get(c, c) for c in lv.links.get("lead_states", [])), proponents,
                          status.label if status else "", bool(status and status.is_demo))
        groups.setdefault(goal.code, GoalGroup(goal.code, goal.title, [], totals[goal.code])).rows.append(row)
    ordered = list(periods.values())
    heads = [{"period": p, "index": i, "span": min(p.end_year, plan.end_year) - max(p.start_year, plan.start_year) + 1}
             for i, p in enumerate(ordered, start=1)]
    return {
        "version": version, "plan": plan, "periods": ordered, "period_heads": heads, "years": list(span),
        "groups": [groups[c] for c in sorted(groups)], "count": count, "terms": lvs,
        "has_status": bool(statuses), "page_obj": page,
        "status_demo": any(r.status_demo for g in groups.values() for r in g.rows),
        "columns": len(span) + 4, "lookups": found, "choices": _choices(found, ordered, all_versions),
        "latest": all_versions[-1],
    }


def _choices(found: Lookups, periods: list[Period], all_versions: list[PlanVersion]) -> dict:
    """The values each filter offers, for the filter form and for describing the active filters."""
    def listed(mapping, key=None):
        return [Choice(str(c), n) for c, n in sorted(mapping.items(), key=key or (lambda kv: kv[1]))]

    return {
        "goals": listed(found.goals, key=lambda kv: kv[0]), "actions": listed(found.actions, key=lambda kv: kv[0]),
        "states": listed(found.states), "champions": listed(found.champions),
        "organisations": listed(found.organisations),
        "pathways": listed(found.pathways, key=lambda kv: kv[0]),
        "measures": [Choice(str(n), f"{n}) {name}") for n, name in sorted(found.measures.items())],
        "themes": found.themes, "periods": periods, "levels": ImplementationLevel.choices, "versions": all_versions,
    }


@dataclass(frozen=True)
class VersionDiff:
    before: PlanVersion
    after: PlanVersion
    diff: PlanDiff
    titles: dict[str, str]
    names: dict[str, dict]


def version_diff(all_versions: list[PlanVersion], before_number, after_number) -> VersionDiff:
    before, after = pick_version(all_versions, before_number), pick_version(all_versions, after_number)
    old, new = version_snapshot(before), version_snapshot(after)
    titles = {code: terms["title"] for code, terms in {**old, **new}.items()}
    return VersionDiff(before, after, diff_plans(old, new), titles, lookups(with_lines=False).names())
