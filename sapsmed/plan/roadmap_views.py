"""Public roadmap pages: the timeline with filters (HTML, PDF, Excel), the template, versions and diffs.

The timeline and its PDF show each line's progress status, which the plan app does not know: the composing
pages (sapsmed.pages.roadmap_pages) answer their addresses and call `roadmap_page`/`roadmap_pdf_response`
with the statuses.
"""

from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from sapsmed.accounts.policy import Perm, can
from sapsmed.core.roadmap_fields import present_diff
from sapsmed.plan import roadmap_selectors as selectors
from sapsmed.plan.roadmap_pdf import roadmap_pdf
from sapsmed.plan.roadmap_workbook import blank_template, export_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _describe(params: dict, choices: dict) -> str:
    """The active filters in words, for the page, the PDF and the workbook."""
    def named(items):
        return {c.code: c.name for c in items}

    names = {
        "goal": ("Goal", {g.code: f"{g.code}) {g.name}" for g in choices["goals"]}),
        "action": ("Action", {a.code: a.code for a in choices["actions"]}),
        "champion": ("Country Champion", named(choices["states"])),
        "state": ("Lead or proponent state", named(choices["states"])),
        "org": ("Proponent organisation", named(choices["organisations"])),
        "pathway": ("Pathway", named(choices["pathways"])),
        "measure": ("Type of measure", named(choices["measures"])),
        "theme": ("Cross-cutting theme", {t: t for t in choices["themes"]}),
        "period": ("Period", {p.code: str(p) for p in choices["periods"]}),
        "level": ("Implementation level", dict(choices["levels"])),
    }
    parts = [f"{label}: {values.get(params[key], params[key])}" for key, (label, values) in names.items()
             if params.get(key)]
    if params.get("retired"):
        parts.append("retired lines included")
    return "; ".join(parts)


def _params(request) -> dict:
    """The filters given, without the empty ones: the canonical form of a shareable roadmap URL."""
    wanted = (*selectors.FILTERS, "version", "retired")
    return {key: value.strip() for key, value in request.GET.items() if key in wanted and value.strip()}


def _context(request, statuses=None, *, paged: bool = False) -> dict:
    params = _params(request)
    page = request.GET.get("page", "").strip() if paged else ""
    ctx = selectors.roadmap({**params, "page": page} if page else params, statuses, paged=paged)
    ctx.update(filters=params, filters_text=_describe(params, ctx["choices"]), querystring=urlencode(params),
               generated=timezone.now(), may_edit=can(request.user, Perm.EDIT_PLAN),
               may_amend=can(request.user, Perm.AMEND_PLAN))
    return ctx


def roadmap_page(request, statuses=None):
    """The timeline, a page of lines at a time (statuses: selectors.Statuses, from the page that composes it
    with progress)."""
    params = _params(request)
    page = request.GET.get("page", "").strip()
    if len(params) + bool(page) != len(request.GET):  # the filter form sends empty fields: share the short URL
        return redirect(f"{reverse('roadmap')}?{urlencode(params)}" if params else reverse("roadmap"))
    return render(request, "plan/roadmap/timeline.html", _context(request, statuses, paged=True))


def roadmap_pdf_response(request, statuses=None):
    ctx = _context(request, statuses)
    pdf = roadmap_pdf(ctx, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="sap-smed-roadmap-v{ctx["version"].number}.pdf"'
    return response


def roadmap_xlsx_download(request):
    ctx = _context(request)
    identity = [(r.code, g.code, r.lv.action_line.action.code, selectors.terms_of(r.lv))
                for g in ctx["groups"] for r in g.rows]
    title = f"SAP SMED roadmap, version {ctx['version'].number}: {ctx['version'].label}"
    data = export_workbook(identity, ctx["lookups"], title=title, filters_text=ctx["filters_text"])
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="sap-smed-roadmap-v{ctx["version"].number}.xlsx"'
    return response


def roadmap_template_download(request):
    response = HttpResponse(blank_template(selectors.lookups(with_lines=False)), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="sap-smed-roadmap-template.xlsx"'
    return response


def version_list(request):
    return render(request, "plan/roadmap/versions.html", {"versions": selectors.versions()})


def version_diff(request):
    all_versions = selectors.versions()
    latest = all_versions[-1].number if all_versions else None
    before = request.GET.get("from") or (all_versions[-2].number if len(all_versions) > 1 else latest)
    after = request.GET.get("to") or latest
    result = selectors.version_diff(all_versions, before, after)
    changes = present_diff(result.diff, result.titles, result.names)
    return render(request, "plan/roadmap/diff.html", {"result": result, "changes": changes, "versions": all_versions})
