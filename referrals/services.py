"""Every write to referrals: drafts, sections, evidence, submission, information requests, expiry, and a
child's Independent Child Trafficking Guardian."""

from __future__ import annotations

import hashlib
import logging
import os
import re
from datetime import date, datetime, timedelta
from typing import Any

import pghistory
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from core.errors import Conflict, Invalid, NotAllowed
from core.outbox import publish_on_commit
from organisations.models import Organisation, OrgRole, Role, User
from referrals import permissions
from referrals.documents import ACCEPTED_EXTENSIONS, detect_type
from referrals.duplicates import flag_possible_duplicates
from referrals.forms import ReferralSectionForm
from referrals.lifecycle import SUBMISSION, SubmissionAction
from referrals.models import (
    AgeGroup,
    ExploitationLocation,
    GuardianAssignment,
    InformationRequest,
    Referral,
    ReferralDocument,
    ReferralKind,
    ReferralStatus,
)
from referrals.references import reference_next
from referrals.routing import route
from referrals.sections import (
    SECTIONS_BY_SLUG,
    is_duty_to_notify,
    no_referral_and_no_notification,
    section_is_complete,
    sections_for,
)
from referrals.signals import drafts_deleted, information_answered, information_requested, referral_submitted

logger = logging.getLogger(__name__)

# What a Duty to Notify keeps: the person did not consent, so nothing else about them is stored.
DUTY_TO_NOTIFY_SECTIONS = ("first-responder", "age", "consent", "your-details")


class ReferralNotEditable(NotAllowed):
    """The referral is not a draft of the user's organisation."""


class ReferralIncomplete(Invalid):
    """Submitted with sections unanswered: the API lists them under `incomplete_sections`."""

    def __init__(self, incomplete: list[str]) -> None:
        super().__init__(f"Incomplete sections: {', '.join(incomplete)}", fields={"incomplete_sections": incomplete})
        self.incomplete = incomplete


class DocumentRejected(Invalid):
    """An evidence file of the wrong type, size or content."""

    def __init__(self, message: str) -> None:
        super().__init__(message, fields={"documents": [message]})


def _locked(referral: Referral) -> Referral:
    return Referral.objects.select_for_update().get(pk=referral.pk)


def _require_editable(user: User, referral: Referral) -> None:
    if not permissions.may_edit(user, referral):
        raise ReferralNotEditable("Only a draft of your own organisation can be changed.")


def referral_start(*, by: User) -> Referral:
    """A new draft for the first responder's organisation."""
    if not permissions.may_make_referrals(by):
        raise NotAllowed("Only first responders can make referrals.")
    return Referral.objects.create(first_responder_organisation=by.organisation, created_by=by)


def referral_section_save(
    *, referral: Referral, section_slug: str, data: dict[str, Any], by: User
) -> ReferralSectionForm:
    """Validate one section's answers with its form and, when valid, store them.

    Returns the bound form either way so the caller can show its errors. Nothing is saved
    when any answer is invalid."""
    section = SECTIONS_BY_SLUG[section_slug]
    _require_editable(by, referral)
    form = section.form_class(data=data)
    if not form.is_valid():
        return form
    with transaction.atomic():
        locked = _locked(referral)
        _require_editable(by, locked)
        locked.answers[section_slug] = form.to_answers()
        _derive_columns(locked)
        locked.save()
    referral.refresh_from_db()
    return form


def _child(answers: dict[str, Any]) -> bool | None:
    under_18 = answers.get("age", {}).get("under_18")
    if under_18 is None:
        return None
    return under_18 in ("yes", "not_sure")


def _age_at_exploitation(answers: dict[str, Any]) -> str:
    """Child when under 18 now or when exploited; Adult only when both answers say adult."""
    age = answers.get("age", {})
    if age.get("under_18") == "yes" or age.get("under_18_when_exploited") == "yes":
        return AgeGroup.CHILD
    if age.get("under_18") == "no" and age.get("under_18_when_exploited") == "no":
        return AgeGroup.ADULT
    return AgeGroup.UNKNOWN


