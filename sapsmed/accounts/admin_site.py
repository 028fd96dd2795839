"""The admin site, opened to the ASEAN Secretariat by the policy module rather than by is_staff alone."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sapsmed.accounts.policy import Perm, can


class SapsmedAdminSite(admin.AdminSite):
    site_header = "sapsmed administration"
    site_title = "sapsmed"
    index_title = "Plan data, users and roles"

    def has_permission(self, request):
        return request.user.is_active and request.user.is_staff and can(request.user, Perm.USE_ADMIN)


class PolicyModelAdmin(admin.ModelAdmin):
    """Every model admin asks the policy: the Secretariat may view, add, change and delete."""

    def has_view_permission(self, request, obj=None):
        return can(request.user, Perm.USE_ADMIN)

    def has_add_permission(self, request):
        return can(request.user, Perm.EDIT_PLAN)

    def has_change_permission(self, request, obj=None):
        return can(request.user, Perm.EDIT_PLAN)

    def has_delete_permission(self, request, obj=None):
        return can(request.user, Perm.EDIT_PLAN)

    def has_module_permission(self, request):
        return can(request.user, Perm.USE_ADMIN)


class ReadOnlyPolicyAdmin(SimpleHistoryAdmin, PolicyModelAdmin):
    """Shown to the Secretariat with its history, but changed only through the services (workflow,
    imports, amendments), which check the rules and record who and why; the admin would bypass them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
