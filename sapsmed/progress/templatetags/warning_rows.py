"""The early-warning table's rows drawn in Python: 100 rows of a template loop cost more than the page's queries."""

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from sapsmed.accounts.row_urls import url_maker

register = template.Library()

def _row(s, history_url, report_url, demo_label) -> str:
    code, w = s.line.action_line.code, s.warning
    champions = format_html("; champions {}", ", ".join(s.champions)) if s.champions else ""
    report = ""
    if w.report:
        link = format_html(' · <a href="{}">report</a>', report_url(s.report_id)) if s.report_id else ""
        report = format_html('<br><span class="small muted">round {}, {}{}</span>', w.report.round,
                             w.report.workflow_status, link)
    flags = format_html('<ul class="flags">{}</ul>', format_html_join(
        "", '<li class="flag flag-{}"><span class="sev">{}</span> {}</li>',
        ((f.severity, f.severity, f.reason) for f in w.flags))) if w.flags else ""
    notes = format_html('<ul class="notes small muted">{}</ul>', format_html_join(
        "", "<li>{}</li>", ((n,) for n in w.notes))) if w.notes else ""
    return format_html(
        '<tr id="w-{}-{}" class="warning-row">\n'
        '<td><a href="{}" class="code">{}</a><br><span class="small">{}</span><br>'
        '<span class="small muted">Goal {}{}</span></td>\n'
        "<td>{}</td>\n"
        '<td><span class="rag rag-{}">{}</span>{}{}</td>\n'
        "<td>{}{}</td>\n</tr>",
        code, s.state.iso3, history_url(code), code, Truncator(s.line.title).words(12, truncate=" …"), s.goal,
        champions, s.state.name, s.rag, s.rag_label, mark_safe(" " + demo_label) if s.is_demo else "", report,  # noqa: S308 - the label template's own output
        flags, notes)


@register.simple_tag
def warning_rows(streams) -> str:
    """Every row of the table; the demonstration label is the one component (_demo_label.html), drawn once."""
    history_url = url_maker("progress:line_history")
    report_url = url_maker("progress:report")
    demo_label = render_to_string("_demo_label.html")
    return mark_safe("\n".join(_row(s, history_url, report_url, demo_label) for s in streams))  # noqa: S308 - rows built by format_html
