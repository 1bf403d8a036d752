"""Shared fixtures: users of each role, and clients signed in with both factors."""

from __future__ import annotations

from base64 import b32decode

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django_otp.oath import TOTP

from organisations.models import OrgRole, Role
from tests.factories import TEST_PASSWORD, OrganisationFactory, UserFactory


def current_code(at: float | None = None) -> str:
    """The six-digit code the test authenticator (the demo secret) shows now."""
    totp = TOTP(b32decode(settings.DEMO_TOTP_SECRET))
    if at is not None:
        totp.time = at
    return f"{totp.token():06d}"


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Throttle counters and cached sessions live in Redis: start each test clean. Only this
    environment's keys go: flushing the database would also empty other users' queues."""
    client = cache._cache.get_client()
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


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


@pytest.fixture
def signed_in_client(first_responder) -> Client:
    return sign_in(Client(), first_responder)
