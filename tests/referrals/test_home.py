"""A first responder's home page: the competent authority's questions waiting for their organisation's
answer, the drafts that will be deleted, and the way to start a referral; nobody else's."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessAction, AccessEvent
from organisations.models import Role
from referrals.models import InformationRequest
from referrals.services import information_request_answer, information_request_create, referral_start, referral_submit
from tests.conftest import home_panel, sign_in
from tests.factories import UserFactory
from tests.referrals.builders import completed_draft

pytestmark = pytest.mark.django_db

PANEL = "Your organisation&#x27;s referrals"
FIRST_RESPONDER_HOME_QUERIES = 9


def _submitted_with_request(author, decision_maker, question: str = "Which agency found them?"):
    referral = referral_submit(referral=completed_draft(author), by=author)
    return referral, information_request_create(referral=referral, question=question, by=decision_maker)


def test_open_requests_come_first_oldest_first_with_a_link_to_answer_them(first_responder, decision_maker):
    newer, _ = _submitted_with_request(first_responder, decision_maker)
    older, older_request = _submitted_with_request(first_responder, decision_maker)
    InformationRequest.objects.filter(pk=older_request.pk).update(
        requested_at=timezone.make_aware(datetime.datetime(2026, 7, 3, 0, 30)))  # 2 July in UTC, 3 July in the UK
    panel = home_panel(sign_in(Client(), first_responder), PANEL)
    assert panel.index(older.reference) < panel.index(newer.reference) < panel.index("Start a new referral")
    assert reverse("referrals:answer-request", args=[older.pk, older_request.pk]) in panel
    assert f"{older.reference}: more information requested" in panel and "Asked on 3 July 2026" in panel
    listed = set(AccessEvent.objects.filter(action=AccessAction.LIST, user=first_responder)
                 .values_list("record_id", flat=True))
    assert {str(older.pk), str(newer.pk)} <= listed


def test_an_answered_request_and_another_organisations_leave_the_panel(first_responder, other_first_responder,
                                                                        decision_maker):
    answered, request = _submitted_with_request(first_responder, decision_maker)
    information_request_answer(request=request, answer="Found during a police visit.", by=first_responder)
    theirs, _ = _submitted_with_request(other_first_responder, decision_maker)
    panel = home_panel(sign_in(Client(), first_responder), PANEL)
    assert answered.reference not in panel and theirs.reference not in panel
    assert "more information requested" not in panel and "Start a new referral" in panel


def test_the_organisations_drafts_are_counted_with_the_first_deletion_date(first_responder, other_first_responder,
                                                                            settings):
    colleague = UserFactory(organisation=first_responder.organisation, roles=[Role.FIRST_RESPONDER])
    saved = timezone.make_aware(datetime.datetime(2026, 7, 3, 0, 30))  # 2 July in UTC, 3 July in the UK
    with time_machine.travel(saved):
        referral_start(by=colleague)
    referral_start(by=first_responder)
    referral_start(by=other_first_responder)
    panel = home_panel(sign_in(Client(), first_responder), PANEL)
    deleted_after = datetime.date(2026, 7, 3) + datetime.timedelta(days=settings.NRM_DRAFT_EXPIRY_DAYS)
    assert "2 draft referrals not yet submitted" in panel
    assert f"The oldest is deleted after {deleted_after:%-d %B %Y} unless someone saves it" in panel


def test_without_drafts_or_requests_the_panel_offers_a_new_referral(first_responder):
    panel = home_panel(sign_in(Client(), first_responder), PANEL)
    assert "draft" not in panel and "more information" not in panel
    assert reverse("referrals:start") in panel


def test_other_roles_see_no_referrals_panel(decision_maker, first_responder):
    _submitted_with_request(first_responder, decision_maker)
    assert home_panel(sign_in(Client(), decision_maker), PANEL) == ""


def test_the_home_page_runs_the_same_queries_for_one_request_or_ten(first_responder, decision_maker,
                                                                    django_assert_num_queries):
    client = sign_in(Client(), first_responder)
    _submitted_with_request(first_responder, decision_maker)
    referral_start(by=first_responder)
    with django_assert_num_queries(FIRST_RESPONDER_HOME_QUERIES):
        client.get(reverse("home"))
    for _ in range(11):
        _submitted_with_request(first_responder, decision_maker)
        referral_start(by=first_responder)
    with django_assert_num_queries(FIRST_RESPONDER_HOME_QUERIES):
        page = client.get(reverse("home")).content.decode()
    panel = home_panel(client, PANEL)
    assert page.count("more information requested") == 10
    assert "More requests are open: see your organisation&#x27;s referrals" in panel
    assert "12 draft referrals not yet submitted" in panel
