"""Admin screens of the KPI app (Secretariat only).

Reference sheets and per-state profiles (comparability, baseline year, notes) are maintained here, with
their history. Observations, targets and imports are shown read-only: values change only through the
data-entry pages, imports and loaders (sapsmed.kpis.services), which check them and record the reason.
A sheet or profile saved here recomputes the scorecard cells it is a fact of, in the admin's transaction.
"""

from django.contrib import admin
from django.db import transaction
from simple_history.admin import SimpleHistoryAdmin

from sapsmed.accounts.admin_site import PolicyModelAdmin, ReadOnlyPolicyAdmin
from sapsmed.kpis.derived import scorecard_cells_recompute
from sapsmed.kpis.models import Kpi, KpiStateProfile, Observation, ObservationImport, Target


@admin.register(Kpi)
class KpiAdmin(SimpleHistoryAdmin, PolicyModelAdmin):
    list_display = ("code", "name", "goal", "direction", "source_family", "wdi_code", "baseline_year")
    list_select_related = ("goal",)
    filter_horizontal = ("availability_states",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        scorecard_cells_recompute(kpi_ids=[obj.pk])  # direction, baseline year and unit are every cell's facts


@admin.register(KpiStateProfile)
class KpiStateProfileAdmin(SimpleHistoryAdmin, PolicyModelAdmin):
    list_display = ("kpi", "state", "availability", "comparable", "baseline_year", "confidence")
    list_filter = ("kpi", "state", "availability", "comparable")
    list_select_related = ("kpi", "state")

    def save_model(self, request, obj, form, change):
        old = KpiStateProfile.objects.filter(pk=obj.pk).values_list("kpi_id", "state_id").first()
        super().save_model(request, obj, form, change)
        scorecard_cells_recompute(pairs={(obj.kpi_id, obj.state_id), *([old] if old else [])})

    def delete_model(self, request, obj):
        pair = (obj.kpi_id, obj.state_id)
        super().delete_model(request, obj)
        scorecard_cells_recompute(pairs=[pair])

    @transaction.atomic  # the admin's bulk delete action runs outside a transaction of its own
    def delete_queryset(self, request, queryset):
        pairs = set(queryset.values_list("kpi_id", "state_id"))
        super().delete_queryset(request, queryset)
        scorecard_cells_recompute(pairs=pairs)


@admin.register(Observation)
class ObservationAdmin(ReadOnlyPolicyAdmin):
    list_display = ("kpi", "state", "year", "value", "status", "confidence", "source_file", "updated_at")
    list_filter = ("kpi", "state", "status", "confidence")
    list_select_related = ("kpi", "state")
    search_fields = ("source", "note")


@admin.register(Target)
class TargetAdmin(ReadOnlyPolicyAdmin):
    list_display = ("kpi", "state", "value", "year", "set_by", "decided")
    list_select_related = ("kpi", "state")


@admin.register(ObservationImport)
class ObservationImportAdmin(PolicyModelAdmin):
    list_display = ("pk", "file_name", "kind", "status", "created_by", "created_at", "committed_at")
    list_filter = ("kind", "status")
    exclude = ("content",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
