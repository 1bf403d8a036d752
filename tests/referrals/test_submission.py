"""Submission: reference, routing, one record per submission, duplicates, Duty to Notify, notifications."""

from __future__ import annotations

import re
import threading

import pytest
from django.core import mail
from django.db import connection

from core.errors import Conflict
from core.models import OutboxTask
from organisations.models import Role
from referrals.models import PossibleDuplicate, Referral, ReferralKind, ReferralStatus
from referrals.routing import route
from referrals.sections import sections_for
from referrals.services import ReferralIncomplete, ReferralNotEditable, referral_start, referral_submit
from referrals.tasks import send_submission_notice
from tests.referrals.builders import DUTY_TO_NOTIFY, adult_answers, child_answers, completed_draft, save_sections

pytestmark = pytest.mark.django_db


def test_submission_gives_a_reference_status_and_route(first_responder, competent_authorities):
    referral = referral_submit(referral=completed_draft(first_responder), by=first_responder)
    assert re.fullmatch(r"NRM-\d{4}-\d{6}", referral.reference)
    assert referral.status == ReferralStatus.SUBMITTED
    assert referral.submitted_at is not None
    assert referral.competent_authority == competent_authorities["ukhtc"]
    assert referral.pgh_event_model.objects.filter(pgh_obj_id=referral.pk, pgh_label="submitted").count() == 1


def test_references_are_sequential_and_unique(first_responder, competent_authorities):
    first = referral_submit(referral=completed_draft(first_responder), by=first_responder)
    second = referral_submit(referral=completed_draft(first_responder), by=first_responder)
    assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1


@pytest.mark.parametrize(
    "immigration_control, claimed_asylum, expected",
    [("yes", "no", "ukba"), ("no", "yes", "ukba"), ("yes", "yes", "ukba"),
     ("no", "no", "ukhtc"), ("not_sure", "not_sure", "ukhtc"), ("not_sure", "no", "ukhtc")],
)
def test_2011_routing_rule(first_responder, competent_authorities, immigration_control, claimed_asylum, expected):
    answers = adult_answers(personal_details={"immigration_control": immigration_control,
                                              "claimed_asylum": claimed_asylum})
    referral = referral_submit(referral=completed_draft(first_responder, answers), by=first_responder)
    assert referral.competent_authority == competent_authorities[expected]


def test_routing_rule_is_a_setting(first_responder, competent_authorities, settings):
    settings.NRM_ROUTING_RULE = "single"
    answers = adult_answers(personal_details={"claimed_asylum": "yes"})
    assert route(completed_draft(first_responder, answers)) == competent_authorities["ukhtc"]


@pytest.mark.parametrize("rule", ["today", "single"])
def test_todays_rule_sends_immigration_enforcement_cases_to_their_competent_authority(
        first_responder, competent_authorities, settings, rule):
    settings.NRM_ROUTING_RULE = rule  # the authorities' names are settings too (NRM_*_COMPETENT_AUTHORITY)
    detained = adult_answers(personal_details={"immigration_control": "yes", "claimed_asylum": "yes",
                                               "immigration_enforcement_case": "yes"})
    asylum_only = adult_answers(personal_details={"immigration_control": "yes", "claimed_asylum": "yes",
                                                  "immigration_enforcement_case": "no"})
    assert route(completed_draft(first_responder, detained)) == competent_authorities["ukba"]
    assert route(completed_draft(first_responder, asylum_only)) == competent_authorities["ukhtc"]


def test_submitting_twice_records_one_referral(first_responder, competent_authorities):
    draft = completed_draft(first_responder)
    first = referral_submit(referral=draft, by=first_responder)
    again = referral_submit(referral=draft, by=first_responder)
    assert again.reference == first.reference
    assert Referral.objects.exclude(status=ReferralStatus.DRAFT).count() == 1
    assert Referral.pgh_event_model.objects.filter(pgh_label="submitted").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_tabs_submitting_at_once_record_one_referral(first_responder, competent_authorities):
    draft = completed_draft(first_responder)
    references, errors = [], []
    barrier = threading.Barrier(2)

    def submit() -> None:
        try:
            barrier.wait()
            references.append(referral_submit(referral=Referral.objects.get(pk=draft.pk), by=first_responder).reference)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(set(references)) == 1
    assert Referral.objects.filter(reference__isnull=False).count() == 1


