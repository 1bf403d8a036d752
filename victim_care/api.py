"""/api/v1/providers/, /api/v1/support-cases/ and /api/v1/statements/: victim care for machine
clients, through the same services and scoped reads as the pages."""

from __future__ import annotations

import re

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.models import AccessAction
from audit.services import record_access, record_list_access, refused
from core.errors import Invalid
from organisations.models import Organisation, OrgRole
from referrals.serializers import ServedDecisionSerializer
from victim_care import selectors, services, statements
from victim_care.models import CareRecordEntry, EntryKind, SupportCase, SupportType, Tariff
from victim_care.permissions import is_case_manager


class TariffSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tariff
        fields = ["support_type", "daily_rate_pence", "valid_from"]


class ProviderSerializer(serializers.ModelSerializer):
    tariffs = TariffSerializer(many=True, read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "tariffs"]


class SupportCaseSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="referral.reference", read_only=True)

    class Meta:
        model = SupportCase
        fields = ["id", "reference", "status", "opened_at", "exited_on"]
        read_only_fields = fields


class PersonSerializer(serializers.Serializer):
    name = serializers.CharField()
    other_names = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    age = serializers.IntegerField(allow_null=True)
    gender = serializers.CharField()
    nationality = serializers.CharField()
    language = serializers.CharField()
    needs_interpreter = serializers.BooleanField(allow_null=True)
    dependants = serializers.CharField()
    how_to_contact = serializers.CharField()
    contact_details = serializers.ListField(child=serializers.CharField())
    first_responder = serializers.CharField()
    accommodation_needs = serializers.ListField(child=serializers.CharField())
    risk_notes = serializers.ListField(child=serializers.CharField())
    locations_to_avoid = serializers.ListField(child=serializers.CharField())
    regions_to_avoid = serializers.ListField(child=serializers.CharField())


class SupportCaseDetailSerializer(SupportCaseSerializer):
    person = serializers.SerializerMethodField()
    decisions = serializers.SerializerMethodField()

    class Meta(SupportCaseSerializer.Meta):
        fields = [*SupportCaseSerializer.Meta.fields, "person", "decisions"]
        read_only_fields = fields

    @extend_schema_field(PersonSerializer)
    def get_person(self, case: SupportCase) -> dict:
        person = self.context["person"]
        return PersonSerializer({**person.__dict__, "regions_to_avoid": sorted(person.regions_to_avoid)}).data

    @extend_schema_field(ServedDecisionSerializer(many=True))
    def get_decisions(self, case: SupportCase) -> list[dict]:
        return [decision.as_json() for decision in self.context["decisions"]]


class AllocationRequestSerializer(serializers.Serializer):
    provider = serializers.IntegerField(min_value=1)
    support_type = serializers.ChoiceField(choices=SupportType.choices)
    start_on = serializers.DateField()


class CareEntrySerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.full_name", read_only=True)

    class Meta:
        model = CareRecordEntry
        fields = ["id", "kind", "text", "review_due_on", "corrects", "author", "created_at"]
        read_only_fields = ["id", "author", "created_at"]
        extra_kwargs = {"kind": {"choices": EntryKind.choices}}


class ProviderViewSet(viewsets.GenericViewSet):
    serializer_class = ProviderSerializer
    queryset = Organisation.objects.none()
    pagination_class = None

    def list(self, request: Request) -> Response:
        if not is_case_manager(request.user):
            raise PermissionDenied("Only the prime contractor's case managers see providers and tariffs.")
        providers = Organisation.objects.holding(OrgRole.SUPPORT_PROVIDER).prefetch_related("tariffs")
        return Response(ProviderSerializer(providers.order_by("name"), many=True).data)


