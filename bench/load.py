"""Benchmark: throughput and p95 latency under load: gunicorn on loopback (the service's
own gunicorn.conf.py: threaded workers) with 1 and then 2 worker processes, and 20 concurrent connections
spread over common.PAGES (the pages latency.py times), each page requested as its own role (decision makers,
a CA manager, a first responder, the prime contractor and a provider), by one wrk process per page running
at the same time.

    .venv/bin/python bench/load.py --database nrm_bench_large --out /tmp/load.json [--workers 1 2] [--seconds 30]
    .venv/bin/python bench/load.py ... --think-ms 1000 --seconds 60    # 20 people pausing 0.5 to 1.5 s

Two modes. With no --think-ms every connection sends its next request as soon as the last is answered:
a closed loop that keeps all 20 waiting on the server, which measures capacity (requests per second), and
whose p95 is mostly queueing. With --think-ms each connection is a person who pauses between requests
(wrk's delay() hook in wrk/page.lua, uniformly 0.5 to 1.5 times the value; the latency wrk reports starts
when the request is sent, after the pause): 20 concurrent users.

Why one wrk per page rather than one script rotating pages: wrk reports one latency distribution per
process, and the target is a p95 for every page. All of them run at once, so each page's p95 is
measured under the mixed load of all 20 connections. The sessions and tokens are made here the way
bench/common.py describes; the database must already hold the data (latency.py generates it, and
bench/run.py runs latency.py first)."""

from __future__ import annotations

import argparse
import json
import os
import runpy
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (
    PAGES,
    ROOT,
    api_token,
    choose_people,
    collect_static,
    django_env,
    setup_django,
    signed_in_session,
)

LUA = ROOT / "bench" / "wrk" / "page.lua"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
WARM_UP_SECONDS = 5
CONNECTIONS, SECONDS, WORKERS = 20, 30, (1, 2)


def credentials(database: str) -> tuple[dict[tuple[str, str], tuple[str, str]], str]:
    """One (header, value) per (role, kind) of common.PAGES' load mix, and the case the case pages show."""
    os.environ.update(django_env(database))
    setup_django()
    from django.conf import settings
    from latency import the_case

    from organisations.models import User

    people = choose_people()
    headers: dict[tuple[str, str], tuple[str, str]] = {}
    for page in PAGES:
        if (page.load_person, page.kind) in headers:
            continue
        user = User.objects.get(pk=people[page.load_person].user_id)
        headers[(page.load_person, page.kind)] = (
            ("Cookie", f"{settings.SESSION_COOKIE_NAME}={signed_in_session(user)}") if page.kind == "web"
            else ("Authorization", f"Token {api_token(user)}"))
    return headers, the_case(people["ca_manager"].user_id)


