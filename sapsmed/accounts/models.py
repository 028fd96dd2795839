"""Role grants: which role a user holds, over which scope (goal, member state, action line)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    SECRETARIAT = "secretariat", "ASEAN Secretariat analyst"
    CHAMPION = "champion", "Country Champion"
    PROPONENT = "proponent", "Project proponent"
    FOCAL_POINT = "focal_point", "National focal point"
    VIEWER = "viewer", "Viewer"


class RoleGrant(models.Model):
    """One role over one scope. A user may hold several grants.

    Scope by role: a champion holds a strategic goal (and the member state it champions for);
    a proponent holds a member state (the action lines that state leads) or one action line, or
    an organisation name with action lines; a focal point holds a member state; a viewer holds
    one goal or, with no goal, all; the Secretariat holds everything.
    """

    # Scopes are plan rows, named by string: plan sits above accounts (its services ask accounts.policy),
    # so accounts never imports plan.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=12, choices=Role.choices)
    goal = models.ForeignKey("plan.StrategicGoal", on_delete=models.CASCADE, null=True, blank=True)
    member_state = models.ForeignKey("plan.MemberState", on_delete=models.CASCADE, null=True, blank=True)
    action_line = models.ForeignKey("plan.ActionLine", on_delete=models.CASCADE, null=True, blank=True)
    organisation = models.CharField(max_length=120, blank=True)
    granted_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="champion") | Q(goal__isnull=False, member_state__isnull=False),
                name="champion_needs_goal_and_state",
            ),
            models.CheckConstraint(
                condition=~Q(role="focal_point") | Q(member_state__isnull=False),
                name="focal_point_needs_state",
            ),
            models.CheckConstraint(
                condition=~Q(role="proponent") | Q(member_state__isnull=False) | Q(action_line__isnull=False),
                name="proponent_needs_state_or_line",
            ),
        ]

    def __str__(self) -> str:
        scope = self.goal or self.member_state or self.action_line or self.organisation or "all"
        return f"{self.get_role_display()} ({scope})"
