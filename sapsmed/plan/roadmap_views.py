"""Public roadmap pages: the timeline with filters (HTML, PDF, Excel), the template, versions and diffs."""

import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from sapsmed.accounts.policy import Perm, can
from sapsmed.plan import roadmap_selectors as selectors
from sapsmed.plan.roadmap_fields import present_diff
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


def _context(request) -> dict:
    params = _params(request)
    ctx = selectors.roadmap(params)
    ctx.update(filters=params, filters_text=_describe(params, ctx["choices"]), querystring=urlencode(params),
               generated=timezone.now(), may_edit=can(request.user, Perm.EDIT_PLAN),
               may_amend=can(request.user, Perm.AMEND_PLAN))
    return ctx


def _page_key(request) -> str | None:
    """The cache key of this visitor's page, or None when it must be drawn for them alone.

    Only anonymous visitors without pending messages share pages: a signed-in page names its user and
    carries a CSRF token. The key holds everything the page is drawn from: the URL, the plan's tables
    and each line's progress status, so a cached page is never stale.
    """
    if not getattr(settings, "SAPSMED_MEMO_DERIVED", False) or request.user.is_authenticated:
        return None
    if len(messages.get_messages(request)):
        return None
    statuses, _labels = selectors.latest_statuses()
    data = repr((request.get_full_path(), selectors.plan_fingerprint(), sorted(statuses.items(), key=str)))
    return "roadmap-page:" + hashlib.sha256(data.encode()).hexdigest()


def roadmap(request):
    params = _params(request)
    if len(params) != len(request.GET):  # the filter form sends empty fields: share the short URL instead
        return redirect(f"{reverse('roadmap')}?{urlencode(params)}" if params else reverse("roadmap"))
    key = _page_key(request)
    page = cache.get(key) if key else None
    if page is not None:
        return HttpResponse(page)
    response = render(request, "plan/roadmap/timeline.html", _context(request))
    if key and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        cache.set(key, response.content.decode())
    return response


def roadmap_pdf_download(request):
    ctx = _context(request)
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
