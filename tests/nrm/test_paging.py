"""Paged lists (core.paging): a page costs one query for its rows and at most one bounded count, so a
list page costs the same at 1,000,000 referrals as at 10,000; the links keep the list's filters."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from core import paging
from core.paging import ListPage, page_number, page_of
from organisations.models import Organisation, OrgRole
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def providers() -> list[Organisation]:
    return [OrganisationFactory(roles=[OrgRole.SUPPORT_PROVIDER], first_responder_type="",
                                name=f"Provider {index:03}") for index in range(12)]


def _ordered():
    return Organisation.objects.holding(OrgRole.SUPPORT_PROVIDER).order_by("name")


@pytest.mark.parametrize(("asked", "page"), [(None, 1), ("", 1), ("0", 1), ("-2", 1), ("two", 1), ("1.5", 1),
                                             ("10001", 1), ("3", 3), (" 4 ", 4), ("10000", 10000)])
def test_a_missing_or_absurd_page_number_is_the_first_page(asked, page):
    assert page_number(asked) == page


def test_a_short_list_costs_the_same_two_queries_as_a_long_one(providers, django_assert_num_queries):
    with django_assert_num_queries(2):  # the rows, and the count that stops at COUNT_LIMIT
        listed = page_of(_ordered(), number=1, per_page=20)
    assert len(listed) == 12 and listed.total == 12 and not listed.has_next and not listed.has_previous
    assert (listed.first_index, listed.last_index, listed.total_label) == (1, 12, "12")


def test_pages_follow_each_other_and_count_the_list(providers, django_assert_num_queries):
    with django_assert_num_queries(2):  # the rows (one more than a page) and the bounded count
        first = page_of(_ordered(), number=1, per_page=5)
    assert [org.name for org in first] == [f"Provider {index:03}" for index in range(5)]
    assert first.has_next and not first.has_previous and first.total == 12
    last = page_of(_ordered(), number=3, per_page=5)
    assert [org.name for org in last] == ["Provider 010", "Provider 011"]
    assert last.has_previous and not last.has_next and (last.first_index, last.last_index) == (11, 12)
    beyond = page_of(_ordered(), number=4, per_page=5)
    assert not beyond and beyond.first_index == 0


@pytest.mark.parametrize("number", [1, 2, 3, 4])
def test_ids_first_reads_the_same_page_in_one_statement(providers, number, django_assert_num_queries):
    """Picking the page's ids in a subquery changes the plan PostgreSQL may choose, never the rows."""
    plain = page_of(_ordered(), number=number, per_page=5, total=12)
    with django_assert_num_queries(1) as captured:  # the total is known: the rows only, ids in a subquery
        by_ids = page_of(_ordered(), number=number, per_page=5, total=12, ids_first=True)
    assert [org.pk for org in by_ids] == [org.pk for org in plain]
    assert (by_ids.has_next, by_ids.has_previous, by_ids.first_index) == (plain.has_next, plain.has_previous,
                                                                          plain.first_index)
    assert " IN (SELECT " in captured.captured_queries[0]["sql"]


def test_a_long_list_is_counted_only_up_to_the_limit(providers, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_LIMIT", 10)
    listed = page_of(_ordered(), number=1, per_page=5)
    assert listed.total is None and listed.total_label == "more than 10"
    monkeypatch.setattr(paging, "COUNT_LIMIT", 12)
    assert page_of(_ordered(), number=2, per_page=5).total_label == "12"


def test_the_links_keep_the_filters_and_use_their_own_parameter():
    listed = ListPage(items=[1], number=2, per_page=1, has_next=True, total=3,
                      query=QueryDict("status=submitted&page=2&drafts_page=4"))
    assert QueryDict(listed.next_url[1:]) == QueryDict("status=submitted&page=3&drafts_page=4")
    assert QueryDict(listed.previous_url[1:]) == QueryDict("status=submitted&page=1&drafts_page=4")
    drafts = ListPage(items=[1], number=4, per_page=1, has_next=False, total=4,
                      query=QueryDict("page=2&drafts_page=4"), parameter="drafts_page")
    assert QueryDict(drafts.previous_url[1:]) == QueryDict("page=2&drafts_page=3")
