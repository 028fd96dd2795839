"""App configuration of the progress app."""

from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "sapsmed.progress"
    label = "progress"
    verbose_name = "Progress monitoring"
