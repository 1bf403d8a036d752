"""What a guardian sees first on their home page: the children their guardian service is assigned to."""

from __future__ import annotations

from django.urls import reverse

from core.home_panels import Panel, PanelItem
from organisations.models import Role
from referrals.permissions import guardians_enabled
from referrals.selectors import children_of_guardian_service

HOME_PANEL_SIZE = 10


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
