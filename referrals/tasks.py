"""Referral jobs. Messages carry ids only; emails carry a reference and a link, nothing about the person."""

from __future__ import annotations

from celery import shared_task
from django.urls import reverse

from core.email import send_templated_email
from core.jobs import ReliableTask, about_referral
from referrals.models import Referral, ReferralKind
from referrals.services import drafts_expire


@shared_task(base=ReliableTask, name="referrals.tasks.send_submission_notice")
def send_submission_notice(referral_id: str) -> int:
    """Tell the competent authority's inbox, and for a child the local authority's, that a referral arrived.
    A mail server that is away is retried with backoff; a notice that never goes shows as failed."""
    about_referral(referral_id)
    referral = (
        Referral.objects.select_related("competent_authority", "local_authority")
        .filter(pk=referral_id, kind=ReferralKind.NRM).first()
    )
    if referral is None or referral.reference is None:
        return 0
    recipients = [org.inbox_email for org in (referral.competent_authority, referral.local_authority)
                  if org is not None]
    return send_templated_email("referral_submitted", {
        "reference": referral.reference, "link": reverse("referrals:detail", args=[referral.pk])}, recipients)


@shared_task(name="referrals.tasks.expire_drafts")
def expire_drafts() -> dict[str, int]:
    return {"deleted": drafts_expire()}
