"""App configuration of the progress app: it listens for changes of the plan in force."""

from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "sapsmed.progress"
    label = "progress"
    verbose_name = "Progress monitoring"

    def ready(self):
        from sapsmed.plan.events import plan_changed
        from sapsmed.progress.derived import on_plan_changed

        plan_changed.connect(on_plan_changed, dispatch_uid="progress-streams")
