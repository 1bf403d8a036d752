"""Organisations, their people and the roles those people hold."""

from __future__ import annotations

import hashlib
import secrets

import pghistory
import pgtrigger
from django import forms
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class OrgRole(models.TextChoices):
    """A role an organisation holds; real organisations hold several (the Salvation Army refers people as a
    first responder and runs the victim care contract; a council refers and safeguards children)."""

    FIRST_RESPONDER = "first_responder", "First responder organisation"
    COMPETENT_AUTHORITY = "competent_authority", "Competent authority"
    PRIME_CONTRACTOR = "prime_contractor", "Prime contractor"
    SUPPORT_PROVIDER = "support_provider", "Support provider"
    MONITOR = "monitor", "Monitor"
    LOCAL_AUTHORITY = "local_authority", "Local authority children's services"
    CHILD_GUARDIAN = "child_guardian", "Independent child trafficking guardian service"


def org_roles_enabled() -> list[OrgRole]:
    """The organisation roles this deployment offers: the child guardian service only where the era has one
    (settings.NRM_CHILD_GUARDIANS_ENABLED)."""
    return [role for role in OrgRole
            if role != OrgRole.CHILD_GUARDIAN or getattr(settings, "NRM_CHILD_GUARDIANS_ENABLED", False)]


class OrgRoleSetField(ArrayField):
    """The set of OrgRole values an organisation holds, edited as ticked boxes."""

    def __init__(self, **kwargs):
        kwargs.setdefault("base_field", models.CharField(max_length=32, choices=OrgRole.choices))
        super().__init__(**kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("base_field", None)
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        defaults = {"form_class": forms.TypedMultipleChoiceField, "choices_form_class": None,
                    "choices": [(role.value, role.label) for role in org_roles_enabled()], "coerce": str,
                    "widget": forms.CheckboxSelectMultiple}
        defaults.update(kwargs)
        defaults.pop("choices_form_class")
        return models.Field.formfield(self, **defaults)


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def holding(self, *roles: OrgRole) -> OrganisationQuerySet:
        """Organisations that hold every one of `roles` (one role: those that hold it)."""
        return self.filter(roles__contains=list(roles))


class FirstResponderType(models.TextChoices):
    """The first responder organisation kinds the quarterly statistics break referrals down by."""

    GOVERNMENT_AGENCY = "government_agency", "Government agency"
    POLICE = "police", "Police"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    NGO = "ngo", "NGO and third sector"


class Role(models.TextChoices):
    """A user's roles; each is a Django group of the same label (see organisations.roles)."""

    FIRST_RESPONDER = "first_responder", "First responder"
    DECISION_MAKER = "decision_maker", "Decision maker"
    SECOND_REVIEWER = "second_reviewer", "Second reviewer"
    CA_MANAGER = "ca_manager", "Competent authority manager"
    QUALITY_AUDITOR = "quality_auditor", "Quality auditor"
    PC_CASE_MANAGER = "pc_case_manager", "Prime contractor case manager"
    SUPPORT_WORKER = "support_worker", "Support worker"
    MONITOR = "monitor", "Monitor"
    LA_SAFEGUARDING_LEAD = "la_safeguarding_lead", "Local authority safeguarding lead"
    CHILD_GUARDIAN = "child_guardian", "Independent child trafficking guardian"
    ADMINISTRATOR = "administrator", "Administrator"


# Everyone who works on a competent authority's cases (the queue, case pages, the casework API).
COMPETENT_AUTHORITY_ROLES = (Role.DECISION_MAKER, Role.SECOND_REVIEWER, Role.CA_MANAGER, Role.QUALITY_AUDITOR)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Organisation(models.Model):
    name = models.CharField(max_length=200)
    roles = OrgRoleSetField(
        default=list, help_text="The roles the organisation holds; a user's role must be one of these.",
    )
    first_responder_type = models.CharField(
        max_length=32,
        choices=FirstResponderType.choices,
        blank=True,
        help_text="Only for first responder organisations: how the statistics classify them.",
    )
    inbox_email = models.EmailField(
        blank=True,
        help_text="Team inbox for notifications (a reference and a link, never personal details).",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="organisation_name_unique_ci"),
            models.CheckConstraint(
                name="organisation_holds_known_roles",
                condition=models.Q(roles__len__gte=1) & models.Q(roles__contained_by=[r.value for r in OrgRole]),
            ),
            models.CheckConstraint(
                name="first_responder_type_only_for_first_responders",
                condition=(
                    models.Q(roles__contains=[OrgRole.FIRST_RESPONDER.value]) & ~models.Q(first_responder_type="")
                )
                | (~models.Q(roles__contains=[OrgRole.FIRST_RESPONDER.value]) & models.Q(first_responder_type="")),
            ),
        ]
        permissions = [("manage_organisations", "Can manage organisations and their users")]

    def __str__(self) -> str:
        return self.name

    def holds(self, *roles: OrgRole) -> bool:
        """Whether the organisation holds any of `roles`."""
        return any(role in self.roles for role in roles)

    def roles_display(self) -> str:
        labels = dict(OrgRole.choices)
        return ", ".join(str(labels.get(role, role)) for role in self.roles)

    def clean(self) -> None:
        super().clean()
        self.roles = sorted(set(self.roles or []))
        if not self.roles:
            raise ValidationError({"roles": "An organisation holds at least one role."})
        offered = {role.value for role in org_roles_enabled()}
        if not set(self.roles) <= offered:
            raise ValidationError({"roles": "The child guardian service is not enabled in this deployment."})
        if self.holds(OrgRole.FIRST_RESPONDER) and not self.first_responder_type:
            raise ValidationError({"first_responder_type": "A first responder organisation has a type."})
        if not self.holds(OrgRole.FIRST_RESPONDER) and self.first_responder_type:
            raise ValidationError({"first_responder_type": "Only first responder organisations have a type."})


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields) -> User:
        if not email:
            raise ValueError("Users sign in by email, so an email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username or "")


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    exclude=["password", "last_login"],
)
class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: they belong to one organisation and hold roles (groups)."""

    email = models.EmailField("email address", max_length=254, unique=True)
    full_name = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="users", null=True, blank=True,
        help_text="Every user except a break-glass superuser belongs to one organisation.",
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    away_until = models.DateField(
        null=True, blank=True,
        help_text="Away (leave, training) up to and including this day: shown when cases are allocated.",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
            models.CheckConstraint(
                name="user_has_organisation_unless_superuser",
                condition=models.Q(is_superuser=True) | models.Q(organisation__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs) -> None:
        self.email = self.email.lower()
        super().save(*args, **kwargs)

    def is_away(self, on) -> bool:
        return self.away_until is not None and on <= self.away_until

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name

    def _read_groups(self) -> None:
        """One query per request for both readings of the user's groups (setting `_roles_cache` to None reads
        them again)."""
        labels = {choice.label: choice for choice in Role}
        groups = list(self.groups.values_list("pk", "name"))
        self._roles_cache = frozenset(labels[name] for _, name in groups if name in labels)
        self._grant_group_ids_cache = frozenset(pk for pk, name in groups if name not in labels)

    @property
    def roles(self) -> frozenset[Role]:
        """The user's roles, read once per request from their groups."""
        if getattr(self, "_roles_cache", None) is None:
            self._read_groups()
        return self._roles_cache

    @property
    def grant_group_ids(self) -> frozenset[int]:
        """The user's groups that are not roles: those that hold per-record grants (a support provider's
        workers), read with the roles."""
        if getattr(self, "_roles_cache", None) is None or getattr(self, "_grant_group_ids_cache", None) is None:
            self._read_groups()
        return self._grant_group_ids_cache

    def has_role(self, *roles: Role) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def is_staff(self) -> bool:
        """Only administrators (and the break-glass superuser) reach the Django admin."""
        return self.is_active and (self.is_superuser or self.has_role(Role.ADMINISTRATOR))


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True)


