"""python bench/generate_national_data.py --referrals N [--seed S] [--database-check]: synthetic national data.

A benchmark tool, not part of the service: it lives under bench/ so no app imports it. It writes to the
database that DATABASE_URL names (or the embedded one) and refuses to run in production."""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nrm.settings")


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty():
        sys.stderr.write(f"\r{done}/{total} referrals" + ("\n" if done == total else ""))
        sys.stderr.flush()


def main(argv: list[str] | None = None, out=sys.stdout) -> int:
    """Generate, print what was written, and optionally check the database; 0 when all is well."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, required=True, help="how many referrals to create")
    parser.add_argument("--seed", type=int, help="the same seed on the same day gives the same data "
                                                 "(default: a random seed, printed so the run can be repeated)")
    parser.add_argument("--database-check", action="store_true",
                        help="afterwards, check every row's links and states (foreign keys are not checked "
                             "while loading) and fail if anything is wrong")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.conf import settings

    from bench.national_data.checks import check_database
    from bench.national_data.loader import generate_national_data
    from bench.national_data.shares import GenerationError

    if settings.IS_PRODUCTION:
        parser.error("generate_national_data writes synthetic cases; it never runs in production.")
    if args.referrals < 0:
        parser.error("--referrals must be 0 or more.")
    seed = secrets.randbelow(2**31) if args.seed is None else args.seed
    try:
        result = generate_national_data(referrals=args.referrals, seed=seed, progress=_progress)
    except GenerationError as error:
        print(error, file=sys.stderr)
        return 1
    for table, count in result.rows.items():
        print(f"{table}: {count}", file=out)
    print(f"Generated {args.referrals} referrals with seed {seed} in {result.seconds:.1f} s.", file=out)
    if args.database_check:
        problems = check_database()
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print(f"The database check found {len(problems)} kinds of problem.", file=sys.stderr)
            return 1
        print("Database check: no problems found.", file=out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
