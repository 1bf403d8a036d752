"""/api/v1/cases/, /api/v1/decisions/ and /api/v1/quality-audits/: the casework pages' services
for machine clients. Refusals: 403 (not allowed, reviewer not independent), 409 (the case's state
does not allow it, or someone else got there first)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.services import refused
from core.errors import NotAllowed
from decisions import flow, permissions
from decisions.models import Decision, QualityAudit, Stage
from decisions.selectors.case import case_for, cases_visible_to
from decisions.selectors.quality import audit_for, audits_for
from decisions.selectors.queue import QUEUE_FILTERS, case_queue_queryset, shown_in_queue
from decisions.selectors.staff import decision_makers
from decisions.serializers import (
    AllocateSerializer,
    CaseDetailSerializer,
    CaseSerializer,
    DecisionSerializer,
    DraftDecisionSerializer,
    FindingSerializer,
    QualityAuditSerializer,
    ReconsiderationSerializer,
    ReturnSerializer,
    ReviewSerializer,
)
from decisions.services.case import case_allocate
from decisions.services.decision import decision_draft, decision_return, decision_send_for_review, decision_sign_off
from decisions.services.quality import quality_audit_record
from decisions.services.reconsideration import reconsideration_request
from referrals import selectors as referral_selectors
from referrals.models import Referral


class CaseViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = CaseSerializer
    queryset = Referral.objects.none()  # for DRF's metadata and the schema; reads go through selectors
    lookup_value_regex = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

    def list(self, request: Request) -> Response:
        """The queue, a page at a time (`limit`, `offset`), most urgent first."""
        filters = {key: request.query_params.get(key, "") for key in QUEUE_FILTERS}
        page = self.paginate_queryset(case_queue_queryset(request.user, filters=filters))
        return self.get_paginated_response(CaseSerializer(shown_in_queue(request.user, page),
                                                          many=True).data)

    @extend_schema(responses=CaseDetailSerializer)
    def retrieve(self, request: Request, pk=None) -> Response:
        return Response(CaseDetailSerializer(case_for(request.user, pk, parts=("decisions",))).data)

    @extend_schema(request=AllocateSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def allocate(self, request: Request, pk=None) -> Response:
        referral = case_for(request.user, pk)
        body = AllocateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if not permissions.may_manage(request.user, referral):
            raise NotAllowed("Only the competent authority's managers allocate cases.")
        # Only the authority's own active decision makers are looked for: an unknown address and someone
        # else's (another authority's, a first responder's) get the same answer, so the endpoint cannot be
        # used to learn who has an account.
        person = decision_makers(request.user).filter(
            email__iexact=body.validated_data["decision_maker"]).first()
        if person is None:
            return Response({"decision_maker": ["No such decision maker."]}, status=400)
        case_allocate(referral=referral, to=person, by=request.user)
        return Response(CaseDetailSerializer(case_for(request.user, pk)).data)

    @extend_schema(request=DraftDecisionSerializer, responses=DecisionSerializer)
    @action(detail=True, methods=["put"], url_path=r"decisions/(?P<stage>rg|cg)")
    def decision(self, request: Request, pk=None, stage: str = "") -> Response:
        referral = case_for(request.user, pk)
        body = DraftDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decision = decision_draft(referral=referral, stage=Stage(stage), by=request.user,
                                  **body.validated_data)
        return Response(DecisionSerializer(decision).data)

    @extend_schema(request=ReconsiderationSerializer, responses={201: None})
    @action(detail=True, methods=["post"])
    def reconsideration(self, request: Request, pk=None) -> Response:
        """The referring first responder asks for a negative decision to be reconsidered."""
        referral = referral_selectors.referral_for(request.user, pk)
        body = ReconsiderationSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reconsideration_request(referral=referral, by=request.user, **body.validated_data)
        return Response(status=status.HTTP_201_CREATED)


class DecisionViewSet(viewsets.GenericViewSet):
    serializer_class = DecisionSerializer
    queryset = Decision.objects.none()  # for the schema's path types; reads go through _decision
    lookup_value_regex = r"\d{1,18}"

    def _decision(self, pk) -> Decision:
        decision = (Decision.objects.filter(pk=pk, case__referral__in=cases_visible_to(self.request.user))
                    .select_related("case__referral").first())
        if decision is None:
            refused(user=self.request.user, record_type=Decision, record_id=pk)  # logged as an attempt
            raise NotFound("No such decision.")
        return decision

    @extend_schema(request=None, responses=DecisionSerializer)
    @action(detail=True, methods=["post"])
    def send(self, request: Request, pk=None) -> Response:
        decision = decision_send_for_review(decision=self._decision(pk), by=request.user)
        return Response(DecisionSerializer(decision).data)

    @extend_schema(request=ReviewSerializer, responses=DecisionSerializer)
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request: Request, pk=None) -> Response:
        return self._review(request, pk, ReviewSerializer, decision_sign_off)

    @extend_schema(request=ReturnSerializer, responses=DecisionSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def send_back(self, request: Request, pk=None) -> Response:
        return self._review(request, pk, ReturnSerializer, decision_return)

    def _review(self, request: Request, pk, serializer_class, service) -> Response:
        """Sign off or return: the decision first (404 before anything about the body), then the comments."""
        decision = self._decision(pk)
        body = serializer_class(data=request.data)
        body.is_valid(raise_exception=True)
        decision = service(decision=decision, by=request.user, comments=body.validated_data["comments"])
        return Response(DecisionSerializer(decision).data)


class QualityAuditViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = QualityAuditSerializer
    queryset = QualityAudit.objects.none()  # for the schema's path types; reads go through audits_for
    lookup_value_regex = r"\d{1,18}"
    pagination_class = None

    def list(self, request: Request) -> Response:
        return Response(QualityAuditSerializer(audits_for(request.user), many=True).data)

    @extend_schema(request=FindingSerializer, responses=QualityAuditSerializer)
    @action(detail=True, methods=["post"])
    def finding(self, request: Request, pk=None) -> Response:
        audit = audit_for(request.user, pk)  # logged, or 404 (logged)
        body = FindingSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        audit = quality_audit_record(audit=audit, by=request.user, **body.validated_data)
        return Response(QualityAuditSerializer(audit).data)


class FlowReportView(APIView):
    """GET /api/v1/reports/flow/: the flow dashboard's figures for the manager's competent authority
    (open cases by stage and age band, 12 weeks of intake and decisions, decision makers, the CG backlog and
    when it would clear, median waits by group). 403 for anyone but a competent authority's managers."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        if not permissions.may_view_flow(request.user):
            raise NotAllowed("Only a competent authority's managers see its flow figures.")
        return Response(flow.cached_flow_for(request.user.organisation_id).as_json())
