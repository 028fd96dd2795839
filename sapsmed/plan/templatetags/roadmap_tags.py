"""Template helpers of the roadmap: a timeline's rows, built in Python because a 300-line timeline has
3,000 year cells and 300 rows of names, and drawing them through template tags was most of the page's time."""

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from sapsmed.accounts.row_html import e as escape
from sapsmed.accounts.row_html import url_maker

register = template.Library()


def _cell(cell: dict) -> str:
    # Every part is made here from ints and fixed class names (see roadmap_selectors._cells), never
    # from user text, so plain formatting is safe and avoids escaping 3,000 values one by one.
    year = int(cell["year"])
    mark = (f'<span class="target-mark" title="Target year {year}"></span>'
            f'<span class="visually-hidden">target {year}</span>') if cell["target"] else ""
    inner = f'<span class="fill">{mark}</span>' if cell["bar"] else mark
    return f'<td class="{cell["classes"]}">{inner}</td>'


@register.simple_tag
def year_cells(row, years: int) -> SafeString:
    """The row's cells, one per plan year; a line without any year gets one cell saying so."""
    if row.years is None:
        return format_html('<td class="no-timing" colspan="{}">no target year or time frame stated</td>', years)
    return mark_safe("".join(_cell(cell) for cell in row.cells))  # noqa: S308 - built from ints and fixed names


def _status(row, has_status: bool, demo_label: str) -> str:
    if row.status:
        # The meaning after the colour word is written out too, not only in the tooltip: a phone cannot hover.
        meaning = row.status_label.partition(":")[2].strip()
        label = (f'<span class="rag rag-{escape(row.status)}" title="{escape(row.status_label)}">'
                 f"{escape(row.status_short)}</span>")
        label += f' <span class="small">{escape(meaning)}</span>' if meaning else ""
        return f"{label} {demo_label}" if row.status_demo else label
    return '<span class="muted">no accepted report</span>' if has_status else '<span class="muted">—</span>'


def _who(row) -> str:
    lv = row.lv
    text = "Lead: " + (", ".join(row.leads) or "not stated")
    if row.proponents:
        text += " · Proponents: " + ", ".join(row.proponents)
    if row.predecessors:
        text += " · After: " + ", ".join(row.predecessors)
    if lv.time_frame:
        text += " · Time frame: " + lv.time_frame
    return escape(text)


@register.simple_tag
def timeline_rows(rows, years: int, has_status: bool) -> SafeString:
    """Every line of a goal as one table row: code, title and who, required time, year cells, status (with
    the one demonstration label where the status is drawn from synthetic reports). Every text from the
    database goes through escape(); format_html per value cost more than the rest of the page."""
    demo_label = render_to_string("_demo_label.html").strip()
    line_url = url_maker("action_line")
    return mark_safe("".join(_row(r, years, has_status, demo_label, line_url) for r in rows))  # noqa: S308 - escaped


def _row(r, years: int, has_status: bool, demo_label: str, line_url) -> str:
    lv, code = r.lv, escape(r.code)
    retired = " retired" if lv.retired else ""
    badge = ' <span class="badge">retired</span>' if lv.retired else ""
    required = escape(lv.get_required_time_display() or "not stated")
    return (f'<tr class="line rt-{escape(lv.required_time or "none")}{retired}" data-code="{code}">'
            f'<td class="code"><a href="{escape(line_url(r.code))}">{code}</a></td>'
            f'<td class="title">{escape(lv.title)}{badge}<div class="who">{_who(r)}</div></td>'
            f'<td class="rt-label">{required}</td>{year_cells(r, years)}'
            f'<td class="line-status">{_status(r, has_status, demo_label)}</td></tr>')
