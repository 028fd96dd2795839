"""The progress sections of a review: where each action line ended, from the reports in scope, and the amendments."""

from datetime import datetime, time

from django.utils import timezone

from sapsmed.core import implementation as impl
from sapsmed.core.report_cells import number_text
from sapsmed.core.sequencing import code_sort_key
from sapsmed.reviews.content import section, table
from sapsmed.reviews.scope import decision_date, rounds_of, scope_of

_STATUS_COLUMNS = [s.label for s in impl.EndStatus]
_COUNT_FORMATS = ["text", *["int"] * (len(_STATUS_COLUMNS) + 1)]
_RAG_ORDER = ["done", "green", "amber", "red", "dropped", "grey"]


def scoped_assessment(review):
    """Early warning over the reports the review counts: its plan version, its rounds, accepted by the end of
    its cut-off day."""
    from sapsmed.progress.warning import assess

    end = timezone.make_aware(datetime.combine(review.cut_off, time.max))
    return assess(review.cut_off, accepted_only=True, version=review.plan_version,
                  round_ids={r.pk for r in rounds_of(review)}, accepted_by=end)


def _periods(review) -> list[impl.PeriodSpan]:
    from sapsmed.plan.models import Period

    return [impl.PeriodSpan(p.name, p.start_year, p.end_year)
            for p in Period.objects.filter(plan=review.plan_version.plan).order_by("start_year")]


def progress_section(review):
    """Each action line's end status per lead state, counts by goal and by period, the carry-over list, and the
    early-warning status as at the cut-off; the whole list and every flag in the workbook's annex."""
    from sapsmed.progress.warning import RAG_LABELS

    scope, a, periods = scope_of(review), scoped_assessment(review), _periods(review)
    streams = sorted(a.streams, key=lambda s: (code_sort_key(s.line.action_line.code), s.state.name))
    ended = [(s, impl.end_status(s.warning.report.status.value if s.warning.report else None)) for s in streams]
    demo = a.has_demo

    def row(s, status):
        r = s.warning.report
        return [s.line.action_line.code, s.line.title, s.state.name, status.label, r.round if r else None,
                r.percent_complete if r and r.percent_complete is not None else None, s.line.target_year]

    columns = ["Action line", "Title", "Lead state", "End status", "Last report", "% complete", "Target year"]
    formats = ["text", "text", "text", "text", "text", "number", "year"]
    carry = _carry_over(ended)
    period_order = [p.name for p in periods] + [impl.NO_TARGET, impl.OUTSIDE]
    rag_names = {k: RAG_LABELS[k] for k in _RAG_ORDER} if a.streams else {}
    by_goal_rag: dict[str, dict[str, int]] = {}
    for s in streams:
        by_goal_rag.setdefault(s.goal, dict.fromkeys(_RAG_ORDER, 0))[s.rag] += 1
    return section("progress", "Implementation of the action lines", paragraphs=[
        scope.progress_sentence(),
        impl.summary_sentence([st for _s, st in ended], scope.plan_version),
        "A stream's end status is that of its last accepted report: completed and dropped as reported, on track "
        "and delayed counted as ongoing. Lines that are not completed or dropped carry over to the next plan.",
    ], tables=[
        table("End status by goal", ["Goal", *_STATUS_COLUMNS, "Streams"],
              impl.tally(((s.goal, st) for s, st in ended)), formats=_COUNT_FORMATS, demo=demo),
        table("End status by the period the line was planned to finish in", ["Period", *_STATUS_COLUMNS, "Streams"],
              impl.tally(((impl.period_of(s.line.target_year, periods), st) for s, st in ended), period_order),
              formats=_COUNT_FORMATS, demo=demo),
        table("Lines that did not finish: the carry-over list", ["Action line", "Title", "Target year",
                                                                  "Lead states: end status (last report, % complete)"],
              carry, formats=["text", "text", "year", "text"], demo=demo, sheet="Carry-over list",
              note="One row per line, each lead state that did not finish with its last accepted report in the "
                   "rounds covered; proposed for the next plan. The annex has a row per lead state."),
        silent_states(a),
        table("Early-warning status by goal at the cut-off", ["Goal", *rag_names.values(), "Streams"],
              [[g, *counts.values(), sum(counts.values())] for g, counts in sorted(by_goal_rag.items())],
              formats=["text", *["int"] * (len(rag_names) + 1)], demo=demo,
              note="Assessed by the platform's early-warning rules (schedule, cost, staffing, quality, overdue "
                   "reports, late predecessors) from the accepted reports only."),
        table("End status of every action line and lead state", columns, [row(s, st) for s, st in ended],
              formats=formats, annex=True, demo=demo, sheet="Annex - end status"),
        table("Early-warning flags at the cut-off", ["Action line", "Lead state", "Status", "Why"],
              [[s.line.action_line.code, s.state.name, RAG_LABELS[s.warning.rag],
                " ".join(f.reason for f in s.warning.flags)] for s in streams if s.flagged],
              annex=True, demo=demo, sheet="Annex - warning flags"),
    ])


