"""Faults in the middle of a request: the database connection dropped (as when PostgreSQL restarts)
and a failure halfway through a service. Either way the user gets the error page and nothing of
the half-done work is kept."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models.signals import post_save
from django.test import Client

from core.models import OutboxTask
from referrals.models import ReferenceCounter, Referral, ReferralStatus
from tests.conftest import sign_in
from tests.referrals.builders import completed_draft
from tests.referrals.conftest import competent_authorities  # noqa: F401 - shared fixtures

pytestmark = pytest.mark.django_db(transaction=True)


def _kill_own_connection(**kwargs) -> None:
    """What a database restart does to a session: the server ends it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")


def _fail(**kwargs) -> None:
    raise RuntimeError("a bug halfway through the service")


@pytest.mark.parametrize("fault", [_kill_own_connection, _fail], ids=["connection dropped", "service fails"])
def test_a_fault_mid_submission_shows_the_error_page_and_keeps_nothing(first_responder, competent_authorities,  # noqa: F811
                                                                       fault):
    draft = completed_draft(first_responder)
    client = sign_in(Client(raise_request_exception=False), first_responder)

    def on_submitted(sender, instance, **kwargs) -> None:
        if instance.pk == draft.pk and instance.status == ReferralStatus.SUBMITTED:
            fault()

    post_save.connect(on_submitted, sender=Referral, weak=False)
    try:
        response = client.post(f"/referrals/{draft.pk}/check-answers/")
    finally:
        post_save.disconnect(on_submitted, sender=Referral)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
    connection.close()  # a fresh connection to look at what was kept
    referral = Referral.objects.get(pk=draft.pk)
    assert (referral.status, referral.reference, referral.submitted_at) == (ReferralStatus.DRAFT, None, None)
    assert not ReferenceCounter.objects.filter(last_number__gt=0).exists()
    assert not OutboxTask.objects.exists()
    assert client.get("/").status_code == 200, "the next request works"
