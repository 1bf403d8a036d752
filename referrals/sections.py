"""The referral journey's sections in order, and which apply to a given referral.

Branching happens at section level as well as inside forms: a child's referral has a
local-authority section and no consent or decision-delivery section; an adult who does not
consent gets a Duty to Notify, which keeps only the sections that record needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from referrals.forms import ReferralSectionForm
from referrals.models import Referral
from referrals.permissions import carries_duty_to_notify
from referrals.section_forms.exploitation import (
    BackgroundForm,
    ExploitationForm,
    ExploitationTypesForm,
    ExploitersForm,
    LocationForm,
    ProfessionalInsightForm,
    RiskForm,
)
from referrals.section_forms.person import DecisionDeliveryForm, PersonalDetailsForm, ReferrerDetailsForm
from referrals.section_forms.start import AgeForm, ConsentForm, FirstResponderDetailsForm, LocalAuthorityForm


def _is_child(referral: Referral) -> bool:
    return referral.is_child is True


def _is_adult(referral: Referral) -> bool:
    return referral.is_child is False


def _without_consent(referral: Referral) -> bool:
    return _is_adult(referral) and referral.answers.get("consent", {}).get("consents") == "no"


def is_duty_to_notify(referral: Referral) -> bool:
    """An adult who does not consent, referred by a first responder of a public authority type that carries
    the Duty to Notify (NRM_DUTY_TO_NOTIFY_AUTHORITIES), for exploitation in England or Wales."""
    return _without_consent(referral) and carries_duty_to_notify(referral)


def no_referral_and_no_notification(referral: Referral) -> bool:
    """An adult who does not consent, where no Duty to Notify applies (a charity, or Scotland or Northern
    Ireland): nothing is sent; the consent question explains why."""
    return _without_consent(referral) and not carries_duty_to_notify(referral)


def _is_nrm(referral: Referral) -> bool:
    return not _without_consent(referral)


def _is_adult_nrm(referral: Referral) -> bool:
    return referral.is_child is not True and _is_nrm(referral)


def _always(referral: Referral) -> bool:
    return True


@dataclass(frozen=True)
class Section:
    slug: str
    form_class: type[ReferralSectionForm]
    applies: Callable[[Referral], bool]

    @property
    def title(self) -> str:
        return self.form_class.title


SECTIONS: list[Section] = [
    Section("first-responder", FirstResponderDetailsForm, _always),
    Section("age", AgeForm, _always),
    Section("local-authority", LocalAuthorityForm, _is_child),
    Section("consent", ConsentForm, lambda referral: referral.is_child is not True),
    Section("background", BackgroundForm, _is_nrm),
    Section("exploitation", ExploitationForm, _is_nrm),
    Section("professional-insight", ProfessionalInsightForm, _is_nrm),
    Section("location", LocationForm, _is_nrm),
    Section("exploiters", ExploitersForm, _is_nrm),
    Section("exploitation-types", ExploitationTypesForm, _is_nrm),
    Section("risk", RiskForm, _is_nrm),
    Section("personal-details", PersonalDetailsForm, _is_nrm),
    Section("decision-delivery", DecisionDeliveryForm, _is_adult_nrm),
    Section("your-details", ReferrerDetailsForm, _always),
]
SECTIONS_BY_SLUG = {section.slug: section for section in SECTIONS}


def sections_for(referral: Referral) -> list[Section]:
    return [section for section in SECTIONS if section.applies(referral)]


def section_is_complete(referral: Referral, section: Section) -> bool:
    """Complete when saved answers exist and still pass the section's validation."""
    if section.slug not in referral.answers:
        return False
    form = section.form_class(data=section.form_class.data_from_answers(referral.answers[section.slug]))
    return form.is_valid()


def next_section(referral: Referral, after: Section) -> Section | None:
    applicable = sections_for(referral)
    slugs = [section.slug for section in applicable]
    if after.slug in slugs:
        index = slugs.index(after.slug)
        return applicable[index + 1] if index + 1 < len(applicable) else None
    return None
