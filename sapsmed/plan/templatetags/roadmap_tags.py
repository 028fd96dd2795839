"""Template helpers of the roadmap: a timeline row's year cells, built in Python because a 300-line
timeline has 3,000 of them and rendering them through template tags was most of the page's time."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

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
