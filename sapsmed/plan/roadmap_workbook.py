"""The roadmap workbook: its sheet (one row per action line, every field, stable codes), export and template.

The exported workbook is also an import template: the same columns, drop-down lists and notes, so
a workbook downloaded and uploaded again changes nothing. A second sheet, "Timeline", draws the
lines over the plan's years for reading; the import reads only the sheet "Action lines".
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from decimal import Decimal

from openpyxl import load_workbook
from openpyxl.styles import Font, PatternFill

from sapsmed.core import roadmap_fields as rf
from sapsmed.core.bounds import bounds_of
from sapsmed.core.roadmap_rules import line_years
from sapsmed.core.tables import Column, Sheet, put_cell, write_template
from sapsmed.plan.models import (
    CONFIDENCE_CHOICES,
    ActionLineVersion,
    FundingSource,
    ImplementationLevel,
    RequiredTime,
)
from sapsmed.plan.roadmap_selectors import Lookups

SHEET = "Action lines"
IDENTITY = (
    # Read as the plan writes it (B-2-1.07 is B-2-1.7), so two spellings of one line are one key, refused twice.
    Column("Code", "code", pattern=rf.CODE_PATTERN, normalise=rf.normal_code,
           help="The stable code of the action line, such as B-2-1.3."),
    Column("Goal", "code", help="The strategic goal's letter, A to E."),
    Column("Action", "code", help="The action's code, such as B-2-1."),
)
_BAR = PatternFill("solid", fgColor="FF0B4F8A")
_BOLD = Font(bold=True)


def _choices(field: rf.TermField, lookups: Lookups) -> tuple[str, ...] | None:
    by_field = {
        "required_time": RequiredTime.values, "implementation_level": ImplementationLevel.values,
        "funding_source": FundingSource.values, "confidence": [c for c, _ in CONFIDENCE_CHOICES],
        "pathway": sorted(lookups.pathways), "lead_states": sorted(lookups.states),
        "proponent_states": sorted(lookups.states), "proponent_organisations": sorted(lookups.organisations),
        "types_of_measure": [str(n) for n in sorted(lookups.measures)],
    }
    values = by_field.get(field.name)
    return tuple(values) if values else None


def _column(field: rf.TermField, lookups: Lookups) -> Column:
    choices = _choices(field, lookups)
    common = {"required": field.required, "help": field.help}
    match field.kind:
        case "year":
            return Column(field.label, "year", min=lookups.first_year, max=lookups.last_year, **common)
        case "amount":
            # The stored column's bounds (sapsmed.core.bounds) apply to the cell, so a typo such as 1E+20 is named
            # on its cell, not at commit.
            return Column(field.label, "decimal", bounds=bounds_of(ActionLineVersion._meta.get_field(field.name),
                                                                  min=0), **common)
        case "boolean":
            return Column(field.label, "boolean", **common)
        case "list":
            codes = field.name == "predecessors"
            return Column(field.label, "list", choices=choices, pattern=rf.CODE_PATTERN if codes else None,
                          normalise=rf.normal_code if codes else None, **common)
        case "choice":
            return Column(field.label, "text", choices=choices, **common)
    # A text term stored in a bounded column (appendix, currency, time frame) is bounded in the sheet too.
    return Column(field.label, "text", max_length=getattr(ActionLineVersion._meta.get_field(field.name),
                                                          "max_length", None), **common)


def roadmap_sheet(lookups: Lookups) -> Sheet:
    """The import sheet; its drop-down lists hold the codes known now."""
    return Sheet(SHEET, (*IDENTITY, *(_column(f, lookups) for f in rf.TERMS)), key=("Code",))


def record_from_terms(code: str, goal: str, action: str, terms: Mapping) -> dict[str, object]:
    """One workbook row for a line's terms, keyed by column header."""
    record: dict[str, object] = {"Code": code, "Goal": goal, "Action": action}
    for field in rf.TERMS:
        value = terms.get(field.name)
        if field.kind == "amount" and value is not None:
            value = Decimal(value)
        elif field.kind == "list":
            value = tuple(str(v) for v in value or ())
        record[field.label] = value
    return record


def terms_from_record(record: Mapping[str, object]) -> dict:
    """A line's terms read from one typed workbook row."""
    return rf.normalise_terms({field.name: record.get(field.label) for field in rf.TERMS})


NOTES = (
    "One row per action line. Code, Goal and Action identify the line and never change; a new code adds a line.",
    "Lines missing from the sheet are left alone; set Retired to yes to drop a line.",
    "Lists (states, organisations, types of measure, predecessors) are separated by ;",
    "Years lie within the plan's years; a line does not start after its target year.",
    "Uploading shows what will be added, changed and left alone; nothing is saved until you confirm.",
)


def export_workbook(rows: Iterable[tuple[str, str, str, Mapping]], lookups: Lookups, *, title: str,
                    filters_text: str = "") -> bytes:
    """The roadmap as a workbook: the importable sheet plus a Timeline sheet drawn over the plan's years."""
    rows = list(rows)
    sheet = roadmap_sheet(lookups)
    notes = [*NOTES, f"Exported: {title}."] + ([f"Filters: {filters_text}."] if filters_text else [])
    data = write_template(sheet, None, rows=[record_from_terms(*row) for row in rows], title=title, notes=notes)
    return _with_timeline(data, rows, lookups, title)


def blank_template(lookups: Lookups) -> bytes:
    return write_template(roadmap_sheet(lookups), None, title="SAP SMED roadmap: action lines", notes=list(NOTES))


def _with_timeline(data: bytes, rows: list, lookups: Lookups, title: str) -> bytes:
    book = load_workbook(io.BytesIO(data))
    sheet = book.create_sheet("Timeline")
    years = list(range(lookups.first_year, lookups.last_year + 1))
    # put_cell: a title such as "=SUM(A1)" stays text and control characters are dropped (sapsmed.core.tables).
    put_cell(sheet, 1, 1, title).font = Font(bold=True, size=13)
    headers = ["Code", "Action line", "Required time", *years]
    for index, header in enumerate(headers, start=1):
        put_cell(sheet, 3, index, header).font = _BOLD
    for offset, (code, _goal, _action, terms) in enumerate(rows, start=4):
        put_cell(sheet, offset, 1, code)
        put_cell(sheet, offset, 2, terms["title"])
        put_cell(sheet, offset, 3, terms["required_time"] or "not stated")
        span = line_years(terms)
        for index, year in enumerate(years, start=4):
            if span and span[0] <= year <= span[1]:
                cell = put_cell(sheet, offset, index, "target" if year == terms["target_year"] else None)
                cell.fill = _BAR
                cell.font = Font(color="FFFFFFFF", size=8)
    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["B"].width = 70
    sheet.column_dimensions["C"].width = 14
    sheet.freeze_panes = "D4"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
