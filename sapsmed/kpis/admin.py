"""Admin screens of the KPI app (Secretariat only).

Reference sheets and per-state profiles (comparability, baseline year, notes) are maintained here, with
their history. Observations, targets and imports are shown read-only: values change only through the
data-entry pages, imports and loaders (sapsmed.kpis.services), which check them and record the reason.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sapsmed.accounts.admin_site import PolicyModelAdmin, ReadOnlyPolicyAdmin
from sapsmed.kpis.models import Kpi, KpiStateProfile, Observation, ObservationImport, Target


@admin.register(Kpi)
class KpiAdmin(SimpleHistoryAdmin, PolicyModelAdmin):
    list_display = ("code", "name", "goal", "direction", "source_family", "wdi_code", "baseline_year")
    list_select_related = ("goal",)
    filter_horizontal = ("availability_states",)


@admin.register(KpiStateProfile)
class KpiStateProfileAdmin(SimpleHistoryAdmin, PolicyModelAdmin):
    list_display = ("kpi", "state", "availability", "comparable", "baseline_year", "confidence")
    list_filter = ("kpi", "state", "availability", "comparable")
    list_select_related = ("kpi", "state")


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
