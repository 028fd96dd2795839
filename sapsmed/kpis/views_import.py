"""Import pages: upload, preview (the first errors and every error counted, or the changes), confirm or cancel,
marked workbook or list of errors, template.

Pages never load an import's stored file: the recent-imports list reads a few narrow columns and the
problem count kept in the summary, and the preview defers the file (only the downloads read it).
"""

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.fields.json import KT
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from sapsmed.accounts.decorators import require
from sapsmed.accounts.policy import Perm, grants_of
from sapsmed.core.tables import ERRORS_SHOWN, CellError, CsvWriter, NotMarkable, mark_errors, write_template
from sapsmed.kpis import import_services
from sapsmed.kpis.forms import ImportForm
from sapsmed.kpis.importing import long_sheet
from sapsmed.kpis.models import ImportStatus, Kpi, ObservationImport
from sapsmed.plan.models import MemberState

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _batch_for(request, pk: int) -> ObservationImport:
    """An import belongs to whoever uploaded it; the Secretariat sees all."""
    batch = get_object_or_404(ObservationImport.objects.select_related("created_by").defer("content"), pk=pk)
    if batch.created_by_id != request.user.pk and not grants_of(request.user).is_secretariat:
        raise PermissionDenied("This import belongs to another user.")
    return batch


@require(Perm.KPI_EDIT)
def import_upload(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = import_services.import_prepare(content=upload.read(), file_name=upload.name,
                                               reason=form.cleaned_data["reason"], user=request.user)
        return redirect("kpis:import_preview", pk=batch.pk)
    recent = (ObservationImport.objects.filter(created_by=request.user).exclude(kind="shipped")
              .only("pk", "file_name", "status", "created_at").annotate(problems=KT("summary__error_total"))[:10])
    return render(request, "kpis/import_upload.html", {"form": form, "recent": recent})


@require(Perm.KPI_EDIT)
def import_preview(request, pk: int):
    batch = _batch_for(request, pk)
    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            import_services.import_cancel(batch=batch, user=request.user)
            messages.info(request, "Import cancelled; nothing was written.")
            return redirect("kpis:import")
        try:
            batch = import_services.import_commit(batch=batch, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("kpis:import_preview", pk=batch.pk)
        written = batch.summary.get("written", {})
        messages.success(request, f"Import committed: {written.get('new', 0)} new values, "
                                  f"{written.get('correction', 0)} corrected or re-sourced.")
        return redirect("kpis:import_preview", pk=batch.pk)
    errors = batch.errors
    total = batch.summary.get("error_total") or len(errors)
    return render(request, "kpis/import_preview.html", {
        "batch": batch, "summary": batch.summary, "errors": errors[:ERRORS_SHOWN], "error_total": total,
        "error_kinds": batch.summary.get("error_kinds") or [], "is_xlsx": _markable(batch),
        "may_commit": batch.status == ImportStatus.PREVIEWED,
    })


def _markable(batch: ObservationImport) -> bool:
    """A workbook whose cells can be marked: an .xlsx the reader opened (a file refused as a whole, such as
    a decompression bomb or a renamed file, has an error without sheet and row, and is never opened again)."""
    refused_whole = any(e["sheet"] is None and e["row"] is None for e in batch.errors)
    return batch.file_name.lower().endswith((".xlsx", ".xlsm")) and not refused_whole


def _cell_errors(batch: ObservationImport) -> list[CellError]:
    return [CellError(e["file"], e["sheet"], e["row"], e["column"], e["value"], e["message"], e["column_number"])
            for e in batch.errors]


@require(Perm.KPI_EDIT)
def import_errors(request, pk: int):
    """The user's own workbook with the bad cells marked, or the list of problems as CSV (a CSV upload, or ?as=csv)."""
    batch = _batch_for(request, pk)
    if not batch.errors:
        raise Http404("This import has no errors to download.")
    stem = batch.file_name.rsplit(".", 1)[0]
    if _markable(batch) and request.GET.get("as") != "csv" and batch.content:
        try:
            marked = mark_errors(bytes(batch.content), _cell_errors(batch))
        except NotMarkable as error:  # e.g. an XML entity expansion the table reader never needed to parse
            return HttpResponse(f"{batch.file_name}: {error}", status=404, content_type="text/plain; charset=utf-8")
        response = HttpResponse(marked, content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{stem}-errors.xlsx"'
        return response
    out = io.StringIO()
    writer = CsvWriter(out)
    writer.writerow(["file", "sheet", "row", "column", "value", "problem"])
    for e in batch.errors:
        writer.writerow([e["file"], e["sheet"] or "", e["row"] or "", e["column"] or "", e["value"], e["message"]])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}-errors.csv"'
    return response


@require(Perm.KPI_EDIT)
def import_template(request):
    kpis = {k.code: k for k in Kpi.objects.all()}
    states = {s.iso3: s for s in MemberState.objects.order_by("iso3")}
    notes = ["One row per KPI, member state and year. Source is required for every value.",
             "SE, CI low and CI high are for survey estimates (95% interval); leave them empty otherwise.",
             "KPIs: " + "; ".join(f"{k.code} {k.name} ({k.unit})" for k in kpis.values())]
    content = write_template(long_sheet(kpis, states, request.user), None,
                             title="SAP SMED KPI values: import template", notes=notes)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="sapsmed-kpi-import-template.xlsx"'
    return response
