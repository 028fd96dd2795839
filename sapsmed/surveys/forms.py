"""Forms of the evidence pages: the enterprise to compare, a survey's design, an upload, estimates, posting."""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.conf import settings

from sapsmed.core.survey import Kind, Statistic
from sapsmed.core.survey.design import proportion
from sapsmed.kpis.models import Kpi
from sapsmed.plan.models import MemberState
from sapsmed.surveys.models import Survey
from sapsmed.surveys.sizing import DERIVED, HARMONISED, NATIONAL
from sapsmed.surveys.storage import ACCEPTED

_NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
            "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "DECIMAL", "BOOLEAN")


class CompareForm(forms.Form):
    employees = forms.IntegerField(min_value=0, required=False, help_text="persons employed")
    revenue = forms.DecimalField(min_value=0, required=False, help_text="annual revenue (turnover)")
    assets = forms.DecimalField(min_value=0, required=False, help_text="assets as the state's definition counts them")
    capital = forms.DecimalField(min_value=0, required=False, help_text="paid-up or invested capital")
    currency = forms.ChoiceField(required=False, help_text="currency of the money figures (none is converted)")
    sector = forms.ChoiceField(required=False)
    on = forms.DateField(label="date", help_text="the definitions in force on this date are applied",
                         widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, currencies=(), sectors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = [("", "(no money figures)"), *((c, c) for c in currencies)]
        self.fields["sector"].choices = [("", "(not given)"), *((s, s) for s in sectors)]

    def clean(self):
        data = super().clean()
        money = [name for name in ("revenue", "assets", "capital") if data.get(name) is not None]
        if money and not data.get("currency"):
            self.add_error("currency", f"Give the currency of the {', '.join(money)} figure(s).")
        return data


def _sector_lines(text: str) -> dict[str, str]:
    mapping = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        value, sep, target = line.partition("=")
        if not sep or not value.strip() or not target.strip():
            raise forms.ValidationError(f"Line {number}: write 'survey value = sector', e.g. 'trade = retail'.")
        mapping[value.strip()] = target.strip()
    return mapping


class SurveyForm(forms.ModelForm):
    sector_lines = forms.CharField(
        label="sector mapping", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="one line per survey sector value that is not a broad sector of the definitions file: "
                  "'trade = retail'",
    )

    class Meta:
        model = Survey
        fields = ["name", "description", "states", "reference_year", "size_date", "weight_column", "strata_column",
                  "psu_column", "fpc_column", "lonely_psu", "state_column", "sector_column", "owner_sex_column",
                  "employees_column", "revenue_column", "assets_column", "capital_column", "money_currency",
                  "money_unit"]
        widgets = {"states": forms.CheckboxSelectMultiple, "size_date": forms.DateInput(attrs={"type": "date"}),
                   "description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, allowed_states=None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed_states is not None:
            self.fields["states"].queryset = MemberState.objects.filter(iso3__in=allowed_states)

    def clean_sector_lines(self):
        return _sector_lines(self.cleaned_data.get("sector_lines", ""))

    def clean_money_currency(self):
        value = self.cleaned_data.get("money_currency", "").strip().upper()
        if value and not re.fullmatch(r"[A-Z]{3}", value):
            raise forms.ValidationError("Give a three-letter ISO 4217 code such as USD or THB.")
        return value

    def clean(self):
        data = super().clean()
        money = [f for f in ("revenue_column", "assets_column", "capital_column") if data.get(f)]
        if money and not data.get("money_currency"):
            self.add_error("money_currency", "The money columns need their currency.")
        year = data.get("reference_year")
        if year is not None and not 2000 <= year <= 2100:
            self.add_error("reference_year", "Give a year between 2000 and 2100.")
        return data


DEFAULT_UPLOAD_MAX_BYTES = 10 * 1024**3  # national enterprise surveys run to millions of rows


class UploadForm(forms.Form):
    file = forms.FileField(help_text=f"CSV, Excel or Parquet ({', '.join(ACCEPTED)}); one row per enterprise, "
                                     "a header row with the column names")

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        limit = getattr(settings, "SURVEY_UPLOAD_MAX_BYTES", DEFAULT_UPLOAD_MAX_BYTES)
        if uploaded.size > limit:
            raise forms.ValidationError(f"{uploaded.name} has {uploaded.size:,} bytes, more than the {limit:,} "
                                        "bytes allowed (setting SURVEY_UPLOAD_MAX_BYTES).")
        return uploaded


def numeric_columns(columns: list[list[str]]) -> list[str]:
    return [name for name, kind in columns if kind.upper().startswith(_NUMERIC)]


def _split(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,\n]", text or "") if part.strip()]


class EstimateForm(forms.Form):
    by = forms.MultipleChoiceField(label="domains", required=False, widget=forms.CheckboxSelectMultiple)
    means = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    totals = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    props = forms.MultipleChoiceField(label="proportions (0/1 columns)", required=False,
                                      widget=forms.CheckboxSelectMultiple)
    levels = forms.CharField(label="proportions of a category", required=False,
                             help_text="column=value, separated by commas: owner_sex=F, size_band_harmonised=small")
    ratios = forms.CharField(required=False, help_text="numerator/denominator, separated by commas: "
                                                       "revenue/employees")

    def __init__(self, *args, survey: Survey, columns: list[list[str]], derived: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        names = [name for name, _ in columns]
        self.names = set(names) | set(derived)
        self.numeric = numeric_columns(columns)
        labels = {survey.state_column: "state", survey.sector_column: "sector",
                  survey.owner_sex_column: "sex of owner", NATIONAL: "size class (national definition)",
                  HARMONISED: "size band (harmonised)"}
        domains = [c for c in (survey.state_column, *derived, survey.sector_column, survey.owner_sex_column)
                   if c and (c in names or c in DERIVED)]
        self.fields["by"].choices = [(c, f"{labels.get(c, c)} ({c})") for c in domains]
        for field in ("means", "totals", "props"):
            self.fields[field].choices = [(c, c) for c in self.numeric]

    def clean_levels(self):
        specs = []
        for part in _split(self.cleaned_data.get("levels")):
            column, sep, level = part.partition("=")
            if not sep or column.strip() not in self.names or not level.strip():
                raise forms.ValidationError(f"'{part}': write column=value with a column of the dataset.")
            specs.append(proportion((column.strip(), level.strip())))
        return specs

    def clean_ratios(self):
        specs = []
        for part in _split(self.cleaned_data.get("ratios")):
            num, sep, den = part.partition("/")
            if not sep or num.strip() not in self.numeric or den.strip() not in self.numeric:
                raise forms.ValidationError(f"'{part}': write numerator/denominator with two numeric columns.")
            specs.append(Statistic(Kind.RATIO, num.strip(), denominator=den.strip()))
        return specs

    def statistics(self) -> list[Statistic]:
        data = self.cleaned_data
        return [*(Statistic(Kind.MEAN, c) for c in data["means"]), *(Statistic(Kind.TOTAL, c) for c in data["totals"]),
                *(proportion(c) for c in data["props"]), *data["levels"], *data["ratios"]]

    def clean(self):
        data = super().clean()
        if not self.errors and not self.statistics():
            raise forms.ValidationError("Choose at least one statistic: a mean, total, proportion or ratio.")
        return data


class PostForm(forms.Form):
    kpi = forms.ModelChoiceField(queryset=Kpi.objects.all(), label="KPI")
    year = forms.IntegerField(min_value=2000, max_value=2100)
    scale = forms.TypedChoiceField(coerce=int, choices=[(1, "as estimated"), (100, "× 100 (a share as a percentage)")],
                                   initial=1)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="why this estimate is the KPI's value (recorded in the history)")

    def __init__(self, *args, default_year: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if default_year:
            self.fields["year"].initial = default_year


def default_compare_date() -> date:
    return date.today()  # noqa: DTZ011 - the calendar date is what the form asks
