"""Render a review's content (see content.py) as a web page, an A4 PDF and an Excel workbook."""

import base64
import io
import json
import re
from datetime import datetime
from functools import lru_cache

import vl_convert as vlc
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from sapsmed.core.tables import append_row
from sapsmed.core.tables.safe_text import excel_text

DEMO_NOTE = "DEMONSTRATION DATA: synthetic progress reports, not real ones."
SYNTHETIC_NOTE = "SYNTHETIC DATA: generated survey microdata, not real responses."
# Rows (plus paragraphs) up to which a section without charts shares a page with the next.
SHORT_SECTION = 12


def chart_svg_uri(spec: dict) -> str:
    """A chart as vector SVG in a data: URI (an <img> source: safe under the strict CSP, crisp in PDF)."""
    return _svg_uri(json.dumps(spec, sort_keys=True))


@lru_cache(maxsize=256)
def _svg_uri(spec_json: str) -> str:
    # Drawing a chart takes a fraction of a second; review and snapshot pages show the same stored
    # specs on every view, so each process draws each one once.
    svg = vlc.vegalite_to_svg(json.loads(spec_json))
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def with_charts(content: dict) -> dict:
    """The content laid out for templates: each chart drawn and placed with the table of the same key (a
    KPI's chart beside its table); charts without a table go first. A section with no chart and few rows
    is marked short, so the PDF lets it share a page instead of starting a page of its own."""
    sections = []
    for s in content["sections"]:
        charts = [{**c, "src": chart_svg_uri(c["spec"])} for c in s.get("charts", [])]
        shown = [t for t in s["tables"] if not t.get("annex")]  # annex tables are in the workbook only
        keys = {t.get("key") or t["title"] for t in shown}
        tables = [{**t, "charts": [c for c in charts if c.get("key") == (t.get("key") or t["title"])]}
                  for t in shown]
        loose = [c for c in charts if c.get("key") not in keys]
        short = (not charts and sum(len(t["rows"]) for t in shown) + len(s["paragraphs"]) <= SHORT_SECTION
                 and bool(sections) and _marks(sections[-1]) == _marks(s))  # never onto a page marked otherwise
        sections.append({**s, "charts": loose, "tables": tables, "short": short})
    return {**content, "sections": sections, "generated_label": _when(content["meta"].get("generated_at", ""))}


def _marks(s: dict) -> tuple[bool, bool]:
    return bool(s.get("demo")), bool(s.get("synthetic"))


def _when(iso: str) -> str:
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{moment.day} {moment:%B %Y, %H:%M} {moment.tzname() or ''}".strip()


def render_pdf(content: dict) -> bytes:
    from weasyprint import CSS, HTML

    html = render_to_string("reviews/report_print.html", {"c": with_charts(content), "demo_note": DEMO_NOTE,
                                                           "synthetic_note": SYNTHETIC_NOTE})
    css = CSS(filename=finders.find("reviews/print.css"))
    return HTML(string=html).write_pdf(stylesheets=[css])


def _sheet_name(title: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]\:\*\?\/\\]", " ", excel_text(title))[:28].strip() or "Table"
    name, n = base, 2
    while name.lower() in used:
        name, n = f"{base[:25]} {n}", n + 1
    used.add(name.lower())
    return name


def render_xlsx(content: dict) -> bytes:
    """Every row goes through append_row: text from reports and KPIs stays text, never a formula."""
    wb = Workbook()
    about = wb.active
    about.title = "About"
    meta = content["meta"]
    rows = [["Review", meta["title"]], ["Kind", meta["kind_label"]], ["Cut-off date", meta["cut_off"]],
            ["Plan", meta["plan_title"]], ["Plan version", f"{meta['plan_version']}: {meta['plan_version_label']}"],
            ["KPI years", f"{meta['kpi_years'][0]}-{meta['kpi_years'][1]}"], ["Generated", meta["generated_at"]]]
    if meta.get("demo"):
        rows.append(["Note", DEMO_NOTE])
    if meta.get("synthetic"):
        rows.append(["Note", SYNTHETIC_NOTE])
    for r in rows:
        append_row(about, r)
    about.column_dimensions["A"].width, about.column_dimensions["B"].width = 16, 90
    used = {"about"}
    bold, head = Font(bold=True), PatternFill("solid", fgColor="EEF1F6")
    for s in content["sections"]:
        for t in s["tables"]:
            ws = wb.create_sheet(_sheet_name(t["title"], used))
            append_row(ws, [f"{s['title']} — {t['title']}"])[0].font = bold
            if s.get("demo"):
                append_row(ws, [DEMO_NOTE])
            if s.get("synthetic"):
                append_row(ws, [SYNTHETIC_NOTE])
            for cell in append_row(ws, t["columns"]):
                cell.font, cell.fill = bold, head
            for row in t["rows"]:
                append_row(ws, [str(v) if isinstance(v, list | dict) else v for v in row])
            if t.get("note"):
                ws.append([])
                append_row(ws, [t["note"]])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
