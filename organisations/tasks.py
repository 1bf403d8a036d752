from __future__ import annotations

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from organisations.models import ApiToken


@shared_task(name="organisations.tasks.remove_expired_credentials")
def remove_expired_credentials() -> dict[str, int]:
    """Delete tokens expired or revoked over a week ago, and expired sessions. Safe to run twice."""
    cutoff = timezone.now() - timezone.timedelta(days=7)
    tokens, _ = ApiToken.objects.filter(expires_at__lt=cutoff).delete()
    revoked, _ = ApiToken.objects.filter(revoked_at__lt=cutoff).delete()
    sessions, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return {"tokens": tokens + revoked, "sessions": sessions}
