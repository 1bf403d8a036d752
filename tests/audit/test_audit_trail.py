"""The audit trail: change history with request context, an access log, and neither editable."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from audit.models import AccessAction, AccessEvent
from audit.services import record_access
from organisations.models import Organisation, User
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def _refuses(sql: str, params: list, *, trigger: str) -> bool:
    """True when the statement is refused by the named trigger (its function appears in the error's
    context): any other error (a typo in a column name, a missing table) fails the test instead."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as error:
        message = str(error)
        assert "pgtrigger: Cannot update or delete rows from" in message and f"pgtrigger_{trigger}_" in message, \
            message
        return True
    return False


APPEND_ONLY = (r"(?s)pgtrigger: Cannot update or delete rows from audit_accessevent table"
               r".*pgtrigger_access_event_append_only_")


def test_access_events_cannot_be_updated_or_deleted(first_responder):
    event = record_access(user=first_responder, action=AccessAction.VIEW, record=first_responder.organisation)
    assert _refuses("UPDATE audit_accessevent SET record_id = 'x' WHERE id = %s", [event.pk],
                    trigger="access_event_append_only")
    assert _refuses("DELETE FROM audit_accessevent WHERE id = %s", [event.pk], trigger="access_event_append_only")
    with pytest.raises(DatabaseError, match=APPEND_ONLY), transaction.atomic():
        AccessEvent.objects.filter(pk=event.pk).update(action=AccessAction.LIST)
    with pytest.raises(DatabaseError, match=APPEND_ONLY), transaction.atomic():
        AccessEvent.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert event.action == AccessAction.VIEW


def test_change_history_cannot_be_updated_or_deleted(first_responder):
    organisation = first_responder.organisation
    organisation.name = "Renamed Police Service"
    organisation.save()
    events = Organisation.pgh_event_model.objects.filter(pgh_obj_id=organisation.pk)
    assert events.count() == 2  # insert and update
    assert _refuses(f"UPDATE {Organisation.pgh_event_model._meta.db_table} SET name = 'forged'", [],
                    trigger="append_only")
    assert _refuses(f"DELETE FROM {Organisation.pgh_event_model._meta.db_table}", [], trigger="append_only")
    assert _refuses(f"DELETE FROM {User.pgh_event_model._meta.db_table}", [], trigger="append_only")


def test_changes_record_who_made_them_and_from_which_request(administrator):
    client = sign_in(Client(), administrator)
    target = Organisation.objects.create(name="Charity to rename", roles=["first_responder"],
                                         first_responder_type="ngo")
    response = client.post(
        f"/admin/organisations/organisation/{target.pk}/change/",
        {"name": "Renamed charity", "roles": ["first_responder"], "first_responder_type": "ngo", "is_active": "on",
         "inbox_email": ""},
        HTTP_USER_AGENT="pytest-agent", HTTP_X_REQUEST_ID="req-audit-0001",
    )
    assert response.status_code == 302
    update = Organisation.pgh_event_model.objects.get(pgh_obj_id=target.pk, pgh_label="update")
    context = update.pgh_context.metadata
    assert context["user"] == administrator.pk
    assert context["request_id"] == "req-audit-0001"
    assert context["user_agent"] == "pytest-agent"
    assert context["url"] == f"/admin/organisations/organisation/{target.pk}/change/"


def test_password_hashes_are_not_copied_into_history(first_responder):
    first_responder.set_password("a-new-password-for-test")
    first_responder.save()
    columns = {field.name for field in User.pgh_event_model._meta.get_fields()}
    assert "password" not in columns and "last_login" not in columns


def test_record_access_stores_ids_and_request_context_only(first_responder):
    event = record_access(user=first_responder, action=AccessAction.DENIED, record_type=Organisation, record_id=42)
    assert event.record_type == "organisations.organisation"
    assert event.record_id == "42"
    assert event.user == first_responder
