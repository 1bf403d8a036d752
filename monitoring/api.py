"""The monitoring report over the API: the JSON (or a file with &format=), and the stored runs."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.models import AccessAction
from audit.services import record_access
from monitoring import exports
from monitoring.forms import period_from_query
from monitoring.models import ReportRun
from monitoring.periods import PeriodError
from monitoring.permissions import may_view_reports
from monitoring.report import build_report


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class ReportTableSerializer(serializers.Serializer):
    id = serializers.CharField()
    title = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField(child=serializers.JSONField()),
                                 help_text="Label(s) then figures: counts as numbers, money as published "
                                           "('£2,000,000.00'); the symbols are explained in `symbols`.")


class MonitoringReportSerializer(serializers.Serializer):
    period = PeriodSerializer()
    generated_at = serializers.DateTimeField()
    provisional = serializers.BooleanField(help_text="The period reaches into the latest quarters, which the "
                                                     "Home Office revises in its next release.")
    notes = serializers.ListField(child=serializers.CharField(), help_text="Counting rules and the suppression "
                                                                           "rule.")
    symbols = serializers.DictField(child=serializers.CharField(),
                                    help_text="Each symbol used in the tables ([c], [x], [z]) and what it means.")
    tables = ReportTableSerializer(many=True)


class ReportFileSerializer(serializers.Serializer):
    format = serializers.CharField(source="export_format")
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, stored) -> str:
        return reverse("monitoring:run-file", args=[stored.run_id, stored.export_format])


class ReportRunSerializer(serializers.ModelSerializer):
    files = ReportFileSerializer(many=True, read_only=True)

    class Meta:
        model = ReportRun
        fields = ["id", "period_start", "period_end", "generated_at", "files"]


def _require_reports(request: Request) -> None:
    if not may_view_reports(request.user):
        raise PermissionDenied("Only monitors and competent authority managers can see the monitoring report.")


class _JsonWhateverTheFormatParameter(DefaultContentNegotiation):
    """`format` here chooses the report's file type, not DRF's renderer: answer in JSON and let the
    view send the file."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class MonitoringReportView(APIView):
    content_negotiation_class = _JsonWhateverTheFormatParameter
    @extend_schema(
        parameters=[
            OpenApiParameter("quarter", str, description="A quarter, for example 2023-Q4", pattern=r"^\d{4}-Q[1-4]$"),
            OpenApiParameter("start", OpenApiTypes.DATE, description="First day (with end)"),
            OpenApiParameter("end", OpenApiTypes.DATE, description="Last day (with start)"),
            OpenApiParameter("format", str, enum=sorted(exports.FORMATS),
                             description="json (default), csv, xlsx or ods"),
        ],
        responses={
            (200, "application/json"): MonitoringReportSerializer,
            **{(200, media): OpenApiResponse(OpenApiTypes.BINARY) for key, media in exports.FORMATS.items()
               if key != "json"},
        },
    )
    def get(self, request: Request) -> Response | HttpResponse:
        """The monitoring report for a quarter or any period."""
        _require_reports(request)
        export_format = request.query_params.get("format", "json")
        if export_format not in exports.FORMATS:
            raise ValidationError({"format": [f"Choose one of {', '.join(sorted(exports.FORMATS))}."]})
        try:
            period = period_from_query(request.query_params)
        except PeriodError as error:
            field = "quarter" if "quarter" in request.query_params else "start"
            raise ValidationError({field: [str(error)]}) from None
        report = build_report(period)
        if export_format == "json":
            return Response(report.as_dict())
        record_access(user=request.user, action=AccessAction.EXPORT, record_type=ReportRun, record_id=period.label)
        response = HttpResponse(exports.render(report, export_format), content_type=exports.FORMATS[export_format])
        response["Content-Disposition"] = f'attachment; filename="{exports.filename(report, export_format)}"'
        return response


class ReportRunViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Stored quarterly runs, newest first, with links to their files."""

    serializer_class = ReportRunSerializer

    def get_queryset(self):
        _require_reports(self.request)
        return ReportRun.objects.prefetch_related("files").order_by("-period_start", "-generated_at", "-pk")
