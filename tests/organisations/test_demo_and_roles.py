"""Demo data, roles and their home pages, navigation by role, and the admin pages."""

from __future__ import annotations

import html

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client

from monitoring.demo_history import COLLEAGUES
from organisations.demo import DEMO_ACCOUNTS, DEMO_ORGANISATIONS
from organisations.home import ROLE_HOMES
from organisations.models import Organisation, OrgRole, Role, User
from organisations.roles import ROLE_PERMISSIONS
from organisations.services import RoleNotAllowedForOrganisation, user_create
from tests.conftest import current_code
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "nrm-demo-password"


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--without-history")


def test_seed_demo_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    snapshot = (
        list(Organisation.objects.order_by("pk").values()),
        list(User.objects.order_by("pk").values("pk", "email", "organisation_id", "password")),
        Organisation.pgh_event_model.objects.count(),
        User.pgh_event_model.objects.count(),
    )
    call_command("seed_demo")
    assert snapshot == (
        list(Organisation.objects.order_by("pk").values()),
        list(User.objects.order_by("pk").values("pk", "email", "organisation_id", "password")),
        Organisation.pgh_event_model.objects.count(),
        User.pgh_event_model.objects.count(),
    )
    assert Organisation.objects.count() == len(DEMO_ORGANISATIONS)
    assert User.objects.count() == len(DEMO_ACCOUNTS) + len(COLLEAGUES)


@pytest.mark.parametrize("email, full_name, organisation, role", DEMO_ACCOUNTS, ids=[a[0] for a in DEMO_ACCOUNTS])
def test_every_demo_account_signs_in_to_its_role_home_page(demo, email, full_name, organisation, role):
    client = Client()
    response = client.post("/sign-in/", {"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response.url == "/sign-in/security-code/"
    response = client.post("/sign-in/security-code/", {"code": current_code()}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    page = html.unescape(response.content.decode())
    assert f"<h1 class=\"govuk-heading-l\">{ROLE_HOMES[role].heading}</h1>" in page
    assert organisation in page


def test_each_role_is_a_group_with_exactly_its_permissions():
    for role in Role:
        group = Group.objects.get(name=role.label)
        granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert granted == set(ROLE_PERMISSIONS.get(role, ()))


def test_a_role_cannot_be_given_in_an_organisation_that_does_not_hold_it():
    charity = OrganisationFactory(roles=[OrgRole.FIRST_RESPONDER])
    with pytest.raises(RoleNotAllowedForOrganisation):
        user_create(email="dm@example.test", full_name="Wrong Place", organisation=charity,
                    roles=[Role.DECISION_MAKER], password=None)
    assert not User.objects.filter(email="dm@example.test").exists()


def test_a_user_must_belong_to_an_organisation():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError, match='check constraint "user_has_organisation_unless_superuser"'):
        User.objects.create_user(email="orphan@example.test", password=None, full_name="No Organisation")


def test_navigation_shows_administration_only_to_administrators(signed_in_client, administrator):
    from tests.conftest import sign_in

    assert b'href="/admin/"' not in signed_in_client.get("/").content
    admin_client = sign_in(Client(), administrator)
    assert b'href="/admin/"' in admin_client.get("/").content


def test_administrators_manage_organisations_and_users(administrator):
    from tests.conftest import sign_in

    client = sign_in(Client(), administrator)
    assert client.get("/admin/organisations/organisation/").status_code == 200
    assert client.get("/admin/organisations/user/").status_code == 200
    police = OrganisationFactory(roles=[OrgRole.FIRST_RESPONDER])
    response = client.post(
        "/admin/organisations/user/add/",
        {"email": "New.Officer@Example.test", "full_name": "New Officer", "organisation": police.pk,
         "groups": [Group.objects.get(name=Role.FIRST_RESPONDER.label).pk],
         "password1": "ample-lantern-orchard-42", "password2": "ample-lantern-orchard-42", "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = User.objects.get(email="new.officer@example.test")
    # A role that reads personal records waits for a second administrator (tests/organisations/test_account_changes.py).
    assert created.roles == frozenset()
    assert created.role_grant_requests.get().roles == [Role.FIRST_RESPONDER.value]


def test_admin_refuses_a_role_the_organisation_does_not_hold(administrator):
    from tests.conftest import sign_in

    client = sign_in(Client(), administrator)
    police = OrganisationFactory(name="Kent Police", roles=[OrgRole.FIRST_RESPONDER])
    response = client.post(
        "/admin/organisations/user/add/",
        {"email": "x@example.test", "full_name": "X", "organisation": police.pk,
         "groups": [Group.objects.get(name=Role.DECISION_MAKER.label).pk],
         "password1": "ample-lantern-orchard-42", "password2": "ample-lantern-orchard-42", "usable_password": "true"},
    )
    assert response.status_code == 200
    assert b"Decision maker cannot belong to Kent Police: it is not a competent authority" in response.content
    assert not User.objects.filter(email="x@example.test").exists()


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMINISTRATOR])
def test_other_roles_are_refused_the_admin(role):
    from organisations.roles import ROLE_ORGANISATION_ROLES
    from tests.conftest import sign_in

    organisation = OrganisationFactory(roles=[sorted(ROLE_ORGANISATION_ROLES[role])[0]])
    user = UserFactory(organisation=organisation, roles=[role])
    client = sign_in(Client(), user)
    for path in ["/admin/", "/admin/organisations/user/", "/admin/organisations/organisation/1/change/"]:
        response = client.get(path, follow=True)
        assert response.status_code == 403, path
        assert b"You cannot do this" in response.content


def test_api_documentation_is_a_footer_link_not_main_navigation(signed_in_client):
    html = signed_in_client.get("/").content.decode()
    navigation = html.split('class="govuk-service-navigation__list"')[1].split("</ul>")[0]
    footer = html.split('<footer class="govuk-footer">')[1]
    assert "API documentation" not in navigation
    assert 'href="/api/v1/docs/"' in footer and "API documentation" in footer


def test_the_demo_has_a_guardian_with_one_assigned_child_only_where_the_era_has_guardians(settings):
    from organisations.demo import GUARDIAN_ACCOUNTS, GUARDIAN_SERVICE
    from referrals.models import GuardianAssignment

    settings.DEBUG = True
    settings.NRM_CHILD_GUARDIANS_ENABLED = False
    call_command("seed_demo", "--without-history")
    assert not Organisation.objects.filter(name=GUARDIAN_SERVICE).exists()
    assert not GuardianAssignment.objects.exists()

    settings.NRM_CHILD_GUARDIANS_ENABLED = True
    call_command("seed_demo", "--without-history")
    call_command("seed_demo", "--without-history")  # still idempotent
    (email, _full_name, organisation, role), = GUARDIAN_ACCOUNTS
    guardian = User.objects.get(email=email)
    assert guardian.roles == {role} and guardian.organisation.name == organisation
    assignment = GuardianAssignment.objects.select_related("referral", "assigned_by").get()
    assert (assignment.guardian_id, assignment.assigned_by.email) == (guardian.pk, "la.social@demo.nrm.test")
    assert assignment.referral.is_child and assignment.is_current

    client = Client()
    client.post("/sign-in/", {"email": email, "password": DEMO_PASSWORD})
    home = client.post("/sign-in/security-code/", {"code": current_code()}, follow=True).content.decode()
    assert ROLE_HOMES[role].heading in html.unescape(home)
    assert assignment.referral.reference in home
