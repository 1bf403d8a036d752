"""Production settings: `check --deploy` is clean, and unsafe configurations refuse to start."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _production_env(**overrides: str) -> dict[str, str]:
    env = {
        key: value for key, value in os.environ.items()
        # DJANGO_ALLOW_ASYNC_UNSAFE is set for the browser tests; a deployment never has it.
        if key not in {"DEBUG", "SECRET_KEY", "NRM_ENVIRONMENT", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        NRM_ENVIRONMENT="production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="nrm.example.gov.uk",
        DATABASE_URL=os.environ.get("DATABASE_URL") or _current_database_url(),
        REDIS_URL=settings.REDIS_URL,
        DJANGO_SETTINGS_MODULE="nrm.settings",
    )
    env.update(overrides)
    return env


def _current_database_url() -> str:
    database = settings.DATABASES["default"]
    host = database["HOST"]
    if host.startswith("/"):
        return f"postgres://{database['USER']}@/{database['NAME']}?host={host}"
    return f"postgres://{database['USER']}@{host}:{database['PORT'] or 5432}/{database['NAME']}"


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"DEBUG": "true"}, "Production refuses to start with DEBUG on"),
        ({"SECRET_KEY": "development-only-secret-key-never-use-in-production-0123456789"}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
    ],
)
def test_production_refuses_unsafe_configuration(overrides, message):
    result = _manage("check", env=_production_env(**overrides))
    assert result.returncode != 0
    assert message in result.stderr


def test_production_without_a_secret_key_refuses_to_start():
    env = _production_env()
    del env["SECRET_KEY"]
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_seed_demo_refuses_to_run_in_production():
    result = _manage("seed_demo", env=_production_env())
    assert result.returncode != 0
    assert "refuses to run with DEBUG off" in result.stderr
