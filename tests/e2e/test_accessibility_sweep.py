"""Accessibility sweep: signed in as one demo account of each role, follow every link the service
shows that person (one page per URL pattern), and run axe-core on each page; on every page, each
form's fields and submit button can be reached with the keyboard. The demo data (`seed_demo`) gives
each role real records to see.

Not swept: the Django admin (administrators only, Django's own pages), the API documentation
(Swagger UI's own page), downloads and sign-out."""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import Page

from tests.e2e.conftest import _new_context, assert_accessible, sign_in_as

pytestmark = pytest.mark.django_db(transaction=True)

ONE_PER_ROLE = ["fr.police@demo.nrm.test", "ca.decider@demo.nrm.test", "ca.reviewer@demo.nrm.test",
                "ca.manager@demo.nrm.test", "qa.auditor@demo.nrm.test", "sa.manager@demo.nrm.test",
                "sp.medaille@demo.nrm.test", "ho.monitor@demo.nrm.test", "la.social@demo.nrm.test"]
SKIP = re.compile(r"^/(sign-out|admin|api)/|\.(csv|xlsx|ods|json|zip)$|/documents/[0-9a-f-]{36}/$|^/reports/runs/"
                  r"|^/notifications/\d+/$")
MAX_PAGES = 40


def _pattern(path: str) -> str:
    """One page per URL pattern: ids and numbers stand for any."""
    return re.sub(r"/\d+(?=/|$)", "/N", re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "ID", path))


def _keyboard_reachable(page: Page) -> list[str]:
    """Fields and buttons of every form that cannot take the keyboard's focus."""
    return page.evaluate("""() => [...document.querySelectorAll(
            'form input:not([type=hidden]), form select, form textarea, form button')]
        .filter(el => !el.disabled && el.offsetParent !== null)
        .filter(el => { el.focus(); return document.activeElement !== el || el.tabIndex < 0; })
        .map(el => el.outerHTML.slice(0, 120))""")


@pytest.fixture
def demo_data():
    call_command("seed_demo", "--force", stdout=io.StringIO())


@pytest.mark.parametrize("email", ONE_PER_ROLE)
def test_every_page_a_role_can_reach_is_accessible(browser, live_server, demo_data, email):
    context = _new_context(browser, live_server.url, javascript=True)
    page = context.new_page()
    try:
        sign_in_as(page, email, settings.DEMO_PASSWORD)
        queue, seen, visited = ["/"], set(), 0
        while queue and visited < MAX_PAGES:
            path = queue.pop(0)
            if _pattern(path) in seen:
                continue
            seen.add(_pattern(path))
            response = page.goto(path)
            assert response is not None and response.status < 400, f"{email}: {path} answered {response.status}"
            assert_accessible(page)
            assert _keyboard_reachable(page) == [], f"{email}: {path} has controls the keyboard cannot reach"
            visited += 1
            here = urlsplit(page.url).netloc
            for href in page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)"):
                parts = urlsplit(href)
                if parts.netloc == here and not SKIP.search(parts.path):
                    queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
        assert visited >= 3, f"{email}: only {visited} pages reached"
        print(f"{email}: {visited} pages swept: {sorted(seen)}")
    finally:
        context.close()
