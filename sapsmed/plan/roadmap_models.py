"""Stored facts of roadmap changes: amendments (which make plan versions) and roadmap workbook uploads."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class AmendmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"


class Amendment(models.Model):
    """A decision that adds, changes, re-times or drops action lines; approval makes a new plan version.

    `operations` holds the operations in the order given, in the form read by
    sapsmed.core.plan_diff.parse_operation, e.g. {"op": "retime", "code": "B-2-1.3", "target_year": 2022}.
    """

    plan = models.ForeignKey("plan.Plan", on_delete=models.PROTECT, related_name="amendments")
    base_version = models.ForeignKey("plan.PlanVersion", on_delete=models.PROTECT, related_name="amendments_on")
    resulting_version = models.OneToOneField(
        "plan.PlanVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="amendment"
    )
    title = models.CharField(max_length=200, help_text="The label of the version it makes, e.g. 'Mid-term review'.")
    reason = models.TextField()
    decision_reference = models.CharField(
        max_length=200, help_text="Where it was decided, e.g. 'ACCMSME meeting, 12 March 2021'."
    )
    decided_on = models.DateField(null=True, blank=True)
    operations = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=AmendmentStatus.choices, default=AmendmentStatus.DRAFT)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="amendments_recorded"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="amendments_approved"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft", resulting_version__isnull=True)
                | models.Q(status="approved", resulting_version__isnull=False, approved_at__isnull=False),
                name="amendment_approved_has_version",
            )
        ]

    def __str__(self) -> str:
        return f"Amendment {self.pk}: {self.title}"

    @property
    def is_draft(self) -> bool:
        return self.status == AmendmentStatus.DRAFT


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", "Previewed, not committed"
    INVALID = "invalid", "Refused: errors in the workbook"
    COMMITTED = "committed", "Committed"


class RoadmapImport(models.Model):
    """One uploaded roadmap workbook, kept so the preview can be confirmed and the marked copy downloaded."""

    plan_version = models.ForeignKey("plan.PlanVersion", on_delete=models.PROTECT, related_name="imports")
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=ImportStatus.choices)
    # A fingerprint of the previewed changes: confirming commits only if they are still the same.
    preview_fingerprint = models.CharField(max_length=64, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["content"])

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"Roadmap import {self.pk} ({self.filename})"
