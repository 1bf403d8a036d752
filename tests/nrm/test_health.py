"""/healthz answers 200 only when both the database and Redis answer."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def test_healthy_when_database_and_redis_answer():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_unhealthy_when_redis_does_not_answer():
    dead_redis = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                              "LOCATION": "redis://127.0.0.1:1/0", "KEY_PREFIX": "dead"}}
    with override_settings(CACHES=dead_redis):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["redis"] == "unavailable"
    assert response.json()["database"] == "ok"


def test_unhealthy_when_the_database_does_not_answer(monkeypatch):
    from django.db.backends.postgresql.base import DatabaseWrapper

    def refuse(*args, **kwargs):
        raise DatabaseWrapper.Database.OperationalError("database is down")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", refuse)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
