"""Public KPI pages: a page per KPI and per state, regional view, charts, exports, a value's history.

The scorecard at /kpis/ links the latest published edition (a reviews fact), so the composing pages show it
(sapsmed.pages.kpi_pages); every page here reads the stored cells through sapsmed.kpis.selectors.
"""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from sapsmed.accounts.policy import Perm, can
from sapsmed.core.regional import Method
from sapsmed.core.tables import CsvDictWriter, write_rows_xlsx
from sapsmed.kpis import charts, selectors

EXPORT_COLUMNS = ("kpi", "kpi_name", "unit", "state", "state_name", "year", "value", "se", "ci_low", "ci_high",
                  "status", "confidence", "source", "note", "source_file", "source_row", "source_repo",
                  "source_commit", "source_url", "vintage", "estimate", "import_id", "import_file",
                  "created_by", "created_at", "updated_by", "updated_at")
_WHO = ("created_by", "updated_by")


def _editable_states(request) -> set[str]:
    """The states whose values the user may enter, for showing edit links (the edit views check again)."""
    if not can(request.user, Perm.KPI_EDIT):
        return set()
    return {s.iso3 for s in selectors.states() if can(request.user, Perm.KPI_EDIT, state=s.iso3)}


def kpi_detail(request, code: str):
    ctx = selectors.kpi_page(code.upper())
    ctx["editable"] = _editable_states(request)
    ctx["may_set_regional_target"] = can(request.user, Perm.KPI_TARGET_SET)
    return render(request, "kpis/kpi_detail.html", ctx)


def state_detail(request, iso3: str):
    ctx = selectors.state_page(iso3)
    ctx["may_edit"] = can(request.user, Perm.KPI_EDIT, state=ctx["state"].iso3)
    ctx["may_set_target"] = can(request.user, Perm.KPI_TARGET_SET, state=ctx["state"].iso3)
    return render(request, "kpis/state_detail.html", ctx)


def regional(request):
    method = request.GET.get("method", Method.MEAN)
    if method not in (Method.MEAN, Method.MEDIAN):
        method = Method.MEAN
    return render(request, "kpis/regional.html", {"rows": selectors.regional_view(method), "method": Method(method)})


def observation_detail(request, pk: int):
    ctx = selectors.observation_page(pk)
    obs = ctx["observation"]
    ctx["show_history"] = can(request.user, Perm.VIEW_HISTORY)
    ctx["may_edit"] = can(request.user, Perm.KPI_EDIT, state=obs.state.iso3)
    return render(request, "kpis/observation_detail.html", ctx)


def _spec(code: str) -> dict:
    kpi, cells, regional_target = selectors.kpi_series(code.upper())
    return charts.chart_spec(kpi, cells, regional_target)


def chart_json(request, code: str):
    return JsonResponse(_spec(code))


def chart_svg(request, code: str):
    response = HttpResponse(charts.chart_svg(_spec(code)), content_type="image/svg+xml")
    response["Content-Disposition"] = f'attachment; filename="{code.upper()}.svg"'
    return response


def chart_png(request, code: str):
    response = HttpResponse(charts.chart_png(_spec(code)), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="{code.upper()}.png"'
    return response


def _export_rows(request):
    """Every observation; who entered or changed a value is shown to signed-in users holding a role only."""
    show_who = can(request.user, Perm.VIEW_HISTORY)
    for row in selectors.export_rows():
        if not show_who:
            for name in _WHO:
                row[name] = "(shown to signed-in users with a role)" if row[name] else ""
        yield row


def export_csv(request):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="sapsmed-kpi-observations.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with the byte-order mark
    writer = CsvDictWriter(response, fieldnames=EXPORT_COLUMNS)  # a note such as "=1+2" stays text in Excel
    writer.writeheader()
    for row in _export_rows(request):
        writer.writerow(row)
    return response


def export_xlsx(request):
    content = write_rows_xlsx([("Observations", list(EXPORT_COLUMNS), _export_rows(request))])
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="sapsmed-kpi-observations.xlsx"'
    return response
