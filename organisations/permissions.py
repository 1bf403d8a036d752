"""Who may act on other people's accounts."""

from __future__ import annotations

from organisations.models import Role, User

# Roles whose grant needs a second administrator: those that read personal records, and the administrator
# role itself (which grants the others). A monitor sees statistics only.
APPROVAL_ROLES = frozenset(Role) - {Role.MONITOR}

# Managers look after the people of their own organisation (a team's lockout, for instance).
MANAGER_ROLES = (Role.CA_MANAGER, Role.PC_CASE_MANAGER)


def is_manager(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.organisation_id is not None and user.has_role(
        *MANAGER_ROLES)


def may_end_lockout(*, by: User, user: User) -> bool:
    """An administrator for anyone else; a manager for the non-administrators of their own organisation.
    Never oneself: a lockout is ended by a second person, who can tell the real user from an attacker."""
    if not by.is_active or by.pk == user.pk:
        return False
    if by.has_role(Role.ADMINISTRATOR):
        return True
    return (
        by.has_role(*MANAGER_ROLES) and by.organisation_id is not None
        and by.organisation_id == user.organisation_id and not user.has_role(Role.ADMINISTRATOR)
    )


def may_change_access(*, by: User, user: User) -> bool:
    """Administrators change other people's roles and organisation, never their own."""
    return by.is_active and by.has_role(Role.ADMINISTRATOR) and by.pk != user.pk


def may_decide_role_grant(*, by: User, grant) -> bool:
    """A second administrator: not the one who asked, and not the person it is for."""
    return (
        by.is_active and by.has_role(Role.ADMINISTRATOR)
        and by.pk not in (grant.requested_by_id, grant.user_id)
    )
