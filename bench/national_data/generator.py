"""Draws the synthetic national data: referrals at the published shares, with their case
files, decisions and victim care, as the lines COPY reads. bench/national_data/loader.py writes them.

Who the people are (age, gender, nationality, exploitation type, first responder) is drawn from
the Home Office's published Q4 2023 counts (shares.py), each published row with probability
proportional to its `people`; what then happened to each case (routing, deadlines, decisions,
support) follows the workflow's rules with the timings in the constants below.

The lines hold the fields rows.WRITTEN names, in its order; loader.py writes them with COPY.

Reproducible: one random.Random(seed) draws everything in a fixed order, so the same seed, the
same day and the same starting database give the same rows. Referral ids come from a second
generator seeded with the seed and the starting reference numbers, so they repeat on a repeat of
the same run but do not collide with an earlier run's rows in the same database.
"""

from __future__ import annotations

import bisect
import math
import random

from django.conf import settings

from bench.national_data.cast import Authority, Cast
from bench.national_data.clock import DAY, HOUR, Clock
from bench.national_data.rows import NULL, Rows, SupportPlan, flag, line
from bench.national_data.shares import PersonProfile, cum_weights
from core import working_days
from decisions.models import CaseFile, Decision, DecisionStatus, Outcome, Stage
from referrals.models import (
    AgeGroup,
    ExploitationLocation,
    Nation,
    Referral,
    ReferralGroupObjectPermission,
    ReferralKind,
    ReferralStatus,
    ReferralUserObjectPermission,
)
from victim_care.models import Allocation, CareRecordEntry, EntryKind, Region, SupportCase, SupportStatus

# Who is referred and by whom.
DUTY_TO_NOTIFY_SHARE = 0.15  # the rest are NRM referrals
POLICE_SHARE = 0.28  # police referrals are not in the published extract; their people are drawn from it
GROWTH_OVER_WINDOW = 0.8  # referrals a day grow by 80% over the five years, as they did from 2019 to 2024
NON_WORKING_DAY_WEIGHT = 0.3
SUBMISSION_HOUR_WEIGHTS = {7: 2, 8: 6, 9: 9, 10: 10, 11: 10, 12: 8, 13: 9, 14: 10, 15: 9, 16: 8, 17: 5, 18: 3,
                           19: 2, 20: 2, 21: 1}
UNKNOWN_AGE_HANDLED_AS_CHILD_SHARE = 0.5  # "not sure" whether under 18 now is handled as a child
WANTS_SUPPORT_SHARE = 0.8
IMMIGRATION_ROUTED_SHARE = 0.8  # non-UK nationals subject to immigration control or claiming asylum (2011 rule)
UK_NATIONAL_LOCATION_WEIGHTS = {ExploitationLocation.UK: 0.93, ExploitationLocation.BOTH: 0.03,
                                ExploitationLocation.OVERSEAS: 0.01, ExploitationLocation.UNKNOWN: 0.03}
OTHER_LOCATION_WEIGHTS = {ExploitationLocation.UK: 0.45, ExploitationLocation.OVERSEAS: 0.30,
                          ExploitationLocation.BOTH: 0.17, ExploitationLocation.UNKNOWN: 0.08}

# What happens to a case.
RG_POSITIVE_SHARE = 0.86
CG_POSITIVE_SHARE = 0.9
CG_MEDIAN_DAYS_AFTER_RECOVERY = 240  # lognormal; Conclusive Grounds decisions take months
WITHDRAWAL_SHARE = 0.04  # adults with a positive RG who withdraw during the recovery period
CLOSURE_SHARE = 0.7  # CG decisions whose case is later closed
RECONSIDERATION_SHARE = 0.2  # negative RGs, served in the last 30 days, that are asked to be reconsidered
SECOND_ALLOCATION_SHARE = 0.3  # supported people who move provider once
CARE_PLAN_REVIEW_DAYS = 28

# Fixed texts: the data is synthetic and holds nobody's story.
REASONS = "Synthetic national data: the indicators were weighed against the test for this stage."
EVIDENCE = "Synthetic national data: the referral form."
WITHDRAWAL_REASON = "Synthetic national data: the person withdrew from the NRM."
RECONSIDERATION_REASONS = "Synthetic national data: new evidence has arrived since the decision."
EXIT_AFTER_DECISION = "Moved on after the Conclusive Grounds decision"
EXIT_AFTER_WITHDRAWAL = "Withdrew from the NRM"
CARE_PLAN_TEXT = "Synthetic national data: care plan agreed with the person."
CONTACT_TEXT = "Synthetic national data: contact made; no new concerns."

