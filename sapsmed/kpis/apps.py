"""App configuration of the KPI app."""

from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "sapsmed.kpis"
    label = "kpis"
    verbose_name = "KPIs"
