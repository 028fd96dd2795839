"""The public roadmap composed with progress: each line's status from accepted reports only, labelled.

The public sees only what the Secretariat accepted (sapsmed.progress.selectors.public_line_statuses reads
the stored accepted-basis assessments); a status drawn from demonstration reports carries the
demonstration label on the page and in the PDF.
"""

from sapsmed.plan import roadmap_views
from sapsmed.plan.roadmap_selectors import LineStatus
from sapsmed.progress.selectors import public_line_statuses


def _statuses() -> dict[str, LineStatus]:
    return {code: LineStatus(rag, label, demo) for code, (rag, label, demo) in public_line_statuses().items()}


def roadmap(request):
    return roadmap_views.roadmap_page(request, _statuses())


def roadmap_pdf_download(request):
    return roadmap_views.roadmap_pdf_response(request, _statuses())
