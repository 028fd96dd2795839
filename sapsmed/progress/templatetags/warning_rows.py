"""The early-warning table's rows drawn in Python: 100 rows of a template loop cost more than the page's queries."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from sapsmed.accounts.row_html import e, url_maker

register = template.Library()


def _row(s, history_url, report_url, demo_label) -> str:
    code, w = s.line.action_line.code, s.warning
    champions = f"; champions {e(', '.join(s.champions))}" if s.champions else ""
    report = ""
    if w.report:
        link = f' · <a href="{report_url(s.report_id)}">report</a>' if s.report_id else ""
        report = f'<br><span class="small muted">round {e(w.report.round)}, {e(w.report.workflow_status)}{link}</span>'
    flags = "".join(f'<li class="flag flag-{e(f.severity)}"><span class="sev">{e(f.severity)}</span> {e(f.reason)}</li>'
                    for f in w.flags)
    flags = f'<ul class="flags">{flags}</ul>' if flags else ""
    notes = "".join(f"<li>{e(n)}</li>" for n in w.notes)
    notes = f'<ul class="notes small muted">{notes}</ul>' if notes else ""
    return (f'<tr id="w-{e(code)}-{e(s.state.iso3)}" class="warning-row">\n'
            f'<td><a href="{history_url(code)}" class="code">{e(code)}</a><br>'
            f'<span class="small">{e(Truncator(s.line.title).words(12, truncate=" …"))}</span><br>'
            f'<span class="small muted">Goal {e(s.goal)}{champions}</span></td>\n'
            f"<td>{e(s.state.name)}</td>\n"
            f'<td><span class="rag rag-{e(s.rag)}">{e(s.rag_label)}</span>{" " + demo_label if s.is_demo else ""}'
            f"{report}</td>\n"
            f"<td>{flags}{notes}</td>\n</tr>")


@register.simple_tag
def warning_rows(streams) -> str:
    """Every row of the table; the demonstration label is the one component (_demo_label.html), drawn once."""
    history_url = url_maker("progress:line_history")
    report_url = url_maker("progress:report")
    demo_label = render_to_string("_demo_label.html")
    return mark_safe("\n".join(_row(s, history_url, report_url, demo_label) for s in streams))  # noqa: S308 - values escaped by e()
