"""Reviews and their snapshots: what was tabled at a meeting stays exactly as tabled."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from sapsmed.plan.models import PlanVersion
from sapsmed.progress.models import ReportingRound


class ReviewKind(models.TextChoices):
    MID_TERM = "mid_term", "Mid-term review"
    FINAL = "final", "Final review"
    AD_HOC = "ad_hoc", "Ad hoc review"


class Review(models.Model):
    kind = models.CharField(max_length=10, choices=ReviewKind.choices)
    title = models.CharField(max_length=200)
    cut_off = models.DateField(help_text="Data entered after this date are not counted.")
    plan_version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT)
    kpi_year_from = models.PositiveSmallIntegerField(default=2016)
    kpi_year_to = models.PositiveSmallIntegerField(default=2020)
    first_round = models.ForeignKey(ReportingRound, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", help_text="The first reporting round the review covers.")
    last_round = models.ForeignKey(ReportingRound, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", help_text="The last reporting round the review covers.")
    findings = models.TextField(blank=True)
    recommendations = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The last generated report: its content (the one source of the page, PDF and workbook) and files.
    content = models.JSONField(null=True, blank=True)
    pdf = models.FileField(upload_to="reviews/", blank=True)
    xlsx = models.FileField(upload_to="reviews/", blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["content"])

    class Meta:
        ordering = ["-cut_off"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kpi_year_to__gte=models.F("kpi_year_from")),
                                   name="review_kpi_years_ordered"),
        ]

    def __str__(self) -> str:
        return self.title


class Snapshot(models.Model):
    """A frozen copy of a review's numbers, text and files, with a checksum; never changed after."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="snapshots")
    label = models.CharField(max_length=200, help_text='e.g. "As tabled at the 12th ACCMSME meeting, 15 May 2021"')
    tabled_on = models.DateField()
    content = models.JSONField()
    checksum = models.CharField(max_length=64)
    pdf = models.FileField(upload_to="snapshots/", blank=True)
    xlsx = models.FileField(upload_to="snapshots/", blank=True)
    published = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["content"])

    class Meta:
        ordering = ["-tabled_on"]

    def __str__(self) -> str:
        return self.label


class ScorecardEdition(models.Model):
    """The KPI scorecard as the Secretariat published it on a date: frozen cells with a checksum."""

    label = models.CharField(max_length=200,
                             help_text='e.g. "KPI scorecard, as endorsed at the 20th ACCMSME, 20 November 2026"')
    as_of = models.DateField(help_text="The date the edition stands for (the meeting that endorsed it).")
    content = models.JSONField()
    checksum = models.CharField(max_length=64)
    published = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["content"])

    class Meta:
        ordering = ["-as_of", "-created_at"]

    def __str__(self) -> str:
        return self.label
