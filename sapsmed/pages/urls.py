"""URLs of the composing pages; included before the apps' own, so a composed page answers its address."""

from django.urls import path

from sapsmed.pages import kpi_pages, roadmap_pages, task_pages, views

# Names without a namespace, as the plan's pages had them ({% url 'goal' %}, {% url 'search' %}).
urlpatterns = [
    path("goals/<str:code>/", views.goal_detail, name="goal"),
    path("search/", views.search, name="search"),
    path("roadmap/", roadmap_pages.roadmap, name="roadmap"),
    path("roadmap/roadmap.pdf", roadmap_pages.roadmap_pdf_download, name="roadmap_pdf"),
    path("kpis/", kpi_pages.kpi_scorecard, name="kpi_scorecard"),
    path("tasks/", task_pages.my_tasks, name="my_tasks"),
]
