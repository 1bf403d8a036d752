"""Liveness and readiness: /healthz/live asks nothing; /healthz/ready asks PostgreSQL and Redis,
each with a short timeout, and answers within a second whatever they do; both whatever the Host header."""

from __future__ import annotations

import time

import pytest
from django.db import connections
from django.test import Client

from tests.nrm.outage import closed_port, hung_server, redis_caches

pytestmark = pytest.mark.django_db


def _timed_get(path: str, **headers):
    started = time.monotonic()
    response = Client().get(path, **headers)
    return response, time.monotonic() - started


def _not_ready_within_a_second() -> dict:
    """The readiness check's answer: a 503 within a second, whatever is down or hung."""
    response, seconds = _timed_get("/healthz/ready")
    assert response.status_code == 503
    assert seconds < 1, f"readiness took {seconds:.2f} s"
    return response.json()


@pytest.mark.parametrize("path", ["/healthz/ready", "/healthz"])
def test_ready_when_database_and_redis_answer(path):
    response = Client().get(path)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_live_and_ready_answer_whatever_the_host_header():
    """A probe addresses the pod by its IP, which ALLOWED_HOSTS does not list."""
    for path in ("/healthz/live", "/healthz/ready"):
        response = Client().get(path, HTTP_HOST="10.1.2.3:8000")
        assert response.status_code == 200, path
    assert Client().get("/sign-in/", HTTP_HOST="10.1.2.3:8000").status_code == 400, "other pages still check it"


def test_live_asks_no_dependency_so_a_dead_redis_and_database_leave_it_alive(settings, monkeypatch):
    settings.CACHES = redis_caches(settings, f"redis://127.0.0.1:{closed_port()}/0")
    monkeypatch.setitem(connections["default"].settings_dict, "PORT", str(closed_port()))
    response, seconds = _timed_get("/healthz/live")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert seconds < 0.2


def test_not_ready_when_redis_refuses_connections(settings):
    settings.CACHES = redis_caches(settings, f"redis://127.0.0.1:{closed_port()}/0")
    assert _not_ready_within_a_second() == {"status": "unavailable", "database": "ok", "redis": "unavailable"}


def test_not_ready_within_a_second_when_redis_hangs(settings):
    with hung_server() as port:
        settings.CACHES = redis_caches(settings, f"redis://127.0.0.1:{port}/0")
        answer = _not_ready_within_a_second()
    assert answer["redis"] in {"unavailable", "timeout"}
    assert answer["database"] == "ok"


def test_not_ready_when_the_database_refuses_connections(monkeypatch):
    monkeypatch.setitem(connections["default"].settings_dict, "PORT", str(closed_port()))
    assert _not_ready_within_a_second() == {"status": "unavailable", "database": "unavailable", "redis": "ok"}


def test_not_ready_within_a_second_when_the_database_hangs(monkeypatch):
    with hung_server() as port:
        monkeypatch.setitem(connections["default"].settings_dict, "PORT", str(port))
        answer = _not_ready_within_a_second()
    assert answer["database"] == "timeout"
