"""Who may act in victim care: the prime contractor's case managers run allocation, rates and
statements; providers act on the people they support (see victim_care.selectors)."""

from __future__ import annotations

from organisations.models import OrgRole, Role, User


def is_case_manager(user: User) -> bool:
    return (user.is_authenticated and user.has_role(Role.PC_CASE_MANAGER) and user.organisation_id is not None
            and user.organisation.holds(OrgRole.PRIME_CONTRACTOR))


def may_write_care_record(user: User, current_provider_id: int | None) -> bool:
    """Only the provider supporting the person now writes to their care record (earlier providers read
    what they wrote; the prime contractor oversees, it does not write care entries)."""
    return (user.is_authenticated and user.has_role(Role.SUPPORT_WORKER) and current_provider_id is not None
            and current_provider_id == user.organisation_id)
