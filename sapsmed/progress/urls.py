"""URLs of the progress app, mounted at /progress/ (names in the "progress" namespace)."""

from django.urls import path

from sapsmed.progress import views, views_excel, views_rounds

app_name = "progress"

urlpatterns = [
    path("", views.my_work, name="my_work"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/act/", views.report_act, name="report_act"),
    path("reports/<int:pk>/evidence/", views.attachment_upload, name="attachment_upload"),
    path("evidence/<int:pk>/", views.attachment_download, name="attachment"),
    path("evidence/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("rounds/", views_rounds.round_list, name="rounds"),
    path("rounds/new/", views_rounds.round_new, name="round_new"),
    path("rounds/<str:name>/", views_rounds.round_dashboard, name="round_dashboard"),
    path("rounds/<str:name>/dashboard.xlsx", views_rounds.round_dashboard_xlsx, name="round_dashboard_xlsx"),
    path("rounds/<str:name>/manage/", views_rounds.round_manage, name="round_manage"),
    path("rounds/<str:name>/lock/", views_rounds.round_lock, name="round_lock"),
    path("rounds/<str:name>/reopen/", views_rounds.round_reopen, name="round_reopen"),
    path("rounds/<str:name>/exceptions/", views_rounds.exception_grant, name="exception_grant"),
    path("rounds/<str:name>/reports/<str:code>/<str:iso3>/", views.report_edit, name="report_edit"),
    path("rounds/<str:name>/workbook.xlsx", views_excel.workbook_download, name="workbook"),
    path("rounds/<str:name>/upload/", views_excel.workbook_upload, name="workbook_upload"),
    path("uploads/<uuid:pk>/", views_excel.upload_preview, name="upload_preview"),
    path("uploads/<uuid:pk>/marked.xlsx", views_excel.upload_marked, name="upload_marked"),
    path("early-warning/", views_rounds.early_warning, name="early_warning"),
    path("early-warning.xlsx", views_rounds.early_warning_xlsx, name="early_warning_xlsx"),
    path("lines/<str:code>/", views_rounds.line_history, name="line_history"),
]
