"""Shared fixtures: users of each role, and clients signed in with both factors."""

from __future__ import annotations

import json
import re
from base64 import b32decode
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django_otp.oath import TOTP

from core.outbox import broker as outbox_broker
from nrm.celery import app as celery_app
from organisations.models import OrgRole, Role
from tests.factories import TEST_PASSWORD, OrganisationFactory, UserFactory


def current_code(at: float | None = None) -> str:
    """The six-digit code the test authenticator (the demo secret) shows now."""
    totp = TOTP(b32decode(settings.DEMO_TOTP_SECRET))
    if at is not None:
        totp.time = at
    return f"{totp.token():06d}"


def _delete_matching(client, pattern: str) -> int:
    keys = list(client.scan_iter(match=pattern, count=1000))
    if keys:
        client.delete(*keys)
    return len(keys)


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Throttle counters and cached sessions live in Redis: start each test clean. Only this run's
    (and this xdist worker's) keys go, under its own prefix (nrm/settings_test.py): flushing the database
    or a shared prefix would empty other runs' sessions and queues. A broker the last test made
    unreachable is thought reachable again (core/outbox.py's breaker)."""
    _delete_matching(cache._cache.get_client(), f"{settings.CACHES['default']['KEY_PREFIX']}:*")
    outbox_broker.succeeded()


def purge_test_namespace(namespace: str) -> dict[str, int]:
    """Remove what a run left in Redis under its namespace: cache keys, the messages of its queues (its
    default queue and the worker-process queues named after it), their exchange bindings, and kombu's
    `unacked` entries for them (a task a worker took but never acknowledged). Nothing of another run's."""
    assert namespace.startswith("nrm-test-"), namespace
    # The name itself, or the name and then a non-digit (worker gw1's namespace is no prefix of gw10's).
    ours = re.compile(rf"{re.escape(namespace)}(?:$|[^0-9])")
    removed = {"cache keys": _delete_matching(cache._cache.get_client(), f"{namespace}:*")}
    with celery_app.connection_for_write() as connection:
        client = connection.default_channel.client
        removed["queues"] = (client.delete(namespace) + _delete_matching(client, f"{namespace}[^0-9]*"))
        removed["bindings"] = sum(client.delete(f"{prefix}{namespace}")
                                  + _delete_matching(client, f"{prefix}{namespace}[^0-9]*")
                                  for prefix in ("_kombu.binding.", "_kombu.binding_permanent."))
        options = celery_app.conf.broker_transport_options
        unacked, index = options.get("unacked_key", "unacked"), options.get("unacked_index_key", "unacked_index")
        tags = [tag for tag, entry in client.hscan_iter(unacked)  # each entry: [message, exchange, routing key]
                if any(isinstance(part, str) and ours.match(part) for part in json.loads(entry)[1:])]
        if tags:
            client.hdel(unacked, *tags)
            client.zrem(index, *tags)
        removed["unacked"] = len(tags)
    return removed


@pytest.fixture(scope="session", autouse=True)
def _purge_this_runs_redis_state() -> Iterator[None]:
    """At the end of the run (of each pytest-xdist worker, each with its own namespace), leave nothing
    of it on the shared Redis."""
    yield
    purge_test_namespace(settings.TEST_NAMESPACE)


@pytest.fixture(autouse=True)
def _files_in_a_temporary_folder(settings, tmp_path) -> None:
    """Uploaded documents and stored reports go to a folder of each test's own, not var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def first_responder(db):
    organisation = OrganisationFactory(roles=[OrgRole.FIRST_RESPONDER])
    return UserFactory(organisation=organisation, roles=[Role.FIRST_RESPONDER])


@pytest.fixture
def administrator(db):
    organisation = OrganisationFactory(roles=[OrgRole.MONITOR], first_responder_type="")
    return UserFactory(organisation=organisation, roles=[Role.ADMINISTRATOR])


def sign_in(client: Client, user, password: str = TEST_PASSWORD) -> Client:
    """Sign in through the real pages: password, then the current code."""
    response = client.post("/sign-in/", {"email": user.email, "password": password})
    assert response.status_code == 302, response.content[:500]
    response = client.post("/sign-in/security-code/", {"code": current_code()})
    assert response.status_code == 302 and response.url == "/", response.content[:500]
    return client


def home_panel(client: Client, heading: str) -> str:
    """The text of the home page's panel under `heading`, or "" when the page has none."""
    page = client.get("/").content.decode()
    match = re.search(rf'<h2 class="govuk-heading-m" id="panel-\d+">{re.escape(heading)}</h2>(.*?)</section>',
                      page, re.S)
    return match.group(1) if match else ""


@pytest.fixture
def signed_in_client(first_responder) -> Client:
    return sign_in(Client(), first_responder)
