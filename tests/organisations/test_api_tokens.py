"""API tokens for machine clients: issued after password and code, expiring, revocable, throttled."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from organisations.models import ApiToken
from tests.conftest import current_code
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def issue(client: APIClient, user, code: str | None = None):
    return client.post(
        "/api/v1/auth/token/",
        {"email": user.email, "password": TEST_PASSWORD, "otp": code or current_code()},
        format="json",
    )


def test_token_is_issued_and_used(first_responder):
    client = APIClient()
    response = issue(client, first_responder)
    assert response.status_code == 201
    raw = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    me = client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["email"] == first_responder.email
    assert me.json()["roles"] == ["first_responder"]


def test_only_a_digest_of_the_token_is_stored(first_responder):
    raw = issue(APIClient(), first_responder).json()["token"]
    stored = ApiToken.objects.get(user=first_responder)
    assert stored.digest != raw and raw not in stored.digest
    assert stored.digest == ApiToken.digest_of(raw)


def test_token_expires_after_eight_hours(first_responder):
    client = APIClient()
    raw = issue(client, first_responder).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    with time_machine.travel(timezone.now() + timedelta(hours=7, minutes=59)):
        assert client.get("/api/v1/me/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(hours=8, minutes=1)):
        assert client.get("/api/v1/me/").status_code == 401


def test_revoked_token_is_refused(first_responder):
    client = APIClient()
    raw = issue(client, first_responder).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert client.delete("/api/v1/auth/token/current/").status_code == 204
    assert client.get("/api/v1/me/").status_code == 401


def test_token_of_a_deactivated_user_is_refused(first_responder):
    client = APIClient()
    raw = issue(client, first_responder).json()["token"]
    first_responder.is_active = False
    first_responder.save()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert client.get("/api/v1/me/").status_code == 401


@pytest.mark.parametrize(
    "body, field",
    [
        ({"password": TEST_PASSWORD, "otp": "123456"}, "email"),
        ({"email": "not-an-email", "password": TEST_PASSWORD, "otp": "123456"}, "email"),
        ({"email": "a@example.test", "otp": "123456"}, "password"),
        ({"email": "a@example.test", "password": TEST_PASSWORD, "otp": "12x456"}, "otp"),
    ],
)
def test_malformed_token_requests_get_field_errors(db, body, field):
    response = APIClient().post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_wrong_code_or_password_issue_no_token(first_responder):
    wrong_code = f"{(int(current_code()) + 1) % 1_000_000:06d}"
    assert issue(APIClient(), first_responder, code=wrong_code).status_code == 400
    bad_password = APIClient().post(
        "/api/v1/auth/token/", {"email": first_responder.email, "password": "nope-nope-nope", "otp": current_code()},
        format="json",
    )
    assert bad_password.status_code == 400
    assert not ApiToken.objects.exists()


def test_token_endpoint_is_rate_limited(db):
    client = APIClient()
    statuses = [
        # A different email each time, so the account lockout (by email and address) stays out of it.
        client.post("/api/v1/auth/token/", {"email": f"a{i}@example.test", "password": "x" * 12, "otp": "123456"},
                    format="json").status_code
        for i in range(11)
    ]
    assert statuses[:10] == [400] * 10
    assert statuses[10] == 429


def test_a_session_without_second_factor_cannot_use_the_api(first_responder):
    client = Client()
    client.post("/sign-in/", {"email": first_responder.email, "password": TEST_PASSWORD})
    assert client.get("/api/v1/me/").status_code == 401


def test_a_forged_forwarded_for_header_does_not_dodge_the_rate_limit(db):
    client = APIClient()
    statuses = [
        client.post("/api/v1/auth/token/", {"email": f"b{i}@example.test", "password": "x" * 12, "otp": "123456"},
                    format="json", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code
        for i in range(11)
    ]
    assert statuses[10] == 429