class SupportCaseViewSet(viewsets.GenericViewSet):
    serializer_class = SupportCaseSerializer
    queryset = SupportCase.objects.none()
    lookup_value_regex = r"\d{1,18}"

    def _visible(self):
        return selectors.support_cases_visible_to(self.request.user)

    def list(self, request: Request) -> Response:
        """The people you may see, a page at a time (`limit`, `offset`), newest first; logged as listed."""
        page = self.paginate_queryset(self._visible())
        record_list_access(user=request.user, records=page, model=SupportCase)
        return self.get_paginated_response(SupportCaseSerializer(page, many=True).data)

    @extend_schema(responses=SupportCaseDetailSerializer)
    def retrieve(self, request: Request, pk=None) -> Response:
        """Who the person is and the decisions' outcomes and dates, for the prime contractor's case managers
        and the provider supporting the person now; 404 for anyone else (an earlier provider reads its own
        care record entries at care-entries/). Logged."""
        case = SupportCase.objects.select_related("referral__first_responder_organisation").filter(pk=pk).first()
        person = selectors.person_for(request.user, case) if case is not None else None
        if person is None:
            raise refused(user=request.user, record_type=SupportCase, record_id=pk)
        context = {"person": person, "decisions": selectors.decision_outcomes_for(request.user, case)}
        return Response(SupportCaseDetailSerializer(case, context=context).data)

    def _case(self, pk) -> SupportCase:
        case = SupportCase.objects.select_related("referral").filter(pk=pk).first()
        if case is None:
            raise NotFound("No such person.")
        return case

    @extend_schema(request=AllocationRequestSerializer, responses={201: None})
    @action(detail=True, methods=["post"])
    def allocations(self, request: Request, pk=None) -> Response:
        if not is_case_manager(request.user):
            if selectors.support_case_known_to(request.user, pk):  # as the page answers: theirs to see, not to move
                raise PermissionDenied("Only the prime contractor's case managers allocate support.")
            refused(user=request.user, record_type=SupportCase, record_id=pk)  # logged as an attempt
            raise NotFound("No such person.")
        case = self._case(pk)
        body = AllocationRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        provider = Organisation.objects.filter(pk=body.validated_data["provider"],
                                               roles__contains=[OrgRole.SUPPORT_PROVIDER]).first()
        if provider is None:
            raise ValidationError({"provider": ["No such support provider."]})
        services.allocation_move(support_case=case, provider=provider, support_type=body.validated_data["support_type"],
                                 on=body.validated_data["start_on"], by=request.user)
        return Response(status=status.HTTP_201_CREATED)

    @extend_schema(methods=["get"], responses=CareEntrySerializer(many=True))
    @extend_schema(methods=["post"], request=CareEntrySerializer, responses={201: CareEntrySerializer})
    @action(detail=True, methods=["get", "post"], url_path="care-entries")
    def care_entries(self, request: Request, pk=None) -> Response:
        entries = selectors.care_entries_for(request.user, pk)  # 404 unless theirs to read
        if request.method == "GET":
            return Response(CareEntrySerializer(entries, many=True).data)
        body = CareEntrySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        corrects = body.validated_data.get("corrects")
        entry = services.care_entry_add(support_case=self._case(pk), kind=body.validated_data["kind"],
                                        text=body.validated_data["text"], by=request.user,
                                        review_due_on=body.validated_data.get("review_due_on"), corrects=corrects)
        return Response(CareEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class StatementLineSerializer(serializers.Serializer):
    reference = serializers.CharField()
    support_type = serializers.CharField()
    first_day = serializers.DateField()
    last_day = serializers.DateField()
    days = serializers.IntegerField()
    daily_rate_pence = serializers.IntegerField()
    amount_pence = serializers.IntegerField()


class StatementView(APIView):
    @extend_schema(parameters=[OpenApiParameter("provider", int, required=True),
                               OpenApiParameter("month", str, required=True, description="YYYY-MM")],
                   responses=StatementLineSerializer(many=True))
    def get(self, request: Request) -> Response:
        """A provider's payment statement for a month, line by line, in pence."""
        if not is_case_manager(request.user):
            raise PermissionDenied("Only the prime contractor's case managers see statements.")
        month = request.query_params.get("month", "")
        provider = request.query_params.get("provider", "")
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month) or not provider.isdigit():
            raise ValidationError({"month": ["Give month as YYYY-MM and provider as a number."]})
        try:
            lines = statements.statement_lines(provider_id=int(provider), year=int(month[:4]), month=int(month[5:]))
        except Invalid as invalid:  # year 0000 or 9999
            raise ValidationError({"month": [invalid.message]}) from invalid
        # A statement lists people's references and their support: logged like the page's download.
        record_access(user=request.user, action=AccessAction.EXPORT, record_type=Organisation, record_id=int(provider))
        return Response(StatementLineSerializer(lines, many=True).data)