def gunicorn_settings(env: dict[str, str]) -> dict[str, Any]:
    """What gunicorn.conf.py sets that the figures depend on, as gunicorn reads it in the environment it starts in."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {"worker_class": conf.get("worker_class", "sync"), "threads": conf.get("threads", 1),
            "keepalive": conf.get("keepalive")}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(base: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}; see its log")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5) as answer:  # noqa: S310 - loopback http
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer /healthz within a minute")


def get(url: str, header: tuple[str, str]) -> int:
    request = urllib.request.Request(url, headers={header[0]: header[1]})  # noqa: S310 - loopback http
    with urllib.request.urlopen(request, timeout=120) as answer:  # noqa: S310 - loopback http
        return answer.status


def connections_per_page(total: int, pages: int) -> list[int]:
    """`total` connections over `pages` pages, as evenly as they go (20 over 9: 3, 3, then 2 each)."""
    return [total // pages + (1 if index < total % pages else 0) for index in range(pages)]


def run_workers(workers: int, env: dict[str, str], headers: dict[tuple[str, str], tuple[str, str]], case_id: str,
                *, seconds: int, connections: int, log_dir: Path, think_ms: int = 0) -> dict[str, Any]:
    """gunicorn with `workers` worker processes and one wrk per page at once. With `think_ms`, each connection is a
    person who pauses between requests (uniformly 0.5 to 1.5 times `think_ms`); without, a closed loop that keeps
    every connection waiting on the server, which measures capacity."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (log_dir / f"gunicorn-{env['DATABASE_URL'].rsplit('/', 1)[1]}-{workers}-think{think_ms}.log").open("w")
    # Fixed arguments only; --timeout above the slowest page so that a slow request is measured, not killed.
    server = subprocess.Popen([str(GUNICORN), "nrm.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}",  # noqa: S603
                               "--timeout", "300"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_up(base, server)
        for page in PAGES:  # each page once per worker, so no first-request cost
            for _ in range(workers):
                status = get(base + page.url(case_id), headers[(page.load_person, page.kind)])
                if status != 200:
                    raise SystemExit(f"{page.label} answered {status} before the load run")
        wrk = shutil.which("wrk") or "/usr/bin/wrk"

        def start(duration: int, think: int) -> list[tuple[Any, int, subprocess.Popen]]:
            started = []
            for page, count in zip(PAGES, connections_per_page(connections, len(PAGES)), strict=True):
                header, value = headers[(page.load_person, page.kind)]
                command = [wrk, "-t1", f"-c{count}", f"-d{duration}s", "--timeout", "60s", "-s", str(LUA),
                           base + page.url(case_id), "--", f"think={think}", header, value]
                started.append((page, count, subprocess.Popen(command, stdout=subprocess.PIPE,  # noqa: S603
                                                              stderr=subprocess.STDOUT, text=True)))
            return started

        # Warm every thread of every worker (each opens its own database connection on its first request)
        # with a few seconds of full load that is not measured.
        for _page, _count, process in start(WARM_UP_SECONDS, 0):
            process.communicate(timeout=WARM_UP_SECONDS + 120)
        runs = start(seconds, think_ms)
        pages = {}
        for page, count, process in runs:
            output, _ = process.communicate(timeout=seconds + 180)
            line = next((row for row in output.splitlines() if row.startswith("BENCH_JSON ")), None)
            if line is None:
                raise SystemExit(f"wrk for {page.label} printed no figures:\n{output}")
            figures = json.loads(line.removeprefix("BENCH_JSON "))
            completed = figures["requests"]
            pages[page.key] = {
                "label": page.label, "url": page.url(case_id), "role": page.load_person, "kind": page.kind,
                "connections": count, "requests": completed,
                "requests_per_second": round(completed / (figures["duration_us"] / 1e6), 2),
                "median_ms": round(figures["p50_us"] / 1000, 1), "p95_ms": round(figures["p95_us"] / 1000, 1),
                "p99_ms": round(figures["p99_us"] / 1000, 1), "max_ms": round(figures["max_us"] / 1000, 1),
                "not_ok": figures["not_ok"], "timeouts": figures["timeouts"],
                "errors": figures["connect_errors"] + figures["read_errors"] + figures["write_errors"],
            }
        total = sum(page["requests"] for page in pages.values())
        return {"workers": workers, "connections": connections, "seconds": seconds, "think_ms": think_ms,
                "pages": pages,
                "requests": total, "requests_per_second": round(sum(page["requests_per_second"]
                                                                    for page in pages.values()), 2)}
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True, help="nrm_bench_small or nrm_bench_large (already generated)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--workers", type=int, nargs="+", default=list(WORKERS))
    parser.add_argument("--seconds", type=int, default=SECONDS)
    parser.add_argument("--connections", type=int, default=CONNECTIONS)
    parser.add_argument("--think-ms", type=int, default=0, help="pause between a connection's requests (0: none)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    collect_static()
    headers, case_id = credentials(args.database)
    env = django_env(args.database)
    results = []
    for workers in args.workers:
        pause = f", pausing about {args.think_ms} ms between requests" if args.think_ms else ", no pause"
        print(f"  gunicorn -w {workers}, {args.connections} connections for {args.seconds} s{pause}", file=sys.stderr,
              flush=True)
        results.append(run_workers(workers, env, headers, case_id, seconds=args.seconds,
                                   connections=args.connections, log_dir=args.out.parent, think_ms=args.think_ms))
    args.out.write_text(json.dumps({"database": args.database, "case_id": case_id, "gunicorn": gunicorn_settings(env),
                                    "warm_up_seconds": WARM_UP_SECONDS, "runs": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
