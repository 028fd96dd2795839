"""Assemble a review's content, the one source of its HTML page, PDF, workbook and snapshot.

A review's content is plain data (JSON-serialisable): meta, then sections, each with paragraphs,
tables (columns, rows, notes) and charts (Vega-Lite specs). Every number in it comes from the same
selectors and core functions the platform's pages use, so the report and the pages cannot
disagree. Each section says whether it shows demonstration or synthetic data, so every output
can mark the pages where such data appear.
"""

from collections.abc import Callable

from django.utils import timezone

from sapsmed.core.report_cells import formats_of
from sapsmed.plan.models import ActionLineVersion, PlanVersion, StrategicGoal
from sapsmed.reviews.scope import scope_of

Section = dict
SectionProvider = Callable[["object"], Section | None]


def table(title: str, columns: list[str], rows: list[list], *, note: str = "", key: str = "",
          formats: list[str] | None = None, annex: bool = False, sheet: str = "", demo: bool = False,
          synthetic: bool = False) -> dict:
    """A table of a section. Cells are typed values (numbers as numbers, years as integers, None when
    missing); `formats` names each column's format (sapsmed.core.report_cells.Fmt; text when omitted).
    An `annex` table goes to the workbook only (every survey estimate, say), not to the page or PDF.
    `sheet`: the workbook sheet's name when the title is too long for one (31 characters at most).
    `demo`/`synthetic`: the table shows demonstration progress reports / synthetic survey data; its section
    is marked too, and every output marks that table (and only the tables and pages that hold such data)."""
    return {"title": title, "columns": columns, "rows": rows, "note": note, "key": key or title,
            "formats": [str(f) for f in formats_of(columns, formats)], "annex": annex, "sheet": sheet,
            "demo": demo, "synthetic": synthetic}


def section(sid: str, title: str, *, paragraphs=(), tables=(), charts=(), demo=False, synthetic=False) -> Section:
    """A section; it is marked demonstration (synthetic) when it says so or when any table it shows does (an
    annex table is marked on its own workbook sheet only: the section's pages do not show it)."""
    tables = list(tables)
    shown = [t for t in tables if not t.get("annex")]
    return {"id": sid, "title": title, "paragraphs": list(paragraphs), "tables": tables, "charts": list(charts),
            "demo": demo or any(t.get("demo") for t in shown),
            "synthetic": synthetic or any(t.get("synthetic") for t in shown)}


def plan_section(review) -> Section:
    plan = review.plan_version.plan
    versions = list(PlanVersion.objects.filter(plan=plan, number__lte=review.plan_version.number))
    goals = list(StrategicGoal.objects.filter(plan=plan).prefetch_related("champions", "outcomes__actions"))
    lines = ActionLineVersion.objects.filter(plan_version=review.plan_version)
    line_count, retired = lines.count(), lines.filter(retired=True).count()
    return section("plan", "The plan and its versions", paragraphs=[
        f"{plan.title}. Vision: {plan.vision}. Mission: {plan.mission}".replace("..", "."),
        f"Endorsed by the {plan.endorsed_by}, {plan.endorsed_on}; implemented from 1 January {plan.start_year}. "
        f"This review covers version {review.plan_version.number} ({review.plan_version.label}), with "
        f"{len(goals)} strategic goals, {sum(g.outcomes.count() for g in goals)} desired outcomes and "
        f"{line_count} action lines on record ({retired} dropped).",
    ], tables=[
        table("Plan versions", ["Version", "Label", "Decision"],
              [[v.number, v.label, v.decision_reference] for v in versions]),
        table("Strategic goals and Country Champions", ["Goal", "Title", "Country Champions", "Actions"],
              [[g.code, g.title, ", ".join(s.name for s in g.champions.all()),
                sum(len(o.actions.all()) for o in g.outcomes.all())] for g in goals]),
    ])


def findings_section(review) -> Section | None:
    if not (review.findings or review.recommendations):
        return section("findings", "Findings and recommendations",
                       paragraphs=["The Secretariat has not yet written findings and recommendations for this review."])
    paragraphs = [p for p in review.findings.split("\n\n") if p.strip()]
    recs = [r.strip("-• ").strip() for r in review.recommendations.splitlines() if r.strip()]
    numbered = [[i, r] for i, r in enumerate(recs, 1)]
    tables = [table("Recommendations", ["No.", "Recommendation"], numbered)] if recs else []
    return section("findings", "Findings and recommendations", paragraphs=paragraphs, tables=tables)


def _providers() -> list[SectionProvider]:
    # Each app contributes its sections through its own module; imported here so that a review
    # lists the sections in the order a working group reads them.
    from sapsmed.reviews import sections

    return [plan_section, *sections.PROVIDERS, findings_section]


def review_content(review) -> dict:
    scope = scope_of(review)
    from sapsmed.reviews.next_plan import with_next_plan_items  # both read the other sections' content
    from sapsmed.reviews.section_summary import with_summary

    sections = with_summary(with_next_plan_items(
        [s for s in (provider(review) for provider in _providers()) if s is not None]))
    return {
        "meta": {
            "title": review.title, "kind": review.kind, "kind_label": review.get_kind_display(),
            "cut_off": review.cut_off.isoformat(), "plan_title": review.plan_version.plan.title,
            "plan_version": review.plan_version.number, "plan_version_label": review.plan_version.label,
            "kpi_years": [review.kpi_year_from, review.kpi_year_to], "rounds": list(scope.rounds),
            "scope": {"header": scope.header(), "progress": scope.progress_sentence(), "kpis": scope.kpi_sentence(),
                      "version": scope.version_sentence(), "cut_off": scope.cut_off_text},
            "generated_at": timezone.now().isoformat(timespec="seconds"),
            "demo": any(s["demo"] for s in sections), "synthetic": any(s["synthetic"] for s in sections),
        },
        "sections": sections,
    }
