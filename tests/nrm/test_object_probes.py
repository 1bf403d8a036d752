"""Object-reference probes: users of other organisations (and a monitor) try the ids of records they
may not see on every page and API route that takes an id. Every answer is 404, and the attempt is in
the access log. Routes come from the URL configuration, so a new one is probed without listing it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import AccessAction, AccessEvent
from organisations.models import OrgRole, Role
from reminders.models import ReminderStatus
from tests.conftest import sign_in
from tests.factories import OrganisationFactory, UserFactory
from tests.monitoring.test_monitor_access import (  # noqa: F401 - shared fixtures
    NOT_PERSONAL,
    OPEN_TO_MONITORS,
    _kwargs,
    _routes,
    monitor,
    records,
)
from tests.referrals.conftest import competent_authorities  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def outsiders(competent_authorities, monitor, settings):  # noqa: F811
    settings.NRM_CHILD_GUARDIANS_ENABLED = True  # so that the guardian below has a scope, and must keep to it
    other_authority = competent_authorities["ukba"]
    other_provider = OrganisationFactory(roles=[OrgRole.SUPPORT_PROVIDER], first_responder_type="")
    return {
        "monitor": monitor,
        "first responder of another organisation": UserFactory(
            organisation=OrganisationFactory(roles=[OrgRole.FIRST_RESPONDER]), roles=[Role.FIRST_RESPONDER]),
        "manager of the other competent authority": UserFactory(organisation=other_authority,
                                                                roles=[Role.CA_MANAGER]),
        "decision maker of the other competent authority": UserFactory(organisation=other_authority,
                                                                       roles=[Role.DECISION_MAKER]),
        "worker of a provider not supporting the person": UserFactory(organisation=other_provider,
                                                                      roles=[Role.SUPPORT_WORKER]),
        "guardian of a service no child is assigned to": UserFactory(
            organisation=OrganisationFactory(roles=[OrgRole.CHILD_GUARDIAN], first_responder_type=""),
            roles=[Role.CHILD_GUARDIAN]),
    }


def _probe(client, url: str, api: bool) -> int:
    status = client.get(url).status_code
    for method in ("post", "put"):  # a form's or an action's target: try what it accepts
        if status == 405:
            status = getattr(client, method)(url, {}, **({"format": "json"} if api else {})).status_code
    return status


@pytest.mark.parametrize("who", ["monitor", "first responder of another organisation",
                                 "manager of the other competent authority",
                                 "decision maker of the other competent authority",
                                 "worker of a provider not supporting the person",
                                 "guardian of a service no child is assigned to"])
def test_other_organisations_get_404_on_every_record_route_and_are_logged(records, outsiders, who):  # noqa: F811
    user = outsiders[who]
    web = sign_in(Client(), user)
    api = APIClient()
    api.force_authenticate(user)
    probed, unlogged = 0, []
    for name, names in _routes():
        if not names or OPEN_TO_MONITORS.match(name) or name in NOT_PERSONAL:
            continue
        url = reverse(name, kwargs=_kwargs(name, names, records))
        is_api = url.startswith("/api/")
        before = AccessEvent.objects.filter(user=user, action=AccessAction.DENIED).count()
        status = _probe(api if is_api else web, url, is_api)
        assert status == 404, f"{who}: {name} {url} answered {status}"
        if AccessEvent.objects.filter(user=user, action=AccessAction.DENIED).count() == before:
            unlogged.append(name)
        probed += 1
    assert probed >= 30
    assert unlogged == [], f"{who}: refused without an access-log entry: {unlogged}"


def test_reminder_routes_refuse_rows_that_exist_but_are_someone_elses(records, outsiders):  # noqa: F811
    """The reminder routes probed with the ids of real rows (a sent notification to the case's decision
    maker, a failed reminder of its authority): 404 for everyone else, and the owner's request works, so
    the 404 is the refusal and not a missing row."""
    notification, failed = records["notification"], records["failed_reminder"]
    open_url = reverse("reminders:open", args=[notification.pk])
    retry_url = reverse("reminders:retry", args=[failed.pk])
    clients = {}
    for who, user in [*outsiders.items(), ("the case's manager, not the recipient", records["manager"])]:
        clients[who] = sign_in(Client(), user)  # once each: a security code is accepted once
        denied = AccessEvent.objects.filter(user=user, action=AccessAction.DENIED, record_id=str(notification.pk))
        assert clients[who].get(open_url).status_code == 404, who
        assert denied.count() == 1, f"{who}: refused without an access-log entry"
    assert clients["manager of the other competent authority"].post(retry_url).status_code == 404
    notification.refresh_from_db()
    failed.refresh_from_db()
    assert (notification.read_at, failed.status) == (None, ReminderStatus.FAILED)

    opened = sign_in(Client(), records["decider"]).get(open_url)
    assert (opened.status_code, opened["Location"]) == (302, notification.link)
    retried = clients["the case's manager, not the recipient"].post(retry_url)
    assert retried.status_code == 302
    failed.refresh_from_db()
    assert failed.status == ReminderStatus.PENDING
