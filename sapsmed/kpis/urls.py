"""URLs of the KPI pages, mounted at /kpis/ (names in the "kpis" namespace).

/kpis/ itself, the scorecard, is a composed page (sapsmed.pages, URL name "kpi_scorecard"): it also links the
latest published edition, which the reviews app keeps.
"""

from django.urls import path

from sapsmed.kpis import views, views_edit, views_import

app_name = "kpis"

urlpatterns = [
    path("regional/", views.regional, name="regional"),
    path("states/<str:iso3>/", views.state_detail, name="state"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("import/", views_import.import_upload, name="import"),
    path("import/template.xlsx", views_import.import_template, name="import_template"),
    path("import/<int:pk>/", views_import.import_preview, name="import_preview"),
    path("import/<int:pk>/errors/", views_import.import_errors, name="import_errors"),
    path("observations/<int:pk>/", views.observation_detail, name="observation"),
    path("observations/<int:pk>/validate/", views_edit.observation_validate, name="observation_validate"),
    path("<str:code>/", views.kpi_detail, name="kpi"),
    path("<str:code>/chart.json", views.chart_json, name="chart_json"),
    path("<str:code>/chart.svg", views.chart_svg, name="chart_svg"),
    path("<str:code>/chart.png", views.chart_png, name="chart_png"),
    path("<str:code>/target/", views_edit.target_edit, name="target"),
    path("<str:code>/<str:iso3>/enter/", views_edit.observation_enter, name="enter"),
]
