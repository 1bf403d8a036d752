"""Casework pages: the queue, the case with its deadlines and timeline, drafting, and second review
refused on the page when the reviewer is not independent. Other organisations get 404."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from decisions.models import Decision, DecisionStatus
from decisions.services.case import involvement_declare
from decisions.services.decision import decision_draft, decision_send_for_review
from organisations.models import Role
from referrals.models import ReferralStatus
from tests.cases import decision_awaiting_review
from tests.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_queue_shows_routed_cases_with_deadlines(case, manager, django_assert_max_num_queries):
    client = sign_in(Client(), manager)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("decisions:queue")).content.decode()
    assert case.reference in page and "Reasonable Grounds decision due" in page
    assert "Showing 1 to 1 of 1 cases" in page


def test_the_queue_is_paged_and_costs_the_same_queries_however_long(case, manager, first_responder,
                                                                    monkeypatch, django_assert_num_queries):
    """Two to a page: the first page links to the next with the filters kept, and a page reads the
    same number of queries with one case in the queue as with four (the rows, and a count that stops
    at a limit), where a COUNT per flag would grow with the queue."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core import paging
    from decisions.services.case import case_file_open
    from referrals.services import referral_submit
    from tests.referrals.builders import completed_draft

    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    client = sign_in(Client(), manager)
    client.get(reverse("decisions:queue"))  # the session's first save is not the page's cost
    with CaptureQueriesContext(connection) as one_case:
        client.get(reverse("decisions:queue"), {"status": ""})
    assert _statements(one_case) <= 10
    for _ in range(3):
        case_file_open(referral_submit(referral=completed_draft(first_responder), by=first_responder))
    with django_assert_num_queries(len(one_case.captured_queries)):
        first = client.get(reverse("decisions:queue"), {"status": ""}).content.decode()
    assert "Showing 1 to 2 of 4 cases" in first and 'rel="next"' in first and 'rel="prev"' not in first
    assert "?status=&amp;page=2" in first
    second = client.get(reverse("decisions:queue"), {"status": "", "page": 2}).content.decode()
    assert "Showing 3 to 4 of 4 cases" in second and 'rel="prev"' in second and 'rel="next"' not in second
    assert client.get(reverse("decisions:queue"), {"page": "x"}).content.decode().count("Showing 1 to 2") == 1


def test_queue_filters_by_decision_maker_and_overdue(case, manager, decider):
    client = sign_in(Client(), manager)
    assert case.reference in client.get(reverse("decisions:queue"), {"decision_maker": decider.pk}).content.decode()
    assert case.reference not in client.get(reverse("decisions:queue"),
                                            {"decision_maker": "unallocated"}).content.decode()
    assert case.reference not in client.get(reverse("decisions:queue"), {"deadline": "overdue"}).content.decode()


def test_the_other_competent_authority_gets_404(case, competent_authorities):
    outsider = UserFactory(organisation=competent_authorities["ukba"], roles=[Role.CA_MANAGER])
    client = sign_in(Client(), outsider)
    assert case.reference not in client.get(reverse("decisions:queue")).content.decode()
    for name in ("decisions:case", "decisions:case-referral", "decisions:case-timeline", "decisions:transfer",
                 "decisions:note"):
        assert client.get(reverse(name, args=[case.pk])).status_code == 404, name


def test_first_responders_cannot_open_the_casework_pages(case, first_responder):
    client = sign_in(Client(), first_responder)
    assert client.get(reverse("decisions:queue")).status_code == 403
    assert client.get(reverse("decisions:case", args=[case.pk])).status_code == 404


def test_drafting_and_sending_a_decision_from_the_page(case, decider):
    client = sign_in(Client(), decider)
    url = reverse("decisions:decision", args=[case.pk, "rg"])
    page = client.get(url).content.decode()
    assert "suspect but cannot prove" in page
    assert client.post(url, {"outcome": "positive"}).status_code == 400
    response = client.post(url, {"outcome": "positive", "reasons": "Indicators.", "evidence_considered": "Form."})
    assert response.url == reverse("decisions:case", args=[case.pk])
    decision = Decision.objects.get(case_id=case.pk)
    client.post(reverse("decisions:decision-send", args=[case.pk, decision.pk]))
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.AWAITING_REVIEW


