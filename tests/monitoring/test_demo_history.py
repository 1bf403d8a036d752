"""seed_demo's two years of history: a demonstration has figures in the default quarterly report and
its charts, work on every role's home page, and a drawn quality-audit sample with findings; a second
run adds nothing."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from core.home_panels import panels_for
from decisions.models import QualityAudit
from monitoring import exports
from monitoring.demo_history import MARKER
from monitoring.models import ReportRun
from monitoring.periods import Period
from monitoring.report import build_report
from organisations.models import User
from referrals.models import Referral, ReferralKind
from tests.conftest import home_panel, sign_in
from victim_care.models import SupportCase, SupportStatus
from victim_care.selectors import provider_dashboard

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo")


def test_the_default_report_and_its_quarters_have_figures(demo):
    history = Referral.objects.filter(**{"answers__first-responder__own_reference": MARKER})
    assert history.count() > 500
    shares = {kind: history.filter(kind=kind).count() / history.count() for kind in ReferralKind.values}
    assert 0.05 < shares[ReferralKind.DUTY_TO_NOTIFY] < 0.2  # published: about one in ten to one in six
    period = Period.previous_quarter()
    report = build_report(period)
    totals = {table.id: table.rows[-1][-1] for table in report.tables if table.rows}
    assert sum(value for value in totals.values() if isinstance(value, int)) > 0
    for quarter in period.quarters_back(8):
        start, end = quarter.bounds()
        assert Referral.objects.filter(submitted_at__gte=start, submitted_at__lt=end).exists(), quarter.label


def test_every_role_has_work_and_the_auditor_a_sample_with_findings(demo):
    quarter = Period.previous_quarter()
    audits = QualityAudit.objects.filter(quarter=quarter.label)
    assert audits.exists() and audits.exclude(finding="").count() == 2
    assert SupportCase.objects.filter(status=SupportStatus.AWAITING_ALLOCATION).exists()
    assert SupportCase.objects.filter(status=SupportStatus.SUPPORTED).count() > 10
    for email in ("ca.decider@demo.nrm.test", "ca.reviewer@demo.nrm.test", "qa.auditor@demo.nrm.test",
                  "ukba.decider@demo.nrm.test"):
        panels = panels_for(User.objects.get(email=email))
        assert any(panel.items for panel in panels), email
    for email in ("sp.medaille@demo.nrm.test", "sp.hestia@demo.nrm.test"):  # their home is the people they support
        assert provider_dashboard(User.objects.get(email=email)).items, email


def test_a_second_run_adds_no_history(demo):
    counts = (Referral.objects.count(), QualityAudit.objects.count(), SupportCase.objects.count())
    call_command("seed_demo")
    assert counts == (Referral.objects.count(), QualityAudit.objects.count(), SupportCase.objects.count())


def test_last_quarters_report_is_stored_as_the_quarterly_job_would_store_it(demo):
    quarter = Period.previous_quarter()
    run = ReportRun.objects.get(scheduled=True)
    assert (run.period_start, run.period_end) == (quarter.start, quarter.end)
    assert run.files.count() == len(exports.FORMATS)
    panel = home_panel(sign_in(Client(), User.objects.get(email="ho.monitor@demo.nrm.test"), settings.DEMO_PASSWORD),
                       "Quarterly reports")
    assert f"The {quarter.label} report, stored on" in panel
