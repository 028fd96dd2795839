"""The composing pages' app: its own templates and URLs, above every app whose facts it shows."""

from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "sapsmed.pages"
    label = "pages"
    verbose_name = "Composing pages"
