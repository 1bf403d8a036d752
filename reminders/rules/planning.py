"""What every reminder rule plans with: the planning window, a planned reminder, who holds which role where,
and the helpers that turn a record's row into one reminder per recipient."""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from core import working_days
from organisations.models import Organisation, OrgRole, Role, User
from reminders.models import ReminderRule

Key = tuple[str, str, datetime.date, int]  # a reminder's unique key: rule, record, due date, recipient


@dataclass(frozen=True)
class Planned:
    """A reminder a rule calls for: inserted as a Reminder row unless its key is there already."""

    rule: str
    referral_id: uuid.UUID
    reference: str
    link: str
    competent_authority_id: int | None
    due_on: datetime.date
    recipient_id: int
    send_at: datetime.datetime

    @property
    def key(self) -> Key:
        return (self.rule, str(self.referral_id), self.due_on, self.recipient_id)


@dataclass(frozen=True)
class Window:
    """Plan what falls due up to `until`; repeats missed during an outage go back to `catch_up_from`."""

    now: datetime.datetime
    until: datetime.datetime

    @classmethod
    def starting(cls, now: datetime.datetime) -> Window:
        return cls(now=now, until=now + datetime.timedelta(hours=settings.NRM_REMINDER_PLAN_AHEAD_HOURS))

    @property
    def today(self) -> datetime.date:
        return working_days.local_date(self.now)

    @property
    def last_day(self) -> datetime.date:
        return working_days.local_date(self.until)

    @property
    def catch_up_from(self) -> datetime.date:
        return self.today - datetime.timedelta(days=settings.NRM_REMINDER_CATCH_UP_DAYS)

    def covers(self, send_at: datetime.datetime) -> bool:
        return send_at <= self.until


def morning_of(day: datetime.date) -> datetime.datetime:
    """Reminders about a day go out at the start of the UK working day."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(settings.NRM_REMINDER_SEND_HOUR)))


class Audience:
    """Who holds which role in which organisation, loaded once per planning run (two queries)."""

    @cached_property
    def _members(self) -> dict[tuple[str, int], list[int]]:
        labels = {role.label: role for role in Role}
        members: dict[tuple[str, int], list[int]] = defaultdict(list)
        rows = (User.objects.filter(is_active=True, organisation__isnull=False, groups__name__in=list(labels))
                .values_list("pk", "organisation_id", "groups__name").order_by("pk"))
        for user_id, organisation_id, group in rows:
            members[(labels[group], organisation_id)].append(user_id)
        return members

    @cached_property
    def active_users(self) -> set[int]:
        return set(User.objects.filter(is_active=True).values_list("pk", flat=True))

    @cached_property
    def _prime_contractors(self) -> list[int]:
        return list(Organisation.objects.holding(OrgRole.PRIME_CONTRACTOR).values_list("pk", flat=True))

    def members(self, role: Role, organisation_id: int | None) -> list[int]:
        return list(self._members.get((role, organisation_id), [])) if organisation_id else []

    def case_managers(self) -> list[int]:
        return [user for org in self._prime_contractors for user in self.members(Role.PC_CASE_MANAGER, org)]

    def decision_maker_or_managers(self, allocated_to: int | None, authority_id: int | None) -> list[int]:
        if allocated_to and allocated_to in self.active_users:
            return [allocated_to]
        return self.members(Role.CA_MANAGER, authority_id)


def case_link(referral_id: uuid.UUID) -> str:
    """The case page, for reminders to the competent authority."""
    return reverse("decisions:case", args=[referral_id])


def support_link(support_case_id: int) -> str:
    """The support case page, for reminders to the prime contractor and providers."""
    return reverse("victim_care:case", args=[support_case_id])


def narrowed(queryset, field: str, referral_ids: Collection[uuid.UUID] | None):
    """The queryset narrowed to some referrals' records (re-planning before sending), or all of them."""
    return queryset if referral_ids is None else queryset.filter(**{f"{field}__in": list(referral_ids)})


def to_each(rule: ReminderRule, row: dict, due_on: datetime.date, send_at: datetime.datetime, recipients: list[int],
            link: str) -> Iterator[Planned]:
    """One reminder about a record's row to each recipient, once each."""
    for recipient in dict.fromkeys(recipients):
        yield Planned(rule=rule, referral_id=row["referral_id"], reference=row["reference"] or "", link=link,
                      competent_authority_id=row.get("authority_id"), due_on=due_on, recipient_id=recipient,
                      send_at=send_at)


# What a case file's row needs for a reminder: the referral's reference and its competent authority.
CASE_VALUES = {"reference": F("referral__reference"), "authority_id": F("referral__competent_authority_id")}
