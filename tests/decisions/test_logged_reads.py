"""Attack finding 5: reads that were not in the access log: the quality-audit finding page (it shows the
decision's reasons), the quality-audit list on the web and in the API, and the decision maker's home panel.
(The victim care dashboards and the statements API: tests/victim_care/test_logged_reads.py; every route:
the "Log" column of the access matrix, tests/nrm/test_access_matrix.py.)"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import AccessAction, AccessEvent
from decisions.models import QualityAudit
from decisions.services.decision import decision_draft, decision_send_for_review, decision_sign_off
from organisations.models import Role
from tests.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def audit(case, decider, reviewer):
    decision = decision_sign_off(decision=decision_send_for_review(decision=decision_draft(
        referral=case, stage="rg", outcome="positive", reasons="r", evidence_considered="e", by=decider),
        by=decider), by=reviewer)
    return QualityAudit.objects.create(decision=decision, quarter="2026-Q4")


@pytest.fixture
def auditor(ukhtc):
    return UserFactory(organisation=ukhtc, roles=[Role.QUALITY_AUDITOR])


def _logged(user, action: AccessAction, record_type: str, record_id) -> bool:
    return AccessEvent.objects.filter(user=user, action=action, record_type=record_type,
                                      record_id=str(record_id)).exists()


def test_the_quality_audit_finding_page_is_logged(audit, auditor):
    client = sign_in(Client(), auditor)
    assert client.get(reverse("decisions:audit-finding", args=[audit.pk])).status_code == 200
    assert _logged(auditor, AccessAction.VIEW, "decisions.qualityaudit", audit.pk)


def test_the_quality_audit_list_is_logged_on_the_web_and_in_the_api(audit, auditor):
    assert sign_in(Client(), auditor).get(reverse("decisions:audits")).status_code == 200
    assert _logged(auditor, AccessAction.LIST, "decisions.qualityaudit", audit.pk)
    before = AccessEvent.objects.filter(user=auditor, action=AccessAction.LIST).count()
    api = APIClient()
    api.force_authenticate(auditor)
    assert api.get("/api/v1/quality-audits/").status_code == 200
    assert AccessEvent.objects.filter(user=auditor, action=AccessAction.LIST,
                                      record_type="decisions.qualityaudit").count() == before + 1


def test_someone_elses_audit_is_a_logged_404(audit, case, competent_authorities):
    outsider = UserFactory(organisation=competent_authorities["ukba"], roles=[Role.QUALITY_AUDITOR])
    client = sign_in(Client(), outsider)
    assert client.get(reverse("decisions:audit-finding", args=[audit.pk])).status_code == 404
    assert _logged(outsider, AccessAction.DENIED, "decisions.qualityaudit", audit.pk)


def test_the_decision_makers_home_panel_is_logged(case, decider, audit, auditor):
    from decisions.services.quality import quality_audit_record
    quality_audit_record(audit=audit, finding="agree", feedback="Sound.", by=auditor)
    assert case.reference in sign_in(Client(), decider).get("/").content.decode()
    assert _logged(decider, AccessAction.LIST, "referrals.referral", case.pk)
    assert _logged(decider, AccessAction.LIST, "decisions.qualityaudit", audit.pk)


def test_the_second_reviewers_home_panel_is_logged(case, decider, reviewer):
    decision_send_for_review(decision=decision_draft(
        referral=case, stage="rg", outcome="positive", reasons="r", evidence_considered="e", by=decider), by=decider)
    assert case.reference in sign_in(Client(), reviewer).get("/").content.decode()
    assert _logged(reviewer, AccessAction.LIST, "referrals.referral", case.pk)
