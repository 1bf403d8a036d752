"""Branching and validation of the referral's sections (the same forms serve the web and the API)."""

from __future__ import annotations

import datetime

import pytest

from referrals.section_forms.exploitation import ExploitationForm, ExploitationTypesForm, LocationForm
from referrals.section_forms.person import DecisionDeliveryForm, PersonalDetailsForm, ReferrerDetailsForm
from referrals.section_forms.start import AgeForm, ConsentForm, LocalAuthorityForm
from referrals.sections import sections_for
from referrals.services import referral_section_save, referral_start
from tests.referrals.builders import ADULT, DUTY_TO_NOTIFY, child_answers, save_sections

pytestmark = pytest.mark.django_db


def bound(form_class, answers):
    return form_class(data=form_class.data_from_answers(answers))


def test_a_hidden_question_is_not_required_and_not_kept():
    form = bound(AgeForm, {"under_18": "yes", "under_18_when_exploited": "no"})
    assert form.is_valid(), form.errors
    assert "under_18_when_exploited" not in form.to_answers()


def test_a_revealed_question_is_required():
    form = bound(AgeForm, {"under_18": "no"})
    assert not form.is_valid()
    assert form.errors["under_18_when_exploited"] == ["Select whether they were under 18 when exploited"]


def test_consent_refused_reveals_the_duty_to_notify_questions():
    refused = bound(ConsentForm, {"consents": "no"})
    assert not refused.is_valid()
    # Exploitation types, where it happened, gender and nationality; the year and reason are optional and
    # there is no name at all.
    assert set(refused.errors) == {"dtn_exploitation_types", "dtn_location", "dtn_gender", "dtn_nationality"}
    assert "dtn_name" not in ConsentForm.base_fields
    given = bound(ConsentForm, {"consents": "yes", "wants_support": "no", "dtn_gender": "male"})
    assert given.is_valid(), given.errors
    assert "dtn_gender" not in given.to_answers()


def test_decision_delivery_needs_the_address_for_the_chosen_method():
    form = bound(DecisionDeliveryForm, {"send_to": "person", "method": "post", "safe_to_send": "yes"})
    assert not form.is_valid()
    assert list(form.errors) == ["delivery_address"]
    unconfirmed = bound(DecisionDeliveryForm, {"send_to": "person", "method": "email",
                                               "delivery_email": "a@example.test"})
    assert unconfirmed.errors["safe_to_send"] == ["Select whether it is safe to send the decision here"]
    unsafe = bound(DecisionDeliveryForm, {"send_to": "person", "method": "email", "delivery_email": "a@example.test",
                                          "safe_to_send": "no"})
    assert unsafe.is_valid(), unsafe.errors  # "not safe" is an answer: the person then collects it in person


def test_sections_follow_age_and_consent(first_responder, local_authority):
    referral = referral_start(by=first_responder)
    adult = save_sections(referral, {"age": ADULT["age"], "consent": ADULT["consent"]}, first_responder)
    slugs = [section.slug for section in sections_for(adult)]
    assert "consent" in slugs and "decision-delivery" in slugs and "local-authority" not in slugs

    child = save_sections(referral_start(by=first_responder), {"age": {"under_18": "not_sure"}}, first_responder)
    slugs = [section.slug for section in sections_for(child)]
    assert "local-authority" in slugs and "consent" not in slugs and "decision-delivery" not in slugs
    assert child.is_child is True  # not sure: handled as a child

    dtn = save_sections(referral_start(by=first_responder),
                        {"age": DUTY_TO_NOTIFY["age"], "consent": DUTY_TO_NOTIFY["consent"]}, first_responder)
    assert [section.slug for section in sections_for(dtn)] == ["first-responder", "age", "consent", "your-details"]


def test_child_needs_a_known_local_authority(local_authority):
    answers = child_answers(local_authority.pk)["local-authority"]
    assert bound(LocalAuthorityForm, answers).is_valid()
    unknown = bound(LocalAuthorityForm, {**answers, "local_authority": 999999})
    assert unknown.errors["local_authority"] == ["Select the local authority you contacted"]
    missing = bound(LocalAuthorityForm, {})
    assert set(missing.errors) == {"local_authority", "la_contact_name", "la_contact_phone", "la_contact_email"}


