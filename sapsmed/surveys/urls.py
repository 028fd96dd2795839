"""URLs of the evidence module (mounted at /evidence/): MSME definitions, surveys, estimates."""

from django.urls import path

from sapsmed.surveys import views

urlpatterns = [
    path("", views.evidence_home, name="evidence"),
    path("msme/", views.msme_definitions, name="msme_definitions"),
    path("msme/compare/", views.msme_compare, name="msme_compare"),
    path("msme/<str:iso3>/", views.msme_state, name="msme_state"),
    path("surveys/", views.survey_list, name="surveys"),
    path("surveys/new/", views.survey_create, name="survey_create"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey"),
    path("surveys/<int:pk>/upload/", views.survey_upload, name="survey_upload"),
    path("surveys/<int:pk>/datasets/<int:dataset_pk>/estimate/", views.survey_estimate, name="survey_estimate"),
    path("runs/<int:pk>/", views.estimate_run, name="estimate_run"),
    path("runs/<int:pk>/estimates.csv", views.estimate_run_csv, name="estimate_run_csv"),
    path("runs/<int:pk>/estimates.xlsx", views.estimate_run_xlsx, name="estimate_run_xlsx"),
    path("estimates/<int:pk>/post/", views.estimate_post, name="estimate_post"),
]
