"""Error answers: JSON under /api/ (what programs expect, as the schema documents), pages elsewhere."""

from django.http import JsonResponse
from django.views import defaults


def _api(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception):
    if _api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def forbidden(request, exception):
    if _api(request):
        return JsonResponse({"detail": "Your role does not allow this."}, status=403)
    return defaults.permission_denied(request, exception)


def server_error(request):
    if _api(request):
        return JsonResponse({"detail": "Server error; it has been logged."}, status=500)
    return defaults.server_error(request)
