"""Independent Child Trafficking Guardians: who assigns a guardian service to a child and how it is recorded,
and what a guardian sees: exactly what the child's local authority sees, for the children their service is
assigned to now, and nothing else (no adult, no draft, no other child, nothing once the assignment ends, and
nothing where the era has no guardians)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import IntegrityError, InternalError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AccessAction, AccessEvent
from core.errors import Conflict, Invalid, NotAllowed
from decisions.services.case import case_allocate, case_file_open
from decisions.services.decision import decision_draft, decision_send_for_review, decision_sign_off
from organisations.models import OrgRole, Role
from referrals.models import GuardianAssignment, Referral
from referrals.services import REPLACED, guardian_assign, guardian_assignment_end, referral_submit
from tests.conftest import sign_in
from tests.factories import OrganisationFactory, UserFactory
from tests.referrals.builders import child_answers, completed_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, first_responder, competent_authorities, local_authority, safeguarding_lead, decision_maker):
    settings.NRM_CHILD_GUARDIANS_ENABLED = True
    service = OrganisationFactory(name="Guardian service", roles=[OrgRole.CHILD_GUARDIAN], first_responder_type="")
    other_service = OrganisationFactory(name="Other guardian service", roles=[OrgRole.CHILD_GUARDIAN],
                                        first_responder_type="")
    ukhtc = competent_authorities["ukhtc"]

    def child() -> Referral:
        return referral_submit(referral=completed_draft(first_responder, child_answers(local_authority.pk)),
                               by=first_responder)

    return SimpleNamespace(
        service=service, other_service=other_service, responder=first_responder, la_lead=safeguarding_lead,
        decider=decision_maker, local_authority=local_authority,
        guardian=UserFactory(organisation=service, roles=[Role.CHILD_GUARDIAN], full_name="Gina Guardian"),
        colleague=UserFactory(organisation=service, roles=[Role.CHILD_GUARDIAN], full_name="Colin Colleague"),
        other_guardian=UserFactory(organisation=other_service, roles=[Role.CHILD_GUARDIAN]),
        manager=UserFactory(organisation=ukhtc, roles=[Role.CA_MANAGER]),
        reviewer=UserFactory(organisation=ukhtc, roles=[Role.SECOND_REVIEWER]),
        child=child(), another_child=child(), new_child=child,
        adult=referral_submit(referral=completed_draft(first_responder), by=first_responder),
    )


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- Assigning, replacing and ending ------------------------------------------------------------------------

def test_the_childs_local_authority_assigns_a_guardian_service_recorded_with_who_and_when(world):
    before = timezone.now()
    assignment = guardian_assign(referral=world.child, guardian_service=world.service, by=world.la_lead)
    assignment.refresh_from_db()
    assert (assignment.referral_id, assignment.guardian_service_id, assignment.guardian_id,
            assignment.assigned_by_id) == (world.child.pk, world.service.pk, None, world.la_lead.pk)
    assert assignment.assigned_at >= before and assignment.is_current
    history = GuardianAssignment.pgh_event_model.objects.filter(pgh_obj_id=assignment.pk)
    assert list(history.values_list("pgh_label", "guardian_service_id")) == [("insert", world.service.pk)]


def test_replacing_a_guardian_ends_the_current_assignment_and_keeps_it(world):
    first = guardian_assign(referral=world.child, guardian_service=world.service, by=world.la_lead)
    # The competent authority's decision maker on the case replaces it, naming the other service's guardian.
    second = guardian_assign(referral=world.child, guardian_service=world.other_service,
                             guardian=world.other_guardian, by=world.decider)
    first.refresh_from_db()
    assert (first.ended_by_id, first.end_reason, first.ended_at) == (world.decider.pk, REPLACED, second.assigned_at)
    assert list(GuardianAssignment.objects.current().filter(referral=world.child)) == [second]
    assert second.guardian_id == world.other_guardian.pk
    assert GuardianAssignment.pgh_event_model.objects.filter(pgh_obj_id=first.pk, pgh_label="update").count() == 1
    with pytest.raises(Conflict, match="already assigned to the child"):
        guardian_assign(referral=world.child, guardian_service=world.other_service, guardian=world.other_guardian,
                        by=world.manager)
    # Naming the guardian of the service already assigned is a replacement too: the record says who was named.
    third = guardian_assign(referral=world.child, guardian_service=world.other_service, guardian=None,
                            by=world.manager)
    assert GuardianAssignment.objects.filter(referral=world.child).count() == 3 and third.is_current


def test_ending_an_assignment_needs_a_reason_and_an_assignment_to_end(world):
    assignment = guardian_assign(referral=world.child, guardian_service=world.service, by=world.la_lead)
    with pytest.raises(Invalid, match="Enter why the assignment is ending"):
        guardian_assignment_end(referral=world.child, reason="  ", by=world.la_lead)
    ended = guardian_assignment_end(referral=world.child, reason="Moved to an area the service does not cover.",
                                    by=world.manager)
    assert ended.pk == assignment.pk
    assignment.refresh_from_db()
    assert (assignment.ended_by_id, assignment.end_reason) == (world.manager.pk,
                                                               "Moved to an area the service does not cover.")
    assert not GuardianAssignment.objects.current().filter(referral=world.child).exists()
    with pytest.raises(Conflict, match="No guardian service is assigned to this child now"):
        guardian_assignment_end(referral=world.child, reason="Again.", by=world.la_lead)


def test_only_a_submitted_childs_referral_has_a_guardian(world):
    with pytest.raises(NotAllowed, match="Only a submitted child's referral has an independent child trafficking"):
        guardian_assign(referral=world.adult, guardian_service=world.service, by=world.decider)
    draft = completed_draft(world.responder, child_answers(world.local_authority.pk))
    with pytest.raises(NotAllowed, match="Only a submitted child's referral has an independent child trafficking"):
        guardian_assign(referral=draft, guardian_service=world.service, by=world.la_lead)
    assert not GuardianAssignment.objects.exists()


@pytest.mark.parametrize("who", ["responder", "reviewer", "guardian", "other_la_lead", "other_decider"])
def test_only_the_local_authority_lead_and_casework_staff_on_the_case_assign(world, who, competent_authorities):
    people = {
        "other_la_lead": UserFactory(organisation=OrganisationFactory(roles=[OrgRole.LOCAL_AUTHORITY],
                                                                      first_responder_type=""),
                                     roles=[Role.LA_SAFEGUARDING_LEAD]),
        "other_decider": UserFactory(organisation=competent_authorities["ukba"], roles=[Role.DECISION_MAKER]),
    }
    by = people.get(who) or getattr(world, who)
    with pytest.raises(NotAllowed, match="Only the child's local authority safeguarding lead, or the competent"):
        guardian_assign(referral=world.child, guardian_service=world.service, by=by)
    guardian_assign(referral=world.child, guardian_service=world.service, by=world.manager)
    with pytest.raises(NotAllowed, match="Only the child's local authority safeguarding lead, or the competent"):
        guardian_assignment_end(referral=world.child, reason="Not mine to end.", by=by)


def test_only_a_guardian_service_and_one_of_its_own_guardians_can_be_assigned(world):
    with pytest.raises(Invalid, match="Select a guardian service") as refused:
        guardian_assign(referral=world.child, guardian_service=world.local_authority, by=world.la_lead)
    assert refused.value.fields == {"guardian_service": ["Select a guardian service"]}
    with pytest.raises(Invalid, match="Select a guardian who works for Guardian service") as refused:
        guardian_assign(referral=world.child, guardian_service=world.service, guardian=world.other_guardian,
                        by=world.la_lead)
    assert list(refused.value.fields) == ["guardian"]
    world.service.is_active = False
    world.service.save(update_fields=["is_active"])
    with pytest.raises(Invalid, match="Select a guardian service"):
        guardian_assign(referral=world.child, guardian_service=world.service, by=world.la_lead)
    assert not GuardianAssignment.objects.exists()


def test_no_guardian_is_assigned_where_the_era_has_none(world, settings):
    settings.NRM_CHILD_GUARDIANS_ENABLED = False
    with pytest.raises(NotAllowed, match="This deployment has no independent child trafficking guardian service"):
        guardian_assign(referral=world.child, guardian_service=world.service, by=world.la_lead)


def test_the_database_keeps_one_current_guardian_per_child_and_every_assignment(world):
    assignment = guardian_assign(referral=world.child, guardian_service=world.service, by=world.la_lead)
    with transaction.atomic(), pytest.raises(IntegrityError, match="one_current_guardian_per_child"):
        GuardianAssignment.objects.create(referral=world.child, guardian_service=world.other_service,
                                          assigned_by=world.la_lead)
    with transaction.atomic(), pytest.raises(IntegrityError, match="guardian_assignment_ended_by_someone_for_a_rea"):
        GuardianAssignment.objects.filter(pk=assignment.pk).update(ended_at=timezone.now(), ended_by=world.la_lead)
    with transaction.atomic(), pytest.raises(InternalError, match="pgtrigger_guardian_assignment_kept"):
        GuardianAssignment.objects.filter(pk=assignment.pk).delete()


# --- What a guardian sees -----------------------------------------------------------------------------------

def test_a_guardian_sees_the_assigned_child_exactly_as_its_local_authority_does(world):
    guardian_assign(referral=world.child, guardian_service=world.service, by=world.la_lead)
    client = sign_in(Client(), world.colleague)  # the service's guardian, though another is not named
    page = client.get(reverse("referrals:detail", args=[world.child.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert world.child.reference in text and "Testperson" in text and "Guardian service" in text
    assert "Change<span class=\"govuk-visually-hidden\"> the guardian" not in text  # a guardian does not assign
    url = f"/api/v1/referrals/{world.child.pk}/"
    assert _api(world.colleague).get(url).json() == _api(world.la_lead).get(url).json()
    listed = client.get(reverse("referrals:list")).content.decode()
    assert world.child.reference in listed and world.another_child.reference not in listed
    assert [row["id"] for row in _api(world.colleague).get("/api/v1/referrals/").json()["results"]] == [
        str(world.child.pk)]
    assert AccessEvent.objects.filter(user=world.colleague, action=AccessAction.VIEW,
                                      record_id=str(world.child.pk)).exists()


def _unseen(world, case: str, settings) -> Referral:
    """A referral the guardian's service must not see, in each way one can be unseen."""
    if case == "adult":
        return world.adult
    if case == "unassigned child":
        return world.another_child
    if case == "another service's child":
        guardian_assign(referral=world.another_child, guardian_service=world.other_service, by=world.la_lead)
        return world.another_child
    if case == "draft":  # no service assigns to a draft; a row written past it must not open one either
        draft = completed_draft(world.responder, child_answers(world.local_authority.pk))
        GuardianAssignment.objects.create(referral=draft, guardian_service=world.service, assigned_by=world.la_lead)
        return draft
    if case == "assignment ended":
        guardian_assign(referral=world.child, guardian_service=world.service, by=world.la_lead)
        guardian_assignment_end(referral=world.child, reason="Turned 18.", by=world.la_lead)
        return world.child
    if case == "era without guardians":
        guardian_assign(referral=world.child, guardian_service=world.service, by=world.la_lead)
        settings.NRM_CHILD_GUARDIANS_ENABLED = False
        return world.child
    raise AssertionError(case)


