"""The progress sections of a review: action-line status from accepted reports, and the roadmap's amendments."""

from sapsmed.reviews.content import section, table


def progress_section(review):
    """Action-line status per goal, as of the cut-off, from accepted reports only, with early-warning reasons."""
    from sapsmed.progress.warning import RAG_LABELS, assess

    a = assess(review.cut_off, accepted_only=True)
    goals: dict[str, dict[str, int]] = {}
    for s in a.streams:
        counts = goals.setdefault(s.goal, {})
        counts[s.rag] = counts.get(s.rag, 0) + 1
    order = ["done", "green", "amber", "red", "dropped", "grey"]
    names = {"done": "Completed", "green": "On track", "amber": "Needs attention", "red": "Serious problem",
             "dropped": "Dropped", "grey": "Not reported"}
    by_goal = [[g, *[goals[g].get(k, 0) for k in order], sum(goals[g].values())] for g in sorted(goals)]
    flagged = [[s.line.action_line.code, s.state.name, RAG_LABELS[s.warning.rag],
                " ".join(f.reason for f in s.warning.flags)]
               for s in a.streams if s.flagged]
    return section("progress", "Action-line status (progress monitoring)", demo=a.has_demo, paragraphs=[
        f"Status of each action line and lead state as of the cut-off date {review.cut_off:%d %B %Y}, from "
        "reports accepted by the ASEAN Secretariat only, assessed by the platform's early-warning rules "
        "(schedule, cost, staffing, quality, overdue reports, late predecessors).",
    ], tables=[
        table("Action-line status by goal", ["Goal", *[names[k] for k in order], "Lines × lead states"], by_goal,
              note="Each action line counts once per lead state, since each lead state reports on it."),
        table("Flagged action lines", ["Action line", "Lead state", "Status", "Why"], flagged,
              note="Reasons as written by the early-warning rules."),
    ])


def amendments_section(review):
    """Amendments approved since version 1, each with its reason, decision and changed lines."""
    from sapsmed.plan.roadmap_models import Amendment

    approved = (Amendment.objects.filter(status="approved", resulting_version__number__lte=review.plan_version.number)
                .select_related("resulting_version").order_by("resulting_version__number"))
    rows = [[a.resulting_version.number if a.resulting_version else "", a.title, a.reason, a.decision_reference,
             a.decided_on.isoformat() if a.decided_on else "", len(a.operations)] for a in approved]
    return section("amendments", "Amendments to the roadmap", paragraphs=[
        "Amendments approved by the working group since the plan was endorsed (version 1)." if rows else
        "No amendment has been approved: the roadmap stands as endorsed (version 1)."],
        tables=[table("Approved amendments", ["Version", "Title", "Reason", "Decision", "Decided", "Changes"], rows)]
        if rows else [])


def silent_states(review) -> dict:
    """Lead states without an accepted report, with how many lines (marked when demonstration data say so)."""
    from sapsmed.progress.warning import assess

    silent: dict[str, int] = {}
    a = assess(review.cut_off, accepted_only=True)
    for s in a.streams:
        if s.rag == "grey":
            silent[s.state.name] = silent.get(s.state.name, 0) + 1
    return table("Lead states without an accepted report", ["State", "Action lines"], sorted(silent.items()),
                 formats=["text", "int"], demo=a.has_demo)
