"""Admin screens for plan content (Secretariat only); every change lands in the history."""

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sapsmed.accounts.admin_site import PolicyModelAdmin, ReadOnlyPolicyAdmin
from sapsmed.core.roadmap_rules import sequence_errors
from sapsmed.plan.models import (
    Action,
    ActionLine,
    ActionLineVersion,
    ChampionAssignment,
    DesiredOutcome,
    MemberState,
    Organisation,
    Pathway,
    Period,
    Plan,
    PlanVersion,
    StrategicGoal,
    TypeOfMeasure,
)
from sapsmed.plan.roadmap_models import Amendment, RoadmapImport
from sapsmed.plan.roadmap_selectors import version_snapshot

_M2M = ("lead_states", "proponent_states", "proponent_organisations", "types_of_measure", "predecessors")


class AuditedAdmin(SimpleHistoryAdmin, PolicyModelAdmin):
    pass


class ActionLineVersionAdminForm(forms.ModelForm):
    """The admin keeps the roadmap's order rule: predecessors may not form a circle (core.sequencing)."""

    class Meta:
        model = ActionLineVersion
        fields = [f.name for f in ActionLineVersion._meta.get_fields() if getattr(f, "editable", False)
                  and not f.auto_created and f.concrete or f.many_to_many and not f.auto_created]

    def clean(self):
        data = super().clean()
        line, version = data.get("action_line"), data.get("plan_version")
        if line is not None and version is not None and "predecessors" in data:
            plan = version_snapshot(version)
            plan.setdefault(line.code, {})
            plan[line.code] = {**plan[line.code], "predecessors": [p.code for p in data["predecessors"]]}
            problems = [i.message for i in sequence_errors(plan) if line.code in i.lines]
            if problems:
                self.add_error("predecessors", problems)
        return data


class ActionLineVersionInline(admin.StackedInline):
    model = ActionLineVersion
    form = ActionLineVersionAdminForm
    extra = 1
    filter_horizontal = _M2M

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
    form = ActionLineVersionAdminForm
    filter_horizontal = _M2M


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


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ("code", "name", "kind")
    search_fields = ("code", "name")


@admin.register(Amendment)
class AmendmentAdmin(ReadOnlyPolicyAdmin):
    list_display = ("pk", "title", "decision_reference", "status", "resulting_version", "recorded_by")
    list_select_related = ("resulting_version", "recorded_by")


@admin.register(RoadmapImport)
class RoadmapImportAdmin(ReadOnlyPolicyAdmin):
    list_display = ("pk", "filename", "status", "uploaded_by", "uploaded_at")
    list_select_related = ("uploaded_by",)
    exclude = ("content",)


for model in (Plan, PlanVersion, MemberState):
    admin.site.register(model, AuditedAdmin)
for model in (Period, Pathway, TypeOfMeasure):
    admin.site.register(model, PolicyModelAdmin)
