"""Possible duplicates: the same date of birth and a similar name, or the same Home Office
reference. Flags inform the competent authority; they never block a referral."""

from __future__ import annotations

from difflib import SequenceMatcher

from django.db.models import Q

from referrals.models import PossibleDuplicate, Referral, ReferralKind, ReferralStatus

NAME_SIMILARITY = 0.8


def names_similar(first: str, second: str) -> bool:
    """Similar when the spelling is close or the same name parts appear in another order."""
    if not first or not second:
        return False
    if SequenceMatcher(None, first, second).ratio() >= NAME_SIMILARITY:
        return True
    return sorted(first.split()) == sorted(second.split())


def flag_possible_duplicates(referral: Referral) -> list[PossibleDuplicate]:
    """Flag earlier referrals that may be the same person, in both directions."""
    conditions = Q()
    if referral.date_of_birth:
        conditions |= Q(date_of_birth=referral.date_of_birth)
    if referral.home_office_reference:
        conditions |= Q(home_office_reference=referral.home_office_reference)
    if not conditions:
        return []
    candidates = (
        Referral.objects.filter(conditions, kind=ReferralKind.NRM)
        .exclude(pk=referral.pk)
        .exclude(status=ReferralStatus.DRAFT)
        .only("id", "date_of_birth", "home_office_reference", "name_for_matching")
    )
    flags = []
    for candidate in candidates:
        if referral.home_office_reference and candidate.home_office_reference == referral.home_office_reference:
            reason = PossibleDuplicate.Reason.HOME_OFFICE_REFERENCE
        elif names_similar(referral.name_for_matching, candidate.name_for_matching):
            reason = PossibleDuplicate.Reason.DOB_AND_NAME
        else:
            continue
        flags.append(PossibleDuplicate(referral=referral, matches=candidate, reason=reason))
        flags.append(PossibleDuplicate(referral=candidate, matches=referral, reason=reason))
    return PossibleDuplicate.objects.bulk_create(flags, ignore_conflicts=True)
