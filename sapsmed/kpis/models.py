"""KPIs as stored facts: reference sheets, per-state profiles, observations, imports and targets.

An observation is one value of one KPI for one member state and year, with where it came from.
Status, change and progress are derived from these facts by sapsmed.core.achievement, never typed in; they are
stored beside them as scorecard cells (derived_models), written by the services that change the facts.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from sapsmed.core.bounds import Bounds, model_bounds
from sapsmed.plan.models import CONFIDENCE_CHOICES, MemberState, StrategicGoal

VALUE_DIGITS = 28
VALUE_DECIMALS = 12  # WDI values are published with up to 12 decimals; keep them as published


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
    # The reference-sheet details below are loaded by `load_observations` from data/kpis/kpis.yaml.
    definition = models.TextField(blank=True)
    formula = models.TextField(blank=True)
    short_unit = models.CharField(max_length=20, blank=True, help_text="Unit in sentences and axes, e.g. % or days")
    baseline_year = models.PositiveSmallIntegerField(default=2016)
    value_min = models.DecimalField(max_digits=VALUE_DIGITS, decimal_places=VALUE_DECIMALS, null=True, blank=True)
    value_max = models.DecimalField(max_digits=VALUE_DIGITS, decimal_places=VALUE_DECIMALS, null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[availability_states])

    class Meta:
        ordering = ["order"]
        verbose_name = "KPI"

    def __str__(self) -> str:
        return self.name


class Availability(models.TextChoices):
    AVAILABLE = "available", "Available (plan)"
    NOT_LISTED = "not_listed", "Not listed as available (plan)"
    TO_BE_CONFIRMED = "to_be_confirmed", "To be confirmed by survey (plan)"
    NOT_ESTABLISHED = "not_established", "Not established (KPI added after endorsement)"


class KpiStateProfile(models.Model):
    """How one KPI is measured in one member state, and whether its figures compare with the others'."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="profiles")
    state = models.ForeignKey(MemberState, on_delete=models.PROTECT, related_name="kpi_profiles")
    availability = models.CharField(max_length=16, choices=Availability.choices)
    national_source = models.TextField(blank=True)
    definition_notes = models.TextField(blank=True)
    series_breaks = models.TextField(blank=True)
    comparable = models.BooleanField(null=True, help_text="Empty: comparability not recorded")
    comparability_note = models.TextField(blank=True)
    baseline_year = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty: the KPI's")
    source = models.TextField(blank=True)
    confidence = models.CharField(max_length=10, choices=CONFIDENCE_CHOICES, default="confirmed")
    history = HistoricalRecords()

    class Meta:
        ordering = ["kpi__order", "state__name"]
        constraints = [models.UniqueConstraint(fields=["kpi", "state"], name="kpi_profile_unique")]

    def __str__(self) -> str:
        return f"{self.kpi.code} in {self.state.iso3}"


class ImportKind(models.TextChoices):
    LONG = "long", "Long format (KPI, state, year, value, source, note)"
    WDI = "wdi", "World Bank WDI download (API_… CSV)"
    SHIPPED = "shipped", "Data shipped with sapsmed (data/kpis/)"


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", "Checked, waiting for confirmation"
    INVALID = "invalid", "Refused: errors found"
    COMMITTED = "committed", "Committed"
    CANCELLED = "cancelled", "Cancelled"


class ObservationImport(models.Model):
    """One uploaded file, kept from preview to commit so the confirmed file is the one checked."""

    kind = models.CharField(max_length=8, choices=ImportKind.choices)
    file_name = models.CharField(max_length=255)
    content = models.BinaryField(editable=False)
    reason = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED)
    summary = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import {self.pk}: {self.file_name}"


class ObservationStatus(models.TextChoices):
    PROVISIONAL = "provisional", "Provisional"
    VALIDATED = "validated", "Validated"


