"""The report page, its downloads and the API: for monitors and competent-authority managers only."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.test import Client
from openpyxl import load_workbook
from rest_framework.test import APIClient

from audit.models import AccessAction, AccessEvent
from monitoring.models import ReportRun
from monitoring.periods import Period
from monitoring.services import report_run_store
from organisations.models import OrgRole, Role
from tests.conftest import sign_in
from tests.factories import OrganisationFactory, UserFactory
from tests.monitoring.conftest import row
from tests.organisations.test_api_tokens import issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def monitor(db):
    return UserFactory(organisation=OrganisationFactory(roles=[OrgRole.MONITOR], first_responder_type=""),
                       roles=[Role.MONITOR])


@pytest.fixture
def ca_manager(db):
    return UserFactory(organisation=OrganisationFactory(roles=[OrgRole.COMPETENT_AUTHORITY],
                                                        first_responder_type=""), roles=[Role.CA_MANAGER])


@pytest.fixture
def data(load):
    load([row(f"R{n}", "2023-11-01", exploitation_types=["Labour", "Sexual;Labour"][n % 2]) for n in range(6)])


def test_a_monitor_chooses_a_quarter_and_sees_tables_charts_and_downloads(monitor, data):
    client = sign_in(Client(), monitor)
    page = client.get("/reports/", {"kind": "quarter", "quarter": "2023-Q4"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "1 October 2023 to 31 December 2023" in html
    assert html.count('<table class="govuk-table" id="') == 25  # with days by age group and people waiting
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    assert main.count("<svg") == 6 and "Referrals per quarter by age group" in html
    assert "Decisions served by outcome" in html and "Median days from referral to decision" in html
    assert "Sexual &amp; Labour" in html
    for export_format in ("ods", "xlsx", "csv", "json"):
        assert f'/reports/monitoring.{export_format}?quarter=2023-Q4' in html
    assert "/referrals/" not in main and "/cases/" not in main and "/support/" not in main


def test_the_page_explains_every_symbol_marks_the_latest_quarter_provisional_and_formats_figures(monitor, load):
    load([row(f"F{n}", Period.previous_quarter().start.isoformat()) for n in range(1204)])
    client = sign_in(Client(), monitor)
    html = client.get("/reports/").content.decode()  # the last complete quarter, provisional
    assert 'id="provisional">Provisional</strong>' in html and "Figures for the latest quarter are provisional" in html
    symbols = html.split('id="symbols">', 1)[1].split("</dl>", 1)[0]
    for symbol in ("[c]", "[x]", "[z]"):
        assert f">{symbol}</dt>" in symbols
    assert "published in full" in html, "the suppression rule is stated"
    assert ">1,204</td>" in html and ">1204</td>" not in html
    assert "£2,000,000.00" in html and "2000000.0" not in html
    earlier = client.get("/reports/", {"kind": "quarter", "quarter": "2023-Q4"}).content.decode()
    assert 'id="provisional"' not in earlier


def test_a_period_of_dates_and_a_wrong_period(monitor, data):
    client = sign_in(Client(), monitor)
    page = client.get("/reports/", {"kind": "dates", "start_day": "1", "start_month": "11", "start_year": "2023",
                                    "end_day": "30", "end_month": "11", "end_year": "2023"})
    assert page.status_code == 200 and "1 November 2023 to 30 November 2023" in page.content.decode()
    wrong = client.get("/reports/", {"kind": "dates", "start_day": "1", "start_month": "12", "start_year": "2023",
                                     "end_day": "1", "end_month": "11", "end_year": "2023"})
    assert wrong.status_code == 400
    assert "govuk-error-summary" in wrong.content.decode()
    assert "The end date must be the same as or after the start date" in wrong.content.decode()


def test_downloads_in_every_format_are_logged(ca_manager, data):
    client = sign_in(Client(), ca_manager)
    xlsx = client.get("/reports/monitoring.xlsx", {"quarter": "2023-Q4"})
    assert xlsx.status_code == 200 and xlsx["Content-Disposition"].endswith('nrm-monitoring-2023-Q4.xlsx"')
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames[0] == "Cover"
    assert zipfile.ZipFile(io.BytesIO(client.get("/reports/monitoring.csv", {"quarter": "2023-Q4"}).content)).namelist()
    data = json.loads(client.get("/reports/monitoring.json", {"start": "2023-11-01", "end": "2023-11-30"}).content)
    assert data["period"] == {"start": "2023-11-01", "end": "2023-11-30"}
    assert client.get("/reports/monitoring.ods", {"quarter": "2023-Q9"}).status_code == 400
    run, _ = report_run_store(period=Period.quarter("2023-Q4"))
    stored = client.get(f"/reports/runs/{run.pk}/ods")
    assert stored.status_code == 200 and stored["Content-Disposition"].endswith('nrm-monitoring-2023-Q4.ods"')
    assert client.get(f"/reports/runs/{run.pk + 1}/ods").status_code == 404
    assert AccessEvent.objects.filter(user=ca_manager, action=AccessAction.EXPORT).count() == 4
    assert ReportRun.objects.count() == 1


@pytest.mark.parametrize("role", [Role.FIRST_RESPONDER, Role.DECISION_MAKER, Role.SUPPORT_WORKER,
                                  Role.PC_CASE_MANAGER])
def test_everyone_else_is_refused_the_reports(role, data):
    kind = {Role.FIRST_RESPONDER: OrgRole.FIRST_RESPONDER,
            Role.DECISION_MAKER: OrgRole.COMPETENT_AUTHORITY,
            Role.SUPPORT_WORKER: OrgRole.SUPPORT_PROVIDER,
            Role.PC_CASE_MANAGER: OrgRole.PRIME_CONTRACTOR}[role]
    user = UserFactory(organisation=OrganisationFactory(roles=[kind]), roles=[role])
    client = sign_in(Client(), user)
    run, _ = report_run_store(period=Period.quarter("2023-Q4"))
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/monitoring.json", {"quarter": "2023-Q4"}).status_code == 403
    assert client.get(f"/reports/runs/{run.pk}/xlsx").status_code == 403
    api = APIClient()
    api.force_authenticate(user)
    assert api.get("/api/v1/reports/monitoring/", {"quarter": "2023-Q4"}).status_code == 403
    assert api.get("/api/v1/reports/runs/").status_code == 403
    assert b'href="/reports/"' not in client.get("/").content


def test_a_monitor_uses_the_api_with_a_token(monitor, data):
    client = APIClient()
    token = issue(client, monitor).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    report = client.get("/api/v1/reports/monitoring/", {"quarter": "2023-Q4"})
    assert report.status_code == 200
    table = next(t for t in report.json()["tables"] if t["id"] == "referrals_by_exploitation_type_and_age")
    assert table["rows"] == [["Labour", 0, 0, 3, 3], ["Sexual & Labour", 0, 0, 3, 3], ["Total", 0, 0, 6, 6]]
    ods = client.get("/api/v1/reports/monitoring/", {"quarter": "2023-Q4", "format": "ods"})
    assert ods.status_code == 200 and ods["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    bad = client.get("/api/v1/reports/monitoring/", {"start": "2023-13-01", "end": "2023-12-31"})
    assert bad.status_code == 400 and "start" in bad.json()
    assert client.get("/api/v1/reports/monitoring/", {"quarter": "2023-Q4", "format": "pdf"}).status_code == 400
    run, _ = report_run_store(period=Period.quarter("2023-Q4"))
    runs = client.get("/api/v1/reports/runs/").json()
    assert runs["results"][0]["id"] == run.pk and runs["results"][0]["period_start"] == "2023-10-01"
    assert {f["format"] for f in runs["results"][0]["files"]} == {"json", "csv", "xlsx", "ods"}
    assert {f["url"] for f in runs["results"][0]["files"]} == {f"/reports/runs/{run.pk}/{export_format}"
                                                                for export_format in ("json", "csv", "xlsx", "ods")}
