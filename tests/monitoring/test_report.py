"""The monitoring report: each table on hand-built data, the published 2011 table, combination
labels, quarter boundaries and suppression."""

from __future__ import annotations

import datetime
import itertools
import random

import pytest
from django.utils import timezone

from core.figures import Money
from decisions.models import Decision, DecisionStatus, QualityAudit, Reconsideration
from monitoring.periods import Period, PeriodError
from monitoring.report import SYMBOLS, build_report, is_provisional, suppression_rule
from monitoring.suppression import SUPPRESSED, Grid, suppressed_cells
from monitoring.tables.base import exploitation_label
from organisations.models import Organisation, OrgRole
from referrals.models import Referral
from tests.factories import UserFactory
from tests.monitoring.builders import PUBLISHED_2011, published_2011_rows
from tests.monitoring.conftest import row
from victim_care.models import Allocation, SupportCase, SupportStatus, SupportType, Tariff

pytestmark = pytest.mark.django_db
Q4_2023 = Period.quarter("2023-Q4")


def _rows_by_label(table) -> dict[str, list]:
    return {r[0]: r[1:] for r in table.rows}


def test_the_published_2011_table_is_reproduced_exactly(load):
    load(published_2011_rows())
    report = build_report(Period.between(datetime.date(2009, 4, 1), datetime.date(2010, 12, 31)))
    table = report.table("referrals_by_exploitation_type_and_age")
    assert table.columns == ["Exploitation type", "Adult (18 or over)", "Child (17 or under)",
                             "Not specified or unknown", "Total"]
    expected = [[label, adults, children, 0, adults + children] for label, (children, adults) in PUBLISHED_2011.items()]
    assert table.rows == [*expected, ["Total", 932, 322, 0, 1254]]
    dtn = _rows_by_label(report.table("duty_to_notify_by_gender"))
    assert dtn["Male"] == [1] and dtn["Total"] == [1], "Duty to Notify only in its own tables"


def test_combination_labels_follow_the_home_office_order(load):
    assert exploitation_label(["labour", "sexual"]) == "Sexual & Labour"
    assert exploitation_label(["criminal", "domestic", "labour"]) == "Labour, Domestic & Criminal"
    assert exploitation_label(["organ", "criminal", "domestic", "labour", "sexual"]) == \
        "Sexual, Labour, Domestic, Criminal & Organ Harvesting"
    assert exploitation_label([]) == exploitation_label(["unknown"]) == "Not specified or unknown"
    load([row("A", "2023-10-02", exploitation_types="Labour;Sexual", age_at_exploitation="Child"),
          row("B", "2023-10-03", exploitation_types="sexual; labour", age_at_exploitation="Adult"),
          row("C", "2023-10-04", exploitation_types="Criminal;Domestic;Labour"),
          row("D", "2023-10-05", exploitation_types="Criminal"),
          row("E", "2023-10-06", exploitation_types="Labour")])
    table = build_report(Q4_2023).table("referrals_by_exploitation_type_and_age")
    assert [r[0] for r in table.rows] == ["Labour", "Criminal", "Sexual & Labour", "Labour, Domestic & Criminal",
                                          "Total"]
    assert _rows_by_label(table)["Sexual & Labour"] == [1, 1, 0, 2], "counted once, under the combined label"


def test_quarter_boundaries_use_uk_dates(load):
    load([row("SEP30", "2023-09-30"), row("OCT01", "2023-10-01"), row("DEC31", "2023-12-31"),
          row("JAN01", "2024-01-01"), row("LATE", "2023-09-30")])
    # 00:30 on 1 October in London is still 30 September in UTC: it belongs to Q4.
    Referral.objects.filter(reference="LATE").update(
        submitted_at=timezone.make_aware(datetime.datetime(2023, 10, 1, 0, 30)))
    total = _rows_by_label(build_report(Q4_2023).table("referrals_by_gender_and_age"))["Total"]
    assert total[-1] == 3
    assert Period.quarter("2023-q4") == Period(datetime.date(2023, 10, 1), datetime.date(2023, 12, 31))
    with pytest.raises(PeriodError):
        Period.quarter("2023-Q5")
    with pytest.raises(PeriodError):
        Period.between(datetime.date(2024, 1, 2), datetime.date(2024, 1, 1))


