"""App configuration of the reviews app."""

from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "sapsmed.reviews"
    label = "reviews"
    verbose_name = "Reviews"
