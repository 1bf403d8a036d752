"""Decision jobs. Messages carry ids; emails carry a reference and a link, nothing about the person."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.urls import reverse
from django.utils import timezone

from core.email import send_templated_email
from core.jobs import ReliableTask, about_referral
from decisions.models import Decision, DecisionStatus
from decisions.services.case import cases_close_due
from decisions.services.quality import quality_sample_draw, quarter_of


@shared_task(base=ReliableTask, name="decisions.tasks.send_decision_notice")
def send_decision_notice(decision_id: int) -> int:
    """Tell the referring organisation's inbox that a decision on their referral has been served."""
    decision = (Decision.objects.select_related("case__referral__first_responder_organisation")
                .filter(pk=decision_id, status=DecisionStatus.SERVED).first())
    if decision is None:
        return 0
    referral = decision.case.referral
    about_referral(referral.pk)
    return send_templated_email("decision_served", {
        "reference": referral.reference, "stage": decision.get_stage_display(),
        "link": reverse("referrals:detail", args=[referral.pk]),
    }, [referral.first_responder_organisation.inbox_email])


@shared_task(name="decisions.tasks.draw_quality_sample")
def draw_quality_sample() -> int:
    """At the start of each quarter, sample the previous quarter's served decisions."""



    first_of_quarter = timezone.localdate().replace(day=1)
    previous_quarter = quarter_of(first_of_quarter - timedelta(days=1))
    return len(quality_sample_draw(quarter=previous_quarter))


@shared_task(name="decisions.tasks.close_cases_due")
def close_cases_due() -> int:
    """Daily: close negative decisions whose reconsideration window has passed and cases whose move-on has
    ended (exactly once each, however often it runs)."""
    return cases_close_due()
