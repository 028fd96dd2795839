"""Admin screens of progress monitoring: read-only for the Secretariat (changes go through the pages' services)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sapsmed.accounts.admin_site import PolicyModelAdmin
from sapsmed.progress.models import ProgressReport, ReportingRound, ReportTransition, RoundException


class ReadOnlyAdmin(SimpleHistoryAdmin, PolicyModelAdmin):
    """Rounds and reports change only through the services, which check the workflow and record why."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReportingRound)
class ReportingRoundAdmin(ReadOnlyAdmin):
    list_display = ("name", "opens_on", "due_on", "locks_on", "locked_at", "is_demo")
    list_filter = ("is_demo",)


@admin.register(RoundException)
class RoundExceptionAdmin(ReadOnlyAdmin):
    list_display = ("round", "action_line", "member_state", "granted_by", "granted_at")
    list_select_related = ("round", "action_line", "member_state", "granted_by")


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ("action_line", "member_state", "round", "workflow_status", "status", "percent_complete", "is_demo")
    list_filter = ("workflow_status", "status", "is_demo", "round")
    list_select_related = ("action_line", "member_state", "round")
    search_fields = ("action_line__code",)


@admin.register(ReportTransition)
class ReportTransitionAdmin(ReadOnlyAdmin):
    list_display = ("report", "action", "from_status", "to_status", "by", "at")
    list_select_related = ("report__action_line", "report__member_state", "report__round", "by")
