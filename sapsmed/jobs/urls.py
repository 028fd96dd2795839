"""URLs of job pages."""

from django.urls import path

from sapsmed.jobs import views

urlpatterns = [
    path("<uuid:job_id>/", views.job_detail, name="job"),
    path("<uuid:job_id>/download/", views.job_download, name="job_download"),
]
