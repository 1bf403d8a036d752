"""The quality audits of a competent authority's decisions, for the auditors and the decision makers
whose decisions were audited; every list is logged, since each row names a case."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from audit.models import AccessAction
from audit.services import record_access, record_list_access, refused
from decisions import permissions
from decisions.models import QualityAudit
from organisations.models import Role, User


def _audits_visible_to(user: User) -> QuerySet[QualityAudit]:
    if not permissions.may_audit(user):
        return QualityAudit.objects.none()
    return (QualityAudit.objects.filter(decision__case__referral__competent_authority_id=user.organisation_id)
            .select_related("decision__case__referral", "decision__author"))


def audits_for(user: User) -> list[QualityAudit]:
    """The quality auditor's list (pages and API): the audits of their authority's decisions, logged as
    listed (each row names a case and a decision)."""
    audits = list(_audits_visible_to(user).order_by("completed_at", "-pk")[:200])
    record_list_access(user=user, records=audits, model=QualityAudit)
    return audits


def audit_for(user: User, audit_id: Any) -> QualityAudit:
    """One audit for its auditor (the finding page shows the decision's reasons): logged, or 404 (logged)."""
    audit = _audits_visible_to(user).filter(pk=audit_id).first() if str(audit_id).isdigit() else None
    if audit is None:
        raise refused(user=user, record_type=QualityAudit, record_id=audit_id)
    record_access(user=user, action=AccessAction.VIEW, record=audit)
    return audit


def audit_feedback_for(user: User) -> list[QualityAudit]:
    """Completed audits of a decision maker's own decisions (their home page), logged as listed."""
    audits = list(QualityAudit.objects.filter(decision__author=user, completed_at__isnull=False)
                  .select_related("decision__case__referral").order_by("-completed_at")[:20])
    record_list_access(user=user, records=audits, model=QualityAudit)
    return audits


def audits_waiting_for(user: User, *, limit: int = 20) -> list[QualityAudit]:
    """The auditor's authority's sampled decisions with no finding yet, oldest sample first."""
    if not user.has_role(Role.QUALITY_AUDITOR):
        return []
    audits = list(QualityAudit.objects.filter(
        decision__case__referral__competent_authority_id=user.organisation_id, completed_at__isnull=True)
        .select_related("decision__case__referral").order_by("quarter", "pk")[:limit])
    record_list_access(user=user, records=audits, model=QualityAudit)  # each names a case: logged as listed
    return audits
