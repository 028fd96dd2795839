"""A review's Excel workbook: a contents sheet, one sheet per section, one per annex table, typed cells.

Numbers are numbers with the number format of their column (sapsmed.core.report_cells.EXCEL_FORMAT), years
integers, dates dates, so an analyst computes with the workbook what the PDF prints. A section's sheet holds
its paragraphs and then its tables, stacked, each under its title row with a bold header; an annex table (every
KPI value with its sources, every survey estimate) has a sheet of its own. The demonstration or synthetic label
stands just above each table that holds such data, and in the contents row of its sheet: nowhere else.
Contents stored before tables had formats (old snapshots) render with every column as text.
Every cell goes through sapsmed.core.tables (append_row, put_cell): text never becomes a formula.
"""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from sapsmed.core.report_cells import EXCEL_FORMAT, Fmt, cell_text, formats_of
from sapsmed.core.sheet_names import sheet_name
from sapsmed.core.tables import append_row, put_cell

CONTENTS = "Contents"
ANNEX = "Annex - "
_BOLD, _TITLE, _LABEL = Font(bold=True), Font(bold=True, size=14), Font(bold=True, color="9C0006")
_HEAD = PatternFill("solid", fgColor="EEF1F6")
_WIDTH = (8, 60)  # column widths, in characters, between which a column's longest cell sets its width


def _notes() -> tuple[str, str]:
    # The labels the PDF prints (render.py, which imports this module: hence read at call time).
    from sapsmed.reviews.render import DEMO_NOTE, SYNTHETIC_NOTE

    return DEMO_NOTE, SYNTHETIC_NOTE


def _marks(table: dict, section: dict) -> list[str]:
    """The labels a table carries: its own marks; for content stored before tables were marked, its section's."""
    demo_note, synthetic_note = _notes()
    marked = any(k in t for t in section["tables"] for k in ("demo", "synthetic"))
    demo, synthetic = (table.get("demo"), table.get("synthetic")) if marked else (section.get("demo"),
                                                                                  section.get("synthetic"))
    return [note for flag, note in ((demo, demo_note), (synthetic, synthetic_note)) if flag]


def _typed(value, fmt: str):
    """A stored cell as the workbook holds it: lists and mappings as text, ISO dates of a date column as dates."""
    if isinstance(value, list | dict):
        return str(value)
    if fmt == Fmt.DATE and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    if fmt == Fmt.YEAR and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class _Sheet:
    """One sheet being written: the next row, and the width each column needs."""

    def __init__(self, ws):
        self.ws, self.widths, self.tables, self.header_rows, self.written = ws, {}, 0, [], False

    def line(self, text: str, font: Font | None = None) -> None:
        self.written = True
        cell = append_row(self.ws, [text])[0]
        if font is not None:
            cell.font = font

    def blank(self) -> None:
        self.ws.append([])

    def table(self, t: dict, labels: list[str]) -> None:
        formats = formats_of(t["columns"], t.get("formats"))
        if self.written:
            self.blank()
        for label in labels:
            self.line(label, _LABEL)
        self.line(t["title"], _BOLD)
        for cell in append_row(self.ws, t["columns"]):
            cell.font, cell.fill = _BOLD, _HEAD
        self.header_rows.append(self.ws.max_row)
        self._measure(t["columns"], [Fmt.TEXT] * len(formats))
        for row in t["rows"]:
            fmts = [*formats, *[Fmt.TEXT] * (len(row) - len(formats))]  # a cell beyond the columns is kept, as text
            values = [_typed(v, f) for v, f in zip(row, fmts, strict=False)]
            for cell, fmt, value in zip(append_row(self.ws, values), fmts, values, strict=True):
                if fmt != Fmt.TEXT and value is not None and not isinstance(value, str):
                    cell.number_format = EXCEL_FORMAT[fmt]
            self._measure(row, fmts)
        if t.get("note"):
            self.line(t["note"])
        self.tables += 1

    def _measure(self, row: list, formats: list[str]) -> None:
        for i, (value, fmt) in enumerate(zip(row, formats, strict=False), 1):
            self.widths[i] = max(self.widths.get(i, 0), len(cell_text(value, fmt)) + 2)

    def finish(self) -> None:
        for i, width in self.widths.items():
            self.ws.column_dimensions[get_column_letter(i)].width = min(_WIDTH[1], max(_WIDTH[0], width))
        if self.tables == 1:  # one table: its header stays in view while scrolling
            self.ws.freeze_panes = f"A{self.header_rows[0] + 1}"


