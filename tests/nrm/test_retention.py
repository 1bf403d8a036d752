"""Retention and subject access: personal details go after the retention period while the report's
figures stay; everything held about a person can be exported, by the right people, on the record."""

from __future__ import annotations

import datetime
import json

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from audit.models import AccessAction, AccessEvent
from data_protection.retention import REMOVED, anonymise_expired_cases, case_anonymise
from decisions.models import CaseFile, CaseNote, Decision
from decisions.services.case import case_allocate, case_close, case_file_open, note_add
from decisions.services.decision import decision_draft, decision_send_for_review, decision_sign_off
from monitoring.periods import Period
from monitoring.report import build_report
from organisations.models import OrgRole, Role
from referrals.models import GuardianAssignment, Referral, ReferralDocument
from referrals.services import (
    guardian_assign,
    guardian_assignment_end,
    referral_document_add,
    referral_submit,
)
from tests.conftest import sign_in
from tests.factories import OrganisationFactory, UserFactory
from tests.referrals.builders import ADULT, child_answers, completed_draft
from tests.referrals.conftest import competent_authorities  # noqa: F401 - shared fixtures
from victim_care.models import CareRecordEntry, SupportCase, SupportType, Tariff
from victim_care.services import allocation_move, care_entry_add

pytestmark = pytest.mark.django_db
SECRET_STORY = "Kept in a locked room above the Zephyrine car wash"


@pytest.fixture
def people(first_responder, competent_authorities):  # noqa: F811
    authority = competent_authorities["ukhtc"]
    return {
        "referrer": first_responder,
        "manager": UserFactory(organisation=authority, roles=[Role.CA_MANAGER]),
        "decider": UserFactory(organisation=authority, roles=[Role.DECISION_MAKER]),
        "reviewer": UserFactory(organisation=authority, roles=[Role.SECOND_REVIEWER]),
        "other_manager": UserFactory(organisation=competent_authorities["ukba"], roles=[Role.CA_MANAGER]),
        "prime": UserFactory(organisation=OrganisationFactory(roles=[OrgRole.PRIME_CONTRACTOR],
                                                              first_responder_type=""), roles=[Role.PC_CASE_MANAGER]),
    }


def _closed_case(people, closed_at: datetime.datetime) -> Referral:
    """A full journey ending in closure on `closed_at`: documents, notes, decisions, care records."""
    long_before = closed_at.date() - datetime.timedelta(days=400)
    answers = {**ADULT, "exploitation": {**ADULT["exploitation"], "situations": SECRET_STORY,
                                         "started_on": (long_before - datetime.timedelta(days=30)).isoformat(),
                                         "last_contact_on": long_before.isoformat()}}
    with time_machine.travel(closed_at - datetime.timedelta(days=200), tick=False):
        draft = completed_draft(people["referrer"], answers)
        referral_document_add(referral=draft, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.7\n%%EOF\n"),
                              by=people["referrer"])
        referral = referral_submit(referral=draft, by=people["referrer"])
        case_file_open(referral)
        case_allocate(referral=referral, to=people["decider"], by=people["manager"])
        note_add(referral=referral, text=SECRET_STORY, by=people["decider"])
        rg = decision_draft(referral=referral, stage="rg", outcome="positive", reasons=SECRET_STORY,
                            evidence_considered=SECRET_STORY, by=people["decider"])
        decision_sign_off(decision=decision_send_for_review(decision=rg, by=people["decider"]),
                          by=people["reviewer"], comments=SECRET_STORY)
        support = SupportCase.objects.get(referral=referral)
        provider = OrganisationFactory(roles=[OrgRole.SUPPORT_PROVIDER], first_responder_type="")
        Tariff.objects.create(provider=provider, support_type=SupportType.OUTREACH, daily_rate_pence=100,
                              valid_from=datetime.date(2000, 1, 1))
        allocation_move(support_case=support, provider=provider, support_type=SupportType.OUTREACH,
                        on=timezone.localdate(), by=people["prime"])
        worker = UserFactory(organisation=provider, roles=[Role.SUPPORT_WORKER])
        care_entry_add(support_case=support, kind="contact", text=SECRET_STORY, by=worker)
    CaseFile.objects.filter(pk=referral.pk).update(recovery_period_ends_on=(closed_at - datetime.timedelta(days=100))
                                                   .date())
    with time_machine.travel(closed_at - datetime.timedelta(days=10), tick=False):
        cg = decision_draft(referral=referral, stage="cg", outcome="positive", reasons=SECRET_STORY,
                            evidence_considered=SECRET_STORY, by=people["decider"])
        decision_sign_off(decision=decision_send_for_review(decision=cg, by=people["decider"]), by=people["reviewer"])
    with time_machine.travel(closed_at, tick=False):
        case_close(referral=referral, reason="Move-on complete.", by=people["decider"])
    referral.refresh_from_db()
    return referral


