"""/api/v1/referrals/: the same journey as the web pages, through the same services and selectors."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from audit.services import record_list_access
from referrals import permissions, selectors, services
from referrals.models import Referral
from referrals.sections import SECTIONS, SECTIONS_BY_SLUG, sections_for
from referrals.serializers import (
    ReferralDetailSerializer,
    ReferralSummarySerializer,
    SectionAnswersSerializer,
    SubmissionErrorSerializer,
)


class ReferralViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ReferralSummarySerializer
    lookup_value_regex = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

    def get_queryset(self):
        return selectors.referrals_listed_for(self.request.user).select_related("competent_authority")

    def get_serializer_class(self):
        return ReferralDetailSerializer if self.action != "list" else ReferralSummarySerializer

    def list(self, request: Request, *args, **kwargs) -> Response:
        """The referrals you may see, most recently changed first; a support provider's worker gets the
        people their provider supports, newest referral first."""
        page = self.paginate_queryset(self.get_queryset())
        record_list_access(user=request.user, records=page, model=Referral)
        return self.get_paginated_response(ReferralSummarySerializer(page, many=True).data)

    def _referral(self, pk) -> Referral:
        return selectors.referral_for(self.request.user, pk)  # Http404 (logged) becomes a 404 answer

    def retrieve(self, request: Request, pk=None) -> Response:
        return Response(ReferralDetailSerializer(self._referral(pk), context={"request": request}).data)

    @extend_schema(request=None, responses={201: ReferralDetailSerializer})
    def create(self, request: Request) -> Response:
        """Start a draft referral for your organisation (first responders only)."""
        if not permissions.may_make_referrals(request.user):
            raise PermissionDenied("Only first responders can make referrals.")
        referral = services.referral_start(by=request.user)
        return Response(ReferralDetailSerializer(referral).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=SectionAnswersSerializer,
        parameters=[OpenApiParameter("section", str, OpenApiParameter.PATH, enum=[s.slug for s in SECTIONS])],
        responses={200: ReferralDetailSerializer, 400: OpenApiResponse(description="Errors by field"),
                   403: OpenApiResponse(description="Not a draft of your organisation"), 404: None},
    )
    @action(detail=True, methods=["put"], url_path=r"sections/(?P<section>[a-z-]+)")
    def section(self, request: Request, pk=None, section: str = "") -> Response:
        """Answer one section. Answers replace the section's previous answers."""
        referral = self._referral(pk)
        current = SECTIONS_BY_SLUG.get(section)
        if current is None or current not in sections_for(referral):
            raise NotFound("No such section for this referral.")
        answers = SectionAnswersSerializer(data=request.data)
        answers.is_valid(raise_exception=True)
        form = services.referral_section_save(
            referral=referral, section_slug=section,
            data=current.form_class.data_from_answers(answers.validated_data), by=request.user,
        )
        if not form.is_valid():
            return Response(form.errors, status=status.HTTP_400_BAD_REQUEST)
        return Response(ReferralDetailSerializer(referral).data)

    @extend_schema(request=None, responses={200: ReferralDetailSerializer, 400: SubmissionErrorSerializer,
                                            403: None, 404: None})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk=None) -> Response:
        """Submit a complete draft. Repeating the call returns the same submitted referral."""
        referral = self._referral(pk)
        submitted = services.referral_submit(referral=referral, by=request.user)
        return Response(ReferralDetailSerializer(submitted).data)
