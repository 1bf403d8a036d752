"""Writes about organisations, users, second factors and API tokens."""

from __future__ import annotations

from base64 import b32decode

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.context import current_context
from core.errors import Conflict, Invalid, NotAllowed
from organisations import permissions
from organisations.acting import acting
from organisations.identity import normalised_email
from organisations.models import (
    AccountEvent,
    AccountEventKind,
    ApiToken,
    Organisation,
    Role,
    RoleGrantRequest,
    RoleGrantStatus,
    User,
)
from organisations.roles import group_for, role_may_belong_to, role_refusal, roles_refused


class SignInFailed(Exception):
    """Email, password or code not accepted; deliberately vague so it reveals nothing."""

    message = "Enter a correct email address, password and security code"


class RoleNotAllowedForOrganisation(Exception):
    pass


def second_factor_failed(*, request: HttpRequest, user: User) -> None:
    """Count a wrong security code towards the same lockout as a wrong password."""
    user_login_failed.send(sender=__name__, credentials={"email": user.email}, request=request)


def second_factor_verified(*, request: HttpRequest, user: User) -> None:
    """Only a full sign-in (password and code) clears the account's failures: a right password alone does
    not, so wrong codes keep counting until the right one (settings.AXES_RESET_ON_SUCCESS is off)."""
    AxesProxyHandler.reset_attempts(username=normalised_email(user.email))


def is_locked_out(*, request: HttpRequest, email: str) -> bool:
    return AxesProxyHandler.is_locked(request, credentials={"email": email})


def is_sign_in_locked(user: User) -> bool:
    """Whether the account is locked now (for the pages that offer to end it)."""
    return AxesProxyHandler.is_locked(HttpRequest(), credentials={"email": user.email})


def record_account_event(*, user: User, kind: AccountEventKind, detail: str = "", by: User | None = None) -> None:
    AccountEvent.objects.create(
        user=user, kind=kind, detail=detail[:200], by=by if getattr(by, "is_authenticated", False) else None,
        request_id=current_context.get().request_id,
    )


@transaction.atomic
def sign_in_lockout_end(*, user: User, by: User) -> None:
    """End an account's lockout: the route the real user has when someone else keeps failing on their
    account. Only a manager of the same organisation or an administrator, never for themselves; recorded."""
    if not permissions.may_end_lockout(by=by, user=user):
        raise NotAllowed("Only a manager in the same organisation or an administrator can end this lockout.")
    AxesProxyHandler.reset_attempts(username=normalised_email(user.email))
    for device in TOTPDevice.objects.select_for_update().filter(user=user):
        device.throttle_reset()
    record_account_event(user=user, kind=AccountEventKind.LOCKOUT_ENDED, by=by)


def totp_device_for(user: User) -> TOTPDevice | None:
    return user.totpdevice_set.filter(confirmed=True).first()