def amendments_section(review):
    """The amendments approved up to the cut-off, each with its reason, decision and changes, and the version in
    force on the cut-off date."""
    from sapsmed.plan.roadmap_models import Amendment

    scope = scope_of(review)
    approved = list(Amendment.objects.filter(plan=review.plan_version.plan, status="approved")
                    .select_related("resulting_version").order_by("resulting_version__number", "pk"))

    counted = [a for a in approved if decision_date(a) <= review.cut_off]
    later = len(approved) - len(counted)
    rows = [[a.resulting_version.number if a.resulting_version else None, a.title, a.reason, a.decision_reference,
             decision_date(a), len(a.operations)] for a in counted]
    if rows:
        noun = "amendment was" if len(rows) == 1 else "amendments were"
        opening = f"{len(rows)} {noun} approved by {scope.cut_off_text}; version {scope.version_in_force} was in force."
    else:
        opening = (f"No amendment had been approved by {scope.cut_off_text}: the roadmap stood as endorsed "
                   f"(version {scope.version_in_force}).")
    paragraphs = [opening, scope.version_sentence()]
    if later == 1:
        paragraphs.append("1 amendment was approved after the cut-off: it is not counted here.")
    elif later:
        paragraphs.append(f"{later} amendments were approved after the cut-off: they are not counted here.")
    return section("amendments", "Amendments to the roadmap", paragraphs=paragraphs, tables=[
        table("Approved amendments", ["Version", "Title", "Reason", "Decision", "Decided", "Changes"], rows,
              formats=["int", "text", "text", "text", "date", "int"])] if rows else [])


def _carry_over(ended) -> list[list]:
    """One row per line that did not finish for some lead state: code, title, target year, and each such lead
    state with its end status and last report."""
    rows: dict[str, list] = {}
    for s, status in ended:
        if not impl.carries_over(status):
            continue
        r = s.warning.report
        if r is None:
            said = f"{s.state.name}: no report"
        else:
            done = f", {number_text(r.percent_complete)} %" if r.percent_complete is not None else ""
            said = f"{s.state.name}: {status.label.lower()} ({r.round}{done})"
        code = s.line.action_line.code
        rows.setdefault(code, [code, s.line.title, s.line.target_year, []])[3].append(said)
    return [[code, title, year, "; ".join(states)] for code, title, year, states in rows.values()]


def silent_states(a) -> dict:
    """Lead states without an accepted report in the rounds covered, with how many lines (marked when
    demonstration data say so)."""
    silent: dict[str, int] = {}
    for s in a.streams:
        if s.warning.report is None:
            silent[s.state.name] = silent.get(s.state.name, 0) + 1
    return table("Lead states without an accepted report", ["State", "Action lines"], sorted(silent.items()),
                 formats=["text", "int"], demo=a.has_demo)
