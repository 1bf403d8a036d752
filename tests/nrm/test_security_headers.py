"""Security headers and cookies: on every page, and as production configures them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.test import Client

from tests.conftest import sign_in
from tests.nrm.test_production_settings import ROOT, _production_env

pytestmark = pytest.mark.django_db


def _csp(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("path", ["/sign-in/", "/healthz", "/does-not-exist/"])
def test_public_pages_carry_the_security_headers(path):
    response = Client().get(path)
    csp = _csp(response)
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_the_one_inline_script_carries_the_pages_nonce():
    response = Client().get("/sign-in/")
    nonce = next(value for value in _csp(response)["script-src"] if value.startswith("'nonce-"))[7:-1]
    assert f'<script nonce="{nonce}">' in response.content.decode()


def test_signed_in_pages_are_never_stored(first_responder):
    client = sign_in(Client(), first_responder)
    for path in ["/", "/referrals/", "/api/v1/me/"]:
        cache_control = client.get(path)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, path


def test_cookies_are_http_only_and_same_site(first_responder):
    client = Client(enforce_csrf_checks=True)
    csrf = client.get("/sign-in/").cookies["csrftoken"]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"
    client = sign_in(Client(), first_responder)
    session = client.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"


def test_production_turns_on_hsts_and_secure_cookies():
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps({"
        "'hsts': s.SECURE_HSTS_SECONDS, 'sub': s.SECURE_HSTS_INCLUDE_SUBDOMAINS, 'ssl': s.SECURE_SSL_REDIRECT,"
        "'session': s.SESSION_COOKIE_SECURE, 'csrf': s.CSRF_COOKIE_SECURE,"
        "'http_only': s.SESSION_COOKIE_HTTPONLY, 'debug': s.DEBUG}))"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=_production_env(),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {"hsts": 31536000, "sub": True, "ssl": True, "session": True, "csrf": True,
                      "http_only": True, "debug": False}
