"""The report page and the prime contractor's budget in a real browser: figures formatted as published,
the latest quarter marked provisional, every symbol explained, the budget drawn to scale; axe-core clean,
with a screenshot of each kept for the reviewer (under pytest's tmp_path)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from monitoring.periods import Period
from organisations.models import OrgRole, Role
from tests.e2e.conftest import _new_context, assert_accessible, sign_in_as, wait_until_settled
from tests.factories import OrganisationFactory, UserFactory
from tests.monitoring.builders import csv_text
from tests.monitoring.conftest import row

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_report_and_the_budget_show_figures_as_published(browser, live_server, tmp_path):
    monitor = UserFactory(organisation=OrganisationFactory(roles=[OrgRole.MONITOR], first_responder_type=""),
                          roles=[Role.MONITOR])
    manager = UserFactory(organisation=OrganisationFactory(roles=[OrgRole.PRIME_CONTRACTOR, OrgRole.FIRST_RESPONDER]),
                          roles=[Role.PC_CASE_MANAGER])
    day = Period.previous_quarter().start.isoformat()
    path = tmp_path / "rows.csv"
    path.write_text(csv_text([row(f"F{n}", day, nationality="Congolese (Drc)") for n in range(1204)]))
    call_command("import_referrals", str(path), stdout=io.StringIO())
    context = _new_context(browser, live_server.url, javascript=True)
    page = context.new_page()
    try:
        sign_in_as(page, monitor.email)
        page.goto(live_server.url + reverse("monitoring:report"))
        wait_until_settled(page)
        assert page.locator("#provisional").inner_text() == "Provisional"
        assert "provisional" in page.locator(".govuk-warning-text").inner_text()
        symbols = page.locator("#symbols").inner_text()
        assert "[c]" in symbols and "[x]" in symbols and "[z]" in symbols
        nationality = page.locator("#referrals_by_nationality_and_age")
        assert "Congolese (Drc)" in nationality.inner_text() and "1,204" in nationality.inner_text()
        budget = page.locator("#victim_care_budget").inner_text()
        assert "£2,000,000.00" in budget and "2000000.0" not in budget and "£0.00" in budget
        assert_accessible(page)
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        assert (tmp_path / "report.png").stat().st_size > 10_000
        context.clear_cookies()

        sign_in_as(page, manager.email)
        page.goto(live_server.url + reverse("victim_care:home"))
        wait_until_settled(page)
        assert page.locator("#budget").inner_text() == "£2,000,000"
        bars = page.locator(".app-budget-chart rect")
        assert bars.count() == 4
        assert bars.first.get_attribute("width") == "150", "nothing is spent or committed: the budget is longest"
        assert "£2,000,000" in page.locator(".app-budget-chart").inner_html()
        assert_accessible(page)
        page.screenshot(path=str(tmp_path / "budget.png"), full_page=True)
        assert (tmp_path / "budget.png").stat().st_size > 10_000
    finally:
        context.close()
