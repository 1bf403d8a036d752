"""The decision letters: recording that a served decision's letter was sent."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from core import working_days
from core.errors import Conflict, Invalid, NotAllowed
from decisions import permissions
from decisions.models import LetterDispatch
from organisations.models import User


def letter_dispatch_record(*, dispatch: LetterDispatch, sent_on: date, sent_how: str, by: User) -> LetterDispatch:
    """Staff of the competent authority record that a decision letter was sent: on which day, how, by whom."""
    with transaction.atomic():
        locked = LetterDispatch.objects.select_for_update().select_related("decision__case__referral").get(
            pk=dispatch.pk)
        if not permissions.may_send_letters(by, locked.competent_authority_id):
            raise NotAllowed("Only the competent authority's decision makers and managers send decision letters.")
        if locked.recorded_at is not None:
            raise Conflict("This letter has already been recorded as sent.")
        if sent_on > working_days.today() or sent_on < working_days.local_date(locked.decision.served_at):
            raise Invalid("Enter a date between the day the decision was served and today.",
                          fields={"sent_on": ["Enter a date between the day the decision was served and today"]})
        locked.sent_on, locked.sent_how, locked.sent_by, locked.recorded_at = sent_on, sent_how, by, timezone.now()
        locked.save(update_fields=["sent_on", "sent_how", "sent_by", "recorded_at"])
    return locked
