"""URLs of the plan pages."""

from django.urls import path

from sapsmed.plan import views

urlpatterns = [
    path("", views.home, name="home"),
    path("goals/<str:code>/", views.goal_detail, name="goal"),
    path("actions/<str:code>/", views.action_detail, name="action"),
    path("action-lines/<str:code>/", views.action_line_detail, name="action_line"),
    path("states/", views.state_list, name="states"),
    path("states/<str:iso3>/", views.state_detail, name="state"),
    path("search/", views.search, name="search"),
]