def test_people_tables_by_gender_nationality_location_and_nation(load):
    load([row("A", "2023-10-02", gender="Female", nationality="Albanian", second_nationality="Greek",
              exploitation_location="UK and Overseas", nation="Wales", age_at_exploitation="Adult"),
          row("B", "2023-10-02", gender="Male", nationality="Vietnamese", exploitation_location="Overseas",
              nation="England", age_at_exploitation="Child"),
          row("C", "2023-10-02", gender="Male", nationality="Vietnamese", nation="England"),
          row("OUT", "2024-01-02", gender="Other", nationality="UK")])
    report = build_report(Q4_2023)
    gender = _rows_by_label(report.table("referrals_by_gender_and_age"))
    assert gender == {"Female": [1, 0, 0, 1], "Male": [0, 1, 1, 2], "Other": [0, 0, 0, 0],
                      "Not specified or unknown": [0, 0, 0, 0], "Total": [1, 1, 1, 3]}
    nationality = _rows_by_label(report.table("referrals_by_nationality_and_age"))
    assert nationality == {"Albanian Greek": [1, 0, 0, 1], "Vietnamese": [0, 1, 1, 2], "Total": [1, 1, 1, 3]}
    location = _rows_by_label(report.table("referrals_by_exploitation_location_and_age"))
    assert location["UK and Overseas"] == [1, 0, 0, 1] and location["Overseas"] == [0, 1, 0, 1]
    assert location["Not specified or unknown"] == [0, 0, 1, 1]


def test_first_responder_and_national_tables_are_in_full_and_geography_below_national_level_suppressed(
        load, settings):
    rows = [row(f"K{n}", "2023-11-01", age_at_exploitation="Adult", nation="England") for n in range(12)]
    rows += [row("L1", "2023-11-01", first_responder_organisation="Leeds City Council",
                 first_responder_type="Local authority", age_at_exploitation="Child", nation="Wales")]
    load(rows)
    # Where the exploitation was reported: the referral's police force answer, the child's local authority.
    Referral.objects.filter(reference__startswith="K").update(answers={"risk": {"police_force": "Kent Police"}})
    council = Organisation.objects.create(name="Leeds children's services", roles=[OrgRole.LOCAL_AUTHORITY])
    Referral.objects.filter(reference="L1").update(answers={"risk": {"police_force": "West Yorkshire Police"}},
                                                   local_authority=council)
    report = build_report(Q4_2023)
    responders = report.table("referrals_by_first_responder")
    assert responders.columns[:2] == ["First responder type", "First responder"]
    by_name = {r[1]: r[2:] for r in responders.rows}
    assert by_name["Leeds City Council"] == [0, 1, 0, 1], "published in full, as the Home Office does"
    assert by_name["Kent Police"] == [12, 0, 0, 12] and not responders.suppressed
    assert _rows_by_label(report.table("referrals_by_nation_and_age"))["Wales"] == [0, 1, 0, 1]
    assert _rows_by_label(report.table("referrals_by_gender_and_age"))["Total"] == [12, 1, 0, 13]

    forces = report.table("referrals_by_police_force_area_and_age")
    assert forces.suppressed
    assert _rows_by_label(forces)["West Yorkshire Police"] == [0, SUPPRESSED, 0, SUPPRESSED]
    assert _rows_by_label(forces)["Kent Police"][0] == SUPPRESSED, "secondary: the 1 must not follow from totals"
    assert forces.rows[-1][-1] == 13
    _assert_no_lone_suppressed_cell(forces.rows, first_count=1)
    authorities = _rows_by_label(report.table("referrals_by_local_authority_and_age"))
    assert authorities["Leeds children's services"] == [0, SUPPRESSED, 0, SUPPRESSED]
    _assert_no_lone_suppressed_cell(report.table("referrals_by_local_authority_and_age").rows, first_count=1)
    settings.NRM_REPORT_SUPPRESS_MAX = 0
    assert _rows_by_label(build_report(Q4_2023).table("referrals_by_police_force_area_and_age"))[
        "West Yorkshire Police"] == [0, 1, 0, 1]


