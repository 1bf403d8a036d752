"""Every read of referrals, scoped to who is asking, with the access log written as records go out.

What a user may not see does not exist for them: the lookups below raise Http404 and log the
attempt, whether the record is missing or merely someone else's."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Count, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils import timezone

from audit.models import AccessAction
from audit.services import record_access, record_list_access, refused
from core.paging import ListPage, page_of
from organisations.models import COMPETENT_AUTHORITY_ROLES, Organisation, OrgRole, Role, User
from referrals.models import (
    GuardianAssignment,
    InformationRequest,
    Referral,
    ReferralDocument,
    ReferralKind,
    ReferralStatus,
)
from referrals.permissions import guardians_enabled, support_grants_of, support_permission_id
from referrals.search import referral_search

AttachedRecord = TypeVar("AttachedRecord", ReferralDocument, InformationRequest)


def latest_answers_of_author(user: User, section_slug: str, *, excluding: Any = None) -> dict[str, Any]:
    """One section's answers on the user's own most recently changed other referral ({} if none): what the
    service already knows about the user when they start the same section again."""
    answers = (Referral.objects.filter(created_by_id=user.pk, answers__has_key=section_slug)
               .exclude(pk=excluding).order_by("-updated_at").values_list("answers", flat=True).first())
    return (answers or {}).get(section_slug, {})


def referrals_visible_to(user: User) -> QuerySet[Referral]:
    """Organisation scope: the referring organisation sees its own (drafts included); the
    competent authority the NRM cases routed to it; children's services the child referrals
    shared with them; a guardian service the children it is assigned to now (where the era has
    guardians), as their local authority sees them. Everyone else sees none here."""
    if not user.is_authenticated or user.organisation_id is None:
        return Referral.objects.none()
    scope = Q(pk__in=[])
    if user.has_role(Role.FIRST_RESPONDER):
        scope |= Q(first_responder_organisation_id=user.organisation_id)
    if user.has_role(*COMPETENT_AUTHORITY_ROLES):
        scope |= Q(competent_authority_id=user.organisation_id, kind=ReferralKind.NRM) & ~Q(status=ReferralStatus.DRAFT)
    if user.has_role(Role.LA_SAFEGUARDING_LEAD):
        scope |= Q(local_authority_id=user.organisation_id) & ~Q(status=ReferralStatus.DRAFT)
    if user.has_role(Role.CHILD_GUARDIAN) and guardians_enabled():
        scope |= (Q(pk__in=_assigned_to(user).values("referral_id")) & Q(is_child=True)
                  & ~Q(status=ReferralStatus.DRAFT))
    if user.has_role(Role.SUPPORT_WORKER):
        # The people a provider supports: django-guardian grants to the provider's group.
        scope |= (Q(pk__in=support_grants_of(user).values("content_object_id"))
                  & ~Q(status=ReferralStatus.DRAFT))
    return Referral.objects.filter(scope)


def _assigned_to(user: User) -> QuerySet[GuardianAssignment]:
    """The user's guardian service's current assignments."""
    return GuardianAssignment.objects.current().filter(guardian_service_id=user.organisation_id)


def referrals_supported_by(user: User) -> QuerySet[Referral]:
    """The people the user's support provider supports, newest referral first (the same rows as
    referrals_visible_to for a support worker, in this order).

    Read from the provider's grants in the order of their own index (grant_sort_idx: group, permission,
    the referral's submission time), so a page costs the same however many people the provider and the
    country hold; filtering the referrals instead walks the newest referrals until a page of the
    provider's own has been found. A worker is in one provider group (victim_care.services keeps it so);
    in more, the same people are read the general way, as one grant per group would repeat them."""
    if not user.is_authenticated or not user.has_role(Role.SUPPORT_WORKER) or len(user.grant_group_ids) != 1:
        return (Referral.objects.filter(pk__in=support_grants_of(user).values("content_object_id"))
                .exclude(status=ReferralStatus.DRAFT).order_by("-submitted_at", "pk"))
    (group_id,) = user.grant_group_ids
    return (Referral.objects
            .filter(referralgroupobjectpermission__group_id=group_id,
                    referralgroupobjectpermission__permission_id=support_permission_id())
            .exclude(status=ReferralStatus.DRAFT)
            .order_by("-referralgroupobjectpermission__referral_submitted_at", "pk"))


def referrals_listed_for(user: User) -> QuerySet[Referral]:
    """The API's list of referrals: the most recently changed first, for the first responder finishing a
    draft and the authority following its cases; for a support worker (with no other role) the people
    their provider supports, newest referral first, which referrals_supported_by reads in index order."""
    if user.is_authenticated and user.roles == {Role.SUPPORT_WORKER}:
        return referrals_supported_by(user)
    return referrals_visible_to(user).order_by("-updated_at", "pk")


def referral_for(user: User, referral_id: Any, *, log: bool = True) -> Referral:
    """One referral the user may see, with what its pages show, or 404 (logged)."""
    referral = (
        referrals_visible_to(user)
        .select_related("first_responder_organisation", "competent_authority", "local_authority", "created_by")
        .prefetch_related(
            Prefetch("documents", queryset=ReferralDocument.objects.select_related("uploaded_by")),
            Prefetch("information_requests", queryset=InformationRequest.objects.select_related("requested_by")),
        )
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        raise refused(user=user, record_type=Referral, record_id=referral_id)
    if log:
        record_access(user=user, action=AccessAction.VIEW, record=referral)
    return referral


def _referral_page(user: User, *, drafts: bool, page: int, query: QueryDict | None,
                   page_parameter: str, search: str = "") -> ListPage:
    open_requests = (InformationRequest.objects.filter(referral_id=OuterRef("pk"), answered_at=None)
                     .order_by().values("referral_id").annotate(n=Count("pk")).values("n"))
    queryset = (
        referrals_visible_to(user)
        .filter(first_responder_organisation_id=user.organisation_id)
        .select_related("created_by", "competent_authority")
        .annotate(open_requests=Coalesce(Subquery(open_requests), 0))
        .filter(referral_search(search))
    )
    if drafts:
        queryset = queryset.filter(status=ReferralStatus.DRAFT).order_by("-updated_at", "pk")
    else:
        queryset = queryset.exclude(status=ReferralStatus.DRAFT).order_by("-submitted_at", "pk")
    return page_of(queryset, number=page, query=query, parameter=page_parameter)


def referral_lists_for(user: User, *, drafts_page: int = 1, page: int = 1,
                       query: QueryDict | None = None, search: str = "") -> tuple[ListPage, ListPage]:
    """A page of the referring organisation's drafts (`?drafts_page=`) and one of its submitted
    referrals (`?page=`), newest first, logged as listed in one INSERT: the same queries whatever the
    counts. Open information requests are counted by a subquery for the rows of the page only. `search`
    (referrals.search) narrows both lists by reference, name or date of birth."""
    drafts = _referral_page(user, drafts=True, page=drafts_page, query=query, page_parameter="drafts_page",
                            search=search)
    submitted = _referral_page(user, drafts=False, page=page, query=query, page_parameter="page", search=search)
    record_list_access(user=user, records=[*drafts.items, *submitted.items], model=Referral)
    return drafts, submitted


@dataclass(frozen=True)
class FirstResponderWork:
    """What a first responder's organisation has to do: answer the competent authority's open requests for
    more information (oldest first, at most `limit`) and finish or lose its drafts."""

    open_requests: list[InformationRequest]
    more_open_requests: bool
    drafts: int
    first_draft_deleted_after: datetime.date | None


def first_responder_work(user: User, *, limit: int = 10) -> FirstResponderWork:
    """Three queries, however many referrals: the open requests (their referrals logged as listed) and one
    count of the drafts with the oldest save."""
    own = referrals_visible_to(user).filter(first_responder_organisation_id=user.organisation_id)
    requests = list(InformationRequest.objects.filter(answered_at=None, referral__in=own)
                    .select_related("referral").order_by("requested_at", "pk")[:limit + 1])
    shown = requests[:limit]
    record_list_access(user=user, records=[request.referral for request in shown], model=Referral)
    drafts = own.filter(status=ReferralStatus.DRAFT).aggregate(count=Count("pk"), oldest=Min("updated_at"))
    first_deleted_on = (timezone.localtime(Referral.draft_expiry_after(drafts["oldest"])).date()
                        if drafts["oldest"] else None)
    return FirstResponderWork(shown, len(requests) > limit, drafts["count"], first_deleted_on)


def _attached_to_visible_referral(user: User, model: type[AttachedRecord], referral_id: Any,
                                  record_id: Any) -> AttachedRecord:
    """A record attached to a referral the user sees (a document, an information request), with its
    referral; otherwise 404, logged as a refused attempt."""
    record = (model.objects.filter(pk=record_id, referral_id=referral_id, referral__in=referrals_visible_to(user))
              .select_related("referral").first())
    if record is None:
        raise refused(user=user, record_type=model, record_id=record_id)
    return record


def document_for(user: User, referral_id: Any, document_id: Any) -> ReferralDocument:
    """A document of a referral the user sees, logged as downloaded."""
    document = _attached_to_visible_referral(user, ReferralDocument, referral_id, document_id)
    record_access(user=user, action=AccessAction.DOWNLOAD, record=document)
    return document


def information_request_for(user: User, referral_id: Any, request_id: Any) -> InformationRequest:
    """An information request on a referral the user sees; the referral is logged as viewed."""
    request = _attached_to_visible_referral(user, InformationRequest, referral_id, request_id)
    record_access(user=user, action=AccessAction.VIEW, record=request.referral)
    return request


def child_referral_list_for(user: User) -> list[Referral]:
    """Children's services: the child referrals shared with their local authority."""
    queryset = (
        referrals_visible_to(user)
        .filter(local_authority_id=user.organisation_id)
        .select_related("first_responder_organisation", "competent_authority")
        .order_by("-submitted_at")
    )
    referrals = list(queryset[:500])
    record_list_access(user=user, records=referrals, model=Referral)
    return referrals


