"""The restore drill: back up, wipe the database and the document store, restore, and find the
referral with its documents, its audit trail and its triggers intact."""

from __future__ import annotations

import hashlib
import shutil

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import InternalError, ProgrammingError, connection, transaction

from audit.models import AccessEvent
from nrm.backup import DATABASE_FILE, backup, restore
from referrals.models import Referral, ReferralDocument, ReferralStatus
from referrals.services import referral_document_add, referral_submit
from tests.referrals.builders import completed_draft
from tests.referrals.conftest import competent_authorities  # noqa: F401 - shared fixtures

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"


def _events(referral_id) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM referrals_referralevent WHERE pgh_obj_id = %s", [referral_id])
        return cursor.fetchone()[0]


def test_backup_wipe_restore_keeps_the_referral_its_documents_audit_trail_and_triggers(
        first_responder, competent_authorities, tmp_path):  # noqa: F811
    draft = completed_draft(first_responder)
    document = referral_document_add(referral=draft, by=first_responder,
                                     upload=SimpleUploadedFile("statement.pdf", PDF, content_type="application/pdf"))
    referral = referral_submit(referral=draft, by=first_responder)
    AccessEvent.objects.create(user=first_responder, action="view", record_type="referral", record_id=str(referral.pk))
    events_before, access_before = _events(referral.pk), AccessEvent.objects.count()
    assert events_before >= 2

    folder = backup(tmp_path / "backups")

    # The disaster: every table, trigger and function gone, and the documents with them.
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    shutil.rmtree(settings.MEDIA_ROOT)
    with pytest.raises(ProgrammingError, match='relation "referrals_referral" does not exist'), transaction.atomic():
        Referral.objects.count()

    call_command("restore", str(folder), "--yes")

    restored = Referral.objects.get(pk=referral.pk)
    assert (restored.reference, restored.status) == (referral.reference, referral.status)
    stored = ReferralDocument.objects.get(pk=document.pk, referral=restored)
    with stored.file.open("rb") as handle:
        content = handle.read()
    assert content == PDF and hashlib.sha256(content).hexdigest() == stored.sha256
    assert _events(referral.pk) == events_before, "the change history came back"
    assert AccessEvent.objects.count() == access_before, "the access log came back"

    # The triggers came back too: a change is recorded, and the access log is still append-only.
    Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.ALLOCATED)
    assert _events(referral.pk) == events_before + 1
    refused = "Cannot update or delete rows from audit_accessevent"
    with pytest.raises(InternalError, match=refused), transaction.atomic():
        AccessEvent.objects.all().delete()


def test_a_damaged_backup_is_refused_before_anything_is_touched(first_responder, tmp_path):
    folder = backup(tmp_path / "backups")
    with (folder / DATABASE_FILE).open("ab") as handle:
        handle.write(b"damage")
    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", str(folder), "--yes")
    assert Referral.objects.model._meta.db_table  # the database is untouched
    with pytest.raises(Exception, match="checksum"):
        restore(folder)