def test_the_rule_and_every_symbol_are_stated_and_the_latest_quarters_are_provisional(load):
    load([row("P1", "2023-11-01")])
    report = build_report(Q4_2023)
    rule = suppression_rule()
    assert "table by first responder are published in full" in rule and "police force area" in rule
    published = report.as_dict()
    assert rule in published["notes"]
    assert published["symbols"] == SYMBOLS and set(SYMBOLS) == {"[c]", "[x]", "[z]"}
    assert SYMBOLS["[x]"].startswith("not available") and SYMBOLS["[z]"].startswith("not applicable")
    assert published["provisional"] is False
    today = datetime.date(2024, 2, 10)
    assert is_provisional(Q4_2023, today) and is_provisional(Period.quarter("2024-Q1"), today)
    assert not is_provisional(Period.quarter("2023-Q3"), today)
    current = build_report(Period.previous_quarter())
    assert current.provisional and any("provisional" in note for note in current.as_dict()["notes"])


def test_the_notes_speak_to_the_reports_readers_and_say_how_quality_audits_are_counted(load):
    """The notes travel in every export to the Home Office and the Ministry of Justice: they name no file
    of this repository, and say why a quarter's own audit sample is not in its report."""
    notes = build_report(Q4_2023).as_dict()["notes"]
    assert not [note for note in notes if ".md" in note or "docs/" in note]
    assert any(note.startswith("Quality audits are counted by the date the finding was recorded") for note in notes)


def _assert_no_lone_suppressed_cell(rows: list[list], *, first_count: int) -> None:
    """No row (with its total) and no column (with the Total row) has exactly one [c]."""
    for r in rows:
        assert sum(value == SUPPRESSED for value in r[first_count:]) != 1, r
    for column in range(first_count, len(rows[0])):
        assert sum(r[column] == SUPPRESSED for r in rows) != 1, column


def test_secondary_suppression_hides_the_smallest_other_count_and_a_total_only_when_nothing_else_is_left():
    """The order of choice, pinned: a count before a total, then the smallest count; a total is hidden
    only when its row or column has nothing else left to hide."""
    by_row = Grid(count_columns=[1, 2, 3, 4], total_column=4, total_row=None)
    rows = [["A", 1, 9, 5, 15],    # the lone [c] is paired with the smaller of 9 and 5, not with the total
            ["B", 3, 0, 40, 43],   # with 40 (a zero hides nothing), not with the total 43
            ["C", 0, 40, 30, 70]]  # nothing small: nothing hidden
    assert suppressed_cells(rows, by_row, 4) == {(0, 1), (0, 3), (1, 1), (1, 3)}
    # One person's row and the Total row: the Total row has no count but totals left, so one of those goes.
    both = Grid(count_columns=[1, 2, 3], total_column=3, total_row=1)
    assert suppressed_cells([["A", 2, 10, 12], ["Total", 2, 10, 12]], both, 4) == {(0, 1), (0, 2), (1, 1), (1, 2)}


def test_secondary_suppression_leaves_no_cell_recoverable_on_random_tables():
    generator = random.Random(7)
    for _ in range(300):
        body = [[generator.choice([0, 0, 1, 2, 3, 5, 8, 13, 40]) for _ in range(3)]
                for _ in range(generator.randint(1, 6))]
        rows = [[f"row {n}", *values, sum(values)] for n, values in enumerate(body)]
        rows.append(["Total", *[sum(r[c] for r in rows) for c in range(1, 5)]])
        grid = Grid(count_columns=[1, 2, 3, 4], total_column=4, total_row=len(rows) - 1)
        hidden = suppressed_cells(rows, grid, 4)
        for r, c in itertools.product(range(len(rows)), range(1, 5)):
            if 1 <= rows[r][c] <= 4:
                assert (r, c) in hidden, "every small count is suppressed"
        for cells in grid.constraint_sets(len(rows)):
            assert sum(cell in hidden for cell in cells) != 1


