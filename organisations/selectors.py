"""Reads about people's accounts, for the managers who look after them."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone

from organisations import permissions
from organisations.identity import normalised_email
from organisations.models import User


def locked_colleagues(manager: User) -> list[User]:
    """The people of the manager's organisation whose sign-in is locked now, and whose lockout the manager
    may end: one query for the organisation's people and one for the lockouts, however many there are."""
    if not permissions.is_manager(manager):
        return []
    people = {normalised_email(user.email): user
              for user in User.objects.filter(organisation_id=manager.organisation_id, is_active=True)
              .exclude(pk=manager.pk).prefetch_related("groups")}
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    locked = set(AccessAttempt.objects.filter(username__in=list(people), attempt_time__gte=since,
                                              failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
                 .values_list("username", flat=True))
    return sorted((user for key, user in people.items()
                   if key in locked and permissions.may_end_lockout(by=manager, user=user)),
                  key=lambda user: user.full_name)
