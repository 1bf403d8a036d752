"""Who may act on reminders: a competent authority's managers watch and retry their authority's reminders;
everyone reads their own notifications (selectors scope those to the recipient)."""

from __future__ import annotations

from organisations.models import Role, User
from reminders.models import Reminder


def may_manage_reminders(user: User) -> bool:
    return user.is_authenticated and user.organisation_id is not None and user.has_role(Role.CA_MANAGER)


def may_retry(user: User, reminder: Reminder) -> bool:
    """A manager of the authority whose case the reminder is about."""
    return may_manage_reminders(user) and reminder.competent_authority_id == user.organisation_id
