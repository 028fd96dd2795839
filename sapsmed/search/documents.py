"""What the search finds, as documents built from the facts: one per goal, outcome, action, action line (its
terms in the plan version in force), member state, KPI (its reference sheet) and published review or scorecard.

Only what the public may read becomes a document: the plan, the KPI sheets, and the snapshots and scorecard
editions the Secretariat published (a withdrawn one leaves the index when it is withdrawn). So the search never
needs to ask who is searching, and cannot show anyone an unpublished review.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse

from sapsmed.core.search_text import index_words, sort_key
from sapsmed.kpis.models import Kpi
from sapsmed.plan import selectors as plan_selectors
from sapsmed.plan.models import Action, DesiredOutcome, MemberState, StrategicGoal
from sapsmed.reviews import selectors as review_selectors
from sapsmed.search.models import Kind

PLAN_KINDS = frozenset({Kind.GOAL, Kind.OUTCOME, Kind.ACTION, Kind.LINE, Kind.STATE})
# A document's text is cut here: a tabled report is found by its first 100,000 characters (sections, paragraphs,
# recommendations), and PostgreSQL's tsvector (at most 1 MB) always holds it.
MAX_BODY = 100_000


@dataclass(frozen=True)
class Document:
    kind: str
    key: str
    label: str
    title: str
    body: str
    url: str

    @property
    def stored(self) -> dict:
        """The row's fields as stored (the index words are the shown text's: core.search_text)."""
        body = self.body[:MAX_BODY]
        return {"label": self.label, "title": self.title, "body": body, "url": self.url,
                "sort_key": sort_key(self.key), "title_words": index_words(self.title),
                "body_words": index_words(body)}


def _sentences(parts: Iterable[str]) -> str:
    """Non-empty parts as sentences of one paragraph."""
    return " ".join(p.strip().rstrip(".") + "." for p in parts if p and p.strip())


def _states(states) -> str:
    return ", ".join(f"{s.name} ({s.iso3})" for s in states)


def goals() -> list[Document]:
    return [Document(Kind.GOAL, g.code, f"Goal {g.code}", g.title,
                     _sentences([g.summary, f"Country Champions: {_states(g.champions.all())}"
                                 if g.champions.all() else ""]),
                     reverse("goal", args=[g.code]))
            for g in StrategicGoal.objects.prefetch_related("champions")]


def outcomes() -> list[Document]:
    return [Document(Kind.OUTCOME, o.code, o.code, o.title, "", reverse("goal", args=[o.goal.code]))
            for o in DesiredOutcome.objects.select_related("goal")]


def actions() -> list[Document]:
    return [Document(Kind.ACTION, a.code, a.code, a.title, "", reverse("action", args=[a.code]))
            for a in Action.objects.all()]


def _line_body(lv) -> str:
    proponents = [f"{s.name} ({s.iso3})" for s in lv.proponent_states.all()]
    proponents += [o.name for o in lv.proponent_organisations.all()]
    timing = lv.time_frame or (f"by {lv.target_year}" if lv.target_year else "")
    return _sentences([
        "Dropped from the plan in this version" if lv.retired else "",
        f"Led by {_states(lv.lead_states.all())}" if lv.lead_states.all() else "",
        f"Proponents: {', '.join(proponents)}" if proponents else "",
        f"Time frame: {timing}" if timing else "",
        lv.get_required_time_display(),
        f"{lv.get_implementation_level_display()} implementation" if lv.implementation_level else "",
        f"Pathway: {lv.pathway.name}" if lv.pathway else "",
        f"Types of measure: {', '.join(t.name for t in lv.types_of_measure.all())}"
        if lv.types_of_measure.all() else "",
        f"Cross-cutting theme: {lv.cross_cutting_theme}" if lv.cross_cutting_theme else "",
        f"Task force: {lv.task_force}" if lv.task_force else "",
        f"Required technical skills: {lv.required_skills}" if lv.required_skills else "",
        f"Funding: {lv.get_funding_source_display()}" if lv.funding_source else "",
        f"Expected outputs: {lv.expected_outputs}" if lv.expected_outputs else "",
        lv.notes,
    ])


def lines(line_ids: set[int] | None = None) -> list[Document]:
    """The action lines' terms in the plan version in force (those of `line_ids` only, when given)."""
    version = plan_selectors.current_version()
    if version is None:
        return []
    found = plan_selectors.line_versions(version).prefetch_related("proponent_states", "proponent_organisations")
    if line_ids is not None:
        found = found.filter(action_line_id__in=line_ids)
    return [Document(Kind.LINE, lv.action_line.code, lv.action_line.code, lv.title, _line_body(lv),
                     reverse("action_line", args=[lv.action_line.code])) for lv in found]


def states() -> list[Document]:
    return [Document(Kind.STATE, s.iso3, s.iso3, s.name,
                     _sentences([f"{s.name} ({s.iso3}), ASEAN member state",
                                 f"Country Champion of goal {', '.join(g.code for g in s.championed_goals.all())}"
                                 if s.championed_goals.all() else ""]),
                     reverse("state", args=[s.iso3]))
            for s in MemberState.objects.prefetch_related("championed_goals")]


def kpis() -> list[Document]:
    return [Document(Kind.KPI, k.code, k.code, k.name, _sentences([
        k.definition,
        f"Unit: {k.unit}",
        f"Formula: {k.formula}" if k.formula else "",
        k.get_direction_display(),
        f"Source: {k.source_family}" + (f", World Bank WDI series {k.wdi_code}" if k.wdi_code else ""),
        f"Frequency: {k.frequency}" if k.frequency else "",
        f"Responsible body: {k.responsible_body}" if k.responsible_body else "",
        f"Availability: {k.availability_note}" if k.availability_note else "",
        f"Known issues: {k.known_issues}" if k.known_issues else "",
    ]), reverse("kpis:kpi", args=[k.code])) for k in Kpi.objects.all()]


def _snapshot_text(content: dict) -> str:
    """A tabled report's words: its sections' titles and paragraphs and the recommendations as written."""
    parts = []
    for section in content.get("sections", []):
        parts.append(section.get("title", ""))
        parts.extend(section.get("paragraphs", []))
        if section.get("id") == "findings":
            parts.extend(str(row[-1]) for t in section.get("tables", []) for row in t.get("rows", []) if row)
    return _sentences(str(p) for p in parts)


def publications() -> list[Document]:
    """The published snapshots (tabled reports) and scorecard editions: what /reviews/published/ lists."""
    found = [Document(Kind.PUBLICATION, f"snapshot-{s.pk}", s.review.get_kind_display(), f"{s.review.title}, {s.label}",
                      _snapshot_text(s.content), reverse("snapshot", args=[s.pk]))
             for s in review_selectors.published_snapshots()]
    found += [Document(Kind.PUBLICATION, f"edition-{e.pk}", "KPI scorecard", e.label,
                       f"Official edition of the KPI scorecard as of {e.as_of:%d %B %Y}.",
                       reverse("scorecard_edition", args=[e.pk]))
              for e in review_selectors.published_editions()]
    return found


BUILDERS = {Kind.GOAL: goals, Kind.OUTCOME: outcomes, Kind.ACTION: actions, Kind.LINE: lines, Kind.STATE: states,
            Kind.KPI: kpis, Kind.PUBLICATION: publications}