def _exploitation_location(location: dict[str, Any]) -> str:
    in_uk, overseas = bool(location.get("uk_towns")), bool(location.get("overseas_countries"))
    if in_uk and overseas:
        return ExploitationLocation.BOTH
    if in_uk:
        return ExploitationLocation.UK
    if overseas:
        return ExploitationLocation.OVERSEAS
    return ExploitationLocation.UNKNOWN


def normalise_name(*parts: str) -> str:
    return re.sub(r"[^a-z ]", "", " ".join(p for p in parts if p).lower()).strip()


def _derive_columns(referral: Referral) -> None:
    """Recompute the columns that routing, matching, access and the statistics use."""
    answers = referral.answers
    referral.nation = answers.get("first-responder", {}).get("nation", "")
    referral.is_child = _child(answers)
    referral.age_at_exploitation = _age_at_exploitation(answers)
    referral.kind = ReferralKind.DUTY_TO_NOTIFY if is_duty_to_notify(referral) else ReferralKind.NRM
    if referral.kind == ReferralKind.DUTY_TO_NOTIFY:
        consent = answers.get("consent", {})
        referral.gender = consent.get("dtn_gender", "unknown")
        referral.nationality = consent.get("dtn_nationality", "")
        referral.exploitation_types = consent.get("dtn_exploitation_types", [])
        referral.exploitation_location = consent.get("dtn_location") or ExploitationLocation.UNKNOWN
        referral.second_nationality = ""
        referral.date_of_birth = None
        referral.name_for_matching = ""
        referral.home_office_reference = ""
        referral.wants_support = None
    else:
        personal = answers.get("personal-details", {})
        referral.gender = personal.get("gender", "unknown")
        referral.nationality = personal.get("nationality", "")
        referral.second_nationality = personal.get("second_nationality", "")
        dob = personal.get("date_of_birth")
        referral.date_of_birth = date.fromisoformat(dob) if dob else None
        referral.name_for_matching = normalise_name(personal.get("given_names", ""), personal.get("family_name", ""))
        referral.home_office_reference = personal.get("home_office_reference", "").strip().upper()
        wants = answers.get("consent", {}).get("wants_support")
        referral.wants_support = None if wants is None else wants == "yes"
        referral.exploitation_types = answers.get("exploitation-types", {}).get("exploitation_types", [])
        referral.exploitation_location = _exploitation_location(answers.get("location", {}))
    local_authority = answers.get("local-authority", {}).get("local_authority") if referral.is_child else None
    referral.local_authority_id = local_authority


def incomplete_sections(referral: Referral) -> list[str]:
    return [section.slug for section in sections_for(referral) if not section_is_complete(referral, section)]


def referral_submit(*, referral: Referral, by: User) -> Referral:
    """Submit a complete draft: reference, routing, duplicate flags and notification, in one
    transaction. Submitting an already submitted referral (double click, retry, a second tab)
    returns it unchanged, so one submission is only ever recorded once."""
    with transaction.atomic():
        locked = _locked(referral)
        if not permissions.is_referring_organisation(by, locked):
            raise ReferralNotEditable("Only your own organisation's referrals can be submitted.")
        if not locked.is_draft:
            return locked
        _derive_columns(locked)
        if no_referral_and_no_notification(locked):
            raise Conflict("The person has not consented, and no Duty to Notify applies to your organisation or "
                           "to exploitation outside England and Wales: no referral or notification is made.")
        missing = incomplete_sections(locked)
        if missing:
            raise ReferralIncomplete(missing)
        now = timezone.now()
        year = timezone.localtime(now).year
        if locked.kind == ReferralKind.DUTY_TO_NOTIFY:
            locked.answers = {slug: locked.answers[slug] for slug in DUTY_TO_NOTIFY_SECTIONS if slug in locked.answers}
            locked.answers.get("consent", {}).pop("dtn_name", None)  # never a name (older drafts asked for one)
            locked.reference = reference_next("DTN", year)
            SUBMISSION.move(locked, SubmissionAction.RECORD_DUTY_TO_NOTIFY)
            locked.competent_authority = None
        else:
            locked.reference = reference_next("NRM", year)
            SUBMISSION.move(locked, SubmissionAction.SUBMIT)
            locked.competent_authority = route(locked)
        locked.submitted_at = now
        locked.save()
        pghistory.create_event(locked, label="submitted")
        if locked.kind == ReferralKind.NRM:
            flag_possible_duplicates(locked)
        referral_id = locked.pk
        transaction.on_commit(lambda: referral_submitted.send(sender=Referral, referral_id=referral_id))
        # Through the outbox: the notice is not lost if Redis is down as the referral commits.
        publish_on_commit("referrals.tasks.send_submission_notice", str(referral_id))
    logger.info("Referral %s submitted", referral_id)
    referral.refresh_from_db()
    return referral