def test_a_reviewer_who_declared_involvement_is_refused_on_the_page(case, decider, reviewer):
    decision = decision_awaiting_review(case, decider=decider)
    involvement_declare(referral=case, details="Asylum decision", by=reviewer)
    client = sign_in(Client(), reviewer)
    response = client.post(reverse("decisions:review", args=[case.pk, decision.pk]), {"review": "sign_off"})
    assert response.status_code == 400
    assert "declared involvement" in response.content.decode()
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.AWAITING_REVIEW


def test_sign_off_on_the_page_starts_the_recovery_period(case, decider, reviewer):
    decision = decision_awaiting_review(case, decider=decider)
    client = sign_in(Client(), reviewer)
    response = client.post(reverse("decisions:review", args=[case.pk, decision.pk]), {"review": "sign_off"})
    assert response.url == reverse("decisions:case", args=[case.pk])
    page = client.get(response.url).content.decode()
    # Removal stays suspended until the CG is served: the minimum recovery period's end is when a CG can be
    # made, never the end of the suspension or of support.
    assert "Removal action is suspended until the Conclusive Grounds decision is served" in page
    assert "Waiting for a Conclusive Grounds decision, 0 days" in page
    assert "Conclusive Grounds decision can be made from" in page and "suspended until" + " " not in page.replace(
        "suspended until the Conclusive", "")
    case.refresh_from_db()
    assert case.status == ReferralStatus.RG_POSITIVE


def test_returning_needs_comments(case, decider, reviewer):
    decision = decision_awaiting_review(case, decider=decider, outcome="negative")
    client = sign_in(Client(), reviewer)
    response = client.post(reverse("decisions:review", args=[case.pk, decision.pk]), {"review": "return"})
    assert response.status_code == 400
    assert "Enter comments" in response.content.decode()


def test_the_timeline_names_both_people_of_each_step(case, decider, reviewer, manager, ukhtc):
    """'Allocated to Mark Wilson by Kwame Mensah': the subject and the actor, for every such step."""
    from decisions.services.case import case_allocate
    from decisions.services.decision import decision_return, decision_sign_off

    colleague = UserFactory(organisation=ukhtc, roles=[Role.DECISION_MAKER], full_name="Mark Wilson")
    manager.full_name = "Kwame Mensah"
    manager.save()
    case_allocate(referral=case, to=colleague, by=manager)
    decision = decision_send_for_review(decision=decision_draft(
        referral=case, stage="rg", outcome="positive", reasons="r", evidence_considered="e", by=colleague),
        by=colleague)
    decision_return(decision=decision, by=reviewer, comments="Say more.")
    decision_sign_off(decision=decision_send_for_review(decision=decision_draft(
        referral=case, stage="rg", outcome="positive", reasons="More.", evidence_considered="e", by=colleague),
        by=colleague), by=reviewer)
    from decisions.selectors.case import case_for
    from decisions.selectors.timeline import timeline

    steps = [(entry.title, entry.by) for entry in timeline(case_for(manager, case.pk))]
    assert ("Reallocated to Mark Wilson", "Kwame Mensah") in steps
    assert (f"Allocated to {decider.full_name}", "Kwame Mensah") in steps
    assert ("Reasonable Grounds decision returned to Mark Wilson", reviewer.full_name) in steps
    assert ("Positive reasonable grounds decision signed off and served", reviewer.full_name) in steps
    page = sign_in(Client(), manager).get(reverse("decisions:case-timeline", args=[case.pk])).content.decode()
    assert "Reallocated to Mark Wilson" in page and "by Kwame Mensah" in page


def test_the_timeline_shows_what_happened(case, decider, manager):
    decision_draft(referral=case, stage="rg", outcome="positive", reasons="r", evidence_considered="e", by=decider)
    page = sign_in(Client(), manager).get(reverse("decisions:case-timeline", args=[case.pk])).content.decode()
    for title in ("Referral submitted", "Allocated", "Reasonable Grounds decision drafted"):
        assert title in page
    assert "moj-timeline" in page


def test_a_served_decision_keeps_its_letter(case, decider, reviewer):
    from decisions.services.decision import decision_sign_off

    decision = decision_send_for_review(decision=decision_draft(
        referral=case, stage="rg", outcome="positive", reasons="Indicators present.", evidence_considered="e",
        by=decider), by=decider)
    served = decision_sign_off(decision=decision, by=reviewer)
    assert case.reference in served.letter
    assert "there are reasonable grounds to believe you are a victim" in served.letter
    assert "recovery and reflection period until at least" in served.letter
    assert "Indicators present." in served.letter


