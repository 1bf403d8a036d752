"""Attack finding 9: the service's database user could TRUNCATE the access log. The role the service runs
as (nrm/app_role.py, granted by `manage.py grant_app_role`) is refused TRUNCATE everywhere and UPDATE or
DELETE on the audit tables, while the service's own reads and writes still work."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from audit.models import AccessAction, AccessEvent
from audit.services import record_access
from nrm.app_role import audit_tables
from organisations.models import AccountEvent, AccountEventKind, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def app_role(first_responder):
    """A role made for this test inside its transaction (CREATE ROLE is transactional, so it is gone after),
    named after the test database so engineers sharing the server do not collide; the session acts as it."""
    role = f"nrm_app_{connection.settings_dict['NAME']}"[:60]
    AccessEvent.objects.create(action=AccessAction.VIEW, record_type="referrals.referral", record_id="1")
    AccountEvent.objects.create(user=first_responder, kind=AccountEventKind.LOCKOUT_ENDED)
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
    call_command("grant_app_role", role, stdout=open("/dev/null", "w"))  # noqa: SIM115 - discarded output
    with connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{role}"')
    yield role
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


def _refused(statement: str) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    except DatabaseError as error:
        assert "permission denied" in str(error) or "must be owner" in str(error), error
        return True
    return False


@pytest.mark.parametrize("table", ["audit_accessevent", "organisations_accountevent"])
def test_the_app_role_cannot_truncate_delete_or_update_the_append_only_logs(app_role, table):
    assert _refused(f"TRUNCATE {table}")
    assert _refused(f"DELETE FROM {table}")
    assert _refused(f"UPDATE {table} SET id = id")


def test_the_app_role_cannot_truncate_or_delete_the_change_history(app_role):
    history = audit_tables()["history"]
    assert "referrals_referralevent" in history and "pghistory_context" in history
    for table in history:
        assert _refused(f"TRUNCATE {table}"), table
        assert _refused(f"DELETE FROM {table}"), table


def test_the_app_role_cannot_truncate_other_tables_or_alter_them(app_role):
    assert _refused("TRUNCATE referrals_referral CASCADE")
    assert _refused("ALTER TABLE audit_accessevent DISABLE TRIGGER ALL")
    assert _refused("DROP TABLE audit_accessevent")


def test_the_app_role_still_does_the_services_work(app_role, first_responder):
    record_access(user=first_responder, action=AccessAction.VIEW, record=first_responder)
    assert AccessEvent.objects.filter(user=first_responder).exists()
    User.objects.filter(pk=first_responder.pk).update(full_name="Renamed")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE tableowner = current_user")
        assert cursor.fetchone()[0] == 0  # owns nothing
