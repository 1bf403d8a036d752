"""The national-scale benchmarks in one results file, and the one place its targets are checked.

    .venv/bin/python bench/run.py --small 10000 --large 1000000          # what `make bench` runs last
    .venv/bin/python bench/run.py --passes 1 --repeat 5 --load-seconds 10 --users-seconds 10    # a quick check

Collects the static files first (DEBUG is off, so pages need whitenoise's manifest). Then runs, each in a
process of its own (Django reads its settings once per process, and each size is a database of its own):
latency.py at the small and at the large size, alternating, three times each (--passes; the samples
are pooled, so that a slower minute of a shared machine slows both sizes alike), then load.py against
the large database in two modes: saturation, 20 connections with no pause (capacity: requests per
second), and 20 concurrent users who pause between requests (the p95 target), each with 1 and 2
gunicorn workers. Reads the figures reminders_dispatch.py and monitoring_report.py left in
bench/results/ (`make bench` runs them first; they are slow and reload a database of their own). Writes
bench/results/national.md and national.json: the machine, the data, every figure, and each target of
the national-scale targets with the figure reached and met or MISSED, computed from the measurements so that
the results file cannot claim more than was measured (national_targets.py checks the targets,
national_markdown.py writes national.md). Missed targets do not fail the run: it is a benchmark, not
a test."""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (
    LARGE_DATABASE,
    ROOT,
    SMALL_DATABASE,
    collect_static,
    django_env,
    ensure_database,
    postgres_version,
    summary,
)
from national_markdown import markdown
from national_targets import CONNECTIONS, HEADLINE_WORKERS, assemble

BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
WRK_MISSING = "wrk is missing: apt-get install -y wrk (bench/load.py drives the load with it)"


# -- Running the measurements -----------------------------------------------------------------------------------------

def run_child(label: str, command: list[str]) -> float:
    """One measurement in its own process, its progress on this terminal; seconds taken."""
    print(f"{label}:\n  {shlex.join(command)}", file=sys.stderr, flush=True)
    started = time.monotonic()
    finished = subprocess.run(command, cwd=ROOT, check=False)  # noqa: S603 - our own scripts, fixed arguments
    if finished.returncode != 0:
        raise SystemExit(f"{label} failed (exit {finished.returncode}); nothing was written to bench/results/")
    seconds = time.monotonic() - started
    print(f"  ({seconds:.0f} s)", file=sys.stderr, flush=True)
    return seconds


def latency(database: str, referrals: int, out: Path, args: argparse.Namespace) -> float:
    """latency.py at one size; it generates the data first when the database holds fewer referrals."""
    command = [sys.executable, str(BENCH / "latency.py"), "--database", database, "--referrals", str(referrals),
               "--out", str(out), "--repeat", str(args.repeat)]
    if args.budget is not None:
        command += ["--budget", str(args.budget)]
    return run_child(f"Pages and APIs at {referrals:,} referrals ({database})", command)



def pooled(passes: list[dict[str, Any]]) -> dict[str, Any]:
    """One size's latency.py results from several processes as one: each page's median and p95 over the
    samples of every pass, its query counts over all of them, and each permission filter's medians as the
    median of the passes' (each already the median of its alternating rounds). Plans and slowest
    statements are the first pass's."""
    import statistics

    if len(passes) == 1:
        return {**passes[0], "passes": 1}
    first = passes[0]
    pages = {}
    for key, page in first["pages"].items():
        runs = [each["pages"][key] for each in passes]
        samples = [sample for run in runs for sample in run["samples_ms"]]
        pages[key] = {**page, **summary(samples), "samples_ms": samples,
                      "queries": max(run["queries"] for run in runs),
                      "queries_min": min(run["queries_min"] for run in runs),
                      "statements": max(run["statements"] for run in runs),
                      "sql_median_ms": round(statistics.median(run["sql_median_ms"] for run in runs), 1),
                      "pass_medians_ms": [run["median_ms"] for run in runs]}
    permission = []
    for row in first["permission_filter"]:
        if "ratio" not in row:
            permission.append(row)
            continue
        runs = [next(each_row for each_row in each["permission_filter"] if each_row["label"] == row["label"])
                for each in passes]

        def middle(field: str, runs: list[dict[str, Any]] = runs) -> float | None:
            values = [run[field] for run in runs if run.get(field) is not None]
            return round(statistics.median(values), 3) if values else None

        filtered, unfiltered = middle("filtered_ms"), middle("unfiltered_ms")
        filtered_sql, unfiltered_sql = middle("filtered_sql_ms"), middle("unfiltered_sql_ms")
        permission.append({**row, "rounds": sum(run["rounds"] for run in runs), "filtered_ms": round(filtered, 2),
                           "unfiltered_ms": round(unfiltered, 2), "ratio": round(filtered / unfiltered, 2),
                           "filtered_sql_ms": filtered_sql, "unfiltered_sql_ms": unfiltered_sql,
                           "sql_ratio": round(filtered_sql / unfiltered_sql, 1) if filtered_sql and unfiltered_sql
                           else None, "pass_ratios": [run["ratio"] for run in runs]})
    return {**first, "pages": pages, "permission_filter": permission, "passes": len(passes)}


