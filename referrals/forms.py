"""The referral's sections as forms: one form per task-list section, shared by the web pages
and the API, so both validate the same way.

A question that depends on an earlier answer is declared in `conditional_fields`; it is shown
(GOV.UK conditional reveal) and required only when that answer is given, and its value is
dropped when it is not, so nothing hidden is ever stored.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any, ClassVar

from django import forms

from core.forms import GovukDateField
from organisations.models import Organisation, OrganisationKind
from referrals.models import ExploitationType, Gender, Nation
from referrals.reference_data import COUNTRIES, COUNTRY_NAMES, NATIONALITIES, UK_POLICE_FORCES

FREE_TEXT_MAX = 15000
MAX_PLACES = 10
EARLIEST_DATE = datetime.date(1900, 1, 1)
_PHONE = re.compile(r"^\+?[0-9 ()-]{7,25}$")

YES_NO = [("yes", "Yes"), ("no", "No")]
YES_NO_NOT_SURE = [("yes", "Yes"), ("no", "No"), ("not_sure", "Not sure")]


def free_text(label: str, *, required: bool = False, help_text: str = "", rows: int = 5) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=FREE_TEXT_MAX, help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": f"Enter {label[0].lower()}{label[1:].rstrip('?')}",
                        "max_length": f"{label.rstrip('?')} must be {FREE_TEXT_MAX:,} characters or fewer"},
    )


def short_text(label: str, *, required: bool = False, help_text: str = "", max_length: int = 200,
               width: str = "", autocomplete: str = "") -> forms.CharField:
    attrs = {}
    if width:
        attrs["data-width"] = width
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    return forms.CharField(
        label=label, required=required, max_length=max_length, help_text=help_text,
        widget=forms.TextInput(attrs=attrs),
        error_messages={"required": f"Enter {label[0].lower()}{label[1:]}",
                        "max_length": f"{label} must be {max_length} characters or fewer"},
    )


def choice(label: str, choices: Iterable[tuple[str, str]], *, required: bool = True, help_text: str = "",
           inline: bool = False, error: str = "") -> forms.ChoiceField:
    attrs = {"data-inline": "true"} if inline else {}
    return forms.ChoiceField(
        label=label, choices=list(choices), required=required, help_text=help_text,
        widget=forms.RadioSelect(attrs=attrs),
        error_messages={"required": error or f"Select {label[0].lower()}{label[1:].rstrip('?')}",
                        "invalid_choice": error or f"Select {label[0].lower()}{label[1:].rstrip('?')}"},
    )


def phone(label: str, *, required: bool = False) -> forms.CharField:
    field = short_text(label, required=required, max_length=25, width="20", autocomplete="tel")
    field.widget.input_type = "tel"
    return field


def email(label: str, *, required: bool = False) -> forms.EmailField:
    return forms.EmailField(
        label=label, required=required, max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"required": f"Enter {label[0].lower()}{label[1:]}",
                        "invalid": "Enter an email address in the correct format, like name@example.com"},
    )


class ReferralSectionForm(forms.Form):
    """Base of every section: conditional questions, and conversion to and from stored answers."""

    title: ClassVar[str] = ""
    # {parent field: {answer: [fields shown and required when that answer is given]}}
    conditional_fields: ClassVar[dict[str, dict[str, list[str]]]] = {}
    # Conditional fields that are shown but may still be left blank.
    optional_when_shown: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages.setdefault("required", f"Enter {field.label.lower()}")

    def _dependants(self) -> dict[str, list[tuple[str, str]]]:
        """field -> [(parent, answer)] that reveal it."""
        revealed_by: dict[str, list[tuple[str, str]]] = {}
        for parent, by_answer in self.conditional_fields.items():
            for answer, dependants in by_answer.items():
                for name in dependants:
                    revealed_by.setdefault(name, []).append((parent, answer))
        return revealed_by

    def _answered(self, parent: str, answer: str) -> bool:
        value = self.cleaned_data.get(parent)
        if isinstance(value, list | tuple | set):
            return answer in value
        return value == answer

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name, parents in self._dependants().items():
            shown = any(self._answered(parent, answer) for parent, answer in parents)
            if not shown:
                self.errors.pop(name, None)  # a hidden question cannot be wrong
                cleaned[name] = [] if isinstance(self.fields[name], forms.MultipleChoiceField) else None
            elif name not in self.optional_when_shown and name not in self.errors and cleaned.get(name) in (
                None, "", [],
            ):
                self.add_error(name, self.fields[name].error_messages["required"])
        return cleaned

    def to_answers(self) -> dict[str, Any]:
        """JSON-ready answers: dates as ISO strings, empty answers left out."""
        answers: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if value in (None, "", []):
                continue
            if isinstance(value, datetime.date):
                value = value.isoformat()
            elif isinstance(value, Organisation):
                value = value.pk
            answers[name] = value
        return answers

    @classmethod
    def initial_from_answers(cls, answers: dict[str, Any]) -> dict[str, Any]:
        initial = dict(answers)
        for name, field in cls.base_fields.items():
            if isinstance(field, GovukDateField) and isinstance(initial.get(name), str):
                initial[name] = datetime.date.fromisoformat(initial[name])
        return initial

    @classmethod
    def data_from_answers(cls, answers: dict[str, Any]) -> dict[str, Any]:
        """Answers as submitted form data (dates split into day, month, year): used to
        re-validate saved answers before submission and to accept JSON through the API."""
        data: dict[str, Any] = {}
        for name, field in cls.base_fields.items():
            if name not in answers:
                continue
            value = answers[name]
            if isinstance(field, GovukDateField):
                day = month = year = ""
                if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                    year, month, day = value.split("-")
                elif isinstance(value, dict):
                    day, month, year = (str(value.get(k, "")) for k in ("day", "month", "year"))
                data[f"{name}_day"], data[f"{name}_month"], data[f"{name}_year"] = day, month, year
            else:
                data[name] = value
        return data


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
        queryset=Organisation.objects.filter(kind=OrganisationKind.LOCAL_AUTHORITY, is_active=True),
        empty_label="Select a local authority",
        error_messages={"required": "Select the local authority you contacted",
                        "invalid_choice": "Select the local authority you contacted"},
    )
    la_contact_name = short_text("Name of the person you contacted", required=True, autocomplete="off")
    la_contact_phone = phone("Their phone number", required=True)
    la_contact_email = email("Their email address", required=True)

    def clean_la_contact_phone(self) -> str:
        return validate_phone(self.cleaned_data["la_contact_phone"])


def validate_phone(value: str) -> str:
    if value and (not _PHONE.match(value) or not 10 <= len(re.sub(r"\D", "", value)) <= 15):
        raise forms.ValidationError("Enter a telephone number, like 01632 960 001 or +44 808 157 0192")
    return value


class ConsentForm(ReferralSectionForm):
    title = "Consent"
    consents = choice(
        "Has the person given informed consent to be referred to the National Referral Mechanism?", YES_NO,
        help_text="An adult must understand what the NRM is and agree to the referral. If they do not, you record "
                  "an anonymous Duty to Notify instead.",
        error="Select whether the person has given informed consent",
    )
    wants_support = choice("Do they want support, such as safe accommodation, while their case is decided?",
                           YES_NO, required=False, error="Select whether they want support")
    dtn_gender = choice("Gender", Gender.choices[:3], required=False, error="Select their gender")
    dtn_nationality = forms.ChoiceField(
        label="Nationality", choices=[("", "Select a nationality"), *NATIONALITIES], required=False,
        error_messages={"required": "Select their nationality", "invalid_choice": "Select their nationality"},
    )
    dtn_reason = free_text("Why did they not consent?", help_text="Optional.", rows=3)
    dtn_name = short_text("Their name, only if they agree to give it", max_length=200,
                          help_text="Leave blank unless the person agrees. No other personal details are kept.")
    conditional_fields = {
        "consents": {"yes": ["wants_support"], "no": ["dtn_gender", "dtn_nationality", "dtn_reason", "dtn_name"]},
    }
    optional_when_shown = frozenset({"dtn_reason", "dtn_name"})


class BackgroundForm(ReferralSectionForm):
    title = "Background"
    birthplace = short_text("Where were they born?", help_text="Town and country, if known.")
    family = free_text("Family background")
    education = free_text("Education")
    employment_history = free_text("Employment history")


class ExploitationForm(ReferralSectionForm):
    title = "Exploitation"
    situations = free_text("Describe each situation of exploitation", required=True,
                           help_text="Include what they were made to do, by whom, where and for how long.", rows=8)
    started_on = GovukDateField(label="When did the exploitation start?", required=False, must_be_past=True,
                                earliest=EARLIEST_DATE, help_text="For example, 27 3 2019. Leave blank if not known.")
    ended_on = GovukDateField(label="When did it end?", required=False, must_be_past=True, earliest=EARLIEST_DATE,
                              help_text="Leave blank if it has not ended or is not known.")
    how_it_started = free_text("How did it start?")
    recruitment = free_text("Recruitment", help_text="How and where they were recruited.")
    transit_route = free_text("Transit route", help_text="The countries and places they passed through.")
    border_crossing = free_text("How did they cross the UK border?")
    uk_activity = free_text("Activity in the UK", help_text="Where they were taken and what happened there.")
    living_conditions = free_text("Living conditions")
    working_conditions = free_text("Working conditions")
    still_exploited = choice("Are they still being exploited?", YES_NO_NOT_SURE, inline=True,
                             error="Select whether they are still being exploited")
    last_contact_on = GovukDateField(label="When did they last have contact with the exploiters?", required=False,
                                     must_be_past=True, earliest=EARLIEST_DATE)
    reported_before = choice("Has the exploitation been reported before?", YES_NO_NOT_SURE, inline=True,
                             error="Select whether it has been reported before")
    reported_before_details = free_text("Who was it reported to, and when?", rows=3)
    conditional_fields = {
        "still_exploited": {"no": ["last_contact_on"]},
        "reported_before": {"yes": ["reported_before_details"]},
    }
    optional_when_shown = frozenset({"last_contact_on"})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        started, ended = cleaned.get("started_on"), cleaned.get("ended_on")
        if started and ended and ended < started:
            self.add_error("ended_on", "When it ended must be the same as or after when it started")
        return cleaned


INDICATORS = [
    ("fear", "Fearful, anxious or submissive"),
    ("distrust", "Distrustful of the authorities"),
    ("injuries", "Signs of physical or psychological abuse"),
    ("documents_held", "Identity documents held by someone else"),
    ("debt", "Owes a debt they cannot pay"),
    ("no_earnings", "No control of their earnings"),
    ("movement_restricted", "Freedom of movement restricted"),
    ("long_hours", "Works excessively long hours"),
    ("lives_at_work", "Lives where they work"),
    ("coached", "Story appears coached or scripted"),
    ("threats", "Threats against them or their family"),
    ("other", "Other indicators"),
]


class ProfessionalInsightForm(ReferralSectionForm):
    title = "Professional insight"
    indicators = forms.MultipleChoiceField(
        label="Which indicators of modern slavery have you observed?", choices=INDICATORS,
        widget=forms.CheckboxSelectMultiple, help_text="Select all that apply.",
        error_messages={"required": "Select at least one indicator you observed",
                        "invalid_choice": "Select indicators from the list"},
    )
    other_indicators = free_text("Describe the other indicators", rows=3)
    interviews = free_text("How was the information gathered?",
                           help_text="Interviews held, who was present, whether an interpreter was used.")
    credibility_concerns = free_text("Do you have any concerns about the account given?")
    other_professionals = free_text("Other professionals involved",
                                    help_text="Names of agencies and roles, not of the person.")
    conditional_fields = {"indicators": {"other": ["other_indicators"]}}


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


_COUNTRY_BY_NAME = {name.lower(): code for code, name in COUNTRIES}


class LocationForm(ReferralSectionForm):
    title = "Location"
    uk_towns = free_text("UK towns or cities where the exploitation happened",
                         help_text=f"One per line, up to {MAX_PLACES}.", rows=4)
    overseas_countries = free_text("Countries outside the UK where the exploitation happened",
                                   help_text=f"One per line, up to {MAX_PLACES}.", rows=4)
    current_location = short_text("Where is the person now?", required=True,
                                  help_text="Town or area only, for example 'Hillingdon'. Do not give an address.")

    def clean_uk_towns(self) -> list[str]:
        towns = _lines(self.cleaned_data["uk_towns"])
        if len(towns) > MAX_PLACES:
            raise forms.ValidationError(f"Enter no more than {MAX_PLACES} UK towns or cities")
        return towns

    def clean_overseas_countries(self) -> list[str]:
        names = _lines(self.cleaned_data["overseas_countries"])
        if len(names) > MAX_PLACES:
            raise forms.ValidationError(f"Enter no more than {MAX_PLACES} countries")
        unknown = [name for name in names if name.lower() not in _COUNTRY_BY_NAME]
        if unknown:
            raise forms.ValidationError(f"Enter countries by their name, like Albania or Vietnam: "
                                        f"'{unknown[0]}' is not a country we recognise")
        return [_COUNTRY_BY_NAME[name.lower()] for name in names]

    @classmethod
    def initial_from_answers(cls, answers: dict[str, Any]) -> dict[str, Any]:
        initial = super().initial_from_answers(answers)
        initial["uk_towns"] = "\n".join(answers.get("uk_towns", []))
        countries = answers.get("overseas_countries", [])
        initial["overseas_countries"] = "\n".join(COUNTRY_NAMES.get(code, code) for code in countries)
        return initial

    @classmethod
    def data_from_answers(cls, answers: dict[str, Any]) -> dict[str, Any]:
        data = super().data_from_answers(answers)
        for name in ("uk_towns", "overseas_countries"):
            if isinstance(data.get(name), list):
                data[name] = "\n".join(COUNTRY_NAMES.get(v, v) if name == "overseas_countries" else v
                                       for v in data[name])
        return data


class ExploitersForm(ReferralSectionForm):
    title = "Exploiters"
    exploiters = free_text("Who exploited them?", help_text="Names, nicknames, descriptions and how they are "
                                                            "connected, if known.")
    exploiter_location_known = choice("Do you know where the exploiters are?", YES_NO, inline=True,
                                      error="Select whether you know where the exploiters are")
    exploiter_location = free_text("Where are they?", rows=3)
    conditional_fields = {"exploiter_location_known": {"yes": ["exploiter_location"]}}


class ExploitationTypesForm(ReferralSectionForm):
    title = "Types of exploitation"
    exploitation_types = forms.MultipleChoiceField(
        label="What types of exploitation are involved?", choices=ExploitationType.choices,
        widget=forms.CheckboxSelectMultiple, help_text="Select all that apply.",
        error_messages={"required": "Select at least one type of exploitation",
                        "invalid_choice": "Select types of exploitation from the list"},
    )


class RiskForm(ReferralSectionForm):
    title = "Risk and police"
    other_victims = choice("Are there other potential victims?", YES_NO_NOT_SURE, inline=True,
                           error="Select whether there are other potential victims")
    other_victims_details = free_text("Tell us about the other potential victims",
                                      help_text="How many, and where, if known. Do not give their names.", rows=3)
    future_risk = free_text("What risks do they face now?", help_text="Including risk of re-trafficking.")
    crime_reference = short_text("Police crime reference number", help_text="If the crime has been reported.",
                                 max_length=50, width="20")
    police_force = forms.ChoiceField(label="Police force", required=False,
                                     choices=[("", "Select a police force"), *((f, f) for f in UK_POLICE_FORCES)],
                                     error_messages={"invalid_choice": "Select a police force from the list"})
    willing_to_cooperate = choice("Are they willing to co-operate with the police or other authorities?",
                                  YES_NO_NOT_SURE, inline=True, error="Select whether they are willing to co-operate")
    conditional_fields = {"other_victims": {"yes": ["other_victims_details"]}}
    optional_when_shown = frozenset({"other_victims_details"})


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
    conditional_fields = {
        "has_dependants": {"yes": ["dependants"]},
        "needs_interpreter": {"yes": ["interpreter_language"]},
    }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("second_nationality") and cleaned.get("second_nationality") == cleaned.get("nationality"):
            self.add_error("second_nationality", "Second nationality must be different from nationality")
        return cleaned


class DecisionDeliveryForm(ReferralSectionForm):
    title = "How to send the decision"
    send_to = choice("Who should the decision be sent to?",
                     [("person", "The person referred"), ("third_party", "Someone else on their behalf")],
                     error="Select who the decision should be sent to")
    third_party_name = short_text("Name and role of the person to send it to", autocomplete="off")
    method = choice("How should it be sent?", [("email", "Email"), ("post", "Post")], inline=True,
                    error="Select how the decision should be sent")
    delivery_email = email("Email address")
    delivery_address = free_text("Postal address", rows=4)
    safe_to_send = forms.BooleanField(
        label="I have confirmed with the person that it is safe to send the decision here",
        error_messages={"required": "Confirm that it is safe to send the decision here"},
    )
    conditional_fields = {
        "send_to": {"third_party": ["third_party_name"]},
        "method": {"email": ["delivery_email"], "post": ["delivery_address"]},
    }


class ReferrerDetailsForm(ReferralSectionForm):
    title = "Your details"
    referrer_name = short_text("Your full name", required=True, autocomplete="name")
    referrer_job_title = short_text("Your job title", required=True, autocomplete="organization-title")
    referrer_phone = phone("Your telephone number", required=True)
    referrer_email = email("Your work email address", required=True)

    def clean_referrer_phone(self) -> str:
        return validate_phone(self.cleaned_data["referrer_phone"])


class InformationAnswerForm(forms.Form):
    answer = free_text("Your answer", required=True, rows=8)

