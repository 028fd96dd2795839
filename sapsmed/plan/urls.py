"""URLs of the plan pages, the roadmap, its editing, import and amendments (goal and search: sapsmed/pages)."""

from django.urls import path

from sapsmed.plan import amendment_views, edit_views, roadmap_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("actions/<str:code>/", views.action_detail, name="action"),
    path("action-lines/<str:code>/", views.action_line_detail, name="action_line"),
    path("action-lines/<str:code>/edit/", edit_views.line_edit, name="action_line_edit"),
    path("action-lines/<str:code>/retire/", edit_views.line_retire, name="action_line_retire"),
    path("states/", views.state_list, name="states"),
    path("states/<str:iso3>/", views.state_detail, name="state"),
    # roadmap/ and roadmap/roadmap.pdf: composed with progress statuses in sapsmed.pages
    path("roadmap/roadmap.xlsx", roadmap_views.roadmap_xlsx_download, name="roadmap_xlsx"),
    path("roadmap/template.xlsx", roadmap_views.roadmap_template_download, name="roadmap_template"),
    path("roadmap/versions/", roadmap_views.version_list, name="roadmap_versions"),
    path("roadmap/diff/", roadmap_views.version_diff, name="roadmap_diff"),
    path("roadmap/lines/new/", edit_views.line_create, name="action_line_create"),
    path("roadmap/import/", edit_views.import_upload, name="roadmap_import"),
    path("roadmap/import/<int:pk>/", edit_views.import_preview, name="roadmap_import_preview"),
    path("roadmap/import/<int:pk>/marked.xlsx", edit_views.import_marked, name="roadmap_import_marked"),
    path("roadmap/amendments/", amendment_views.amendment_list, name="amendments"),
    path("roadmap/amendments/new/", amendment_views.amendment_create, name="amendment_create"),
    path("roadmap/amendments/<int:pk>/", amendment_views.amendment_detail, name="amendment"),
    path("roadmap/amendments/<int:pk>/lines/new/", amendment_views.amendment_line, name="amendment_line_add"),
    path("roadmap/amendments/<int:pk>/lines/<str:code>/", amendment_views.amendment_line,
         name="amendment_line_change"),
    path("roadmap/amendments/<int:pk>/retime/", amendment_views.amendment_retime, name="amendment_retime"),
    path("roadmap/amendments/<int:pk>/drop/", amendment_views.amendment_drop, name="amendment_drop"),
    path("roadmap/amendments/<int:pk>/operations/<int:index>/delete/", amendment_views.amendment_operation_delete,
         name="amendment_operation_delete"),
    path("roadmap/amendments/<int:pk>/approve/", amendment_views.amendment_approve_view, name="amendment_approve"),
]
