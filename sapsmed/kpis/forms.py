"""Forms of the KPI pages: a value entered or corrected by a focal point, a target, an upload."""

from django import forms

from sapsmed.kpis import rules
from sapsmed.kpis.models import VALUE_DECIMALS, VALUE_DIGITS

_NUMBER = {"max_digits": VALUE_DIGITS, "decimal_places": VALUE_DECIMALS}


class ObservationForm(forms.Form):
    year = forms.IntegerField(min_value=rules.YEAR_MIN)
    value = forms.DecimalField(**_NUMBER, help_text="In the KPI's unit, with a dot for decimals.")
    source = forms.CharField(max_length=2000, help_text="Required: the publication, table or URL.")
    note = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    se = forms.DecimalField(label="Standard error", required=False, **_NUMBER)
    ci_low = forms.DecimalField(label="95% CI low", required=False, **_NUMBER)
    ci_high = forms.DecimalField(label="95% CI high", required=False, **_NUMBER)
    reason = forms.CharField(
        max_length=300, required=False,
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
    value = forms.DecimalField(**_NUMBER)
    year = forms.IntegerField(min_value=2017, max_value=2100)
    set_by = forms.CharField(max_length=200, label="Set by", help_text="e.g. ACCMSME, or the national SME agency")
    decided = forms.CharField(max_length=120, label="Decided", help_text="When and where, e.g. 'ACCMSME, March 2022'")
    source = forms.CharField(max_length=2000, help_text="The decision document or minutes")
    note = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(max_length=300, required=False, help_text="Why the target is set or changed")


class ImportForm(forms.Form):
    file = forms.FileField(help_text="Excel (.xlsx) or CSV in long format, or a World Bank API_… CSV download.")
    reason = forms.CharField(max_length=300, required=False,
                             help_text="Why these values are imported; kept in the history of every value changed.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError("The file is larger than 20 MB; split it into several files.")
        return upload
