"""Accessibility sweep: signed in as one demo account of each role, follow every link the service
shows that person (one page per URL pattern), at 1280 and at 320 CSS pixels wide, and run axe-core
(WCAG 2.2 A and AA, zero violations) on each page; on every page, each form's fields and submit
button can be reached with the keyboard, and the page never scrolls sideways (WCAG 2.2 1.4.10
Reflow: a wide table scrolls inside its own labelled region instead). Then the referral and decision
forms are filled in with the keyboard alone. The demo data (`seed_demo`, with its two years of
history) gives each role real records to see.

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
SKIP = re.compile(r"^/(sign-out|admin|api)/|\.(csv|xlsx|ods|json|zip|pdf)$|/documents/[0-9a-f-]{36}/$|^/reports/runs/"
                  r"|^/notifications/\d+/$")
MAX_PAGES = 40
WIDTHS = [1280, 320]


def _pattern(path: str) -> str:
    """One page per URL pattern: ids and numbers (in the path and as query values, such as page
    numbers) stand for any."""
    path = re.sub(r"(?<==)\d+", "N", path)
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


def _page_scrolls_sideways(page: Page) -> int:
    """How many CSS pixels the page is wider than the window (0 when nothing scrolls sideways)."""
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("email", ONE_PER_ROLE)
def test_every_page_a_role_can_reach_is_accessible(browser, live_server, demo_data, email, width):
    context = _new_context(browser, live_server.url, javascript=True)
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
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
            assert _page_scrolls_sideways(page) <= 0, f"{email}: {path} scrolls sideways at {width}px"
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


# -- the keyboard alone ---------------------------------------------------------------------------------------

def _focused(page: Page) -> dict:
    """The focused element, and whether its focus shows (GOV.UK draws it on a radio's or checkbox's label)."""
    return page.evaluate("""() => { const el = document.activeElement;
        const label = (el.type === 'radio' || el.type === 'checkbox')
            && document.querySelector(`label[for="${el.id}"]`);
        const style = label ? getComputedStyle(label, '::before') : getComputedStyle(el);
        return {tag: el.tagName.toLowerCase(), type: el.type || '', name: el.name || '', value: el.value || '',
                text: (el.innerText || el.value || '').trim().slice(0, 60), id: el.id || '',
                visible: (style.outlineStyle !== 'none' && style.outlineWidth !== '0px') || style.boxShadow !== 'none'
                         || style.backgroundColor === 'rgb(255, 221, 0)'}; }""")


def _tab_to(page: Page, matches, *, limit: int = 120) -> dict:
    """Press Tab until the focused element matches; every element focused on the way shows its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if focused["tag"] != "body":
            assert focused["visible"], f"focus is not visible on {focused}"
        if matches(focused):
            return focused
    pytest.fail(f"Tab never reached the element wanted; last focused: {_focused(page)}")


def _every_control_takes_tab(page: Page) -> None:
    """Tab from the top of the page to its end: every visible field and button is reached in turn (a
    group of radios once, as browsers make it one stop that the arrow keys move within)."""
    page.reload()
    page.wait_for_load_state("load")
    wanted = set(page.evaluate("""() => [...document.querySelectorAll(
            'main form input:not([type=hidden]), main form select, main form textarea, main form button')]
        .filter(el => !el.disabled && el.offsetParent !== null)
        .map(el => el.type === 'radio' ? 'radio:' + el.name : (el.id || el.name + ':' + el.type))"""))
    reached = set()
    for _ in range(200):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if focused["tag"] == "body":
            break
        assert focused["visible"], f"focus is not visible on {focused}"
        reached.add(f"radio:{focused['name']}" if focused["type"] == "radio"
                    else focused["id"] or f"{focused['name']}:{focused['type']}")
    assert wanted - reached == set(), f"{page.url}: not reached by Tab"


def test_the_referral_form_can_be_filled_in_with_the_keyboard_alone(browser, live_server, demo_data):
    context = _new_context(browser, live_server.url, javascript=True)
    page = context.new_page()
    try:
        sign_in_as(page, "fr.ngo@demo.nrm.test", settings.DEMO_PASSWORD)
        page.goto("/referrals/")
        _tab_to(page, lambda f: f["text"] == "Start a new referral")
        page.keyboard.press("Enter")
        page.wait_for_url("**/referrals/new/")
        _tab_to(page, lambda f: f["text"] == "Start a referral")
        page.keyboard.press("Enter")
        page.wait_for_url("**/tasks/")
        _tab_to(page, lambda f: f["text"] == "First responder details")
        page.keyboard.press("Enter")
        page.wait_for_url("**/sections/first-responder/")
        _tab_to(page, lambda f: f["name"] == "nation")  # the first radio of the group
        page.keyboard.press("Space")  # chooses England, the first option
        _tab_to(page, lambda f: f["text"] == "Save and continue")
        page.keyboard.press("Enter")
        page.wait_for_url("**/sections/age/")
        assert page.locator(".govuk-error-summary").count() == 0
        _tab_to(page, lambda f: f["name"] == "under_18")
        page.keyboard.press("ArrowDown")  # moves to and chooses "No", which reveals a follow-up question
        _tab_to(page, lambda f: f["name"] == "under_18_when_exploited")
        page.keyboard.press("ArrowDown")
        _tab_to(page, lambda f: f["text"] == "Save and continue")
        page.keyboard.press("Enter")
        page.wait_for_url("**/sections/consent/")
        referral_path = urlsplit(page.url).path.rsplit("/sections/", 1)[0]
        for slug in ("consent", "background", "exploitation", "personal-details", "your-details"):
            page.goto(f"{referral_path}/sections/{slug}/")
            _every_control_takes_tab(page)
        page.goto(f"{referral_path}/sections/your-details/")
        assert page.get_by_label("Your full name", exact=True).input_value() == "Tom Evans"  # from the account
    finally:
        context.close()


def test_the_decision_form_can_be_filled_in_with_the_keyboard_alone(browser, live_server, demo_data):
    from decisions.services.case import case_allocate
    from organisations.models import User
    from referrals.models import Referral

    referral = Referral.objects.get(**{"answers__first-responder__own_reference": "DEMO-CASE-1"})
    case_allocate(referral=referral, to=User.objects.get(email="ca.decider@demo.nrm.test"),
                  by=User.objects.get(email="ca.manager@demo.nrm.test"))
    context = _new_context(browser, live_server.url, javascript=True)
    page = context.new_page()
    try:
        sign_in_as(page, "ca.decider@demo.nrm.test", settings.DEMO_PASSWORD)
        page.goto(f"/cases/{referral.pk}/")
        _tab_to(page, lambda f: f["text"] == "Draft a Reasonable Grounds decision")
        page.keyboard.press("Enter")
        page.wait_for_url("**/decisions/rg/")
        _every_control_takes_tab(page)
        _tab_to(page, lambda f: f["name"] == "outcome")
        page.keyboard.press("Space")
        _tab_to(page, lambda f: f["name"] == "reasons")
        page.keyboard.type("Consistent account; indicators of labour exploitation.")
        _tab_to(page, lambda f: f["name"] == "evidence_considered")
        page.keyboard.type("The referral form.")
        _tab_to(page, lambda f: f["text"] == "Save draft decision")
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/cases/{referral.pk}/")
        assert "Decision saved as a draft" in page.locator(".govuk-notification-banner--success").inner_text()
    finally:
        context.close()
