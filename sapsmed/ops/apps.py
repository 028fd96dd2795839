"""App configuration of the ops app."""

from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "sapsmed.ops"
    label = "ops"
    verbose_name = "Operations"
