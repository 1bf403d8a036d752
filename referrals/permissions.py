"""Who may do what with referrals. Views, the API and services all ask here."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet, Subquery

from organisations.models import OrgRole, Role, User
from referrals.models import Nation, Referral, ReferralGroupObjectPermission


def may_make_referrals(user: User) -> bool:
    return (
        user.is_authenticated
        and user.has_role(Role.FIRST_RESPONDER)
        and user.organisation is not None
        and user.organisation.holds(OrgRole.FIRST_RESPONDER)
    )


def is_referring_organisation(user: User, referral: Referral) -> bool:
    return may_make_referrals(user) and referral.first_responder_organisation_id == user.organisation_id


def may_edit(user: User, referral: Referral) -> bool:
    """Only the referring organisation's first responders, and only while it is a draft."""
    return is_referring_organisation(user, referral) and referral.is_draft


def may_answer_information_requests(user: User, referral: Referral) -> bool:
    return is_referring_organisation(user, referral) and not referral.is_draft


SUPPORT_CODENAME = "support_referral"


def support_grants_of(user: User) -> QuerySet[ReferralGroupObjectPermission]:
    """The django-guardian grants through which a support worker sees people: those made to a group the user
    is in, which victim_care.services makes to the provider's group on allocation and removes when it ends.
    Only group grants count: a grant to one person would outlive their leaving the provider.

    The permission's id is a scalar subquery, read once before the grant index (group, permission,
    submitted) is scanned, so that the index gives the grants newest first."""
    if not user.is_authenticated or not user.has_role(Role.SUPPORT_WORKER) or not user.grant_group_ids:
        return ReferralGroupObjectPermission.objects.none()
    return ReferralGroupObjectPermission.objects.filter(group_id__in=user.grant_group_ids,
                                                        permission_id=support_permission_id())


def support_permission_id() -> Subquery:
    """The support permission's id, as SQL: one lookup in the (content type, codename) unique index, which
    the database does once per query; no query of its own, and no permission id cached in the process (the
    content type's id is, by Django)."""
    permission = Permission.objects.filter(content_type_id=ContentType.objects.get_for_model(Referral).pk,
                                           codename=SUPPORT_CODENAME)
    return Subquery(permission.order_by().values("pk"))


def is_supporting_provider(user: User, referral: Referral) -> bool:
    """A support worker whose provider supports this person (a grant to the provider's group on allocation)."""
    return support_grants_of(user).filter(content_object_id=referral.pk).exists()


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


DUTY_TO_NOTIFY_NATIONS = (Nation.ENGLAND, Nation.WALES)


def carries_duty_to_notify(referral: Referral) -> bool:
    """The Duty to Notify (Modern Slavery Act 2015 s.52) falls on the specified public authorities in England
    and Wales only: a first responder organisation of a type in NRM_DUTY_TO_NOTIFY_AUTHORITIES, for
    exploitation referred in England or Wales."""
    organisation = referral.first_responder_organisation
    return (organisation.first_responder_type in settings.NRM_DUTY_TO_NOTIFY_AUTHORITIES
            and referral.nation in DUTY_TO_NOTIFY_NATIONS)

