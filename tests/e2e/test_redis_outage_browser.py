"""Sign-in in a real browser while Redis refuses connections or hangs: password, code, the
home page and a list page all work, and the browser's session outlives the outage."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from tests.e2e.conftest import sign_in_as
from tests.nrm.outage import redis_away  # noqa: F401 - the fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_browser_signs_in_and_works_while_redis_is_away_and_stays_signed_in_after(
        request, page, redis_away):  # noqa: F811
    call_command("seed_demo", force=True, verbosity=0)
    # A different demo account per case: a code is single use per account and 30-second window.
    email = {"closed": "fr.police@demo.nrm.test", "hung": "fr.ngo@demo.nrm.test"}[request.node.callspec.params[
        "redis_away"]]
    started = time.monotonic()
    sign_in_as(page, email, "nrm-demo-password")
    assert urlsplit(page.url).path == "/"
    assert time.monotonic() - started < 15
    response = page.goto("/referrals/")
    assert response is not None and response.status == 200
    assert page.get_by_role("heading", level=1).is_visible()

    redis_away()  # Redis is back
    response = page.goto("/")
    assert response is not None and response.status == 200 and urlsplit(page.url).path == "/", "still signed in"
