"""An Independent Child Trafficking Guardian in a real browser: the child's local authority lead assigns the
guardian service on the guardian page (a GOV.UK error summary first, for a choice not made), then the named
guardian signs in, finds the child on their home page and the list, reads the child's referral, and is told
the page does not exist for another child of the same local authority. axe-core checks each page; the
guardian's view of the child is kept as a screenshot (GUARDIAN_SCREENSHOTS, or var/screenshots/)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page

from organisations.models import OrgRole, Role
from referrals.models import GuardianAssignment
from referrals.services import referral_submit
from tests.e2e.conftest import _new_context, assert_accessible, sign_in_as
from tests.factories import OrganisationFactory, UserFactory
from tests.referrals.builders import child_answers, completed_draft

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("GUARDIAN_SCREENSHOTS", Path(__file__).resolve().parents[2] / "var" / "screenshots"))


def test_the_assigned_guardian_sees_their_child_and_not_another(page: Page, browser, live_server, settings):
    settings.NRM_CHILD_GUARDIANS_ENABLED = True
    OrganisationFactory(name=settings.NRM_DEFAULT_COMPETENT_AUTHORITY, roles=[OrgRole.COMPETENT_AUTHORITY],
                        first_responder_type="")
    OrganisationFactory(name=settings.NRM_IMMIGRATION_COMPETENT_AUTHORITY, roles=[OrgRole.COMPETENT_AUTHORITY],
                        first_responder_type="")
    council = OrganisationFactory(name="Testshire children's services", roles=[OrgRole.LOCAL_AUTHORITY],
                                  first_responder_type="")
    service = OrganisationFactory(name="Testshire Guardian Service", roles=[OrgRole.CHILD_GUARDIAN],
                                  first_responder_type="")
    responder = UserFactory(organisation=OrganisationFactory(roles=[OrgRole.FIRST_RESPONDER]),
                            roles=[Role.FIRST_RESPONDER])
    lead = UserFactory(organisation=council, roles=[Role.LA_SAFEGUARDING_LEAD], full_name="Lena Lead")
    guardian = UserFactory(organisation=service, roles=[Role.CHILD_GUARDIAN], full_name="Gina Guardian")
    child, other_child = (referral_submit(referral=completed_draft(responder, child_answers(council.pk)),
                                          by=responder) for _ in range(2))

    sign_in_as(page, lead.email)
    page.goto(f"/referrals/{child.pk}/")
    page.get_by_role("link", name="Assign a guardian").click()
    page.wait_for_url(f"**/referrals/{child.pk}/guardian/")
    assert_accessible(page)
    page.get_by_role("button", name="Assign the guardian").click()  # nothing chosen yet
    page.locator(".govuk-error-summary").wait_for()
    assert "Select a guardian service" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "guardian-assignment-error.png"), full_page=True)
    page.get_by_label("Testshire Guardian Service").check()
    page.get_by_label("Named guardian (optional)").select_option(label="Gina Guardian (Testshire Guardian Service)")
    page.get_by_role("button", name="Assign the guardian").click()
    page.wait_for_url(f"**/referrals/{child.pk}/")
    assert GuardianAssignment.objects.current().get(referral=child).guardian_id == guardian.pk

    guardian_page = _new_context(browser, live_server.url, javascript=True).new_page()
    sign_in_as(guardian_page, guardian.email)
    assert child.reference in guardian_page.locator("main").inner_text()
    assert other_child.reference not in guardian_page.locator("main").inner_text()
    guardian_page.get_by_role("link", name="Referrals").click()
    guardian_page.get_by_role("heading", name="Children you are guardian to").wait_for()
    assert other_child.reference not in guardian_page.content()
    assert_accessible(guardian_page)
    guardian_page.get_by_role("link", name=child.reference).click()
    guardian_page.wait_for_url(f"**/referrals/{child.pk}/")
    assert guardian_page.get_by_role("heading", level=1).inner_text() == child.reference
    row = guardian_page.locator("#guardian").inner_text()
    assert "Testshire Guardian Service: Gina Guardian" in row
    assert guardian_page.get_by_role("link", name="Change the guardian").count() == 0  # the guardian only reads
    assert_accessible(guardian_page)
    guardian_page.screenshot(path=str(SHOTS / "guardian-child-referral.png"), full_page=True)

    response = guardian_page.goto(f"/referrals/{other_child.pk}/")
    assert response is not None and response.status == 404
    assert other_child.reference not in guardian_page.content()
    guardian_page.context.close()
