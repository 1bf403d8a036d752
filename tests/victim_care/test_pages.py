"""Victim care pages: the prime contractor allocates and downloads statements; a provider sees only
its people and writes only while it supports them; everyone else is refused."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from organisations.models import OrgRole, Role
from referrals.services import referral_submit
from tests.conftest import home_panel, sign_in
from tests.factories import OrganisationFactory, UserFactory
from tests.referrals.builders import completed_draft
from tests.referrals.conftest import competent_authorities  # noqa: F401
from victim_care.models import CareRecordEntry, SupportType, Tariff
from victim_care.services import allocation_move, support_case_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(first_responder, competent_authorities):  # noqa: F811
    manager = UserFactory(organisation=OrganisationFactory(roles=[OrgRole.PRIME_CONTRACTOR],
                                                           first_responder_type=""), roles=[Role.PC_CASE_MANAGER])
    provider = OrganisationFactory(roles=[OrgRole.SUPPORT_PROVIDER], first_responder_type="")
    other = OrganisationFactory(roles=[OrgRole.SUPPORT_PROVIDER], first_responder_type="")
    Tariff.objects.create(provider=provider, support_type=SupportType.OUTREACH, daily_rate_pence=2000,
                          valid_from=datetime.date(2020, 1, 1))
    worker = UserFactory(organisation=provider, roles=[Role.SUPPORT_WORKER])
    stranger = UserFactory(organisation=other, roles=[Role.SUPPORT_WORKER])
    case = support_case_open(referral=referral_submit(referral=completed_draft(first_responder), by=first_responder))
    return {"manager": manager, "provider": provider, "worker": worker, "stranger": stranger, "case": case}


def test_the_prime_contractor_allocates_from_the_page(world):
    client = sign_in(Client(), world["manager"])
    home = client.get(reverse("victim_care:home")).content.decode()
    assert world["case"].referral.reference in home and "Awaiting allocation" in home
    today = datetime.date.today()
    response = client.post(reverse("victim_care:allocate", args=[world["case"].pk]), {
        "provider": world["provider"].pk, "support_type": "outreach",
        "start_on_day": today.day, "start_on_month": today.month, "start_on_year": today.year})
    assert response.status_code == 302
    assert world["case"].allocations.get().provider == world["provider"]
    after = client.get(reverse("victim_care:home")).content.decode()  # the cached counts follow the change
    assert "Nobody is waiting." in after and "Showing 1 to 1 of 1 people awaiting" in home
    bad = client.post(reverse("victim_care:allocate", args=[world["case"].pk]), {"support_type": "outreach"})
    assert bad.status_code == 400 and "Select a support provider" in bad.content.decode()


def test_statements_download_for_the_prime_contractor_only(world):
    """The files' rows read back: the person's days in January at the provider's rate, and the total."""
    allocation_move(support_case=world["case"], provider=world["provider"], support_type="outreach",
                    on=datetime.date(2026, 1, 5), by=world["manager"])
    reference = world["case"].referral.reference
    expected = [["Reference", "Support type", "First day", "Last day", "Days", "Daily rate (pence)", "Amount (pence)"],
                [reference, "outreach", "2026-01-05", "2026-01-31", 27, 2000, 54000],
                ["Total", "", "", "", 27, "", 54000]]
    manager = sign_in(Client(), world["manager"])
    url = reverse("victim_care:statement", args=[world["provider"].pk, "2026", "01", "csv"])
    response = manager.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    assert list(csv.reader(io.StringIO(response.content.decode()))) == [[str(v) for v in r] for r in expected]
    xlsx = manager.get(reverse("victim_care:statement", args=[world["provider"].pk, "2026", "01", "xlsx"]))
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [["" if v is None else v for v in r] for r in sheet.iter_rows(values_only=True)] == expected
    assert sign_in(Client(), world["worker"]).get(url).status_code == 403


def test_the_provider_writes_while_it_supports_the_person(world):

    allocation_move(support_case=world["case"], provider=world["provider"], support_type="outreach",
                    on=datetime.date.today(), by=world["manager"])
    client = sign_in(Client(), world["worker"])
    assert world["case"].referral.reference in client.get(reverse("victim_care:home")).content.decode()
    url = reverse("victim_care:case", args=[world["case"].pk])
    assert client.post(url, {"kind": "assessment", "text": ""}).status_code == 400
    assert client.post(url, {"kind": "assessment", "text": "Needs safe housing."}).status_code == 302
    assert CareRecordEntry.objects.get().author == world["worker"]
    assert "Needs safe housing." in client.get(url).content.decode()


