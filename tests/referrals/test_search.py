"""Search over the first responder's referral list and the competent authority's queue: by reference,
name or date of birth, scoped as the lists are, paged, at a fixed number of queries, and never with
the term in an address."""

from __future__ import annotations

import copy
import datetime

import pytest
from django.test import Client
from django.urls import reverse

from decisions.services.case import case_file_open
from organisations.models import Role
from referrals.search import as_date, referral_search
from referrals.services import referral_submit
from tests.conftest import sign_in
from tests.factories import UserFactory
from tests.referrals.builders import ADULT, completed_draft

pytestmark = pytest.mark.django_db


def _person(user, given: str, family: str, dob: str):
    answers = copy.deepcopy(ADULT)
    answers["personal-details"].update(given_names=given, family_name=family, date_of_birth=dob)
    referral = referral_submit(referral=completed_draft(user, answers), by=user)
    case_file_open(referral)
    return referral


@pytest.mark.parametrize("term, expected", [("17/5/1990", datetime.date(1990, 5, 17)),
                                            ("17 5 1990", datetime.date(1990, 5, 17)),
                                            ("1990-05-17", datetime.date(1990, 5, 17)),
                                            ("17 May 1990", datetime.date(1990, 5, 17)),
                                            ("31/2/1990", None), ("NRM-2026-000001", None), ("Arben", None)])
def test_a_term_is_read_as_a_date_only_when_it_is_one(term, expected):
    assert as_date(term) == expected


def test_the_term_chooses_reference_name_or_date_of_birth():
    assert "date_of_birth" in str(referral_search("17/5/1990"))
    assert "reference__icontains" in str(referral_search("nrm-2026-000123"))
    assert "reference__icontains" in str(referral_search("000123"))
    assert str(referral_search("Arben O'Test")).count("name_for_matching__contains") == 2


def test_first_responders_search_their_own_referrals_and_the_term_stays_out_of_the_address(
        first_responder, other_first_responder, competent_authorities, django_assert_max_num_queries):
    arben = _person(first_responder, "Arben", "Testperson", "1990-05-17")
    mira = _person(first_responder, "Mira", "Example", "1985-01-02")
    theirs = _person(other_first_responder, "Arben", "Testperson", "1990-05-17")
    client = sign_in(Client(), first_responder)
    url = reverse("referrals:list")
    response = client.post(url, {"q": "Arben Testperson"})
    assert response.status_code == 302 and response.url == url and "Arben" not in response.url
    with django_assert_max_num_queries(13):
        page = client.get(url).content.decode()
    assert arben.reference in page and mira.reference not in page and theirs.reference not in page
    assert "Showing results for \N{LEFT SINGLE QUOTATION MARK}Arben Testperson" in page
    for term, found in (("2/1/1985", mira), (mira.reference, mira), (arben.reference.lower(), arben)):
        client.post(url, {"q": term})
        page = client.get(url).content.decode()
        assert found.reference in page, term
        assert (mira if found is arben else arben).reference not in page, term
    client.post(url, {"q": ""})
    page = client.get(url).content.decode()
    assert arben.reference in page and mira.reference in page and "Showing results for" not in page


def test_search_results_are_paged(first_responder, competent_authorities, monkeypatch):
    from core import paging

    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    for _ in range(3):
        _person(first_responder, "Arben", "Testperson", "1990-05-17")
    _person(first_responder, "Mira", "Example", "1985-01-02")
    client = sign_in(Client(), first_responder)
    client.post(reverse("referrals:list"), {"q": "testperson"})
    first = client.get(reverse("referrals:list")).content.decode()
    assert "Showing 1 to 2 of 3 submitted referrals" in first and 'rel="next"' in first
    second = client.get(reverse("referrals:list"), {"page": 2}).content.decode()
    assert "Showing 3 to 3 of 3 submitted referrals" in second


def test_the_queue_searches_the_authoritys_cases_closed_ones_too(first_responder, competent_authorities,
                                                                 django_assert_max_num_queries):
    from referrals.models import Referral, ReferralStatus

    ukhtc = competent_authorities["ukhtc"]
    manager = UserFactory(organisation=ukhtc, roles=[Role.CA_MANAGER])
    arben = _person(first_responder, "Arben", "Testperson", "1990-05-17")
    mira = _person(first_responder, "Mira", "Example", "1985-01-02")
    Referral.objects.filter(pk=mira.pk).update(status=ReferralStatus.CLOSED)
    client = sign_in(Client(), manager)
    url = reverse("decisions:queue")
    client.get(url)  # the session's first save is not the page's cost
    assert client.post(url + "?deadline=", {"q": "17 5 1990"}).url == url + "?deadline="
    with django_assert_max_num_queries(15):
        page = client.get(url).content.decode()
    assert arben.reference in page and mira.reference not in page
    client.post(url, {"q": "mira"})
    page = client.get(url).content.decode()
    assert mira.reference in page and arben.reference not in page  # closed, and still found
    outsider = UserFactory(organisation=competent_authorities["ukba"], roles=[Role.CA_MANAGER])
    other = sign_in(Client(), outsider)
    other.post(url, {"q": "mira"})
    assert mira.reference not in other.get(url).content.decode()


def test_your_details_are_filled_in_from_the_account_and_the_last_referral(first_responder, competent_authorities):
    from referrals.services import referral_start

    client = sign_in(Client(), first_responder)
    fresh = referral_start(by=first_responder)
    page = client.get(reverse("referrals:section", args=[fresh.pk, "your-details"])).content.decode()
    assert f'value="{first_responder.full_name}"' in page and f'value="{first_responder.email}"' in page
    completed_draft(first_responder)  # answered "your details" with a job title and a phone number
    page = client.get(reverse("referrals:section", args=[fresh.pk, "your-details"])).content.decode()
    assert 'value="Detective constable"' in page and 'value="020 7946 0123"' in page
    assert f'value="{first_responder.full_name}"' in page  # the account's name, not the earlier answer