def _decided(reference: str, received: str, rg: tuple[str, str] | None, cg: tuple[str, str] | None = None,
             age: str = "Adult") -> dict[str, str]:
    values = {"competent_authority": "UK Human Trafficking Centre", "age_at_exploitation": age}
    if rg:
        values |= {"rg_outcome": rg[0], "rg_date": rg[1]}
    if cg:
        values |= {"cg_outcome": cg[0], "cg_date": cg[1]}
    return row(reference, received, **values)


def test_decision_tables_and_timeliness_in_working_days(load):
    load([
        # Received Wednesday 20 December: Christmas and Boxing Day do not count; due Friday 29 December.
        _decided("R1", "2023-12-20", ("Positive", "2023-12-29")),
        _decided("R2", "2023-10-02", ("Negative", "2023-10-13"), age="Child"),  # 9 working days: late
        _decided("R3", "2023-10-02", ("Positive", "2023-10-04"), ("Positive", "2023-11-18")),  # CG after 45 days
        _decided("R4", "2023-05-25", ("Positive", "2023-06-01"), ("Negative", "2023-12-01")),  # CG after 183 days
        _decided("R5", "2023-09-25", ("Positive", "2023-09-29")),  # served in Q3: not counted
    ])
    report = build_report(Q4_2023)
    rg = _rows_by_label(report.table("rg_decisions_by_outcome_and_age"))
    assert rg == {"Positive": [2, 0, 0, 2], "Negative": [0, 1, 0, 1], "Total": [2, 1, 0, 3]}
    cg = _rows_by_label(report.table("cg_decisions_by_outcome_and_age"))
    assert cg == {"Positive": [1, 0, 0, 1], "Negative": [1, 0, 0, 1], "Total": [2, 0, 0, 2]}
    timeliness = _rows_by_label(report.table("decision_timeliness"))
    assert timeliness["Reasonable Grounds decisions served"] == [3]
    assert timeliness["Reasonable Grounds decisions within 5 working days"] == [2]
    assert timeliness["Reasonable Grounds decisions within 5 working days (%)"] == [66.7]
    assert timeliness["Median working days from referral to Reasonable Grounds decision"] == [5.0]
    assert timeliness["Median days from Reasonable Grounds to Conclusive Grounds decision"] == [114.0]


def test_reconsiderations_duty_to_notify_and_quality_audit(load):
    load([_decided("N1", "2023-09-01", ("Negative", "2023-09-20")),
          _decided("N2", "2023-09-01", ("Positive", "2023-09-20")),
          row("D1", "2023-10-05", referral_type="DtN", gender="Female", nationality="Vietnamese"),
          row("D2", "2023-11-05", referral_type="DtN", gender="Female", nationality="Vietnamese"),
          row("D3", "2023-11-05", referral_type="DtN", gender="Male"),
          row("D4", "2024-01-05", referral_type="DtN", gender="Male")])
    negative = Decision.objects.get(case__referral__reference="N1")
    positive = Decision.objects.get(case__referral__reference="N2")
    user = negative.author
    in_period = timezone.make_aware(datetime.datetime(2023, 10, 10, 12))
    reconsideration = Reconsideration.objects.create(case=negative.case, decision=negative, reasons="New evidence.",
                                                     requested_by=user)
    Reconsideration.objects.filter(pk=reconsideration.pk).update(requested_at=in_period)
    Decision.objects.create(case=negative.case, stage="rg", outcome="positive", reasons="r", evidence_considered="e",
                            author=user, status=DecisionStatus.SERVED, served_at=in_period, is_reconsideration=True)
    QualityAudit.objects.create(decision=negative, quarter="2023-Q4", finding="agree", completed_at=in_period,
                                auditor=user)
    audit = QualityAudit.objects.create(decision=positive, quarter="2023-Q4")
    QualityAudit.objects.filter(pk=audit.pk).update(sampled_at=in_period)
    report = build_report(Q4_2023)
    assert _rows_by_label(report.table("reconsiderations")) == {
        "Reconsiderations requested": [1], "Decisions on reconsideration served: positive": [1],
        "Decisions on reconsideration served: negative": [0]}
    assert _rows_by_label(report.table("duty_to_notify_by_gender")) == {
        "Female": [2], "Male": [1], "Other": [0], "Not specified or unknown": [0], "Total": [3]}
    assert _rows_by_label(report.table("duty_to_notify_by_nationality")) == {
        "Vietnamese": [2], "Unknown": [1], "Total": [3]}
    assert _rows_by_label(report.table("referrals_by_gender_and_age"))["Total"] == [0, 0, 0, 0]
    assert _rows_by_label(report.table("decision_quality_audit")) == {
        "Auditor agreed with the decision": [1], "Auditor disagreed with the decision": [0],
        "Sampled in the period, not yet audited": [1], "Total": [2]}


