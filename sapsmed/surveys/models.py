"""Stored facts of the evidence module: MSME definitions, survey designs, microdata files and estimates.

Definitions are loaded from data/msme_definitions.yaml (each row keeps the data file's entry as JSON,
from which sapsmed.core.msme classifies). Estimates are computed by sapsmed.core.survey from a stored
Parquet file and never typed in.
"""

import json

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from sapsmed.jobs.models import Job
from sapsmed.plan.models import MemberState


class Confidence(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed in a cited public source"
    PARTIAL = "partial", "Partial or secondary source"
    UNVERIFIED = "unverified", "Unverified"


class DefinitionUse(models.TextChoices):
    NATIONAL = "national", "National definition"
    STATISTICAL = "statistical", "Statistical size bands"


class MSMEDefinitionSet(models.Model):
    """The loaded definitions file: what every definition shares (broad sectors, the harmonised band)."""

    name = models.CharField(max_length=100, unique=True)
    checksum = models.CharField("SHA-256 of the file", max_length=64)
    schema_version = models.PositiveSmallIntegerField()
    broad_sectors = models.JSONField(default=list)
    # JSON text rather than a JSONField: the bands' order matters and PostgreSQL's jsonb would sort the keys.
    harmonised_json = models.TextField("harmonised size bands (JSON)")
    loaded_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "MSME definitions file"

    def __str__(self) -> str:
        return self.name

    @property
    def harmonised(self) -> dict:
        return json.loads(self.harmonised_json)


class MSMEDefinition(models.Model):
    definition_set = models.ForeignKey(MSMEDefinitionSet, on_delete=models.CASCADE, related_name="definitions")
    key = models.CharField("id", max_length=40, unique=True)
    state = models.ForeignKey(MemberState, on_delete=models.PROTECT, related_name="msme_definitions")
    position = models.PositiveSmallIntegerField(help_text="order within the state in the data file")
    short_name = models.CharField(max_length=200)
    use = models.CharField(max_length=12, choices=DefinitionUse.choices)
    legal_source = models.TextField()
    effective_from = models.CharField(max_length=10, blank=True,
                                      help_text="YYYY, YYYY-MM or YYYY-MM-DD; blank if not known")
    effective_to = models.CharField(max_length=10, blank=True)
    in_force_2015_2016 = models.BooleanField()
    currency = models.CharField(max_length=3, blank=True)
    rule = models.CharField("combination rule", max_length=40)
    # The definition's entry in the data file as JSON text: the order of classes (smallest first) and sectors
    # is part of the rule, and PostgreSQL's jsonb would sort the keys.
    rule_json = models.TextField("rule (JSON)", help_text="the definition's entry in the data file, as loaded")
    confidence = models.CharField(max_length=10, choices=Confidence.choices)
    confidence_note = models.TextField(blank=True)
    sources = models.JSONField(default=list)
    missing = models.JSONField(default=list)
    superseded_by = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="supersedes")
    history = HistoricalRecords()

    class Meta:
        ordering = ["state__name", "position"]
        verbose_name = "MSME definition"

    def __str__(self) -> str:
        return f"{self.key}: {self.short_name}"

    @property
    def rule_data(self) -> dict:
        return json.loads(self.rule_json)


class LonelyPsuRule(models.TextChoices):
    FAIL = "fail", "Fail: refuse strata with a single PSU"
    CERTAINTY = "certainty", "Certainty: such a stratum adds no variance"
    ADJUST = "adjust", "Adjust: centre its PSU at the grand mean (R's 'adjust')"


