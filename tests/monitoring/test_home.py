"""The monitor's home page: whether last quarter's report is stored, the way to it, and when the next one
will be; and the link that the quarterly email and the home page give, which opens on that quarter."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client

from monitoring.models import ReportRun
from organisations.models import OrgRole, Role
from tests.conftest import home_panel, sign_in
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

IN_THE_FOURTH_QUARTER = "2026-11-29 12:00 +00:00"
STORED_AT = datetime.datetime(2026, 10, 1, 2, 0, tzinfo=datetime.UTC)  # 03:00 in London, summer time


@pytest.fixture
def monitor(db):
    return UserFactory(organisation=OrganisationFactory(roles=[OrgRole.MONITOR], first_responder_type=""),
                       roles=[Role.MONITOR])


def _store(start: str, end: str, *, scheduled: bool = True) -> ReportRun:
    return ReportRun.objects.create(period_start=start, period_end=end, scheduled=scheduled,
                                    generated_at=STORED_AT, data={})


def test_a_monitor_sees_last_quarters_stored_report_and_when_the_next_one_is_stored(monitor):
    _store("2026-07-01", "2026-09-30")
    with time_machine.travel(IN_THE_FOURTH_QUARTER, tick=True):
        panel = home_panel(sign_in(Client(), monitor), "Quarterly reports")
    assert "The 2026-Q3 report, stored on 1 October 2026" in panel
    assert 'href="/reports/?kind=quarter&amp;quarter=2026-Q3"' in panel
    assert "The 2026-Q4 report will be stored on 1 January 2027" in panel
    assert "not been stored" not in panel


def test_a_monitor_is_told_when_the_job_has_not_stored_last_quarters_report(monitor):
    _store("2026-04-01", "2026-06-30")  # the quarter before
    _store("2026-07-01", "2026-09-30", scheduled=False)  # someone's own run, not the scheduled job's
    with time_machine.travel(IN_THE_FOURTH_QUARTER, tick=True):
        panel = home_panel(sign_in(Client(), monitor), "Quarterly reports")
    assert "The 2026-Q3 report was due to be stored on 1 October 2026 and has not been" in panel
    assert "the quarterly report job did not store it" in panel
    assert 'href="/reports/?kind=quarter&amp;quarter=2026-Q3"' in panel, "its figures can be seen meanwhile"


def test_a_new_service_whose_job_has_stored_nothing_is_not_shown_a_missed_report(monitor):
    _store("2026-07-01", "2026-09-30", scheduled=False)
    with time_machine.travel(IN_THE_FOURTH_QUARTER, tick=True):
        panel = home_panel(sign_in(Client(), monitor), "Quarterly reports")
    assert "No quarterly report has been stored yet" in panel and "has not been" not in panel
    assert "The 2026-Q4 report will be stored on 1 January 2027" in panel


def test_before_the_job_runs_on_the_quarters_first_day_the_report_is_not_yet_overdue(monitor):
    _store("2026-07-01", "2026-09-30")
    with time_machine.travel("2027-01-01 02:30 +00:00", tick=True):  # 02:30 in London, before the job
        panel = home_panel(sign_in(Client(), monitor), "Quarterly reports")
    assert "The 2026-Q4 report will be stored at 3am today" in panel and "has not been" not in panel
    assert "The 2027-Q1 report will be stored on 1 April 2027" in panel


def test_the_link_opens_the_report_on_its_quarter_even_a_quarter_later(monitor):
    _store("2026-07-01", "2026-09-30")
    with time_machine.travel(IN_THE_FOURTH_QUARTER, tick=True):
        panel = home_panel(sign_in(Client(), monitor), "Quarterly reports")
    link = panel.split('href="')[1].split('"')[0].replace("&amp;", "&")
    with time_machine.travel("2027-02-10 12:00 +00:00", tick=True):  # the default quarter is now 2026-Q4
        page = sign_in(Client(), monitor).get(link).content.decode()
    assert "Monitoring report: 1 July 2026 to 30 September 2026" in page


def test_only_monitors_get_the_reports_panel(first_responder):
    ca_manager = UserFactory(organisation=OrganisationFactory(roles=[OrgRole.COMPETENT_AUTHORITY],
                                                              first_responder_type=""), roles=[Role.CA_MANAGER])
    for user in (first_responder, ca_manager):
        assert home_panel(sign_in(Client(), user), "Quarterly reports") == "", user.roles


# Session, user (with its organisation), device, groups; the notifications panel's two queries; the
# stored run's time.
MONITOR_HOME_QUERIES = 7


def test_the_monitors_home_page_costs_a_fixed_number_of_queries(monitor, django_assert_num_queries):
    client = sign_in(Client(), monitor)
    for start, end in [("2026-01-01", "2026-03-31"), ("2026-04-01", "2026-06-30"), ("2026-07-01", "2026-09-30")]:
        _store(start, end)
        with django_assert_num_queries(MONITOR_HOME_QUERIES):
            assert client.get("/").status_code == 200
