"""The words of each reminder. They name the NRM reference and a date, never the person: an
email or notification can be read over a shoulder or forwarded."""

from __future__ import annotations

from django.conf import settings

from reminders.models import Reminder, ReminderRule

R = ReminderRule

_TEXT: dict[str, str] = {
    R.RG_DUE: "The Reasonable Grounds decision on {reference} is due on {due}.",
    R.RG_OVERDUE: "The Reasonable Grounds decision on {reference} is overdue.",
    R.REVIEW_WAITING: "A decision on {reference} has been waiting for a second review for more than "
                      "{review_days} working days.",
    R.RECOVERY_ENDING: "The minimum recovery period for {reference} runs until {due}: a Conclusive Grounds decision "
                       "can be made after that. Removal stays suspended and support continues until it is served.",
    R.RECOVERY_LAST_DAY: "Today, {due}, is the last day of the minimum recovery period for {reference}: a "
                         "Conclusive Grounds decision can be made from tomorrow.",
    R.CG_OVERDUE: "The minimum recovery period for {reference} ended on {due}: a Conclusive Grounds decision can "
                  "now be made.",
    R.MOVE_ON_ENDING: "The move-on period for {reference} ends on {due}. Support ends then.",
    R.MOVE_ON_LAST_DAY: "The move-on period for {reference} ends today, {due}. Support ends today.",
    R.TURNING_18: "The child in case {reference} turns 18 on {due}: plan the move to adult support.",
    R.RECONSIDERATION_CLOSING: "A reconsideration of the negative decision on {reference} must be asked for "
                               "by {due}.",
    R.CARE_PLAN_REVIEW_DUE: "The care plan for {reference} is due for review on {due}.",
    R.CONTACT_OVERDUE: "No contact with {reference} has been recorded for {contact_days} days.",
    R.AWAITING_ALLOCATION: "{reference} has been waiting for a support provider for more than "
                           "{allocation_hours} hours.",
    R.DRAFT_EXPIRING: "A draft referral you started has not been changed for {warning_days} days. "
                      "It will be deleted on {due} unless you continue it.",
    R.DRAFT_DELETED: "A draft referral you started was deleted on {due} because it had not been changed "
                     "for {expiry_days} days.",
    R.LETTER_UNSENT: "The decision letter for {reference} has not been recorded as sent {letter_days} working "
                     "days after the decision was served.",
    R.CASE_ALLOCATED: "{reference} has been allocated to you.",
    R.DECISION_AWAITING_REVIEW: "A decision on {reference} is waiting for a second review.",
    R.DECISION_RETURNED: "Your decision on {reference} has been returned to you with comments.",
    R.DECISION_SERVED: "A decision on {reference} has been served.",
    R.INFORMATION_REQUESTED: "The competent authority has asked for more information about {reference}.",
    R.INFORMATION_ANSWERED: "The first responder has answered the request for information about {reference}.",
    R.RECONSIDERATION_REQUESTED: "Reconsideration of the negative decision on {reference} has been asked for.",
    R.SUPPORT_CASE_OPENED: "{reference} has been referred for support and is waiting for a provider.",
    R.SUPPORT_ALLOCATED: "{reference} has been allocated to your organisation for support.",
    R.SUPPORT_MOVED_AWAY: "{reference} is no longer supported by your organisation. You keep the care record "
                          "entries you wrote.",
}


def reminder_text(reminder: Reminder) -> str:
    return _TEXT[reminder.rule].format(
        reference=reminder.reference or "a referral", due=f"{reminder.due_on:%-d %B %Y}",
        review_days=settings.NRM_REVIEW_WAITING_WORKING_DAYS, contact_days=settings.NRM_CONTACT_INTERVAL_DAYS,
        allocation_hours=settings.NRM_AWAITING_ALLOCATION_HOURS, warning_days=settings.NRM_DRAFT_WARNING_DAYS,
        expiry_days=settings.NRM_DRAFT_EXPIRY_DAYS, letter_days=settings.NRM_LETTER_DISPATCH_WORKING_DAYS,
    )


def reminder_email_context(reminder: Reminder) -> dict[str, str]:
    """What templates/email/reminder.txt says: the reminder's words and a link to sign in."""
    return {"rule": reminder.get_rule_display(), "reference": reminder.reference, "text": reminder_text(reminder),
            "link": reminder.link}
