"""The first responder's pages: saving and resuming, errors, check answers, submit, lists, answers."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from referrals.models import InformationRequest, Referral, ReferralStatus
from referrals.services import information_request_create, referral_start, referral_submit
from tests.conftest import sign_in
from tests.referrals.builders import completed_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(first_responder) -> Client:
    return sign_in(Client(), first_responder)


def test_starting_a_referral_creates_a_draft_and_shows_the_task_list(client, first_responder):
    response = client.post(reverse("referrals:start"))
    referral = Referral.objects.get(first_responder_organisation=first_responder.organisation)
    assert response.url == reverse("referrals:task-list", args=[referral.pk])
    page = client.get(response.url).content.decode()
    assert "First responder details" in page and "Not yet started" in page
    assert "Cannot start yet" in page


def test_every_page_saves_and_the_draft_resumes(client, first_responder):
    referral = referral_start(by=first_responder)
    url = reverse("referrals:section", args=[referral.pk, "first-responder"])
    response = client.post(url, {"nation": "wales", "own_reference": "CASE-9", "save_and_return": ""})
    assert response.url == reverse("referrals:task-list", args=[referral.pk])
    # Later, in a new session: the draft is listed and the answers are there.
    listing = client.get(reverse("referrals:list")).content.decode()
    assert reverse("referrals:task-list", args=[referral.pk]) in listing
    page = client.get(url).content.decode()
    assert 'value="CASE-9"' in page
    assert 'value="wales" checked' in page or "checked" in page.split('value="wales"')[1][:40]


def test_save_and_continue_goes_to_the_next_section(client, first_responder):
    referral = referral_start(by=first_responder)
    response = client.post(reverse("referrals:section", args=[referral.pk, "first-responder"]), {"nation": "england"})
    assert response.url == reverse("referrals:section", args=[referral.pk, "age"])
    response = client.post(response.url, {"under_18": "yes"})
    assert response.url == reverse("referrals:section", args=[referral.pk, "local-authority"])


def test_errors_show_in_a_summary_linked_to_each_field(client, first_responder):
    referral = referral_start(by=first_responder)
    response = client.post(reverse("referrals:section", args=[referral.pk, "age"]), {"under_18": "no"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert 'href="#id_under_18_when_exploited"' in page
    assert "Select whether they were under 18 when exploited" in page
    referral.refresh_from_db()
    assert "age" not in referral.answers


def test_check_answers_lists_what_is_incomplete_and_refuses_to_submit(client, first_responder,
                                                                     competent_authorities):
    referral = referral_start(by=first_responder)
    page = client.get(reverse("referrals:check", args=[referral.pk])).content.decode()
    assert "You cannot submit until these sections are complete" in page
    assert "Personal details" in page
    response = client.post(reverse("referrals:check", args=[referral.pk]))
    assert response.status_code == 400
    assert "Complete the section: Personal details" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT


def test_submitting_shows_the_confirmation_panel_with_the_reference(client, first_responder, competent_authorities):
    referral = completed_draft(first_responder)
    response = client.post(reverse("referrals:check", args=[referral.pk]), follow=True)
    referral.refresh_from_db()
    page = response.content.decode()
    assert "govuk-panel--confirmation" in page and referral.reference in page
    # A second click (or a second tab) lands on the same referral, not a new one.
    again = client.post(reverse("referrals:check", args=[referral.pk]))
    assert again.url == reverse("referrals:detail", args=[referral.pk])
    assert Referral.objects.filter(reference__isnull=False).count() == 1


def test_submitted_referral_shows_status_and_information_requests_to_answer(client, first_responder,
                                                                            decision_maker):
    referral = referral_submit(referral=completed_draft(first_responder), by=first_responder)
    request = information_request_create(referral=referral, question="Which agency found them?", by=decision_maker)
    listing = client.get(reverse("referrals:list")).content.decode()
    assert referral.reference in listing and "1 to answer" in listing
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Which agency found them?" in page and "Submitted" in page
    answer_url = reverse("referrals:answer-request", args=[referral.pk, request.pk])
    assert client.post(answer_url, {"answer": ""}).status_code == 400
    response = client.post(answer_url, {"answer": "Found during a police visit."})
    assert response.url == reverse("referrals:detail", args=[referral.pk])
    request.refresh_from_db()
    assert request.answer == "Found during a police visit." and request.answered_by == first_responder
    assert client.get(answer_url).status_code == 403  # already answered


def test_a_submitted_referral_cannot_be_edited(client, first_responder, competent_authorities):
    referral = referral_submit(referral=completed_draft(first_responder), by=first_responder)
    response = client.post(reverse("referrals:section", args=[referral.pk, "first-responder"]), {"nation": "wales"})
    assert response.url == reverse("referrals:detail", args=[referral.pk])
    referral.refresh_from_db()
    assert referral.answers["first-responder"]["nation"] == "england"


def test_list_page_runs_a_fixed_number_of_queries(client, first_responder, competent_authorities, decision_maker,
                                                   django_assert_max_num_queries):
    def build(count: int) -> None:
        for _ in range(count):
            referral = referral_submit(referral=completed_draft(first_responder), by=first_responder)
            information_request_create(referral=referral, question="?", by=decision_maker)
            referral_start(by=first_responder)

    build(2)
    # One of these is the session, read from PostgreSQL (Redis is not needed to serve a page).
    with django_assert_max_num_queries(13) as few:
        client.get(reverse("referrals:list"))
    transaction_control = [query for query in few.captured_queries if query["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert len(few.captured_queries) - len(transaction_control) <= 11
    build(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("referrals:list"))
    assert response.content.decode().count("NRM-") == 10
    assert InformationRequest.objects.count() == 10


def test_continue_on_the_evidence_page_uploads_the_chosen_file(client, first_responder):
    referral = referral_start(by=first_responder)
    url = reverse("referrals:documents", args=[referral.pk])
    pdf = SimpleUploadedFile("statement.pdf", b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    response = client.post(url, {"documents": pdf, "continue": "1"})
    assert response.status_code == 302 and response.url == reverse("referrals:check", args=[referral.pk])
    assert [document.original_name for document in referral.documents.all()] == ["statement.pdf"]
    # Continue with nothing chosen moves on; Upload with nothing chosen asks for a file
    assert client.post(url, {"continue": "1"}).url == reverse("referrals:check", args=[referral.pk])
    page = client.post(url, {"upload": "1"})
    assert page.status_code == 400 and "Select a file to upload" in page.content.decode()


def test_a_rejected_file_keeps_the_user_on_the_evidence_page_with_an_error_title(client, first_responder):
    referral = referral_start(by=first_responder)
    url = reverse("referrals:documents", args=[referral.pk])
    response = client.post(url, {"documents": SimpleUploadedFile("run.exe", b"MZ\x90\x00"), "continue": "1"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: Evidence documents" in html
    assert "run.exe:" in html and not referral.documents.exists()
