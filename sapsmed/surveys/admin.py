"""Admin screens of the evidence module (Secretariat only). Definitions come from the loader and estimates
from the estimator, so those screens are read-only; survey designs may be corrected, with history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sapsmed.accounts.admin_site import PolicyModelAdmin
from sapsmed.surveys.models import EstimateRun, MSMEDefinition, Survey, SurveyDataset


class ReadOnlyAdmin(SimpleHistoryAdmin, PolicyModelAdmin):
    """Stored facts the platform derives or loads: shown, never typed in."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MSMEDefinition)
class MSMEDefinitionAdmin(ReadOnlyAdmin):
    list_display = ("key", "state", "short_name", "use", "effective_from", "confidence", "superseded_by")
    list_filter = ("state", "use", "confidence")
    list_select_related = ("state", "superseded_by")


@admin.register(Survey)
class SurveyAdmin(SimpleHistoryAdmin, PolicyModelAdmin):
    list_display = ("name", "reference_year", "weight_column", "strata_column", "psu_column", "lonely_psu")
    filter_horizontal = ("states",)


@admin.register(SurveyDataset)
class SurveyDatasetAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "survey", "row_count", "is_synthetic", "uploaded_at")
    list_select_related = ("survey",)


@admin.register(EstimateRun)
class EstimateRunAdmin(ReadOnlyAdmin):
    list_display = ("pk", "survey", "dataset", "status", "computed_at")
    list_select_related = ("survey", "dataset")
