"""Benchmark: page and API latency and queries per request at one data size, and the
permission-filtered list beside the same list with no permission filter.

    .venv/bin/python bench/latency.py --database nrm_bench_large --referrals 1000000 --out /tmp/large.json

bench/run.py runs this once per size, each in its own process (Django's settings are read once per
process). It migrates the database, generates the national data when the database holds fewer
referrals than asked for (and reuses it otherwise), signs in one user per role, and times each page
through Django's test client in-process: the whole middleware stack, the session save, the access
log rows a list writes, template rendering; no network. For each page it also keeps how much of the
time was SQL, the slowest statements of the last request and EXPLAIN ANALYZE of the slowest SELECT,
so that a missed target comes with its cause."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (
    PAGES,
    SEED,
    Page,
    api_client,
    choose_people,
    collect_static,
    django_env,
    ensure_database,
    setup_django,
    summary,
    web_client,
)

REPEAT, WARM_UP, BUDGET_SECONDS, MIN_SAMPLES, ROUNDS = 30, 3, 90.0, 5, 200
LIST_SIZE = 50  # the permission-filter comparison reads one page of 50, as the API's pagination does


def prepare(referrals: int) -> dict[str, Any]:
    """Migrate, then generate only what is missing: rerunning `make bench` reuses the data."""
    from django.core.management import call_command

    from bench.national_data.loader import generate_national_data
    from referrals.models import Referral

    call_command("migrate", verbosity=0)
    present = Referral.objects.count()
    generated_seconds = None
    if present < referrals:
        started = time.perf_counter()
        generate_national_data(referrals=referrals - present, seed=SEED)
        generated_seconds = round(time.perf_counter() - started, 1)
    return {"referrals": Referral.objects.count(), "generated_seconds": generated_seconds,
            "reused": generated_seconds is None}


def data_sizes() -> dict[str, int]:
    """Row counts of the tables the pages read (estimates from the planner's statistics, exact for small tables)."""
    from django.db import connection

    tables = ["referrals_referral", "decisions_casefile", "decisions_decision", "victim_care_supportcase",
              "victim_care_allocation", "victim_care_carerecordentry", "referrals_referraluserobjectpermission",
              "referrals_referralgroupobjectpermission", "audit_accessevent", "django_session"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, n_live_tup FROM pg_stat_user_tables WHERE relname = ANY(%s)", [tables])
        return {name: int(count) for name, count in sorted(cursor.fetchall())}


def the_case(ca_manager_id: int) -> str:
    """The newest case with a decision on it, of the CA manager's authority: a case page with a timeline."""
    from decisions.selectors.case import cases_visible_to
    from organisations.models import User

    manager = User.objects.get(pk=ca_manager_id)
    case = (cases_visible_to(manager).filter(case_file__isnull=False, case_file__decisions__isnull=False)
            .order_by("-submitted_at").values_list("pk", flat=True).first())
    return str(case)


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def is_plain_select(sql: str) -> bool:
    return sql.lstrip().upper().startswith("SELECT") and ";" not in sql and "set_config(" not in sql


def is_transaction_control(sql: str) -> bool:
    return sql.strip().upper().startswith(TRANSACTION_CONTROL)


def explain(sql: str, params: list | tuple | None = None) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of one SELECT; never of a write, which ANALYZE would carry out (nor of
    pghistory's "SELECT set_config(...); INSERT ..." pairs, which start like a read)."""
    from django.db import connection

    if not is_plain_select(sql):
        return ""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params or None)
        return "\n".join(row[0] for row in cursor.fetchall())


def measure_page(page: Page, url: str, client: Any, *, repeat: int, warm_up: int, budget: float,
                 explain_slowest: bool) -> dict[str, Any]:
    """Median and p95 over `repeat` requests after `warm_up` (fewer, at least MIN_SAMPLES, when a page is so slow
    that the budget runs out), queries per request and the SQL share of the time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warm_up):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{page.label}: {url} answered {response.status_code} while warming up")
    samples, sql_ms, query_counts, statement_counts = [], [], [], []
    started = time.perf_counter()
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            before = time.perf_counter()
            response = client.get(url)
            samples.append(1000 * (time.perf_counter() - before))
        if response.status_code != 200:
            raise SystemExit(f"{page.label}: {url} answered {response.status_code}")
        statement_counts.append(len(captured))
        query_counts.append(sum(not is_transaction_control(query["sql"]) for query in captured.captured_queries))
        sql_ms.append(1000 * sum(float(query["time"]) for query in captured.captured_queries))
        if len(samples) >= MIN_SAMPLES and time.perf_counter() - started > budget:
            break
    slowest = sorted(captured.captured_queries, key=lambda query: float(query["time"]), reverse=True)[:3]
    result = {
        "label": page.label, "url": url, "person": page.person, "kind": page.kind,
        **summary(samples), "queries": max(query_counts), "queries_min": min(query_counts),
        "statements": max(statement_counts),
        "sql_median_ms": round(statistics.median(sql_ms), 1), "response_bytes": len(response.content),
        "samples_ms": [round(sample, 2) for sample in samples],  # run.py pools the samples of several passes
        "slowest_queries": [{"ms": round(1000 * float(query["time"]), 1), "sql": query["sql"][:2000]}
                            for query in slowest],
    }
    if explain_slowest:
        selects = [query for query in slowest if is_plain_select(query["sql"])]
        if selects:
            result["slowest_select_plan"] = explain(selects[0]["sql"])
    return result


def execution_ms(plan: str) -> float | None:
    """The "Execution Time" EXPLAIN ANALYZE reports: the database's share, without Python and the round trip."""
    for line in reversed(plan.splitlines()):
        if line.startswith("Execution Time:"):
            return float(line.split(":")[1].split()[0])
    return None


def permission_filter(people: dict[str, Any], *, rounds: int, warm_up: int) -> list[dict[str, Any]]:
    """Each role's permission-filtered list (a page of 50, newest first) beside the same list read with
    no permission filter: the cost of deciding who may see what, at this size. The two are timed in
    alternation, round after round, so that a burst of other work on the machine slows both alike;
    each is evaluated end to end (SQL, round trip, 50 model instances), and EXPLAIN ANALYZE gives the
    database's share alone."""
    from decisions.selectors.case import cases_visible_to
    from organisations.models import User
    from referrals.models import Referral, ReferralStatus
    from referrals.selectors import referrals_supported_by, referrals_visible_to

    def unfiltered():
        return Referral.objects.exclude(status=ReferralStatus.DRAFT).order_by("-submitted_at")

    users = {key: User.objects.get(pk=person.user_id) for key, person in people.items()}
    for user in users.values():
        user.roles  # noqa: B018 - the roles are read once per request in the service too; not part of the filter
    comparisons = [
        ("cases_visible_to(CA manager)", lambda: cases_visible_to(users["ca_manager"])),
        ("referrals_visible_to(decision maker)", lambda: referrals_visible_to(users["decision_maker"])),
        ("referrals_visible_to(first responder)", lambda: referrals_visible_to(users["first_responder"])),
        # A support worker's list (the API's) reads the provider's grants in index order (referrals_supported_by);
        # before 2026-11-29 it filtered referrals_visible_to, 4.1x the unfiltered list (docs/scaling.md).
        ("referrals_supported_by(support worker): guardian grants",
         lambda: referrals_supported_by(users["support_worker"])),
    ]
    sql, params = unfiltered()[:LIST_SIZE].query.sql_with_params()
    unfiltered_plan = explain(sql, params)
    results = []
    for label, scoped in comparisons:
        def ordered(scoped: Callable[[], Any] = scoped) -> Any:
            """Newest first: referrals_supported_by is ordered already (by the grant's copy of submitted_at)."""
            queryset = scoped()
            return queryset if queryset.query.order_by else queryset.order_by("-submitted_at")

        def filtered(ordered: Callable[[], Any] = ordered) -> list:
            return list(ordered()[:LIST_SIZE])

        def plain() -> list:
            return list(unfiltered()[:LIST_SIZE])

        for _ in range(warm_up):
            filtered(), plain()
        filtered_samples, plain_samples = [], []
        for _ in range(rounds):
            for fetch, samples in ((filtered, filtered_samples), (plain, plain_samples)):
                before = time.perf_counter()
                rows = len(fetch())
                samples.append(1000 * (time.perf_counter() - before))
                if fetch is filtered:
                    filtered_rows = rows
        sql, params = ordered()[:LIST_SIZE].query.sql_with_params()
        plan = explain(sql, params)
        filtered_ms, plain_ms = statistics.median(filtered_samples), statistics.median(plain_samples)
        filtered_sql, plain_sql = execution_ms(plan), execution_ms(unfiltered_plan)
        results.append({
            "label": label, "rounds": rounds, "filtered_ms": round(filtered_ms, 2), "filtered_rows": filtered_rows,
            "unfiltered_ms": round(plain_ms, 2), "ratio": round(filtered_ms / plain_ms, 2),
            "filtered_sql_ms": filtered_sql, "unfiltered_sql_ms": plain_sql,
            "sql_ratio": round(filtered_sql / plain_sql, 1) if filtered_sql and plain_sql else None,
            "filtered_plan": plan,
        })
    results.append({"label": "unfiltered", "plan": unfiltered_plan})
    return results


def run(args: argparse.Namespace) -> dict[str, Any]:
    prepared = prepare(args.referrals)
    from organisations.models import User

    people = choose_people()
    case_id = the_case(people["ca_manager"].user_id)
    pages = [page for page in PAGES if not args.only or page.key in args.only]
    users = {key: User.objects.get(pk=person.user_id) for key, person in people.items()}
    clients: dict[tuple[str, str], Any] = {}
    results: dict[str, Any] = {}
    for page in pages:
        if (page.person, page.kind) not in clients:
            maker = web_client if page.kind == "web" else api_client
            clients[(page.person, page.kind)] = maker(users[page.person])
        results[page.key] = measure_page(page, page.url(case_id), clients[(page.person, page.kind)],
                                         repeat=args.repeat, warm_up=args.warm_up, budget=args.budget,
                                         explain_slowest=not args.no_explain)
        print(f"  {page.label}: median {results[page.key]['median_ms']} ms, p95 {results[page.key]['p95_ms']} ms, "
              f"{results[page.key]['queries']} queries (n={results[page.key]['n']})", file=sys.stderr, flush=True)
    permission = [] if args.only else permission_filter(people, rounds=args.rounds, warm_up=args.warm_up)
    return {"database": args.database, **prepared, "tables": data_sizes(), "case_id": case_id,
            "people": {key: vars(person) for key, person in people.items()}, "pages": results,
            "permission_filter": permission, "repeat": args.repeat, "warm_up": args.warm_up}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True, help="nrm_bench_small or nrm_bench_large")
    parser.add_argument("--referrals", type=int, required=True, help="generate up to this many referrals if fewer")
    parser.add_argument("--out", type=Path, required=True, help="where to write the figures (JSON)")
    parser.add_argument("--repeat", type=int, default=REPEAT)
    parser.add_argument("--warm-up", type=int, default=WARM_UP)
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="alternating rounds of the permission-filter "
                                                                   "comparison (each list takes milliseconds)")
    parser.add_argument("--budget", type=float, default=BUDGET_SECONDS,
                        help=f"seconds per page after which timing stops (at least {MIN_SAMPLES} requests)")
    parser.add_argument("--only", nargs="*", help="page keys to measure (default: all, and the permission filter)")
    parser.add_argument("--no-explain", action="store_true", help="skip EXPLAIN ANALYZE of each page's slowest SELECT")
    args = parser.parse_args()
    if ensure_database(args.database):
        print(f"  created the database {args.database}", file=sys.stderr, flush=True)
    # Django reads its settings from the environment once, at setup: set it before.
    collect_static()
    os.environ.update(django_env(args.database))
    setup_django()
    figures = run(args)
    args.out.write_text(json.dumps(figures, indent=2, default=str) + "\n")


if __name__ == "__main__":
    main()
