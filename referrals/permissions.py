"""Who may do what with referrals. Views, the API and services all ask here."""

from __future__ import annotations

from organisations.models import OrganisationKind, Role, User
from referrals.models import Referral

COMPETENT_AUTHORITY_ROLES = (Role.DECISION_MAKER, Role.SECOND_REVIEWER, Role.CA_MANAGER, Role.QUALITY_AUDITOR)


def may_make_referrals(user: User) -> bool:
    return (
        user.is_authenticated
        and user.has_role(Role.FIRST_RESPONDER)
        and user.organisation is not None
        and user.organisation.kind == OrganisationKind.FIRST_RESPONDER
    )


def is_referring_organisation(user: User, referral: Referral) -> bool:
    return may_make_referrals(user) and referral.first_responder_organisation_id == user.organisation_id


def may_edit(user: User, referral: Referral) -> bool:
    """Only the referring organisation's first responders, and only while it is a draft."""
    return is_referring_organisation(user, referral) and referral.is_draft


def may_answer_information_requests(user: User, referral: Referral) -> bool:
    return is_referring_organisation(user, referral) and not referral.is_draft


def is_supporting_provider(user: User, referral: Referral) -> bool:
    """A support worker granted this person's case (django-guardian, given on allocation to a provider)."""
    return user.has_role(Role.SUPPORT_WORKER) and user.has_perm("referrals.support_referral", referral)


def may_request_reconsideration(user: User, referral: Referral) -> bool:
    """The referring first responder or the support provider supporting the person."""
    return not referral.is_draft and (is_referring_organisation(user, referral)
                                      or is_supporting_provider(user, referral))


def may_request_information(user: User, referral: Referral) -> bool:
    return (
        user.has_role(Role.DECISION_MAKER, Role.CA_MANAGER)
        and referral.competent_authority_id is not None
        and referral.competent_authority_id == user.organisation_id
    )
