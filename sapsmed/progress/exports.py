"""Excel exports of the dashboards, read from the same selectors as the pages; demonstration data is labelled."""

from django.conf import settings
from django.utils import timezone

from sapsmed.core.tables import write_rows_xlsx

DEMO = "Demonstration data"
DEMO_SENTENCE = ("Demonstration data: these reports are synthetic, generated to show how the platform works; "
                 "they are not real progress reports.")


def _about(title: str, has_demo: bool, notes=()) -> tuple:
    rows = [{"About": title}, {"About": f"Exported {timezone.localtime():%d %B %Y %H:%M} ({settings.TIME_ZONE} time)."}]
    rows += [{"About": n} for n in notes]
    if has_demo:
        rows.insert(0, {"About": DEMO_SENTENCE})
    return ("About", ["About"], rows)


def _with_demo(columns: list[str], rows: list[dict], has_demo: bool) -> tuple[list[str], list[dict]]:
    """Every row of an export containing demonstration data says so in its first column."""
    if not has_demo:
        return columns, rows
    return ["Data", *columns], [{"Data": DEMO, **row} for row in rows]


def _pct(value) -> float | None:
    return None if value is None else float(value)


def round_dashboard_workbook(ctx: dict) -> bytes:
    rnd, demo = ctx["round"], ctx["has_demo"]
    group_columns = ["Group", "Expected", "Accepted", "Accepted on time", "In review (not counted)",
                     "Not reported", "Completeness %", "Timeliness %"]
    sheets = [_about(f"Round {rnd.name}: completeness and timeliness of progress reports (only accepted reports "
                     f"count). Due {rnd.due_on:%d %B %Y}.", demo)]
    for title, groups, label in (("By goal", ctx["by_goal"], lambda k: f"{k}) {ctx['goals'].get(k, '')}"),
                                 ("By champion", ctx["by_champion"], lambda k: ctx["states"].get(k, k)),
                                 ("By state", ctx["by_state"], lambda k: ctx["states"].get(k, k)),
                                 ("By proponent", ctx["by_proponent"], lambda k: k)):
        rows = [{"Group": label(t.key), "Expected": t.expected, "Accepted": t.accepted, "Accepted on time": t.on_time,
                 "In review (not counted)": t.in_review, "Not reported": t.not_reported,
                 "Completeness %": _pct(t.completeness), "Timeliness %": _pct(t.timeliness)} for t in groups]
        sheets.append((title, *_with_demo(group_columns, rows, demo)))
    missing_columns = ["Action line", "Goal", "State", "Where it stands", "Proponents"]
    missing = [{"Action line": i.code, "Goal": i.goal, "State": ctx["states"].get(i.state, i.state),
                "Where it stands": i.workflow_status or "nothing written", "Proponents": "; ".join(i.proponents)}
               for i in ctx["missing"]]
    sheets.append(("Not reported", *_with_demo(missing_columns, missing, demo)))
    return write_rows_xlsx(sheets)


def early_warning_workbook(ctx: dict) -> bytes:
    a, demo = ctx["assessment"], ctx["has_demo"]
    columns = ["Action line", "State", "Goal", "Status", "Severity", "Flag", "Reason"]
    rows = []
    for s in ctx["streams"]:
        base = {"Action line": s.line.action_line.code, "State": s.state.name, "Goal": s.goal, "Status": s.rag_label}
        if not s.warning.flags:
            rows.append({**base, "Reason": "; ".join(s.warning.notes) or "No flag."})
        for f in s.warning.flags:
            rows.append({**base, "Severity": f.severity.value, "Flag": f.kind.value.replace("_", " "),
                         "Reason": f.reason})
    f = ctx["filters"]
    chosen = ", ".join(p for p in (f.goal and f"goal {f.goal}", f.champion and f"champion {f.champion}",
                                   f.state and f"state {f.state}") if p) or "none"
    when = f"as of {a.as_of:%d %B %Y}" if a.as_of else "(not assessed yet)"
    about = _about(f"Early warning {when}, from submitted, validated and accepted reports.", demo,
                   [f"Filters: {chosen}.", f"Current round: {a.current_round.name if a.current_round else 'none'}."])
    return write_rows_xlsx([about, ("Early warning", *_with_demo(columns, rows, demo))])
