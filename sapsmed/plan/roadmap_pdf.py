"""The roadmap timeline as a PDF (A3 landscape): the page's own template and stylesheet through WeasyPrint."""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

# Only for the PDF: roadmap.css is linked on every page, where an @page rule would change all printing.
PAGE = """@page { size: A3 landscape; margin: 10mm 10mm 12mm;
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8pt; color: #5b6475; } }
.badge.demo { font-size: 7pt; padding: 0 3px; border: 0.5pt solid #7a4b00; background: #fff1cc; color: #7a4b00; }"""


def roadmap_pdf(context: dict, *, base_url: str) -> bytes:
    from weasyprint import CSS, HTML  # imported here: loading WeasyPrint is slow and only this needs it

    html = render_to_string("plan/roadmap/pdf.html", context)
    stylesheet = finders.find("css/roadmap.css") or str(settings.BASE_DIR / "static" / "css" / "roadmap.css")
    page = CSS(string=PAGE)
    return HTML(string=html, base_url=base_url).write_pdf(stylesheets=[CSS(filename=stylesheet), page])
