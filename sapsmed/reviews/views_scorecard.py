"""Published KPI scorecard editions: publish, read without login, download, withdraw."""

from decimal import Decimal

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sapsmed.accounts.decorators import require
from sapsmed.accounts.policy import Perm, can
from sapsmed.core.tables import CsvDictWriter, write_rows_xlsx
from sapsmed.reviews import selectors, services
from sapsmed.reviews.edition import EXPORT_COLUMNS, export_rows
from sapsmed.reviews.forms import ScorecardPublishForm
from sapsmed.reviews.models import ScorecardEdition


@require_POST
@require(Perm.REVIEW_MANAGE)
def scorecard_publish(request):
    form = ScorecardPublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the edition a label and the date it stands for.")
        return redirect("published")
    edition = services.scorecard_publish(user=request.user, **form.cleaned_data)
    messages.success(request, f"Published: {edition.label}. Anyone can now read it at this address.")
    return redirect("scorecard_edition", edition.pk)


@require_POST
@require(Perm.REVIEW_MANAGE)
def scorecard_withdraw(request, pk: int):
    edition = get_object_or_404(ScorecardEdition, pk=pk)
    publish = request.POST.get("published") == "1"
    services.scorecard_edition_publish(edition=edition, user=request.user, published=publish)
    messages.success(request, "Published again: anyone can read it." if publish else "Withdrawn from the public.")
    return redirect("scorecard_edition", pk)


def scorecard_edition(request, pk: int):
    edition = selectors.edition_for(request.user, pk)
    return render(request, "reviews/scorecard_edition.html", {
        "edition": edition, "m": selectors.edition_matrix(edition), "intact": services.edition_intact(edition),
        "changes": services.edition_changes(edition), "manage": can(request.user, Perm.REVIEW_MANAGE),
    })


def _filename(edition, ext: str) -> str:
    return f"sapsmed-kpi-scorecard-edition-{edition.pk}-{edition.as_of:%Y%m%d}.{ext}"


def scorecard_edition_csv(request, pk: int):
    edition = selectors.edition_for(request.user, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(edition, "csv")}"'
    response.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with the byte-order mark
    writer = CsvDictWriter(response, fieldnames=EXPORT_COLUMNS)
    writer.writeheader()
    writer.writerows(export_rows(edition))
    return response


def scorecard_edition_xlsx(request, pk: int):
    edition = selectors.edition_for(request.user, pk)
    about = [{"Field": f, "Value": v} for f, v in [
        ("Edition", edition.label), ("As of", edition.as_of.isoformat()),
        ("Published", edition.content["meta"]["generated_at"]), ("Checksum (SHA-256)", edition.checksum),
        ("Address", request.build_absolute_uri(reverse("scorecard_edition", args=[edition.pk])))]]
    # Values are stored as exact decimal text; a workbook gets them as numbers.
    rows = ({**r, **{c: None if r[c] is None else Decimal(r[c]) for c in ("baseline_value", "latest_value")}}
            for r in export_rows(edition))
    content = write_rows_xlsx([("Scorecard", list(EXPORT_COLUMNS), rows), ("About", ["Field", "Value"], about)])
    response = HttpResponse(content,
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{_filename(edition, "xlsx")}"'
    return response
