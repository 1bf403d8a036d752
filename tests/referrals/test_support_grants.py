"""A support provider's people: django-guardian grants to the provider's group, the referral's submission
time the database copies onto each grant, and the list read in the order of the grant index."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm
from rest_framework.test import APIClient

from organisations.models import OrgRole, Role, User
from referrals.models import Referral, ReferralGroupObjectPermission
from referrals.permissions import is_supporting_provider
from referrals.selectors import referrals_listed_for, referrals_supported_by, referrals_visible_to
from referrals.services import referral_start, referral_submit
from tests.factories import OrganisationFactory, UserFactory
from tests.referrals.builders import completed_draft
from victim_care.services import provider_group

pytestmark = pytest.mark.django_db
GRANT = "referrals.support_referral"


def submitted(first_responder: User, *, days_ago: int) -> Referral:
    """A submitted referral whose submission time is `days_ago` days back (moved by an UPDATE, as a
    correction would, so the grant trigger on the referral is exercised too)."""
    referral = referral_submit(referral=completed_draft(first_responder), by=first_responder)
    Referral.objects.filter(pk=referral.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=days_ago))
    return Referral.objects.get(pk=referral.pk)


def copied_time(referral: Referral, group) -> datetime.datetime | None:
    return ReferralGroupObjectPermission.objects.get(content_object=referral, group=group).referral_submitted_at


@pytest.fixture
def providers(db):
    """Two support providers, each with one worker (in the provider's group, as their role puts them)."""
    made = []
    for _ in range(2):
        provider = OrganisationFactory(roles=[OrgRole.SUPPORT_PROVIDER], first_responder_type="")
        made.append((provider, UserFactory(organisation=provider, roles=[Role.SUPPORT_WORKER])))
    return made


def test_every_grant_carries_the_referrals_submission_time_whoever_writes_it(first_responder, competent_authorities,
                                                                             providers):
    (provider, _), _ = providers
    group = provider_group(provider)
    referral = submitted(first_responder, days_ago=3)
    assign_perm(GRANT, group, referral)  # django-guardian's own insert, which knows nothing of the column
    assert copied_time(referral, group) == referral.submitted_at

    later = referral.submitted_at + datetime.timedelta(hours=5)
    Referral.objects.filter(pk=referral.pk).update(submitted_at=later)
    assert copied_time(referral, group) == later

    ReferralGroupObjectPermission.objects.filter(content_object=referral).update(
        referral_submitted_at=later - datetime.timedelta(days=400))  # a stray write is put right
    assert copied_time(referral, group) == later

    draft = referral_start(by=first_responder)
    assign_perm(GRANT, group, draft)
    assert copied_time(draft, group) is None


def test_a_provider_lists_its_own_people_newest_first_in_the_order_of_the_general_filter(
        first_responder, competent_authorities, providers):
    (provider, worker), (other_provider, other_worker) = providers
    ours = [submitted(first_responder, days_ago=days) for days in (9, 2, 30, 5)]
    theirs = submitted(first_responder, days_ago=1)
    ended = submitted(first_responder, days_ago=3)
    for referral in ours:
        assign_perm(GRANT, provider_group(provider), referral)
    assign_perm(GRANT, provider_group(other_provider), theirs)
    assign_perm(GRANT, provider_group(provider), ended)
    remove_perm(GRANT, provider_group(provider), ended)  # as the end of an allocation does
    assign_perm(GRANT, provider_group(provider), referral_start(by=first_responder))  # a draft is never listed

    newest_first = sorted(ours, key=lambda referral: referral.submitted_at, reverse=True)
    assert list(referrals_supported_by(worker)) == newest_first
    assert list(referrals_visible_to(worker).order_by("-submitted_at", "pk")) == newest_first
    assert list(referrals_supported_by(other_worker)) == [theirs]
    assert is_supporting_provider(worker, ours[0]) and not is_supporting_provider(worker, theirs)
    assert not is_supporting_provider(worker, ended)


def test_the_list_reads_the_grant_index_in_order(first_responder, competent_authorities, providers):
    """The point of the copied time: the page is the first rows of grant_sort_idx, with no sort of all
    the provider's people and no walk of the referrals (enable_sort off makes a sort the last resort)."""
    (provider, worker), _ = providers
    for days in range(6):
        assign_perm(GRANT, provider_group(provider), submitted(first_responder, days_ago=days))
    sql, params = referrals_supported_by(worker)[:50].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "grant_sort_idx" in plan
    assert "Sort" not in plan  # no Sort and no Incremental Sort: the index gives the order


def test_a_grant_to_one_person_or_a_role_group_shows_nothing(first_responder, competent_authorities, providers):
    """Only the provider's group counts: a grant to a person would outlive their leaving the provider, and one
    to the role's group would reach every support worker in the country."""
    _, (_, worker) = providers
    referral = submitted(first_responder, days_ago=1)
    assign_perm(GRANT, worker, referral)
    assign_perm(GRANT, Group.objects.get(name=Role.SUPPORT_WORKER.label), referral)
    assert not referrals_supported_by(worker).exists()
    assert not referrals_visible_to(worker).exists()
    assert not is_supporting_provider(worker, referral)


def test_a_worker_in_two_provider_groups_sees_each_person_once(first_responder, competent_authorities, providers):
    (provider, worker), (other_provider, _) = providers
    shared, only_other = submitted(first_responder, days_ago=2), submitted(first_responder, days_ago=1)
    for referral in (shared, only_other):
        assign_perm(GRANT, provider_group(other_provider), referral)
    assign_perm(GRANT, provider_group(provider), shared)
    # victim_care.services keeps a worker in one provider group; data from elsewhere might not.
    User.groups.through.objects.create(user=worker, group=provider_group(other_provider))
    worker = User.objects.get(pk=worker.pk)
    assert list(referrals_supported_by(worker)) == [only_other, shared]


def test_someone_who_is_not_a_support_worker_gets_no_one(first_responder, competent_authorities, providers):
    (provider, _), _ = providers
    referral = submitted(first_responder, days_ago=1)
    assign_perm(GRANT, provider_group(provider), referral)
    assert not referrals_supported_by(first_responder).exists()


def test_the_api_lists_a_workers_people_newest_referral_first_in_fixed_queries(
        first_responder, competent_authorities, providers, django_assert_max_num_queries):
    (provider, worker), (other_provider, other_worker) = providers
    client = APIClient()
    client.force_authenticate(worker)
    people = [submitted(first_responder, days_ago=days) for days in (4, 1, 7)]
    for referral in people:
        assign_perm(GRANT, provider_group(provider), referral)
    assign_perm(GRANT, provider_group(other_provider), submitted(first_responder, days_ago=2))
    Referral.objects.filter(pk=people[2].pk).update(updated_at=timezone.now())  # changed last, listed last still

    with django_assert_max_num_queries(8) as few:
        body = client.get("/api/v1/referrals/").json()
    assert [row["id"] for row in body["results"]] == [str(people[1].pk), str(people[0].pk), str(people[2].pk)]
    for days in range(10, 16):
        assign_perm(GRANT, provider_group(provider), submitted(first_responder, days_ago=days))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get("/api/v1/referrals/").json()["results"]) == 9
    assert referrals_listed_for(other_worker).count() == 1
