"""Smoke tests in a real browser: sign in with password and TOTP code, reach the home page, and pass
axe-core (WCAG 2.2 A/AA) on every page on the way, with and without JavaScript.

Each test signs in as a different demo account: a code is accepted once per 30 seconds per account."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import Page

from tests.conftest import current_code
from tests.e2e.conftest import assert_accessible, sign_in_as

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "nrm-demo-password"


@pytest.fixture
def demo() -> None:
    # Tests run with DEBUG off, where seed_demo refuses to run unless forced.
    call_command("seed_demo", force=True, verbosity=0)


def sign_in_to_home(page: Page, email: str, heading: str) -> None:
    """Sign in (axe-core on both sign-in pages) and land on the home page under `heading`."""
    sign_in_as(page, email, DEMO_PASSWORD, check_accessibility=True)

    assert urlsplit(page.url).path == "/"
    shown = page.get_by_role("heading", level=1)
    assert shown.is_visible()
    assert shown.inner_text() == heading


def test_sign_in_with_totp_reaches_an_accessible_home_page(page, demo):
    sign_in_to_home(page, "fr.police@demo.nrm.test", "Your referrals")
    assert page.get_by_text("Signed in as Priya Shah").is_visible()
    assert_accessible(page)


def test_a_wrong_code_shows_an_accessible_error_summary(page, demo):
    page.goto("/sign-in/")
    page.locator("#id_email").fill("ca.decider@demo.nrm.test")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/sign-in/security-code/")
    wrong = f"{(int(current_code()) + 1) % 1_000_000:06d}"
    page.locator("#id_code").fill(wrong)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")

    assert urlsplit(page.url).path == "/sign-in/security-code/"
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "not correct" in summary.inner_text()
    assert page.title().startswith("Error: ")
    assert_accessible(page)


def test_sign_in_works_without_javascript(page_without_js, demo):
    sign_in_to_home(page_without_js, "sa.manager@demo.nrm.test", "Victim care")
    assert_accessible(page_without_js)
