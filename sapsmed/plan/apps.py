"""App configuration of the plan app."""

from django.apps import AppConfig


class PlanConfig(AppConfig):
    name = "sapsmed.plan"
    label = "plan"
    verbose_name = "Action Plan"