def _text_only(section: dict) -> str:
    count = len(section.get("paragraphs", []))
    return f"Text only ({count} paragraph{'s' if count != 1 else ''})"


def _plan(content: dict) -> list[dict]:
    """The sheets after the contents: one per section (paragraphs and body tables), one per annex table."""
    used, sheets, annexes = {CONTENTS.lower()}, [], []
    for s in content["sections"]:
        body = [t for t in s["tables"] if not t.get("annex")]
        sheets.append({"name": sheet_name(s["title"], used), "section": s, "tables": body, "annex": False,
                       "part": s["title"], "holds": "; ".join(t["title"] for t in body) or _text_only(s)})
        annexes += [(s, t) for t in s["tables"] if t.get("annex")]
    for s, t in annexes:  # after every section, as a report's annexes
        sheets.append({"name": sheet_name(t.get("sheet") or ANNEX + t["title"], used), "section": s,
                       "tables": [t], "annex": True, "part": f"Annex to {s['title']}",
                       "holds": f"{t['title']}: {len(t['rows']):,} rows"})
    return sheets


def _meta_rows(meta: dict) -> list[list]:
    scope = meta.get("scope") or {}
    first, last = meta["kpi_years"]
    rows = [["Review", meta["title"]], ["Kind", meta["kind_label"]],
            ["Cut-off date", _typed(meta["cut_off"], Fmt.DATE)], ["Plan", meta["plan_title"]],
            ["Plan version", f"{meta['plan_version']}: {meta['plan_version_label']}"],
            ["KPI years", f"{first}–{last}" if first != last else first]]
    rows += [[name, scope[key]] for name, key in (("Scope", "header"), ("Progress", "progress"), ("KPIs", "kpis"),
                                                   ("Version", "version")) if scope.get(key)]
    return [*rows, ["Generated", meta["generated_at"]]]


def _contents(ws, meta: dict, sheets: list[dict]) -> None:
    for name, value in _meta_rows(meta):
        cells = append_row(ws, [name, value])
        cells[0].font = _BOLD
        if isinstance(value, date):
            cells[1].number_format = EXCEL_FORMAT[Fmt.DATE]
    ws.append([])
    for cell in append_row(ws, ["Sheet", "Part of the report", "What it holds", "Data"]):
        cell.font, cell.fill = _BOLD, _HEAD
    for sheet in sheets:
        labels = sorted({label for t in sheet["tables"] for label in _marks(t, sheet["section"])})
        row = ws.max_row + 1
        link = put_cell(ws, row, 1, sheet["name"])
        quoted = sheet["name"].replace("'", "''")  # Excel doubles quotes inside a quoted sheet name
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{quoted}'!A1", display=sheet["name"])
        link.style = "Hyperlink"
        put_cell(ws, row, 2, sheet["part"])
        put_cell(ws, row, 3, sheet["holds"])
        put_cell(ws, row, 4, " ".join(labels) or None)
    for letter, width in zip("ABCD", (32, 40, 90, 40), strict=True):
        ws.column_dimensions[letter].width = width


def render_xlsx(content: dict) -> bytes:
    """The workbook of a review's content (see the module's docstring)."""
    wb = Workbook()
    contents = wb.active
    contents.title = CONTENTS
    sheets = _plan(content)
    _contents(contents, content["meta"], sheets)
    for plan in sheets:
        sheet = _Sheet(wb.create_sheet(plan["name"]))
        if not plan["annex"]:  # an annex table's own title heads its sheet
            sheet.line(plan["part"], _TITLE)
            for paragraph in plan["section"].get("paragraphs", []):
                sheet.line(paragraph)
        for t in plan["tables"]:
            sheet.table(t, _marks(t, plan["section"]))
        sheet.finish()
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
