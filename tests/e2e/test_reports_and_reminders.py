"""The monitoring report, the reminder desk and notifications in a real browser, axe-core on each
page, forms used with the keyboard."""

from __future__ import annotations

import datetime
import io
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.figures import count
from monitoring.periods import Period
from monitoring.report import build_report
from organisations.models import OrgRole, Role
from reminders.models import Reminder, ReminderRule, ReminderStatus
from tests.e2e.conftest import _new_context, assert_accessible, sign_in_as
from tests.factories import OrganisationFactory, UserFactory
from tests.monitoring.builders import csv_text
from tests.monitoring.conftest import row
from tests.monitoring.test_exports import _ods_sheets

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_monitor_reads_the_report_and_downloads_it(browser, live_server, tmp_path):
    monitor = UserFactory(organisation=OrganisationFactory(roles=[OrgRole.MONITOR], first_responder_type=""),
                          roles=[Role.MONITOR])
    path = tmp_path / "history.csv"
    path.write_text(csv_text([row(f"R{n}", "2023-11-01", exploitation_types="Sexual;Labour") for n in range(5)]))
    call_command("import_referrals", str(path), stdout=io.StringIO())
    context = _new_context(browser, live_server.url, javascript=True)
    page = context.new_page()
    try:
        sign_in_as(page, monitor.email)
        page.get_by_role("link", name="Reports").click()
        assert_accessible(page)
        page.get_by_label("Dates you choose").check()
        for group_name, (day, month, year) in (("From", ("1", "11", "2023")), ("To", ("30", "11", "2023"))):
            group = page.get_by_role("group", name=group_name)
            group.get_by_label("Day").fill(day)
            group.get_by_label("Month").fill(month)
            group.get_by_label("Year").fill(year)
        page.get_by_label("Year").last.press("Enter")
        page.wait_for_url("**kind=dates**")
        assert_accessible(page)
        assert "Sexual &amp; Labour" in page.content()
        page.get_by_text("Referrals per quarter by age group: the figures").click()
        assert_accessible(page)
        with page.expect_download() as download:
            page.get_by_role("link", name="OpenDocument spreadsheet (ODS)").click()
        assert download.value.suggested_filename == "nrm-monitoring-2023-11-01_to_2023-11-30.ods"
        # The file opened and read back: the Total row of the five referrals, as the report has it.
        table = build_report(Period(datetime.date(2023, 11, 1), datetime.date(2023, 11, 30))).table(
            "referrals_by_gender_and_age")
        sheet = _ods_sheets(Path(download.value.path()).read_bytes())[table.sheet]
        assert table.rows[-1][0] == "Total" and table.rows[-1][-1] == 5
        assert sheet[-1][:len(table.columns)] == [v if isinstance(v, str) else count(v) for v in table.rows[-1]]
        page.get_by_role("group", name="To").get_by_label("Year").fill("2022")
        page.get_by_role("button", name="Show the report").click()
        assert_accessible(page)
        assert page.get_by_role("alert").is_visible() or page.locator(".govuk-error-summary").is_visible()
    finally:
        context.close()


def test_a_manager_retries_a_failed_reminder_with_the_keyboard(browser, live_server):
    authority = OrganisationFactory(roles=[OrgRole.COMPETENT_AUTHORITY], first_responder_type="")
    manager = UserFactory(organisation=authority, roles=[Role.CA_MANAGER])
    now = timezone.now()
    failed = Reminder.objects.create(
        rule=ReminderRule.RG_OVERDUE, referral_id=uuid.uuid4(), reference="NRM-2026-000077", link="/cases/",
        competent_authority=authority, due_on=now.date(), recipient=manager, send_at=now,
        status=ReminderStatus.FAILED, attempts=3, last_error="SMTPServerDisconnected")
    Reminder.objects.create(rule=ReminderRule.RG_DUE, referral_id=uuid.uuid4(), reference="NRM-2026-000078",
                            link="/cases/", competent_authority=authority, due_on=now.date(), recipient=manager,
                            send_at=now - datetime.timedelta(hours=1), status=ReminderStatus.SENT, sent_at=now)
    context = _new_context(browser, live_server.url, javascript=True)
    page = context.new_page()
    try:
        sign_in_as(page, manager.email)
        assert "Notifications (1 unread)" in page.content()
        assert_accessible(page)
        page.get_by_role("link", name="Reminders").click()
        assert_accessible(page)
        page.get_by_role("link", name="Failed (1)").click()
        assert_accessible(page)
        page.get_by_role("button", name="Retry reminder about NRM-2026-000077").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert_accessible(page)
        failed.refresh_from_db()
        assert failed.status == ReminderStatus.PENDING and failed.retried_by == manager
        page.get_by_role("link", name="Notifications", exact=True).click()
        assert_accessible(page)
        with page.expect_navigation():
            page.get_by_role("button", name="Mark all as read").press("Enter")
        assert "You have no unread notifications" in page.content()
    finally:
        context.close()