def test_victim_care_by_provider_counts_days_at_the_rate_in_force_and_the_budget(load, settings):
    load([row("V1", "2023-08-01"), row("V2", "2023-10-01")])
    first, second = (Organisation.objects.create(name=name, roles=[OrgRole.SUPPORT_PROVIDER])
                     for name in ("Alpha Support", "Beta Support"))
    Tariff.objects.create(provider=first, support_type=SupportType.ACCOMMODATION, daily_rate_pence=5000,
                          valid_from=datetime.date(2020, 1, 1))
    Tariff.objects.create(provider=first, support_type=SupportType.ACCOMMODATION, daily_rate_pence=6000,
                          valid_from=datetime.date(2023, 11, 1))
    Tariff.objects.create(provider=second, support_type=SupportType.OUTREACH, daily_rate_pence=2000,
                          valid_from=datetime.date(2020, 1, 1))
    prime = Organisation.objects.create(name="Prime", roles=[OrgRole.PRIME_CONTRACTOR])
    manager = UserFactory(organisation=prime)
    moved = SupportCase.objects.create(referral=Referral.objects.get(reference="V1"), status=SupportStatus.SUPPORTED)
    left = SupportCase.objects.create(referral=Referral.objects.get(reference="V2"), status=SupportStatus.EXITED,
                                      exited_on=datetime.date(2023, 11, 10))
    D = datetime.date
    Allocation.objects.create(support_case=moved, provider=first, support_type=SupportType.ACCOMMODATION,
                              start_on=D(2023, 9, 1), end_on=D(2023, 10, 11), created_by=manager)
    Allocation.objects.create(support_case=moved, provider=second, support_type=SupportType.OUTREACH,
                              start_on=D(2023, 10, 11), created_by=manager)
    Allocation.objects.create(support_case=left, provider=first, support_type=SupportType.ACCOMMODATION,
                              start_on=D(2023, 10, 20), end_on=D(2023, 11, 10), created_by=manager)
    settings.NRM_REPORT_SUPPRESS_MAX = 0
    report = build_report(Q4_2023)
    providers = _rows_by_label(report.table("victim_care_by_provider"))
    # Alpha: 1-10 October at £50 (£500); 20-31 October at £50 (£600) and 1-9 November at £60 (£540).
    assert providers["Alpha Support"] == [2, 1, 1, 31, Money(164000)]
    assert providers["Beta Support"] == [1, 0, 0, 82, Money(164000)]  # 11 October to 31 December at £20
    assert providers["Total"] == [3, 1, 1, 113, Money(328000)]
    budget = _rows_by_label(report.table("victim_care_budget"))
    assert budget["Spent in this period"] == [Money(328000)]
    assert budget["Budget for the financial year April 2023 to March 2024"] == [Money(settings.NRM_ANNUAL_BUDGET_PENCE)]
    assert str(Money(200_000_000)) == "£2,000,000.00" and str(Money(0)) == "£0.00"
    published = {table["id"]: table for table in report.as_dict()["tables"]}
    assert published["victim_care_budget"]["rows"][0][1] == "£2,000,000.00"
    assert published["victim_care_by_provider"]["rows"][-1][-1] == "£3,280.00"
    settings.NRM_REPORT_SUPPRESS_MAX = 4
    suppressed = _rows_by_label(build_report(Q4_2023).table("victim_care_by_provider"))
    assert suppressed["Alpha Support"] == [SUPPRESSED, SUPPRESSED, SUPPRESSED, 31, Money(164000)]


