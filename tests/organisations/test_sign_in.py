"""Two-factor sign-in: password, then a six-digit code; lockout; timeouts; sign-out."""

from __future__ import annotations

import re
from base64 import b32encode
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.oath import TOTP

from organisations.authentication import UserWithOrganisationBackend
from organisations.models import Role
from tests.conftest import current_code, sign_in
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_password_and_code_reach_the_home_page(first_responder):
    client = sign_in(Client(), first_responder)
    response = client.get("/")
    assert response.status_code == 200
    assert b"Your referrals" in response.content


def test_password_alone_reaches_no_page(first_responder):
    client = Client()
    client.post("/sign-in/", {"email": first_responder.email, "password": TEST_PASSWORD})
    for path in ["/", "/admin/"]:
        response = client.get(path)
        assert response.status_code == 302 and response.url == "/sign-in/security-code/", path
    for path in ["/api/v1/me/", "/api/v1/docs/", "/api/v1/schema/"]:
        assert client.get(path).status_code == 401, path


def test_a_wrong_code_is_refused(first_responder):
    client = Client()
    client.post("/sign-in/", {"email": first_responder.email, "password": TEST_PASSWORD})
    wrong = f"{(int(current_code()) + 1) % 1_000_000:06d}"
    response = client.post("/sign-in/security-code/", {"code": wrong})
    assert response.status_code == 400
    assert b"govuk-error-summary" in response.content
    assert client.get("/").status_code == 302


def test_a_malformed_code_gets_a_field_error(first_responder):
    client = Client()
    client.post("/sign-in/", {"email": first_responder.email, "password": TEST_PASSWORD})
    response = client.post("/sign-in/security-code/", {"code": "12ab"})
    assert response.status_code == 400
    assert b"Enter the security code as 6 digits" in response.content
    assert b'href="#id_code"' in response.content


def test_a_used_code_cannot_be_replayed(first_responder):
    code = current_code()
    sign_in(Client(), first_responder)  # uses the current code
    other = Client()
    other.post("/sign-in/", {"email": first_responder.email, "password": TEST_PASSWORD})
    response = other.post("/sign-in/security-code/", {"code": code})
    assert response.status_code == 400
    assert other.get("/").status_code == 302


def test_wrong_password_and_unknown_email_get_the_same_answer(first_responder):
    wrong_password = Client().post("/sign-in/", {"email": first_responder.email, "password": "not-the-password"})
    unknown_email = Client().post("/sign-in/", {"email": "nobody@example.test", "password": "not-the-password"})
    assert wrong_password.status_code == unknown_email.status_code == 400
    message = b"Enter a correct email address, password and security code"
    assert message in wrong_password.content and message in unknown_email.content


def test_five_failures_lock_the_account_for_thirty_minutes(first_responder):
    client = Client()
    for _ in range(5):
        client.post("/sign-in/", {"email": first_responder.email, "password": "not-the-password"})
    locked = client.post("/sign-in/", {"email": first_responder.email, "password": TEST_PASSWORD})
    assert locked.status_code == 429
    assert b"Too many attempts to sign in" in locked.content
    with time_machine.travel(timezone.now() + timedelta(minutes=29)):
        assert client.get("/sign-in/").status_code == 200  # looking is fine; signing in is not
        assert client.post("/sign-in/", {"email": first_responder.email, "password": TEST_PASSWORD}).status_code == 429
    # An attempt while locked restarts the 30 minutes.
    with time_machine.travel(timezone.now() + timedelta(minutes=29 + 31)):
        assert client.post("/sign-in/", {"email": first_responder.email, "password": TEST_PASSWORD}).status_code == 302


def test_lockout_page_does_not_reveal_whether_an_account_exists(first_responder):
    answers = []
    for email in [first_responder.email, "nobody@example.test"]:
        client = Client()
        for _ in range(5):
            client.post("/sign-in/", {"email": email, "password": "not-the-password"})
        answers.append(client.post("/sign-in/", {"email": email, "password": "anything-at-all"}))
    assert answers[0].status_code == answers[1].status_code == 429
    without_nonce = [re.sub(rb'nonce="[^"]*"', b"", answer.content) for answer in answers]
    assert without_nonce[0] == without_nonce[1]


def test_wrong_codes_count_towards_the_lockout(first_responder):
    client = Client()
    client.post("/sign-in/", {"email": first_responder.email, "password": TEST_PASSWORD})
    wrong = f"{(int(current_code()) + 1) % 1_000_000:06d}"
    statuses = [client.post("/sign-in/security-code/", {"code": wrong}).status_code for _ in range(5)]
    assert statuses[-1] == 429
    # Locked out: the right password no longer even reaches the code page.
    assert client.post("/sign-in/", {"email": first_responder.email, "password": TEST_PASSWORD}).status_code == 429


