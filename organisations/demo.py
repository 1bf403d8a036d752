"""The demo organisations and one account per role (README lists them). Demo only."""

from __future__ import annotations

from django.conf import settings

from organisations.models import FirstResponderType as FRT
from organisations.models import Organisation, Role, User
from organisations.models import OrgRole as R
from organisations.services import user_create

DEMO_ORGANISATIONS: list[tuple[str, tuple[R, ...], str, str]] = [
    # name, the roles it holds, first responder type, team inbox
    ("Metropolitan Police Service", (R.FIRST_RESPONDER,), FRT.POLICE, "referrals@met.demo.nrm.test"),
    ("Barnardo's", (R.FIRST_RESPONDER,), FRT.NGO, "referrals@barnardos.demo.nrm.test"),
    ("Hillingdon Council", (R.FIRST_RESPONDER,), FRT.LOCAL_AUTHORITY, "referrals@hillingdon.demo.nrm.test"),
    ("UK Human Trafficking Centre", (R.COMPETENT_AUTHORITY,), "", "casework@ukhtc.demo.nrm.test"),
    ("UK Border Agency", (R.COMPETENT_AUTHORITY,), "", "casework@ukba.demo.nrm.test"),
    # The Salvation Army runs the victim care contract and refers people as a first responder.
    ("The Salvation Army", (R.FIRST_RESPONDER, R.PRIME_CONTRACTOR), FRT.NGO,
     "victimcare@salvationarmy.demo.nrm.test"),
    # Medaille Trust is a charity that both refers people and supports them.
    ("Medaille Trust", (R.FIRST_RESPONDER, R.SUPPORT_PROVIDER), FRT.NGO, "referrals@medaille.demo.nrm.test"),
    ("Hestia", (R.SUPPORT_PROVIDER,), "", "referrals@hestia.demo.nrm.test"),
    ("Home Office", (R.MONITOR,), "", "nrm-monitoring@homeoffice.demo.nrm.test"),
    ("Ministry of Justice", (R.MONITOR,), "", "nrm-monitoring@justice.demo.nrm.test"),
    ("Hillingdon Council children's services", (R.LOCAL_AUTHORITY,), "", "mash@hillingdon.demo.nrm.test"),
]

DEMO_ACCOUNTS: list[tuple[str, str, str, Role]] = [
    # email, full name, organisation, role
    ("fr.police@demo.nrm.test", "Priya Shah", "Metropolitan Police Service", Role.FIRST_RESPONDER),
    ("fr.ngo@demo.nrm.test", "Tom Evans", "Barnardo's", Role.FIRST_RESPONDER),
    ("fr.la@demo.nrm.test", "Grace Okafor", "Hillingdon Council", Role.FIRST_RESPONDER),
    ("ca.decider@demo.nrm.test", "Daniel Hughes", "UK Human Trafficking Centre", Role.DECISION_MAKER),
    ("ca.reviewer@demo.nrm.test", "Aisha Rahman", "UK Human Trafficking Centre", Role.SECOND_REVIEWER),
    ("ca.manager@demo.nrm.test", "Helen Clarke", "UK Human Trafficking Centre", Role.CA_MANAGER),
    ("ukba.decider@demo.nrm.test", "Mark Wilson", "UK Border Agency", Role.DECISION_MAKER),
    ("ukba.reviewer@demo.nrm.test", "Sofia Costa", "UK Border Agency", Role.SECOND_REVIEWER),
    ("ukba.manager@demo.nrm.test", "Kwame Mensah", "UK Border Agency", Role.CA_MANAGER),
    ("qa.auditor@demo.nrm.test", "Ruth Bennett", "UK Human Trafficking Centre", Role.QUALITY_AUDITOR),
    ("sa.manager@demo.nrm.test", "James Morgan", "The Salvation Army", Role.PC_CASE_MANAGER),
    ("fr.salvationarmy@demo.nrm.test", "Esther Boateng", "The Salvation Army", Role.FIRST_RESPONDER),
    ("sp.medaille@demo.nrm.test", "Claire Dunne", "Medaille Trust", Role.SUPPORT_WORKER),
    ("fr.medaille@demo.nrm.test", "Liam Doyle", "Medaille Trust", Role.FIRST_RESPONDER),
    ("sp.hestia@demo.nrm.test", "Olu Adebayo", "Hestia", Role.SUPPORT_WORKER),
    ("ho.monitor@demo.nrm.test", "Sarah Lee", "Home Office", Role.MONITOR),
    ("moj.monitor@demo.nrm.test", "Peter Walsh", "Ministry of Justice", Role.MONITOR),
    ("la.social@demo.nrm.test", "Nadia Begum", "Hillingdon Council children's services", Role.LA_SAFEGUARDING_LEAD),
    ("admin@demo.nrm.test", "Alex Turner", "Home Office", Role.ADMINISTRATOR),
]

# Only where the era has Independent Child Trafficking Guardians (settings.NRM_CHILD_GUARDIANS_ENABLED, as
# NRM_ERA=today has): the guardian service, run for the Home Office by Barnardo's, and one of its guardians.
GUARDIAN_SERVICE = "Barnardo's Independent Child Trafficking Guardian Service"
GUARDIAN_ORGANISATIONS: list[tuple[str, tuple[R, ...], str, str]] = [
    (GUARDIAN_SERVICE, (R.CHILD_GUARDIAN,), "", "ictg@barnardos.demo.nrm.test"),
]
GUARDIAN_ACCOUNTS: list[tuple[str, str, str, Role]] = [
    ("ictg.guardian@demo.nrm.test", "Hannah Price", GUARDIAN_SERVICE, Role.CHILD_GUARDIAN),
]


def demo_organisations() -> list[tuple[str, tuple[R, ...], str, str]]:
    """The demo organisations this deployment can have: the guardian service only where the era has one."""
    return DEMO_ORGANISATIONS + (GUARDIAN_ORGANISATIONS if settings.NRM_CHILD_GUARDIANS_ENABLED else [])


def demo_accounts() -> list[tuple[str, str, str, Role]]:
    return DEMO_ACCOUNTS + (GUARDIAN_ACCOUNTS if settings.NRM_CHILD_GUARDIANS_ENABLED else [])


def seed_organisations_and_accounts() -> tuple[int, int]:
    """Create what is missing; return how many organisations and accounts were created."""

    organisations = {}
    created_organisations = 0
    for name, roles, first_responder_type, inbox in demo_organisations():
        organisation, created = Organisation.objects.get_or_create(
            name=name, defaults={"roles": sorted(roles), "first_responder_type": first_responder_type,
                                 "inbox_email": inbox},
        )
        if not created and not set(roles) <= set(organisation.roles):  # a demo seeded before it held them all
            organisation.roles = sorted(set(organisation.roles) | set(roles))
            organisation.first_responder_type = organisation.first_responder_type or first_responder_type
            organisation.save(update_fields=["roles", "first_responder_type"])
        organisations[name] = organisation
        created_organisations += created
    created_accounts = 0
    for email, full_name, organisation_name, role in demo_accounts():
        if User.objects.filter(email__iexact=email).exists():
            continue
        user_create(
            email=email, full_name=full_name, organisation=organisations[organisation_name], roles=[role],
            password=settings.DEMO_PASSWORD, totp_secret_base32=settings.DEMO_TOTP_SECRET,
        )
        created_accounts += 1
    return created_organisations, created_accounts
