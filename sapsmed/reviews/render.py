"""Render a review's content (see content.py) as a web page, an A4 PDF and an Excel workbook."""

import base64
import json
from datetime import datetime
from functools import lru_cache

import vl_convert as vlc
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from sapsmed.reviews.workbook import render_xlsx  # noqa: F401 - callers import it from here

DEMO_NOTE = "DEMONSTRATION DATA: synthetic progress reports, not real ones."
SYNTHETIC_NOTE = "SYNTHETIC DATA: generated survey microdata, not real responses."
NOTES = {"demo": DEMO_NOTE, "synthetic": SYNTHETIC_NOTE}
# Rows (plus paragraphs) up to which a section without charts shares a page with the next.
SHORT_SECTION = 12


def chart_svg_uri(spec: dict) -> str:
    """A chart as vector SVG in a data: URI (an <img> source: safe under the strict CSP, crisp in PDF)."""
    return _svg_uri(json.dumps(spec, sort_keys=True))


@lru_cache(maxsize=256)
def _svg_uri(spec_json: str) -> str:
    # Drawing a chart takes a fraction of a second: a generated report stores its drawings (with_drawings),
    # so pages draw only the charts of contents stored before that (each process once).
    svg = vlc.vegalite_to_svg(json.loads(spec_json))
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def chart_png_uri(spec: dict) -> str:
    """A chart as PNG (twice its CSS size: about 250 dpi across an A4 page) in a data: URI, for the PDF.
    WeasyPrint paints an SVG chart's every mark and label itself: 15 charts took 3.7 s of a 10 s budget to
    paint, and a PNG from the same spec is drawn faster than its SVG is painted (measured: 6.3 s against 9.8 s
    for the full-data final review's PDF); the page keeps the SVG."""
    return _png_uri(json.dumps(spec, sort_keys=True))


@lru_cache(maxsize=256)
def _png_uri(spec_json: str) -> str:
    png = vlc.vegalite_to_png(json.loads(spec_json), scale=2)
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def with_drawings(content: dict) -> dict:
    """The content with each chart's SVG drawing stored beside its spec (`svg`), drawn once when the report is
    generated: the review and snapshot pages then show the stored drawing, as tabled, without drawing it."""
    return {**content, "sections": [{**s, "charts": [{**c, "svg": chart_svg_uri(c["spec"])} for c in s["charts"]]}
                                    for s in content["sections"]]}


def with_charts(content: dict, *, for_print: bool = False) -> dict:
    """The content laid out for templates: each chart drawn and placed with the table of the same key (a
    KPI's chart beside its table); charts without a table go first. A section with no chart and few rows
    is marked short, so the PDF lets it share a page instead of starting a page of its own. Each section
    and table names the PDF page it needs (`page`): landscape for a table too wide for portrait, marked
    for demonstration or synthetic data only where they appear."""
    sections = []
    for s in content["sections"]:
        charts = [{**c, "src": chart_png_uri(c["spec"]) if for_print else (c.get("svg") or chart_svg_uri(c["spec"]))}
                  for c in s.get("charts", [])]
        shown = [t for t in s["tables"] if not t.get("annex")]  # annex tables are in the workbook only
        keys = {t.get("key") or t["title"] for t in shown}
        # The whole section is marked when it says so itself or when all its tables are marked; otherwise
        # only its marked tables are (each on pages of its own, with a banner).
        mark = _section_mark(s, shown)
        tables = [{**t, "charts": [c for c in charts if c.get("key") == (t.get("key") or t["title"])],
                   "wide": is_wide(t), "page": _page_name(is_wide(t), mark or _mark(t)),
                   "banner": "" if mark else NOTES.get(_mark(t), "")} for t in shown]
        loose = [c for c in charts if c.get("key") not in keys]
        short = (not charts and sum(len(t["rows"]) for t in shown) + len(s["paragraphs"]) <= SHORT_SECTION
                 and bool(sections) and sections[-1]["page"] == mark
                 and all(t["page"] == mark for t in tables))  # never onto a page marked otherwise
        sections.append({**s, "charts": loose, "tables": tables, "short": short, "page": mark})
    return {**content, "sections": sections, "generated_label": _when(content["meta"].get("generated_at", ""))}


# Portrait A4 less the margins (print.css), and the widths a column needs at the tables' 8.5 pt type:
# DejaVu Sans figures are 0.64 em (1.9 mm), letters about 0.58 em on average; cells are padded 3.2 mm.
PORTRAIT_WIDTH_MM = 210 - 2 * 18
DIGIT_MM, LETTER_MM, PADDING_MM = 1.95, 1.75, 3.4
# More columns than this never read well on portrait, whatever their widths.
PORTRAIT_COLUMNS = 8


def table_min_width_mm(t: dict) -> float:
    """The narrowest a table can be laid out: a text column as wide as its longest word, a numeric column
    (never wrapped) as wide as its longest printed value."""
    from sapsmed.core.report_cells import cell_text, formats_of

    total = 0.0
    for i, fmt in enumerate(formats_of(t["columns"], t.get("formats"))):
        words = max((len(w) for w in str(t["columns"][i]).split()), default=1)
        for row in t["rows"]:
            text = cell_text(row[i] if i < len(row) else None, fmt)
            numeric = isinstance(row[i] if i < len(row) else None, int | float)
            words = max(words, len(text) if numeric else max((len(w) for w in text.split()), default=0))
        per_char = DIGIT_MM if fmt not in ("text",) else LETTER_MM
        total += words * per_char + PADDING_MM
    return total


def is_wide(t: dict) -> bool:
    """A table that goes on a landscape page: too many columns, or columns too wide, for portrait."""
    return len(t["columns"]) > PORTRAIT_COLUMNS or table_min_width_mm(t) > PORTRAIT_WIDTH_MM


def _mark(t: dict) -> str:
    return "demo" if t.get("demo") else "synthetic" if t.get("synthetic") else ""


def _section_mark(s: dict, shown: list[dict]) -> str:
    own = "demo" if s.get("demo") else "synthetic" if s.get("synthetic") else ""
    marked_tables = [t for t in shown if _mark(t)]
    if not own or (marked_tables and len(marked_tables) < len(shown)):
        return ""  # only the marked tables are
    return own


def _page_name(wide: bool, mark: str) -> str:
    """The CSS named page (print.css): "", "wide", "demo", "wide-demo", "synthetic", "wide-synthetic"."""
    return "-".join(p for p in ("wide" if wide else "", mark) if p)


def _when(iso: str) -> str:
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{moment.day} {moment:%B %Y, %H:%M} {moment.tzname() or ''}".strip()


def report_html(content: dict) -> str:
    return render_to_string("reviews/report_print.html", {"c": with_charts(content, for_print=True),
                                                          "demo_note": DEMO_NOTE,
                                                          "synthetic_note": SYNTHETIC_NOTE})


def render_document(content: dict):
    """The PDF laid out (a WeasyPrint Document): its pages and boxes, before they are written."""
    from weasyprint import CSS, HTML

    css = CSS(filename=finders.find("reviews/print.css"))
    return HTML(string=report_html(content)).render(stylesheets=[css])


def render_pdf(content: dict) -> bytes:
    return render_document(content).write_pdf()
