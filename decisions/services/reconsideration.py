"""A request for a negative decision to be looked at again, within the reconsideration window, by whoever
the era allows to ask."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction

from core import working_days
from core.errors import Conflict, Invalid, NotAllowed
from decisions import permissions
from decisions.models import DecisionStatus, Outcome, Reconsideration, ReconsiderationRequester, Stage
from decisions.services.case import lock_case, move_case
from decisions.services.decision import DecisionConflict
from decisions.signals import reconsideration_requested
from decisions.workflow import CASE, Action
from organisations.models import User
from referrals.models import Referral
from referrals.permissions import is_referring_organisation, is_supporting_provider


class ReconsiderationWindowClosed(Conflict):
    """Reconsideration asked for after the window (NRM_RECONSIDERATION_WINDOW_DAYS) closed."""


def _requester_allowed(requested_for: str) -> None:
    if requested_for not in settings.NRM_RECONSIDERATION_REQUESTERS:
        allowed = ", ".join(ReconsiderationRequester(value).label.lower()
                            for value in settings.NRM_RECONSIDERATION_REQUESTERS)
        raise NotAllowed(f"Reconsideration can only be asked for by the {allowed}.")


def reconsideration_request(*, referral: Referral, reasons: str, new_evidence: str, by: User,
                            requested_for: str = "") -> Reconsideration:
    """Ask for a negative decision to be looked at again, within the window. The first responder or the
    support provider asks for themselves; where the era allows it (NRM_RECONSIDERATION_REQUESTERS) they, or
    the competent authority, record a request made by the person or their legal representative. The original
    decision stays on the record; a new decision of the same stage is drafted and second-reviewed."""
    with transaction.atomic():
        locked, case = lock_case(referral)
        if is_referring_organisation(by, locked):
            own = ReconsiderationRequester.FIRST_RESPONDER
        elif is_supporting_provider(by, locked):
            own = ReconsiderationRequester.SUPPORT_PROVIDER
        elif permissions.may_record(by, locked):
            own = None  # the competent authority only records a request made to it
        else:
            raise NotAllowed("Only the referring first responder, the person's support provider or the competent "
                             "authority can record a request for reconsideration.")
        on_behalf = (ReconsiderationRequester.PERSON, ReconsiderationRequester.LEGAL_REPRESENTATIVE)
        if own is None and requested_for not in on_behalf:
            raise NotAllowed("The competent authority records only a request made by the person or their legal "
                             "representative.")
        requested_for = requested_for or own
        if requested_for not in (own, *on_behalf):
            raise Invalid("Say who is asking for reconsideration.", fields={"requested_for": [
                "Select who is asking for the decision to be reconsidered"]})
        _requester_allowed(requested_for)
        latest = case.decisions.filter(status=DecisionStatus.SERVED).order_by("-served_at").first()
        if latest is None or latest.outcome != Outcome.NEGATIVE:
            raise CASE.refusal(Action.RECONSIDER_RG if latest is None or latest.stage == Stage.RG
                               else Action.RECONSIDER_CG, locked.status)
        if case.reconsideration_due_by and working_days.today() > case.reconsideration_due_by:
            raise ReconsiderationWindowClosed(
                f"Reconsideration had to be asked for by {case.reconsideration_due_by:%-d %B %Y}.")
        move_case(locked, Action.RECONSIDER_RG if latest.stage == Stage.RG else Action.RECONSIDER_CG)
        try:
            with transaction.atomic():
                reconsideration = Reconsideration.objects.create(case=case, decision=latest, reasons=reasons,
                                                                 new_evidence=new_evidence, requested_by=by,
                                                                 requested_for=requested_for)
        except IntegrityError as duplicate:
            raise DecisionConflict("Reconsideration of this decision has already been asked for.") from duplicate
        reconsideration_requested.send(sender=Reconsideration, reconsideration=reconsideration)
        return reconsideration
