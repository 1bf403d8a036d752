"""What victim care staff see first on their home page: how many people wait for them, with the way to
their lists. Counts only: the people themselves are on the victim care pages, where reads are logged."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from core.home_panels import Panel, PanelItem
from organisations.models import Role, User
from victim_care.permissions import is_case_manager
from victim_care.selectors import manager_figures, people_supported_by


def _people(count: int) -> str:
    return f"{count:,} {'person' if count == 1 else 'people'}"


def victim_care_panels(user: User) -> list[Panel]:
    panels = []
    if is_case_manager(user):
        # The dashboard's own figures, cached until a support case, allocation or case file changes.
        figures = manager_figures(today=timezone.localdate())
        lists = reverse("victim_care:home")
        panels.append(Panel("Victim care", [
            PanelItem(f"Awaiting allocation: {_people(figures.awaiting)}", lists,
                      "Adults with a positive Reasonable Grounds decision waiting for a support provider"),
            PanelItem(f"Waiting for a Conclusive Grounds decision: {_people(figures.waiting_for_cg)}", lists,
                      "Support continues until the decision is served"),
            PanelItem(f"In the move-on period: {_people(figures.in_move_on)}", lists,
                      "Support ends when the move-on period does"),
            PanelItem(f"Supported now: {_people(figures.supported)}", lists),
        ]))
    if user.has_role(Role.SUPPORT_WORKER):
        supported = people_supported_by(user).count()
        panels.append(Panel("People you support", [PanelItem(
            f"Your organisation supports {_people(supported)} now", reverse("victim_care:home"),
            "Their care records, care plan reviews due and contact overdue")]))
    return panels