def test_home_page_shows_allocated_cases_and_audit_feedback(case, decider, reviewer, ukhtc):
    from decisions.models import QualityAudit
    from decisions.services.decision import decision_sign_off
    from decisions.services.quality import quality_audit_record

    decision = decision_sign_off(decision=decision_send_for_review(decision=decision_draft(
        referral=case, stage="rg", outcome="positive", reasons="r", evidence_considered="e", by=decider),
        by=decider), by=reviewer)
    auditor = UserFactory(organisation=ukhtc, roles=[Role.QUALITY_AUDITOR])
    audit = QualityAudit.objects.create(decision=decision, quarter="2026-Q4")
    quality_audit_record(audit=audit, finding="disagree", feedback="Cite the indicators you relied on.",
                         by=auditor)
    page = sign_in(Client(), decider).get("/").content.decode()
    assert "Cases allocated to you" in page and case.reference in page
    assert "Cite the indicators you relied on." in page


def test_quality_auditor_records_a_finding_on_the_page(case, decider, reviewer, ukhtc):
    from decisions.models import QualityAudit
    from decisions.services.decision import decision_sign_off

    decision = decision_sign_off(decision=decision_send_for_review(decision=decision_draft(
        referral=case, stage="rg", outcome="positive", reasons="r", evidence_considered="e", by=decider),
        by=decider), by=reviewer)
    audit = QualityAudit.objects.create(decision=decision, quarter="2026-Q4")
    auditor = UserFactory(organisation=ukhtc, roles=[Role.QUALITY_AUDITOR])
    client = sign_in(Client(), auditor)
    assert case.reference in client.get(reverse("decisions:audits")).content.decode()
    url = reverse("decisions:audit-finding", args=[audit.pk])
    assert client.post(url, {"finding": "agree"}).status_code == 400
    assert client.post(url, {"finding": "agree", "feedback": "Well reasoned."}).status_code == 302
    audit.refresh_from_db()
    assert audit.finding == "agree" and audit.auditor == auditor
    assert sign_in(Client(), decider).get(reverse("decisions:audits")).status_code == 403


def test_the_author_is_refused_as_reviewer_on_the_page(case, decider, ukhtc):
    decider.groups.add(*UserFactory(organisation=ukhtc, roles=[Role.SECOND_REVIEWER]).groups.all())
    decision = decision_awaiting_review(case, decider=decider)
    client = sign_in(Client(), decider)
    page = client.get(reverse("decisions:review", args=[case.pk, decision.pk])).content.decode()
    assert "You cannot review this decision" in page
    response = client.post(reverse("decisions:review", args=[case.pk, decision.pk]), {"review": "sign_off"})
    assert response.status_code == 400 and "You wrote this decision" in response.content.decode()
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.AWAITING_REVIEW


def test_a_reviewer_of_the_other_authority_cannot_reach_the_review_page(case, decider, competent_authorities):
    decision = decision_awaiting_review(case, decider=decider)
    outsider = UserFactory(organisation=competent_authorities["ukba"], roles=[Role.SECOND_REVIEWER])
    client = sign_in(Client(), outsider)
    url = reverse("decisions:review", args=[case.pk, decision.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"review": "sign_off"}).status_code == 404


def test_first_responders_see_outcomes_of_their_own_referrals_only(case, decider, reviewer, first_responder,
                                                                   other_first_responder_user):
    from decisions.services.decision import decision_sign_off

    decision_sign_off(decision=decision_send_for_review(decision=decision_draft(
        referral=case, stage="rg", outcome="negative", reasons="r", evidence_considered="e", by=decider),
        by=decider), by=reviewer)
    own = sign_in(Client(), first_responder).get(reverse("referrals:detail", args=[case.pk])).content.decode()
    assert "Negative Reasonable Grounds decision" in own
    assert "Ask for the decision to be reconsidered" in own
    other = sign_in(Client(), other_first_responder_user).get(reverse("referrals:detail", args=[case.pk]))
    assert other.status_code == 404


def _statements(captured) -> int:
    """Queries a request ran, without the test's savepoints (BEGIN and COMMIT outside a test)."""
    return sum(not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
               for query in captured.captured_queries)


