"""The Action Plan as stored facts: plan, versions, structure, action lines, member states.

An action line has a stable identity (its code, such as B-2-1.3) and, for each plan version, its
terms (title, timing, leads, ...). Version 1 is the plan as endorsed; an approved amendment makes
a new version with its own copy of the terms, so earlier versions never change. Progress reports
and KPIs attach to the stable action line, so they survive amendments.
"""

from django.db import models
from simple_history.models import HistoricalRecords

CONFIDENCE_CHOICES = [
    ("confirmed", "Confirmed in a cited public source"),
    ("partial", "Partial or secondary source"),
    ("inferred", "Inferred"),
    ("unverified", "Unverified"),
]


class MemberState(models.Model):
    iso3 = models.CharField("ISO3 code", max_length=3, unique=True)
    name = models.CharField(max_length=80)
    currency = models.CharField(max_length=3)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Plan(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    short_title = models.CharField(max_length=60)
    vision = models.TextField()
    mission = models.TextField()
    start_year = models.PositiveSmallIntegerField()
    end_year = models.PositiveSmallIntegerField()
    publisher = models.CharField(max_length=200, blank=True)
    isbn = models.CharField(max_length=30, blank=True)
    endorsed_by = models.CharField(max_length=200, blank=True)
    endorsed_on = models.CharField(max_length=40, blank=True)
    owner_body = models.TextField(blank=True)
    sources = models.JSONField(default=list)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(end_year__gte=models.F("start_year")), name="plan_years_ordered")
        ]

    def __str__(self) -> str:
        return self.short_title


class PlanVersion(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=200)
    decision_reference = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_unique")]

    def __str__(self) -> str:
        return f"Version {self.number}: {self.label}"


class Period(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="periods")
    code = models.CharField(max_length=10)
    name = models.CharField(max_length=80)
    start_year = models.PositiveSmallIntegerField()
    end_year = models.PositiveSmallIntegerField()
    priority = models.TextField(blank=True)

    class Meta:
        ordering = ["start_year"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="period_code_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.start_year}-{self.end_year})"


class Pathway(models.Model):
    code = models.SlugField(max_length=20, unique=True)
    name = models.CharField(max_length=80)
    scope = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name


class TypeOfMeasure(models.Model):
    number = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["number"]
        verbose_name = "type of measure"
        verbose_name_plural = "types of measure"

    def __str__(self) -> str:
        return f"{self.number}) {self.name}"


class StrategicGoal(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="goals")
    code = models.CharField(max_length=1)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    champions = models.ManyToManyField(MemberState, through="ChampionAssignment", related_name="championed_goals")
    champions_source = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="goal_code_unique")]

    def __str__(self) -> str:
        return f"{self.code}) {self.title}"


class ChampionAssignment(models.Model):
    """Table 3-1: which member states champion which strategic goal."""

    goal = models.ForeignKey(StrategicGoal, on_delete=models.CASCADE, related_name="champion_assignments")
    member_state = models.ForeignKey(MemberState, on_delete=models.PROTECT, related_name="champion_assignments")
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["goal", "member_state"], name="champion_unique")]

    def __str__(self) -> str:
        return f"{self.member_state} champions goal {self.goal.code}"


class DesiredOutcome(models.Model):
    goal = models.ForeignKey(StrategicGoal, on_delete=models.PROTECT, related_name="outcomes")
    code = models.CharField(max_length=10, unique=True)
    title = models.CharField(max_length=300)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code}) {self.title}"


class Action(models.Model):
    outcome = models.ForeignKey(DesiredOutcome, on_delete=models.PROTECT, related_name="actions")
    code = models.CharField(max_length=12, unique=True)
    title = models.CharField(max_length=300)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code}) {self.title}"


