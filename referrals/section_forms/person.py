"""The end of the referral journey: the person's details, how to send them the decision, and the
referrer's own details."""

from __future__ import annotations

from typing import Any

from django import forms

from core.fields import YES_NO, YES_NO_NOT_SURE, choice, email, free_text, phone, short_text, validate_phone
from core.forms import GovukDateField
from referrals.forms import EARLIEST_DATE, ReferralSectionForm
from referrals.models import Gender
from referrals.reference_data import NATIONALITIES


class PersonalDetailsForm(ReferralSectionForm):
    title = "Personal details"
    given_names = short_text("Given names", required=True, autocomplete="off")
    family_name = short_text("Family name", required=True, autocomplete="off")
    other_names = short_text("Other names or nicknames", help_text="Optional.", autocomplete="off")
    date_of_birth = GovukDateField(label="Date of birth", required=False, must_be_past=True, earliest=EARLIEST_DATE,
                                   help_text="For example, 27 3 2001. Leave blank if not known.")
    gender = choice("Gender", Gender.choices[:3], inline=True, error="Select their gender")
    has_dependants = choice("Do they have dependants?", YES_NO, inline=True,
                            error="Select whether they have dependants")
    dependants = free_text("Tell us about their dependants", help_text="Ages and where they are.", rows=3)
    nationality = forms.ChoiceField(
        label="Nationality", choices=[("", "Select a nationality"), *NATIONALITIES],
        error_messages={"required": "Select their nationality", "invalid_choice": "Select their nationality"},
    )
    second_nationality = forms.ChoiceField(
        label="Second nationality", required=False, choices=[("", "None"), *NATIONALITIES],
        error_messages={"invalid_choice": "Select their second nationality"},
    )
    needs_interpreter = choice("Do they need an interpreter?", YES_NO, inline=True,
                               error="Select whether they need an interpreter")
    interpreter_language = short_text("Which language?", max_length=100, width="20")
    home_office_reference = short_text("Home Office reference", help_text="Optional.", max_length=40, width="20")
    immigration_control = choice("Are they subject to immigration control?", YES_NO_NOT_SURE, inline=True,
                                 error="Select whether they are subject to immigration control")
    claimed_asylum = choice("Have they claimed asylum?", YES_NO_NOT_SURE, inline=True,
                            error="Select whether they have claimed asylum")
    immigration_enforcement_case = choice(
        "Are they in immigration detention, or a foreign national offender facing removal?", YES_NO_NOT_SURE,
        inline=True, required=False, help_text="The Immigration Enforcement Competent Authority decides these "
                                               "cases where that authority exists.",
        error="Select whether they are in immigration detention or facing removal")
    conditional_fields = {
        "has_dependants": {"yes": ["dependants"]},
        "needs_interpreter": {"yes": ["interpreter_language"]},
        "immigration_control": {"yes": ["immigration_enforcement_case"], "not_sure": ["immigration_enforcement_case"]},
    }
    optional_when_shown = frozenset({"immigration_enforcement_case"})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("second_nationality") and cleaned.get("second_nationality") == cleaned.get("nationality"):
            self.add_error("second_nationality", "Second nationality must be different from nationality")
        return cleaned


class DecisionDeliveryForm(ReferralSectionForm):
    title = "How to send the decision"
    send_to = choice("Who should the decision be sent to?",
                     [("person", "The person referred"),
                      ("legal_representative", "Their legal representative"),
                      ("third_party", "Someone else on their behalf"),
                      ("first_responder", "You, the first responder, to give to them")],
                     error="Select who the decision should be sent to")
    third_party_name = short_text("Name and role of the person to send it to", autocomplete="off")
    method = choice("How should it be sent?", [("email", "Email"), ("post", "Post")], inline=True,
                    error="Select how the decision should be sent")
    delivery_email = email("Email address")
    delivery_address = free_text("Postal address", rows=4)
    # "no" is a real answer: the decision is then never sent there, and the person collects it in person
    # through the first responder (decisions.dispatch). Older referrals stored a ticked box (True).
    safe_to_send = choice("Have you confirmed with the person that it is safe to send the decision here?",
                          YES_NO, inline=True,
                          help_text="If not, the person will collect the decision in person through you.",
                          error="Select whether it is safe to send the decision here")
    conditional_fields = {
        "send_to": {"third_party": ["third_party_name"]},
        "method": {"email": ["delivery_email"], "post": ["delivery_address"]},
    }

    @classmethod
    def data_from_answers(cls, answers: dict[str, Any]) -> dict[str, Any]:
        return _ticked_box_as_yes(super().data_from_answers(answers))

    @classmethod
    def initial_from_answers(cls, answers: dict[str, Any]) -> dict[str, Any]:
        return _ticked_box_as_yes(super().initial_from_answers(answers))


def _ticked_box_as_yes(values: dict[str, Any]) -> dict[str, Any]:
    """An older referral's ticked "safe to send" box (True) is the question's "yes" now."""
    if values.get("safe_to_send") is True:
        values["safe_to_send"] = "yes"
    return values


class ReferrerDetailsForm(ReferralSectionForm):
    title = "Your details"
    referrer_name = short_text("Your full name", required=True, autocomplete="name")
    referrer_job_title = short_text("Your job title", required=True, autocomplete="organization-title")
    referrer_phone = phone("Your telephone number", required=True)
    referrer_email = email("Your work email address", required=True)

    @classmethod
    def initial_for_new_answers(cls, *, user, earlier: dict[str, Any]) -> dict[str, Any]:
        """Filled in from the signed-in account (name, e-mail) and, for the job title and telephone
        number, from the user's last referral: nobody retypes what the service knows."""
        initial = {name: earlier[name] for name in ("referrer_job_title", "referrer_phone") if earlier.get(name)}
        return {**initial, "referrer_name": user.full_name, "referrer_email": user.email}

    def clean_referrer_phone(self) -> str:
        return validate_phone(self.cleaned_data["referrer_phone"])