def _safe_name(name: str) -> str:
    base = os.path.basename(name or "document")
    cleaned = re.sub(r"[^\w .()-]", "_", base).strip() or "document"
    return cleaned[:150]


def referral_document_add(*, referral: Referral, upload: UploadedFile, by: User) -> ReferralDocument:
    """Store an evidence file under a server-generated name, if its name, content and size pass."""
    _require_editable(by, referral)
    extension = os.path.splitext(upload.name or "")[1].lower()
    if extension not in ACCEPTED_EXTENSIONS:
        raise DocumentRejected("The selected file must be a PDF, DOC, DOCX, JPG or PNG")
    if upload.size is not None and upload.size > settings.NRM_MAX_DOCUMENT_BYTES:
        raise DocumentRejected(f"The selected file must be smaller than {settings.NRM_MAX_DOCUMENT_BYTES // 2**20}MB")
    if upload.size == 0:
        raise DocumentRejected("The selected file is empty")
    detected = detect_type(upload.file)
    if detected is None or extension not in detected.extensions:
        raise DocumentRejected("The selected file's contents are not a PDF, DOC, DOCX, JPG or PNG as its name says")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    with transaction.atomic():
        locked = _locked(referral)
        _require_editable(by, locked)
        if locked.documents.count() >= settings.NRM_MAX_DOCUMENTS:
            raise DocumentRejected(f"You can upload up to {settings.NRM_MAX_DOCUMENTS} files")
        document = ReferralDocument(
            referral=locked, original_name=_safe_name(upload.name), content_type=detected.content_type,
            size=upload.size, sha256=digest.hexdigest(), uploaded_by=by,
        )
        document.file.save("upload", upload, save=False)
        try:
            document.save()
        except Exception:
            document.file.delete(save=False)
            raise
        locked.save(update_fields=["updated_at"])
    return document


def referral_document_remove(*, document: ReferralDocument, by: User) -> None:
    _require_editable(by, document.referral)
    with transaction.atomic():
        document.delete()
        transaction.on_commit(lambda: document.file.delete(save=False))


def information_request_create(*, referral: Referral, question: str, by: User) -> InformationRequest:
    """A competent authority asks the first responder for more information."""
    if not permissions.may_request_information(by, referral):
        raise NotAllowed("Only the deciding competent authority can ask for information.")
    with transaction.atomic():
        request = InformationRequest.objects.create(referral=referral, question=question, requested_by=by)
        information_requested.send(sender=InformationRequest, request=request)
    return request


def information_request_answer(*, request: InformationRequest, answer: str, by: User) -> InformationRequest:
    with transaction.atomic():
        locked = InformationRequest.objects.select_for_update().select_related("referral").get(pk=request.pk)
        if not permissions.may_answer_information_requests(by, locked.referral):
            raise NotAllowed("Only the referring organisation can answer.")
        if locked.is_answered:
            raise Conflict("This request has already been answered.")
        locked.answer, locked.answered_by, locked.answered_at = answer, by, timezone.now()
        locked.save()
        information_answered.send(sender=InformationRequest, request=locked)
    return locked


