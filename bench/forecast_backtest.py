"""Backtest of the Conclusive Grounds forecast: forecasts made at weekly points in the past,
compared with the decisions that followed.

    .venv/bin/python bench/forecast_backtest.py --referrals 20000

Uses its own database, nrm_bench_forecast (created, migrated and filled with generate_national_data
--seed 1 when it holds fewer referrals than asked for; never nrm_bench_small or nrm_bench_large). Reads
every NRM case's dates once, then, for each competent authority and each week from three years ago to
one year ago, rebuilds what the service would have known that day (the CG decisions served in the 12
weeks before it, the cases then waiting for a CG decision and which of them were ready) and calls the
same pure functions the service calls (decisions/forecast.py). Each forecast is scored against the CG
decision that followed: inside the 80% interval or not, and the days between the decision and the
interval's middle. A case still undecided when the data ends counts as a miss once the data runs past
its interval, and is left out before that (its outcome is unknown); a case withdrawn first is left out.

Writes bench/results/forecast_backtest.{md,json}: the median absolute error in days and the share of
decisions inside their 80% interval (target: 70% to 90%), with the throughput-only interval beside it."""

from __future__ import annotations

import argparse
import bisect
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench.common import FORECAST_DATABASE, django_env, ensure_database  # noqa: E402

RESULTS = ROOT / "bench" / "results"
TARGET = (0.70, 0.90)
FIRST_POINT_DAYS_AGO, LAST_POINT_DAYS_AGO = 3 * 365, 365

CASES_SQL = """
SELECT r.competent_authority_id, (c.received_at AT TIME ZONE %(tz)s)::date, c.recovery_period_ends_on,
       (SELECT min((d.served_at AT TIME ZONE %(tz)s)::date) FROM decisions_decision d WHERE d.case_id = r.id
          AND d.stage = 'rg' AND d.outcome = 'positive' AND d.status = 'served'),
       (SELECT min((d.served_at AT TIME ZONE %(tz)s)::date) FROM decisions_decision d WHERE d.case_id = r.id
          AND d.stage = 'cg' AND d.status = 'served' AND NOT d.is_reconsideration),
       (c.withdrawn_at AT TIME ZONE %(tz)s)::date
FROM referrals_referral r JOIN decisions_casefile c ON c.referral_id = r.id
WHERE r.kind = 'nrm' AND r.competent_authority_id IS NOT NULL
"""


@dataclass(frozen=True)
class Case:
    received: datetime.date
    recovery_ends: datetime.date | None
    rg_positive: datetime.date | None
    cg: datetime.date | None
    withdrawn: datetime.date | None