@pytest.mark.parametrize("bad_phone", ["12345", "call me", "0207 946 0000 0000 0000 1"])
def test_phone_numbers_must_look_like_phone_numbers(local_authority, bad_phone):
    answers = {**child_answers(local_authority.pk)["local-authority"], "la_contact_phone": bad_phone}
    form = bound(LocalAuthorityForm, answers)
    assert "la_contact_phone" in form.errors


def test_emails_must_be_valid():
    form = bound(ReferrerDetailsForm, {**ADULT["your-details"], "referrer_email": "not-an-email"})
    assert form.errors["referrer_email"] == ["Enter an email address in the correct format, like name@example.com"]


def test_date_of_birth_must_be_real_past_and_after_1900():
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    cases = {
        "1899-12-31": "after",
        tomorrow.isoformat(): "in the past",
    }
    for value, expected in cases.items():
        form = bound(PersonalDetailsForm, {**ADULT["personal-details"], "date_of_birth": value})
        assert expected in " ".join(form.errors["date_of_birth"]), value
    impossible = PersonalDetailsForm(data={**PersonalDetailsForm.data_from_answers(ADULT["personal-details"]),
                                           "date_of_birth_day": "31", "date_of_birth_month": "2",
                                           "date_of_birth_year": "2000"})
    assert "real date" in " ".join(impossible.errors["date_of_birth"])


def test_exploitation_end_cannot_precede_its_start():
    form = bound(ExploitationForm, {**ADULT["exploitation"], "started_on": "2024-03-01", "ended_on": "2023-01-01"})
    assert form.errors["ended_on"] == ["When it ended must be the same as or after when it started"]


def test_free_text_is_limited_to_15000_characters():
    at_limit = bound(ExploitationForm, {**ADULT["exploitation"], "situations": "x" * 15000})
    assert at_limit.is_valid(), at_limit.errors
    over = bound(ExploitationForm, {**ADULT["exploitation"], "situations": "x" * 15001})
    assert over.errors["situations"] == ["Describe each situation of exploitation must be 15,000 characters or fewer"]


def test_at_most_ten_towns_and_ten_countries():
    towns = [f"Town {n}" for n in range(11)]
    form = bound(LocationForm, {"uk_towns": towns, "current_location": "Leeds"})
    assert form.errors["uk_towns"] == ["Enter no more than 10 UK towns or cities"]
    countries = ["Albania", "Vietnam", "Romania", "Poland", "India", "Nigeria", "China", "Eritrea", "Sudan",
                 "Iran", "Iraq"]
    form = bound(LocationForm, {"overseas_countries": countries, "current_location": "Leeds"})
    assert form.errors["overseas_countries"] == ["Enter no more than 10 countries"]
    ten = bound(LocationForm, {"uk_towns": towns[:10], "overseas_countries": countries[:10],
                               "current_location": "Leeds"})
    assert ten.is_valid(), ten.errors
    assert ten.to_answers()["overseas_countries"][:2] == ["AL", "VN"]


def test_unknown_countries_are_refused():
    form = bound(LocationForm, {"overseas_countries": ["Atlantis"], "current_location": "Leeds"})
    assert "not a country we recognise" in form.errors["overseas_countries"][0]


def test_at_least_one_exploitation_type():
    assert bound(ExploitationTypesForm, {}).errors["exploitation_types"] == [
        "Select at least one type of exploitation"]
    several = bound(ExploitationTypesForm, {"exploitation_types": ["sexual", "criminal"]})
    assert several.is_valid()


def test_an_invalid_section_saves_nothing(first_responder):
    referral = referral_start(by=first_responder)
    form = referral_section_save(referral=referral, section_slug="personal-details",
                                 data={"given_names": "Only a name"}, by=first_responder)
    assert not form.is_valid()
    referral.refresh_from_db()
    assert "personal-details" not in referral.answers
