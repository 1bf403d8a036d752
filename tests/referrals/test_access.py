"""Who sees what: another organisation gets 404 everywhere (pages, downloads, API) and the attempt
is logged; the competent authority and the child's local authority see what is routed or shared."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import AccessAction, AccessEvent
from organisations.models import OrgRole, Role
from referrals.models import Referral
from referrals.services import referral_document_add, referral_start, referral_submit
from tests.conftest import sign_in
from tests.factories import OrganisationFactory, UserFactory
from tests.referrals.builders import child_answers, completed_draft

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture(autouse=True)
def _documents_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "documents"


@pytest.fixture
def draft_with_document(first_responder):
    referral = referral_start(by=first_responder)
    document = referral_document_add(referral=referral, upload=SimpleUploadedFile("a.pdf", PDF), by=first_responder)
    return referral, document


def _page_urls(referral, document) -> list[str]:
    return [
        reverse("referrals:detail", args=[referral.pk]),
        reverse("referrals:task-list", args=[referral.pk]),
        reverse("referrals:section", args=[referral.pk, "first-responder"]),
        reverse("referrals:documents", args=[referral.pk]),
        reverse("referrals:document", args=[referral.pk, document.pk]),
        reverse("referrals:check", args=[referral.pk]),
        reverse("referrals:confirmation", args=[referral.pk]),
    ]


def test_another_organisation_gets_404_on_every_page_and_download(draft_with_document, other_first_responder):
    referral, document = draft_with_document
    client = sign_in(Client(), other_first_responder)
    for url in _page_urls(referral, document):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("referrals:section", args=[referral.pk, "first-responder"]),
                       {"nation": "wales"}).status_code == 404
    assert client.post(reverse("referrals:document-remove", args=[referral.pk, document.pk])).status_code == 404
    assert client.post(reverse("referrals:check", args=[referral.pk])).status_code == 404
    referral.refresh_from_db()
    assert "first-responder" not in referral.answers and referral.is_draft
    denied = AccessEvent.objects.filter(user=other_first_responder, action=AccessAction.DENIED)
    assert denied.count() >= 10
    assert {event.record_id for event in denied} >= {str(referral.pk), str(document.pk)}


def test_another_organisation_gets_404_through_the_api(draft_with_document, other_first_responder):
    referral, _ = draft_with_document
    client = APIClient()
    client.force_authenticate(other_first_responder)
    assert client.get(f"/api/v1/referrals/{referral.pk}/").status_code == 404
    assert client.put(f"/api/v1/referrals/{referral.pk}/sections/first-responder/", {"nation": "wales"},
                      format="json").status_code == 404
    assert client.post(f"/api/v1/referrals/{referral.pk}/submit/").status_code == 404
    assert client.get("/api/v1/referrals/").json()["results"] == []


def test_the_referring_organisation_downloads_its_documents(draft_with_document, first_responder):
    referral, document = draft_with_document
    client = sign_in(Client(), first_responder)
    response = client.get(reverse("referrals:document", args=[referral.pk, document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert 'attachment; filename="a.pdf"' in response["Content-Disposition"]
    assert AccessEvent.objects.filter(user=first_responder, action=AccessAction.DOWNLOAD,
                                      record_id=str(document.pk)).exists()


def test_colleagues_in_the_same_organisation_share_drafts(draft_with_document, first_responder):
    referral, _ = draft_with_document
    colleague = UserFactory(organisation=first_responder.organisation, roles=[Role.FIRST_RESPONDER])
    client = sign_in(Client(), colleague)
    assert client.get(reverse("referrals:task-list", args=[referral.pk])).status_code == 200


def test_competent_authority_sees_routed_referrals_not_drafts(first_responder, decision_maker, competent_authorities):
    submitted = referral_submit(referral=completed_draft(first_responder), by=first_responder)
    assert submitted.competent_authority_id == decision_maker.organisation_id
    # A draft that already names the authority (as an imported or re-opened record could): only the draft
    # rule hides it, not a missing authority.
    draft = completed_draft(first_responder)
    Referral.objects.filter(pk=draft.pk).update(competent_authority_id=decision_maker.organisation_id)
    client = sign_in(Client(), decision_maker)
    assert client.get(reverse("referrals:detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("referrals:detail", args=[submitted.pk])).status_code == 200
    api = APIClient()
    api.force_authenticate(decision_maker)
    assert [row["id"] for row in api.get("/api/v1/referrals/").json()["results"]] == [str(submitted.pk)]
    # It may read, not edit: the page for changing answers sends it to the referral's summary.
    response = client.get(reverse("referrals:task-list", args=[submitted.pk]))
    assert (response.status_code, response["Location"]) == (302, reverse("referrals:detail", args=[submitted.pk]))
    other_ca = UserFactory(organisation=competent_authorities["ukba"], roles=[Role.DECISION_MAKER])
    assert sign_in(Client(), other_ca).get(reverse("referrals:detail", args=[submitted.pk])).status_code == 404


def test_child_referral_is_visible_to_its_local_authority_only(first_responder, competent_authorities,
                                                               local_authority, safeguarding_lead):
    referral = referral_submit(referral=completed_draft(first_responder, child_answers(local_authority.pk)),
                               by=first_responder)
    child_draft = completed_draft(first_responder, child_answers(local_authority.pk))
    assert child_draft.local_authority_id == local_authority.pk
    client = sign_in(Client(), safeguarding_lead)
    assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 200
    assert referral.reference in client.get(reverse("referrals:list")).content.decode()
    # The child's draft names the same local authority, but is not shared until it is submitted.
    assert client.get(reverse("referrals:detail", args=[child_draft.pk])).status_code == 404
    elsewhere = OrganisationFactory(roles=[OrgRole.LOCAL_AUTHORITY], first_responder_type="")
    stranger = UserFactory(organisation=elsewhere, roles=[Role.LA_SAFEGUARDING_LEAD])
    assert sign_in(Client(), stranger).get(reverse("referrals:detail", args=[referral.pk])).status_code == 404


@pytest.mark.parametrize("role, kind", [(Role.MONITOR, OrgRole.MONITOR),
                                        (Role.SUPPORT_WORKER, OrgRole.SUPPORT_PROVIDER),
                                        (Role.ADMINISTRATOR, OrgRole.MONITOR)])
def test_roles_without_referral_access_see_nothing(first_responder, competent_authorities, role, kind):
    referral = referral_submit(referral=completed_draft(first_responder), by=first_responder)
    user = UserFactory(organisation=OrganisationFactory(roles=[kind], first_responder_type=""), roles=[role])
    client = sign_in(Client(), user)
    assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 404
    assert client.get(reverse("referrals:list")).status_code == 403
    assert client.post(reverse("referrals:start")).status_code == 403
