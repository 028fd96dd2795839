"""Pages of the evidence module: MSME definitions and comparison, surveys, uploads, estimates, downloads.

Definitions, comparisons and computed estimates are public. Defining a survey, uploading its microdata
and running estimates need SURVEY_MANAGE for every state of the survey (the Secretariat, or the focal
point of a single-state survey of its own state). Posting an estimate as a KPI observation needs
KPI_EDIT for the estimate's state.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from sapsmed.accounts.policy import Perm, can, grants_of
from sapsmed.core.msme import CurrencyMismatch, Enterprise
from sapsmed.surveys import exports, selectors, services
from sapsmed.surveys.definitions import stored_registry
from sapsmed.surveys.forms import CompareForm, EstimateForm, PostForm, SurveyForm, UploadForm, default_compare_date
from sapsmed.surveys.models import RunStatus, Survey
from sapsmed.surveys.sizing import SizeInputs, available
from sapsmed.surveys.storage import StorageError


def _deny(request, perm: Perm):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied(f"Your role does not allow this ({perm}).")


def may_manage(user, survey: Survey) -> bool:
    codes = [s.iso3 for s in survey.states.all()]
    return bool(codes) and all(can(user, Perm.SURVEY_MANAGE, state=code) for code in codes)


def _survey_managed(request, pk: int):
    survey = selectors.survey_page(pk)["survey"]
    if not may_manage(request.user, survey):
        return survey, _deny(request, Perm.SURVEY_MANAGE)
    return survey, None


# --- definitions ------------------------------------------------------------------------------------------

def evidence_home(request):
    return render(request, "surveys/home.html", {"surveys": selectors.survey_list()[:5]})


def msme_definitions(request):
    return render(request, "surveys/definitions_index.html", selectors.definitions_index())


def msme_state(request, iso3: str):
    return render(request, "surveys/definitions_state.html", selectors.state_definitions_page(iso3))


def msme_compare(request):
    registry = stored_registry()
    sectors = registry.broad_sectors if registry else ()
    params = request.GET if "on" in request.GET else None
    form = CompareForm(params, currencies=selectors.currencies(registry), sectors=sectors,
                       initial={"on": default_compare_date()})
    ctx = {"form": form, "registry": registry}
    if params is not None and form.is_valid():
        data = form.cleaned_data
        try:
            enterprise = Enterprise(
                employees=data["employees"], sector=data["sector"] or None, currency=data["currency"] or None,
                **{k: float(data[k]) for k in ("revenue", "assets", "capital") if data[k] is not None},
            )
            ctx |= selectors.comparison(enterprise, data["on"])
            # This form takes one set of figures, so the core's advice to enter figures per state does not apply.
            ctx["note"] = ctx["comparison"].note.split(" Enter figures per state")[0] if ctx["comparison"] else ""
        except (CurrencyMismatch, ValueError) as error:
            form.add_error(None, str(error))
    return render(request, "surveys/compare.html", ctx)


# --- surveys ----------------------------------------------------------------------------------------------

def survey_list(request):
    return render(request, "surveys/survey_list.html", {"surveys": selectors.survey_list(),
                                                         "may_create": can(request.user, Perm.SURVEY_MANAGE)})


@require_http_methods(["GET", "POST"])
def survey_create(request):
    if not can(request.user, Perm.SURVEY_MANAGE):
        return _deny(request, Perm.SURVEY_MANAGE)
    grants = grants_of(request.user)
    allowed = None if grants.is_secretariat else sorted(grants.focal_point_states)
    form = SurveyForm(request.POST or None, allowed_states=allowed)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        states, sector_map = data.pop("states"), data.pop("sector_lines")
        survey = services.survey_create(user=request.user, states=states, sector_map=sector_map, **data)
        messages.success(request, f"Survey “{survey.name}” defined. Upload its microdata next.")
        return redirect("survey", pk=survey.pk)
    return render(request, "surveys/survey_form.html", {"form": form})


def survey_detail(request, pk: int):
    ctx = selectors.survey_page(pk)
    ctx["may_manage"] = may_manage(request.user, ctx["survey"])
    ctx["derived"] = available(SizeInputs.of(ctx["survey"]))
    return render(request, "surveys/survey_detail.html", ctx)


@require_http_methods(["GET", "POST"])
def survey_upload(request, pk: int):
    survey, denied = _survey_managed(request, pk)
    if denied:
        return denied
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.dataset_upload_start(survey=survey, uploaded=form.cleaned_data["file"], user=request.user)
        except StorageError as error:
            form.add_error("file", str(error))
        else:
            job.refresh_from_db()
            if job.status == "failed":
                messages.error(request, f"{job.title}: {job.message}")
            else:
                messages.success(request, f"{job.title}: {job.message or 'queued'}")
            return redirect("survey", pk=survey.pk)
    return render(request, "surveys/upload.html", {"survey": survey, "form": form})


@require_http_methods(["GET", "POST"])
def survey_estimate(request, pk: int, dataset_pk: int):
    survey, denied = _survey_managed(request, pk)
    if denied:
        return denied
    dataset = selectors.dataset_for(survey, dataset_pk)
    derived = available(SizeInputs.of(survey))
    form = EstimateForm(request.POST or None, survey=survey, columns=dataset.columns, derived=derived)
    if request.method == "POST" and form.is_valid():
        run = services.estimate_run_start(survey=survey, dataset=dataset, by=form.cleaned_data["by"],
                                          statistics=form.statistics(), user=request.user)
        return redirect("estimate_run", pk=run.pk)
    return render(request, "surveys/estimate_form.html", {"survey": survey, "dataset": dataset, "form": form})


# --- estimates --------------------------------------------------------------------------------------------

def estimate_run(request, pk: int):
    ctx = selectors.run_page(pk)
    registry = stored_registry() if ctx["harmonised_used"] else None
    ctx["harmonised_label"] = registry.harmonised.label if registry else None
    ctx["finished"] = ctx["run"].status in (RunStatus.DONE, RunStatus.FAILED)
    states = {e.state.iso3 for e in ctx["estimates"] if e.state is not None}
    ctx["postable"] = set() if ctx["dataset"].is_synthetic else {
        code for code in states if can(request.user, Perm.KPI_EDIT, state=code)}
    ctx["may_post"] = bool(ctx["postable"])
    return render(request, "surveys/run_detail.html", ctx)


def _run_download(pk: int):
    ctx = selectors.run_page(pk)
    if ctx["run"].status != RunStatus.DONE:
        raise Http404("These estimates are not computed yet.")
    registry = stored_registry() if ctx["harmonised_used"] else None
    return ctx, (registry.harmonised.label if registry else None)


def estimate_run_csv(request, pk: int):
    ctx, label = _run_download(pk)
    response = HttpResponse(exports.run_csv(ctx, label), content_type="text/csv; charset=utf-8")
    suffix = "-SYNTHETIC" if ctx["dataset"].is_synthetic else ""
    response["Content-Disposition"] = f'attachment; filename="estimates-{pk}{suffix}.csv"'
    return response


def estimate_run_xlsx(request, pk: int):
    ctx, label = _run_download(pk)
    response = HttpResponse(exports.run_xlsx(ctx, label),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    suffix = "-SYNTHETIC" if ctx["dataset"].is_synthetic else ""
    response["Content-Disposition"] = f'attachment; filename="estimates-{pk}{suffix}.xlsx"'
    return response


@require_http_methods(["GET", "POST"])
def estimate_post(request, pk: int):
    estimate = selectors.estimate_for(pk)
    state = estimate.state.iso3 if estimate.state else None
    if not can(request.user, Perm.KPI_EDIT, state=state):
        return _deny(request, Perm.KPI_EDIT)
    run = estimate.run
    form = PostForm(request.POST or None, default_year=run.survey.reference_year)
    problem = services.estimate_post_problem(estimate)
    if request.method == "POST" and problem is None and form.is_valid():
        data = form.cleaned_data
        try:
            services.estimate_post(estimate=estimate, kpi=data["kpi"], year=data["year"], scale=data["scale"],
                                   user=request.user, reason=data["reason"])
        except services.PostingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Posted as {data['kpi'].code} for {estimate.state.name}, {data['year']}.")
            return redirect(reverse("estimate_run", args=[run.pk]))
    return render(request, "surveys/post_form.html", {"estimate": estimate, "run": run, "form": form,
                                                       "problem": problem})
