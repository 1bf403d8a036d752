"""import_referrals: all or nothing, every error listed by row and column, existing references."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from decisions.models import Decision, DecisionStatus
from organisations.models import Organisation, OrgRole
from referrals.models import ReferenceCounter, Referral, ReferralKind, ReferralStatus
from tests.monitoring.builders import csv_text, ensure_competent_authorities

pytestmark = pytest.mark.django_db

GOOD = {"reference": "NRM-2015-000120", "referral_date": "2015-03-02", "first_responder_organisation": "Kent Police",
        "first_responder_type": "police", "competent_authority": "UK Human Trafficking Centre", "nation": "ENGLAND",
        "age_at_exploitation": "adult", "gender": "female", "nationality": "Albanian", "second_nationality": "Greek",
        "exploitation_types": "Labour; sexual", "exploitation_location": "UK and Overseas", "rg_outcome": "Positive",
        "rg_date": "2015-03-06", "cg_outcome": "Negative", "cg_date": "2015-06-01"}


@pytest.fixture(autouse=True)
def _authorities(db) -> None:
    ensure_competent_authorities()


def _import(tmp_path, rows, *extra: str) -> str:
    path = tmp_path / "historic.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    out = io.StringIO()
    call_command("import_referrals", str(path), *extra, stdout=out, stderr=out)
    return out.getvalue()


def test_a_good_file_is_imported_with_its_decisions(tmp_path):
    output = _import(tmp_path, [GOOD, {**GOOD, "reference": "DTN-2015-000007", "referral_type": "dtn",
                                       "competent_authority": "", "rg_outcome": "", "rg_date": "", "cg_outcome": "",
                                       "cg_date": ""}])
    assert "Imported 2 records" in output and "Kent Police" in output
    referral = Referral.objects.get(reference="NRM-2015-000120")
    assert referral.status == ReferralStatus.HISTORIC
    assert (referral.nationality, referral.second_nationality) == ("AL", "GR")
    assert referral.exploitation_types == ["sexual", "labour"]  # the Home Office's order
    assert referral.exploitation_location == "both" and referral.nation == "england" and referral.is_child is False
    assert referral.competent_authority.name == "UK Human Trafficking Centre"
    assert referral.created_by.is_active is False and not referral.created_by.has_usable_password()
    decisions = Decision.objects.filter(case__referral=referral).order_by("served_at")
    assert [(d.stage, d.outcome, d.status, f"{d.served_at:%Y-%m-%d}") for d in decisions] == [
        ("rg", "positive", DecisionStatus.SERVED, "2015-03-06"),
        ("cg", "negative", DecisionStatus.SERVED, "2015-06-01")]
    dtn = Referral.objects.get(reference="DTN-2015-000007")
    assert dtn.kind == ReferralKind.DUTY_TO_NOTIFY and dtn.competent_authority is None
    assert Organisation.objects.get(name="Kent Police").roles == [OrgRole.FIRST_RESPONDER]
    # Live references for 2015 continue after the imported ones.
    assert ReferenceCounter.objects.get(year=2015).last_number == 120


def test_one_bad_row_rejects_the_file_and_every_error_is_listed(tmp_path):
    rows = [GOOD,
            {**GOOD, "reference": "B-1", "referral_date": "2015-02-30", "gender": "Unknown person"},
            {**GOOD, "reference": "B-2", "nationality": "Martian", "exploitation_types": "Sexual;Fishing"},
            {**GOOD, "reference": "B-3", "rg_outcome": "Positive", "rg_date": "", "cg_outcome": ""},
            {**GOOD, "reference": "NRM-2015-000120"}]
    with pytest.raises(CommandError, match="problems found; nothing was imported") as raised:
        path = tmp_path / "bad.csv"
        path.write_text(csv_text(rows), encoding="utf-8")
        errors = io.StringIO()
        try:
            call_command("import_referrals", str(path), stderr=errors)
        finally:
            listing = errors.getvalue()
    problems = [line for line in listing.splitlines() if line.startswith("Row ")]
    assert str(raised.value) == f"{len(problems)} problems found; nothing was imported."
    assert len(problems) >= 7
    expected = [
        "Row 3, referral_date: must be a real date written YYYY-MM-DD",
        "Row 3, gender: must be one of: Female, Male, Other, Not specified or unknown",
        "Row 4, nationality: 'Martian' is not a nationality label",
        "Row 4, exploitation_types:",
        "Row 5, rg_date: give both rg_outcome and rg_date, or neither",
        "Row 6, reference: NRM-2015-000120 is also on row 2",
    ]
    assert [problem for problem in expected if problem not in listing] == [], listing
    assert not Referral.objects.exists() and not Organisation.objects.filter(name="Kent Police").exists()


def test_missing_and_unknown_columns_are_refused(tmp_path):
    path = tmp_path / "columns.csv"
    path.write_text("reference,referal_date,first_responder_organisation\nX,2015-01-01,Kent Police\n")
    errors = io.StringIO()
    with pytest.raises(CommandError, match=r"^2 problems found; nothing was imported\.$"):
        call_command("import_referrals", str(path), stderr=errors)
    assert "Missing column: referral_date" in errors.getvalue()
    assert "Unknown column: referal_date" in errors.getvalue()


def test_existing_references_are_refused_unless_skipped(tmp_path):
    _import(tmp_path, [GOOD])
    errors = io.StringIO()
    path = tmp_path / "again.csv"
    path.write_text(csv_text([GOOD, {**GOOD, "reference": "NRM-2015-000121"}]))
    with pytest.raises(CommandError, match=r"^1 problem found; nothing was imported\.$"):
        call_command("import_referrals", str(path), stderr=errors)
    assert "Row 2, reference: NRM-2015-000120 is already held" in errors.getvalue()
    assert Referral.objects.count() == 1
    out = io.StringIO()
    call_command("import_referrals", str(path), "--skip-existing", stdout=out)
    assert "Imported 1 record; 1 already held" in out.getvalue()
    assert Referral.objects.count() == 2


def test_a_new_organisation_needs_its_type_and_rules_hold(tmp_path):
    rows = [{**GOOD, "first_responder_organisation": "New Charity", "first_responder_type": ""},
            {**GOOD, "reference": "X-2", "referral_type": "DtN"},
            {**GOOD, "reference": "X-3", "rg_outcome": "Negative", "rg_date": "2015-03-06"},
            {**GOOD, "reference": "X-4", "referral_date": "2099-01-01"}]
    errors = io.StringIO()
    path = tmp_path / "rules.csv"
    path.write_text(csv_text(rows))
    with pytest.raises(CommandError, match=r"^\d+ problems found; nothing was imported\.$"):
        call_command("import_referrals", str(path), stderr=errors)
    listing = errors.getvalue()
    assert "Row 3, referral_type: a Duty to Notify record has no competent authority and no decisions" in listing
    assert "Row 4, cg_outcome: a Conclusive Grounds decision follows a positive Reasonable Grounds decision" in listing
    assert "Row 5, referral_date: must not be in the future" in listing
    assert not Referral.objects.exists()


def test_historic_records_stay_out_of_the_casework_queue(tmp_path, settings):
    from decisions.selectors.queue import case_queue
    from organisations.models import Role
    from tests.factories import UserFactory

    _import(tmp_path, [{**GOOD, "cg_outcome": "", "cg_date": ""}])
    authority = Organisation.objects.get(name="UK Human Trafficking Centre")
    manager = UserFactory(organisation=authority, roles=[Role.CA_MANAGER])
    assert case_queue(manager).items == []


def test_an_organisation_known_in_another_role_takes_the_role_the_file_gives_it(tmp_path):
    """Real organisations act in several roles: a support provider that refers, a prime contractor that
    refers, an authority that both referred and decided (the UK Border Agency in 2009-10)."""
    Organisation.objects.create(name="Medaille Trust", roles=[OrgRole.SUPPORT_PROVIDER])
    Organisation.objects.create(name="The Salvation Army", roles=[OrgRole.PRIME_CONTRACTOR])
    # The UK Border Agency exists as a competent authority (the `_authorities` fixture: the import never makes
    # one, attack finding 4); it takes the first responder role from the file.
    rows = [{**GOOD, "reference": "H-1", "first_responder_organisation": "Medaille Trust",
             "first_responder_type": "NGO and third sector"},
            {**GOOD, "reference": "H-2", "first_responder_organisation": "The Salvation Army",
             "first_responder_type": "NGO and third sector"},
            {**GOOD, "reference": "H-3", "first_responder_organisation": "UK Border Agency",
             "first_responder_type": "Government agency", "competent_authority": "UK Border Agency"}]
    _import(tmp_path, rows)
    medaille = Organisation.objects.get(name="Medaille Trust")
    assert medaille.roles == [OrgRole.FIRST_RESPONDER, OrgRole.SUPPORT_PROVIDER]
    assert medaille.first_responder_type == "ngo"
    assert Organisation.objects.get(name="The Salvation Army").roles == [OrgRole.FIRST_RESPONDER,
                                                                         OrgRole.PRIME_CONTRACTOR]
    ukba = Organisation.objects.get(name="UK Border Agency")
    assert ukba.roles == [OrgRole.COMPETENT_AUTHORITY, OrgRole.FIRST_RESPONDER]
    referral = Referral.objects.get(reference="H-3")
    assert referral.first_responder_organisation == ukba == referral.competent_authority


def test_a_new_role_as_first_responder_still_needs_the_type(tmp_path):
    Organisation.objects.create(name="Hestia", roles=[OrgRole.SUPPORT_PROVIDER])
    path = tmp_path / "hestia.csv"
    path.write_text(csv_text([{**GOOD, "reference": "H-9", "first_responder_organisation": "Hestia",
                               "first_responder_type": ""}]))
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_referrals", str(path), stderr=errors)
    assert "Row 2, first_responder_type: needed to record Hestia as a first responder" in errors.getvalue()
    assert Organisation.objects.get(name="Hestia").roles == [OrgRole.SUPPORT_PROVIDER]
    assert not Referral.objects.filter(reference="H-9").exists()


def test_the_import_never_creates_a_competent_authority(tmp_path):
    """Attack finding 4: a competent authority made from free text has no staff, and a case transferred to
    it vanished from every real queue. An unknown authority rejects the file; nothing is created."""
    rows = [{**GOOD, "competent_authority": "Home Office Trafficking Unit"},
            {**GOOD, "reference": "NRM-2015-000121", "competent_authority": "uk human trafficking centre"}]
    errors = io.StringIO()
    path = tmp_path / "authorities.csv"
    path.write_text(csv_text(rows))
    with pytest.raises(CommandError):
        call_command("import_referrals", str(path), stderr=errors)
    assert ("Row 2, competent_authority: Home Office Trafficking Unit is not a competent authority of the service"
            in errors.getvalue())
    assert not Organisation.objects.filter(name__iexact="Home Office Trafficking Unit").exists()
    assert not Referral.objects.exists()


def test_the_import_never_makes_another_organisation_a_competent_authority(tmp_path):
    """Nor does it give the competent authority role to an organisation it knows in another role."""
    Organisation.objects.create(name="Kent Police", roles=[OrgRole.FIRST_RESPONDER], first_responder_type="police")
    path = tmp_path / "police-decides.csv"
    path.write_text(csv_text([{**GOOD, "competent_authority": "Kent Police"}]))
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_referrals", str(path), stderr=errors)
    assert "Row 2, competent_authority: Kent Police is not a competent authority of the service" in errors.getvalue()
    assert Organisation.objects.get(name="Kent Police").roles == [OrgRole.FIRST_RESPONDER]