def load_mode(out: Path, args: argparse.Namespace, *, seconds: int, think_ms: int) -> float:
    """load.py against the large database only (the target is p95 at national scale), in one mode."""
    command = [sys.executable, str(BENCH / "load.py"), "--database", LARGE_DATABASE, "--out", str(out),
               "--seconds", str(seconds), "--connections", str(args.connections), "--think-ms", str(think_ms),
               "--workers", *map(str, args.workers)]
    mode = f"people pausing about {think_ms} ms between requests" if think_ms else "no pause: capacity"
    return run_child(f"Under load ({LARGE_DATABASE}, {args.connections} connections, {mode}, {seconds} s per "
                     f"worker count)", command)


def load(out: Path, args: argparse.Namespace) -> float:
    """Both load modes, one file: the saturation runs (requests per second) and the paced-user runs (the p95
    target: 20 people using the service pause between requests; a closed loop with no pause measures
    capacity, where every request waits behind the other 19)."""
    saturation, users = out.with_name("load-saturation.json"), out.with_name("load-users.json")
    seconds = load_mode(saturation, args, seconds=args.load_seconds, think_ms=0)
    seconds += load_mode(users, args, seconds=args.users_seconds, think_ms=args.think_ms)
    runs = json.loads(saturation.read_text())["runs"] + json.loads(users.read_text())["runs"]
    out.write_text(json.dumps({**json.loads(users.read_text()), "runs": runs}, indent=2) + "\n")
    return seconds


def read_json(path: Path) -> dict[str, Any] | None:
    return json.loads(path.read_text()) if path.exists() else None


def written_at(path: Path) -> str | None:
    """When a result run.py did not measure itself was written: the reader must see how old it is."""
    if not path.exists():
        return None
    return datetime.datetime.fromtimestamp(path.stat().st_mtime, datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")


# -- The machine ------------------------------------------------------------------------------------------------------

def first_line(command: list[str]) -> str:
    try:
        answer = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)  # noqa: S603
    except OSError:
        return "not found"
    return ((answer.stdout or answer.stderr).strip().splitlines() or ["?"])[0]


def machine() -> dict[str, Any]:
    """What the figures depend on besides the code: the hardware, the versions and the database settings."""
    cpu, memory_kib = platform.processor() or platform.machine(), 0
    cpuinfo, meminfo = Path("/proc/cpuinfo"), Path("/proc/meminfo")
    if cpuinfo.exists():
        cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                    if line.startswith("model name")), cpu)
    if meminfo.exists():
        memory_kib = next((int(line.split()[1]) for line in meminfo.read_text().splitlines()
                           if line.startswith("MemTotal:")), 0)
    env = django_env(LARGE_DATABASE)
    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(memory_kib / 2**20, 1),
        "os": platform.platform(), "python": platform.python_version(), "postgresql": postgres_version(),
        "gunicorn": first_line([str(ROOT / ".venv" / "bin" / "gunicorn"), "--version"]),
        "wrk": first_line([shutil.which("wrk") or "wrk", "--version"]),
        "django_settings": f"NRM_ENVIRONMENT={env['NRM_ENVIRONMENT']}, DEBUG "
                           + ("off" if env.get("DEBUG", "").lower() in {"false", "0", "no", "off"}
                              else f"on ({env.get('DEBUG', 'the development default')})"),
    }


def git_state() -> str:
    """The commit measured, and whether the working tree held changes (the figures are of those)."""
    commit = first_line(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    changed = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],  # noqa: S603, S607
                             capture_output=True, text=True, check=False).stdout.splitlines()
    return f"{commit} with uncommitted changes to {len(changed)} files" if changed else commit


