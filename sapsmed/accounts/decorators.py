"""View decorator that asks the policy module: anonymous users go to log in, others get 403."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from sapsmed.accounts.policy import Perm, can


def require(perm: Perm):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if can(request.user, perm):
                return view(request, *args, **kwargs)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied(f"Your role does not allow this ({perm}).")

        return wrapper

    return decorator