class Generator:
    """Turns a submission moment into a referral and everything that has happened to it by `as_of`."""

    def __init__(self, *, seed: int, cast: Cast, profiles: list[PersonProfile], clock: Clock, as_of: int,
                 rg_due: dict[int, str], reference_starts: dict[int, int], rng: random.Random) -> None:
        self.rng, self.cast, self.clock, self.as_of = rng, cast, clock, as_of
        # Ids depend on the starting reference numbers too, so a second run with the same seed adds new rows.
        self.id_rng = random.Random(f"{seed}:ids:{sorted(reference_starts.items())}")
        # Support rows are finished on the writer thread, which must not share the main generator.
        self.support_rng = random.Random(f"{seed}:support")
        self.as_of_day = clock.local_day(as_of)
        self.rg_due = rg_due
        self.last_numbers = dict(reference_starts)
        self.profiles = profiles
        self.profile_cum = cum_weights(p.people for p in profiles)
        self.adult_profiles = [p for p in profiles if p.age_at_exploitation == AgeGroup.ADULT]
        self.adult_cum = cum_weights(p.people for p in self.adult_profiles)
        self.review_everything = settings.NRM_SECOND_REVIEW_POLICY == "all"
        self.single_authority = settings.NRM_ROUTING_RULE == "single"
        self.recovery_days = settings.NRM_RECOVERY_PERIOD_DAYS
        self.reconsideration_days = settings.NRM_RECONSIDERATION_WINDOW_DAYS
        self.move_on_positive = settings.NRM_MOVE_ON_AFTER_POSITIVE_CG_DAYS * DAY
        self.move_on_negative = settings.NRM_MOVE_ON_AFTER_NEGATIVE_CG_HOURS * HOUR
        self.uk_locations = (tuple(UK_NATIONAL_LOCATION_WEIGHTS), cum_weights(UK_NATIONAL_LOCATION_WEIGHTS.values()))
        self.other_locations = (tuple(OTHER_LOCATION_WEIGHTS), cum_weights(OTHER_LOCATION_WEIGHTS.values()))
        self.providers_by_nation = {
            Nation.WALES: [p for p in cast.providers if p.region == Region.WALES],
            Nation.ENGLAND: [p for p in cast.providers if p.region != Region.WALES],
        }

    def _pick(self, options: tuple[str, ...] | list, cum_weights: tuple[float, ...]):
        return options[bisect.bisect_right(cum_weights, self.rng.random() * cum_weights[-1])]

    def _uuid(self) -> str:
        """A version 4 UUID from the id generator (uuid.UUID would be three times slower per row)."""
        value = self.id_rng.getrandbits(128)
        value = (value & ~(0xF000 << 64)) | (4 << 76)  # version 4
        value = (value & ~(0xC000 << 48)) | (0x8000 << 48)  # RFC 4122 variant
        text = f"{value:032x}"
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

    def referral(self, submitted: int, rows: Rows) -> None:
        rng, clock = self.rng, self.clock
        duty_to_notify = rng.random() < DUTY_TO_NOTIFY_SHARE
        if duty_to_notify:
            profile = self._pick(self.adult_profiles, self.adult_cum)
        else:
            profile = self._pick(self.profiles, self.profile_cum)
        if rng.random() < POLICE_SHARE:
            responder = self._pick(self.cast.police, self.cast.police_cum_weights)
        else:
            responder = self.cast.responders[profile.responder_name]
        nation = self._pick(*responder.nation_cum_weights)
        author = rng.choice(responder.user_ids)
        day = clock.local_day(submitted)
        year = clock.date(day).year
        self.last_numbers[year] = number = self.last_numbers.get(year, 0) + 1
        referral_id = self._uuid()
        created = submitted - rng.randint(15 * 60, 5 * DAY)
        if duty_to_notify:
            rows.lines[Referral].append(line(
                referral_id, f"DTN-{year}-{number:06d}", ReferralKind.DUTY_TO_NOTIFY, ReferralStatus.RECORDED, "{}",
                nation, "f", profile.age_at_exploitation, profile.gender, profile.nationality, "", "{}",
                ExploitationLocation.UNKNOWN, "", "", NULL, clock.moment_text(created),
                clock.moment_text(submitted), clock.moment_text(submitted), NULL, author, responder.organisation_id))
            return
        if profile.age_at_exploitation == AgeGroup.UNKNOWN:
            is_child = rng.random() < UNKNOWN_AGE_HANDLED_AS_CHILD_SHARE
        else:
            is_child = profile.age_at_exploitation == AgeGroup.CHILD
        wants_support = None if is_child else rng.random() < WANTS_SUPPORT_SHARE
        uk_national = profile.nationality == "GB"
        location = self._pick(*(self.uk_locations if uk_national else self.other_locations))
        if self.single_authority or uk_national or rng.random() >= IMMIGRATION_ROUTED_SHARE:
            authority = self.cast.default_authority
        else:
            authority = self.cast.immigration_authority
        status, updated = self._case(referral_id, submitted, day, authority, author, is_child, wants_support, nation,
                                     rows)
        rows.lines[Referral].append(line(
            referral_id, f"NRM-{year}-{number:06d}", ReferralKind.NRM, status, "{}", nation, flag(is_child),
            profile.age_at_exploitation, profile.gender, profile.nationality, profile.second_nationality,
            "{" + ",".join(profile.exploitation_types) + "}", location, "", "", flag(wants_support),
            clock.moment_text(created), clock.moment_text(updated), clock.moment_text(submitted),
            authority.organisation_id, author, responder.organisation_id))

    def _decision(self, rows: Rows, case_id: str, stage: str, outcome: str, status: str, author: str, drafted: int,
                  sent: int | None, reviewer: str | None, served: int | None) -> None:
        text = self.clock.moment_text
        reviewed = served if reviewer is not None and served is not None else None
        rows.lines[Decision].append(line(
            case_id, stage, outcome, REASONS, EVIDENCE, status, author, text(drafted),
            NULL if sent is None else text(sent), reviewer if reviewed is not None else NULL,
            NULL if reviewed is None else text(reviewed), "", NULL if served is None else text(served), "", "f"))

    def _stage(self, rows: Rows, case_id: str, stage: Stage, positive: bool, author: str, reviewer: str,
               drafted: int, served: int) -> tuple[str, int, bool]:
        """One decision as it stands at `as_of`, written if it has been started, with the second review the
        policy asks for. Returns (the case's status, or '' when not started; when that began; served?)."""
        reviewed = self.review_everything or not positive
        sent = drafted + int((served - drafted) * self.rng.uniform(0.1, 0.7)) if reviewed else None
        outcome = Outcome.POSITIVE if positive else Outcome.NEGATIVE
        if self.as_of <= drafted:
            return "", drafted, False
        if self.as_of <= served:
            if sent is not None and sent < self.as_of:
                self._decision(rows, case_id, stage, outcome, DecisionStatus.AWAITING_REVIEW, author, drafted, sent,
                               None, None)
                return f"{stage}_awaiting_review", sent, False
            self._decision(rows, case_id, stage, outcome, DecisionStatus.DRAFT, author, drafted, None, None, None)
            return f"{stage}_drafted", drafted, False
        self._decision(rows, case_id, stage, outcome, DecisionStatus.SERVED, author, drafted, sent,
                       reviewer if reviewed else None, served)
        return f"{stage}_{outcome}", served, True

    def _rg_delay(self) -> int:
        """Seconds from receipt to a served RG: most within a week, nearly all within 30 days."""
        rng = self.rng
        share = rng.random()
        days = rng.uniform(1, 7) if share < 0.55 else rng.uniform(7, 30) if share < 0.9 else rng.uniform(30, 120)
        return int(days * DAY)

    def _case(self, referral_id: str, submitted: int, day: int, authority: Authority, referrer: str,
              is_child: bool, wants_support: bool | None, nation: str, rows: Rows) -> tuple[str, int]:
        """The case file, decisions, grant and support of a routed referral. Returns (status, updated_at)."""
        rng, clock, as_of = self.rng, self.clock, self.as_of
        text = clock.moment_text
        rg_delay = self._rg_delay()
        rg_served = submitted + rg_delay
        allocated = submitted + 600 + min(int(rng.expovariate(1 / (1.5 * DAY))), rg_delay // 3)
        case = {"allocated_at": NULL, "allocated_to": NULL, "recovery": NULL, "reconsideration": NULL,
                "move_on": NULL, "withdrawn": NULL, "reason": "", "closed": NULL}

        def write_case() -> None:
            rows.lines[CaseFile].append(line(
                referral_id, text(submitted), self.rg_due[day], case["allocated_at"], case["allocated_to"],
                case["recovery"], case["reconsideration"], case["move_on"], case["withdrawn"], case["reason"],
                case["closed"], ""))

        if as_of <= allocated:
            write_case()
            return ReferralStatus.SUBMITTED, submitted
        decider, reviewer = rng.choice(authority.decision_maker_ids), rng.choice(authority.reviewer_ids)
        case["allocated_at"], case["allocated_to"] = text(allocated), decider
        rows.lines[ReferralUserObjectPermission].append(
            line(referral_id, self.cast.decide_permission_id, decider))
        rg_drafted = allocated + int((rg_served - allocated) * rng.uniform(0.2, 0.7))
        rg_positive = rng.random() < RG_POSITIVE_SHARE
        state, since, served = self._stage(rows, referral_id, Stage.RG, rg_positive, decider, reviewer, rg_drafted,
                                           rg_served)
        if not served:
            write_case()
            return (state, since) if state else (ReferralStatus.ALLOCATED, allocated)
        rg_day = clock.local_day(rg_served)
        if not rg_positive:
            case["reconsideration"] = clock.day_text(rg_day + self.reconsideration_days)
            write_case()
            served_ago = as_of - rg_served
            if 2 * HOUR < served_ago < self.reconsideration_days * DAY and rng.random() < RECONSIDERATION_SHARE:
                requested = rg_served + rng.randint(HOUR, served_ago - 1)
                rows.reconsiderations.append((referral_id, referrer, text(requested)))
                return ReferralStatus.RG_RECONSIDERATION, requested
            return ReferralStatus.RG_NEGATIVE, rg_served

        case["recovery"] = clock.day_text(rg_day + self.recovery_days)
        recovery_over = clock.day_start(rg_day + self.recovery_days + 1) + 9 * HOUR
        cg_wait = min(max(rng.lognormvariate(math.log(CG_MEDIAN_DAYS_AFTER_RECOVERY), 0.7), 10), 1_100)
        cg_served = recovery_over + int(cg_wait * DAY)
        cg_drafted = max(recovery_over, cg_served - int(rng.uniform(3, 60) * DAY))
        withdrawn = None
        if is_child is False and rng.random() < WITHDRAWAL_SHARE:
            withdrawn = rg_served + rng.randint(DAY, cg_drafted - rg_served - DAY)
        supported = is_child is False and wants_support is not False and nation in (Nation.ENGLAND, Nation.WALES)
        if withdrawn is not None and withdrawn <= as_of:
            case["withdrawn"], case["reason"] = text(withdrawn), WITHDRAWAL_REASON
            write_case()
            if supported:
                self._support(rows, referral_id, rg_served, nation, withdrawn, EXIT_AFTER_WITHDRAWAL)
            return ReferralStatus.WITHDRAWN, withdrawn

        cg_positive = rng.random() < CG_POSITIVE_SHARE
        state, since, served = self._stage(rows, referral_id, Stage.CG, cg_positive, decider, reviewer, cg_drafted,
                                           cg_served)
        status, updated = (state, since) if state else (ReferralStatus.RG_POSITIVE, rg_served)
        move_on = None
        if served:
            move_on = cg_served + (self.move_on_positive if cg_positive else self.move_on_negative)
            case["move_on"] = text(move_on)
            if not cg_positive:
                case["reconsideration"] = clock.day_text(clock.local_day(cg_served) + self.reconsideration_days)
            if rng.random() < CLOSURE_SHARE:
                closed = cg_served + int(rng.uniform(7, 120) * DAY)
                if closed <= as_of:
                    case["closed"], status, updated = text(closed), ReferralStatus.CLOSED, closed
        write_case()
        if supported:
            self._support(rows, referral_id, rg_served, nation, move_on, EXIT_AFTER_DECISION)
        return status, updated

    def _support(self, rows: Rows, referral_id: str, opened: int, nation: str, leaves: int | None,
                 exit_reason: str) -> None:
        """The adult's support case: waiting, supported by one provider (or two after a move), or exited."""
        rng = self.rng
        start = self.clock.local_day(opened) + rng.randint(0, 3)
        exit_day = self.clock.local_day(leaves) if leaves is not None and leaves <= self.as_of else None
        if exit_day is not None and exit_day <= start:
            rows.support.append(SupportPlan(referral_id, opened, SupportStatus.EXITED, exit_day, exit_reason, []))
            return
        if start >= self.as_of_day:
            rows.support.append(SupportPlan(referral_id, opened, SupportStatus.AWAITING_ALLOCATION, None, "", []))
            return
        candidates = self.providers_by_nation[nation]
        first = rng.choice(candidates)
        allocations = [(first, first.support_type, start, exit_day)]
        span = (self.as_of_day if exit_day is None else exit_day) - start
        if span >= 2 and rng.random() < SECOND_ALLOCATION_SHARE:
            moved = start + rng.randint(1, span - 1)
            second = rng.choice([p for p in candidates if p is not first])
            allocations = [(first, first.support_type, start, moved), (second, second.support_type, moved, exit_day)]
        if exit_day is None:
            rows.support.append(SupportPlan(referral_id, opened, SupportStatus.SUPPORTED, None, "", allocations))
        else:
            rows.support.append(SupportPlan(referral_id, opened, SupportStatus.EXITED, exit_day, exit_reason,
                                            allocations))

    def support_rows(self, rows: Rows, ids: list[int]) -> None:
        """COPY lines for the chunk's support cases, now that they have ids (on the writer thread)."""
        rng, clock = self.support_rng, self.clock
        lines = rows.lines
        manager_ids = self.cast.case_manager_ids
        for plan, number in zip(rows.support, ids, strict=True):
            case_id = str(number)
            lines[SupportCase].append(line(
                case_id, plan.referral_id, clock.moment_text(plan.opened_at), plan.status, "", "", plan.exit_reason,
                NULL if plan.exit_day is None else clock.day_text(plan.exit_day)))
            for provider, support_type, start, end in plan.allocations:
                lines[Allocation].append(line(
                    case_id, provider.organisation_id, support_type, clock.day_text(start),
                    NULL if end is None else clock.day_text(end), rng.choice(manager_ids)))
                last = (self.as_of_day if end is None else end) - 1
                entries = [(start, EntryKind.CARE_PLAN, CARE_PLAN_TEXT, clock.day_text(start + CARE_PLAN_REVIEW_DAYS))]
                entries += [(rng.randint(start, last), EntryKind.CONTACT, CONTACT_TEXT, NULL)
                            for _ in range(rng.randint(1, 3))]
                for day, kind, entry_text, review_due in entries:
                    lines[CareRecordEntry].append(line(
                        case_id, provider.organisation_id, rng.choice(provider.worker_ids), kind, entry_text,
                        review_due, clock.moment_text(clock.day_start(day) + rng.randint(9 * HOUR, 17 * HOUR))))
            if plan.status == SupportStatus.SUPPORTED:
                current = plan.allocations[-1][0]
                lines[ReferralGroupObjectPermission].append(
                    line(plan.referral_id, current.group_id, self.cast.support_permission_id))



def submission_moments(rng: random.Random, clock: Clock, count: int, first_day: int, last_day: int) -> list[int]:
    """`count` submission moments, in order: more on working days and in office hours, and more each
    year (GROWTH_OVER_WINDOW)."""
    days = list(range(first_day, last_day + 1))
    span = max(len(days) - 1, 1)
    weights = [(1 + GROWTH_OVER_WINDOW * (day - first_day) / span)
               * (1.0 if working_days.is_working_day(clock.date(day)) else NON_WORKING_DAY_WEIGHT) for day in days]
    chosen_days = rng.choices(days, cum_weights=cum_weights(weights), k=count)
    hours = rng.choices(list(SUBMISSION_HOUR_WEIGHTS), weights=list(SUBMISSION_HOUR_WEIGHTS.values()), k=count)
    return sorted(clock.day_start(day) + hour * HOUR + rng.randrange(HOUR) for day, hour in zip(chosen_days, hours,
                                                                                                  strict=True))