def test_each_case_page_reads_only_what_it_shows_in_a_fixed_number_of_queries(case, manager):
    """The same queries with one note as with six, and each tab prefetches only its own relations (one
    query each): at most 11 for the overview, the referral and the API; the timeline, which shows
    every kind of event, 13. (One of each is the session, read from PostgreSQL so that Redis is not needed
    to serve a page.)"""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from decisions.services.case import note_add

    client = sign_in(Client(), manager)
    api = APIClient()
    api.force_authenticate(manager)
    urls = [reverse(name, args=[case.pk]) for name in ("decisions:case", "decisions:case-referral",
                                                        "decisions:case-timeline")]
    for url in urls:
        client.get(url)

    def costs() -> list[int]:
        counts = []
        for get, url in [*((client.get, url) for url in urls), (api.get, f"/api/v1/cases/{case.pk}/")]:
            with CaptureQueriesContext(connection) as captured:
                assert get(url).status_code == 200
            counts.append(_statements(captured))
        return counts

    note_add(referral=case, text="First note.", by=manager)
    few = costs()
    overview, referral, timeline, api_answer = few
    assert max(overview, referral, api_answer) <= 11 and timeline <= 13, few
    for number in range(5):
        note_add(referral=case, text=f"Note {number}.", by=manager)
    assert costs() == few


def test_every_case_tab_and_the_decision_form_name_the_person(case, decider):
    client = sign_in(Client(), decider)
    for name in ("decisions:case", "decisions:case-referral", "decisions:case-timeline"):
        page = client.get(reverse(name, args=[case.pk])).content.decode()
        summary = page.split('id="person-summary"')[1].split("</dl>")[0]
        assert "Arben Testperson" in summary and "Albanian" in summary and "Labour" in summary, name
        assert "Adult" in summary, name
    form = client.get(reverse("decisions:decision", args=[case.pk, "rg"])).content.decode()
    assert 'id="person-summary"' in form
    details = form.split('<details class="govuk-details app-referral-details" open>')[1].split("</details>")[0]
    assert "The referral for Arben Testperson" in details and "Personal details" in details


def test_the_overview_gives_each_date_once(case, decider):
    """The case's facts list each date once: the RG target is the next deadline, not a second row."""
    page = sign_in(Client(), decider).get(reverse("decisions:case", args=[case.pk])).content.decode()
    facts = page.split('<dl class="govuk-summary-list">', 1)[1].split("</dl>", 1)[0]
    assert facts.count(case.case_file.rg_due_on.strftime("%-d %B %Y")) == 1
    assert "Reasonable Grounds decision due" in facts and "Reasonable Grounds target" not in facts


def test_the_allocate_page_lists_decision_makers_by_name_with_caseload_and_absence(
        case, manager, decider, ukhtc, django_assert_max_num_queries):
    import datetime
    import html

    away = UserFactory(organisation=ukhtc, roles=[Role.DECISION_MAKER], full_name="Zena Away",
                       away_until=datetime.date.today() + datetime.timedelta(days=3))
    client = sign_in(Client(), manager)
    url = reverse("decisions:allocate", args=[case.pk])
    with django_assert_max_num_queries(17):
        page = client.get(url).content.decode()
    table = html.unescape(page.split('id="caseload"')[1].split("</table>")[0])
    assert decider.full_name in table and away.full_name in table
    assert decider.email not in page and away.email not in page
    rows = {row.split('class="govuk-label govuk-radios__label"')[1].split("</label>")[0].split(">")[1].strip(): row
            for row in table.split('<tr class="govuk-table__row">')[2:]}
    assert ">1<" in rows[decider.full_name].replace(" ", "") and "Available" in rows[decider.full_name]
    assert ">0<" in rows[away.full_name].replace(" ", "") and "Away until" in rows[away.full_name]
    refused = client.post(url, {})
    assert refused.status_code == 400 and "<title>Error: " in refused.content.decode()
    assert client.post(url, {"decision_maker": away.pk}).status_code == 302
    case.case_file.refresh_from_db()
    assert case.case_file.allocated_to == away


def test_the_auditors_home_page_lists_sampled_decisions_waiting_for_a_finding(case, decider, reviewer, ukhtc):
    from django.utils import timezone

    from decisions.services.decision import decision_sign_off
    from decisions.services.quality import quality_sample_draw, quarter_of

    auditor = UserFactory(organisation=ukhtc, roles=[Role.QUALITY_AUDITOR])
    draft = decision_draft(referral=case, stage="rg", outcome="positive", reasons="R.", evidence_considered="E.",
                           by=decider)
    decision_sign_off(decision=decision_send_for_review(decision=draft, by=decider), by=reviewer)
    quality_sample_draw(quarter=quarter_of(timezone.localdate()))
    page = sign_in(Client(), auditor).get("/").content.decode()
    assert "Sampled decisions waiting for your finding" in page and case.reference in page