@pytest.mark.parametrize("case", ["adult", "unassigned child", "another service's child", "draft",
                                  "assignment ended", "era without guardians"])
def test_a_guardian_sees_nothing_but_the_children_assigned_to_their_service_now(world, case, settings):
    # The service has one child assigned throughout, so an empty answer below is a refusal, not an empty service.
    kept = world.new_child()
    guardian_assign(referral=kept, guardian_service=world.service, by=world.la_lead)
    unseen = _unseen(world, case, settings)
    client = sign_in(Client(), world.guardian)
    assert client.get(reverse("referrals:detail", args=[unseen.pk])).status_code == 404
    assert _api(world.guardian).get(f"/api/v1/referrals/{unseen.pk}/").status_code == 404
    assert AccessEvent.objects.filter(user=world.guardian, action=AccessAction.DENIED,
                                      record_id=str(unseen.pk)).count() == 2
    api_list = [row["id"] for row in _api(world.guardian).get("/api/v1/referrals/").json()["results"]]
    assert str(unseen.pk) not in api_list
    assert api_list == ([] if case == "era without guardians" else [str(kept.pk)])


def test_a_guardian_reads_served_decisions_and_letters_like_the_local_authority_until_the_assignment_ends(world):
    guardian_assign(referral=world.child, guardian_service=world.service, guardian=world.guardian,
                    by=world.la_lead)
    case_file_open(world.child)
    case_allocate(referral=world.child, to=world.decider, by=world.manager)
    decision = decision_draft(referral=world.child, stage="rg", outcome="positive", reasons="Consistent account.",
                              evidence_considered="The referral.", by=world.decider)
    decision = decision_sign_off(decision=decision_send_for_review(decision=decision, by=world.decider),
                                 by=world.reviewer)
    client = sign_in(Client(), world.guardian)
    page = client.get(reverse("referrals:detail", args=[world.child.pk])).content.decode()
    assert "Consistent account." in page  # the reasons: the full view, as the local authority has
    letter = reverse("decisions:letter", args=[world.child.pk, decision.pk])
    assert client.get(letter).status_code == 200
    assert client.get(reverse("decisions:letter-pdf", args=[world.child.pk, decision.pk])).status_code == 200
    assert client.get(reverse("decisions:case", args=[world.child.pk])).status_code == 404  # casework is not theirs
    guardian_assignment_end(referral=world.child, reason="Turned 18.", by=world.la_lead)
    assert client.get(letter).status_code == 404


