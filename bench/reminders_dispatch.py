"""Benchmark: the five-minute reminder dispatch over N open cases of which D fall due.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nrm_bench .venv/bin/python bench/reminders_dispatch.py \
        --cases 1000000 --due 10000

Creates the database if needed, migrates it, fills it with SQL (history triggers off while loading),
runs one dispatch with the dummy email backend, and writes bench/results/reminders_dispatch.{md,json}
with the time, the queries and the plans of the due-row and planning queries. Not a test."""

from __future__ import annotations

import datetime
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nrm.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/nrm_bench")
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"

from bench.common import insert_referrals, loading_benchmark_parser, migrated_and_loaded  # noqa: E402


def _load(cases: int, due: int) -> None:
    """N submitted cases: D with a Reasonable Grounds decision due tomorrow (so reminded today), the rest
    waiting for a Conclusive Grounds decision with recovery periods ending over the next three years."""
    from django.db import connection

    from core import working_days
    from organisations.models import Organisation, OrgRole, Role, User
    from organisations.roles import group_for

    authority, _ = Organisation.objects.get_or_create(name="Bench competent authority",
                                                      roles=[OrgRole.COMPETENT_AUTHORITY])
    referrer_org, _ = Organisation.objects.get_or_create(name="Bench police", roles=[OrgRole.FIRST_RESPONDER],
                                                         first_responder_type="police")
    referrer, _ = User.objects.get_or_create(email="bench.referrer@example.test",
                                             defaults={"organisation": referrer_org, "full_name": "Referrer"})
    manager, _ = User.objects.get_or_create(email="bench.manager@example.test",
                                            defaults={"organisation": authority, "full_name": "Manager"})
    manager.groups.add(group_for(Role.CA_MANAGER))
    deciders = []
    for n in range(100):
        user, _ = User.objects.get_or_create(email=f"bench.decider{n}@example.test",
                                             defaults={"organisation": authority, "full_name": f"Decider {n}"})
        user.groups.add(group_for(Role.DECISION_MAKER))
        deciders.append(user.pk)
    today = working_days.today()
    due_on = working_days.add_working_days(today, 1)
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # no history triggers while loading
        cursor.execute("TRUNCATE reminders_reminder, decisions_casefile, referrals_referral CASCADE")
        insert_referrals(cursor, """
            SELECT md5('bench' || n)::uuid, 'NRM-B-' || lpad(n::text, 8, '0'), 'nrm',
                   CASE WHEN n <= %(due)s THEN 'allocated' ELSE 'rg_positive' END, '{}'::jsonb, 'england', false,
                   'adult', 'female', 'AL', '', ARRAY['labour'], 'uk', '', '', now(), now(), now(),
                   %(authority)s, %(referrer)s, %(referrer_org)s
            FROM generate_series(1, %(cases)s) AS n
            """, {"due": due, "cases": cases, "authority": authority.pk, "referrer": referrer.pk,
                  "referrer_org": referrer_org.pk})
        cursor.execute(
            """
            INSERT INTO decisions_casefile (referral_id, received_at, rg_due_on, allocated_at, allocated_to_id,
                recovery_period_ends_on, withdrawal_reason)
            SELECT md5('bench' || n)::uuid, now(),
                   CASE WHEN n <= %(due)s THEN %(due_on)s::date ELSE %(today)s::date - 60 END, now(),
                   (%(deciders)s::bigint[])[1 + n %% 100],
                   CASE WHEN n <= %(due)s THEN NULL ELSE %(today)s::date + 30 + (n %% 1000) END, ''
            FROM generate_series(1, %(cases)s) AS n
            """, {"due": due, "cases": cases, "due_on": due_on, "today": today, "deciders": deciders})
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("ANALYZE")


def _explain(sql: str, params: list) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def main() -> None:
    parser = loading_benchmark_parser(__doc__)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=10_000)
    args = parser.parse_args()
    load_seconds = migrated_and_loaded(lambda: _load(args.cases, args.due), reuse=args.reuse)
    from django.db import connection
    from django.utils import timezone

    from reminders.models import Reminder, ReminderStatus
    from reminders.rules.casework import rg_pending_cases
    from reminders.rules.planning import Window
    from reminders.services import reminders_dispatch

    Reminder.objects.all().delete()
    now = timezone.now().replace(hour=9) if timezone.localtime().hour < 8 else timezone.now()

    window = Window.starting(now)
    plan_query = rg_pending_cases(None).filter(rg_due_on__gte=window.catch_up_from,
                                               rg_due_on__lte=window.last_day + datetime.timedelta(days=16))
    plan_sql, plan_params = plan_query.values("referral_id", "rg_due_on").query.sql_with_params()
    plan_explain = _explain(plan_sql, list(plan_params))

    statements: list[str] = []

    def count(execute, sql, params, many, context):
        statements.append(sql.split(None, 1)[0].upper())
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        result = reminders_dispatch(now=now)
        dispatch_seconds = time.perf_counter() - started

    due_query = (Reminder.objects.filter(status=ReminderStatus.PENDING, send_at__lte=now)
                 .order_by("send_at", "id").values("id", "rule", "referral_id", "due_on", "recipient_id")[:500])
    Reminder.objects.filter(status=ReminderStatus.SENT).update(status=ReminderStatus.PENDING, sent_at=None)
    connection.cursor().execute("ANALYZE reminders_reminder")
    due_sql, due_params = due_query.query.sql_with_params()
    due_explain = _explain(due_sql, list(due_params))
    with connection.cursor() as cursor:
        due_sql_shown = cursor.cursor.mogrify(due_sql, [str(p) for p in due_params]).decode()

    figures = {
        "machine": f"{platform.node()} {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
        "date": timezone.localdate().isoformat(),
        "open_cases": args.cases, "due": args.due,
        "load_seconds": round(load_seconds, 1) if not args.reuse else "reused from an earlier run",
        "dispatch_seconds": round(dispatch_seconds, 2),
        "per_reminder_ms": round(1000 * dispatch_seconds / max(result.sent, 1), 2),
        "queries": len(statements),
        "queries_per_reminder": round(len(statements) / max(result.sent, 1), 2),
        "result": result.as_dict(),
        "due_row_query_plan": due_explain,
        "planning_query_plan": plan_explain,
    }
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "reminders_dispatch.json").write_text(json.dumps(figures, indent=2) + "\n")
    (out / "reminders_dispatch.md").write_text(
        f"# Reminder dispatch\n\n{figures['machine']}, {figures['date']}.\n\n"
        "| Figure | Value |\n|---|---|\n"
        + "".join(f"| {key.replace('_', ' ')} | {figures[key]} |\n" for key in (
            "open_cases", "due", "load_seconds", "dispatch_seconds", "per_reminder_ms", "queries",
            "queries_per_reminder"))
        + f"| outcome | {figures['result']} |\n\n"
        f"## Due-row query\n\n```\n{due_sql_shown}\n\n{due_explain}\n```\n\n"
        f"## Planning query (RG due)\n\n```\n{plan_explain}\n```\n")
    print(json.dumps({key: value for key, value in figures.items() if not key.endswith("plan")}, indent=2))


if __name__ == "__main__":
    main()
