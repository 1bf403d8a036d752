"""Organisations hold several roles (the Salvation Army refers people and runs the victim care contract; a
charity refers and supports): a user's role must be one their organisation holds, and each user role keeps
its own scope, never the union of the organisation's roles."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from core import working_days
from decisions.services.case import case_file_open
from organisations.models import FirstResponderType, Organisation, OrgRole, Role, User
from organisations.roles import roles_enabled
from organisations.services import RoleNotAllowedForOrganisation, user_create
from referrals.permissions import may_make_referrals
from referrals.selectors import referrals_visible_to
from referrals.services import referral_submit
from tests.conftest import sign_in
from tests.factories import OrganisationFactory, UserFactory
from tests.referrals.builders import completed_draft
from victim_care.models import SupportType, Tariff
from victim_care.selectors import people_supported_by
from victim_care.services import allocation_move, care_entry_add, support_case_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def charity() -> Organisation:
    """A charity that both refers people (a first responder) and supports them (a support provider)."""
    charity = OrganisationFactory(name="Refers and Supports Trust", roles=[OrgRole.FIRST_RESPONDER,
                                                                           OrgRole.SUPPORT_PROVIDER],
                                  first_responder_type=FirstResponderType.NGO)
    Tariff.objects.create(provider=charity, support_type=SupportType.OUTREACH, daily_rate_pence=6500,
                          valid_from=datetime.date(2020, 1, 1))
    return charity


@pytest.fixture
def world(settings, charity):
    for name in (settings.NRM_DEFAULT_COMPETENT_AUTHORITY, settings.NRM_IMMIGRATION_COMPETENT_AUTHORITY):
        OrganisationFactory(name=name, roles=[OrgRole.COMPETENT_AUTHORITY], first_responder_type="")
    prime = OrganisationFactory(roles=[OrgRole.PRIME_CONTRACTOR, OrgRole.FIRST_RESPONDER],
                                first_responder_type=FirstResponderType.NGO)
    case_manager = UserFactory(organisation=prime, roles=[Role.PC_CASE_MANAGER])
    referrer = UserFactory(organisation=charity, roles=[Role.FIRST_RESPONDER])
    worker = UserFactory(organisation=charity, roles=[Role.SUPPORT_WORKER])
    police = UserFactory(organisation=OrganisationFactory(roles=[OrgRole.FIRST_RESPONDER]),
                         roles=[Role.FIRST_RESPONDER])
    # The charity's own referral, which it does not support; and someone the police referred, whom it supports.
    referred = referral_submit(referral=completed_draft(referrer), by=referrer)
    draft = completed_draft(referrer)
    supported = referral_submit(referral=completed_draft(police), by=police)
    case_file_open(supported)
    support_case = support_case_open(referral=supported)
    allocation_move(support_case=support_case, provider=charity, support_type=SupportType.OUTREACH,
                    on=working_days.today(), by=case_manager)
    return {"referrer": referrer, "worker": worker, "referred": referred, "draft": draft, "supported": supported,
            "support_case": support_case, "case_manager": case_manager}


def test_an_organisation_holds_several_roles_and_is_found_by_each(charity):
    assert charity.holds(OrgRole.FIRST_RESPONDER) and charity.holds(OrgRole.SUPPORT_PROVIDER)
    assert not charity.holds(OrgRole.PRIME_CONTRACTOR)
    assert charity in Organisation.objects.holding(OrgRole.FIRST_RESPONDER)
    assert charity in Organisation.objects.holding(OrgRole.SUPPORT_PROVIDER)
    assert charity not in Organisation.objects.holding(OrgRole.MONITOR)


def test_a_users_role_must_be_one_their_organisation_holds(charity):
    both = user_create(email="both@example.test", full_name="Both", organisation=charity,
                       roles=[Role.FIRST_RESPONDER, Role.SUPPORT_WORKER], password=None)
    assert both.roles == {Role.FIRST_RESPONDER, Role.SUPPORT_WORKER}
    with pytest.raises(RoleNotAllowedForOrganisation,
                       match="Prime contractor case manager cannot belong to Refers and Supports Trust"):
        user_create(email="pc@example.test", full_name="Wrong Place", organisation=charity,
                    roles=[Role.SUPPORT_WORKER, Role.PC_CASE_MANAGER], password=None)
    assert not User.objects.filter(email="pc@example.test").exists()


def test_the_database_refuses_an_organisation_without_a_role_or_with_a_type_it_cannot_have():
    with transaction.atomic(), pytest.raises(IntegrityError, match="organisation_holds_known_roles"):
        Organisation.objects.create(name="No role", roles=[])
    with transaction.atomic(), pytest.raises(IntegrityError, match="organisation_holds_known_roles"):
        Organisation.objects.create(name="Unknown role", roles=["bank"])
    with transaction.atomic(), pytest.raises(IntegrityError, match="first_responder_type_only_for_first_responders"):
        Organisation.objects.create(name="Provider with a type", roles=[OrgRole.SUPPORT_PROVIDER],
                                    first_responder_type=FirstResponderType.NGO)
    with transaction.atomic(), pytest.raises(IntegrityError, match="first_responder_type_only_for_first_responders"):
        Organisation.objects.create(name="Untyped responder", roles=[OrgRole.SUPPORT_PROVIDER,
                                                                     OrgRole.FIRST_RESPONDER])


def test_the_child_guardian_service_is_a_role_only_where_the_era_enables_it(settings):
    guardians = Organisation(name="Guardian service", roles=[OrgRole.CHILD_GUARDIAN])
    settings.NRM_CHILD_GUARDIANS_ENABLED = False
    with pytest.raises(ValidationError, match="child guardian service is not enabled"):
        guardians.full_clean()
    settings.NRM_CHILD_GUARDIANS_ENABLED = True
    guardians.full_clean()


def test_admin_edits_the_roles_but_keeps_those_its_users_work_in(administrator, charity):
    UserFactory(organisation=charity, roles=[Role.SUPPORT_WORKER])
    client = sign_in(Client(), administrator)
    url = f"/admin/organisations/organisation/{charity.pk}/change/"
    form = {"name": charity.name, "first_responder_type": "ngo", "is_active": "on", "inbox_email": ""}
    response = client.post(url, {**form, "roles": ["first_responder"]})
    assert response.status_code == 200
    assert "Its users work as Support worker" in response.content.decode()
    charity.refresh_from_db()
    assert charity.roles == ["first_responder", "support_provider"]

    response = client.post(url, {**form, "roles": ["first_responder", "support_provider", "prime_contractor"]})
    assert response.status_code == 302
    charity.refresh_from_db()
    assert charity.holds(OrgRole.PRIME_CONTRACTOR)
    assert Organisation.pgh_event_model.objects.filter(pgh_obj_id=charity.pk, pgh_label="update").latest(
        "pgh_id").roles == ["first_responder", "prime_contractor", "support_provider"]


def test_a_first_responder_of_a_supporting_charity_sees_its_referrals_and_not_the_people_it_supports(world):
    referrer = world["referrer"]
    assert may_make_referrals(referrer)
    visible = set(referrals_visible_to(referrer))
    assert {world["referred"], world["draft"]} <= visible and world["supported"] not in visible
    assert not people_supported_by(referrer).exists()
    with pytest.raises(PermissionDenied, match="Only the provider supporting the person now"):
        care_entry_add(support_case=world["support_case"], kind="contact", text="Called.", by=referrer)
    client = sign_in(Client(), referrer)
    assert client.get(reverse("referrals:detail", args=[world["supported"].pk])).status_code == 404
    assert client.get(reverse("victim_care:case", args=[world["support_case"].pk])).status_code == 404


def test_a_support_worker_of_a_referring_charity_sees_the_people_it_supports_and_not_its_referrals(world):
    worker = world["worker"]
    assert not may_make_referrals(worker)
    visible = set(referrals_visible_to(worker))
    assert world["supported"] in visible
    assert world["referred"] not in visible and world["draft"] not in visible
    assert list(people_supported_by(worker)) == [world["support_case"]]
    care_entry_add(support_case=world["support_case"], kind="contact", text="Called.", by=worker)
    client = sign_in(Client(), worker)
    assert client.get(reverse("referrals:detail", args=[world["referred"].pk])).status_code == 404
    assert client.get(reverse("referrals:detail", args=[world["draft"].pk])).status_code == 404
    assert client.get(reverse("referrals:section", args=[world["draft"].pk, "first-responder"])).status_code == 404


def test_only_a_user_who_holds_both_roles_sees_both_scopes(world, charity):
    both = UserFactory(organisation=charity, roles=[Role.FIRST_RESPONDER, Role.SUPPORT_WORKER])
    visible = set(referrals_visible_to(both))
    assert {world["referred"], world["draft"], world["supported"]} <= visible


def test_a_prime_contractor_that_also_refers_keeps_its_case_managers_out_of_its_referrals(world):
    prime = world["case_manager"].organisation
    referrer = UserFactory(organisation=prime, roles=[Role.FIRST_RESPONDER])
    own = referral_submit(referral=completed_draft(referrer), by=referrer)
    assert own in referrals_visible_to(referrer)
    assert own not in referrals_visible_to(world["case_manager"])
    assert not may_make_referrals(world["case_manager"])


@pytest.mark.django_db(transaction=True)
def test_the_migration_makes_each_kind_the_one_role_its_organisation_holds_history_included():
    """organisations 0002: each organisation's kind becomes its one role, in the table and in the append-only
    history alike (rewritten in place, so no history row is lost or added)."""
    executor = MigrationExecutor(connection)
    executor.migrate([("organisations", "0001_initial")])
    try:
        with connection.cursor() as cursor:
            cursor.execute("""INSERT INTO organisations_organisation
                              (name, kind, first_responder_type, inbox_email, is_active, created_at)
                              VALUES ('Old Police', 'first_responder', 'police', '', true, now()),
                                     ('Old Provider', 'support_provider', '', '', true, now())""")
            cursor.execute("UPDATE organisations_organisation SET is_active = false WHERE name = 'Old Provider'")
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert Organisation.objects.get(name="Old Police").roles == ["first_responder"]
    assert Organisation.objects.get(name="Old Provider").roles == ["support_provider"]
    history = list(Organisation.pgh_event_model.objects.filter(name="Old Provider").order_by("pgh_id")
                   .values_list("pgh_label", "roles", "is_active"))
    assert history == [("insert", ["support_provider"], True), ("update", ["support_provider"], False)]


def test_a_guardian_works_only_for_a_guardian_service_and_only_where_the_era_has_guardians(settings):
    """The guardian's user role needs the child guardian service's organisation role, and the era's setting:
    with guardians off it is refused even in an organisation that already holds the role."""
    settings.NRM_CHILD_GUARDIANS_ENABLED = True
    service = Organisation.objects.create(name="Guardian service", roles=[OrgRole.CHILD_GUARDIAN])
    council = Organisation.objects.create(name="Testshire children's services", roles=[OrgRole.LOCAL_AUTHORITY])
    with pytest.raises(RoleNotAllowedForOrganisation,
                       match="Independent child trafficking guardian cannot belong to Testshire children's services: "
                             "it is not an independent child trafficking guardian service"):
        user_create(email="g1@example.test", full_name="Wrong Place", organisation=council,
                    roles=[Role.CHILD_GUARDIAN], password=None)
    guardian = user_create(email="g2@example.test", full_name="Gina Guardian", organisation=service,
                           roles=[Role.CHILD_GUARDIAN], password=None)
    assert guardian.roles == {Role.CHILD_GUARDIAN}
    assert Role.CHILD_GUARDIAN in roles_enabled()

    settings.NRM_CHILD_GUARDIANS_ENABLED = False
    assert Role.CHILD_GUARDIAN not in roles_enabled()
    with pytest.raises(RoleNotAllowedForOrganisation, match="this deployment has no independent child trafficking "
                                                            "guardian service"):
        user_create(email="g3@example.test", full_name="Too Early", organisation=service,
                    roles=[Role.CHILD_GUARDIAN], password=None)
    assert not User.objects.filter(email__in=["g1@example.test", "g3@example.test"]).exists()


def test_the_admin_offers_the_guardian_role_only_where_the_era_has_guardians(administrator, settings):
    client = sign_in(Client(), administrator)
    settings.NRM_CHILD_GUARDIANS_ENABLED = False
    assert "Independent child trafficking guardian" not in client.get("/admin/organisations/user/add/").content.decode()
    settings.NRM_CHILD_GUARDIANS_ENABLED = True
    assert "Independent child trafficking guardian" in client.get("/admin/organisations/user/add/").content.decode()