def test_a_guardian_may_not_assign_or_answer_for_the_child(world):
    guardian_assign(referral=world.child, guardian_service=world.service, by=world.la_lead)
    client = sign_in(Client(), world.guardian)
    assert client.get(reverse("referrals:guardian", args=[world.child.pk])).status_code == 403
    assert client.post(reverse("referrals:guardian", args=[world.child.pk]),
                       {"guardian_service": world.other_service.pk}).status_code == 403
    assert client.post(reverse("referrals:guardian-end", args=[world.child.pk]),
                       {"end-reason": "Mine to end?"}).status_code == 403
    assert GuardianAssignment.objects.current().get(referral=world.child).guardian_service_id == world.service.pk


# --- The pages ----------------------------------------------------------------------------------------------

def test_the_guardian_page_assigns_replaces_and_ends_with_govuk_error_summaries(world):
    client = sign_in(Client(), world.la_lead)
    url = reverse("referrals:guardian", args=[world.child.pk])
    detail = client.get(reverse("referrals:detail", args=[world.child.pk])).content.decode()
    assert f'href="{url}"' in detail and "None assigned" in detail
    page = client.get(url)
    assert page.status_code == 200 and "No guardian service is assigned to this child." in page.content.decode()
    bad = client.post(url, {"guardian_service": "", "guardian": ""})
    assert bad.status_code == 400
    assert 'class="govuk-error-summary"' in bad.content.decode() and "Select a guardian service" in bad.content.decode()
    wrong = client.post(url, {"guardian_service": world.service.pk, "guardian": world.other_guardian.pk}).content
    assert b"Select a guardian who works for Guardian service" in wrong
    done = client.post(url, {"guardian_service": world.service.pk, "guardian": world.guardian.pk})
    assert (done.status_code, done["Location"]) == (302, reverse("referrals:detail", args=[world.child.pk]))
    assert "Guardian service: Gina Guardian" in client.get(done["Location"]).content.decode()
    end_url = reverse("referrals:guardian-end", args=[world.child.pk])
    missing = client.post(end_url, {"end-reason": ""})
    assert missing.status_code == 400 and "Enter why the assignment is ending" in missing.content.decode()
    assert client.post(end_url, {"end-reason": "Assigned in error."}).status_code == 302
    history = client.get(url).content.decode()
    assert "Assigned in error." in history and "No guardian service is assigned to this child." in history
    # The casework page offers the same page to the competent authority's staff on the case.
    case_file_open(world.child)
    case_page = sign_in(Client(), world.manager).get(reverse("decisions:case", args=[world.child.pk]))
    assert f'href="{url}"' in case_page.content.decode()


