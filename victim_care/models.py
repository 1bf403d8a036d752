"""Victim care under the prime contractor: providers and their tariffs, the person's support case,
allocations to one provider at a time, and the year's budget. Money is integer pence."""

from __future__ import annotations

import datetime

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, RangeOperators
from django.db import models
from django.db.models import F, Func, Q

from core.fields import FREE_TEXT_MAX
from organisations.models import Organisation
from referrals.models import Referral


class SupportType(models.TextChoices):
    ACCOMMODATION = "accommodation", "Accommodation"
    OUTREACH = "outreach", "Outreach"


class Service(models.TextChoices):
    """Support the strategy lists (paragraph 24)."""

    ACCOMMODATION = "accommodation", "Accommodation"
    MEDICAL = "medical", "Medical care"
    COUNSELLING = "counselling", "Counselling"
    INTERPRETING = "interpreting", "Translation and interpreting"
    LEGAL = "legal", "Legal advice"
    EDUCATION = "education", "Training and education"
    MATERIAL = "material", "Material help"
    SUBSISTENCE = "subsistence", "Subsistence"


class Region(models.TextChoices):
    NORTH_EAST = "north_east", "North East"
    NORTH_WEST = "north_west", "North West"
    YORKSHIRE = "yorkshire", "Yorkshire and the Humber"
    EAST_MIDLANDS = "east_midlands", "East Midlands"
    WEST_MIDLANDS = "west_midlands", "West Midlands"
    EAST = "east", "East of England"
    LONDON = "london", "London"
    SOUTH_EAST = "south_east", "South East"
    SOUTH_WEST = "south_west", "South West"
    WALES = "wales", "Wales"


class ProviderProfile(models.Model):
    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT, primary_key=True,
                                        related_name="provider_profile")
    regions = ArrayField(models.CharField(max_length=16, choices=Region.choices), default=list)
    services = ArrayField(models.CharField(max_length=16, choices=Service.choices), default=list)
    women_only_beds = models.PositiveIntegerField(default=0)
    men_only_beds = models.PositiveIntegerField(default=0)
    family_beds = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Provider profile of {self.organisation_id}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class Tariff(models.Model):
    """A provider's daily rate for a support type, in force from `valid_from` until the next one."""

    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="tariffs")
    support_type = models.CharField(max_length=16, choices=SupportType.choices)
    daily_rate_pence = models.PositiveIntegerField()
    valid_from = models.DateField()

    class Meta:
        ordering = ["provider", "support_type", "valid_from"]
        constraints = [models.UniqueConstraint(fields=["provider", "support_type", "valid_from"],
                                               name="one_rate_per_provider_type_day")]

    def __str__(self) -> str:
        return f"{self.provider_id} {self.support_type} from {self.valid_from}: {self.daily_rate_pence}p"


class SupportStatus(models.TextChoices):
    AWAITING_ALLOCATION = "awaiting_allocation", "Awaiting allocation"
    SUPPORTED = "supported", "Supported"
    EXITED = "exited", "Exited"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), exclude=["needs", "risks"])
class SupportCase(models.Model):
    """An adult's referral to the prime contractor after a served positive RG."""

    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="support_case")
    opened_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=24, choices=SupportStatus.choices,
                              default=SupportStatus.AWAITING_ALLOCATION, db_index=True)
    needs = models.TextField(max_length=FREE_TEXT_MAX, blank=True)
    risks = models.TextField(max_length=FREE_TEXT_MAX, blank=True)
    exit_reason = models.CharField(max_length=200, blank=True)
    exited_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [
            # The prime contractor's lists (awaiting, supported now) and the API's newest first.
            models.Index(fields=["status", "opened_at"], name="supportcase_status_opened_idx"),
            models.Index(fields=["-opened_at"], name="supportcase_newest_idx"),
            # The prime contractor's waiting-for-CG and move-on lists: everyone not exited, oldest first.
            models.Index(fields=["opened_at", "id"], name="supportcase_open_opened_idx",
                         condition=~Q(status=SupportStatus.EXITED)),
        ]

    def __str__(self) -> str:
        return f"Support case {self.pk}"


class _DayRange(Func):
    function = "DATERANGE"
    output_field = models.Field()


class _IdRange(Func):
    """int8range(id, id, '[]'): lets a plain GiST index compare ids without the btree_gist extension,
    which the embedded PostgreSQL does not ship."""

    function = "INT8RANGE"
    template = "%(function)s(%(expressions)s, %(expressions)s, '[]')"
    output_field = models.Field()


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class Allocation(models.Model):
    """One provider, one support type, from `start_on` up to but not including `end_on`; a move ends
    one allocation and starts the next on the same day, so every supported day is paid once."""

    support_case = models.ForeignKey(SupportCase, on_delete=models.PROTECT, related_name="allocations")
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="allocations")
    support_type = models.CharField(max_length=16, choices=SupportType.choices)
    start_on = models.DateField()
    end_on = models.DateField(null=True, blank=True, help_text="First day no longer supported; empty while open.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["start_on"]
        indexes = [
            # Who a provider supports now, and its beds in use: only open allocations, a small share.
            models.Index(fields=["provider", "start_on"], condition=Q(end_on__isnull=True),
                         name="allocation_open_idx"),
        ]
        constraints = [
            models.CheckConstraint(name="allocation_ends_after_it_starts",
                                   condition=Q(end_on__isnull=True) | Q(end_on__gt=F("start_on"))),
            ExclusionConstraint(
                name="no_overlapping_allocations_per_person",
                index_type="GIST",
                expressions=[
                    (_IdRange(F("support_case_id")), RangeOperators.OVERLAPS),
                    (_DayRange(F("start_on"), F("end_on"), models.Value("[)")), RangeOperators.OVERLAPS),
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"Allocation {self.pk}"

    @property
    def last_day(self) -> datetime.date | None:
        """The last day supported (and paid): the day before `end_on`; None while open."""
        return self.end_on - datetime.timedelta(days=1) if self.end_on else None


class BudgetYear(models.Model):
    """The adult victim care budget for a financial year (1 April to 31 March)."""

    starts_on = models.DateField(unique=True, help_text="1 April of the financial year.")
    amount_pence = models.PositiveBigIntegerField()

    class Meta:
        constraints = [models.CheckConstraint(name="budget_year_starts_1_april",
                                              condition=Q(starts_on__month=4, starts_on__day=1))]

    def __str__(self) -> str:
        return f"Budget from {self.starts_on}"


class EntryKind(models.TextChoices):
    ASSESSMENT = "assessment", "Needs and risk assessment"
    CARE_PLAN = "care_plan", "Care plan"
    CONTACT = "contact", "Contact"
    SERVICE = "service", "Service delivered"
    ACCOMMODATION = "accommodation", "Accommodation"
    INCIDENT = "incident", "Incident (missing, safeguarding concern)"
    EXIT_PLAN = "exit_plan", "Exit and move-on plan"


class CareRecordEntry(models.Model):
    """One entry in a person's care record. Entries are never changed: a correction is a new entry
    that points at the one it corrects (a database trigger refuses updates and deletes)."""

    support_case = models.ForeignKey(SupportCase, on_delete=models.PROTECT, related_name="care_entries")
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                 help_text="The organisation that wrote it; it keeps read access after a move.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=EntryKind.choices)
    text = models.TextField(max_length=FREE_TEXT_MAX)
    review_due_on = models.DateField(null=True, blank=True, help_text="Care plans: when it is next reviewed.")
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["support_case", "provider"])]
        triggers = [pgtrigger.Protect(name="care_entry_append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"
