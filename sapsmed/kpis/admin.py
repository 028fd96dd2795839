"""Admin screen for KPI reference sheets (Secretariat only)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sapsmed.accounts.admin_site import PolicyModelAdmin
from sapsmed.kpis.models import Kpi


@admin.register(Kpi)
class KpiAdmin(SimpleHistoryAdmin, PolicyModelAdmin):
    list_display = ("code", "name", "goal", "direction", "source_family", "wdi_code")
    list_select_related = ("goal",)
    filter_horizontal = ("availability_states",)
