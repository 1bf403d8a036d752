"""Writing the access log. Selectors call record_access when they hand out personal records."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.http import Http404

from audit.context import current_context
from audit.models import AccessAction, AccessEvent


def _record_type(model: type[models.Model] | models.Model) -> str:
    return model._meta.label_lower


def record_access(
    *, user, action: AccessAction, record: models.Model | None = None,
    record_type: type[models.Model] | None = None, record_id: object = "",
) -> AccessEvent:
    """Log one look at (or attempt to reach) a record. Stores ids only, never content."""
    context = current_context.get()
    if record is not None:
        record_type_label, record_id = _record_type(record), record.pk
    elif record_type is not None:
        record_type_label = _record_type(record_type)
    else:
        raise ValueError("record_access needs a record or a record type")
    return AccessEvent.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        record_type=record_type_label,
        record_id=str(record_id)[:64],
        endpoint=context.endpoint,
        request_id=context.request_id,
        ip_address=context.ip_address,
    )


def refused(*, user, record_type: type[models.Model], record_id: object) -> Http404:
    """Log an attempt to reach a record the user may not see, and return the 404 to raise:
    to them the record does not exist, whether it is missing or someone else's."""
    record_access(user=user, action=AccessAction.DENIED, record_type=record_type, record_id=record_id)
    return Http404("No such record")


def record_list_access(*, user, records: Iterable[models.Model], model: type[models.Model]) -> None:
    """Log that a list page showed these records: one row per record, in one INSERT."""
    context = current_context.get()
    actor = user if getattr(user, "is_authenticated", False) else None
    AccessEvent.objects.bulk_create(
        AccessEvent(
            user=actor, action=AccessAction.LIST, record_type=_record_type(model), record_id=str(record.pk),
            endpoint=context.endpoint, request_id=context.request_id, ip_address=context.ip_address,
        )
        for record in records
    )
