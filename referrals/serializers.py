from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from referrals.extensions import served_decisions
from referrals.forecasts import forecast_for
from referrals.models import Referral
from referrals.sections import sections_for
from referrals.services import incomplete_sections


class ForecastSerializer(serializers.Serializer):
    """When the next decision on a case is expected (decisions.forecast.Forecast.as_json, docs/forecasts.md)."""

    kind = serializers.ChoiceField(choices=["rg", "cg", "no_history"],
                                   help_text="rg: a due date and the share on time; cg: a date range; no_history: "
                                             "not enough history to forecast.")
    summary = serializers.CharField()
    method = serializers.CharField(help_text="How this is worked out.")
    ready = serializers.BooleanField(help_text="Ready for a Conclusive Grounds decision.")
    ready_on = serializers.DateField(allow_null=True)
    information_outstanding = serializers.BooleanField()
    cases_ahead = serializers.IntegerField(allow_null=True)
    weekly_rate = serializers.FloatField(allow_null=True)
    earliest = serializers.DateField(allow_null=True, help_text="10th percentile")
    middle = serializers.DateField(allow_null=True)
    latest = serializers.DateField(allow_null=True, help_text="90th percentile")
    due_on = serializers.DateField(allow_null=True)
    on_time_share = serializers.FloatField(allow_null=True)
    range_text = serializers.CharField()


class ServedDecisionSerializer(serializers.Serializer):
    """The schema of one served decision (referrals.extensions.ServedDecision.as_json)."""

    id = serializers.IntegerField()
    stage = serializers.ChoiceField(choices=["rg", "cg"])
    stage_label = serializers.CharField()
    outcome = serializers.ChoiceField(choices=["positive", "negative"])
    outcome_label = serializers.CharField()
    served_on = serializers.DateField()
    full = serializers.BooleanField(help_text="False: the provider's view, without reasons or letter.")
    recovery_period_ends_on = serializers.DateField(allow_null=True)
    move_on_on = serializers.DateField(allow_null=True)
    reconsideration_due_by = serializers.DateField(allow_null=True)
    reasons = serializers.CharField(required=False)
    next_steps = serializers.ListField(child=serializers.CharField(), required=False)
    letter_url = serializers.CharField(required=False)
    letter_pdf_url = serializers.CharField(required=False)
    reconsideration_url = serializers.CharField(required=False)


class ReferralSummarySerializer(serializers.ModelSerializer):
    """What a list shows: no names, dates of birth or narrative, only the case's shape."""

    competent_authority = serializers.CharField(source="competent_authority.name", default=None, read_only=True,
                                                allow_null=True)
    age_group = serializers.CharField(read_only=True)
    nation = serializers.CharField(read_only=True, help_text="england, wales, scotland, northern_ireland, or blank")

    class Meta:
        model = Referral
        fields = ["id", "reference", "kind", "status", "nation", "age_group", "exploitation_types",
                  "competent_authority", "created_at", "updated_at", "submitted_at"]
        read_only_fields = fields


class ReferralDetailSerializer(ReferralSummarySerializer):
    first_responder_organisation = serializers.CharField(source="first_responder_organisation.name", read_only=True)
    local_authority = serializers.CharField(source="local_authority.name", default=None, read_only=True,
                                            allow_null=True)
    answers = serializers.JSONField(read_only=True, help_text="Answers by section slug, as each section stored them.")
    sections = serializers.SerializerMethodField()
    incomplete_sections = serializers.SerializerMethodField()
    forecast = serializers.SerializerMethodField(help_text="When the next decision is expected, for the referring "
                                                 "organisation; null when none is pending.")
    decisions = serializers.SerializerMethodField(
        help_text="Served decisions. The referring organisation, a child's local authority and the competent "
                  "authority get stage, outcome, dates, reasons, next steps and the letter's links; the provider "
                  "supporting the person gets stage, outcome and dates only.")

    class Meta(ReferralSummarySerializer.Meta):
        fields = [*ReferralSummarySerializer.Meta.fields, "first_responder_organisation", "local_authority",
                  "answers", "sections", "incomplete_sections", "forecast", "decisions"]
        read_only_fields = fields

    @extend_schema_field(ForecastSerializer(allow_null=True))
    def get_forecast(self, referral: Referral) -> dict | None:
        request = self.context.get("request")
        found = forecast_for(request.user, referral) if request is not None and not referral.is_draft else None
        return found.as_json() if found else None

    @extend_schema_field(ServedDecisionSerializer(many=True))
    def get_decisions(self, referral: Referral) -> list[dict]:
        request = self.context.get("request")
        if request is None or referral.is_draft:
            return []
        return [decision.as_json() for decision in served_decisions(request.user, referral)]

    def get_sections(self, referral: Referral) -> list[str]:

        return [section.slug for section in sections_for(referral)]

    def get_incomplete_sections(self, referral: Referral) -> list[str]:

        return incomplete_sections(referral) if referral.is_draft else []


class SectionAnswersSerializer(serializers.Serializer):
    """A section's answers as a JSON object: field names as on the web form, dates as YYYY-MM-DD,
    several choices as a list. The section's own validation applies; errors come back by field."""

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": ["Send the section's answers as a JSON object."]})
        return data

    def to_representation(self, instance):
        return instance


class SubmissionErrorSerializer(serializers.Serializer):
    incomplete_sections = serializers.ListField(child=serializers.CharField())
