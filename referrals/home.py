"""What first responders and guardians see first on their home page: for a first responder, the way to
start a referral, the competent authority's questions waiting for their organisation's answer and the
drafts that will be deleted; for a guardian, the children their guardian service is assigned to."""

from __future__ import annotations

from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone

from core.home_panels import Panel, PanelItem
from organisations.models import Role
from referrals.permissions import guardians_enabled, may_make_referrals
from referrals.selectors import children_of_guardian_service, first_responder_work

HOME_PANEL_SIZE = 10


def first_responder_panels(user) -> list[Panel]:
    """Answering a request is what keeps a case moving: a decision waits on it, so requests come first."""
    if not may_make_referrals(user):
        return []
    work = first_responder_work(user, limit=HOME_PANEL_SIZE)
    items = [PanelItem(f"{request.referral.reference}: more information requested",
                       reverse("referrals:answer-request", args=[request.referral_id, request.pk]),
                       f"Asked on {timezone.localtime(request.requested_at):%-d %B %Y}; the decision may wait for "
                       "your answer")
             for request in work.open_requests]
    if work.more_open_requests:
        items.append(PanelItem("More requests are open: see your organisation's referrals", reverse("referrals:list")))
    if work.drafts:
        items.append(PanelItem(
            f"{work.drafts} draft referral{pluralize(work.drafts)} not yet submitted", reverse("referrals:list"),
            f"The oldest is deleted after {work.first_draft_deleted_after:%-d %B %Y} unless someone saves it"))
    items.append(PanelItem("Start a new referral", reverse("referrals:start"),
                           "Refer a potential victim to the National Referral Mechanism, or make a Duty to Notify "
                           "record"))
    return [Panel("Your organisation's referrals", items)]


def guardian_panels(user) -> list[Panel]:
    """The newest assignments first (logged as listed, like the full list), with a link to them all."""
    if not (user.has_role(Role.CHILD_GUARDIAN) and guardians_enabled()):
        return []
    items = []
    for assignment in children_of_guardian_service(user, limit=HOME_PANEL_SIZE):
        referral = assignment.referral
        named = assignment.guardian.full_name if assignment.guardian else "guardian not named yet"
        items.append(PanelItem(referral.reference, reverse("referrals:detail", args=[referral.pk]),
                               f"{referral.local_authority.name if referral.local_authority else 'No local authority'}"
                               f"; {named}; assigned {assignment.assigned_at:%-d %B %Y}"))
    if len(items) == HOME_PANEL_SIZE:
        items.append(PanelItem("See all the children you are guardian to", reverse("referrals:list")))
    return [Panel("Children assigned to your guardian service", items,
                  "Your guardian service is not assigned to any child now.")]
