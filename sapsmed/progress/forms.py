"""Forms of the progress pages: the report with its milestones, rounds, locks, exceptions, transitions, uploads."""

import re

from django import forms

from sapsmed.accounts.bounds import bound_fields, form_field
from sapsmed.progress import rules
from sapsmed.progress.models import MILESTONE_BOUNDS, REPORT_BOUNDS, LineStatus, ProgressReport
from sapsmed.progress.services import REPORT_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})
# The currency's length is checked by clean_currency, so that "ringgit" is told to use the ISO code.
_FORM_BOUNDS = {**REPORT_BOUNDS, "currency": REPORT_BOUNDS["currency"].narrowed(max_length=None)}


class ReportForm(forms.ModelForm):
    status = forms.ChoiceField(label="Status of the line", choices=[("", "— choose —"), *LineStatus.choices],
                               required=False)
    # Longer than a code on purpose, so that "ringgit" gets the sentence below rather than a length error.
    currency = forms.CharField(required=False, max_length=20, help_text="Three-letter ISO code, such as MYR or USD.",
                               widget=forms.TextInput(attrs={"size": 4, "placeholder": "USD"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_fields(self.fields, _FORM_BOUNDS)  # the same bounds as the workbook's columns and the services

    class Meta:
        model = ProgressReport
        fields = REPORT_FIELDS
        widgets = {
            "planned_start": DATE, "planned_end": DATE, "actual_start": DATE, "actual_end": DATE,
            "quality_evidence": TEXT, "risks": TEXT, "next_steps": TEXT,
            "narrative": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {"percent_complete": "0 to 100."}

    def clean_currency(self):
        value = (self.cleaned_data.get("currency") or "").strip().upper()
        if value and not re.fullmatch(r"[A-Z]{3}", value):
            raise forms.ValidationError("Use the three-letter ISO code of the currency, such as MYR or USD.")
        return value

    def clean(self):
        data = super().clean()
        for field, message in rules.date_order_problems(data):
            self.add_error(field, message)
        return data

    def validate_constraints(self):
        """Nothing to ask the database: the bounds above hold every check constraint of the table (0-100 %,
        quality 1-5, nothing negative), and Django would send one query per constraint on every save."""

    def add_submission_problems(self, problems) -> None:
        for field, message in problems:
            self.add_error(field if field in self.fields else None, message)


class MilestoneForm(forms.Form):
    name = form_field(MILESTONE_BOUNDS["name"], required=False, label="Milestone")
    planned_on = form_field(MILESTONE_BOUNDS["planned_on"], required=False, widget=DATE, label="Planned")
    reached_on = form_field(MILESTONE_BOUNDS["reached_on"], required=False, widget=DATE, label="Reached on")

    def clean(self):
        data = super().clean()
        if not (data.get("name") or "").strip() and (data.get("planned_on") or data.get("reached_on")):
            self.add_error("name", "Name the milestone, or clear its dates.")
        return data


MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=2, max_num=30)


class RoundForm(forms.Form):
    name = forms.CharField(max_length=20, help_text="Such as 2026-H1.")
    description = forms.CharField(max_length=200, required=False,
                                  help_text="Such as: half-year report before the 20th ACCMSME meeting.")
    opens_on = forms.DateField(widget=DATE, label="Opens on")
    due_on = forms.DateField(widget=DATE, label="Due on")
    locks_on = forms.DateField(widget=DATE, label="Locks on")

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,19}", name):
            raise forms.ValidationError("Use letters, digits and dashes only, such as 2026-H1.")
        return name


class LockForm(forms.Form):
    reason = forms.CharField(widget=TEXT, help_text="Proponents read this when they try to change a report.")


class ReopenForm(forms.Form):
    reason = forms.CharField(widget=TEXT, label="Why reopen it",
                             help_text="Kept in the round's history, with your name.")


class ExceptionForm(forms.Form):
    report = forms.ChoiceField(label="Report (action line · state)")
    reason = forms.CharField(widget=TEXT)

    def __init__(self, *args, pairs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report"].choices = [(f"{code}|{iso3}", f"{code} · {name}") for code, iso3, name in pairs]


class TransitionForm(forms.Form):
    action = forms.CharField()
    note = forms.CharField(required=False, widget=TEXT)
    revision = forms.IntegerField(min_value=0)


class AttachmentForm(forms.Form):
    file = forms.FileField(label="Evidence file")


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(label="Filled workbook (.xlsx)")
