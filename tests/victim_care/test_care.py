"""Entry into support from a served positive RG, provider grants that follow the person, and
care records: written by the provider supporting the person now, append-only, kept by their author."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.http import Http404

from decisions.services.case import case_file_open
from organisations.models import OrgRole, Role, User
from referrals.selectors import referrals_supported_by, referrals_visible_to
from referrals.services import referral_submit
from tests.cases import allocated_case, decision_served
from tests.factories import OrganisationFactory, UserFactory
from tests.referrals.builders import completed_draft
from tests.referrals.conftest import competent_authorities, local_authority  # noqa: F401
from victim_care.models import CareRecordEntry, SupportCase, SupportType, Tariff
from victim_care.selectors import care_entries_for, people_supported_by
from victim_care.services import allocation_move, care_entry_add

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def served_positive(first_responder, competent_authorities):  # noqa: F811
    authority = competent_authorities["ukhtc"]
    manager = UserFactory(organisation=authority, roles=[Role.CA_MANAGER])
    decider = UserFactory(organisation=authority, roles=[Role.DECISION_MAKER])
    reviewer = UserFactory(organisation=authority, roles=[Role.SECOND_REVIEWER])
    referral = allocated_case(first_responder, decider=decider, manager=manager)
    decision_served(referral, decider=decider, reviewer=reviewer)
    return referral


@pytest.fixture
def setting(db):
    manager = UserFactory(organisation=OrganisationFactory(roles=[OrgRole.PRIME_CONTRACTOR],
                                                           first_responder_type=""), roles=[Role.PC_CASE_MANAGER])
    providers, workers = [], []
    for _ in range(2):
        provider = OrganisationFactory(roles=[OrgRole.SUPPORT_PROVIDER], first_responder_type="")
        Tariff.objects.create(provider=provider, support_type=SupportType.ACCOMMODATION, daily_rate_pence=4000,
                              valid_from=D(2020, 1, 1))
        providers.append(provider)
        workers.append(UserFactory(organisation=provider, roles=[Role.SUPPORT_WORKER]))
    return manager, providers, workers


def test_a_served_positive_rg_opens_a_support_case(served_positive):
    assert SupportCase.objects.filter(referral=served_positive).exists()


def test_funding_and_the_file_follow_the_person_between_providers(served_positive, setting):
    manager, (medaille, hestia), (medaille_worker, hestia_worker) = setting
    support_case = SupportCase.objects.get(referral=served_positive)
    allocation_move(support_case=support_case, provider=medaille, support_type="accommodation", on=D(2026, 1, 5),
                    by=manager)
    assert referrals_visible_to(medaille_worker).filter(pk=served_positive.pk).exists()
    assert not referrals_visible_to(hestia_worker).filter(pk=served_positive.pk).exists()
    assessment = care_entry_add(support_case=support_case, kind="assessment", text="Needs safe housing.",
                                by=medaille_worker)
    care_entry_add(support_case=support_case, kind="care_plan", text="Weekly counselling.", by=medaille_worker,
                   review_due_on=D(2026, 2, 1))
    with pytest.raises(PermissionDenied):
        care_entry_add(support_case=support_case, kind="contact", text="Called.", by=hestia_worker)

    allocation_move(support_case=support_case, provider=hestia, support_type="accommodation", on=D(2026, 1, 20),
                    by=manager)
    # The person's file has moved: Hestia sees it and writes; Medaille only reads what it wrote.
    assert referrals_visible_to(hestia_worker).filter(pk=served_positive.pk).exists()
    assert not referrals_visible_to(medaille_worker).filter(pk=served_positive.pk).exists()
    assert list(people_supported_by(medaille_worker)) == []
    with pytest.raises(PermissionDenied):
        care_entry_add(support_case=support_case, kind="contact", text="Called.", by=medaille_worker)
    hestia_entry = care_entry_add(support_case=support_case, kind="contact", text="First visit.", by=hestia_worker)
    assert {e.pk for e in care_entries_for(hestia_worker, support_case.pk)} >= {assessment.pk, hestia_entry.pk}
    assert hestia_entry.pk not in {e.pk for e in care_entries_for(medaille_worker, support_case.pk)}
    assert assessment.pk in {e.pk for e in care_entries_for(medaille_worker, support_case.pk)}


def test_a_provider_never_sees_a_person_it_has_not_supported(served_positive, setting):
    manager, (medaille, _), (_, hestia_worker) = setting
    support_case = SupportCase.objects.get(referral=served_positive)
    allocation_move(support_case=support_case, provider=medaille, support_type="accommodation", on=D(2026, 1, 5),
                    by=manager)
    with pytest.raises(Http404):
        care_entries_for(hestia_worker, support_case.pk)


def test_care_entries_are_append_only_and_corrected_by_new_entries(served_positive, setting):
    manager, (medaille, _), (worker, _) = setting
    support_case = SupportCase.objects.get(referral=served_positive)
    allocation_move(support_case=support_case, provider=medaille, support_type="accommodation", on=D(2026, 1, 5),
                    by=manager)
    entry = care_entry_add(support_case=support_case, kind="contact", text="Visited on Monday.", by=worker)
    append_only = (r"(?s)Cannot update or delete rows from victim_care_carerecordentry table"
                   r".*pgtrigger_care_entry_append_only_")
    with pytest.raises(DatabaseError, match=append_only), transaction.atomic():
        CareRecordEntry.objects.filter(pk=entry.pk).update(text="Edited")
    with pytest.raises(DatabaseError, match=append_only), transaction.atomic():
        CareRecordEntry.objects.filter(pk=entry.pk).delete()
    correction = care_entry_add(support_case=support_case, kind="contact", text="Visited on Tuesday.", by=worker,
                                corrects=entry)
    assert correction.corrects == entry
    assert CareRecordEntry.objects.get(pk=entry.pk).text == "Visited on Monday."


def test_a_worker_who_joins_later_sees_the_people_their_provider_supports(served_positive, setting):
    manager, (medaille, _), _ = setting
    support_case = SupportCase.objects.get(referral=served_positive)
    allocation_move(support_case=support_case, provider=medaille, support_type="accommodation", on=D(2026, 1, 5),
                    by=manager)
    newcomer = UserFactory(organisation=medaille, roles=[Role.SUPPORT_WORKER])
    assert referrals_visible_to(newcomer).filter(pk=served_positive.pk).exists()
    assert list(referrals_supported_by(newcomer)) == [served_positive]
    newcomer.groups.clear()
    newcomer = User.objects.get(pk=newcomer.pk)  # the next request: groups are read once per request
    assert not referrals_visible_to(newcomer).filter(pk=served_positive.pk).exists()
    assert not referrals_supported_by(newcomer).filter(pk=served_positive.pk).exists()


def test_the_support_case_carries_needs_and_risks_from_the_referral(first_responder, competent_authorities):  # noqa: F811
    from tests.referrals.builders import adult_answers
    from victim_care.services import support_case_open

    answers = adult_answers(risk={"future_risk": "Exploiters know where her family lives."},
                            personal_details={"needs_interpreter": "yes", "interpreter_language": "Albanian"})
    referral = referral_submit(referral=completed_draft(first_responder, answers), by=first_responder)
    case = support_case_open(referral=referral)
    assert "Interpreter: Albanian" in case.needs
    assert "Exploiters know where her family lives." in case.risks


def test_a_provider_cannot_download_documents_of_a_person_it_does_not_support(served_positive, setting, settings,
                                                                             tmp_path, first_responder):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from referrals.models import ReferralDocument
    from tests.conftest import sign_in

    settings.MEDIA_ROOT = tmp_path
    document = ReferralDocument(referral=served_positive, original_name="a.pdf", content_type="application/pdf",
                                size=10, sha256="0" * 64, uploaded_by=first_responder)
    document.file.save("upload", SimpleUploadedFile("a.pdf", b"%PDF-1.7\n"), save=True)
    manager, (medaille, _), (medaille_worker, hestia_worker) = setting
    support_case = SupportCase.objects.get(referral=served_positive)
    allocation_move(support_case=support_case, provider=medaille, support_type="accommodation", on=D(2026, 1, 5),
                    by=manager)
    url = reverse("referrals:document", args=[served_positive.pk, document.pk])
    assert sign_in(Client(), medaille_worker).get(url).status_code == 200
    assert sign_in(Client(), hestia_worker).get(url).status_code == 404


def test_the_case_page_says_who_supports_the_person(served_positive, first_responder, competent_authorities,  # noqa: F811
                                                    local_authority):  # noqa: F811
    from django.test import Client
    from django.urls import reverse

    from tests.conftest import sign_in
    from tests.referrals.builders import child_answers

    manager = UserFactory(organisation=competent_authorities["ukhtc"], roles=[Role.CA_MANAGER])
    client = sign_in(Client(), manager)
    page = client.get(reverse("decisions:case", args=[served_positive.pk])).content.decode()
    assert "Salvation Army victim care: awaiting allocation" in page
    child = referral_submit(referral=completed_draft(first_responder, child_answers(local_authority.pk)),
                            by=first_responder)
    case_file_open(child)
    page = client.get(reverse("decisions:case", args=[child.pk])).content.decode()
    assert f"{local_authority.name} is responsible" in page.replace("&#x27;", "'")
