"""Forms of the review pages."""

from django import forms

from sapsmed.accounts.bounds import bound_fields
from sapsmed.core.bounds import model_bounds
from sapsmed.plan.models import PlanVersion
from sapsmed.progress.models import ReportingRound
from sapsmed.reviews.models import Review


class RoundChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} (opened {obj.opens_on:%d %b %Y})"


class VersionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"Version {obj.number}: {obj.label}"


class ReviewForm(forms.ModelForm):
    """A new review: what it covers. The page proposes the scope of a mid-term or a final review of the plan
    (reviews.scope.proposals); the Secretariat may change any of it."""

    plan_version = VersionChoice(queryset=PlanVersion.objects.select_related("plan").order_by("number"),
                                 empty_label=None, label="Plan version",
                                 help_text="The version whose action lines the review reads.")
    first_round = RoundChoice(queryset=ReportingRound.objects.order_by("opens_on", "name"), required=False,
                              label="First reporting round", empty_label="No round")
    last_round = RoundChoice(queryset=ReportingRound.objects.order_by("opens_on", "name"), required=False,
                             label="Last reporting round", empty_label="No round")

    class Meta:
        model = Review
        fields = ["kind", "title", "cut_off", "plan_version", "kpi_year_from", "kpi_year_to", "first_round",
                  "last_round"]
        labels = {"kind": "Kind of review", "cut_off": "Cut-off date", "kpi_year_from": "First KPI year",
                  "kpi_year_to": "Last KPI year"}
        help_texts = {"cut_off": "Reports accepted after this date are not counted.",
                      "kpi_year_from": "The earliest year of KPI values the review reads.",
                      "kpi_year_to": "The latest year of KPI values the review reads."}
        widgets = {"cut_off": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}  # what a date input reads

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_fields(self.fields, model_bounds(Review, cut_off={}, kpi_year_from={"min": 2000, "max": 2050},
                                               kpi_year_to={"min": 2000, "max": 2050}, title={}))

    def clean(self):
        data = super().clean()
        lo, hi = data.get("kpi_year_from"), data.get("kpi_year_to")
        if lo and hi and hi < lo:
            self.add_error("kpi_year_to", "The last KPI year must not be before the first.")
        first, last = data.get("first_round"), data.get("last_round")
        if bool(first) != bool(last):
            self.add_error("last_round" if first else "first_round",
                           "Choose both the first and the last round, or neither (a review of KPIs only).")
        elif first and last and (last.opens_on, last.name) < (first.opens_on, first.name):
            self.add_error("last_round", f"The last round ({last.name}) opened before the first ({first.name}).")
        return data


class FindingsForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = ["findings", "recommendations"]
        widgets = {"findings": forms.Textarea(attrs={"rows": 8}), "recommendations": forms.Textarea(attrs={"rows": 6})}
        help_texts = {"findings": "Paragraphs separated by a blank line.",
                      "recommendations": "One recommendation per line."}


class FreezeForm(forms.Form):
    label = forms.CharField(max_length=200, help_text='e.g. "As tabled at the 12th ACCMSME meeting, 15 May 2021"')
    tabled_on = forms.DateField(label="Tabled on", widget=forms.DateInput(attrs={"type": "date"}))


class ScorecardPublishForm(forms.Form):
    label = forms.CharField(max_length=200, help_text='e.g. "KPI scorecard, as endorsed at the 20th ACCMSME, '
                                                      '20 November 2026"')
    as_of = forms.DateField(label="As of", widget=forms.DateInput(attrs={"type": "date"}),
                            help_text="The date the edition stands for, e.g. the meeting that endorsed it.")
