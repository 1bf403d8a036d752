"""A decision maker's home page: the cases allocated to them, the most urgent first, so that a panel cut
short never leaves an overdue Reasonable Grounds decision off the page; and no deadline that has passed
shown as if it were still to come."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from decisions import home
from decisions.models import CaseFile
from decisions.selectors.case import next_deadline
from decisions.selectors.queue import allocated_to_me
from decisions.services.case import involvement_declare
from tests.cases import casework_team, decision_awaiting_review, decision_served
from tests.conftest import home_panel, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return casework_team()


def test_overdue_reasonable_grounds_decisions_come_first_then_the_rest_by_date(team, monkeypatch):
    overdue = team.allocated_case()  # the oldest referral: newest first would put it last
    waiting_for_cg = team.allocated_case()
    team.decision_served(waiting_for_cg)
    due_later = team.allocated_case()
    today = timezone.localdate()
    CaseFile.objects.filter(referral=overdue).update(rg_due_on=today - datetime.timedelta(days=3))
    CaseFile.objects.filter(referral=due_later).update(rg_due_on=today + datetime.timedelta(days=4))

    assert allocated_to_me(team.decider, limit=2) == ([overdue, due_later], True)
    assert allocated_to_me(team.decider) == ([overdue, due_later, waiting_for_cg], False)

    monkeypatch.setattr(home, "HOME_PANEL_SIZE", 2)
    panel = home_panel(sign_in(Client(), team.decider), "Cases allocated to you")
    assert panel.index(overdue.reference) < panel.index(due_later.reference)
    assert waiting_for_cg.reference not in panel and "(overdue)" in panel
    assert f"{reverse('decisions:queue')}?decision_maker={team.decider.pk}" in panel


def test_a_closed_reconsideration_window_is_no_longer_shown_as_a_deadline(team):
    referral = team.allocated_case()
    decision_served(referral, decider=team.decider, reviewer=team.reviewer, outcome="negative")
    referral.refresh_from_db()
    case = CaseFile.objects.get(referral=referral)
    last_day = case.reconsideration_due_by
    with time_machine.travel(datetime.datetime.combine(last_day, datetime.time(12), tzinfo=datetime.UTC)):
        deadline = next_deadline(referral, case)
        assert (deadline.label, deadline.due_on) == ("Reconsideration can be asked for until", last_day)
    with time_machine.travel(datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time(12),
                                                       tzinfo=datetime.UTC)):
        assert next_deadline(referral, case) is None


def test_a_reviewer_sees_the_decisions_they_may_sign_off_deadline_first(team):
    due_later, due_sooner, involved = team.allocated_case(), team.allocated_case(), team.allocated_case()
    today = timezone.localdate()
    CaseFile.objects.filter(referral=due_later).update(rg_due_on=today + datetime.timedelta(days=4))
    CaseFile.objects.filter(referral=due_sooner).update(rg_due_on=today + datetime.timedelta(days=1))
    for referral in (due_later, due_sooner, involved):
        decision_awaiting_review(referral, decider=team.decider)
    involvement_declare(referral=involved, details="Decided their asylum claim", by=team.reviewer)

    panel = home_panel(sign_in(Client(), team.reviewer), "Decisions waiting for second review")
    assert panel.index(due_sooner.reference) < panel.index(due_later.reference)
    assert involved.reference not in panel  # they could not sign it off
    assert f"sent on {timezone.localdate():%-d %B %Y}" in panel
    # The author is never shown their own decision, even holding the reviewer's role too.
    team.decider.groups.add(*team.reviewer.groups.all())
    assert due_sooner.reference not in home_panel(sign_in(Client(), team.decider),
                                                  "Decisions waiting for second review")


def test_once_the_recovery_period_is_over_the_panel_says_the_cg_decision_can_be_made(team):
    referral = team.allocated_case()
    team.decision_served(referral)
    ended = timezone.localdate() - datetime.timedelta(days=10)
    CaseFile.objects.filter(referral=referral).update(recovery_period_ends_on=ended)
    panel = home_panel(sign_in(Client(), team.decider), "Cases allocated to you")
    since = ended + datetime.timedelta(days=1)
    assert f"Conclusive Grounds decision can now be made (since {since:%-d %B %Y})" in panel
