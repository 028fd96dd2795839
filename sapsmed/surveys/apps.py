"""App configuration of the surveys app."""

from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "sapsmed.surveys"
    label = "surveys"
    verbose_name = "MSME definitions and surveys"
