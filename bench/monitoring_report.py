"""Benchmark: the monitoring report over N referrals beside one hand-written SQL query for its main
table (referrals by exploitation type and age), with peak memory.

    .venv/bin/python bench/monitoring_report.py --referrals 1000000

Uses the database named by DATABASE_URL (default nrm_bench, created if missing), loads N NRM
referrals spread over five years with varied ages, exploitation types, nationalities and first
responders (SQL, history triggers off), then times build_report for one quarter and for the whole
five years, and the SQL query for the same table. Writes bench/results/monitoring_report.{md,json}."""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nrm.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/nrm_bench")

from common import insert_referrals, loading_benchmark_parser, migrated_and_loaded  # noqa: E402

HAND_WRITTEN_SQL = """
    SELECT exploitation_types, age_at_exploitation, count(*)
    FROM referrals_referral
    WHERE kind = 'nrm' AND submitted_at >= %s AND submitted_at < %s
    GROUP BY exploitation_types, age_at_exploitation
"""


def _load(referrals: int) -> None:
    from django.db import connection

    from organisations.models import Organisation, OrgRole, User

    authority, _ = Organisation.objects.get_or_create(name="Bench competent authority",
                                                      roles=[OrgRole.COMPETENT_AUTHORITY])
    organisations = []
    for n, kind in enumerate(["police", "government_agency", "local_authority", "ngo"] * 10):
        organisation, _ = Organisation.objects.get_or_create(name=f"Bench responder {n}",
                                                             roles=[OrgRole.FIRST_RESPONDER],
                                                             defaults={"first_responder_type": kind})
        organisations.append(organisation.pk)
    referrer, _ = User.objects.get_or_create(email="bench.referrer@example.test",
                                             defaults={"organisation_id": organisations[0], "full_name": "Referrer"})
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("TRUNCATE reminders_reminder, decisions_casefile, referrals_referral CASCADE")
        cursor.execute("SELECT setseed(0.42)")
        insert_referrals(cursor, """
            SELECT md5('report' || n)::uuid, 'NRM-R-' || lpad(n::text, 8, '0'), 'nrm', 'historic', '{}'::jsonb,
                   (ARRAY['england','england','england','wales','scotland','northern_ireland'])
                       [1 + (random() * 5)::int],
                   NULL, (ARRAY['adult','adult','child','unknown'])[1 + (random() * 3)::int],
                   (ARRAY['male','male','female','other','unknown'])[1 + (random() * 4)::int],
                   (ARRAY['GB','AL','VN','ER','SD','RO','NG','IN','AF','CN'])[1 + (random() * 9)::int],
                   CASE WHEN random() < 0.02 THEN 'GR' ELSE '' END,
                   (CASE (random() * 6)::int WHEN 0 THEN ARRAY['labour'] WHEN 1 THEN ARRAY['criminal']
                        WHEN 2 THEN ARRAY['sexual'] WHEN 3 THEN ARRAY['sexual', 'labour']
                        WHEN 4 THEN ARRAY['labour', 'domestic', 'criminal'] WHEN 5 THEN ARRAY['domestic']
                        ELSE ARRAY['unknown'] END)::varchar[],
                   (ARRAY['uk','overseas','both','unknown'])[1 + (random() * 3)::int], '', '',
                   now(), now(), now() - (random() * interval '1826 days'),
                   %(authority)s, %(referrer)s, (%(organisations)s::bigint[])[1 + (random() * 39)::int]
            FROM generate_series(1, %(referrals)s) AS n
            """, {"referrals": referrals, "authority": authority.pk, "referrer": referrer.pk,
                  "organisations": organisations})
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("ANALYZE")


def _timed(function, repeat: int) -> tuple[float, float, object]:
    """Median seconds over `repeat` runs, peak Python memory (MiB) of the last, and its result."""
    times, result = [], None
    for _ in range(repeat):
        tracemalloc.start()
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return statistics.median(times), peak / 2**20, result


def main() -> None:
    parser = loading_benchmark_parser(__doc__)
    parser.add_argument("--referrals", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    load_seconds = migrated_and_loaded(lambda: _load(args.referrals), reuse=args.reuse)
    from django.db import connection

    from monitoring.periods import Period
    from monitoring.report import build_report
    from monitoring.tables.referrals import referrals_by_exploitation_type

    with connection.cursor() as cursor:
        cursor.execute("SELECT max(submitted_at)::date FROM referrals_referral")
        last_day = cursor.fetchone()[0]
    quarter = Period.previous_quarter(last_day)
    five_years = Period.between(last_day.replace(year=last_day.year - 5), last_day)

    def hand_written(period: Period):
        with connection.cursor() as cursor:
            cursor.execute(HAND_WRITTEN_SQL, list(period.bounds()))
            return cursor.fetchall()

    figures: dict[str, object] = {
        "machine": f"{platform.node()} {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
        "referrals": args.referrals, "load_seconds": round(load_seconds, 1) if not args.reuse else "reused",
    }
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for label, period in (("quarter", quarter), ("five_years", five_years)):
        report_seconds, report_peak, report = _timed(lambda period=period: build_report(period), args.repeat)
        sql_seconds, _, _ = _timed(lambda period=period: hand_written(period), args.repeat)
        table_seconds, _, _ = _timed(lambda period=period: referrals_by_exploitation_type(period), args.repeat)
        main_table = report.table("referrals_by_exploitation_type_and_age")
        figures[label] = {
            "period": period.label, "referrals_in_period": main_table.rows[-1][-1],
            "report_seconds": round(report_seconds, 3), "main_table_seconds": round(table_seconds, 3),
            "hand_written_sql_seconds": round(sql_seconds, 3),
            "main_table_ratio": round(table_seconds / sql_seconds, 2) if sql_seconds else None,
            "whole_report_ratio": round(report_seconds / sql_seconds, 2) if sql_seconds else None,
            "report_peak_python_mib": round(report_peak, 1),
        }
    figures["process_max_rss_growth_mib"] = round((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                                                   - rss_before) / 1024, 1)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "monitoring_report.json").write_text(json.dumps(figures, indent=2) + "\n")
    lines = [f"# Monitoring report\n\n{figures['machine']}; {args.referrals:,} referrals.\n",
             "| Period | Referrals in it | Whole report, 15 tables (s) | Main table by the report code (s) | "
             "Main table by hand-written SQL (s) | Main table ratio | Whole report ratio | Peak Python memory (MiB) |",
             "|---|---|---|---|---|---|---|---|"]
    for label in ("quarter", "five_years"):
        f = figures[label]
        lines.append(f"| {f['period']} | {f['referrals_in_period']:,} | {f['report_seconds']} | "
                     f"{f['main_table_seconds']} | {f['hand_written_sql_seconds']} | {f['main_table_ratio']} | "
                     f"{f['whole_report_ratio']} | {f['report_peak_python_mib']} |")
    lines.append(f"\nProcess peak RSS grew by {figures['process_max_rss_growth_mib']} MiB while building the "
                 "reports. The whole report is 15 tables (about 25 queries); the hand-written query computes one, so "
                 "the like-for-like figure is the main table ratio.\n")
    (out / "monitoring_report.md").write_text("\n".join(lines) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