def test_an_incomplete_referral_cannot_be_submitted(first_responder, competent_authorities):
    answers = adult_answers()
    del answers["exploitation-types"], answers["personal-details"]
    draft = completed_draft(first_responder, answers)
    with pytest.raises(ReferralIncomplete) as refused:
        referral_submit(referral=draft, by=first_responder)
    assert refused.value.incomplete == ["exploitation-types", "personal-details"]
    draft.refresh_from_db()
    assert draft.status == ReferralStatus.DRAFT and draft.reference is None


def test_another_organisation_cannot_submit_a_draft(first_responder, other_first_responder, competent_authorities):
    draft = completed_draft(first_responder)
    with pytest.raises(ReferralNotEditable):
        referral_submit(referral=draft, by=other_first_responder)
    draft.refresh_from_db()
    assert draft.is_draft


def test_child_referral_is_shared_with_its_local_authority(first_responder, competent_authorities, local_authority):
    referral = completed_draft(first_responder, child_answers(local_authority.pk))
    referral = referral_submit(referral=referral, by=first_responder)
    assert referral.is_child is True
    assert referral.local_authority == local_authority
    assert referral.age_at_exploitation == "child"


def test_adult_exploited_as_a_child_counts_as_child_at_exploitation(first_responder, competent_authorities):
    answers = adult_answers(age={"under_18": "no", "under_18_when_exploited": "yes"})
    referral = referral_submit(referral=completed_draft(first_responder, answers), by=first_responder)
    assert referral.is_child is False
    assert referral.age_at_exploitation == "child"


def test_duty_to_notify_keeps_no_personal_details_and_is_never_routed(first_responder, competent_authorities):
    draft = referral_start(by=first_responder)
    # Personal details typed before consent was refused must not survive.
    save_sections(draft, {"first-responder": {"nation": "wales"},
                          "age": {"under_18": "no", "under_18_when_exploited": "no"},
                          "consent": {"consents": "yes", "wants_support": "yes"},
                          "personal-details": adult_answers()["personal-details"]}, first_responder)
    save_sections(draft, {slug: DUTY_TO_NOTIFY[slug] for slug in ("consent", "your-details")}, first_responder)
    referral = referral_submit(referral=draft, by=first_responder)
    assert referral.kind == ReferralKind.DUTY_TO_NOTIFY
    assert referral.status == ReferralStatus.RECORDED
    assert referral.reference.startswith("DTN-")
    assert referral.competent_authority is None
    assert set(referral.answers) == {"first-responder", "age", "consent", "your-details"}
    assert referral.gender == "female" and referral.nationality == "VN"
    assert referral.date_of_birth is None and referral.name_for_matching == ""
    assert "Testperson" not in str(Referral.objects.filter(pk=referral.pk).values().get())


def test_possible_duplicates_are_flagged_but_never_block(first_responder, other_first_responder,
                                                         competent_authorities):
    earlier = referral_submit(referral=completed_draft(first_responder), by=first_responder)
    same_person = adult_answers(personal_details={"given_names": "Arben", "family_name": "Testpersson"})
    later = referral_submit(referral=completed_draft(other_first_responder, same_person), by=other_first_responder)
    assert later.status == ReferralStatus.SUBMITTED
    flag = PossibleDuplicate.objects.get(referral=later)
    assert flag.matches == earlier and flag.reason == PossibleDuplicate.Reason.DOB_AND_NAME
    assert PossibleDuplicate.objects.filter(referral=earlier, matches=later).exists()


