"""Forms of the roadmap: an action line's terms (create, change, amendment operations) and amendments.

Choices come from the plan's stable codes; clean() runs the same checks as the import and the
services (sapsmed.plan.roadmap_check), so a form error and an import error say the same thing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django import forms
from django.core.exceptions import FieldDoesNotExist

from sapsmed.accounts.bounds import bound_fields
from sapsmed.core import roadmap_fields as rf
from sapsmed.core.bounds import Bounds, bounds_of
from sapsmed.plan.models import (
    CONFIDENCE_CHOICES,
    Action,
    ActionLineVersion,
    FundingSource,
    ImplementationLevel,
    RequiredTime,
)
from sapsmed.plan.roadmap_check import check_line
from sapsmed.plan.roadmap_selectors import Lookups

_SPLIT = re.compile(r"[;,\s]+")
_TEXTAREA = {"lead_note", "task_force", "required_skills", "expected_outputs", "notes", "seed_erratum", "source",
             "title"}


# The workbook's column notes explain codes typed in cells; a form offers the choices, so it says less.
_FORM_HELP = {"lead_states": "", "proponent_states": "", "types_of_measure": "", "required_time": "",
              "implementation_level": "", "pathway": "", "funding_source": "",
              "proponent_organisations": "Dialogue partners and donors are added as organisations in the admin.",
              "predecessors": "Codes of the lines that must come first, such as B-2-1.2; separate several with ;"}


def _text_bounds(form: forms.Form, model=ActionLineVersion) -> None:
    """Every text box holds what the model field it fills can store (core.bounds: its length, no control
    characters), as the workbook's cells do; a box that fills no text field (a reason, a list of codes) holds
    plain text."""
    bounds = {}
    for name, field in form.fields.items():
        if type(field) is forms.CharField:
            try:
                stored = model._meta.get_field(name)
            except FieldDoesNotExist:
                stored = None
            text = stored is not None and stored.get_internal_type() in ("CharField", "TextField")
            bounds[name] = bounds_of(stored) if text else Bounds("text", max_length=field.max_length)
    bound_fields(form.fields, bounds)


def _blank(choices) -> list:
    return [("", "not stated"), *choices]


class LineTermsForm(forms.Form):
    """Every term of an action line; with `creating`, also its code and action."""

    def __init__(self, *args, lookups: Lookups, plan: Mapping[str, Mapping], creating: bool = False,
                 code: str = "", with_reason: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.lookups, self.plan, self.creating, self.code = lookups, plan, creating, code
        self.terms: dict = {}
        if creating:
            self.fields["action"] = forms.ModelChoiceField(
                Action.objects.order_by("code"), to_field_name="code", help_text="The action the line belongs to.")
            self.fields["code"] = forms.CharField(
                max_length=16, help_text="The action's code, a dot and the line number, e.g. B-2-1.9.")
        for field in rf.TERMS:
            if field.name != "retired":
                self.fields[field.name] = self._field(field)
        if with_reason:
            self.fields["reason"] = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="Why, for the change history (e.g. 'Appendix B line from the endorsed plan').")
        _text_bounds(self)

    def _field(self, field: rf.TermField) -> forms.Field:
        lk = self.lookups
        common = {"label": field.label, "required": field.required, "help_text": _FORM_HELP.get(field.name, field.help)}
        checkboxes = forms.CheckboxSelectMultiple
        match field.name:
            case "start_year" | "target_year":
                return forms.IntegerField(min_value=lk.first_year, max_value=lk.last_year, **common)
            case "required_time":
                return forms.ChoiceField(choices=_blank(RequiredTime.choices), **common)
            case "implementation_level":
                return forms.ChoiceField(choices=_blank(ImplementationLevel.choices), **common)
            case "funding_source":
                return forms.ChoiceField(choices=_blank(FundingSource.choices), **common)
            case "confidence":
                return forms.ChoiceField(choices=CONFIDENCE_CHOICES, initial="confirmed", **common)
            case "pathway":
                return forms.ChoiceField(choices=_blank(sorted(lk.pathways.items())), **common)
            case "lead_states" | "proponent_states":
                return forms.MultipleChoiceField(choices=sorted(lk.states.items(), key=lambda kv: kv[1]),
                                                 widget=checkboxes, **common)
            case "proponent_organisations":
                return forms.MultipleChoiceField(choices=sorted(lk.organisations.items()), widget=checkboxes, **common)
            case "types_of_measure":
                measures = [(n, f"{n}) {m}") for n, m in sorted(lk.measures.items())]
                return forms.TypedMultipleChoiceField(choices=measures, coerce=int, widget=checkboxes, **common)
            case "funding_amount":
                return forms.DecimalField(max_digits=14, decimal_places=2, min_value=0, **common)
            case "funding_currency":
                return forms.CharField(max_length=3, **common)
            case "time_frame":
                return forms.CharField(max_length=60, **common)
            case "cross_cutting_theme":
                return forms.CharField(max_length=120, **common)
            case "appendix":
                return forms.CharField(max_length=2, **common)
            case "predecessors":
                return forms.CharField(**common)
        widget = forms.Textarea(attrs={"rows": 2}) if field.name in _TEXTAREA else None
        return forms.CharField(widget=widget, **common)

    def clean_funding_currency(self) -> str:
        return self.cleaned_data.get("funding_currency", "").strip().upper()

    def clean_predecessors(self) -> list[str]:
        codes = [c.upper() for c in _SPLIT.split(self.cleaned_data.get("predecessors") or "") if c]
        unknown = [c for c in codes if c not in self.lookups.line_codes and c not in self.plan]
        if unknown:
            raise forms.ValidationError(f"There is no action line {', '.join(unknown)}.")
        return codes

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        code = data["code"].strip().upper() if self.creating else self.code
        if self.creating:
            data["code"] = code
            if code in self.lookups.line_codes or code in self.plan:
                self.add_error("code", "There is already an action line with this code; codes are never reused.")
                return data
            action = data["action"].code
        else:
            action = code.rsplit(".", 1)[0]
        goal = self.lookups.action_goals.get(action, "")
        retired = bool((self.plan.get(code) or {}).get("retired"))
        self.terms = rf.normalise_terms({**{f.name: data.get(f.name) for f in rf.TERMS}, "retired": retired})
        for name, message in check_line(code, goal, action, self.terms, lookups=self.lookups, plan=self.plan):
            target = name if name in self.fields else ("code" if self.creating else None)
            self.add_error(target, message[0].upper() + message[1:])
        return data


def initial_from_terms(terms: Mapping) -> dict:
    """Form initial values for a line's terms."""
    initial = dict(terms)
    initial["predecessors"] = "; ".join(terms.get("predecessors") or ())
    initial["funding_amount"] = terms.get("funding_amount")
    return initial


