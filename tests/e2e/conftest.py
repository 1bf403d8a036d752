"""Browser tests: headless Debian Chromium driven by Playwright, with axe-core for WCAG 2.2 A/AA.

Every test under tests/e2e/ is marked `e2e` (deselect with `-m "not e2e"`). Journeys reuse:

- `page`: a fresh context (cookies) per test, JavaScript on, `base_url` set to pytest-django's
  `live_server` (transactional database), so `page.goto("/sign-in/")` works;
- `page_without_js`: the same with JavaScript off (the progressive-enhancement baseline);
- `assert_accessible(page)`: axe-core on the page as it is now, WCAG 2.0/2.1/2.2 A and AA rules,
  zero violations allowed; works on `page_without_js` too (see `_axe_without_javascript`);
- `sign_in_as(page, email, password)`: password, then the current TOTP code, ending on "/".

TOTP codes are single use per 30-second window per device: sign in as a different account in
each test (every demo and factory account has its own device, so accounts are independent)."""

from __future__ import annotations

import os
import re
import weakref
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Route, sync_playwright

from tests.conftest import current_code
from tests.factories import TEST_PASSWORD

# Playwright's sync API runs an asyncio event loop in the test thread, so Django's "async unsafe"
# guard would refuse the ORM calls tests make (factories, seed_demo, assertions). They are still
# ordinary synchronous calls in one thread, which is safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
WCAG_22_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
VIEWPORT = {"width": 1100, "height": 900}
TIMEOUT_MS = 10_000
E2E_DIRECTORY = Path(__file__).resolve().parent

_axe = Axe()
_contexts_without_javascript: weakref.WeakSet[BrowserContext] = weakref.WeakSet()
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.IGNORECASE | re.DOTALL)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if E2E_DIRECTORY in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def _new_context(browser: Browser, base_url: str, *, javascript: bool) -> BrowserContext:
    context = browser.new_context(base_url=base_url, viewport=VIEWPORT, java_script_enabled=javascript)
    context.set_default_timeout(TIMEOUT_MS)
    if not javascript:
        _contexts_without_javascript.add(context)
    return context


def _page_in_a_new_context(browser: Browser, live_server, *, javascript: bool) -> Iterator[Page]:
    """A page in a context (cookies) of its own, closed after the test."""
    context = _new_context(browser, live_server.url, javascript=javascript)
    yield context.new_page()
    context.close()


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    yield from _page_in_a_new_context(browser, live_server, javascript=True)


@pytest.fixture
def page_without_js(browser: Browser, live_server) -> Iterator[Page]:
    yield from _page_in_a_new_context(browser, live_server, javascript=False)


def wait_until_settled(page: Page) -> None:
    """Styles and fonts load after `load` fires: wait for the network to go quiet as well, so axe's
    colour-contrast checks and screenshots see the page as users do."""
    page.wait_for_load_state("load")
    page.wait_for_load_state("networkidle")


def _run_axe(page: Page) -> list[dict]:
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_A_AA},
                                      "resultTypes": ["violations"]})
    return results.response["violations"]


def _axe_without_javascript(page: Page) -> list[dict]:
    """axe-core is JavaScript and waits on timers, which never fire where JavaScript is off (Playwright's
    evaluate would hang for ever). So check a copy of the page as it is, served at the same URL to a
    throwaway JavaScript-enabled context with every script removed: the same markup, styles and fonts
    a user without JavaScript gets, and no enhancement can run."""
    url = page.url
    html = _SCRIPT.sub("", page.content())
    browser = page.context.browser
    assert browser is not None
    snapshot = _snapshot_context(browser).new_page()
    try:
        snapshot.set_viewport_size(page.viewport_size or VIEWPORT)

        def serve_snapshot(route: Route) -> None:
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

        snapshot.route(lambda request_url: request_url == url, serve_snapshot)
        snapshot.goto(url)
        wait_until_settled(snapshot)
        return _run_axe(snapshot)
    finally:
        snapshot.close()


_snapshot_contexts: dict[int, BrowserContext] = {}


def _snapshot_context(browser: Browser) -> BrowserContext:
    """One context for every no-JavaScript check of the session (a page each, closed after the check):
    it holds no cookies and signs nobody in (the snapshot is served from memory, only the static assets
    come from the server), so nothing of one check can reach the next, and a check no longer pays for a
    new context. It closes with the browser."""
    context = _snapshot_contexts.get(id(browser))
    if context is None or context.browser is not browser:
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(TIMEOUT_MS)
        _snapshot_contexts[id(browser)] = context
    return context


def _is_govuk_conditional_reveal(violation: dict, node: dict) -> bool:
    """GOV.UK Frontend's JavaScript puts aria-expanded on radios and checkboxes that reveal a question.
    axe flags it; GOV.UK keeps it on purpose because screen readers announce it (alphagov/govuk-frontend#979, a
    documented known issue). Only that exact finding is set aside; every other rule still applies."""
    return (
        violation["id"] == "aria-allowed-attr"
        and ("govuk-radios__input" in node["html"] or "govuk-checkboxes__input" in node["html"])
        and "aria-controls" in node["html"]
        and all("aria-expanded" in check["message"] for check in node.get("any", []) + node.get("all", [])
                + node.get("none", []))
    )


def assert_accessible(page: Page) -> None:
    """No WCAG 2.0, 2.1 or 2.2 level A or AA violation (axe-core) on the page as it is now."""
    if page.context in _contexts_without_javascript:
        page.wait_for_load_state("load")  # only its markup is needed: the copy is the one left to settle
        found = _axe_without_javascript(page)
    else:
        wait_until_settled(page)
        found = _run_axe(page)
    violations = []
    for violation in found:
        nodes = [node for node in violation["nodes"] if not _is_govuk_conditional_reveal(violation, node)]
        if nodes:
            violations.append({**violation, "nodes": nodes})
    if not violations:
        return
    report = "\n".join(
        f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
        + "\n".join(f"    {node['target']}: {node['html'][:200]}" for node in violation["nodes"])
        for violation in violations
    )
    message = f"axe-core found {len(violations)} WCAG 2.2 A/AA violation(s) on {page.url}:\n{report}"
    print(message)
    pytest.fail(message, pytrace=False)


def sign_in_as(page: Page, email: str, password: str = TEST_PASSWORD, *, check_accessibility: bool = False) -> None:
    """Sign in through the real pages and end on the home page. The code is single use for this account
    for the current 30 seconds."""
    page.goto("/sign-in/")
    if check_accessibility:
        assert_accessible(page)
    page.locator("#id_email").fill(email)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/sign-in/security-code/")
    if check_accessibility:
        assert_accessible(page)
    page.locator("#id_code").fill(current_code())
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/")
