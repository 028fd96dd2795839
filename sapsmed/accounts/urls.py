"""Log in and out (Django's own views) and the API token page."""

from django.contrib.auth import views as auth_views
from django.urls import path

from sapsmed.accounts import views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api-token/", views.api_token, name="api_token"),
]
