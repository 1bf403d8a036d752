"""The organisations and users the synthetic rows point at: the first responders of the published
shares and every police force, both competent authorities, the prime contractor and two support
providers per region (with tariffs), each with a handful of users. Made once, found again on the next
run; the users have no usable password, so nobody signs in as them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.utils.text import slugify

from bench.national_data.shares import PersonProfile, cum_weights
from organisations.models import FirstResponderType, Organisation, OrgRole, Role, User
from organisations.roles import group_for
from referrals.models import Nation
from referrals.reference_data import UK_POLICE_FORCES
from victim_care.models import ProviderProfile, Region, Service, SupportType, Tariff
from victim_care.services import provider_group

POLICE_FORCE_WEIGHTS = {"Metropolitan Police Service": 5.0, "Greater Manchester Police": 2.0,
                        "West Midlands Police": 2.0, "West Yorkshire Police": 2.0, "Police Scotland": 1.5}
FORCE_NATIONS = {"Police Scotland": Nation.SCOTLAND, "Police Service of Northern Ireland": Nation.NORTHERN_IRELAND,
                 "Dyfed-Powys Police": Nation.WALES, "Gwent Police": Nation.WALES, "North Wales Police": Nation.WALES,
                 "South Wales Police": Nation.WALES, "BAWSO": Nation.WALES}
NATION_WEIGHTS = {Nation.ENGLAND: 0.9, Nation.SCOTLAND: 0.045, Nation.WALES: 0.04, Nation.NORTHERN_IRELAND: 0.015}

USERS_PER_ROLE = {Role.FIRST_RESPONDER: 3, Role.DECISION_MAKER: 12, Role.SECOND_REVIEWER: 4, Role.CA_MANAGER: 1,
                  Role.PC_CASE_MANAGER: 3, Role.SUPPORT_WORKER: 3}
PRIME_CONTRACTOR = "Modern Slavery Victim Care Contract"
PROVIDER_KINDS = (("Recovery Trust", SupportType.ACCOMMODATION), ("Outreach Network", SupportType.OUTREACH))
EMAIL_DOMAIN = "national-data.nrm.test"


@dataclass(frozen=True)
class Responder:
    organisation_id: str
    user_ids: tuple[str, ...]
    nation_cum_weights: tuple[tuple[str, ...], tuple[float, ...]]


@dataclass(frozen=True)
class Authority:
    organisation_id: str
    decision_maker_ids: tuple[str, ...]
    reviewer_ids: tuple[str, ...]


@dataclass(frozen=True)
class Provider:
    organisation_id: str
    group_id: str
    region: str
    support_type: str
    worker_ids: tuple[str, ...]


@dataclass(frozen=True)
class Cast:
    """The organisations and users the generated rows point at (ids as text, ready for COPY)."""

    responders: dict[str, Responder]
    police: tuple[Responder, ...]
    police_cum_weights: tuple[float, ...]
    default_authority: Authority
    immigration_authority: Authority
    case_manager_ids: tuple[str, ...]
    providers: tuple[Provider, ...]
    decide_permission_id: str
    support_permission_id: str


def _organisation(name: str, org_role: str, first_responder_type: str = "") -> Organisation:
    """The organisation of that name, made if missing; one that exists in another role also takes this one
    (the demo's Medaille Trust supports people and refers them as a first responder)."""
    organisation = Organisation.objects.filter(name__iexact=name).first()
    if organisation is None:
        return Organisation.objects.create(
            name=name, roles=[org_role], first_responder_type=first_responder_type,
            inbox_email=f"{slugify(name)[:60]}@{EMAIL_DOMAIN}")
    if not organisation.holds(org_role):
        organisation.roles = sorted({*organisation.roles, org_role})
        if org_role == OrgRole.FIRST_RESPONDER:
            organisation.first_responder_type = first_responder_type
        organisation.save(update_fields=["roles", "first_responder_type"])
    return organisation


def _users(wanted: list[tuple[Organisation, Role, int]]) -> dict[tuple[int, Role], list[User]]:
    """`count` users with each role in each organisation, made if missing, in a few queries. They have
    no usable password: nobody signs in as them."""
    specs = {}
    for organisation, role, count in wanted:
        for n in range(1, count + 1):
            email = f"{slugify(organisation.name)[:60]}.{role.value.replace('_', '-')}{n:02d}@{EMAIL_DOMAIN}"
            specs[email] = (organisation, role, n)
    existing = {user.email: user for user in User.objects.filter(email__in=specs)}
    missing = [User(email=email, full_name=f"{role.label} {n}", organisation=organisation,
                    password=make_password(None))
               for email, (organisation, role, n) in specs.items() if email not in existing]
    for user in User.objects.bulk_create(missing):
        existing[user.email] = user
    memberships = []
    by_role: dict[tuple[int, Role], list[User]] = {}
    for email, (organisation, role, _n) in specs.items():
        user = existing[email]
        by_role.setdefault((organisation.pk, role), []).append(user)
        memberships.append(User.groups.through(user_id=user.pk, group_id=group_for(role).pk))
        if role == Role.SUPPORT_WORKER:
            memberships.append(User.groups.through(user_id=user.pk, group_id=provider_group(organisation).pk))
    User.groups.through.objects.bulk_create(memberships, ignore_conflicts=True)
    return by_role



def _nation_weights(name: str) -> tuple[tuple[str, ...], tuple[float, ...]]:
    if name in FORCE_NATIONS:
        return (FORCE_NATIONS[name],), (1.0,)
    if name in UK_POLICE_FORCES:
        return (Nation.ENGLAND,), (1.0,)
    return tuple(NATION_WEIGHTS), cum_weights(NATION_WEIGHTS.values())


def ensure_cast(profiles: list[PersonProfile], tariffs_from: datetime.date) -> Cast:
    """Organisations (first responders from the shares and police forces, both competent authorities,
    one prime contractor, twenty support providers with tariffs) and a handful of users in each."""
    responder_organisations = {}
    for profile in sorted({(p.responder_name, p.responder_type) for p in profiles}):
        responder_organisations[profile[0]] = _organisation(profile[0], OrgRole.FIRST_RESPONDER, profile[1])
    forces = {force: _organisation(force, OrgRole.FIRST_RESPONDER, FirstResponderType.POLICE)
              for force in UK_POLICE_FORCES}
    authorities = {name: _organisation(name, OrgRole.COMPETENT_AUTHORITY)
                   for name in (settings.NRM_DEFAULT_COMPETENT_AUTHORITY, settings.NRM_IMMIGRATION_COMPETENT_AUTHORITY)}
    prime = _organisation(PRIME_CONTRACTOR, OrgRole.PRIME_CONTRACTOR)
    providers = []
    for index, (region, label) in enumerate(Region.choices):
        for offset, (suffix, support_type) in enumerate(PROVIDER_KINDS):
            provider = _organisation(f"{label} {suffix}", OrgRole.SUPPORT_PROVIDER)
            services = ([Service.ACCOMMODATION, Service.COUNSELLING, Service.INTERPRETING]
                        if support_type == SupportType.ACCOMMODATION else [Service.COUNSELLING, Service.LEGAL])
            ProviderProfile.objects.get_or_create(organisation=provider, defaults={
                "regions": [region], "services": services,
                "women_only_beds": 10 + index, "men_only_beds": 8 + index, "family_beds": 2})
            for rate_type, base in ((SupportType.ACCOMMODATION, 6_000), (SupportType.OUTREACH, 2_000)):
                Tariff.objects.get_or_create(provider=provider, support_type=rate_type, valid_from=tariffs_from,
                                             defaults={"daily_rate_pence": base + 50 * (2 * index + offset)})
            providers.append((provider, region, support_type))

    wanted = [(organisation, Role.FIRST_RESPONDER, USERS_PER_ROLE[Role.FIRST_RESPONDER])
              for organisation in [*responder_organisations.values(), *forces.values()]]
    for authority in authorities.values():
        wanted += [(authority, role, USERS_PER_ROLE[role])
                   for role in (Role.DECISION_MAKER, Role.SECOND_REVIEWER, Role.CA_MANAGER)]
    wanted.append((prime, Role.PC_CASE_MANAGER, USERS_PER_ROLE[Role.PC_CASE_MANAGER]))
    wanted += [(provider, Role.SUPPORT_WORKER, USERS_PER_ROLE[Role.SUPPORT_WORKER]) for provider, _, _ in providers]
    users = _users(wanted)

    def ids(organisation: Organisation, role: Role) -> tuple[str, ...]:
        return tuple(str(user.pk) for user in users[(organisation.pk, role)])

    def responder(name: str, organisation: Organisation) -> Responder:
        return Responder(str(organisation.pk), ids(organisation, Role.FIRST_RESPONDER), _nation_weights(name))

    def authority(name: str) -> Authority:
        organisation = authorities[name]
        return Authority(str(organisation.pk), ids(organisation, Role.DECISION_MAKER),
                         ids(organisation, Role.SECOND_REVIEWER))

    def permission(codename: str) -> str:
        return str(Permission.objects.get(content_type__app_label="referrals", codename=codename).pk)

    return Cast(
        responders={name: responder(name, organisation) for name, organisation in responder_organisations.items()},
        police=tuple(responder(name, organisation) for name, organisation in forces.items()),
        police_cum_weights=cum_weights(POLICE_FORCE_WEIGHTS.get(name, 1.0) for name in forces),
        default_authority=authority(settings.NRM_DEFAULT_COMPETENT_AUTHORITY),
        immigration_authority=authority(settings.NRM_IMMIGRATION_COMPETENT_AUTHORITY),
        case_manager_ids=ids(prime, Role.PC_CASE_MANAGER),
        providers=tuple(Provider(str(provider.pk), str(provider_group(provider).pk), region, support_type,
                                 ids(provider, Role.SUPPORT_WORKER)) for provider, region, support_type in providers),
        decide_permission_id=permission("decide_referral"),
        support_permission_id=permission("support_referral"),
    )
