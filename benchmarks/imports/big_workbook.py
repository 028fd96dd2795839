"""Builds long-format KPI workbooks of any size, the way Excel stores them (shared strings), in seconds.

The XML is written straight into the zip: openpyxl takes minutes and gigabytes for a million rows, and
what is measured is the server reading the file, not the tool making it. The values are SYNTHETIC and the
Source column says so. Every tenth row carries a value that is not a number, so a file under the cap
has errors to preview; `valid=True` makes every value a number.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

HEADER = ["KPI", "State", "Year", "Value", "Source", "Note"]
KPIS = ["KPI-E1", "KPI-E2", "KPI-A1", "KPI-B1", "KPI-C1", "KPI-D1", "KPI-F1", "KPI-G1", "KPI-H1", "KPI-I1", "KPI-J1"]
STATES = ["BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "VNM"]
SOURCE = "SYNTHETIC benchmark value"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>")
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Observations" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>')


def build(path: Path, rows: int, *, valid: bool = False, kpis=KPIS, states=STATES) -> Path:
    """A workbook of `rows` rows in all (the header included), sheet 'Observations'.

    Rows cycle through KPI, state and year (2000-2026), so the first len(kpis) x len(states) x 27 are distinct."""
    kpis, states = list(kpis), list(states)
    strings = [*HEADER, *kpis, *states, SOURCE, "n/a"]
    index = {text: i for i, text in enumerate(strings)}
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")  # renamed when whole, so a build cut short is never taken for the file
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        shared = "".join(f"<si><t>{text}</t></si>" for text in strings)
        archive.writestr("xl/sharedStrings.xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{len(strings)}" uniqueCount="{len(strings)}">{shared}</sst>'))
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write((
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                f'<dimension ref="A1:F{rows}"/><sheetData>').encode())
            header = "".join(f'<c r="{chr(65 + i)}1" t="s"><v>{i}</v></c>' for i in range(len(HEADER)))
            sheet.write(f'<row r="1">{header}</row>'.encode())
            block = []
            for r in range(2, rows + 1):
                n = r - 2
                kpi = index[kpis[n % len(kpis)]]
                state = index[states[(n // len(kpis)) % len(states)]]
                year = 2000 + (n // (len(kpis) * len(states))) % 27
                value = (f'<c r="D{r}" t="s"><v>{index["n/a"]}</v></c>' if not valid and r % 10 == 0
                         else f'<c r="D{r}"><v>{10 + (r % 70) / 4}</v></c>')
                block.append(f'<row r="{r}"><c r="A{r}" t="s"><v>{kpi}</v></c><c r="B{r}" t="s"><v>{state}</v></c>'
                             f'<c r="C{r}"><v>{year}</v></c>{value}<c r="E{r}" t="s"><v>{index[SOURCE]}</v></c></row>')
                if len(block) == 10_000:
                    sheet.write("".join(block).encode())
                    block = []
            sheet.write(("".join(block) + "</sheetData></worksheet>").encode())
    partial.replace(path)
    return path
