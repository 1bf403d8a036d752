"""Attack finding 1: the sign-in lockout could be bypassed. Each test repeats a step of the attack against
the real sign-in pages or the API token endpoint."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, InternalError, transaction
from django.test import Client
from rest_framework.test import APIClient

from core.errors import NotAllowed
from organisations.models import AccountEvent, AccountEventKind, OrgRole, Role
from organisations.services import sign_in_lockout_end
from tests.conftest import current_code, sign_in
from tests.factories import TEST_PASSWORD, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

WRONG = "not-the-password"


def _post_password(client: Client, email: str, password: str, address: str = "10.0.0.1"):
    return client.post("/sign-in/", {"email": email, "password": password}, REMOTE_ADDR=address)


def _wrong_code() -> str:
    return f"{(int(current_code()) + 1) % 1_000_000:06d}"


def _token(email: str, password: str, otp: str, address: str = "10.0.0.1"):
    return APIClient().post("/api/v1/auth/token/", {"email": email, "password": password, "otp": otp},
                            format="json", REMOTE_ADDR=address)


def test_other_capitals_of_a_locked_address_are_locked_too(first_responder):
    for _ in range(5):
        _post_password(Client(), first_responder.email, WRONG)
    for variant in [first_responder.email.upper(), first_responder.email.capitalize(), f" {first_responder.email} "]:
        assert _post_password(Client(), variant, WRONG).status_code == 429, variant
    # The right password in yet another spelling neither signs in nor clears the lock.
    assert _post_password(Client(), first_responder.email.swapcase(), TEST_PASSWORD).status_code == 429
    assert _post_password(Client(), first_responder.email, TEST_PASSWORD).status_code == 429


def test_failures_spread_over_spellings_add_up_to_one_lockout(first_responder):
    spellings = [first_responder.email, first_responder.email.upper(), first_responder.email.title(),
                 first_responder.email.swapcase(), first_responder.email.capitalize()]
    answers = [_post_password(Client(), spelling, WRONG).status_code for spelling in spellings]
    assert answers == [400, 400, 400, 400, 429]  # the fifth failure locks, whatever its spelling
    assert _post_password(Client(), first_responder.email, TEST_PASSWORD).status_code == 429


def test_a_locked_account_is_locked_from_every_address(first_responder):
    for _ in range(5):
        _post_password(Client(), first_responder.email, WRONG, address="10.0.0.1")
    assert _post_password(Client(), first_responder.email, TEST_PASSWORD, address="10.0.0.2").status_code == 429
    assert _token(first_responder.email, TEST_PASSWORD, current_code(), address="10.0.0.3").status_code == 429


def test_a_right_password_does_not_reset_the_wrong_code_count(first_responder):
    """Three wrong codes, then the right password again (as an attacker who knows it would), then two more
    wrong codes: five wrong codes lock the account."""
    attacker = Client()
    _post_password(attacker, first_responder.email, TEST_PASSWORD)
    for _ in range(3):
        assert attacker.post("/sign-in/security-code/", {"code": _wrong_code()}).status_code == 400
    attacker = Client()
    assert _post_password(attacker, first_responder.email, TEST_PASSWORD).status_code == 302
    statuses = [attacker.post("/sign-in/security-code/", {"code": _wrong_code()}).status_code for _ in range(2)]
    assert statuses == [400, 429]
    assert _post_password(Client(), first_responder.email, TEST_PASSWORD, address="10.9.9.9").status_code == 429


def test_wrong_codes_on_the_token_endpoint_count_until_a_right_code(first_responder):
    for _ in range(4):
        assert _token(first_responder.email.upper(), TEST_PASSWORD, _wrong_code()).status_code == 400
    # The right password on the pages does not clear them ...
    assert _post_password(Client(), first_responder.email, TEST_PASSWORD).status_code == 302
    # ... so the fifth wrong code locks the account.
    assert _token(first_responder.email, TEST_PASSWORD, _wrong_code()).status_code in (400, 429)
    assert _token(first_responder.email, TEST_PASSWORD, current_code()).status_code == 429


def test_the_real_code_still_works_after_wrong_codes_below_the_limit(first_responder):
    """django-otp's growing delay refused the real code after a few wrong ones: anyone with the password
    could keep the real user out. Four wrong codes must leave the real code working."""
    attacker = Client()
    _post_password(attacker, first_responder.email, TEST_PASSWORD, address="10.0.0.66")
    for _ in range(4):
        attacker.post("/sign-in/security-code/", {"code": _wrong_code()}, REMOTE_ADDR="10.0.0.66")
    sign_in(Client(), first_responder)


def test_a_right_code_clears_the_wrong_codes(first_responder):
    client = Client()
    _post_password(client, first_responder.email, TEST_PASSWORD)
    for _ in range(4):
        client.post("/sign-in/security-code/", {"code": _wrong_code()})
    assert client.post("/sign-in/security-code/", {"code": current_code()}).status_code == 302
    for _ in range(4):
        assert _post_password(Client(), first_responder.email, WRONG).status_code == 400


def test_one_address_spraying_many_accounts_is_stopped(settings, first_responder):
    settings.SIGN_IN_ADDRESS_FAILURE_LIMIT = 6
    for number in range(6):
        assert _post_password(Client(), f"sprayed{number}@example.test", WRONG, address="10.1.1.1").status_code == 400
    # The spraying address is refused even for a real account with its right password ...
    assert _post_password(Client(), first_responder.email, TEST_PASSWORD, address="10.1.1.1").status_code == 429
    assert _token(first_responder.email, TEST_PASSWORD, current_code(), address="10.1.1.1").status_code == 429
    # ... while the account itself is not locked: from its own address it signs in.
    sign_in(Client(REMOTE_ADDR="10.2.2.2"), first_responder)


def test_the_token_endpoint_counts_towards_the_address_limit(settings, db):
    settings.SIGN_IN_ADDRESS_FAILURE_LIMIT = 3
    for number in range(3):
        assert _token(f"api{number}@example.test", WRONG, "123456", address="10.3.3.3").status_code == 400
    assert _post_password(Client(), "api9@example.test", WRONG, address="10.3.3.3").status_code == 429


def test_the_token_endpoint_limits_each_account_whatever_the_address(first_responder):
    answers = [
        _token(first_responder.email if n % 2 else first_responder.email.upper(), TEST_PASSWORD, "000000",
               address=f"10.4.4.{n}").status_code
        for n in range(12)
    ]
    assert answers[-1] == 429


# --- The safe route out: a manager or an administrator ends the lockout, and it is recorded ---------------

@pytest.fixture
def team(db):
    authority = OrganisationFactory(roles=[OrgRole.COMPETENT_AUTHORITY], first_responder_type="")
    return {
        "worker": UserFactory(organisation=authority, roles=[Role.DECISION_MAKER]),
        "manager": UserFactory(organisation=authority, roles=[Role.CA_MANAGER]),
        "elsewhere": UserFactory(
            organisation=OrganisationFactory(roles=[OrgRole.COMPETENT_AUTHORITY], first_responder_type=""),
            roles=[Role.CA_MANAGER]),
    }


def _lock(user) -> None:
    for _ in range(5):
        _post_password(Client(), user.email, WRONG)
    assert _post_password(Client(), user.email, TEST_PASSWORD).status_code == 429


def test_a_manager_ends_a_team_members_lockout_and_it_is_recorded(team):
    worker, manager = team["worker"], team["manager"]
    _lock(worker)
    sign_in_lockout_end(user=worker, by=manager)
    sign_in(Client(), worker)
    event = AccountEvent.objects.get(user=worker, kind=AccountEventKind.LOCKOUT_ENDED)
    assert event.by == manager


def test_an_administrator_ends_a_lockout_from_the_users_admin_page(team, administrator):
    worker = team["worker"]
    _lock(worker)
    admin = sign_in(Client(), administrator)
    page = admin.get(f"/admin/organisations/user/{worker.pk}/change/")
    assert b"Sign-in locked" in page.content
    response = admin.post("/admin/organisations/user/", {
        "action": "end_lockout", "_selected_action": [worker.pk]})
    assert response.status_code == 302
    sign_in(Client(), worker)
    assert AccountEvent.objects.filter(user=worker, kind=AccountEventKind.LOCKOUT_ENDED, by=administrator).exists()
    assert b"Sign-in lockout ended" in admin.get(f"/admin/organisations/user/{worker.pk}/change/").content


def test_nobody_else_ends_a_lockout(team, first_responder):
    worker = team["worker"]
    _lock(worker)
    for by in [team["elsewhere"], first_responder, worker]:
        with pytest.raises(NotAllowed, match="Only a manager in the same organisation or an administrator"):
            sign_in_lockout_end(user=worker, by=by)
    assert _post_password(Client(), worker.email, TEST_PASSWORD).status_code == 429
    assert not AccountEvent.objects.filter(kind=AccountEventKind.LOCKOUT_ENDED).exists()


def test_the_account_event_log_is_append_only(team):
    sign_in_lockout_end(user=team["worker"], by=team["manager"])
    with pytest.raises((InternalError, IntegrityError), match="Cannot update or delete"), transaction.atomic():
        AccountEvent.objects.all().delete()


def test_a_manager_ends_a_lockout_from_the_team_page(team):
    worker, manager = team["worker"], team["manager"]
    _lock(worker)
    client = sign_in(Client(), manager)
    assert b"Sign-in lockouts" in client.get("/").content
    page = client.get("/team/sign-in-lockouts/").content.decode()
    assert worker.email in page
    response = client.post("/team/sign-in-lockouts/", {"user": worker.pk})
    assert response.status_code == 302
    sign_in(Client(), worker)
    assert AccountEvent.objects.filter(user=worker, kind=AccountEventKind.LOCKOUT_ENDED, by=manager).exists()


def test_the_team_page_is_for_managers_of_the_same_organisation(team):
    worker = team["worker"]
    _lock(worker)
    elsewhere = sign_in(Client(), team["elsewhere"])
    assert worker.email not in elsewhere.get("/team/sign-in-lockouts/").content.decode()
    refused = elsewhere.post("/team/sign-in-lockouts/", {"user": worker.pk})
    assert refused.status_code == 400
    assert b"Select someone in your organisation whose sign-in is locked" in refused.content
    assert _post_password(Client(), worker.email, TEST_PASSWORD).status_code == 429
    colleague = UserFactory(organisation=worker.organisation, roles=[Role.DECISION_MAKER])
    assert sign_in(Client(), colleague).get("/team/sign-in-lockouts/").status_code == 403
