"""Retention: a case closed or withdrawn more than NRM_RETENTION_YEARS ago keeps its statistics and
loses everything that identifies or describes the person.

Kept: the reference, dates, status, organisations, and the columns the monitoring report counts (age
group, gender, nationality, exploitation types and location, nation), so past reports do not change.
Removed: the form's answers, date of birth, names, Home Office reference, documents, the texts of
decisions, notes, requests, transfers, reconsiderations, declarations and care records, the needs and
risks, duplicate links, and the same personal fields in the change history. The removal is one
transaction per case, recorded as an "anonymised" history event with this job as its context.
It lives in nrm/ because it spans referrals, decisions and victim care."""

from __future__ import annotations

import datetime
import logging

import pghistory
import pgtrigger
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from decisions.models import (
    CaseFile,
    CaseNote,
    Decision,
    InvolvementDeclaration,
    Reconsideration,
    Transfer,
)
from referrals.models import (
    GuardianAssignment,
    InformationRequest,
    PossibleDuplicate,
    Referral,
    ReferralKind,
    ReferralStatus,
)
from victim_care.models import CareRecordEntry, SupportCase

logger = logging.getLogger(__name__)
REMOVED = "[Removed under the retention policy]"
# Triggers that keep history and care records append-only; lifted only inside case_anonymise.
_APPEND_ONLY = ("referrals.ReferralEvent:append_only", "decisions.DecisionEvent:append_only",
                "decisions.CaseFileEvent:append_only", "victim_care.CareRecordEntry:care_entry_append_only")


def retention_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    now = now or timezone.now()
    try:
        return now.replace(year=now.year - settings.NRM_RETENTION_YEARS)
    except ValueError:  # 29 February
        return now.replace(year=now.year - settings.NRM_RETENTION_YEARS, day=28)


def cases_due_for_anonymisation(now: datetime.datetime | None = None):
    """Closed or withdrawn cases past the retention period, and Duty to Notify records as old."""
    cutoff = retention_cutoff(now)
    return Referral.objects.filter(anonymised_at__isnull=True).filter(
        Q(status=ReferralStatus.CLOSED, case_file__closed_at__lt=cutoff)
        | Q(status=ReferralStatus.WITHDRAWN, case_file__withdrawn_at__lt=cutoff)
        | Q(kind=ReferralKind.DUTY_TO_NOTIFY, submitted_at__lt=cutoff)
    )


def _texts(queryset, *fields: str) -> None:
    for name in fields:
        queryset.exclude(**{name: ""}).update(**{name: REMOVED})


def case_anonymise(*, referral_id, now: datetime.datetime | None = None) -> bool:
    """Remove one case's personal details; False if it was already done (safe to run twice)."""
    now = now or timezone.now()
    with transaction.atomic(), pghistory.context(retention="anonymise"):
        referral = Referral.objects.select_for_update().filter(pk=referral_id, anonymised_at__isnull=True).first()
        if referral is None:
            return False
        for document in referral.documents.all():
            stored = document.file
            transaction.on_commit(lambda stored=stored: stored.delete(save=False))
            document.delete()
        referral.answers, referral.date_of_birth, referral.anonymised_at = {}, None, now
        referral.name_for_matching = referral.home_office_reference = ""
        referral.save()
        PossibleDuplicate.objects.filter(Q(referral=referral) | Q(matches=referral)).delete()
        _texts(InformationRequest.objects.filter(referral=referral), "question", "answer")
        _texts(CaseFile.objects.filter(referral=referral), "withdrawal_reason", "close_reason")
        _texts(Decision.objects.filter(case_id=referral.pk), "reasons", "evidence_considered", "review_comments")
        Decision.objects.filter(case_id=referral.pk).exclude(letter="").update(letter=REMOVED)
        _texts(CaseNote.objects.filter(case_id=referral.pk), "text")
        _texts(Transfer.objects.filter(case_id=referral.pk), "reason")
        _texts(Reconsideration.objects.filter(case_id=referral.pk), "reasons", "new_evidence")
        _texts(InvolvementDeclaration.objects.filter(case_id=referral.pk), "details")
        _texts(GuardianAssignment.objects.filter(referral=referral), "end_reason")  # not in its history
        SupportCase.objects.filter(referral=referral).update(needs="", risks="")
        with pgtrigger.ignore(*_APPEND_ONLY):
            _texts(CareRecordEntry.objects.filter(support_case__referral=referral), "text")
            Referral.pgh_event_model.objects.filter(pgh_obj_id=referral.pk).update(
                date_of_birth=None, home_office_reference="")
            _texts(Decision.pgh_event_model.objects.filter(case_id=referral.pk), "review_comments")
            _texts(CaseFile.pgh_event_model.objects.filter(referral_id=referral.pk), "withdrawal_reason",
                   "close_reason")
        pghistory.create_event(referral, label="anonymised")
    logger.info("Referral %s anonymised under the retention policy", referral_id)
    return True


def anonymise_expired_cases(*, now: datetime.datetime | None = None, limit: int = 500) -> int:
    """The daily job: anonymise up to `limit` cases past retention, each in its own transaction."""
    ids = list(cases_due_for_anonymisation(now).order_by("submitted_at").values_list("pk", flat=True)[:limit])
    return sum(case_anonymise(referral_id=referral_id, now=now) for referral_id in ids)