GUARDIAN_LIST_SIZE = 500


def children_of_guardian_service(user: User, *, limit: int = GUARDIAN_LIST_SIZE) -> list[GuardianAssignment]:
    """A guardian service's children: its current assignments, newest first (index
    current_guardians_by_service), each with its referral, local authority and named guardian, logged as
    listed in one INSERT. Two queries whatever the number of children."""
    if not (user.is_authenticated and user.has_role(Role.CHILD_GUARDIAN) and guardians_enabled()):
        return []
    assignments = list(
        _assigned_to(user).filter(referral__is_child=True).exclude(referral__status=ReferralStatus.DRAFT)
        .select_related("referral__local_authority", "referral__competent_authority", "guardian")
        .order_by("-assigned_at", "-pk")[:limit])
    record_list_access(user=user, records=[assignment.referral for assignment in assignments], model=Referral)
    return assignments


def current_guardian_of(referral: Referral) -> GuardianAssignment | None:
    """The child's guardian service now, with its named guardian, for a page or notice that has already
    checked that its reader may see the referral; None for an adult, or where the era has no guardians."""
    if referral.is_child is not True or not guardians_enabled():
        return None
    return (GuardianAssignment.objects.current().filter(referral_id=referral.pk)
            .select_related("guardian_service", "guardian", "assigned_by").first())


def guardian_history_for(user: User, referral_id: Any) -> tuple[Referral, list[GuardianAssignment]]:
    """A child's referral the user may see (404, logged, otherwise) with every guardian it has had, newest
    first: the page where the guardian is assigned, replaced or ended."""
    referral = referral_for(user, referral_id)
    assignments = list(GuardianAssignment.objects.filter(referral_id=referral.pk)
                       .select_related("guardian_service", "guardian", "assigned_by", "ended_by"))
    return referral, assignments


def guardian_services() -> QuerySet:
    """The active organisations that may be assigned as a child's guardian service."""
    return Organisation.objects.holding(OrgRole.CHILD_GUARDIAN).filter(is_active=True).order_by("name")


def named_guardians() -> QuerySet[User]:
    """The active guardians of the active guardian services, whom an assignment may name."""
    return (User.objects.filter(is_active=True, groups__name=Role.CHILD_GUARDIAN.label,
                                organisation__in=guardian_services())
            .select_related("organisation").order_by("organisation__name", "full_name"))