@transaction.atomic
def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """The unconfirmed device a first sign-in shows as a QR code; reused until confirmed."""
    device = user.totpdevice_set.filter(confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def verify_code(*, device: TOTPDevice, code: str) -> bool:
    """Check a code. TOTPDevice remembers the last time step used, so a code works once only."""
    return device.verify_is_allowed()[0] and device.verify_token(code)


def api_token_issue(*, request: HttpRequest, email: str, password: str, otp: str) -> tuple[ApiToken, str]:
    """Exchange email, password and a current code for a token. Returns (token, raw key);
    the raw key is shown once and only its digest kept."""
    user = authenticate(request=request, email=email, password=password)
    if user is None:
        raise SignInFailed
    device = totp_device_for(user)
    if device is None or not verify_code(device=device, code=otp):
        second_factor_failed(request=request, user=user)
        raise SignInFailed
    second_factor_verified(request=request, user=user)
    raw = ApiToken.new_raw_token()
    token = ApiToken.objects.create(
        user=user, digest=ApiToken.digest_of(raw), prefix=raw[:8],
        expires_at=timezone.now() + settings.API_TOKEN_TTL,
    )
    return token, raw


def api_token_revoke(*, token: ApiToken, by: User) -> None:
    if token.user_id != by.pk and not by.has_role(Role.ADMINISTRATOR):
        raise PermissionError("Only the token's owner or an administrator may revoke it.")
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


@transaction.atomic
def user_create(
    *, email: str, full_name: str, organisation: Organisation, roles: list[Role], password: str | None,
    totp_secret_base32: str | None = None,
) -> User:
    """Create a user in one organisation with roles that organisation holds."""
    for role in roles_refused(roles, organisation):
        raise RoleNotAllowedForOrganisation(role_refusal(role, organisation))
    user = User.objects.create_user(email=email, password=password, full_name=full_name, organisation=organisation)
    user.groups.set([group_for(role) for role in roles])
    if totp_secret_base32:
        TOTPDevice.objects.create(
            user=user, name="Authenticator app", confirmed=True, key=b32decode(totp_secret_base32).hex(),
        )
    return user


def _apply_access(*, user: User, organisation: Organisation, roles: set[Role], by: User) -> None:
    """Set the user's organisation and roles, keeping their per-record grant groups. The signal receivers
    (organisations.signals) write the account history and access log and revoke API tokens."""
    with acting(by):
        if user.organisation_id != organisation.pk:
            user.organisation = organisation
            user.save(update_fields=["organisation"])
        role_groups = {group_for(role) for role in roles}
        current = {group for group in user.groups.all() if group.name in {role.label for role in Role}}
        if current - role_groups:
            user.groups.remove(*(current - role_groups))
        if role_groups - current:
            user.groups.add(*(role_groups - current))
    user._roles_cache = None


def _check_roles_fit(organisation: Organisation, roles: set[Role]) -> None:
    for role in roles:
        if not role_may_belong_to(role, organisation):
            message = role_refusal(role, organisation)
            raise Invalid(message, fields={"groups": [message]})


@transaction.atomic
def user_access_change(
    *, user: User, organisation: Organisation, roles: set[Role], by: User,
) -> RoleGrantRequest | None:
    """An administrator changes someone's organisation and roles. Never their own. Taking roles away applies
    at once; anything that would let the user read personal records they could not read before (a new role
    of that kind, or such roles in another organisation) waits for a second administrator's approval and is
    returned as the pending request. Everything is recorded (organisations.signals)."""
    if not permissions.may_change_access(by=by, user=user):
        raise NotAllowed("An administrator cannot change their own roles or organisation.")
    user = User.objects.select_for_update().get(pk=user.pk)
    roles = set(roles)
    _check_roles_fit(organisation, roles)
    held = set(user.roles)
    moving = user.organisation_id != organisation.pk
    sensitive_new = (roles & permissions.APPROVAL_ROLES) if moving else (roles - held) & permissions.APPROVAL_ROLES
    if not sensitive_new:
        _apply_access(user=user, organisation=organisation, roles=roles, by=by)
        return None
    # Apply only what is safe now: roles taken away, in the current organisation. The rest waits.
    _apply_access(user=user, organisation=user.organisation, roles=held & roles, by=by)
    RoleGrantRequest.objects.filter(user=user, status=RoleGrantStatus.PENDING).update(
        status=RoleGrantStatus.REFUSED, decided_at=timezone.now(), decided_by=None,
    )
    grant = RoleGrantRequest.objects.create(
        user=user, organisation=organisation, roles=sorted(role.value for role in roles), requested_by=by,
    )
    record_account_event(
        user=user, kind=AccountEventKind.ROLE_GRANT_REQUESTED, by=by,
        detail=f"{', '.join(sorted(role.label for role in roles))} in organisation {organisation.pk}",
    )
    return grant


@transaction.atomic
def role_grant_decide(*, grant: RoleGrantRequest, approve: bool, by: User) -> None:
    """A second administrator approves (applies) or refuses a pending role grant."""
    grant = RoleGrantRequest.objects.select_for_update().select_related("user", "organisation").get(pk=grant.pk)
    if not permissions.may_decide_role_grant(by=by, grant=grant):
        raise NotAllowed("A second administrator, not the one who asked and not its subject, must decide this.")
    if grant.status != RoleGrantStatus.PENDING:
        raise Conflict("This request has already been decided.")
    roles = {Role(value) for value in grant.roles}
    if approve:
        _check_roles_fit(grant.organisation, roles)
        _apply_access(user=grant.user, organisation=grant.organisation, roles=roles, by=by)
    grant.status = RoleGrantStatus.APPROVED if approve else RoleGrantStatus.REFUSED
    grant.decided_by, grant.decided_at = by, timezone.now()
    grant.save(update_fields=["status", "decided_by", "decided_at"])
    record_account_event(
        user=grant.user, by=by,
        kind=AccountEventKind.ROLE_GRANT_APPROVED if approve else AccountEventKind.ROLE_GRANT_REFUSED,
        detail=f"request {grant.pk}",
    )