def prepare(referrals: int) -> dict:
    """Create, migrate and fill the database when needed (in child processes, with its own environment)."""
    created = ensure_database(FORECAST_DATABASE)
    env = django_env(FORECAST_DATABASE)
    python = sys.executable  # our own scripts with fixed arguments below
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    count = subprocess.run([python, "manage.py", "shell", "-c",  # noqa: S603
                            "from referrals.models import Referral; print(Referral.objects.count())"],
                           cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout.split()[-1]
    generated = None
    if int(count) < referrals:
        started = time.perf_counter()
        subprocess.run([python, "bench/generate_national_data.py", "--referrals", str(referrals - int(count)),  # noqa: S603
                        "--seed", "1"], cwd=ROOT, env=env, check=True)
        generated = round(time.perf_counter() - started, 1)
    return {"database": FORECAST_DATABASE, "created": created, "generated_seconds": generated}


def load_cases() -> tuple[dict[int, list[Case]], datetime.date]:
    from django.conf import settings
    from django.db import connection

    from core import working_days

    by_authority: dict[int, list[Case]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(CASES_SQL, {"tz": settings.TIME_ZONE})
        for authority, *dates in cursor.fetchall():
            by_authority[authority].append(Case(*dates))
    return by_authority, working_days.today()


def backtest(by_authority: dict[int, list[Case]], as_of: datetime.date) -> dict:
    from decisions import forecast

    scored = {"spread": [], "throughput_only": []}
    skipped = {"censored": 0, "withdrawn": 0, "no_history": 0}
    points = 0
    first = as_of - datetime.timedelta(days=FIRST_POINT_DAYS_AGO)
    last = as_of - datetime.timedelta(days=LAST_POINT_DAYS_AGO)
    for cases in by_authority.values():
        served = sorted(((case.cg, case) for case in cases if case.cg and case.recovery_ends), key=lambda pair: pair[0])
        served_days = [day for day, _ in served]
        waiting_pool = [case for case in cases if case.rg_positive and case.recovery_ends]
        point = first
        while point <= last:
            points += 1
            start = point - datetime.timedelta(weeks=forecast.WEEKS)
            low, high = bisect.bisect_left(served_days, start), bisect.bisect_left(served_days, point)
            weekly = [0] * forecast.WEEKS
            waits = []
            for day, case in served[low:high]:
                weekly[(day - start).days // 7] += 1
                waits.append((day - case.recovery_ends).days)
            throughput = forecast.Throughput(tuple(weekly))
            waiting = [case for case in waiting_pool
                       if case.rg_positive < point and (case.cg is None or case.cg >= point)
                       and (case.withdrawn is None or case.withdrawn >= point)]
            ready_received = sorted(case.received for case in waiting if case.recovery_ends < point)
            for case in waiting:
                ready_on = case.recovery_ends + datetime.timedelta(days=1)
                ahead = bisect.bisect_left(ready_received, case.received)
                for name, used in (("spread", waits), ("throughput_only", None)):
                    made = forecast.cg_forecast(today=point, throughput=throughput, cases_ahead=ahead,
                                                ready_on=ready_on, ready=ready_on <= point, waits=used)
                    if made.kind != "cg":
                        skipped["no_history"] += name == "spread"
                        continue
                    if case.cg is None:
                        if case.withdrawn is not None:
                            skipped["withdrawn"] += name == "spread"
                        elif as_of > made.latest:
                            scored[name].append({"inside": False, "late": True, "error": None, "ready": made.ready})
                        else:
                            skipped["censored"] += name == "spread"
                        continue
                    scored[name].append({"inside": made.earliest <= case.cg <= made.latest,
                                         "late": case.cg > made.latest, "early": case.cg < made.earliest,
                                         "error": (case.cg - made.middle).days, "ready": made.ready,
                                         "width": (made.latest - made.earliest).days})
            point += datetime.timedelta(weeks=1)
    return {"points": points, "skipped": skipped, **{name: summarise(rows) for name, rows in scored.items()}}


def summarise(rows: list[dict]) -> dict:
    def block(chosen: list[dict]) -> dict:
        errors = [row["error"] for row in chosen if row["error"] is not None]
        widths = [row["width"] for row in chosen if row.get("width") is not None]
        n = len(chosen)
        return {
            "forecasts": n,
            "inside_80_interval": round(sum(row["inside"] for row in chosen) / n, 3) if n else None,
            "earlier_than_interval": round(sum(bool(row.get("early")) for row in chosen) / n, 3) if n else None,
            "later_than_interval": round(sum(bool(row.get("late")) for row in chosen) / n, 3) if n else None,
            "median_absolute_error_days": statistics.median(abs(e) for e in errors) if errors else None,
            "median_error_days": statistics.median(errors) if errors else None,
            "median_interval_width_days": statistics.median(widths) if widths else None,
        }

    return {"all": block(rows), "ready": block([r for r in rows if r["ready"]]),
            "not_ready": block([r for r in rows if not r["ready"]])}


def markdown(result: dict) -> str:
    main, plain = result["spread"]["all"], result["throughput_only"]["all"]
    met = main["inside_80_interval"] is not None and TARGET[0] <= main["inside_80_interval"] <= TARGET[1]
    lines = [
        "# Forecast backtest",
        "",
        f"Generated {result['generated_at']} on {result['machine']}, commit {result['commit']}, with "
        f"`{result['command']}` over `{result['database']}` ({result['nrm_cases']} NRM cases of "
        f"{result['referrals_asked']} referrals of `generate_national_data --seed 1`). Method and limits: "
        "docs/forecasts.md.",
        "",
        f"Forecasts of the Conclusive Grounds decision for every case waiting for one, at {result['points']} "
        f"weekly points (per competent authority) from {FIRST_POINT_DAYS_AGO} to {LAST_POINT_DAYS_AGO} days before "
        "the data ends, scored against the decision that followed.",
        "",
        "| Interval | Forecasts scored | Inside the 80% interval | Earlier | Later | Median absolute error (days) "
        "| Median error (days, + = later than the middle) | Median width (days) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, name in (("Service (throughput, and recent waits longer than the case's so far)", "spread"),
                        ("Throughput only (for comparison)", "throughput_only")):
        for part in ("all", "ready", "not_ready"):
            row = result[name][part]
            lines.append(f"| {label}: {part.replace('_', ' ')} | {row['forecasts']} | "
                         f"{_percent(row['inside_80_interval'])} | {_percent(row['earlier_than_interval'])} | "
                         f"{_percent(row['later_than_interval'])} | {row['median_absolute_error_days']} | "
                         f"{row['median_error_days']} | {row['median_interval_width_days']} |")
    lines += [
        "",
        f"**Target: the interval covers 70% to 90% of decisions. Reached: {_percent(main['inside_80_interval'])} "
        f"({'met' if met else 'not met'}).** The throughput-only interval covers "
        f"{_percent(plain['inside_80_interval'])}: the generated decisions are not taken in the order cases "
        "were referred, so the queue alone is far too sure of itself.",
        "",
        f"Left out: {result['skipped']['censored']} forecasts whose case was still undecided when the data ends "
        f"and whose interval had not yet run out, {result['skipped']['withdrawn']} for cases withdrawn first, "
        f"{result['skipped']['no_history']} with not enough history to forecast. The same case is forecast at "
        "every weekly point it waits through, so the forecasts are not independent.",
        "",
    ]
    return "\n".join(lines)


def _percent(value: float | None) -> str:
    return "\N{EN DASH}" if value is None else f"{100 * value:.1f}%"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=20_000)
    parser.add_argument("--skip-prepare", action="store_true", help="the database is ready: do not migrate or fill")
    args = parser.parse_args()
    prepared = {"database": FORECAST_DATABASE} if args.skip_prepare else prepare(args.referrals)
    os.environ.update(django_env(FORECAST_DATABASE))
    import django

    django.setup()
    started = time.perf_counter()
    by_authority, as_of = load_cases()
    result = backtest(by_authority, as_of)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,  # noqa: S607
                            text=True).stdout.strip()
    result.update({"generated_at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
                   "machine": f"{platform.node()} ({os.cpu_count()} CPUs, {platform.python_version()})",
                   "commit": commit, "command": f"bench/forecast_backtest.py --referrals {args.referrals}",
                   "nrm_cases": sum(len(cases) for cases in by_authority.values()), "referrals_asked": args.referrals,
                   "as_of": as_of.isoformat(),
                   "seconds": round(time.perf_counter() - started, 1), "target": TARGET, **prepared})
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "forecast_backtest.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    (RESULTS / "forecast_backtest.md").write_text(markdown(result))
    print(markdown(result))


if __name__ == "__main__":
    main()
