"""Backups that restore: the database with pg_dump/pg_restore and the document store with tar,
in one folder with a manifest of checksums, so a restore checks what it restores before touching anything.

    make backup                      # var/backups/nrm-<UTC time>/
    make restore BACKUP=var/backups/nrm-20261129T120000Z

A backup folder holds special-category personal data: keep it encrypted, off the host, with the same
access as the database (docs/operations.md). With documents in object storage (DOCUMENT_STORAGE_BACKEND
set) the store's own versioning covers them and only the database is dumped here."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.db import connections

DATABASE_FILE = "database.dump"
DOCUMENTS_FILE = "documents.tar.gz"
MANIFEST_FILE = "manifest.json"


class BackupError(Exception):
    pass


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (the PostgreSQL client tools, same major version as the server)")
    return path


def _environment(alias: str = "default") -> tuple[dict[str, str], list[str]]:
    """libpq's environment and the database name for pg_dump/pg_restore: the password never on a command line."""
    config = connections[alias].settings_dict
    environment = {**os.environ, "PGCONNECT_TIMEOUT": str(settings.DATABASE_CONNECT_TIMEOUT)}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if config.get(key):
            environment[variable] = str(config[key])
    return environment, ["--dbname", config["NAME"]]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _documents_on_disk() -> bool:
    return settings.STORAGES["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def backup(destination: Path, *, alias: str = "default") -> Path:
    """Write a new backup folder under `destination`; returns its path."""
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    folder = Path(destination) / f"nrm-{stamp}"
    folder.mkdir(parents=True, mode=0o700)
    environment, database = _environment(alias)
    subprocess.run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",  # noqa: S603
                    "--file", str(folder / DATABASE_FILE), *database], env=environment, check=True)
    files = [DATABASE_FILE]
    documents = Path(settings.MEDIA_ROOT)
    if _documents_on_disk():
        with tarfile.open(folder / DOCUMENTS_FILE, "w:gz") as archive:
            if documents.is_dir():
                archive.add(documents, arcname=".")
        files.append(DOCUMENTS_FILE)
    manifest = {"created_at": stamp, "database": connections[alias].settings_dict["NAME"],
                "documents": _documents_on_disk(), "files": {name: _sha256(folder / name) for name in files}}
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n")
    for path in folder.iterdir():
        path.chmod(0o600)  # personal data: readable by the operator's account only
    return folder


def verify(folder: Path) -> dict:
    """The manifest, once every file in it is present with its checksum; BackupError otherwise."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{folder} has no readable {MANIFEST_FILE}") from error
    for name, expected in manifest["files"].items():
        if not (folder / name).is_file() or _sha256(folder / name) != expected:
            raise BackupError(f"{name} is missing or does not match its checksum: not restoring")
    return manifest


def restore(folder: Path, *, alias: str = "default") -> None:
    """Replace the database and the document store with the backup's, after checking it.

    The database is restored in one transaction (all or nothing); documents are unpacked beside the
    store and swapped in only once the database is restored, so a failure leaves the old store."""
    folder = Path(folder)
    manifest = verify(folder)
    documents = Path(settings.MEDIA_ROOT)
    unpacked = documents.with_name(documents.name + ".restoring")
    if manifest["documents"]:
        shutil.rmtree(unpacked, ignore_errors=True)
        unpacked.mkdir(parents=True)
        with tarfile.open(folder / DOCUMENTS_FILE, "r:gz") as archive:
            archive.extractall(unpacked, filter="data")  # no absolute paths, links out or devices
    connections[alias].close()
    environment, database = _environment(alias)
    subprocess.run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",  # noqa: S603
                    "--single-transaction", "--exit-on-error", *database, str(folder / DATABASE_FILE)],
                   env=environment, check=True)
    if manifest["documents"]:
        previous = documents.with_name(documents.name + ".before-restore")
        shutil.rmtree(previous, ignore_errors=True)
        if documents.exists():
            documents.rename(previous)
        unpacked.rename(documents)
        shutil.rmtree(previous, ignore_errors=True)
