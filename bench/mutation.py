"""Mutation check: does the test suite fail when a rule that matters breaks?

For each mutant below (one deliberate bug in one rule), the script copies the working tree to a
temporary folder, applies that one change there, runs the tests named for the rule, and records whether
they failed (the mutant is "caught") or still passed (it "survived"). The working tree itself is never
touched. First it runs every named test on the unchanged copy: a test that fails without a mutation
would make "caught" meaningless, so the script stops there.

    .venv/bin/python bench/mutation.py              # every mutant, then the table (Markdown)
    .venv/bin/python bench/mutation.py --list       # the mutants and their tests
    .venv/bin/python bench/mutation.py --only suppression-totals-first --only draft-expiry-submitted

It needs what the tests need (DATABASE_URL and REDIS_URL, or the embedded servers) and uses a test
database of its own (test_<database>_mutation), so it can run beside an ordinary test run. It is not
part of `make test`; docs/testing.md shows the latest table. The exit status is 1 if any mutant survived.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
LINKED = ("node_modules", "static_build")  # large, read-only for these tests: linked, not copied


@dataclass(frozen=True)
class Mutant:
    name: str
    rule: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]


MUTANTS = [
    Mutant("child-draft-to-local-authority",
           "A local authority sees a child's referral only once it is submitted, never the draft",
           "referrals/selectors.py",
           "scope |= Q(local_authority_id=user.organisation_id) & ~Q(status=ReferralStatus.DRAFT)",
           "scope |= Q(local_authority_id=user.organisation_id)",
           ("tests/referrals/test_access.py::test_child_referral_is_visible_to_its_local_authority_only",
            "tests/nrm/test_access_matrix.py::test_every_cell_answers_as_the_matrix_says[LA]")),
    Mutant("draft-to-competent-authority",
           "A competent authority never sees a draft, even one that already names it",
           "referrals/selectors.py",
           "scope |= Q(competent_authority_id=user.organisation_id, kind=ReferralKind.NRM)"
           " & ~Q(status=ReferralStatus.DRAFT)",
           "scope |= Q(competent_authority_id=user.organisation_id, kind=ReferralKind.NRM)",
           ("tests/referrals/test_access.py::test_competent_authority_sees_routed_referrals_not_drafts",)),
    Mutant("review-waiting-to-author",
           "The 'review waiting' reminder never goes to the decision's author, even one who is also a reviewer",
           "reminders/rules/casework.py",
           'if user != row["author_id"] and (row["case_id"], user) not in involved]',
           'if (row["case_id"], user) not in involved]',
           ("tests/reminders/test_rules.py::"
            "test_a_decision_waiting_for_review_goes_to_independent_reviewers_after_two_working_days",)),
    Mutant("suppression-totals-first",
           "Secondary suppression hides another count first, a total only when nothing else is left",
           "monitoring/suppression.py",
           "key=lambda cell: (cell in totals,",
           "key=lambda cell: (cell not in totals,",
           ("tests/monitoring/test_report.py::"
            "test_secondary_suppression_hides_the_smallest_other_count_and_a_total_only_when_nothing_else_is_left",)),
    Mutant("reviewer-is-author",
           "Reviewer independence: the author cannot be the second reviewer",
           "decisions/permissions.py",
           "if decision.author_id == user.pk:",
           "if False:",
           ("tests/decisions/test_casework.py::test_the_author_cannot_review_their_own_decision",)),
    Mutant("reviewer-declared-involvement",
           "Reviewer independence: a reviewer who declared involvement cannot review",
           "decisions/permissions.py",
           "if InvolvementDeclaration.objects.filter(case_id=decision.case_id, user=user).exists():",
           "if False:",
           ("tests/decisions/test_casework.py::test_a_reviewer_who_declared_involvement_cannot_review",)),
    Mutant("working-days-ignore-bank-holidays",
           "Working days skip bank holidays (England and Wales)",
           "core/working_days.py",
           "return day.weekday() < 5 and day not in _bank_holidays(day.year)",
           "return day.weekday() < 5",
           ("tests/nrm/test_calendar.py",)),
    Mutant("working-days-count-saturday",
           "Working days skip weekends",
           "core/working_days.py",
           "return day.weekday() < 5 and",
           "return day.weekday() < 6 and",
           ("tests/nrm/test_calendar.py",)),
    Mutant("allocation-overlap-allowed",
           "The database refuses two overlapping allocations of one person (exclusion constraint)",
           "victim_care/migrations/0001_initial.py",
           "'&&')], name='no_overlapping_allocations_per_person'",
           "'-|-')], name='no_overlapping_allocations_per_person'",
           ("tests/victim_care/test_funding.py::test_overlapping_allocations_are_refused_by_the_database",)),
    Mutant("reminder-replanned-after-sending",
           "Exactly-once reminders: planning a sent reminder again leaves it sent",
           "reminders/services.py",
           "send_at = EXCLUDED.send_at WHERE reminders_reminder.status = '{_CANCELLED}'",
           "send_at = EXCLUDED.send_at",
           ("tests/reminders/test_rules.py::"
            "test_rg_due_goes_to_the_decision_maker_on_working_day_four_counting_bank_holidays",)),
    Mutant("reminder-claimed-when-not-pending",
           "Exactly-once reminders: a worker claims a reminder only while it is still pending",
           "reminders/services.py",
           ".filter(pk=reminder_id, status=ReminderStatus.PENDING, send_at__lte=now).first())",
           ".filter(pk=reminder_id, send_at__lte=now).first())",
           ("tests/reminders/test_workers.py::test_two_workers_dispatching_at_once_send_each_reminder_once",)),
    Mutant("organisation-scope",
           "A first responder sees only its own organisation's referrals",
           "referrals/selectors.py",
           "scope |= Q(first_responder_organisation_id=user.organisation_id)",
           "scope |= ~Q(pk=None)",
           ("tests/referrals/test_access.py::test_another_organisation_gets_404_on_every_page_and_download",)),
    Mutant("guardian-after-assignment-ends",
           "A guardian sees a child only while their service's assignment lasts",
           "referrals/selectors.py",
           "return GuardianAssignment.objects.current().filter(guardian_service_id=user.organisation_id)",
           "return GuardianAssignment.objects.filter(guardian_service_id=user.organisation_id)",
           ("tests/referrals/test_guardians.py::test_a_guardian_sees_nothing_but_the_children_assigned_to_their_"
            "service_now",)),
    Mutant("guardian-assigned-by-anyone-who-sees",
           "Only the child's local authority lead and the case's decision makers and managers assign a guardian",
           "referrals/permissions.py",
           "and (is_childs_local_authority(user, referral) or may_request_information(user, referral)))",
           "and user.is_authenticated)",
           ("tests/referrals/test_guardians.py::test_only_the_local_authority_lead_and_casework_staff_on_the_case_"
            "assign",)),
    Mutant("draft-expiry-submitted",
           "Draft expiry deletes drafts only, never a submitted referral",
           "referrals/services.py",
           ".filter(status=ReferralStatus.DRAFT, updated_at__lt=delete_before)",
           ".filter(updated_at__lt=delete_before)",
           ("tests/referrals/test_drafts_and_documents.py::test_submitted_referrals_never_expire",)),
    Mutant("draft-expiry-at-warning",
           "Draft expiry waits NRM_DRAFT_EXPIRY_DAYS (28), not the warning's 21",
           "referrals/services.py",
           "delete_before = now - timedelta(days=settings.NRM_DRAFT_EXPIRY_DAYS)",
           "delete_before = now - timedelta(days=settings.NRM_DRAFT_WARNING_DAYS)",
           ("tests/referrals/test_drafts_and_documents.py::test_draft_untouched_28_days_is_deleted_recorded_and_its_author_told",
            "tests/referrals/test_drafts_and_documents.py::test_saving_a_section_restarts_the_expiry_clock")),
]


def copy_of_working_tree(target: Path) -> None:
    """The tracked and untracked (not ignored) files as they are now, so uncommitted work is checked too."""
    git = shutil.which("git") or "/usr/bin/git"
    listed = subprocess.run([git, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],  # noqa: S603
                            cwd=REPO, check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if name.split("/", 1)[0] in LINKED or not source.is_file():
            continue
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination)
    for name in LINKED:
        if (REPO / name).exists():
            (target / name).symlink_to(REPO / name)


def test_environment() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("NRM_TEST_RUN", "PYTEST_XDIST_WORKER")}
    database = urlsplit(env["DATABASE_URL"]).path.lstrip("/") if env.get("DATABASE_URL") else "nrm"
    env["TEST_DATABASE_NAME"] = f"test_{database}_mutation"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run_tests(copy: Path, tests: tuple[str, ...], env: dict[str, str]) -> tuple[bool, float, str]:
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", *tests],  # noqa: S603 (our own tests)
                            cwd=copy, env=env, capture_output=True, text=True, timeout=1800)
    summary = (result.stdout.strip().splitlines() or [""])[-1]
    return result.returncode == 0, time.monotonic() - started, summary


def table(rows: list[tuple[Mutant, str, float]]) -> str:
    lines = ["| Mutant | Rule broken | File | Tests run | Result | Seconds |",
             "|---|---|---|---|---|---|"]
    for mutant, outcome, seconds in rows:
        tests = "<br>".join(f"`{test.removeprefix('tests/')}`" for test in mutant.tests)
        lines.append(f"| `{mutant.name}` | {mutant.rule} | `{mutant.path}` | {tests} | {outcome} | {seconds:.0f} |")
    caught = sum(outcome == "caught" for _, outcome, _ in rows)
    lines.append("")
    lines.append(f"{caught} of {len(rows)} mutants caught.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", default=[], help="a mutant's name (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the mutants and their tests, run nothing")
    args = parser.parse_args(argv)
    chosen = [mutant for mutant in MUTANTS if not args.only or mutant.name in args.only]
    unknown = set(args.only) - {mutant.name for mutant in MUTANTS}
    if unknown:
        parser.error(f"no such mutant: {', '.join(sorted(unknown))}")
    if args.list:
        for mutant in chosen:
            print(f"{mutant.name}: {mutant.rule}\n  {mutant.path}\n  " + "\n  ".join(mutant.tests))
        return 0

    env = test_environment()
    with tempfile.TemporaryDirectory(prefix="nrm-mutation-") as folder:
        copy = Path(folder)
        copy_of_working_tree(copy)
        for mutant in chosen:  # every mutation must apply to today's code, exactly once
            count = (copy / mutant.path).read_text(encoding="utf-8").count(mutant.old)
            if count != 1:
                print(f"{mutant.name}: the text to change occurs {count} times in {mutant.path}", file=sys.stderr)
                return 2
        baseline = tuple(dict.fromkeys(test for mutant in chosen for test in mutant.tests))
        passed, seconds, summary = run_tests(copy, baseline, env)
        print(f"baseline (no mutation): {summary} in {seconds:.0f} s", flush=True)
        if not passed:
            print("the named tests fail without any mutation: fix them first", file=sys.stderr)
            return 2
        rows = []
        for mutant in chosen:
            target = copy / mutant.path
            original = target.read_text(encoding="utf-8")
            target.write_text(original.replace(mutant.old, mutant.new), encoding="utf-8")
            try:
                passed, seconds, summary = run_tests(copy, mutant.tests, env)
            finally:
                target.write_text(original, encoding="utf-8")
            outcome = "survived" if passed else "caught"
            rows.append((mutant, outcome, seconds))
            print(f"{mutant.name}: {outcome} ({summary}) in {seconds:.0f} s", flush=True)
    print()
    print(table(rows))
    return 1 if any(outcome == "survived" for _, outcome, _ in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
