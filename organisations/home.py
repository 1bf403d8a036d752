"""Each role's home page: what the role is for here, and the parts of the service it may use."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from core.home_panels import Panel, PanelItem, panels_for
from organisations import permissions, selectors
from organisations.models import Role, User


@dataclass(frozen=True)
class RoleHome:
    role: Role
    heading: str
    purpose: str


ROLE_HOMES: dict[Role, RoleHome] = {
    home.role: home
    for home in [
        RoleHome(Role.FIRST_RESPONDER, "Your referrals",
                 "Refer a potential victim of human trafficking or modern slavery to the National Referral "
                 "Mechanism, save a referral and come back to it, and answer requests for more information."),
        RoleHome(Role.DECISION_MAKER, "Your cases",
                 "Work the cases allocated to you and draft Reasonable Grounds and Conclusive Grounds "
                 "decisions against their deadlines."),
        RoleHome(Role.SECOND_REVIEWER, "Decisions to review",
                 "Sign off or return decisions drafted by other decision makers in your competent authority."),
        RoleHome(Role.CA_MANAGER, "Your competent authority's work",
                 "See the queue of cases routed to your competent authority, allocate them to decision makers "
                 "and watch for overdue decisions."),
        RoleHome(Role.QUALITY_AUDITOR, "Decision quality",
                 "Review a sample of signed-off decisions each quarter and feed back to decision makers."),
        RoleHome(Role.PC_CASE_MANAGER, "Victim care",
                 "Receive adults with a positive Reasonable Grounds decision, assess their needs and allocate "
                 "them to a support provider."),
        RoleHome(Role.SUPPORT_WORKER, "People you support",
                 "Keep the care records of the people your organisation supports."),
        RoleHome(Role.MONITOR, "Monitoring reports",
                 "Download quarterly National Referral Mechanism monitoring reports. Reports hold aggregate "
                 "figures only, never a person's record."),
        RoleHome(Role.LA_SAFEGUARDING_LEAD, "Children referred in your area",
                 "See referrals of children for which your local authority is the safeguarding lead."),
        RoleHome(Role.CHILD_GUARDIAN, "Children you are guardian to",
                 "See the referrals, decisions and letters of the children your guardian service has been "
                 "assigned to, as their local authority sees them, so you can support each child through the "
                 "National Referral Mechanism."),
        RoleHome(Role.ADMINISTRATOR, "Service administration",
                 "Manage organisations, user accounts and API tokens."),
    ]
}


def home_page_for(user: User) -> dict[str, object]:
    """The template context of a user's home page: one panel per role they hold, in role order."""

    homes = [ROLE_HOMES[role] for role in Role if role in user.roles]
    return {
        "panels": panels_for(user),
        "role_homes": homes,
        "page_heading": homes[0].heading if len(homes) == 1 else "Home",
        "organisation": user.organisation,
    }


def lockout_panels(user: User) -> list[Panel]:
    """Managers: the way to end a colleague's sign-in lockout, with how many are locked out now."""
    if not permissions.is_manager(user):
        return []
    locked = len(selectors.locked_colleagues(user))
    detail = (f"{locked} {'person is' if locked == 1 else 'people are'} locked out now" if locked
              else "Nobody is locked out now")
    return [Panel("Your organisation's sign-in", [PanelItem("Sign-in lockouts", reverse("team-lockouts"), detail)])]
