"""The public roadmap composed with progress: each line's status from accepted reports only, labelled.

The public sees only what the Secretariat accepted (sapsmed.progress.selectors.public_line_statuses reads
the stored accepted-basis assessments); a status drawn from demonstration reports carries the
demonstration label on the page and in the PDF.
"""

from sapsmed.plan import roadmap_views
from sapsmed.plan.roadmap_selectors import LineStatus
from sapsmed.progress.selectors import public_line_statuses


def _statuses(codes: list[str]) -> dict[str, LineStatus]:
    """The public status of the lines drawn (a page of the timeline, or every line in the PDF)."""
    return {code: LineStatus(rag, label, demo) for code, (rag, label, demo) in public_line_statuses(codes).items()}


def roadmap(request):
    return roadmap_views.roadmap_page(request, _statuses)


def roadmap_pdf_download(request):
    return roadmap_views.roadmap_pdf_response(request, _statuses)
