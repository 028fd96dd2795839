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


class PublicRead(BasePermission):
    """Published facts (estimates, published snapshots): everyone reads; nothing is written here.

    A write is refused before the method is looked at: anonymous callers get 401, others 403.
    """

    public_read = True

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS


class PublicReadScopedWrite(BasePermission):
    """Everyone reads; a write needs the view's `write_perm` somewhere (scope-free), and the view or the
    service then asks again with the object's scope (a focal point writes its own state only)."""

    public_read = True

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or can(request.user, view.write_perm)


class RoleHolderReadScopedWrite(BasePermission):
    """Signed-in role holders read (each view filters to its scope); a write needs `write_perm` somewhere."""

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return can(request.user, Perm.DASHBOARD_VIEW)
        return can(request.user, view.write_perm)


class SurveyManagers(BasePermission):
    """Survey designs: the Secretariat and focal points (the view keeps the surveys they manage)."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS and can(request.user, Perm.SURVEY_MANAGE)
