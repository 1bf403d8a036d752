"""The synthetic national data generator: how many rows, the same rows for the same seed,
the published shares, and rows that hang together as the live service would have left them."""

from __future__ import annotations

import datetime
import io
import re
import zoneinfo
from collections import Counter

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from bench import generate_national_data as generate_script
from bench.national_data.cast import EMAIL_DOMAIN
from bench.national_data.checks import check_database
from bench.national_data.loader import generate_national_data, tables
from bench.national_data.rows import LEFT_TO_DATABASE, WRITTEN
from bench.national_data.shares import GenerationError, exploitation_types_for_label, nationality_codes_for_label
from decisions.models import CaseFile, Decision, DecisionStatus
from organisations.models import Organisation, Role, User
from referrals.models import AgeGroup, Gender, ReferenceCounter, Referral, ReferralKind, ReferralStatus
from referrals.services import referral_submit
from tests.referrals.builders import completed_draft

pytestmark = pytest.mark.django_db

REFERRALS = 2_000
# A fixed moment, so two runs either side of midnight still compare equal.
AS_OF = datetime.datetime(2026, 6, 1, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


def _sql_count(sql: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def _generated_then_rolled_back(seed: int) -> tuple[Counter, Counter]:
    """Generate in a savepoint, describe what was made, and undo it so the next run starts the same."""
    with transaction.atomic():
        generate_national_data(referrals=REFERRALS, seed=seed, as_of=AS_OF)
        assert Referral.objects.count() == REFERRALS
        people = Counter((age, tuple(types), nationality) for age, types, nationality in
                         Referral.objects.values_list("age_at_exploitation", "exploitation_types", "nationality"))
        cases = Counter(Referral.objects.values_list("id", "reference", "status", "updated_at"))
        transaction.set_rollback(True)
    return people, cases


@pytest.mark.parametrize("label, expected", [
    ("Albanian", ("AL", "")), ("UK", ("GB", "")), ("Albanian Greek", ("AL", "GR")), ("Unknown UK", ("GB", "")),
    ("Albanian Unknown", ("AL", "")), ("South Sudanese Sudanese", ("SS", "SD")),
    ("Angolan Congolese (Drc)", ("AO", "CD")), ("Unknown", ("", "")),
])
def test_published_nationality_labels_become_codes(label, expected):
    assert nationality_codes_for_label(label) == expected


@pytest.mark.parametrize("label, expected", [
    ("Labour", ("labour",)), ("Sexual & Labour", ("labour", "sexual")),
    ("Labour, Domestic & Criminal", ("labour", "criminal", "domestic")),
    ("Labour, Domestic, Organ Harvesting", ("labour", "domestic", "organ")),
    ("Not specified or unknown", ("unknown",)),
])
def test_published_exploitation_labels_become_types(label, expected):
    assert exploitation_types_for_label(label) == expected


def test_tables_and_columns_come_from_the_models():
    targets = tables()
    assert targets[Referral].name == Referral._meta.db_table
    assert targets[Referral].columns[-1] == Referral._meta.get_field("first_responder_organisation").column
    assert targets[Decision].columns[0] == "case_id"


def test_a_model_field_the_generator_does_not_know_stops_it():
    without_one = {**WRITTEN, Referral: WRITTEN[Referral][:-1]}
    with pytest.raises(GenerationError, match=r"referrals.Referral.first_responder_organisation is neither written "
                                              r"nor left to the database"):
        tables(without_one, LEFT_TO_DATABASE)
    renamed = {**WRITTEN, CaseFile: (*WRITTEN[CaseFile], "recovery_period_end")}
    with pytest.raises(GenerationError, match=r"decisions.CaseFile.recovery_period_end is not a concrete field"):
        tables(renamed, LEFT_TO_DATABASE)
    left_but_required = {**LEFT_TO_DATABASE, Referral: (*LEFT_TO_DATABASE[Referral], "kind")}
    without_kind = {**WRITTEN, Referral: tuple(name for name in WRITTEN[Referral] if name != "kind")}
    with pytest.raises(GenerationError, match=r"referrals.Referral.kind is left to the database, which has no value"):
        tables(without_kind, left_but_required)


def test_the_same_seed_gives_the_same_data_and_another_seed_does_not():
    people, cases = _generated_then_rolled_back(seed=11)
    assert Referral.objects.count() == 0
    assert _generated_then_rolled_back(seed=11) == (people, cases)
    other_people, other_cases = _generated_then_rolled_back(seed=12)
    assert other_people != people
    assert set(other_cases).isdisjoint(cases)


def test_shares_follow_the_published_figures():
    generate_national_data(referrals=REFERRALS, seed=5, as_of=AS_OF)
    nationalities = Counter(Referral.objects.values_list("nationality", flat=True))
    assert "AL" in [code for code, _ in nationalities.most_common(3)]
    ages = Counter(Referral.objects.values_list("age_at_exploitation", flat=True))
    assert ages[AgeGroup.ADULT] > ages[AgeGroup.CHILD] > ages[AgeGroup.UNKNOWN]
    genders = Counter(Referral.objects.values_list("gender", flat=True))
    assert genders[Gender.MALE] > 2 * genders[Gender.FEMALE]
    kinds = Counter(Referral.objects.values_list("kind", flat=True))
    assert 0.8 < kinds[ReferralKind.NRM] / REFERRALS < 0.9
    assert not Referral.objects.filter(kind=ReferralKind.DUTY_TO_NOTIFY).exclude(is_child=False).exists()
    nations = Counter(Referral.objects.values_list("nation", flat=True))
    assert nations["england"] > 0.8 * REFERRALS
    first = Referral.objects.order_by("submitted_at").first().submitted_at
    assert AS_OF - datetime.timedelta(days=5 * 366) < first < AS_OF - datetime.timedelta(days=5 * 365 - 30)
    statuses_of_old = Counter(Referral.objects.filter(kind=ReferralKind.NRM, submitted_at__lt=AS_OF
                                                      - datetime.timedelta(days=3 * 365)).values_list("status",
                                                                                                     flat=True))
    concluded = statuses_of_old[ReferralStatus.CG_POSITIVE] + statuses_of_old[ReferralStatus.CG_NEGATIVE] \
        + statuses_of_old[ReferralStatus.CLOSED]
    assert concluded > 0.6 * sum(statuses_of_old.values())


def test_generated_rows_hang_together():
    generate_national_data(referrals=REFERRALS, seed=7)
    assert check_database() == []
    served = Decision.objects.filter(status=DecisionStatus.SERVED)
    assert served.count() > REFERRALS // 2
    assert not served.exclude(case__in=CaseFile.objects.all()).exists()
    assert not served.filter(reviewer_id=F("author_id")).exists()
    assert _sql_count("""SELECT count(*) FROM victim_care_allocation a JOIN victim_care_allocation b
                         ON b.support_case_id = a.support_case_id AND b.id < a.id
                         WHERE daterange(a.start_on, a.end_on) && daterange(b.start_on, b.end_on)""") == 0
    assert _sql_count("SELECT count(*) FROM victim_care_allocation") > 0
    duty_to_notify = Referral.objects.filter(kind=ReferralKind.DUTY_TO_NOTIFY)
    assert duty_to_notify.exists()
    assert not duty_to_notify.filter(competent_authority__isnull=False).exists()
    assert not CaseFile.objects.filter(referral__kind=ReferralKind.DUTY_TO_NOTIFY).exists()
    assert not duty_to_notify.exclude(status=ReferralStatus.RECORDED).exists()
    references = list(Referral.objects.values_list("reference", flat=True))
    assert len(set(references)) == len(references) == REFERRALS
    assert all(re.fullmatch(r"(NRM|DTN)-\d{4}-\d{6}", reference) for reference in references)


def test_a_live_submission_afterwards_gets_a_fresh_reference():
    generate_national_data(referrals=REFERRALS, seed=8)
    responder = User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}",
                                     groups__name=Role.FIRST_RESPONDER.label).order_by("email").first()
    year = timezone.localdate().year
    used = [int(reference[-6:]) for reference in
            Referral.objects.filter(reference__startswith=f"NRM-{year}-").values_list("reference", flat=True)]
    used += [int(reference[-6:]) for reference in
             Referral.objects.filter(reference__startswith=f"DTN-{year}-").values_list("reference", flat=True)]
    assert ReferenceCounter.objects.get(year=year).last_number == max(used, default=0)
    live = referral_submit(referral=completed_draft(responder), by=responder)
    assert live.reference == f"NRM-{year}-{max(used, default=0) + 1:06d}"
    assert live.competent_authority.name == settings.NRM_DEFAULT_COMPETENT_AUTHORITY
    # The history triggers are back on after the load.
    assert live.pgh_event_model.objects.filter(pgh_obj_id=live.pk, pgh_label="submitted").count() == 1
    assert live.pgh_event_model.objects.filter(pgh_obj_id=live.pk, pgh_label="insert").count() == 1


def test_running_twice_adds_referrals_but_not_organisations_or_users():
    generate_national_data(referrals=300, seed=1, as_of=AS_OF)
    organisations, users = Organisation.objects.count(), User.objects.count()
    first_ids = set(Referral.objects.values_list("id", flat=True))
    generate_national_data(referrals=300, seed=1, as_of=AS_OF)
    assert (Organisation.objects.count(), User.objects.count()) == (organisations, users)
    assert Referral.objects.count() == 600
    assert len(set(Referral.objects.values_list("id", flat=True)) - first_ids) == 300
    assert check_database() == []


def test_the_command_reports_counts_and_checks_the_database():
    out = io.StringIO()
    assert generate_script.main(["--referrals", "200", "--seed", "3", "--database-check"], out=out) == 0
    output = out.getvalue()
    assert "referrals_referral: 200" in output
    assert "with seed 3" in output
    assert "Database check: no problems found." in output
