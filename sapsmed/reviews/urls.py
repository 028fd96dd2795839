"""URLs of the review pages."""

from django.urls import path

from sapsmed.reviews import views, views_scorecard

urlpatterns = [
    path("", views.review_list, name="reviews"),
    path("published/", views.published, name="published"),
    path("scorecards/publish/", views_scorecard.scorecard_publish, name="scorecard_publish"),
    path("scorecards/<int:pk>/", views_scorecard.scorecard_edition, name="scorecard_edition"),
    path("scorecards/<int:pk>/withdraw/", views_scorecard.scorecard_withdraw, name="scorecard_withdraw"),
    path("scorecards/<int:pk>/scorecard.csv", views_scorecard.scorecard_edition_csv, name="scorecard_edition_csv"),
    path("scorecards/<int:pk>/scorecard.xlsx", views_scorecard.scorecard_edition_xlsx,
         name="scorecard_edition_xlsx"),
    path("sdmx/kpi-observations.csv", views.sdmx_data, name="sdmx_data"),
    path("sdmx/structure.xml", views.sdmx_structure, name="sdmx_structure"),
    path("<int:pk>/draft-amendment/", views.review_draft_amendment, name="review_draft_amendment"),
    path("<int:pk>/", views.review_detail, name="review"),
    path("<int:pk>/generate/", views.review_generate, name="review_generate"),
    path("<int:pk>/findings/", views.review_findings, name="review_findings"),
    path("<int:pk>/freeze/", views.review_freeze, name="review_freeze"),
    path("<int:pk>/<str:kind>/", views.review_file, name="review_file"),
    path("snapshots/<int:pk>/", views.snapshot_detail, name="snapshot"),
    path("snapshots/<int:pk>/publish/", views.snapshot_publish, name="snapshot_publish"),
    path("snapshots/<int:pk>/<str:kind>/", views.snapshot_file, name="snapshot_file"),
]
