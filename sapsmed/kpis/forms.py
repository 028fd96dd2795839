"""Forms of the KPI pages: a value entered or corrected by a focal point, a target, an upload."""

from django import forms

from sapsmed.accounts.bounds import form_field
from sapsmed.kpis import rules
from sapsmed.kpis.models import OBSERVATION_BOUNDS as OBS
from sapsmed.kpis.models import REASON_BOUNDS
from sapsmed.kpis.models import TARGET_BOUNDS as TARGET


class ObservationForm(forms.Form):
    year = forms.IntegerField(min_value=rules.YEAR_MIN)
    value = form_field(OBS["value"], help_text="In the KPI's unit, with a dot for decimals.")
    source = form_field(OBS["source"], help_text="Required: the publication, table or URL.")
    note = form_field(OBS["note"], required=False, widget=forms.Textarea(attrs={"rows": 2}))
    se = form_field(OBS["se"], label="Standard error", required=False)
    ci_low = form_field(OBS["ci_low"], label="95% CI low", required=False)
    ci_high = form_field(OBS["ci_high"], label="95% CI high", required=False)
    reason = form_field(
        REASON_BOUNDS, required=False,
        help_text="Required when the year already has a value: why it is corrected (kept in the history).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The last accepted year moves with the calendar, so it is set per form, not at import time.
        self.fields["year"].widget.attrs["max"] = rules.year_max()
        self.fields["year"].validators.append(_year_in_range)


def _year_in_range(year: int) -> None:
    problem = rules.year_problem(year)
    if problem:
        raise forms.ValidationError(problem)


class TargetForm(forms.Form):
    value = form_field(TARGET["value"])
    year = forms.IntegerField(min_value=2017, max_value=2100)
    set_by = form_field(TARGET["set_by"], label="Set by", help_text="e.g. ACCMSME, or the national SME agency")
    decided = form_field(TARGET["decided"], label="Decided", help_text="When and where, e.g. 'ACCMSME, March 2022'")
    source = form_field(TARGET["source"], help_text="The decision document or minutes")
    note = form_field(TARGET["note"], required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = form_field(REASON_BOUNDS, required=False, help_text="Why the target is set or changed")


class ImportForm(forms.Form):
    file = forms.FileField(help_text="Excel (.xlsx) or CSV in long format, or a World Bank API_… CSV download.")
    reason = form_field(REASON_BOUNDS, required=False,
                        help_text="Why these values are imported; kept in the history of every value changed.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError("The file is larger than 20 MB; split it into several files.")
        return upload