def drafts_expire(*, now: datetime | None = None) -> int:
    """Delete drafts untouched for NRM_DRAFT_EXPIRY_DAYS and return how many went.

    Rows are claimed with SKIP LOCKED so two workers never delete the same draft; each deletion is
    written to the change history by trigger, with this job as its context, and `drafts_deleted`
    lets the reminders app tell each author in the same transaction. (The warning at
    NRM_DRAFT_WARNING_DAYS is a reminder rule: reminders/rules/first_responders.py.)"""
    now = now or timezone.now()
    delete_before = now - timedelta(days=settings.NRM_DRAFT_EXPIRY_DAYS)
    with transaction.atomic():
        expired = list(
            Referral.objects.select_for_update(skip_locked=True)
            .filter(status=ReferralStatus.DRAFT, updated_at__lt=delete_before)
        )
        for draft in expired:
            for document in draft.documents.all():
                file = document.file
                transaction.on_commit(lambda file=file: file.delete(save=False))
        authors = [(draft.pk, draft.created_by_id) for draft in expired]
        for draft in expired:
            draft.delete()
        if authors:
            drafts_deleted.send(sender=Referral, drafts=authors, deleted_at=now)
    return len(expired)


REPLACED = "Replaced by a new assignment."


def _check_may_assign_guardian(by: User, referral: Referral) -> None:
    if not permissions.guardians_enabled():
        raise NotAllowed("This deployment has no independent child trafficking guardian service.")
    if referral.is_child is not True or referral.kind != ReferralKind.NRM or referral.is_draft:
        raise NotAllowed("Only a submitted child's referral has an independent child trafficking guardian.")
    if not permissions.may_assign_guardian(by, referral):
        raise NotAllowed("Only the child's local authority safeguarding lead, or the competent authority's decision "
                         "makers and managers on the case, assign a guardian.")


def guardian_assign(*, referral: Referral, guardian_service: Organisation, guardian: User | None = None,
                    by: User) -> GuardianAssignment:
    """Assign a guardian service (and, when known, its named guardian) to a child, replacing the current
    assignment if there is one: that one is ended, by the same person at the same moment, in the same
    transaction. The rows and their change history are the record (referrals.guardianship)."""
    with transaction.atomic():
        locked = _locked(referral)
        _check_may_assign_guardian(by, locked)
        if not (guardian_service.is_active and guardian_service.holds(OrgRole.CHILD_GUARDIAN)):
            raise Invalid("Select a guardian service", fields={"guardian_service": ["Select a guardian service"]})
        if guardian is not None and not (guardian.is_active and guardian.organisation_id == guardian_service.pk
                                         and guardian.has_role(Role.CHILD_GUARDIAN)):
            message = f"Select a guardian who works for {guardian_service.name}, or leave the guardian unnamed"
            raise Invalid(message, fields={"guardian": [message]})
        current = GuardianAssignment.objects.select_for_update().current().filter(referral=locked).first()
        guardian_id = guardian.pk if guardian is not None else None
        if current and (current.guardian_service_id, current.guardian_id) == (guardian_service.pk, guardian_id):
            raise Conflict("This guardian service and guardian are already assigned to the child.")
        now = timezone.now()
        if current is not None:
            current.ended_at, current.ended_by, current.end_reason = now, by, REPLACED
            current.save(update_fields=["ended_at", "ended_by", "end_reason"])
        return GuardianAssignment.objects.create(referral=locked, guardian_service=guardian_service,
                                                 guardian=guardian, assigned_by=by, assigned_at=now)


def guardian_assignment_end(*, referral: Referral, reason: str, by: User) -> GuardianAssignment:
    """End the child's current guardian assignment (the child turned 18 and left the service, moved to an
    area the service does not cover, was assigned in error), saying why. The guardian service stops seeing
    the child at once."""
    with transaction.atomic():
        locked = _locked(referral)
        _check_may_assign_guardian(by, locked)
        if not reason.strip():
            raise Invalid("Enter why the assignment is ending",
                          fields={"reason": ["Enter why the assignment is ending"]})
        current = GuardianAssignment.objects.select_for_update().current().filter(referral=locked).first()
        if current is None:
            raise Conflict("No guardian service is assigned to this child now.")
        current.ended_at, current.ended_by, current.end_reason = timezone.now(), by, reason.strip()[:500]
        current.save(update_fields=["ended_at", "ended_by", "end_reason"])
        return current