def test_other_providers_and_roles_are_refused(world, first_responder):
    url = reverse("victim_care:case", args=[world["case"].pk])
    assert sign_in(Client(), world["stranger"]).get(url).status_code == 404
    client = sign_in(Client(), first_responder)
    assert client.get(reverse("victim_care:home")).status_code == 403
    assert client.get(url).status_code == 404


def test_the_allocation_page_shows_providers_that_fit(world):
    from victim_care.models import ProviderProfile

    ProviderProfile.objects.create(organisation=world["provider"], regions=["london"], services=["counselling"],
                                   men_only_beds=2, women_only_beds=0, family_beds=0)
    client = sign_in(Client(), world["manager"])
    url = reverse("victim_care:case", args=[world["case"].pk])
    page = client.get(url).content.decode()
    assert world["provider"].name in page  # the person is male: two suitable bed spaces
    assert world["provider"].name not in client.get(url, {"region": "wales"}).content.decode().split(
        "Providers that fit")[1].split("</table>")[0]


def test_dashboards_show_capacity_spend_reviews_and_overdue_contact(world):
    from victim_care.models import ProviderProfile
    from victim_care.services import allocation_move, care_entry_add

    ProviderProfile.objects.create(organisation=world["provider"], men_only_beds=3)
    allocation_move(support_case=world["case"], provider=world["provider"], support_type="outreach",
                    on=datetime.date.today(), by=world["manager"])
    manager_page = sign_in(Client(), world["manager"]).get(reverse("victim_care:home")).content.decode()
    assert "Capacity by provider" in manager_page and "of the year's budget" in manager_page
    client = sign_in(Client(), world["worker"])
    # Just allocated: contact is not yet due (no false alarm minutes after the allocation)
    assert "Contact overdue" not in client.get(reverse("victim_care:home")).content.decode()
    care_entry_add(support_case=world["case"], kind="contact", text="Called.", by=world["worker"])
    care_entry_add(support_case=world["case"], kind="care_plan", text="Plan.", by=world["worker"],
                   review_due_on=datetime.date.today() + datetime.timedelta(days=3))
    page = client.get(reverse("victim_care:home")).content.decode()
    assert "Contact overdue" not in page and "Review due" in page


def test_the_prime_contractor_manages_providers_and_rates(world):
    from victim_care.models import ProviderProfile, Tariff

    url = reverse("victim_care:provider", args=[world["provider"].pk])
    client = sign_in(Client(), world["manager"])
    assert client.get(url).status_code == 200
    assert client.post(url, {"form": "profile", "regions": ["london"], "services": ["counselling"],
                             "women_only_beds": 4, "men_only_beds": 0, "family_beds": 1}).status_code == 302
    assert ProviderProfile.objects.get(organisation=world["provider"]).women_only_beds == 4
    response = client.post(url, {"form": "tariff", "support_type": "outreach", "daily_rate_pence": 2600,
                                 "valid_from_day": "1", "valid_from_month": "4", "valid_from_year": "2026"})
    assert response.status_code == 302
    assert Tariff.objects.get(provider=world["provider"], valid_from=datetime.date(2026, 4, 1)).daily_rate_pence == 2600
    assert ">£26.00</td>" in client.get(url).content.decode(), "the rate shown in pounds, as published"
    assert client.post(url, {"form": "tariff", "support_type": "outreach"}).status_code == 400
    assert sign_in(Client(), world["worker"]).get(url).status_code == 403


def test_the_case_manager_records_needs_and_risks(world):
    url = reverse("victim_care:case", args=[world["case"].pk])
    client = sign_in(Client(), world["manager"])
    assert client.post(url, {"needs": "", "risks": ""}).status_code == 400
    assert client.post(url, {"needs": "Safe house, women-only.", "risks": "Exploiters nearby."}).status_code == 302
    world["case"].refresh_from_db()
    assert world["case"].needs == "Safe house, women-only."
    assert sign_in(Client(), world["worker"]).post(url, {"needs": "x", "risks": "y"}).status_code == 404


