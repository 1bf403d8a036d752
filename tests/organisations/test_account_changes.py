"""Attack findings 3 and 6: an administrator gave itself casework roles with one admin form post, recorded
only in Django's editable admin log; API tokens survived a password or role change; the session id did not
change when the code was accepted."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from rest_framework.test import APIClient

from audit.models import AccessAction, AccessEvent
from core.errors import Conflict, NotAllowed
from organisations import services
from organisations.models import (
    AccountEvent,
    AccountEventKind,
    OrgRole,
    Role,
    RoleGrantRequest,
    RoleGrantStatus,
)
from tests.conftest import current_code, sign_in
from tests.factories import TEST_PASSWORD, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def authority(db):
    return OrganisationFactory(roles=[OrgRole.COMPETENT_AUTHORITY], first_responder_type="")


@pytest.fixture
def second_administrator(administrator):
    return UserFactory(organisation=administrator.organisation, roles=[Role.ADMINISTRATOR])


def _group(role: Role) -> int:
    return Group.objects.get(name=role.label).pk


def _change_form(user, organisation, roles: list[Role]) -> dict:
    return {"email": user.email, "full_name": user.full_name, "organisation": organisation.pk,
            "groups": [_group(role) for role in roles], "is_active": "on",
            "last_login_0": "", "last_login_1": "", "date_joined_0": "2026-01-01", "date_joined_1": "09:00:00",
            "initial-date_joined_0": "2026-01-01", "initial-date_joined_1": "09:00:00"}


def test_an_administrator_cannot_move_itself_into_casework_through_the_admin(administrator, authority):
    client = sign_in(Client(), administrator)
    response = client.post(f"/admin/organisations/user/{administrator.pk}/change/",
                           _change_form(administrator, authority, [Role.CA_MANAGER, Role.DECISION_MAKER]))
    assert response.status_code == 200
    assert b"You cannot change your own roles, organisation or status" in response.content
    administrator.refresh_from_db()
    administrator._roles_cache = None
    assert administrator.organisation != authority and administrator.roles == {Role.ADMINISTRATOR}


def test_the_service_refuses_a_self_grant(administrator, authority):
    with pytest.raises(NotAllowed, match="cannot change their own roles or organisation"):
        services.user_access_change(user=administrator, organisation=authority, roles={Role.CA_MANAGER},
                                    by=administrator)
    assert not RoleGrantRequest.objects.exists()


def test_a_casework_role_waits_for_a_second_administrator(administrator, second_administrator, authority):
    worker = UserFactory(organisation=authority, roles=[Role.SECOND_REVIEWER])
    client = sign_in(Client(), administrator)
    response = client.post(f"/admin/organisations/user/{worker.pk}/change/",
                           _change_form(worker, authority, [Role.SECOND_REVIEWER, Role.DECISION_MAKER]))
    assert response.status_code == 302, response.content[:2000]
    worker.refresh_from_db()
    worker._roles_cache = None
    assert worker.roles == {Role.SECOND_REVIEWER}  # not yet
    grant = RoleGrantRequest.objects.get(user=worker)
    assert grant.status == RoleGrantStatus.PENDING and grant.requested_by == administrator
    # The one who asked cannot approve it, nor can its subject.
    with pytest.raises(NotAllowed, match="A second administrator"):
        services.role_grant_decide(grant=grant, approve=True, by=administrator)
    # A second administrator approves it through the admin.
    second = sign_in(Client(), second_administrator)
    response = second.post("/admin/organisations/rolegrantrequest/", {"action": "approve",
                                                                      "_selected_action": [grant.pk]})
    assert response.status_code == 302
    worker._roles_cache = None
    assert worker.roles == {Role.SECOND_REVIEWER, Role.DECISION_MAKER}
    with pytest.raises(Conflict, match="already been decided"):
        services.role_grant_decide(grant=grant, approve=False, by=second_administrator)
    kinds = list(AccountEvent.objects.filter(user=worker).values_list("kind", "detail", "by"))
    assert (AccountEventKind.ROLE_GRANT_REQUESTED, f"Decision maker, Second reviewer in organisation {authority.pk}",
            administrator.pk) in kinds
    assert (AccountEventKind.ROLE_GRANTED, "Decision maker", second_administrator.pk) in kinds
    assert (AccountEventKind.ROLE_GRANT_APPROVED, f"request {grant.pk}", second_administrator.pk) in kinds


def test_a_new_user_gets_casework_roles_only_after_approval(administrator, second_administrator, authority):
    client = sign_in(Client(), administrator)
    response = client.post("/admin/organisations/user/add/", {
        "email": "new.dm@example.test", "full_name": "New DM", "organisation": authority.pk,
        "groups": [_group(Role.DECISION_MAKER)], "password1": "ample-lantern-orchard-42",
        "password2": "ample-lantern-orchard-42", "usable_password": "true"})
    assert response.status_code == 302
    grant = RoleGrantRequest.objects.get(user__email="new.dm@example.test")
    assert grant.user.roles == frozenset()
    services.role_grant_decide(grant=grant, approve=True, by=second_administrator)
    grant.user._roles_cache = None
    assert grant.user.roles == {Role.DECISION_MAKER}


def test_taking_a_role_away_applies_at_once_and_a_monitor_role_needs_no_approval(administrator, authority):
    worker = UserFactory(organisation=authority, roles=[Role.SECOND_REVIEWER, Role.DECISION_MAKER])
    assert services.user_access_change(user=worker, organisation=authority, roles={Role.DECISION_MAKER},
                                       by=administrator) is None
    worker._roles_cache = None
    assert worker.roles == {Role.DECISION_MAKER}
    monitor_org = OrganisationFactory(roles=[OrgRole.MONITOR], first_responder_type="")
    watcher = UserFactory(organisation=monitor_org, roles=[])
    assert services.user_access_change(user=watcher, organisation=monitor_org, roles={Role.MONITOR},
                                       by=administrator) is None


def test_moving_someone_with_casework_roles_to_another_organisation_waits(administrator, authority):
    worker = UserFactory(organisation=authority, roles=[Role.DECISION_MAKER])
    other = OrganisationFactory(roles=[OrgRole.COMPETENT_AUTHORITY], first_responder_type="")
    grant = services.user_access_change(user=worker, organisation=other, roles={Role.DECISION_MAKER},
                                        by=administrator)
    assert grant is not None
    worker.refresh_from_db()
    assert worker.organisation == authority


def test_role_and_organisation_changes_are_in_the_history_the_access_log_and_the_users_page(
        administrator, second_administrator, authority):
    worker = UserFactory(organisation=authority, roles=[Role.DECISION_MAKER, Role.SECOND_REVIEWER])
    services.user_access_change(user=worker, organisation=authority, roles={Role.DECISION_MAKER}, by=administrator)
    other = OrganisationFactory(roles=[OrgRole.COMPETENT_AUTHORITY], first_responder_type="")
    grant = services.user_access_change(user=worker, organisation=other, roles={Role.DECISION_MAKER},
                                        by=administrator)
    services.role_grant_decide(grant=grant, approve=True, by=second_administrator)
    events = AccountEvent.objects.filter(user=worker)
    assert events.filter(kind=AccountEventKind.ROLE_REMOVED, detail="Second reviewer", by=administrator).exists()
    assert events.filter(kind=AccountEventKind.ORGANISATION_CHANGED, by=second_administrator).exists()
    logged = AccessEvent.objects.filter(action=AccessAction.ACCOUNT_CHANGE, record_type="organisations.user",
                                        record_id=str(worker.pk))
    assert {event.user_id for event in logged.filter(user__isnull=False)} == {administrator.pk, second_administrator.pk}
    page = sign_in(Client(), second_administrator).get(f"/admin/organisations/user/{worker.pk}/change/")
    assert b"Role removed Second reviewer" in page.content
    assert b"Organisation changed" in page.content


# --- Finding 6: session and tokens -----------------------------------------------------------------------

def _token_client(user) -> APIClient:
    client = APIClient()
    raw = client.post("/api/v1/auth/token/", {"email": user.email, "password": TEST_PASSWORD,
                                              "otp": current_code()}, format="json").json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert client.get("/api/v1/me/").status_code == 200
    return client


def test_a_password_change_revokes_the_users_api_tokens(first_responder):
    client = _token_client(first_responder)
    first_responder.set_password("a-brand-new-passphrase-77")
    first_responder.save()
    assert client.get("/api/v1/me/").status_code == 401
    assert AccountEvent.objects.filter(user=first_responder, kind=AccountEventKind.TOKENS_REVOKED,
                                       detail="password changed").exists()


def test_a_role_change_revokes_the_users_api_tokens(administrator, authority):
    worker = UserFactory(organisation=authority, roles=[Role.DECISION_MAKER, Role.SECOND_REVIEWER])
    client = _token_client(worker)
    services.user_access_change(user=worker, organisation=authority, roles={Role.DECISION_MAKER}, by=administrator)
    assert client.get("/api/v1/me/").status_code == 401


def test_an_organisation_change_revokes_the_users_api_tokens(authority):
    worker = UserFactory(organisation=authority, roles=[])
    client = _token_client(worker)
    worker.organisation = OrganisationFactory(roles=[OrgRole.COMPETENT_AUTHORITY], first_responder_type="")
    worker.save()
    assert client.get("/api/v1/me/").status_code == 401


def test_other_saves_keep_the_token(first_responder):
    client = _token_client(first_responder)
    first_responder.full_name = "Another Name"
    first_responder.save()
    assert client.get("/api/v1/me/").status_code == 200


def test_the_session_id_changes_when_the_code_is_accepted(first_responder):
    client = Client()
    client.post("/sign-in/", {"email": first_responder.email, "password": TEST_PASSWORD})
    after_password = client.cookies["sessionid"].value
    assert client.post("/sign-in/security-code/", {"code": current_code()}).status_code == 302
    after_code = client.cookies["sessionid"].value
    assert after_code != after_password
    # The id from before the code is worth nothing now.
    stale = Client()
    stale.cookies["sessionid"] = after_password
    assert stale.get("/").status_code == 302
