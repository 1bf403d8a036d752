"""The quality audit: each quarter's sample of served decisions, and the auditors' findings."""

from __future__ import annotations

import math
import random
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.errors import NotAllowed
from decisions import permissions
from decisions.models import Decision, DecisionStatus, QualityAudit
from decisions.services.case import require
from organisations.models import User


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_bounds(quarter: str) -> tuple[datetime, datetime]:
    year, number = int(quarter[:4]), int(quarter[-1])
    start = timezone.make_aware(datetime(year, 3 * (number - 1) + 1, 1))
    end = timezone.make_aware(datetime(year + (number == 4), 1 if number == 4 else 3 * number + 1, 1))
    return start, end


def quality_sample_draw(*, quarter: str, rng: random.Random | None = None) -> list[QualityAudit]:
    """Draw the quarter's audit sample of served decisions: NRM_QUALITY_SAMPLE_PERCENT of them
    (rounded up), and at least one per decision maker who decided that quarter. Drawing twice
    adds nothing."""
    if QualityAudit.objects.filter(quarter=quarter).exists():
        return list(QualityAudit.objects.filter(quarter=quarter))
    rng = rng or random.SystemRandom()
    start, end = quarter_bounds(quarter)
    served = list(Decision.objects.filter(status=DecisionStatus.SERVED, served_at__gte=start, served_at__lt=end)
                  .order_by("pk").only("pk", "author_id"))
    if not served:
        return []
    by_author: dict[int, list[Decision]] = {}
    for decision in served:
        by_author.setdefault(decision.author_id, []).append(decision)
    chosen = {rng.choice(decisions).pk for decisions in by_author.values()}
    target = max(math.ceil(len(served) * settings.NRM_QUALITY_SAMPLE_PERCENT / 100), len(chosen))
    remaining = [decision.pk for decision in served if decision.pk not in chosen]
    chosen.update(rng.sample(remaining, min(target - len(chosen), len(remaining))))
    with transaction.atomic():
        return QualityAudit.objects.bulk_create(
            [QualityAudit(decision_id=pk, quarter=quarter) for pk in sorted(chosen)], ignore_conflicts=True)


def quality_audit_record(*, audit: QualityAudit, finding: str, feedback: str, by: User) -> QualityAudit:
    with transaction.atomic():
        locked = QualityAudit.objects.select_for_update().select_related("decision__case__referral").get(pk=audit.pk)
        referral = locked.decision.case.referral
        require(permissions.may_record_finding(by, referral), "Only quality auditors record findings.")
        if locked.decision.author_id == by.pk:
            raise NotAllowed("You cannot audit your own decision.")
        locked.finding, locked.feedback, locked.auditor, locked.completed_at = finding, feedback, by, timezone.now()
        locked.save()
    return locked
