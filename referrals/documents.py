"""Evidence files: the types accepted, recognised by their content as well as their name."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO


@dataclass(frozen=True)
class AcceptedType:
    extensions: tuple[str, ...]
    content_type: str
    label: str


PDF = AcceptedType((".pdf",), "application/pdf", "PDF")
DOC = AcceptedType((".doc",), "application/msword", "Word document")
DOCX = AcceptedType((".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    "Word document")
JPEG = AcceptedType((".jpg", ".jpeg"), "image/jpeg", "JPEG image")
PNG = AcceptedType((".png",), "image/png", "PNG image")
ACCEPTED_EXTENSIONS = sorted({ext for kind in (PDF, DOC, DOCX, JPEG, PNG) for ext in kind.extensions})


def detect_type(stream: IO[bytes]) -> AcceptedType | None:
    """The file's real type from its first bytes (and, for .docx, its zip contents), or None."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2 compound file: .doc
        return DOC
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(stream) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            stream.seek(0)
        if "[Content_Types].xml" in names and any(name.startswith("word/") for name in names):
            return DOCX
    return None
