"""Every route in the URLconf is either public by an explicit list or refuses an anonymous user.

The walk covers every pattern, so a page added later without protection fails here."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from organisations.public import PUBLIC_URL_NAMES

pytestmark = pytest.mark.django_db

_NAMED_GROUP = re.compile(r"\(\?P<(\w+)>([^()]*(?:\([^()]*\)[^()]*)*)\)")
_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
_SAMPLE = {"uuid": "6f1c2a4e-8b7d-4c3e-9a1b-2d3e4f5a6b7c", "int": "1", "str": "x", "slug": "x", "path": "x"}


def _sample_for_regex(body: str) -> str:
    literal_choices = body.split("|")
    if all(re.fullmatch(r"[\w-]+", choice) for choice in literal_choices):
        return literal_choices[0]
    fixed_digits = re.fullmatch(r"\\d\{(\d+)\}", body)
    if fixed_digits:
        return "1" * int(fixed_digits.group(1))
    if "0-9a-f" in body:
        return _SAMPLE["uuid"]
    if "0-9" in body or r"\d" in body:
        return "1"
    return "x"


def _concrete(pattern: str) -> str:
    pattern = _NAMED_GROUP.sub(lambda m: _sample_for_regex(m.group(2)), pattern)
    pattern = _CONVERTER.sub(lambda m: _SAMPLE.get(m.group(1) or "str", "x"), pattern)
    return pattern.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")


def all_routes(resolver: URLResolver | None = None, prefix: str = "") -> list[tuple[str, str]]:
    resolver = resolver or get_resolver()
    routes = []
    for entry in resolver.url_patterns:
        piece = _concrete(str(entry.pattern))
        if isinstance(entry, URLResolver):
            routes.extend(all_routes(entry, prefix + piece))
        elif isinstance(entry, URLPattern):
            routes.append(("/" + prefix + piece, entry.name or entry.lookup_str))
    return routes


ROUTES = all_routes()


def test_the_walk_finds_the_routes_it_should():
    names = {name for _, name in ROUTES}
    assert {"home", "sign-in", "sign-in-verify", "healthz", "api-token", "api-me", "api-schema"} <= names
    assert "/admin/" in {path for path, _ in ROUTES}
    assert len(ROUTES) > 40  # the admin alone contributes dozens


@pytest.mark.parametrize("path, name", ROUTES, ids=[f"{name}:{path}" for path, name in ROUTES])
def test_route_is_public_by_list_or_refuses_anonymous(path, name):
    resolve(path)  # the generated path really is this route
    client = Client()
    for method in (client.get, client.post):
        response = method(path)
        if name in PUBLIC_URL_NAMES:
            assert response.status_code < 500
            continue
        if path.startswith("/api/"):
            assert response.status_code == 401, f"{path} answered {response.status_code} to anonymous"
        else:
            assert response.status_code == 302, f"{path} answered {response.status_code} to anonymous"
            assert response.url.startswith("/sign-in/"), f"{path} redirected to {response.url}"