class Observation(models.Model):
    kpi = models.ForeignKey(Kpi, on_delete=models.PROTECT, related_name="observations")
    state = models.ForeignKey(MemberState, on_delete=models.PROTECT, related_name="observations")
    year = models.PositiveSmallIntegerField()
    value = models.DecimalField(max_digits=VALUE_DIGITS, decimal_places=VALUE_DECIMALS)
    se = models.DecimalField("standard error", max_digits=VALUE_DIGITS, decimal_places=VALUE_DECIMALS,
                             null=True, blank=True)
    ci_low = models.DecimalField("95% CI low", max_digits=VALUE_DIGITS, decimal_places=VALUE_DECIMALS,
                                 null=True, blank=True)
    ci_high = models.DecimalField("95% CI high", max_digits=VALUE_DIGITS, decimal_places=VALUE_DECIMALS,
                                  null=True, blank=True)
    status = models.CharField(max_length=12, choices=ObservationStatus.choices, default=ObservationStatus.PROVISIONAL)
    source = models.TextField()
    note = models.TextField(blank=True)
    confidence = models.CharField(max_length=10, choices=CONFIDENCE_CHOICES, default="confirmed")
    # Provenance: the file and row the value was read from, the import that brought it, and the rest
    # (repository, commit, vintage, URL) as given by the loader.
    source_file = models.CharField(max_length=255, blank=True)
    source_row = models.PositiveIntegerField(null=True, blank=True)
    import_batch = models.ForeignKey(ObservationImport, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="observations")
    estimate_ref = models.CharField("survey estimate reference", max_length=120, blank=True)
    provenance = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kpi__order", "state__name", "year"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "state", "year"], name="observation_one_per_kpi_state_year"),
            models.CheckConstraint(condition=Q(year__gte=1960, year__lte=2100), name="observation_year_range"),
            models.CheckConstraint(condition=Q(se__isnull=True) | Q(se__gte=0), name="observation_se_not_negative"),
            models.CheckConstraint(
                condition=Q(ci_low__isnull=True, ci_high__isnull=True)
                | Q(ci_low__isnull=False, ci_high__isnull=False, ci_low__lte=F("value"), ci_high__gte=F("value")),
                name="observation_ci_both_ends_around_value",
            ),
            models.CheckConstraint(condition=~Q(source=""), name="observation_source_required"),
        ]
        indexes = [models.Index(fields=["state", "kpi"])]

    def __str__(self) -> str:
        return f"{self.kpi.code} {self.state.iso3} {self.year}: {self.value}"

    @property
    def is_synthetic(self) -> bool:
        """A value whose source says it is SYNTHETIC (test and load-test entries): marked wherever it is shown."""
        return "SYNTHETIC" in (self.source or "")


class Target(models.Model):
    """An optional target: for one state, or regional (no state). The plan itself sets none."""

    kpi = models.ForeignKey(Kpi, on_delete=models.PROTECT, related_name="targets")
    state = models.ForeignKey(MemberState, on_delete=models.PROTECT, null=True, blank=True, related_name="kpi_targets")
    value = models.DecimalField(max_digits=VALUE_DIGITS, decimal_places=VALUE_DECIMALS)
    year = models.PositiveSmallIntegerField()
    set_by = models.CharField(max_length=200, help_text="Who set it, e.g. 'ACCMSME' or 'Government of Malaysia'")
    decided = models.CharField(max_length=120, help_text="When and where it was decided, e.g. 'ACCMSME, March 2022'")
    source = models.TextField()
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kpi__order", "state__name"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "state"], name="target_one_per_kpi_state"),
            models.UniqueConstraint(fields=["kpi"], condition=Q(state__isnull=True),
                                    name="target_one_regional_per_kpi"),
        ]

    def __str__(self) -> str:
        where = self.state.iso3 if self.state_id else "ASEAN"
        return f"{self.kpi.code} {where}: {self.value} by {self.year}"


# What each entered field can hold, said once for the entry form, the API, the importers and the services
# (sapsmed.core.bounds): digits and decimals from the field, 2,000 characters of text, no control characters.
OBSERVATION_BOUNDS = model_bounds(Observation, value={}, se={"min": 0}, ci_low={}, ci_high={},
                             source={"max_length": 2000}, note={"max_length": 2000})
TARGET_BOUNDS = model_bounds(Target, value={}, set_by={}, decided={}, source={"max_length": 2000},
                        note={"max_length": 2000})
REASON_BOUNDS = Bounds("text", max_length=300)


from sapsmed.kpis.derived_models import ScorecardCell  # noqa: E402,F401 - stored derived rows