def test_the_report_is_built_with_a_fixed_number_of_queries(load, django_assert_max_num_queries):
    load([row(f"Q{n}", "2023-11-01", nationality=["Albanian", "UK", "Vietnamese"][n % 3]) for n in range(30)])
    with django_assert_max_num_queries(30):
        small = build_report(Q4_2023)
    load([row(f"M{n}", "2023-11-02", nationality=["Albanian", "UK", "Vietnamese"][n % 3]) for n in range(300)])
    with django_assert_max_num_queries(30):
        large = build_report(Q4_2023)
    assert len(small.tables) == len(large.tables) == 25  # with days by age group and people waiting


def test_decisions_by_exploitation_type_and_days_by_competent_authority_and_gender(load):
    load([
        _decided("R1", "2023-12-20", ("Positive", "2023-12-29")) | {"exploitation_types": "Labour",
                                                                     "gender": "Female"},
        _decided("R2", "2023-10-02", ("Negative", "2023-10-13"), age="Child") | {"exploitation_types": "Labour",
                                                                                 "gender": "Male"},
        _decided("R3", "2023-10-02", ("Positive", "2023-10-04"), ("Positive", "2023-11-18"))
        | {"exploitation_types": "Sexual;Labour", "gender": "Male"},
        _decided("R4", "2023-10-02", ("Positive", "2023-10-05")) | {"competent_authority": "UK Border Agency",
                                                                     "gender": "Male"},
        row("D1", "2023-10-05", referral_type="DtN", exploitation_types="Labour"),
        row("D2", "2023-10-06", referral_type="DtN", exploitation_types="Labour;Criminal"),
        row("D3", "2023-10-07", referral_type="DtN", exploitation_types="Labour"),
    ])
    report = build_report(Q4_2023)
    rg = {tuple(r[:2]): r[2:] for r in report.table("rg_decisions_by_outcome_exploitation_type_and_age").rows}
    assert rg[("Labour", "Positive")] == [1, 0, 0, 1] and rg[("Labour", "Negative")] == [0, 1, 0, 1]
    assert rg[("Sexual & Labour", "Positive")] == [1, 0, 0, 1]
    assert rg[("Not specified or unknown", "Positive")] == [1, 0, 0, 1] and rg[("Total", "")] == [3, 1, 0, 4]
    cg = {tuple(r[:2]): r[2:] for r in report.table("cg_decisions_by_outcome_exploitation_type_and_age").rows}
    assert cg == {("Sexual & Labour", "Positive"): [1, 0, 0, 1], ("Total", ""): [1, 0, 0, 1]}

    authorities = _rows_by_label(report.table("referrals_by_competent_authority_and_age"))
    assert authorities["UK Human Trafficking Centre"] == [2, 1, 0, 3]
    assert authorities["UK Border Agency"] == [1, 0, 0, 1]

    days = _rows_by_label(report.table("decision_days_by_competent_authority"))
    # UKHTC: RG after 9, 11 and 2 days (2 of 3 within 5 working days); CG after 47 days; UKBA: RG after 3 days.
    assert days["UK Human Trafficking Centre"] == [3, 9.0, 7.3, 66.7, 1, 47.0, 47.0]
    assert days["UK Border Agency"] == [1, 3.0, 3.0, 100.0, 0, "[x]", "[x]"]
    assert days["Total"] == [4, 6.0, 6.3, 75.0, 1, 47.0, 47.0]
    by_gender = _rows_by_label(report.table("decision_days_by_gender"))
    assert by_gender["Female"] == [1, 9.0, 9.0, 100.0, 0, "[x]", "[x]"]
    assert by_gender["Other"] == [0, "[x]", "[x]", "[x]", 0, "[x]", "[x]"]
    assert by_gender["Total"][0] == 4

    dtn = _rows_by_label(report.table("duty_to_notify_by_exploitation_type"))
    assert dtn == {"Labour": [2], "Labour & Criminal": [1], "Total": [3]}


def test_the_published_spellings_of_labels():
    assert exploitation_label(["labour", "domestic", "organ"]) == "Labour, Domestic, Organ Harvesting"
    assert exploitation_label(["sexual", "labour", "organ"]) == "Sexual, Labour & Organ Harvesting"
