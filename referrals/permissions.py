"""Who may do what with referrals. Views, the API and services all ask here."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet, Subquery

from organisations.models import OrgRole, Role, User
from referrals.models import GuardianAssignment, Nation, Referral, ReferralGroupObjectPermission, ReferralKind


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


def is_childs_local_authority(user: User, referral: Referral) -> bool:
    """A safeguarding lead of the local authority a child's referral is shared with."""
    return (user.is_authenticated and referral.is_child is True and referral.local_authority_id is not None
            and referral.local_authority_id == user.organisation_id and user.has_role(Role.LA_SAFEGUARDING_LEAD))


def guardians_enabled() -> bool:
    """Whether this deployment's era has Independent Child Trafficking Guardians."""
    return bool(settings.NRM_CHILD_GUARDIANS_ENABLED)


def is_childs_guardian(user: User, referral: Referral) -> bool:
    """A guardian of the service assigned to this child now: they see what the child's local authority sees.
    Only where the era has guardians, only a submitted child's referral, and only while the assignment lasts
    (one query, asked only of a guardian)."""
    return (user.is_authenticated and user.organisation_id is not None and user.has_role(Role.CHILD_GUARDIAN)
            and guardians_enabled() and referral.is_child is True and not referral.is_draft
            and GuardianAssignment.objects.current().filter(
                referral_id=referral.pk, guardian_service_id=user.organisation_id).exists())


def may_assign_guardian(user: User, referral: Referral) -> bool:
    """Assign, replace or end a child's guardian: the child's local authority safeguarding lead, who
    safeguards the child and works beside the guardian, and the decision makers and managers of the
    competent authority the case is routed to, who receive every child's referral and record the case's
    hand-offs (second reviewers and quality auditors judge decisions and do not work the case). Only a
    submitted NRM referral of a child, only where the era has guardians."""
    return (user.is_authenticated and guardians_enabled() and referral.is_child is True
            and referral.kind == ReferralKind.NRM and not referral.is_draft
            and (is_childs_local_authority(user, referral) or may_request_information(user, referral)))


DUTY_TO_NOTIFY_NATIONS = (Nation.ENGLAND, Nation.WALES)


def carries_duty_to_notify(referral: Referral) -> bool:
    """The Duty to Notify (Modern Slavery Act 2015 s.52) falls on the specified public authorities in England
    and Wales only: a first responder organisation of a type in NRM_DUTY_TO_NOTIFY_AUTHORITIES, for
    exploitation referred in England or Wales."""
    organisation = referral.first_responder_organisation
    return (organisation.first_responder_type in settings.NRM_DUTY_TO_NOTIFY_AUTHORITIES
            and referral.nation in DUTY_TO_NOTIFY_NATIONS)

