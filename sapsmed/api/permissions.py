"""DRF permission classes that ask the one policy module, so the API and the pages cannot disagree."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from sapsmed.accounts.policy import Perm, can


class PublicReadSecretariatWrite(BasePermission):
    """Plan content: everyone reads; only the Secretariat writes (as on the pages)."""

    public_read = True  # the schema marks authentication optional for reads

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or can(request.user, Perm.EDIT_PLAN)


class SignedInWithRole(BasePermission):
    """Internal data (progress, dashboards): signed-in users holding a role; scope filtered by the view."""

    def has_permission(self, request, view):
        return can(request.user, Perm.DASHBOARD_VIEW)
