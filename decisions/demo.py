"""Demo cases in every state, for both competent authorities, made through the services.

Cases that need the recovery period to have run are given a served date 46 days back: the demo
records history that a new database cannot have lived through. Fictional people throughout."""

from __future__ import annotations

import datetime

from django.utils import timezone

from decisions.models import CaseFile, Decision, Outcome, Stage
from decisions.services.case import case_allocate, case_file_open
from decisions.services.decision import decision_draft, decision_send_for_review, decision_sign_off
from decisions.services.reconsideration import reconsideration_request
from organisations.models import User
from referrals.demo import REFERRER, _adult_nrm
from referrals.models import Referral
from referrals.sections import SECTIONS_BY_SLUG
from referrals.services import referral_section_save, referral_start, referral_submit

# marker, competent authority's demo prefix, asylum claimed (routes to UKBA), where the case is left
CASES = [
    ("DEMO-CASE-1", "ca", "no", "awaiting allocation"),
    ("DEMO-CASE-2", "ca", "no", "rg awaiting review"),
    ("DEMO-CASE-3", "ca", "no", "recovery period"),
    ("DEMO-CASE-4", "ca", "no", "cg positive"),
    ("DEMO-CASE-5", "ca", "no", "cg negative"),
    ("DEMO-CASE-6", "ca", "no", "reconsideration requested"),
    ("DEMO-CASE-7", "ukba", "yes", "awaiting allocation"),
    ("DEMO-CASE-8", "ukba", "yes", "rg awaiting review"),
    ("DEMO-CASE-9", "ukba", "yes", "recovery period"),
    ("DEMO-CASE-10", "ukba", "yes", "cg positive"),
]
NAMES = ["Ana", "Bilal", "Chen", "Dritan", "Esi", "Farid", "Goran", "Hana", "Ilir", "Joy"]


def _referral(marker: str, asylum: str, given: str, author: User) -> Referral:
    answers = _adult_nrm(given, "Demo", "1992-07-01", "AL", "female", ["labour"], ["Leeds"], [], asylum,
                         "Worked in a warehouse for no pay and lived on site.")
    answers["first-responder"]["own_reference"] = marker
    answers["your-details"] = {"referrer_name": author.full_name, "referrer_email": author.email, **REFERRER}
    referral = referral_start(by=author)
    for slug, section_answers in answers.items():
        referral_section_save(referral=referral, section_slug=slug,
                              data=SECTIONS_BY_SLUG[slug].form_class.data_from_answers(section_answers), by=author)
    return referral_submit(referral=referral, by=author)


def _serve(referral: Referral, stage: Stage, outcome: Outcome, decider: User, reviewer: User) -> Decision:
    draft = decision_draft(referral=referral, stage=stage, outcome=outcome, by=decider,
                           reasons="Demo reasons: indicators of labour exploitation are present and consistent.",
                           evidence_considered="The referral form and the first responder's answers.")
    return decision_sign_off(decision=decision_send_for_review(decision=draft, by=decider), by=reviewer)


def _recovery_period_has_run(referral: Referral) -> None:
    long_ago = timezone.now() - datetime.timedelta(days=46)
    Decision.objects.filter(case_id=referral.pk, stage=Stage.RG).update(served_at=long_ago)
    CaseFile.objects.filter(pk=referral.pk).update(recovery_period_ends_on=timezone.localdate()
                                                   - datetime.timedelta(days=1))


def seed_cases() -> int:
    responder = User.objects.get(email="fr.police@demo.nrm.test")
    created = 0
    for (marker, prefix, asylum, state), given in zip(CASES, NAMES, strict=True):
        if Referral.objects.filter(**{"answers__first-responder__own_reference": marker}).exists():
            continue
        manager = User.objects.get(email=f"{prefix}.manager@demo.nrm.test")
        decider = User.objects.get(email=f"{prefix}.decider@demo.nrm.test")
        reviewer = User.objects.get(email=f"{prefix}.reviewer@demo.nrm.test")
        referral = _referral(marker, asylum, given, responder)
        case_file_open(referral)
        created += 1
        if state == "awaiting allocation":
            continue
        case_allocate(referral=referral, to=decider, by=manager)
        if state == "rg awaiting review":
            decision_send_for_review(decision=decision_draft(
                referral=referral, stage=Stage.RG, outcome=Outcome.POSITIVE, by=decider,
                reasons="Demo reasons awaiting review.", evidence_considered="The referral form."), by=decider)
            continue
        if state == "reconsideration requested":
            _serve(referral, Stage.RG, Outcome.NEGATIVE, decider, reviewer)
            reconsideration_request(referral=referral, reasons="A GP letter has arrived since the decision.",
                                    new_evidence="GP letter describing injuries.", by=responder)
            continue
        _serve(referral, Stage.RG, Outcome.POSITIVE, decider, reviewer)
        if state == "recovery period":
            continue
        _recovery_period_has_run(referral)
        _serve(referral, Stage.CG, Outcome.POSITIVE if state == "cg positive" else Outcome.NEGATIVE, decider, reviewer)
    return created
