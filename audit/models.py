"""The access log: who looked at which personal record, when, and through which page or endpoint.

Change history (who changed what) is django-pghistory's, written by database triggers.
Both are append-only: a trigger refuses UPDATE and DELETE on their rows.
"""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.db import models


class AccessAction(models.TextChoices):
    VIEW = "view", "Viewed a record"
    LIST = "list", "Listed records"
    DOWNLOAD = "download", "Downloaded a document"
    EXPORT = "export", "Exported records"
    DENIED = "denied", "Tried to reach a record they may not see"
    ACCOUNT_CHANGE = "account_change", "Changed an account's roles or organisation"


class AccessEvent(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="access_events"
    )
    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=16, choices=AccessAction.choices)
    record_type = models.CharField(max_length=100, help_text="app_label.model of the record")
    record_id = models.CharField(max_length=64, blank=True, help_text="Primary key; never a name or reference")
    endpoint = models.CharField(max_length=200, blank=True, help_text="URL pattern name or route")
    request_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["record_type", "record_id", "occurred_at"])]
        triggers = [
            pgtrigger.Protect(name="access_event_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.record_type}#{self.record_id} by {self.user_id}"
