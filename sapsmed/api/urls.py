"""The API's routes, schema and docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny
from rest_framework.routers import APIRootView, DefaultRouter

from sapsmed.api import evidence_api, kpi_api, plan_api, progress_api, reviews_api


class PublicAPIRoot(APIRootView):
    """The list of endpoints: public, since the plan's endpoints are; each endpoint still asks the policy."""

    permission_classes = [AllowAny]


router = DefaultRouter()
router.APIRootView = PublicAPIRoot
router.register("member-states", plan_api.MemberStateViewSet, basename="member-state")
router.register("goals", plan_api.GoalViewSet, basename="goal")
router.register("outcomes", plan_api.OutcomeViewSet, basename="outcome")
router.register("actions", plan_api.ActionViewSet, basename="action")
router.register("plan-versions", plan_api.PlanVersionViewSet, basename="plan-version")
router.register("action-lines", plan_api.ActionLineViewSet, basename="action-line")
router.register("kpis", plan_api.KpiViewSet, basename="kpi")
router.register("observations", kpi_api.ObservationViewSet, basename="observation")
router.register("targets", kpi_api.TargetViewSet, basename="target")
router.register("kpi-assessments", kpi_api.AssessmentViewSet, basename="kpi-assessment")
router.register("reporting-rounds", progress_api.RoundViewSet, basename="reporting-round")
router.register("progress-reports", progress_api.ProgressReportViewSet, basename="progress-report")
router.register("surveys", evidence_api.SurveyViewSet, basename="survey")
router.register("estimate-runs", evidence_api.EstimateRunViewSet, basename="estimate-run")
router.register("estimates", evidence_api.EstimateViewSet, basename="estimate")
router.register("reviews", reviews_api.ReviewViewSet, basename="review")
router.register("snapshots", reviews_api.SnapshotViewSet, basename="snapshot")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]
