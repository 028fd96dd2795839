"""Error answers: JSON under /api/ (what programs expect, as the schema documents), pages elsewhere.

Django answers an error with the handlers below when DEBUG is off; with DEBUG on (a developer's `make
serve DEBUG=1`) it draws its technical pages instead, so ApiErrorsAsJson also turns any HTML error under
/api/ into the same JSON: a program never receives a page, and the API's errors never show settings or
source. The traceback still goes to the log.
"""

from http import HTTPStatus

from django.http import JsonResponse
from django.views import defaults

API_PREFIX = "/api/"
NOT_FOUND = "Not found."
FORBIDDEN = "Your role does not allow this."
SERVER_ERROR = "Server error; it has been logged."


def _api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def not_found(request, exception):
    if _api(request):
        return JsonResponse({"detail": NOT_FOUND}, status=404)
    return defaults.page_not_found(request, exception)


def forbidden(request, exception):
    if _api(request):
        return JsonResponse({"detail": FORBIDDEN}, status=403)
    return defaults.permission_denied(request, exception)


def bad_request(request, exception):
    if _api(request):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)


def server_error(request):
    if _api(request):
        return JsonResponse({"detail": SERVER_ERROR}, status=500)
    return defaults.server_error(request)


def _detail(status: int) -> str:
    known = {404: NOT_FOUND, 403: FORBIDDEN, 500: SERVER_ERROR}
    if status in known:
        return known[status]
    try:
        return HTTPStatus(status).phrase + "."
    except ValueError:
        return "Error."


class ApiErrorsAsJson:
    """Outermost middleware: an error answered under /api/ in anything but JSON becomes {"detail": ...}."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code < 400 or not _api(request):
            return response
        if response.get("Content-Type", "").startswith(("application/json", "application/problem+json")):
            return response
        replaced = JsonResponse({"detail": _detail(response.status_code)}, status=response.status_code)
        for header in ("Allow", "WWW-Authenticate", "Retry-After"):
            if header in response:
                replaced[header] = response[header]
        return replaced