def test_cases_past_retention_lose_personal_details_and_reports_do_not_change(people):
    now = timezone.now()
    old = _closed_case(people, now - datetime.timedelta(days=365 * 7 + 10))
    recent = _closed_case(people, now - datetime.timedelta(days=365 * 6))
    period = Period.between(datetime.date(2015, 1, 1), timezone.localdate())
    before = build_report(period).as_dict()["tables"]
    assert anonymise_expired_cases() == 1
    assert anonymise_expired_cases() == 0, "safe to run again"
    assert build_report(period).as_dict()["tables"] == before, "the statistics are kept"
    old.refresh_from_db()
    assert old.answers == {} and old.date_of_birth is None and old.anonymised_at is not None
    assert old.age_at_exploitation == "adult" and old.nationality and old.reference
    assert not ReferralDocument.objects.filter(referral=old).exists()
    for texts in (Decision.objects.filter(case_id=old.pk).values_list("reasons", "evidence_considered",
                                                                      "review_comments", "letter"),
                  CaseNote.objects.filter(case_id=old.pk).values_list("text"),
                  CareRecordEntry.objects.filter(support_case__referral=old).values_list("text")):
        for row in texts:
            assert (SECRET_STORY not in " ".join(row) and REMOVED in " ".join(row)) or not any(row)
    assert not Referral.pgh_event_model.objects.filter(pgh_obj_id=old.pk, date_of_birth__isnull=False).exists()
    assert Referral.pgh_event_model.objects.filter(pgh_obj_id=old.pk, pgh_label="anonymised").exists()
    recent.refresh_from_db()
    assert recent.answers["exploitation"]["situations"] == SECRET_STORY and recent.anonymised_at is None


def test_subject_access_export_gives_everything_to_the_authoritys_manager_only(people):
    referral = _closed_case(people, timezone.now() - datetime.timedelta(days=30))
    client = sign_in(Client(), people["manager"])
    export = client.get(f"/subject-access/{referral.pk}.json")
    assert export.status_code == 200
    record = json.loads(export.content)
    assert record["referral"]["answers"]["exploitation"]["situations"] == SECRET_STORY
    assert [d["stage"] for d in record["decisions"]] == ["Reasonable Grounds", "Conclusive Grounds"]
    assert record["support"]["care_record"][0]["text"] == SECRET_STORY
    assert record["documents"][0]["name"] == "a.pdf" and record["notes"][0]["text"] == SECRET_STORY
    page = client.get(f"/subject-access/{referral.pk}/")
    assert page.status_code == 200 and SECRET_STORY in page.content.decode()
    assert AccessEvent.objects.filter(user=people["manager"], action=AccessAction.EXPORT,
                                      record_id=str(referral.pk)).count() == 2
    assert sign_in(Client(), people["decider"]).get(f"/subject-access/{referral.pk}.json").status_code == 403
    assert sign_in(Client(), people["other_manager"]).get(f"/subject-access/{referral.pk}.json").status_code == 404
    assert sign_in(Client(), people["referrer"]).get(f"/subject-access/{referral.pk}/").status_code == 404


def test_a_childs_guardians_are_in_the_subject_access_export_and_the_end_reason_goes_at_retention(people, settings):
    settings.NRM_CHILD_GUARDIANS_ENABLED = True
    council = OrganisationFactory(roles=[OrgRole.LOCAL_AUTHORITY], first_responder_type="")
    service = OrganisationFactory(name="Guardian service", roles=[OrgRole.CHILD_GUARDIAN], first_responder_type="")
    guardian = UserFactory(organisation=service, roles=[Role.CHILD_GUARDIAN], full_name="Gina Guardian")
    child = referral_submit(referral=completed_draft(people["referrer"], child_answers(council.pk)),
                            by=people["referrer"])
    case_file_open(child)
    guardian_assign(referral=child, guardian_service=service, guardian=guardian, by=people["manager"])
    guardian_assignment_end(referral=child, reason="Turned 18.", by=people["manager"])
    record = json.loads(sign_in(Client(), people["manager"]).get(f"/subject-access/{child.pk}.json").content)
    (entry,) = record["guardians"]
    assert (entry["service"], entry["guardian"], entry["end_reason"]) == (
        "Guardian service", "Gina Guardian (Guardian service)", "Turned 18.")
    manager = people["manager"]
    assert entry["assigned_by"] == entry["ended_by"] == f"{manager.full_name} ({manager.organisation.name})"
    assert case_anonymise(referral_id=child.pk)
    assignment = GuardianAssignment.objects.get(referral=child)
    assert (assignment.end_reason, assignment.guardian_service_id) == (REMOVED, service.pk)
