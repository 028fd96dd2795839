"""KPI reference sheets: what each of the plan's KPIs measures, where its data come from."""

from django.db import models
from simple_history.models import HistoricalRecords

from sapsmed.plan.models import CONFIDENCE_CHOICES, MemberState, StrategicGoal


class Direction(models.TextChoices):
    UP = "up", "Higher is better"
    DOWN = "down", "Lower is better"


class Kpi(models.Model):
    code = models.CharField(max_length=12, unique=True)
    order = models.PositiveSmallIntegerField()
    goal = models.ForeignKey(StrategicGoal, on_delete=models.PROTECT, null=True, blank=True, related_name="kpis")
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=200)
    direction = models.CharField(max_length=4, choices=Direction.choices)
    source_family = models.CharField(max_length=80)
    wdi_code = models.CharField("World Bank WDI code", max_length=30, blank=True)
    frequency = models.CharField(max_length=80, blank=True)
    responsible_body = models.CharField(max_length=200, blank=True)
    availability_states = models.ManyToManyField(MemberState, blank=True, related_name="available_kpis")
    availability_note = models.CharField(max_length=200, blank=True)
    known_issues = models.TextField(blank=True)
    added_after_endorsement = models.BooleanField(default=False)
    source = models.TextField()
    confidence = models.CharField(max_length=10, choices=CONFIDENCE_CHOICES, default="confirmed")
    confidence_note = models.TextField(blank=True)
    history = HistoricalRecords(m2m_fields=[availability_states])

    class Meta:
        ordering = ["order"]
        verbose_name = "KPI"

    def __str__(self) -> str:
        return self.name
