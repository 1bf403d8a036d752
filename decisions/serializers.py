from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api_forms import form_serializer
from decisions import forms, waiting
from decisions.models import Decision, QualityAudit
from referrals.models import Referral
from referrals.serializers import ForecastSerializer


class DecisionSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.full_name", read_only=True)
    reviewer = serializers.CharField(source="reviewer.full_name", default=None, read_only=True, allow_null=True)

    class Meta:
        model = Decision
        fields = ["id", "stage", "outcome", "status", "reasons", "evidence_considered", "author", "drafted_at",
                  "sent_for_review_at", "reviewer", "reviewed_at", "review_comments", "served_at",
                  "is_reconsideration"]
        read_only_fields = fields


class CaseSerializer(serializers.ModelSerializer):
    """A case as its competent authority sees it in the queue: no names or narrative."""

    received_at = serializers.DateTimeField(source="case_file.received_at", read_only=True)
    rg_due_on = serializers.DateField(source="case_file.rg_due_on", read_only=True)
    recovery_period_ends_on = serializers.DateField(source="case_file.recovery_period_ends_on", read_only=True)
    allocated_to = serializers.CharField(source="case_file.allocated_to.email", default=None, read_only=True,
                                         allow_null=True)

    class Meta:
        model = Referral
        fields = ["id", "reference", "status", "age_at_exploitation", "exploitation_types", "received_at",
                  "rg_due_on", "recovery_period_ends_on", "allocated_to"]
        read_only_fields = fields


class CaseDetailSerializer(CaseSerializer):
    decisions = DecisionSerializer(source="case_file.decisions", many=True, read_only=True)
    forecast = serializers.SerializerMethodField(help_text="When the next decision is expected; null when none is "
                                                 "pending (docs/forecasts.md).")

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "decisions", "forecast"]
        read_only_fields = fields

    @extend_schema_field(ForecastSerializer(allow_null=True))
    def get_forecast(self, referral: Referral) -> dict | None:
        found = waiting.forecast_for(referral)
        return found.as_json() if found else None


class AllocateSerializer(serializers.Serializer):
    decision_maker = serializers.EmailField()


# Request bodies: validated by the decision forms the web pages use (core.api_forms).
DraftDecisionSerializer = form_serializer(forms.DecisionForm, "DraftDecisionSerializer")
ReviewSerializer = form_serializer(forms.SignOffForm, "ReviewSerializer")
ReturnSerializer = form_serializer(forms.ReturnForm, "ReturnSerializer")
ReconsiderationSerializer = form_serializer(forms.ReconsiderationForm, "ReconsiderationSerializer")
FindingSerializer = form_serializer(forms.AuditFindingForm, "FindingSerializer")


class QualityAuditSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="decision.case.referral.reference", read_only=True)

    class Meta:
        model = QualityAudit
        fields = ["id", "quarter", "reference", "decision", "finding", "feedback", "completed_at"]
        read_only_fields = fields