class AmendmentForm(forms.Form):
    title = forms.CharField(max_length=200, label="Version label",
                            help_text="The label of the version the amendment makes, e.g. 'Mid-term review 2021'.")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    decision_reference = forms.CharField(max_length=200,
                                         help_text="Where it was decided, e.g. 'ACCMSME meeting, 12 March 2021'.")
    decided_on = forms.DateField(required=False, help_text="Date of the decision, as 2021-03-12.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _text_bounds(self)
        bound_fields(self.fields, {"decided_on": Bounds("date")})


class RetimeForm(forms.Form):
    code = forms.ChoiceField(label="Action line")
    time_frame = forms.CharField(max_length=60, required=False)

    def __init__(self, *args, codes: list[str], lookups: Lookups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [(c, c) for c in codes]
        self.fields["target_year"] = forms.IntegerField(required=False, min_value=lookups.first_year,
                                                        max_value=lookups.last_year)

    def clean(self):
        data = super().clean()
        if not self.errors and data.get("target_year") is None and not data.get("time_frame"):
            raise forms.ValidationError("Give a new target year, a new time frame, or both.")
        return data


class DropForm(forms.Form):
    code = forms.ChoiceField(label="Action line")

    def __init__(self, *args, codes: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [(c, c) for c in codes]


class UploadForm(forms.Form):
    workbook = forms.FileField(help_text="The roadmap workbook (.xlsx) or a CSV file of the sheet 'Action lines'.")
