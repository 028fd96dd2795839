"""Template filter of review tables: each cell printed in its column's format (sapsmed.core.report_cells)."""

from django import template

from sapsmed.core.report_cells import Fmt, cell_text, formats_of

register = template.Library()
_NUMERIC = {Fmt.INT, Fmt.NUMBER, Fmt.PERCENT}


@register.filter
def cells(row: list, table: dict) -> list[dict]:
    """`{% for c in row|cells:t %}`: each cell's text, and whether it is a number (right-aligned)."""
    formats = formats_of(table["columns"], table.get("formats"))
    return [{"text": cell_text(v, f), "numeric": f in _NUMERIC and isinstance(v, int | float)}
            for v, f in zip(row, formats, strict=False)]


@register.filter
def heads(table: dict) -> list[dict]:
    """`{% for h in t|heads %}`: each column's name, and whether its cells are numbers (right-aligned)."""
    formats = formats_of(table["columns"], table.get("formats"))
    return [{"text": c, "numeric": f in _NUMERIC} for c, f in zip(table["columns"], formats, strict=False)]
