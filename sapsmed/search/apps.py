"""App configuration of the search: it listens for changes of the plan in force and of what is published."""

from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "sapsmed.search"
    label = "search"
    verbose_name = "Search"

    def ready(self):
        from sapsmed.plan.events import plan_changed
        from sapsmed.reviews.events import publication_changed
        from sapsmed.search import services

        plan_changed.connect(services.on_plan_changed, dispatch_uid="search-plan")
        publication_changed.connect(services.on_publication_changed, dispatch_uid="search-publications")
