"""Property-based fuzzing of the API from its own OpenAPI schema (schemathesis): no 5xx answer,
every response matches the schema, invalid input is refused with 400. A bounded number of examples
per operation runs here; `NRM_FUZZ_EXAMPLES=500 make test` (or pytest this file) runs longer."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import positive_data_acceptance

from organisations.models import ApiToken, OrgRole, Role
from tests.factories import OrganisationFactory, UserFactory

EXAMPLES = int(os.environ.get("NRM_FUZZ_EXAMPLES", "10"))
application = get_wsgi_application()
schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.config.update(base_url="http://testserver")
schema.app = application  # every request, checks' follow-ups included, goes to the app in-process

ROLES = {
    Role.FIRST_RESPONDER: OrgRole.FIRST_RESPONDER,
    Role.CA_MANAGER: OrgRole.COMPETENT_AUTHORITY,
    Role.MONITOR: OrgRole.MONITOR,
    # The prime contractor reaches allocation and statements, where year 0000/9999 and a move on the day an
    # allocation started once answered 500 (attack finding 8).
    Role.PC_CASE_MANAGER: OrgRole.PRIME_CONTRACTOR,
}
# Rules OpenAPI cannot state, so schema-valid requests are rightly refused with 400: a report's period (a
# quarter or two dates, from April 2009), a statement's month (2009 to next year), a move (to a provider that
# exists, after the current allocation started).
RULES_BEYOND_THE_SCHEMA = ("/api/v1/reports/monitoring/", "/api/v1/statements/",
                           "/api/v1/support-cases/{id}/allocations/")


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calling the WSGI app directly fires request_finished, which would close the test's database
    connection mid-transaction; Django's test client disconnects the same handler."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _token_for(role: Role) -> str:
    kind = ROLES[role]
    organisation = OrganisationFactory(roles=[kind], first_responder_type="police" if kind == "first_responder" else "")
    user = UserFactory(organisation=organisation, roles=[role])
    raw = ApiToken.new_raw_token()
    ApiToken.objects.create(user=user, digest=ApiToken.digest_of(raw), prefix=raw[:8],
                            expires_at=timezone.now() + timedelta(hours=1))
    return raw


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(ROLES), ids=[role.value for role in ROLES])
@schema.parametrize()
@hypothesis_settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                     suppress_health_check=list(HealthCheck))
def test_api_answers_within_its_schema(case, role):
    token = _token_for(role)
    excluded = []
    if case.path in RULES_BEYOND_THE_SCHEMA:
        excluded.append(positive_data_acceptance)
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, excluded_checks=excluded)


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{"month": "0000-01"}, {"month": "9999-12"}, {"month": "0000-12"}])
def test_statement_years_off_the_calendar_answer_400(client, query):
    """Attack finding 8, fixed examples beside the generated ones: a year no statement covers is a 400."""
    token = _token_for(Role.PC_CASE_MANAGER)
    provider = OrganisationFactory(roles=[OrgRole.SUPPORT_PROVIDER], first_responder_type="")
    response = client.get("/api/v1/statements/", {"provider": provider.pk, **query},
                          HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 400 and "month" in response.json()