def test_same_home_office_reference_is_flagged(first_responder, competent_authorities):
    answers = adult_answers(personal_details={"home_office_reference": "HO123456", "date_of_birth": "1980-01-01"})
    earlier = referral_submit(referral=completed_draft(first_responder, answers), by=first_responder)
    other = adult_answers(personal_details={"home_office_reference": "ho123456", "given_names": "Someone",
                                            "family_name": "Else", "date_of_birth": "1970-02-02"})
    later = referral_submit(referral=completed_draft(first_responder, other), by=first_responder)
    assert PossibleDuplicate.objects.get(referral=later).reason == PossibleDuplicate.Reason.HOME_OFFICE_REFERENCE
    assert PossibleDuplicate.objects.get(referral=later).matches == earlier


def test_different_people_with_the_same_birthday_are_not_flagged(first_responder, competent_authorities):
    referral_submit(referral=completed_draft(first_responder), by=first_responder)
    other = adult_answers(personal_details={"given_names": "Maria", "family_name": "Kowalska"})
    later = referral_submit(referral=completed_draft(first_responder, other), by=first_responder)
    assert not PossibleDuplicate.objects.filter(referral=later).exists()


def test_submission_notice_carries_a_reference_and_link_only(first_responder, competent_authorities,
                                                             local_authority, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    referral = referral_submit(referral=completed_draft(first_responder, child_answers(local_authority.pk)),
                               by=first_responder)
    assert send_submission_notice(str(referral.pk)) == 1
    message = mail.outbox[-1]
    assert set(message.to) == {"ukhtc@example.test", "mash@testshire.example.test"}
    assert referral.reference in message.subject and referral.reference in message.body
    assert f"/referrals/{referral.pk}/" in message.body
    for personal in ("Arben", "Testperson", "2011", "Luton", "car wash"):
        assert personal not in message.subject + message.body


def test_submission_queues_the_notice_through_the_outbox_after_commit(first_responder, competent_authorities,
                                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        referral = referral_submit(referral=completed_draft(first_responder), by=first_responder)
    notice = OutboxTask.objects.get(task="referrals.tasks.send_submission_notice")
    assert notice.args == [str(referral.pk)] and notice.published_at is None, "written in the same transaction"
    for callback in callbacks:
        callback()
    notice.refresh_from_db()
    assert notice.published_at is not None


def _no_consent(first_responder, nation: str):
    answers = {slug: dict(value) for slug, value in DUTY_TO_NOTIFY.items()}
    answers["first-responder"] = {"nation": nation}
    return save_sections(referral_start(by=first_responder), answers, first_responder)


def test_a_duty_to_notify_keeps_exploitation_types_where_and_when_and_never_a_name(first_responder):
    notified = referral_submit(referral=_no_consent(first_responder, "england"), by=first_responder)
    assert notified.kind == ReferralKind.DUTY_TO_NOTIFY and notified.reference.startswith("DTN-")
    assert notified.exploitation_types == ["labour"] and notified.exploitation_location == "uk"
    assert notified.nation == "england" and notified.answers["consent"]["dtn_year"] == 2024
    assert notified.name_for_matching == "" and "dtn_name" not in notified.answers["consent"]


@pytest.mark.parametrize("who, nation", [("ngo", "england"), ("police", "scotland"), ("police", "northern_ireland")])
def test_no_consent_without_the_duty_makes_no_referral_and_sends_nothing(db, who, nation):
    from organisations.models import FirstResponderType
    from tests.factories import OrganisationFactory, UserFactory

    organisation = OrganisationFactory(first_responder_type=FirstResponderType.NGO if who == "ngo"
                                       else FirstResponderType.POLICE)
    user = UserFactory(organisation=organisation, roles=[Role.FIRST_RESPONDER])
    draft = _no_consent(user, nation)
    assert [section.slug for section in sections_for(draft)] == ["first-responder", "age", "consent", "your-details"]
    with pytest.raises(Conflict, match="no referral or notification is made"):
        referral_submit(referral=draft, by=user)
    assert Referral.objects.get(pk=draft.pk).status == ReferralStatus.DRAFT
