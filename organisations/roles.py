"""Roles: which organisation kinds may hold each, and the Django permissions each group carries.

Groups are named by the role's label and kept in step with this module after every
migrate (see apps.py), so the table here is the single source of truth. Later apps add
their model permissions to ROLE_PERMISSIONS as they arrive.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from organisations.models import OrganisationKind, Role

ROLE_ORGANISATION_KINDS: dict[Role, frozenset[OrganisationKind]] = {
    Role.FIRST_RESPONDER: frozenset({OrganisationKind.FIRST_RESPONDER}),
    Role.DECISION_MAKER: frozenset({OrganisationKind.COMPETENT_AUTHORITY}),
    Role.SECOND_REVIEWER: frozenset({OrganisationKind.COMPETENT_AUTHORITY}),
    Role.CA_MANAGER: frozenset({OrganisationKind.COMPETENT_AUTHORITY}),
    Role.QUALITY_AUDITOR: frozenset({OrganisationKind.COMPETENT_AUTHORITY, OrganisationKind.MONITOR}),
    Role.PC_CASE_MANAGER: frozenset({OrganisationKind.PRIME_CONTRACTOR}),
    Role.SUPPORT_WORKER: frozenset({OrganisationKind.SUPPORT_PROVIDER}),
    Role.MONITOR: frozenset({OrganisationKind.MONITOR}),
    Role.LA_SAFEGUARDING_LEAD: frozenset({OrganisationKind.LOCAL_AUTHORITY}),
    Role.ADMINISTRATOR: frozenset(OrganisationKind),
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


def role_may_belong_to(role: Role, kind: str) -> bool:
    return kind in ROLE_ORGANISATION_KINDS[role]


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
