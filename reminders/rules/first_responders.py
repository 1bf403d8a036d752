"""Reminders for the first responder who referred: the reconsideration window closing after a negative
decision, and a draft referral about to be deleted."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.conf import settings
from django.db.models import F
from django.urls import reverse

from core import working_days
from decisions.models import CaseFile
from organisations.models import Role
from referrals.models import Referral, ReferralStatus
from reminders.models import ReminderRule
from reminders.rules.planning import CASE_VALUES, Audience, Planned, Window, morning_of, narrowed, to_each

NEGATIVE_SERVED = (ReferralStatus.RG_NEGATIVE, ReferralStatus.CG_NEGATIVE)


def plan_reconsideration_closing(window: Window, audience: Audience, referral_ids=None) -> Iterator[Planned]:
    """5 days before the window to ask for reconsideration closes: the first responder who referred
    (their organisation's first responders if that account has been closed)."""
    lead = datetime.timedelta(days=settings.NRM_RECONSIDERATION_CLOSING_LEAD_DAYS)
    cases = narrowed(CaseFile.objects.filter(
        referral__status__in=NEGATIVE_SERVED, reconsideration_due_by__gte=window.catch_up_from,
        reconsideration_due_by__lte=window.last_day + lead), "referral_id", referral_ids).values(
        "referral_id", "reconsideration_due_by", author_id=F("referral__created_by_id"),
        referrer_id=F("referral__first_responder_organisation_id"), **CASE_VALUES)
    for case in cases:
        due_by = case["reconsideration_due_by"]
        send_at = morning_of(due_by - lead)
        if not window.covers(send_at):
            continue
        recipients = ([case["author_id"]] if case["author_id"] in audience.active_users
                      else audience.members(Role.FIRST_RESPONDER, case["referrer_id"]))
        yield from to_each(ReminderRule.RECONSIDERATION_CLOSING, case, due_by, send_at, recipients,
                           reverse("referrals:detail", args=[case["referral_id"]]))


def plan_draft_expiring(window: Window, audience: Audience, referral_ids=None) -> Iterator[Planned]:
    """A draft untouched for NRM_DRAFT_WARNING_DAYS: its author, before it is deleted at NRM_DRAFT_EXPIRY_DAYS."""
    warn_after = datetime.timedelta(days=settings.NRM_DRAFT_WARNING_DAYS)
    delete_after = datetime.timedelta(days=settings.NRM_DRAFT_EXPIRY_DAYS)
    drafts = narrowed(Referral.objects.filter(status=ReferralStatus.DRAFT, updated_at__lte=window.until - warn_after,
                                              updated_at__gt=window.now - delete_after), "pk", referral_ids)
    for draft in drafts.values("created_by_id", "updated_at", "reference", referral_id=F("pk")):
        if draft["created_by_id"] in audience.active_users:
            deleted_on = working_days.local_date(draft["updated_at"] + delete_after)
            yield from to_each(ReminderRule.DRAFT_EXPIRING, draft, deleted_on,
                               draft["updated_at"] + warn_after, [draft["created_by_id"]],
                               reverse("referrals:task-list", args=[draft["referral_id"]]))
