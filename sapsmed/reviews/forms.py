"""Forms of the review pages."""

from django import forms

from sapsmed.plan.models import PlanVersion
from sapsmed.reviews.models import Review


class ReviewForm(forms.ModelForm):
    plan_version = forms.ModelChoiceField(queryset=PlanVersion.objects.all(), empty_label=None)

    class Meta:
        model = Review
        fields = ["kind", "title", "cut_off", "plan_version", "kpi_year_from", "kpi_year_to", "rounds"]
        widgets = {"cut_off": forms.DateInput(attrs={"type": "date"})}

    def clean(self):
        data = super().clean()
        lo, hi = data.get("kpi_year_from"), data.get("kpi_year_to")
        if lo and hi and hi < lo:
            self.add_error("kpi_year_to", "The last KPI year must not be before the first.")
        return data


class FindingsForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = ["findings", "recommendations"]
        widgets = {"findings": forms.Textarea(attrs={"rows": 8}), "recommendations": forms.Textarea(attrs={"rows": 6})}
        help_texts = {"recommendations": "One recommendation per line."}


class FreezeForm(forms.Form):
    label = forms.CharField(max_length=200, help_text='e.g. "As tabled at the 12th ACCMSME meeting, 15 May 2021"')
    tabled_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


class ScorecardPublishForm(forms.Form):
    label = forms.CharField(max_length=200, help_text='e.g. "KPI scorecard, as endorsed at the 20th ACCMSME, '
                                                      '20 November 2026"')
    as_of = forms.DateField(label="As of", widget=forms.DateInput(attrs={"type": "date"}),
                            help_text="The date the edition stands for, e.g. the meeting that endorsed it.")
