"""App configuration of the API app."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "sapsmed.api"
    label = "api"
    verbose_name = "API"
