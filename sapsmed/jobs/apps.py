"""App configuration of the jobs app."""

from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "sapsmed.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
