"""Admin screens of progress monitoring: read-only for the Secretariat (changes go through the pages' services)."""

from django.contrib import admin

from sapsmed.accounts.admin_site import ReadOnlyPolicyAdmin
from sapsmed.progress.models import ProgressReport, ReportingRound, ReportTransition, RoundException


@admin.register(ReportingRound)
class ReportingRoundAdmin(ReadOnlyPolicyAdmin):
    list_display = ("name", "opens_on", "due_on", "locks_on", "locked_at", "is_demo")
    list_filter = ("is_demo",)


@admin.register(RoundException)
class RoundExceptionAdmin(ReadOnlyPolicyAdmin):
    list_display = ("round", "action_line", "member_state", "granted_by", "granted_at")
    list_select_related = ("round", "action_line", "member_state", "granted_by")


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyPolicyAdmin):
    list_display = ("action_line", "member_state", "round", "workflow_status", "status", "percent_complete", "is_demo")
    list_filter = ("workflow_status", "status", "is_demo", "round")
    list_select_related = ("action_line", "member_state", "round")
    search_fields = ("action_line__code",)


@admin.register(ReportTransition)
class ReportTransitionAdmin(ReadOnlyPolicyAdmin):
    list_display = ("report", "action", "from_status", "to_status", "by", "at")
    list_select_related = ("report__action_line", "report__member_state", "report__round", "by")
