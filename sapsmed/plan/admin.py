"""Admin screens for plan content (Secretariat only); every change lands in the history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sapsmed.accounts.admin_site import PolicyModelAdmin
from sapsmed.plan.models import (
    Action,
    ActionLine,
    ActionLineVersion,
    ChampionAssignment,
    DesiredOutcome,
    MemberState,
    Pathway,
    Period,
    Plan,
    PlanVersion,
    StrategicGoal,
    TypeOfMeasure,
)


class AuditedAdmin(SimpleHistoryAdmin, PolicyModelAdmin):
    pass


class ActionLineVersionInline(admin.StackedInline):
    model = ActionLineVersion
    extra = 1
    filter_horizontal = ("lead_states", "types_of_measure")

    def has_view_permission(self, request, obj=None):
        return PolicyModelAdmin.has_view_permission(self, request, obj)

    def has_add_permission(self, request, obj=None):
        return PolicyModelAdmin.has_add_permission(self, request)

    def has_change_permission(self, request, obj=None):
        return PolicyModelAdmin.has_change_permission(self, request, obj)

    def has_delete_permission(self, request, obj=None):
        return PolicyModelAdmin.has_delete_permission(self, request, obj)


@admin.register(ActionLine)
class ActionLineAdmin(AuditedAdmin):
    list_display = ("code", "action")
    search_fields = ("code", "versions__title")
    list_select_related = ("action",)
    inlines = [ActionLineVersionInline]


@admin.register(ActionLineVersion)
class ActionLineVersionAdmin(AuditedAdmin):
    list_display = ("action_line", "plan_version", "title", "time_frame", "confidence")
    list_filter = ("plan_version", "confidence", "cross_cutting_theme")
    list_select_related = ("action_line", "plan_version")
    search_fields = ("action_line__code", "title")
    filter_horizontal = ("lead_states", "types_of_measure")


class ChampionInline(admin.TabularInline):
    model = ChampionAssignment
    extra = 0


@admin.register(StrategicGoal)
class StrategicGoalAdmin(AuditedAdmin):
    list_display = ("code", "title")
    inlines = [ChampionInline]


@admin.register(DesiredOutcome)
class DesiredOutcomeAdmin(AuditedAdmin):
    list_display = ("code", "title", "goal")
    list_select_related = ("goal",)


@admin.register(Action)
class ActionAdmin(AuditedAdmin):
    list_display = ("code", "title", "outcome")
    list_select_related = ("outcome",)
    search_fields = ("code", "title")


for model in (Plan, PlanVersion, MemberState):
    admin.site.register(model, AuditedAdmin)
for model in (Period, Pathway, TypeOfMeasure):
    admin.site.register(model, PolicyModelAdmin)
