"""Who can take a case: the authority's decision makers with their caseloads, and the competent
authorities a case can be transferred to."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from core import working_days
from organisations.models import Organisation, OrgRole, Role, User
from referrals.models import CASE_OVER, Referral


def decision_makers(user: User) -> QuerySet[User]:
    """The active decision makers of the user's authority, by name: whom a case can be allocated to."""
    return (User.objects.filter(organisation_id=user.organisation_id, groups__name=Role.DECISION_MAKER.label,
                                is_active=True).order_by("full_name"))


def transfer_destinations(referral: Referral) -> QuerySet[Organisation]:
    """The competent authorities a case can be sent to: active, not the one holding it, and with active
    casework staff (a manager or a decision maker), so a transferred case lands in a queue someone reads."""
    staff = User.objects.filter(organisation_id=OuterRef("pk"), is_active=True,
                                groups__name__in=[Role.CA_MANAGER.label, Role.DECISION_MAKER.label])
    return (Organisation.objects.holding(OrgRole.COMPETENT_AUTHORITY).filter(is_active=True)
            .exclude(pk=referral.competent_authority_id).filter(Exists(staff)).order_by("name"))


def decision_makers_with_caseload(user: User) -> list[User]:
    """The decision makers of the user's authority by name, each with `open_cases` (cases allocated to
    them and not closed, withdrawn or historic) and `away` (away today): one query, however many."""
    today = working_days.today()
    people = list(decision_makers(user).annotate(open_cases=Count(
        "allocated_cases", filter=~Q(allocated_cases__referral__status__in=CASE_OVER))))
    for person in people:
        person.away = person.is_away(today)
    return people