class Survey(models.Model):
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    states = models.ManyToManyField(MemberState, related_name="surveys")
    reference_year = models.PositiveSmallIntegerField()
    size_date = models.DateField("national definitions applied on", null=True, blank=True,
                                 help_text="blank: 31 December of the reference year")
    weight_column = models.CharField(max_length=100)
    strata_column = models.CharField(max_length=100, blank=True)
    psu_column = models.CharField("PSU (cluster) column", max_length=100, blank=True)
    fpc_column = models.CharField("FPC column", max_length=100, blank=True)
    lonely_psu = models.CharField("single-PSU strata", max_length=10, choices=LonelyPsuRule.choices,
                                  default=LonelyPsuRule.FAIL)
    state_column = models.CharField(max_length=100, blank=True)
    sector_column = models.CharField(max_length=100, blank=True)
    owner_sex_column = models.CharField("sex of owner column", max_length=100, blank=True)
    employees_column = models.CharField(max_length=100, blank=True)
    revenue_column = models.CharField(max_length=100, blank=True)
    assets_column = models.CharField(max_length=100, blank=True)
    capital_column = models.CharField(max_length=100, blank=True)
    money_currency = models.CharField(max_length=3, blank=True, help_text="currency of the money columns")
    money_unit = models.PositiveIntegerField(default=1, help_text="the money columns count units of this many "
                                             "(1000 for thousands)")
    sector_map = models.JSONField(default=dict, blank=True,
                                  help_text="survey sector value → broad sector or definition sector key")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[states])

    class Meta:
        ordering = ["-reference_year", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(reference_year__gte=2000, reference_year__lte=2100),
                                   name="survey_reference_year_range"),
            models.CheckConstraint(condition=models.Q(money_unit__gte=1), name="survey_money_unit_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class SurveyDataset(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="datasets")
    file = models.FileField(upload_to="surveys/", max_length=300)
    original_name = models.CharField(max_length=255)
    row_count = models.PositiveBigIntegerField()
    columns = models.JSONField(default=list, help_text="[name, type] pairs")
    checksum = models.CharField("SHA-256 of the Parquet file", max_length=64)
    size_bytes = models.PositiveBigIntegerField()
    is_synthetic = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = "survey dataset"

    def __str__(self) -> str:
        label = " (SYNTHETIC)" if self.is_synthetic else ""
        return f"{self.original_name}{label}"

    @property
    def column_names(self) -> list[str]:
        return [name for name, _ in self.columns]


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class EstimateRun(models.Model):
    """One request for estimates: the domains and statistics asked of a dataset, and how it went."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="runs")
    dataset = models.ForeignKey(SurveyDataset, on_delete=models.PROTECT, related_name="runs")
    by = models.JSONField(default=list, help_text="domain columns")
    statistics = models.JSONField(default=list)
    design = models.JSONField(default=dict)
    notes = models.JSONField(default=list, help_text="what a reader must know about these numbers")
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    message = models.TextField(blank=True)
    job = models.ForeignKey(Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Estimates #{self.pk} of {self.dataset}"


class Estimate(models.Model):
    """One statistic in one domain, as sapsmed.core.survey computed it."""

    run = models.ForeignKey(EstimateRun, on_delete=models.CASCADE, related_name="estimates")
    dataset = models.ForeignKey(SurveyDataset, on_delete=models.PROTECT, related_name="estimates")
    position = models.PositiveIntegerField()
    statistic = models.CharField(max_length=12)
    variable = models.CharField(max_length=250)
    domain = models.JSONField(default=list, help_text="[column, value] pairs")
    state = models.ForeignKey(MemberState, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    value = models.FloatField(null=True, blank=True)
    se = models.FloatField("standard error", null=True, blank=True)
    ci_low = models.FloatField(null=True, blank=True)
    ci_high = models.FloatField(null=True, blank=True)
    deff = models.FloatField("design effect", null=True, blank=True)
    n = models.PositiveBigIntegerField("unweighted n")
    design = models.JSONField(default=dict)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["run", "position"]
        constraints = [models.UniqueConstraint(fields=["run", "position"], name="estimate_position_unique")]

    def __str__(self) -> str:
        return f"{self.statistic} of {self.variable}"