def _committed_pounds(client: Client) -> str:
    page = client.get(reverse("victim_care:home")).content.decode()
    return re.search(r'id="committed">£([\d,]+)<', page).group(1)


def test_the_budget_on_the_dashboard_follows_every_change_it_is_worked_out_from(world):
    """The budget position is cached (it adds up every open allocation); an allocation, a new rate and
    the end of support, written by a bulk UPDATE, each show on the next page load all the same."""
    from victim_care.services import allocation_move, support_exit, tariff_set

    client = sign_in(Client(), world["manager"])
    today = datetime.date.today()
    assert _committed_pounds(client) == "0"
    allocation_move(support_case=world["case"], provider=world["provider"], support_type="outreach",
                    on=today - datetime.timedelta(days=1), by=world["manager"])
    at_twenty_pounds = _committed_pounds(client)
    assert at_twenty_pounds != "0"
    tariff_set(provider=world["provider"], support_type=SupportType.OUTREACH, daily_rate_pence=4000,
               valid_from=today + datetime.timedelta(days=1), by=world["manager"])
    at_forty_pounds = _committed_pounds(client)
    assert int(at_forty_pounds.replace(",", "")) == pytest.approx(2 * int(at_twenty_pounds.replace(",", "")), abs=1)
    support_exit(support_case=world["case"], on=today, reason="Moved on", by=world["manager"])
    assert _committed_pounds(client) == "0"


def test_the_dashboard_adds_up_the_allocations_once_per_change(world):
    """At most 12 queries (transaction control aside) once the figures are cached: one per paged list
    (awaiting a provider, waiting for a CG, in move-on, supported now), whatever their lengths, and one
    INSERT that logs the people the lists show (attack finding 5)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = sign_in(Client(), world["manager"])
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("victim_care:home"))
    with CaptureQueriesContext(connection) as second:
        client.get(reverse("victim_care:home"))

    def priced(captured) -> int:
        return sum("LEAD(valid_from" in query["sql"] for query in captured.captured_queries)

    assert priced(first) == 2 and priced(second) == 0  # spend and commitment, then from the cache
    statements = [query["sql"] for query in second.captured_queries
                  if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(statements) <= 12
    assert sum("audit_accessevent" in sql for sql in statements) == 1


def test_a_provider_sees_its_people_a_page_at_a_time_newest_first(world, first_responder, monkeypatch,
                                                                   django_assert_max_num_queries):
    from core import paging

    today = datetime.date.today()
    older = support_case_open(referral=referral_submit(referral=completed_draft(first_responder), by=first_responder))
    for case, start in ((older, today - datetime.timedelta(days=9)), (world["case"], today)):
        allocation_move(support_case=case, provider=world["provider"], support_type="outreach", on=start,
                        by=world["manager"])
    monkeypatch.setattr(paging, "PAGE_SIZE", 1)
    client = sign_in(Client(), world["worker"])
    client.get(reverse("victim_care:home"))
    with django_assert_max_num_queries(11):  # 10 to read, one INSERT to log the people shown (finding 5)
        first = client.get(reverse("victim_care:home")).content.decode()
    assert world["case"].referral.reference in first and older.referral.reference not in first
    assert "Showing 1 to 1 of 2 people" in first and 'rel="next"' in first
    second = client.get(reverse("victim_care:home"), {"page": 2}).content.decode()
    assert older.referral.reference in second and world["case"].referral.reference not in second
    assert sign_in(Client(), world["stranger"]).get(reverse("victim_care:home")).content.decode().count(
        "Nobody is allocated to your organisation") == 1


def test_contact_is_overdue_one_interval_after_the_allocation_or_the_last_contact():
    from django.utils import timezone

    from victim_care.selectors import contact_overdue

    today, week = datetime.date(2026, 3, 10), datetime.timedelta(days=7)
    allocated = datetime.date(2026, 3, 3)
    assert not contact_overdue(last_contact=None, allocated_on=today, today=today, interval=week)
    assert not contact_overdue(last_contact=None, allocated_on=allocated, today=today, interval=week)
    assert contact_overdue(last_contact=None, allocated_on=allocated - datetime.timedelta(days=1), today=today,
                           interval=week)
    called = timezone.make_aware(datetime.datetime(2026, 3, 5, 10))
    assert not contact_overdue(last_contact=called, allocated_on=allocated - week, today=today, interval=week)
    assert contact_overdue(last_contact=called, allocated_on=allocated - week, today=today + week, interval=week)
    assert not contact_overdue(last_contact=None, allocated_on=None, today=today, interval=week)


# --- Attack finding 2: a former provider saw who supports the person now -----------------------------------

def _moved(world) -> tuple:
    """The person allocated to the world's provider ten days ago, an entry written, then moved to another."""
    from victim_care.services import allocation_move, care_entry_add
    new_provider = world["stranger"].organisation
    Tariff.objects.create(provider=new_provider, support_type=SupportType.OUTREACH, daily_rate_pence=2100,
                          valid_from=datetime.date(2020, 1, 1))
    today = datetime.date.today()
    allocation_move(support_case=world["case"], provider=world["provider"], support_type=SupportType.OUTREACH,
                    on=today - datetime.timedelta(days=10), by=world["manager"])
    care_entry_add(support_case=world["case"], kind="contact", text="Met at the office", by=world["worker"])
    allocation_move(support_case=world["case"], provider=new_provider, support_type=SupportType.OUTREACH,
                    on=today, by=world["manager"])
    return world["provider"], new_provider


