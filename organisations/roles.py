"""Roles: which organisation roles a user's role needs, and the Django permissions each group carries.

Groups are named by the role's label and kept in step with this module after every
migrate (see apps.py), so the table here is the single source of truth. Later apps add
their model permissions to ROLE_PERMISSIONS as they arrive.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from organisations.models import Organisation, OrgRole, Role, org_roles_enabled

# A user may hold a role only in an organisation that holds one of these organisation roles.
ROLE_ORGANISATION_ROLES: dict[Role, frozenset[OrgRole]] = {
    Role.FIRST_RESPONDER: frozenset({OrgRole.FIRST_RESPONDER}),
    Role.DECISION_MAKER: frozenset({OrgRole.COMPETENT_AUTHORITY}),
    Role.SECOND_REVIEWER: frozenset({OrgRole.COMPETENT_AUTHORITY}),
    Role.CA_MANAGER: frozenset({OrgRole.COMPETENT_AUTHORITY}),
    Role.QUALITY_AUDITOR: frozenset({OrgRole.COMPETENT_AUTHORITY, OrgRole.MONITOR}),
    Role.PC_CASE_MANAGER: frozenset({OrgRole.PRIME_CONTRACTOR}),
    Role.SUPPORT_WORKER: frozenset({OrgRole.SUPPORT_PROVIDER}),
    Role.MONITOR: frozenset({OrgRole.MONITOR}),
    Role.LA_SAFEGUARDING_LEAD: frozenset({OrgRole.LOCAL_AUTHORITY}),
    # An Independent Child Trafficking Guardian works for the guardian service (run for the Home Office by
    # Barnardo's), an organisation role that exists only where the era has guardians.
    Role.CHILD_GUARDIAN: frozenset({OrgRole.CHILD_GUARDIAN}),
    Role.ADMINISTRATOR: frozenset(OrgRole),
}

# "app_label.codename" for each role. Object-level rights (a case to its decision maker)
# are django-guardian grants, not listed here.
ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.ADMINISTRATOR: frozenset(
        {
            "organisations.manage_organisations",
            "organisations.view_organisation",
            "organisations.add_organisation",
            "organisations.change_organisation",
            "organisations.view_user",
            "organisations.add_user",
            "organisations.change_user",
            "organisations.view_apitoken",
            "organisations.change_apitoken",
        }
    ),
}


def role_may_belong_to(role: Role, organisation_roles: Organisation | list[str] | frozenset[str]) -> bool:
    """Whether a user may hold `role` in an organisation holding `organisation_roles` (or in `organisation`):
    the organisation must hold one of the organisation roles it needs that this deployment offers, so a
    guardian's role is refused where the era has no child guardian service, whatever the organisation holds."""
    held = organisation_roles.roles if isinstance(organisation_roles, Organisation) else organisation_roles
    offered = set(org_roles_enabled())
    return any(org_role in held and org_role in offered for org_role in ROLE_ORGANISATION_ROLES[role])


def roles_enabled() -> list[Role]:
    """The user roles this deployment offers: those with an organisation role it offers (the guardian's role
    only where settings.NRM_CHILD_GUARDIANS_ENABLED)."""
    offered = set(org_roles_enabled())
    return [role for role in Role if ROLE_ORGANISATION_ROLES[role] & offered]


def role_refusal(role: Role, organisation: Organisation) -> str:
    """Why `role` cannot belong to `organisation`, in words an administrator can act on."""
    if role not in roles_enabled():
        return (f"{role.label} cannot belong to {organisation.name}: this deployment has no independent child "
                "trafficking guardian service (NRM_CHILD_GUARDIANS_ENABLED).")
    needed = " or ".join(sorted(r.label.lower() for r in ROLE_ORGANISATION_ROLES[role]))
    article = "an" if needed[0] in "aeiou" else "a"
    return f"{role.label} cannot belong to {organisation.name}: it is not {article} {needed}."


def roles_refused(roles: list[Role], organisation: Organisation) -> list[Role]:
    """The user roles that `organisation` does not hold the organisation role for."""
    return [role for role in roles if not role_may_belong_to(role, organisation)]


def roles_left_unheld(organisation: Organisation, organisation_roles: list[str]) -> list[str]:
    """The user roles its users hold that `organisation` would no longer hold with `organisation_roles`:
    an organisation keeps every role its people work in."""
    labels = {role.label: role for role in Role}
    in_use = {labels[name] for name in Group.objects.filter(user__organisation=organisation, name__in=labels)
              .values_list("name", flat=True).distinct()}
    return sorted(role.label for role in in_use if not role_may_belong_to(role, organisation_roles))


@transaction.atomic
def sync_role_groups() -> None:
    """Create one group per role and give it exactly the permissions in ROLE_PERMISSIONS."""
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.label)
        wanted = ROLE_PERMISSIONS.get(role, frozenset())
        permissions = []
        for dotted in sorted(wanted):
            app_label, codename = dotted.split(".", 1)
            permissions.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(permissions)


def group_for(role: Role) -> Group:
    return Group.objects.get(name=role.label)
