"""Review pages: list, create, the report with its downloads, findings, freezing, snapshots, publishing."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sapsmed.accounts.decorators import require
from sapsmed.accounts.policy import Perm, can
from sapsmed.reviews import selectors, services
from sapsmed.reviews.forms import FindingsForm, FreezeForm, ReviewForm, ScorecardPublishForm
from sapsmed.reviews.models import Review, ScorecardEdition, Snapshot
from sapsmed.reviews.render import with_charts
from sapsmed.reviews.scope import proposals, scope_of


@require(Perm.DASHBOARD_VIEW)
def review_list(request):
    if request.method == "POST" and not can(request.user, Perm.REVIEW_MANAGE):
        raise PermissionDenied("Only the ASEAN Secretariat creates reviews.")
    kind = request.GET.get("kind") if request.GET.get("kind") in ("mid_term", "final") else "final"
    form = None
    if can(request.user, Perm.REVIEW_MANAGE):  # the form proposes the scope of a review of this kind (scope.proposals)
        form = ReviewForm(request.POST or None, initial=None if request.POST else proposals(kind))
    if form is not None and request.method == "POST" and form.is_valid():
        review = services.review_create(user=request.user, **form.cleaned_data)
        messages.success(request, "Review created. Write its findings, then generate the report.")
        return redirect(reverse("review", args=[review.pk]) + "#findings")
    reviews = Review.objects.select_related("plan_version", "first_round", "last_round").prefetch_related("snapshots")
    return render(request, "reviews/review_list.html", {"reviews": reviews, "form": form, "kind": kind})


@require(Perm.DASHBOARD_VIEW)
def review_detail(request, pk: int):
    review = get_object_or_404(Review.objects.select_related("plan_version__plan", "first_round", "last_round"),
                               pk=pk)
    manage = can(request.user, Perm.REVIEW_MANAGE)
    return render(request, "reviews/review_detail.html", {
        "review": review, "scope": scope_of(review), "c": with_charts(review.content) if review.content else None,
        "findings_form": FindingsForm(instance=review) if manage else None,
        "freeze_form": FreezeForm() if manage else None, "snapshots": review.snapshots.all(),
    })


@require_POST
@require(Perm.REVIEW_MANAGE)
def review_generate(request, pk: int):
    job = services.review_generate_start(review=get_object_or_404(Review, pk=pk), user=request.user)
    return redirect("job", job.pk)


@require_POST
@require(Perm.REVIEW_MANAGE)
def review_findings(request, pk: int):
    review = get_object_or_404(Review, pk=pk)
    form = FindingsForm(request.POST, instance=review)
    if form.is_valid():
        services.review_write_findings(review=review, user=request.user, **form.cleaned_data)
        messages.success(request, "Findings saved. Generate the report again to include them.")
    return redirect("review", pk)


@require_POST
@require(Perm.REVIEW_MANAGE)
def review_freeze(request, pk: int):
    review = get_object_or_404(Review, pk=pk)
    form = FreezeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the meeting label and the date it was tabled.")
        return redirect("review", pk)
    try:
        snap = services.review_freeze(review=review, user=request.user, **form.cleaned_data)
    except services.ReviewError as exc:
        messages.error(request, str(exc))
        return redirect("review", pk)
    messages.success(request, f"Frozen: {snap.label}.")
    return redirect("snapshot", snap.pk)


@require(Perm.DASHBOARD_VIEW)
def review_file(request, pk: int, kind: str):
    review = get_object_or_404(Review, pk=pk)
    field = {"pdf": review.pdf, "xlsx": review.xlsx}.get(kind)
    if not field:
        raise Http404("Generate the report first.")
    return FileResponse(field.open("rb"), as_attachment=True, filename=field.name.rsplit("/", 1)[-1])


def _snapshot_for(request, pk: int) -> Snapshot:
    snap = get_object_or_404(Snapshot.objects.select_related("review__plan_version"), pk=pk)
    if snap.published or can(request.user, Perm.DASHBOARD_VIEW):
        return snap
    if not request.user.is_authenticated:
        raise Http404("No such published snapshot.")
    raise PermissionDenied("This snapshot is not published.")


def snapshot_detail(request, pk: int):
    try:
        snap = _snapshot_for(request, pk)
    except Http404:
        return redirect_to_login(request.get_full_path())
    internal = can(request.user, Perm.DASHBOARD_VIEW)
    # Comparing with today's data recomputes the whole review: asked for, not drawn on every view.
    compare = internal and request.GET.get("compare") == "1"
    return render(request, "reviews/snapshot_detail.html", {
        "snap": snap, "c": with_charts(snap.content), "intact": services.snapshot_intact(snap),
        "internal": internal, "changes": services.snapshot_changes(snap) if compare else None,
        "manage": can(request.user, Perm.REVIEW_MANAGE),
    })


def snapshot_file(request, pk: int, kind: str):
    snap = _snapshot_for(request, pk)
    field = {"pdf": snap.pdf, "xlsx": snap.xlsx}.get(kind)
    if not field:
        raise Http404("No such file.")
    return FileResponse(field.open("rb"), as_attachment=True, filename=field.name.rsplit("/", 1)[-1])


@require_POST
@require(Perm.REVIEW_MANAGE)
def snapshot_publish(request, pk: int):
    snap = get_object_or_404(Snapshot, pk=pk)
    services.snapshot_publish(snapshot=snap, user=request.user, published=request.POST.get("published") == "1")
    messages.success(request, "Published: anyone can now read it." if snap.published else "Withdrawn from the public.")
    return redirect("snapshot", pk)


def sdmx_data(request):
    """Every KPI observation as SDMX-CSV (public, like the KPI pages)."""
    from django.http import HttpResponse

    from sapsmed.reviews.sdmx import sdmx_csv

    response = HttpResponse(sdmx_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="sapsmed-kpi-observations.sdmx.csv"'
    return response


def sdmx_structure(request):
    """The SDMX-ML 2.1 data structure definition of that file."""
    from django.http import HttpResponse

    from sapsmed.reviews.sdmx import structure_xml

    response = HttpResponse(structure_xml(), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="sapsmed-kpi-dsd.xml"'
    return response


@require_POST
@require(Perm.AMEND_PLAN)
def review_draft_amendment(request, pk: int):
    review = get_object_or_404(Review.objects.select_related("plan_version__plan"), pk=pk)
    try:
        amendment = services.review_draft_amendment(review=review, user=request.user)
    except services.ReviewError as exc:
        messages.error(request, str(exc))
        return redirect("review", pk)
    messages.success(request, "A draft amendment was made from the recommendations: add its changes, then approve it.")
    return redirect("amendment", amendment.pk)


def published(request):
    """What the Secretariat published: tabled snapshots and official scorecard editions (public)."""
    manage = can(request.user, Perm.REVIEW_MANAGE)
    return render(request, "reviews/published.html", {
        "snapshots": selectors.published_snapshots(), "editions": selectors.published_editions(),
        "withdrawn": ScorecardEdition.objects.filter(published=False).defer("content") if manage else None,
        "publish_form": ScorecardPublishForm() if manage else None,
    })
