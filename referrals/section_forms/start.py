"""The start of the referral journey: who refers, the person's age, the local authority contacted for a
child, and an adult's consent (without it, an anonymous Duty to Notify)."""

from __future__ import annotations

from django import forms

from core.fields import YES_NO, YES_NO_NOT_SURE, choice, email, free_text, phone, short_text, validate_phone
from organisations.models import Organisation, OrgRole
from referrals.forms import ReferralSectionForm
from referrals.models import ExploitationLocation, ExploitationType, Gender, Nation
from referrals.reference_data import NATIONALITIES


class FirstResponderDetailsForm(ReferralSectionForm):
    title = "First responder details"
    own_reference = short_text("Your reference for this referral", max_length=50, width="20",
                               help_text="Optional. Your organisation's own case reference.")
    nation = choice("Where are you making this referral?", Nation.choices,
                    error="Select where you are making this referral")


class AgeForm(ReferralSectionForm):
    title = "Age"
    under_18 = choice("Is the person under 18?", YES_NO_NOT_SURE, inline=True,
                      help_text="If you are not sure, the referral is handled as a child's.",
                      error="Select whether the person is under 18")
    under_18_when_exploited = choice("Were they under 18 when the exploitation happened?", YES_NO_NOT_SURE,
                                     required=False, error="Select whether they were under 18 when exploited")
    conditional_fields = {"under_18": {"no": ["under_18_when_exploited"]}}


class LocalAuthorityForm(ReferralSectionForm):
    title = "Local authority contacted"
    local_authority = forms.ModelChoiceField(
        label="Which local authority children's services have you contacted?",
        queryset=Organisation.objects.holding(OrgRole.LOCAL_AUTHORITY).filter(is_active=True),
        empty_label="Select a local authority",
        error_messages={"required": "Select the local authority you contacted",
                        "invalid_choice": "Select the local authority you contacted"},
    )
    la_contact_name = short_text("Name of the person you contacted", required=True, autocomplete="off")
    la_contact_phone = phone("Their phone number", required=True)
    la_contact_email = email("Their email address", required=True)

    def clean_la_contact_phone(self) -> str:
        return validate_phone(self.cleaned_data["la_contact_phone"])


class ConsentForm(ReferralSectionForm):
    title = "Consent"
    consents = choice(
        "Has the person given informed consent to be referred to the National Referral Mechanism?", YES_NO,
        help_text="An adult must understand what the NRM is and agree to the referral. If they do not: police "
                  "forces, local authorities and the government agencies that carry the Duty to Notify record an "
                  "anonymous notification for exploitation in England or Wales; anyone else, or for Scotland or "
                  "Northern Ireland, makes no referral and sends no notification.",
        error="Select whether the person has given informed consent",
    )
    wants_support = choice("Do they want support, such as safe accommodation, while their case is decided?",
                           YES_NO, required=False, error="Select whether they want support")
    dtn_exploitation_types = forms.MultipleChoiceField(
        label="What types of exploitation are involved?", choices=ExploitationType.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text="For a Duty to Notify. Select all that apply.",
        error_messages={"required": "Select at least one type of exploitation",
                        "invalid_choice": "Select types of exploitation from the list"},
    )
    dtn_location = choice("Where did the exploitation happen?",
                          [(ExploitationLocation.UK, "In the UK"), (ExploitationLocation.OVERSEAS, "Overseas"),
                           (ExploitationLocation.BOTH, "Both in the UK and overseas")],
                          required=False, error="Select where the exploitation happened")
    dtn_year = forms.IntegerField(label="In which year did the exploitation start?", required=False,
                                  min_value=1900, max_value=2100,
                                  error_messages={"required": "Enter the year the exploitation started",
                                                  "invalid": "Enter the year as a number, like 2023",
                                                  "min_value": "Enter a year after 1900",
                                                  "max_value": "Enter a year that has happened"})
    dtn_gender = choice("Gender", Gender.choices[:3], required=False, error="Select their gender")
    dtn_nationality = forms.ChoiceField(
        label="Nationality", choices=[("", "Select a nationality"), *NATIONALITIES], required=False,
        error_messages={"required": "Select their nationality", "invalid_choice": "Select their nationality"},
    )
    dtn_reason = free_text("Why did they not consent?", help_text="Optional. Do not give their name.", rows=3)
    conditional_fields = {
        "consents": {"yes": ["wants_support"], "no": ["dtn_exploitation_types", "dtn_location", "dtn_year",
                                                      "dtn_gender", "dtn_nationality", "dtn_reason"]},
    }
    optional_when_shown = frozenset({"dtn_reason", "dtn_year"})
