"""Complete sets of answers and a helper that walks a referral through the services."""

from __future__ import annotations

import copy
from typing import Any

from referrals.models import Referral
from referrals.sections import SECTIONS_BY_SLUG
from referrals.services import referral_section_save, referral_start

YOUR_DETAILS = {"referrer_name": "Sam Officer", "referrer_job_title": "Detective constable",
                "referrer_phone": "020 7946 0123", "referrer_email": "sam.officer@example.test"}

ADULT: dict[str, dict[str, Any]] = {
    "first-responder": {"nation": "england", "own_reference": "OP-1"},
    "age": {"under_18": "no", "under_18_when_exploited": "no"},
    "consent": {"consents": "yes", "wants_support": "yes"},
    "background": {"birthplace": "Tirana"},
    "exploitation": {"situations": "Forced to work in a car wash.", "started_on": "2024-03-01",
                     "still_exploited": "no", "last_contact_on": "2026-10-01", "reported_before": "no"},
    "professional-insight": {"indicators": ["fear"]},
    "location": {"uk_towns": ["Luton"], "overseas_countries": [], "current_location": "Luton"},
    "exploiters": {"exploiter_location_known": "no"},
    "exploitation-types": {"exploitation_types": ["labour"]},
    "risk": {"other_victims": "no", "willing_to_cooperate": "yes"},
    "personal-details": {"given_names": "Arben", "family_name": "Testperson", "date_of_birth": "1990-05-17",
                         "gender": "male", "has_dependants": "no", "nationality": "AL", "needs_interpreter": "no",
                         "immigration_control": "no", "claimed_asylum": "no"},
    "decision-delivery": {"send_to": "person", "method": "email", "delivery_email": "safe@example.test",
                          "safe_to_send": "yes"},
    "your-details": YOUR_DETAILS,
}


def child_answers(local_authority_id: int) -> dict[str, dict[str, Any]]:
    answers = {slug: value for slug, value in copy.deepcopy(ADULT).items()
               if slug not in ("consent", "decision-delivery")}
    answers["age"] = {"under_18": "yes"}
    answers["local-authority"] = {"local_authority": local_authority_id, "la_contact_name": "Duty worker",
                                  "la_contact_phone": "01895 250111", "la_contact_email": "duty@la.example.test"}
    answers["exploitation-types"] = {"exploitation_types": ["criminal", "sexual"]}
    answers["personal-details"]["date_of_birth"] = "2011-01-09"
    return answers


DUTY_TO_NOTIFY: dict[str, dict[str, Any]] = {
    "first-responder": {"nation": "wales"},
    "age": {"under_18": "no", "under_18_when_exploited": "no"},
    "consent": {"consents": "no", "dtn_exploitation_types": ["labour"], "dtn_location": "uk", "dtn_year": 2024,
                "dtn_gender": "female", "dtn_nationality": "VN"},
    "your-details": YOUR_DETAILS,
}


def adult_answers(**changes: dict[str, Any]) -> dict[str, dict[str, Any]]:
    answers = copy.deepcopy(ADULT)
    for slug, section_changes in changes.items():
        answers[slug.replace("_", "-")].update(section_changes)
    return answers


def save_sections(referral: Referral, answers: dict[str, dict[str, Any]], user) -> Referral:
    for slug, section_answers in answers.items():
        form = referral_section_save(
            referral=referral, section_slug=slug,
            data=SECTIONS_BY_SLUG[slug].form_class.data_from_answers(section_answers), by=user,
        )
        assert form.is_valid(), (slug, form.errors)
    referral.refresh_from_db()
    return referral


def completed_draft(user, answers: dict[str, dict[str, Any]] | None = None) -> Referral:
    return save_sections(referral_start(by=user), answers or copy.deepcopy(ADULT), user)
