"""Receivers that keep account changes honest whatever path makes them (a service, the admin, a shell):
each role or organisation change is written to the append-only account history and the access log, and a
changed password, role or organisation revokes the user's API tokens (a token must not outlive the access
it was issued for)."""

from __future__ import annotations

from django.utils import timezone

from audit.models import AccessAction
from audit.services import record_access
from organisations.acting import acting_user
from organisations.models import AccountEventKind, ApiToken, Role, User
from organisations.services import record_account_event

_ROLE_LABELS = {role.label: role for role in Role}


def _event(user: User, kind: AccountEventKind, detail: str = "") -> None:
    record_account_event(user=user, kind=kind, detail=detail, by=acting_user.get())


def tokens_revoke(user: User, reason: str) -> int:
    count = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if count:
        _event(user, AccountEventKind.TOKENS_REVOKED, reason)
    return count


def _access_changed(user: User) -> None:
    record_access(user=acting_user.get(), action=AccessAction.ACCOUNT_CHANGE, record=user)


def on_groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    if reverse or not isinstance(instance, User):
        return  # roles are changed from the user's side everywhere in this service
    if action == "pre_clear":
        instance._groups_before_clear = set(instance.groups.values_list("name", flat=True))
        return
    if action == "post_clear":
        names = getattr(instance, "_groups_before_clear", set())
        kind = AccountEventKind.ROLE_REMOVED
    elif action in ("post_add", "post_remove"):
        names = set(model.objects.filter(pk__in=pk_set or ()).values_list("name", flat=True))
        kind = AccountEventKind.ROLE_GRANTED if action == "post_add" else AccountEventKind.ROLE_REMOVED
    else:
        return
    roles = sorted(name for name in names if name in _ROLE_LABELS)
    if not roles:
        return  # a per-record grant group (a provider's workers), not a role
    instance._roles_cache = None
    for label in roles:
        _event(instance, kind, label)
    _access_changed(instance)
    tokens_revoke(instance, "roles changed")


def on_user_pre_save(sender, instance: User, update_fields=None, **kwargs) -> None:
    if instance.pk is None or (update_fields is not None and "organisation" not in update_fields):
        instance._organisation_before = instance.organisation_id
        return
    instance._organisation_before = (
        User.objects.filter(pk=instance.pk).values_list("organisation_id", flat=True).first()
    )


def on_user_post_save(sender, instance: User, created: bool, **kwargs) -> None:
    if getattr(instance, "_password", None) is not None and not created:
        tokens_revoke(instance, "password changed")
    before = getattr(instance, "_organisation_before", instance.organisation_id)
    if not created and before != instance.organisation_id:
        _event(instance, AccountEventKind.ORGANISATION_CHANGED, f"organisation {before} to {instance.organisation_id}")
        _access_changed(instance)
        tokens_revoke(instance, "organisation changed")