# Session, user (with its organisation), device, groups; the children (one query: their referrals, local
# authorities and named guardians joined); the change-history context.
GUARDIAN_LIST_QUERIES = 6


def test_the_guardians_list_and_home_page_cost_the_same_queries_for_one_child_or_many(
        world, django_assert_num_queries):
    guardian_assign(referral=world.child, guardian_service=world.service, by=world.la_lead)
    client = sign_in(Client(), world.guardian)
    with django_assert_num_queries(GUARDIAN_LIST_QUERIES):
        one = client.get(reverse("referrals:list"))
    with django_assert_num_queries(HOME_QUERIES):
        home = client.get(reverse("home"))
    assert world.child.reference in one.content.decode() and world.child.reference in home.content.decode()
    more = [world.new_child() for _ in range(3)]
    for child in more:
        guardian_assign(referral=child, guardian_service=world.service, guardian=world.guardian, by=world.la_lead)
    with django_assert_num_queries(GUARDIAN_LIST_QUERIES):
        many = client.get(reverse("referrals:list")).content.decode()
    with django_assert_num_queries(HOME_QUERIES):
        home = client.get(reverse("home")).content.decode()
    assert all(child.reference in many and child.reference in home for child in [world.child, *more])
    assert "Gina Guardian" in many and "Not named yet" in many
    assert world.another_child.reference not in many


HOME_QUERIES = 8  # the same, with the notifications panel's two queries before the children
