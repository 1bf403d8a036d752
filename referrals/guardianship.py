"""Independent Child Trafficking Guardians: which guardian service is assigned to which child.

The model lives in its own module (referrals.models imports it, so Django and `referrals.models` know it)
to keep the referral's own module short. It sits in `referrals`, beside the child's local authority, because
the referral's visibility (referrals.selectors.referrals_visible_to) reads it: a guardian sees what the
child's local authority sees, for the children their service is assigned to, and nothing else.

An assignment is never deleted or rewritten: ending or replacing it stamps who ended it, when and why, and a
replacement is a new row, so the rows are the record of every guardian the child has had. The change
history (pghistory, with the request's user and address) records each write as well."""

from __future__ import annotations

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone

from organisations.models import Organisation


class GuardianAssignmentQuerySet(models.QuerySet["GuardianAssignment"]):
    def current(self) -> GuardianAssignmentQuerySet:
        """The assignments not ended: at most one per child (a partial unique constraint)."""
        return self.filter(ended_at__isnull=True)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), exclude=["end_reason"])
class GuardianAssignment(models.Model):
    """A guardian service (and, once the service has named one, its guardian) assigned to a child's referral."""

    referral = models.ForeignKey("referrals.Referral", on_delete=models.PROTECT, related_name="guardian_assignments")
    guardian_service = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+",
        help_text="An organisation holding the child guardian service role.",
    )
    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="The named guardian, a guardian of the service; empty until the service names one.",
    )
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    end_reason = models.CharField(max_length=500, blank=True)

    objects = GuardianAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["-assigned_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["referral"], condition=models.Q(ended_at__isnull=True),
                                    name="one_current_guardian_per_child"),
            models.CheckConstraint(
                name="guardian_assignment_ended_by_someone_for_a_reason",
                condition=models.Q(ended_at__isnull=True, ended_by__isnull=True, end_reason="")
                | (models.Q(ended_at__isnull=False, ended_by__isnull=False) & ~models.Q(end_reason="")),
            ),
            models.CheckConstraint(
                name="guardian_assignment_ends_after_it_starts",
                condition=models.Q(ended_at__isnull=True) | models.Q(ended_at__gte=models.F("assigned_at")),
            ),
        ]
        indexes = [
            # A guardian service's children, newest assignment first: its list and home page panel.
            models.Index(fields=["guardian_service", "-assigned_at"], condition=models.Q(ended_at__isnull=True),
                         name="current_guardians_by_service"),
        ]
        triggers = [
            pgtrigger.Protect(name="guardian_assignment_kept", operation=pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"Guardian service {self.guardian_service_id} for referral {self.referral_id}"

    @property
    def is_current(self) -> bool:
        return self.ended_at is None
