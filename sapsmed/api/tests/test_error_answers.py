"""Every error under /api/ is JSON, with DEBUG on or off; pages elsewhere are the platform's own, never Django's."""

import pytest
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import include, path


def boom(request):
    raise RuntimeError("a bug")


def html_teapot(request):
    return HttpResponse("<p>short and stout</p>", status=418)


urlpatterns = [
    path("api/boom/", boom),
    path("api/teapot/", html_teapot),
    path("boom/", boom),
    path("", include("config.urls")),
]
handler404, handler500 = "config.errors.not_found", "config.errors.server_error"  # as config.urls has them

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("debug", [False, True])
def test_an_unknown_api_address_answers_json_404(debug):
    with override_settings(DEBUG=debug):
        response = Client().get("/api/no-such-list/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("debug", [False, True])
def test_a_server_error_in_the_api_answers_json_500_and_shows_no_source(debug):
    with override_settings(DEBUG=debug, ROOT_URLCONF=__name__):
        response = Client(raise_request_exception=False).get("/api/boom/")
    assert response.status_code == 500
    assert response.json() == {"detail": "Server error; it has been logged."}
    assert b"RuntimeError" not in response.content


@override_settings(ROOT_URLCONF=__name__)
def test_any_other_error_under_the_api_is_json_with_its_reason():
    response = Client().get("/api/teapot/")
    assert response.status_code == 418
    assert response.json() == {"detail": "I'm a Teapot."}


def test_pages_use_the_platforms_own_404_and_500_pages():
    page = Client().get("/no-such-page/")
    assert page.status_code == 404
    assert "There is no page at this address." in page.content.decode()
    with override_settings(ROOT_URLCONF=__name__):
        error = Client(raise_request_exception=False).get("/boom/")
    assert error.status_code == 500
    assert "Something went wrong on our side" in error.content.decode()
    assert b"Traceback" not in error.content
