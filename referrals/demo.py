"""Demo referrals so a newcomer sees a working service: drafts, submitted adult and child
referrals, and a Duty to Notify, from each demo first responder organisation. Fictional people."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from organisations.demo import GUARDIAN_ACCOUNTS, GUARDIAN_SERVICE
from organisations.models import Organisation, User
from referrals.models import GuardianAssignment, Referral
from referrals.sections import SECTIONS_BY_SLUG
from referrals.services import guardian_assign, referral_section_save, referral_start, referral_submit

REFERRER = {"referrer_job_title": "Modern slavery single point of contact", "referrer_phone": "020 7946 0000"}


def _adult_nrm(given: str, family: str, dob: str, nationality: str, gender: str, types: list[str],
               towns: list[str], countries: list[str], asylum: str, story: str) -> dict[str, dict[str, Any]]:
    return {
        "first-responder": {"nation": "england"},
        "age": {"under_18": "no", "under_18_when_exploited": "no"},
        "consent": {"consents": "yes", "wants_support": "yes"},
        "background": {"birthplace": "Not known", "employment_history": "Informal work before travelling."},
        "exploitation": {"situations": story, "started_on": "2025-06-01", "still_exploited": "no",
                         "last_contact_on": "2026-10-20", "reported_before": "no",
                         "how_it_started": "Offered a job by an acquaintance."},
        "professional-insight": {"indicators": ["fear", "documents_held", "debt"],
                                 "interviews": "Interviewed with a telephone interpreter."},
        "location": {"uk_towns": towns, "overseas_countries": countries, "current_location": "London"},
        "exploiters": {"exploiters": "A man known by a nickname.", "exploiter_location_known": "no"},
        "exploitation-types": {"exploitation_types": types},
        "risk": {"other_victims": "not_sure", "future_risk": "Risk of re-trafficking if returned to the same area.",
                 "willing_to_cooperate": "yes"},
        "personal-details": {"given_names": given, "family_name": family, "date_of_birth": dob, "gender": gender,
                             "has_dependants": "no", "nationality": nationality, "needs_interpreter": "no",
                             "immigration_control": asylum, "claimed_asylum": asylum},
        "decision-delivery": {"send_to": "third_party", "third_party_name": "Caseworker at the referring team",
                              "method": "email", "delivery_email": "safe-inbox@demo.nrm.test", "safe_to_send": "yes"},
    }


def _demo_referrals() -> list[tuple[str, str, bool, dict[str, dict[str, Any]]]]:
    """(first responder email, demo marker, submit?, answers by section)."""
    hillingdon = Organisation.objects.get(name="Hillingdon Council children's services")
    child = {
        "first-responder": {"nation": "england"},
        "age": {"under_18": "yes"},
        "local-authority": {"local_authority": hillingdon.pk, "la_contact_name": "Duty social worker",
                            "la_contact_phone": "01895 250000", "la_contact_email": "mash@hillingdon.demo.nrm.test"},
        "background": {"education": "Stopped attending school this year."},
        "exploitation": {"situations": "Made to carry drugs between London and coastal towns (county lines).",
                         "still_exploited": "not_sure", "reported_before": "yes",
                         "reported_before_details": "Missing episodes reported to the police."},
        "professional-insight": {"indicators": ["fear", "threats"]},
        "location": {"uk_towns": ["Hillingdon", "Southend-on-Sea"], "current_location": "Hillingdon"},
        "exploiters": {"exploiter_location_known": "no"},
        "exploitation-types": {"exploitation_types": ["criminal"]},
        "risk": {"other_victims": "yes", "willing_to_cooperate": "not_sure"},
        "personal-details": {"given_names": "Jordan", "family_name": "Example", "date_of_birth": "2010-04-12",
                             "gender": "male", "has_dependants": "no", "nationality": "GB",
                             "needs_interpreter": "no", "immigration_control": "no", "claimed_asylum": "no"},
    }
    return [
        ("fr.police@demo.nrm.test", "DEMO-MET-1", True, _adult_nrm(
            "Elira", "Example", "1998-02-14", "AL", "female", ["sexual"], ["Croydon"], ["AL", "IT"], "yes",
            "Brought to the UK with a promise of work and made to sell sex in several flats.")),
        ("fr.police@demo.nrm.test", "DEMO-MET-2", False, {
            "first-responder": {"nation": "england"}, "age": {"under_18": "no", "under_18_when_exploited": "yes"}}),
        ("fr.ngo@demo.nrm.test", "DEMO-BAR-1", True, child),
        ("fr.ngo@demo.nrm.test", "DEMO-BAR-2", False, {"first-responder": {"nation": "wales"},
                                                        "age": {"under_18": "not_sure"}}),
        ("fr.la@demo.nrm.test", "DEMO-HIL-1", True, _adult_nrm(
            "Minh", "Example", "1995-09-03", "VN", "male", ["labour"], ["Slough", "Reading"], [], "not_sure",
            "Worked in nail bars for no pay to clear a travel debt.")),
        ("fr.la@demo.nrm.test", "DEMO-HIL-2", True, {
            "first-responder": {"nation": "england"},
            "age": {"under_18": "no", "under_18_when_exploited": "no"},
            "consent": {"consents": "no", "dtn_exploitation_types": ["labour"], "dtn_location": "both",
                        "dtn_year": 2023, "dtn_gender": "male", "dtn_nationality": "RO",
                        "dtn_reason": "Fears the consequences for family at home."},
        }),
    ]


def seed_referrals() -> int:
    created = 0
    for email, marker, submit, answers in _demo_referrals():
        if Referral.objects.filter(**{"answers__first-responder__own_reference": marker}).exists():
            continue
        author = User.objects.get(email=email)
        referral = referral_start(by=author)
        answers["first-responder"]["own_reference"] = marker
        answers["your-details"] = {"referrer_name": author.full_name, "referrer_email": author.email, **REFERRER}
        for slug, section_answers in answers.items():
            form = referral_section_save(
                referral=referral, section_slug=slug,
                data=SECTIONS_BY_SLUG[slug].form_class.data_from_answers(section_answers), by=author,
            )
            if not form.is_valid():
                raise ValueError(f"Demo referral {marker}, section {slug}: {form.errors.as_json()}")
        if submit:
            referral_submit(referral=referral, by=author)
        created += 1
    return created


def seed_guardian_assignment() -> int:
    """Where the era has guardians: the demo child referred by Barnardo's (DEMO-BAR-1) gets the demo guardian
    service and its guardian, assigned by the child's local authority lead. 1 when created, else 0."""
    if not settings.NRM_CHILD_GUARDIANS_ENABLED:
        return 0
    child = Referral.objects.filter(**{"answers__first-responder__own_reference": "DEMO-BAR-1"}).first()
    if child is None or child.is_draft or GuardianAssignment.objects.filter(referral=child).exists():
        return 0
    guardian = User.objects.get(email=GUARDIAN_ACCOUNTS[0][0])
    guardian_assign(referral=child, guardian_service=Organisation.objects.get(name=GUARDIAN_SERVICE),
                    guardian=guardian, by=User.objects.get(email="la.social@demo.nrm.test"))
    return 1
