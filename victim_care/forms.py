from __future__ import annotations

from django import forms

from core.fields import free_text
from core.forms import GovukDateField
from organisations.models import Organisation, OrgRole
from victim_care.models import EntryKind, Region, Service, SupportType


class AllocationForm(forms.Form):
    provider = forms.ModelChoiceField(
        label="Support provider", empty_label="Select a provider",
        queryset=Organisation.objects.holding(OrgRole.SUPPORT_PROVIDER).filter(is_active=True),
        error_messages={"required": "Select a support provider", "invalid_choice": "Select a support provider"})
    support_type = forms.ChoiceField(label="Type of support", choices=SupportType.choices, widget=forms.RadioSelect,
                                     error_messages={"required": "Select the type of support"})
    start_on = GovukDateField(label="Start date", help_text="For a move, the day the new provider takes over.")


class ExitForm(forms.Form):
    reason = forms.ChoiceField(label="Why is support ending?", widget=forms.RadioSelect, choices=[
        ("move_on", "Move-on after the Conclusive Grounds decision"), ("withdrawal", "Withdrawal"),
        ("disappearance", "Disappearance"), ("transfer", "Transfer to other support")],
        error_messages={"required": "Select why support is ending"})
    last_day = GovukDateField(label="Last day of support",
                              help_text="The provider is paid up to and including this day. For example, 27 3 2026")


class CareEntryForm(forms.Form):
    kind = forms.ChoiceField(label="Type of entry", choices=EntryKind.choices,
                             error_messages={"required": "Select the type of entry"})
    text = free_text("Entry", required=True, rows=6)
    review_due_on = GovukDateField(label="Review due", required=False,
                                   help_text="For a care plan: when it is next reviewed.")


class ProviderProfileForm(forms.Form):
    regions = forms.MultipleChoiceField(label="Regions served", choices=Region.choices,
                                        widget=forms.CheckboxSelectMultiple,
                                        error_messages={"required": "Select at least one region"})
    services = forms.MultipleChoiceField(label="Services offered", choices=Service.choices,
                                         widget=forms.CheckboxSelectMultiple,
                                         error_messages={"required": "Select at least one service"})
    women_only_beds = forms.IntegerField(label="Women-only bed spaces", min_value=0, max_value=10000)
    men_only_beds = forms.IntegerField(label="Men-only bed spaces", min_value=0, max_value=10000)
    family_beds = forms.IntegerField(label="Family bed spaces", min_value=0, max_value=10000)


class TariffForm(forms.Form):
    support_type = forms.ChoiceField(label="Type of support", choices=SupportType.choices, widget=forms.RadioSelect,
                                     error_messages={"required": "Select the type of support"})
    daily_rate_pence = forms.IntegerField(label="Daily rate in pence", min_value=1, max_value=10_000_000,
                                          help_text="For example, 6500 for £65.00 a day.")
    valid_from = GovukDateField(label="In force from")


class AssessmentForm(forms.Form):
    needs = free_text("Needs", required=True, rows=5)
    risks = free_text("Risks", required=True, rows=5)
