"""Drafts (save, resume, expiry) and evidence documents (types, sizes, storage, download rights)."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from referrals.models import Referral, ReferralDocument
from referrals.services import (
    DocumentRejected,
    ReferralNotEditable,
    drafts_expire,
    referral_document_add,
    referral_start,
)
from referrals.signals import drafts_deleted
from tests.referrals.builders import completed_draft, save_sections

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _documents_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "documents"


@pytest.mark.parametrize("name, content", [("statement.pdf", PDF), ("photo.png", PNG), ("photo.JPG", JPEG),
                                           ("photo.jpeg", JPEG), ("letter.doc", DOC),
                                           ("letter.docx", None)])
def test_accepted_types_are_stored_under_server_generated_names(first_responder, name, content):
    referral = referral_start(by=first_responder)
    upload = SimpleUploadedFile(name, content or docx_bytes())
    document = referral_document_add(referral=referral, upload=upload, by=first_responder)
    stored = Path(document.file.path)
    assert stored.exists() and stored.read_bytes() == (content or docx_bytes())
    assert name not in str(stored) and stored.name == str(document.pk)
    assert str(stored).startswith(str(settings.MEDIA_ROOT))
    assert document.original_name == name


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("script.exe", b"MZ\x90\x00", "must be a PDF, DOC, DOCX, JPG or PNG"),
        ("page.html", b"<html></html>", "must be a PDF, DOC, DOCX, JPG or PNG"),
        ("fake.pdf", b"<script>alert(1)</script>", "contents are not"),
        ("image.png", PDF, "contents are not"),
        ("archive.docx", b"PK\x03\x04not really a zip", "contents are not"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_wrong_types_are_refused_by_name_and_content(first_responder, name, content, message):
    referral = referral_start(by=first_responder)
    with pytest.raises(DocumentRejected) as refused:
        referral_document_add(referral=referral, upload=SimpleUploadedFile(name, content), by=first_responder)
    assert message in refused.value.message
    assert not ReferralDocument.objects.exists()


def test_files_over_the_size_limit_are_refused(first_responder, settings):
    settings.NRM_MAX_DOCUMENT_BYTES = 1024
    referral = referral_start(by=first_responder)
    referral_document_add(referral=referral, upload=SimpleUploadedFile("ok.pdf", PDF + b" " * 900),
                          by=first_responder)
    with pytest.raises(DocumentRejected, match="smaller than"):
        referral_document_add(referral=referral, upload=SimpleUploadedFile("big.pdf", PDF + b" " * 1100),
                              by=first_responder)


def test_the_default_limit_is_25_megabytes():
    assert settings.NRM_MAX_DOCUMENT_BYTES == 25 * 1024 * 1024
    assert settings.NRM_MAX_DOCUMENTS == 100


def test_at_most_the_configured_number_of_files(first_responder, settings):
    settings.NRM_MAX_DOCUMENTS = 2
    referral = referral_start(by=first_responder)
    for n in range(2):
        referral_document_add(referral=referral, upload=SimpleUploadedFile(f"{n}.pdf", PDF), by=first_responder)
    with pytest.raises(DocumentRejected, match="up to 2 files"):
        referral_document_add(referral=referral, upload=SimpleUploadedFile("3.pdf", PDF), by=first_responder)


def test_another_organisation_cannot_add_documents(first_responder, other_first_responder):
    referral = referral_start(by=first_responder)
    with pytest.raises(ReferralNotEditable):
        referral_document_add(referral=referral, upload=SimpleUploadedFile("a.pdf", PDF), by=other_first_responder)
    assert not ReferralDocument.objects.exists()


def test_draft_untouched_28_days_is_deleted_recorded_and_its_author_told(first_responder):
    start = timezone.now()
    with time_machine.travel(start):
        draft = save_sections(referral_start(by=first_responder), {"first-responder": {"nation": "england"}},
                              first_responder)
        fresh = referral_start(by=first_responder)
    told = []

    def listener(sender, drafts, deleted_at, **kwargs):
        told.extend(drafts)

    drafts_deleted.connect(listener)
    try:
        with time_machine.travel(start + timedelta(days=27, hours=23)):
            assert drafts_expire() == 0
        with time_machine.travel(start + timedelta(days=28, hours=1)):
            assert drafts_expire() == 2
    finally:
        drafts_deleted.disconnect(listener)
    assert not Referral.objects.filter(pk__in=[draft.pk, fresh.pk]).exists()
    assert sorted(told) == sorted([(draft.pk, first_responder.pk), (fresh.pk, first_responder.pk)])
    deletion = Referral.pgh_event_model.objects.get(pgh_obj_id=draft.pk, pgh_label="delete")
    assert deletion.status == "draft"


def test_saving_a_section_restarts_the_expiry_clock(first_responder):
    start = timezone.now()
    with time_machine.travel(start):
        draft = referral_start(by=first_responder)
    with time_machine.travel(start + timedelta(days=22)):
        drafts_expire()
        save_sections(draft, {"first-responder": {"nation": "england"}}, first_responder)
    with time_machine.travel(start + timedelta(days=29)):
        assert drafts_expire() == 0
    assert Referral.objects.filter(pk=draft.pk).exists()


def test_submitted_referrals_never_expire(first_responder, competent_authorities):
    from referrals.services import referral_submit

    referral = referral_submit(referral=completed_draft(first_responder), by=first_responder)
    with time_machine.travel(timezone.now() + timedelta(days=400)):
        assert drafts_expire() == 0
    assert Referral.objects.filter(pk=referral.pk).exists()
