from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from decisions.api import CaseViewSet, DecisionViewSet, FlowReportView, QualityAuditViewSet
from monitoring.api import MonitoringReportView, ReportRunViewSet
from organisations.api import CurrentUserView, TokenRevokeView, TokenView
from referrals.api import ReferralViewSet
from victim_care.api import ProviderViewSet, StatementView, SupportCaseViewSet

router = SimpleRouter()
router.register("referrals", ReferralViewSet, basename="api-referral")
router.register("cases", CaseViewSet, basename="api-case")
router.register("decisions", DecisionViewSet, basename="api-decision")
router.register("quality-audits", QualityAuditViewSet, basename="api-quality-audit")
router.register("providers", ProviderViewSet, basename="api-provider")
router.register("support-cases", SupportCaseViewSet, basename="api-support-case")
router.register("reports/runs", ReportRunViewSet, basename="api-report-run")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("auth/token/current/", TokenRevokeView.as_view(), name="api-token-revoke"),
    path("me/", CurrentUserView.as_view(), name="api-me"),
    path("statements/", StatementView.as_view(), name="api-statements"),
    path("reports/monitoring/", MonitoringReportView.as_view(), name="api-monitoring-report"),
    path("reports/flow/", FlowReportView.as_view(), name="api-flow-report"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("", include(router.urls)),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
