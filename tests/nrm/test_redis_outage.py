"""Redis is an optimisation, not a single point of failure. With Redis refusing connections
(a closed local port) and with Redis hung (a local socket that accepts and never answers): sign-in
through the real pages, a list page, an API token and a referral submission each work within their
usual time plus the timeout; the token throttle still refuses with 429; and once Redis is back nothing
was lost: the session still works, the token still works, and the submission notice is published."""

from __future__ import annotations

import time

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from core.models import OutboxTask
from core.outbox import flush
from nrm.celery import app
from organisations.models import Role
from referrals.models import Referral, ReferralStatus
from tests.conftest import current_code
from tests.factories import TEST_PASSWORD, UserFactory
from tests.nrm.outage import redis_away  # noqa: F401 - the fixture
from tests.referrals.builders import completed_draft
from tests.referrals.conftest import competent_authorities  # noqa: F401 - shared fixtures

pytestmark = pytest.mark.django_db(transaction=True)

# The slowest a request may be with Redis away: its usual time (well under a second here) plus the
# broker's timeout (the one wait a request can meet: publishing a task) and some slack for a busy machine.
WITHIN = django_settings.CELERY_BROKER_TIMEOUT + 2.0


def _timed(call, *args, **kwargs):
    started = time.monotonic()
    response = call(*args, **kwargs)
    seconds = time.monotonic() - started
    assert seconds < WITHIN, f"{seconds:.2f} s"
    return response


def test_sign_in_pages_api_token_and_submission_work_and_nothing_is_lost(
        redis_away, first_responder, competent_authorities):  # noqa: F811
    # Sign-in through the real pages (password, then the code), timing each step.
    client = Client()
    response = _timed(client.post, "/sign-in/", {"email": first_responder.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    response = _timed(client.post, "/sign-in/security-code/", {"code": current_code()})
    assert response.status_code == 302 and response.url == "/"
    assert _timed(client.get, "/").status_code == 200

    # A list page.
    draft = completed_draft(first_responder)
    response = _timed(client.get, "/referrals/")
    assert response.status_code == 200

    # An API token (another account: a code is single use per device and window), and its use.
    machine = UserFactory(organisation=first_responder.organisation, roles=[Role.FIRST_RESPONDER])
    api = APIClient()
    response = _timed(api.post, "/api/v1/auth/token/",
                      {"email": machine.email, "password": TEST_PASSWORD, "otp": current_code()}, format="json")
    assert response.status_code == 201, response.content
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert _timed(api.get, "/api/v1/me/").status_code == 200

    # A referral submission: saved now, its notice waiting in the outbox.
    response = _timed(client.post, f"/referrals/{draft.pk}/check-answers/")
    assert response.status_code == 302, "the person referring sees their confirmation, not an error"
    referral = Referral.objects.get(pk=draft.pk)
    assert referral.status == ReferralStatus.SUBMITTED and referral.reference
    notice = OutboxTask.objects.get(task="referrals.tasks.send_submission_notice", args=[str(referral.pk)])
    assert notice.published_at is None

    # Redis is back: the same session and token work, and the notice is published exactly once.
    redis_away()
    assert client.get("/referrals/").status_code == 200, "still signed in: the session was not lost"
    assert api.get("/api/v1/me/").status_code == 200
    assert flush() == 1
    notice.refresh_from_db()
    assert notice.published_at is not None
    assert flush() == 0
    cache._cache.get_client().delete(app.conf.task_default_queue)  # no worker here: leave no message behind


def test_the_token_throttle_still_refuses_with_429_without_redis(redis_away):  # noqa: F811
    """Counted in the process's memory while Redis is away: weaker than one count for the service, never open."""
    api = APIClient()
    answers = [api.post("/api/v1/auth/token/", {}, format="json").status_code for _ in range(11)]
    assert answers[:10] == [400] * 10, "malformed requests, each counted"
    assert answers[10] == 429


def test_a_signed_in_page_without_redis_is_not_an_error(redis_away, signed_in_client):  # noqa: F811
    """The 500 page and every page with a session used to fail when Redis was away."""
    for path, expected in (("/", 200), ("/referrals/", 200), ("/notifications/", 200), ("/does-not-exist/", 404)):
        response = _timed(signed_in_client.get, path)
        assert response.status_code == expected, (path, response.status_code)