def test_a_former_provider_does_not_see_who_supports_the_person_now(world):
    former, current = _moved(world)
    page = sign_in(Client(), world["worker"]).get(reverse("victim_care:case", args=[world["case"].pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Met at the office" in text and former.name in text  # its own entries and its own allocation
    assert current.name not in text


def test_the_current_provider_sees_only_its_own_allocation(world):
    former, current = _moved(world)
    text = sign_in(Client(), world["stranger"]).get(reverse("victim_care:case", args=[world["case"].pk])).content
    assert current.name.encode() in text and former.name.encode() not in text


def test_the_case_manager_still_sees_every_allocation(world):
    former, current = _moved(world)
    text = sign_in(Client(), world["manager"]).get(reverse("victim_care:case", args=[world["case"].pk])).content
    assert current.name.encode() in text and former.name.encode() in text


# --- Attack finding 8: bad input answered 500 ------------------------------------------------------------

@pytest.mark.parametrize("period", ["0000-01", "9999-12", "1999-06", "2026-13", "2026-00"])
def test_a_statement_for_an_impossible_period_is_a_clear_error(world, period):
    client = sign_in(Client(), world["manager"])
    response = client.get(f"/support/statements/{world['provider'].pk}/{period}.csv")
    assert response.status_code == 400
    assert b"govuk-error-summary" in response.content and b"Enter a" in response.content


def test_a_move_on_the_day_the_allocation_started_is_a_clear_error_and_changes_nothing(world):
    from victim_care.services import allocation_move
    today = datetime.date.today()
    allocation_move(support_case=world["case"], provider=world["provider"], support_type=SupportType.OUTREACH,
                    on=today, by=world["manager"])
    Tariff.objects.create(provider=world["stranger"].organisation, support_type=SupportType.OUTREACH,
                          daily_rate_pence=2100, valid_from=datetime.date(2020, 1, 1))
    client = sign_in(Client(), world["manager"])
    response = client.post(reverse("victim_care:allocate", args=[world["case"].pk]), {
        "provider": world["stranger"].organisation.pk, "support_type": "outreach",
        "start_on_day": today.day, "start_on_month": today.month, "start_on_year": today.year})
    assert response.status_code == 400
    assert b"govuk-error-summary" in response.content
    assert b"The move must start after the current allocation started" in response.content
    allocation = world["case"].allocations.get()
    assert allocation.provider == world["provider"] and allocation.end_on is None


def test_the_move_on_list_is_soonest_end_first_a_page_at_a_time_and_follows_a_change(world, first_responder,
                                                                                      monkeypatch):
    """The list's order is worked out with the cached figures; a change to a case file reorders it."""
    from django.http import QueryDict
    from django.utils import timezone

    from decisions.models import CaseFile
    from decisions.services.case import case_file_open
    from victim_care import selectors

    monkeypatch.setattr(selectors, "DASHBOARD_PAGE_SIZE", 1)
    later = world["case"]
    sooner = support_case_open(referral=referral_submit(referral=completed_draft(first_responder), by=first_responder))
    waiting = support_case_open(referral=referral_submit(referral=completed_draft(first_responder), by=first_responder))
    now, today = timezone.now(), datetime.date.today()
    for case in (later, sooner, waiting):
        case_file_open(case.referral)  # opened when the submission commits, which a test's never does
    for case, days in ((later, 30), (sooner, 10)):
        CaseFile.objects.filter(referral_id=case.referral_id).update(move_on_at=now + datetime.timedelta(days=days))

    def move_on_page(number: int) -> selectors.ListPage:
        return selectors.manager_dashboard(world["manager"], query=QueryDict(f"move_on_page={number}"),
                                           figures=selectors.manager_figures(today=today), today=today).in_move_on

    first, second = move_on_page(1), move_on_page(2)
    assert [case.pk for case in first] == [sooner.pk] and first.has_next and first.total == 2
    assert [case.pk for case in second] == [later.pk] and not second.has_next
    assert waiting.pk not in {case.pk for page in (first, second) for case in page}  # no CG yet: not in move-on
    CaseFile.objects.filter(referral_id=later.referral_id).update(move_on_at=now + datetime.timedelta(days=5))
    assert [case.pk for case in move_on_page(1)] == [later.pk]


def test_the_home_page_tells_the_prime_contractor_who_waits_and_follows_an_allocation(world):
    client = sign_in(Client(), world["manager"])
    before = home_panel(client, "Victim care")
    assert "Awaiting allocation: 1 person" in before and "Supported now: 0 people" in before
    assert f'href="{reverse("victim_care:home")}"' in before
    allocation_move(support_case=world["case"], provider=world["provider"], support_type="outreach",
                    on=datetime.date.today(), by=world["manager"])
    after = home_panel(client, "Victim care")
    assert "Awaiting allocation: 0 people" in after and "Supported now: 1 person" in after
    assert world["case"].referral.reference not in client.get("/").content.decode(), "counts, never people"


def test_the_home_page_tells_a_provider_how_many_it_supports_and_no_other_provider(world):
    allocation_move(support_case=world["case"], provider=world["provider"], support_type="outreach",
                    on=datetime.date.today(), by=world["manager"])
    worker = home_panel(sign_in(Client(), world["worker"]), "People you support")
    assert "Your organisation supports 1 person now" in worker
    assert f'href="{reverse("victim_care:home")}"' in worker
    stranger = home_panel(sign_in(Client(), world["stranger"]), "People you support")
    assert "Your organisation supports 0 people now" in stranger


def test_only_victim_care_staff_get_the_victim_care_home_panels(world, first_responder):
    client = sign_in(Client(), first_responder)
    assert home_panel(client, "Victim care") == "" and home_panel(client, "People you support") == ""
    worker = sign_in(Client(), world["worker"])
    assert home_panel(worker, "Victim care") == "", "a provider does not see the prime contractor's figures"


# Session, user (with its organisation), device, groups; the notifications panel's two queries; then the
# victim care panel: the prime contractor's figures fingerprint (the figures themselves come from the cache
# once worked out), or the provider's one count. A case manager is a manager: one more for sign-in lockouts.
MANAGER_HOME_QUERIES = 8
PROVIDER_HOME_QUERIES = 7


def test_the_victim_care_home_panels_cost_the_same_queries_for_one_person_or_many(
        world, first_responder, django_assert_num_queries):
    manager, worker = sign_in(Client(), world["manager"]), sign_in(Client(), world["worker"])
    cases = [world["case"], *(support_case_open(referral=referral_submit(
        referral=completed_draft(first_responder), by=first_responder)) for _ in range(2))]
    for count, case in enumerate(cases, start=1):
        allocation_move(support_case=case, provider=world["provider"], support_type="outreach",
                        on=datetime.date.today(), by=world["manager"])
        manager.get("/")  # works the changed figures out once, as the first visit after a change does
        with django_assert_num_queries(MANAGER_HOME_QUERIES):
            assert f"Supported now: {count} " in manager.get("/").content.decode()
        with django_assert_num_queries(PROVIDER_HOME_QUERIES):
            assert f"supports {count} " in worker.get("/").content.decode()