# -- Main -------------------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=int, default=10_000, help="referrals in nrm_bench_small (generated if fewer)")
    parser.add_argument("--large", type=int, default=1_000_000, help="referrals in nrm_bench_large (generated if "
                                                                     "fewer)")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page, size and pass")
    parser.add_argument("--passes", type=int, default=3, help="latency.py processes per size, the sizes alternating; "
                                                              "their samples are pooled")
    parser.add_argument("--budget", type=float, default=None, help="latency.py's seconds per page before it stops "
                                                                   "timing a slow page (default: latency.py's)")
    parser.add_argument("--load-seconds", type=int, default=30, help="seconds of saturation (no pause: capacity) "
                                                                     "per worker count")
    parser.add_argument("--users-seconds", type=int, default=60, help="seconds of the 20 paced users (the p95 "
                                                                       "target) per worker count")
    parser.add_argument("--think-ms", type=int, default=1000, help="a paced user's mean pause between requests")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, HEADLINE_WORKERS])
    parser.add_argument("--connections", type=int, default=CONNECTIONS)
    parser.add_argument("--small-json", type=Path, help="reuse an earlier latency.py result instead of measuring")
    parser.add_argument("--large-json", type=Path, help="reuse an earlier latency.py result instead of measuring")
    parser.add_argument("--load-json", type=Path, help="reuse an earlier load.py result instead of measuring")
    parser.add_argument("--work-dir", type=Path, help="where the raw results and gunicorn logs go (default: a new "
                                                      "directory under /tmp, kept)")
    parser.add_argument("--out-dir", type=Path, default=RESULTS)
    args = parser.parse_args()
    if args.load_json is None and not shutil.which("wrk"):
        raise SystemExit(WRK_MISSING)  # before minutes of latency measurements, not after
    started = time.monotonic()
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="nrm-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"Raw results and logs: {work}", file=sys.stderr, flush=True)
    for database in (SMALL_DATABASE, LARGE_DATABASE):
        if ensure_database(database):
            print(f"Created the database {database}; latency.py fills it.", file=sys.stderr, flush=True)

    if not (args.small_json and args.large_json and args.load_json):
        # Once, before anything is measured: DEBUG is off, so the pages need the collected manifest (latency.py
        # and load.py then find it fresh and skip their own check's collectstatic).
        print("Collecting static files (DEBUG is off):", file=sys.stderr, flush=True)
        collect_static(force=True)
    steps: dict[str, float | str] = {}

    def measured(name: str, reuse: Path | None, out: Path, measure: Callable[[], float]) -> dict[str, Any]:
        if reuse is not None:
            steps[name] = f"reused {reuse}"
            return json.loads(reuse.read_text())
        steps[name] = round(measure(), 1)
        return json.loads(out.read_text())

    # The sizes alternate, one process each, pass after pass, and each size's samples are pooled: a machine
    # that is slower for a minute then slows both sizes alike instead of showing as a cost of the data.
    small_passes, large_passes = [], []
    for number in range(1, (1 if args.small_json and args.large_json else args.passes) + 1):
        small_out, large_out = work / f"latency-small-{number}.json", work / f"latency-large-{number}.json"
        small_passes.append(measured(f"latency_small_{number}", args.small_json, small_out,
                                     lambda out=small_out: latency(SMALL_DATABASE, args.small, out, args)))
        large_passes.append(measured(f"latency_large_{number}", args.large_json, large_out,
                                     lambda out=large_out: latency(LARGE_DATABASE, args.large, out, args)))
    small, large = pooled(small_passes), pooled(large_passes)
    load_figures = measured("load", args.load_json, work / "load.json", lambda: load(work / "load.json", args))
    report_path, reminders_path = RESULTS / "monitoring_report.json", RESULTS / "reminders_dispatch.json"
    for path, script in ((report_path, "monitoring_report.py"), (reminders_path, "reminders_dispatch.py")):
        if not path.exists():
            print(f"No {path.relative_to(ROOT)}: run bench/{script} first (make bench does); its targets are "
                  "reported as not measured.", file=sys.stderr, flush=True)
    figures = assemble(
        small, large, load_figures, read_json(report_path), read_json(reminders_path),
        generated_at=datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        command=shlex.join([Path(sys.executable).relative_to(ROOT).as_posix()
                            if Path(sys.executable).is_relative_to(ROOT) else sys.executable,
                            Path(sys.argv[0]).resolve().relative_to(ROOT).as_posix(), *sys.argv[1:]]),
        git=git_state(), machine=machine(), duration_seconds=round(time.monotonic() - started, 1), steps=steps,
        sources={"monitoring_report": written_at(report_path), "reminders_dispatch": written_at(reminders_path)},
    )
    args.out_dir.mkdir(parents=True, exist_ok=True)
    (args.out_dir / "national.json").write_text(json.dumps(figures, indent=2, default=str) + "\n")
    (args.out_dir / "national.md").write_text(markdown(figures))
    summary = figures["summary"]
    print(f"Targets: {summary['met']} of {summary['total']} met, {summary['missed']} missed, "
          f"{summary['not_measured']} not measured. Wrote {args.out_dir / 'national.md'} and national.json "
          f"in {figures['duration_seconds']:.0f} s.", file=sys.stderr)


if __name__ == "__main__":
    main()
