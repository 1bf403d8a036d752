"""Attack finding 5: the victim care dashboards listed people without logging it."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AccessAction, AccessEvent
from tests.conftest import sign_in
from tests.referrals.conftest import competent_authorities  # noqa: F401 - shared fixtures
from tests.victim_care.test_pages import world  # noqa: F401
from victim_care.models import SupportType
from victim_care.services import allocation_move

pytestmark = pytest.mark.django_db


def _listed(user, case) -> bool:
    return AccessEvent.objects.filter(user=user, action=AccessAction.LIST, record_type="victim_care.supportcase",
                                      record_id=str(case.pk)).exists()


def test_the_prime_contractors_dashboard_is_logged(world):  # noqa: F811
    page = sign_in(Client(), world["manager"]).get(reverse("victim_care:home")).content.decode()
    assert world["case"].referral.reference in page
    assert _listed(world["manager"], world["case"])


def test_the_providers_dashboard_is_logged(world):  # noqa: F811
    allocation_move(support_case=world["case"], provider=world["provider"], support_type=SupportType.OUTREACH,
                    on=datetime.date.today(), by=world["manager"])
    page = sign_in(Client(), world["worker"]).get(reverse("victim_care:home")).content.decode()
    assert world["case"].referral.reference in page
    assert _listed(world["worker"], world["case"])