class ApiToken(models.Model):
    """A machine client's bearer token. Only its SHA-256 digest is stored, so a database leak
    does not leak usable tokens; tokens expire and can be revoked."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text="First characters, to tell tokens apart in the admin.")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["user", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def new_raw_token() -> str:
        return secrets.token_urlsafe(32)

    @staticmethod
    def digest_of(raw: str) -> str:
        return _hash_token(raw)


class AccountEventKind(models.TextChoices):
    LOCKOUT_ENDED = "lockout_ended", "Sign-in lockout ended"
    ROLE_GRANTED = "role_granted", "Role granted"
    ROLE_REMOVED = "role_removed", "Role removed"
    ORGANISATION_CHANGED = "organisation_changed", "Organisation changed"
    ROLE_GRANT_REQUESTED = "role_grant_requested", "Role grant requested (awaiting a second administrator)"
    ROLE_GRANT_APPROVED = "role_grant_approved", "Role grant approved"
    ROLE_GRANT_REFUSED = "role_grant_refused", "Role grant refused"
    TOKENS_REVOKED = "tokens_revoked", "API tokens revoked"


class AccountEvent(models.Model):
    """What happened to an account that matters for access: roles, organisation, lockouts, tokens. Append-only
    (a trigger refuses UPDATE and DELETE), unlike Django's editable admin log; shown on the user's admin page.
    `detail` holds a role label or an organisation id, never personal details."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="account_events")
    kind = models.CharField(max_length=32, choices=AccountEventKind.choices)
    detail = models.CharField(max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="Who made the change; empty for the system.",
    )
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        triggers = [
            pgtrigger.Protect(name="account_event_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.detail})"


class RoleGrantStatus(models.TextChoices):
    PENDING = "pending", "Awaiting approval"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"


class RoleGrantRequest(models.Model):
    """An administrator's change that would let someone read personal records (a casework, care or first
    responder role, or such a role in another organisation): it waits here until a second administrator
    approves it. Nobody decides their own request, and nobody's request for themselves exists."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="role_grant_requests")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    roles = models.JSONField(help_text="The role values the user would hold once approved.")
    status = models.CharField(max_length=16, choices=RoleGrantStatus.choices, default=RoleGrantStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                name="role_grant_not_for_oneself", condition=~models.Q(user=models.F("requested_by")),
            ),
            models.CheckConstraint(
                name="role_grant_decided_by_a_second_administrator",
                condition=models.Q(decided_by__isnull=True) | ~models.Q(decided_by=models.F("requested_by")),
            ),
            models.CheckConstraint(
                name="role_grant_not_decided_by_its_subject",
                condition=models.Q(decided_by__isnull=True) | ~models.Q(decided_by=models.F("user")),
            ),
        ]

    def __str__(self) -> str:
        return f"Roles for user {self.user_id}: {self.get_status_display()}"

    @property
    def role_labels(self) -> list[str]:
        return [Role(value).label for value in self.roles]
