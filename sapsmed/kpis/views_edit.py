"""Data entry: a focal point enters or corrects its state's values and targets; the Secretariat any state's."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from sapsmed.accounts.policy import Perm, can
from sapsmed.kpis import services
from sapsmed.kpis.forms import ObservationForm, TargetForm
from sapsmed.kpis.models import Kpi, Observation, Target
from sapsmed.plan.models import MemberState


def _allowed_or_deny(request, perm: Perm, state: str | None) -> None:
    if can(request.user, perm, state=state):
        return
    if not request.user.is_authenticated:
        raise _LoginRequired()
    raise PermissionDenied(f"Your role does not allow this ({perm}).")


class _LoginRequired(Exception):
    pass


def _guarded(view):
    """Send anonymous visitors to log in when the view refuses them; others get the 403 raised."""
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _LoginRequired:
            return redirect_to_login(request.get_full_path())
    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _add_errors(form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message[0].upper() + message[1:])


@_guarded
def observation_enter(request, code: str, iso3: str):
    """Enter a value for a year, or correct the year's value; a correction needs a reason."""
    kpi = get_object_or_404(Kpi, code=code.upper())
    state = get_object_or_404(MemberState, iso3=iso3.upper())
    _allowed_or_deny(request, Perm.KPI_EDIT, state.iso3)
    existing = None
    if request.method == "POST":
        form = ObservationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            existing = Observation.objects.filter(kpi=kpi, state=state, year=data["year"]).first()
            if existing is not None and not data["reason"].strip():
                form.add_error("reason", f"{data['year']} already has a value; say why it is corrected.")
            else:
                try:
                    obs = services.observation_record(
                        kpi=kpi, state=state, year=data["year"], value=data["value"], source=data["source"],
                        user=request.user, reason=data["reason"].strip() or "Entered on the platform",
                        se=data["se"], ci_low=data["ci_low"], ci_high=data["ci_high"],
                        provenance={"note": data["note"], "confidence": "confirmed"},
                    )
                except ValidationError as error:
                    _add_errors(form, error)
                else:
                    messages.success(request, f"{kpi.code} {state.name} {obs.year}: value {obs.outcome}.")
                    return redirect("kpis:observation", pk=obs.pk)
    else:
        initial = {}
        year = request.GET.get("year", "")
        if year.isdigit():
            existing = Observation.objects.filter(kpi=kpi, state=state, year=int(year)).first()
            initial = {"year": int(year)}
            if existing is not None:
                initial.update(value=existing.value.normalize(), source=existing.source, note=existing.note,
                               se=existing.se, ci_low=existing.ci_low, ci_high=existing.ci_high)
        form = ObservationForm(initial=initial)
    return render(request, "kpis/observation_form.html",
                  {"kpi": kpi, "state": state, "form": form, "existing": existing})


@require_POST
@_guarded
def observation_validate(request, pk: int):
    obs = get_object_or_404(Observation.objects.select_related("state", "kpi"), pk=pk)
    _allowed_or_deny(request, Perm.KPI_EDIT, obs.state.iso3)
    try:
        services.observation_validate(observation=obs, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{obs.kpi.code} {obs.state.name} {obs.year} is validated.")
    return redirect("kpis:observation", pk=obs.pk)


@_guarded
def target_edit(request, code: str):
    """Set a KPI's target for one state (?state=MYS) or, without a state, the regional target."""
    kpi = get_object_or_404(Kpi, code=code.upper())
    iso3 = request.GET.get("state", "").upper()
    state = get_object_or_404(MemberState, iso3=iso3) if iso3 else None
    _allowed_or_deny(request, Perm.KPI_TARGET_SET, state.iso3 if state else None)
    current = Target.objects.filter(kpi=kpi, state=state).first()
    if request.method == "POST":
        form = TargetForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.target_set(kpi=kpi, state=state, value=data["value"], year=data["year"],
                                    set_by=data["set_by"], decided=data["decided"], source=data["source"],
                                    note=data["note"], user=request.user, reason=data["reason"] or "Target set")
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, f"Target of {kpi.code} for {state.name if state else 'ASEAN'} saved.")
                return redirect("kpis:kpi", code=kpi.code)
    else:
        initial = {}
        if current is not None:
            initial = {"value": current.value.normalize(), "year": current.year, "set_by": current.set_by,
                       "decided": current.decided, "source": current.source, "note": current.note}
        form = TargetForm(initial=initial)
    return render(request, "kpis/target_form.html", {"kpi": kpi, "state": state, "form": form, "current": current})