def test_first_sign_in_enrols_an_authenticator(db):
    user = UserFactory(roles=[Role.FIRST_RESPONDER], with_totp=False)
    client = Client()
    response = client.post("/sign-in/", {"email": user.email, "password": TEST_PASSWORD})
    assert response.url == "/sign-in/set-up-authenticator/"
    page = client.get(response.url)
    assert page.status_code == 200
    device = user.totpdevice_set.get(confirmed=False)
    secret = b32encode(device.bin_key).decode()
    assert " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)).encode() in page.content
    assert b"data:image/svg+xml;base64," in page.content  # the QR code
    code = f"{TOTP(device.bin_key).token():06d}"
    response = client.post("/sign-in/set-up-authenticator/", {"code": code})
    assert response.status_code == 302 and response.url == "/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200


def test_idle_session_ends_after_thirty_minutes(first_responder):
    client = sign_in(Client(), first_responder)
    with time_machine.travel(timezone.now() + timedelta(minutes=29)):
        assert client.get("/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=29 + 31)):
        response = client.get("/")
        assert response.status_code == 302 and response.url.startswith("/sign-in/")
        assert client.get("/").url.startswith("/sign-in/")  # the session is gone, not only this request


def stored_expiry(client: Client):
    return Session.objects.get(session_key=client.cookies["sessionid"].value).expire_date


def test_reading_pages_writes_the_session_at_most_once_a_minute(first_responder):
    client = sign_in(Client(), first_responder)
    start, expiry_at_sign_in = timezone.now(), stored_expiry(client)
    with time_machine.travel(start + timedelta(seconds=30)):
        assert client.get("/").status_code == 200
    assert stored_expiry(client) == expiry_at_sign_in  # a read within the minute wrote nothing
    with time_machine.travel(start + timedelta(seconds=61)):
        assert client.get("/").status_code == 200
    assert stored_expiry(client) > expiry_at_sign_in  # the minute's first read renewed the session


def test_a_session_in_use_every_fifty_seconds_never_goes_idle(first_responder):
    """Recording activity once a minute must not let a session lapse while someone is working."""
    client = sign_in(Client(), first_responder)
    start = timezone.now()
    for seconds in range(50, 45 * 60, 50):
        with time_machine.travel(start + timedelta(seconds=seconds)):
            assert client.get("/").status_code == 200, seconds


def test_the_signed_in_user_comes_with_their_organisation_in_one_query(first_responder):
    user = UserWithOrganisationBackend().get_user(first_responder.pk)
    with CaptureQueriesContext(connection) as queries:
        assert user.organisation.name == first_responder.organisation.name
    assert len(queries) == 0


def test_sign_in_records_the_backend_that_loads_the_organisation(first_responder):
    client = sign_in(Client(), first_responder)
    session = Session.objects.get(session_key=client.cookies["sessionid"].value).get_decoded()
    assert session[BACKEND_SESSION_KEY] == "organisations.authentication.UserWithOrganisationBackend"


def test_an_inactive_user_is_not_loaded_from_a_session(first_responder):
    first_responder.is_active = False
    first_responder.save(update_fields=["is_active"])
    assert UserWithOrganisationBackend().get_user(first_responder.pk) is None


def test_active_session_ends_twelve_hours_after_sign_in(first_responder):
    client = sign_in(Client(), first_responder)
    start = timezone.now()
    for minutes in range(20, 12 * 60, 20):  # a request every 20 minutes: never idle
        with time_machine.travel(start + timedelta(minutes=minutes)):
            assert client.get("/").status_code == 200, minutes
    with time_machine.travel(start + timedelta(hours=12, minutes=1)):
        response = client.get("/")
        assert response.status_code == 302 and response.url.startswith("/sign-in/")


def test_sign_out_ends_the_session_on_the_server(first_responder):
    client = sign_in(Client(), first_responder)
    stolen_cookie = client.cookies["sessionid"].value
    assert client.post("/sign-out/").status_code == 302
    replay = Client()
    replay.cookies["sessionid"] = stolen_cookie
    response = replay.get("/")
    assert response.status_code == 302 and response.url == "/sign-in/"


def test_sign_out_needs_post(first_responder):
    client = sign_in(Client(), first_responder)
    assert client.get("/sign-out/").status_code == 405
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    "password, problem",
    [
        ("short-pass1", "too short"),
        ("password1234", "too common"),
        ("839201748392", "entirely numeric"),
    ],
)
def test_weak_passwords_are_refused(password, problem):
    with pytest.raises(ValidationError) as error:
        validate_password(password)
    assert problem in " ".join(error.value.messages)


def test_a_strong_password_is_accepted():
    validate_password("ample-lantern-orchard-42")