class ActionLine(models.Model):
    """The stable identity of an action line across plan versions."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="action_lines")
    code = models.CharField(max_length=16, unique=True)
    line_no = models.PositiveSmallIntegerField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class OrganisationKind(models.TextChoices):
    ASEAN = "asean", "ASEAN body"
    DIALOGUE_PARTNER = "dialogue-partner", "Dialogue partner"
    DONOR = "donor", "Donor"
    MULTILATERAL = "multilateral", "Multilateral organisation"
    OTHER = "other", "Other organisation"


class Organisation(models.Model):
    """An organisation that can be a project proponent: the ASEAN Secretariat, a dialogue partner, a donor."""

    code = models.CharField(max_length=20, unique=True, help_text="A short stable code, such as ASEC.")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    source = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FundingSource(models.TextChoices):
    NATIONAL = "national", "National budget"
    ASEAN = "asean", "ASEAN (e.g. ASEAN Development Fund)"
    DIALOGUE_PARTNER = "dialogue-partner", "Dialogue partner"
    DONOR = "donor", "Donor"


class RequiredTime(models.TextChoices):
    QUICK_WIN = "quick-win", "Short-term (quick-win)"
    MEDIUM = "medium-term", "Medium-term"
    LONG = "long-term", "Long-term"


class ImplementationLevel(models.TextChoices):
    REGIONAL = "regional", "Regional"
    NATIONAL = "national", "National"


class ActionLineVersion(models.Model):
    """An action line's terms as they stand in one plan version."""

    action_line = models.ForeignKey(ActionLine, on_delete=models.CASCADE, related_name="versions")
    plan_version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="action_lines")
    title = models.TextField()
    start_year = models.PositiveSmallIntegerField(null=True, blank=True)
    time_frame = models.CharField(max_length=60, blank=True)
    target_year = models.PositiveSmallIntegerField(null=True, blank=True)
    required_time = models.CharField(max_length=12, choices=RequiredTime.choices, blank=True)
    implementation_level = models.CharField(max_length=10, choices=ImplementationLevel.choices, blank=True)
    lead_states = models.ManyToManyField(MemberState, blank=True, related_name="led_action_lines")
    lead_note = models.TextField(blank=True)
    proponent_states = models.ManyToManyField(MemberState, blank=True, related_name="proposed_action_lines")
    proponent_organisations = models.ManyToManyField(Organisation, blank=True, related_name="proposed_action_lines")
    task_force = models.TextField(blank=True)
    pathway = models.ForeignKey(Pathway, on_delete=models.PROTECT, null=True, blank=True)
    types_of_measure = models.ManyToManyField(TypeOfMeasure, blank=True)
    cross_cutting_theme = models.CharField(max_length=120, blank=True)
    required_skills = models.TextField("required technical skills", blank=True)
    funding_amount = models.DecimalField("required financial support", max_digits=14, decimal_places=2,
                                         null=True, blank=True)
    funding_currency = models.CharField(max_length=3, blank=True)
    funding_source = models.CharField(max_length=20, choices=FundingSource.choices, blank=True)
    expected_outputs = models.TextField(blank=True)
    appendix = models.CharField(max_length=2, blank=True)
    notes = models.TextField(blank=True)
    seed_erratum = models.TextField("erratum in the source text", blank=True)
    source = models.TextField()
    confidence = models.CharField(max_length=10, choices=CONFIDENCE_CHOICES, default="confirmed")
    retired = models.BooleanField(default=False)
    # Order and sequence: lines that must come before this one (no cycles; see core.sequencing).
    predecessors = models.ManyToManyField(ActionLine, blank=True, related_name="successor_versions")
    # Derived, not a term: the line's place in its version's drawing order (core.sequencing.drawing_order),
    # written by plan.roadmap_order whenever the plan's services change lines, so that a page of the timeline
    # is read in order from an index instead of ordering every line of the plan on each request.
    draw_rank = models.PositiveIntegerField(default=0, editable=False)
    history = HistoricalRecords(
        m2m_fields=[lead_states, types_of_measure, predecessors, proponent_states, proponent_organisations],
        excluded_fields=["draw_rank"],
    )

    class Meta:
        ordering = ["action_line__code"]
        indexes = [models.Index(fields=["plan_version", "draw_rank"], name="line_version_drawing_order")]
        constraints = [
            models.UniqueConstraint(fields=["action_line", "plan_version"], name="action_line_once_per_version"),
            models.CheckConstraint(
                condition=models.Q(target_year__isnull=True) | models.Q(target_year__gte=2000, target_year__lte=2100),
                name="action_line_target_year_sane",
            ),
            models.CheckConstraint(
                condition=models.Q(start_year__isnull=True) | models.Q(target_year__isnull=True)
                | models.Q(start_year__lte=models.F("target_year")),
                name="action_line_starts_before_target",
            ),
            models.CheckConstraint(
                condition=models.Q(funding_amount__isnull=True) | models.Q(funding_amount__gte=0),
                name="action_line_funding_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action_line.code} (v{self.plan_version.number})"


from sapsmed.plan.roadmap_models import Amendment, RoadmapImport  # noqa: E402,F401 - models of the same app
