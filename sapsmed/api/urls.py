"""The API's routes, schema and docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from sapsmed.api import plan_api

router = DefaultRouter()
router.register("member-states", plan_api.MemberStateViewSet, basename="member-state")
router.register("goals", plan_api.GoalViewSet, basename="goal")
router.register("outcomes", plan_api.OutcomeViewSet, basename="outcome")
router.register("actions", plan_api.ActionViewSet, basename="action")
router.register("plan-versions", plan_api.PlanVersionViewSet, basename="plan-version")
router.register("action-lines", plan_api.ActionLineViewSet, basename="action-line")
router.register("kpis", plan_api.KpiViewSet, basename="kpi")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]
