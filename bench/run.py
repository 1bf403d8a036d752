"""The national-scale benchmarks of issue 9 in one results file, and the one place its targets are checked.

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
issue 9 item 3 with the figure reached and met or MISSED, computed here from the measurements so that
the results file cannot claim more than was measured. Missed targets do not fail the run: it is a
benchmark, not a test."""

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
    PAGES,
    ROOT,
    SMALL_DATABASE,
    collect_static,
    django_env,
    ensure_database,
    postgres_version,
    summary,
)

BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
WRK_MISSING = "wrk is missing: apt-get install -y wrk (bench/load.py drives the load with it)"

# Issue 9, item 3.
MAX_QUERIES = 10
MAX_SIZE_RATIO = 1.5
MAX_FILTER_RATIO = 2.0
MAX_REPORT_RATIO = 2.0
MAX_MEMORY_GROWTH_MIB = 1.0  # "constant memory": the peak may not grow by a MiB while the rows grow twentyfold
MAX_P95_MS = 300.0
CONNECTIONS = 20
HEADLINE_WORKERS = 2  # the machine has two cores; the 1-worker run is shown beside it
ROLES = {"ca_manager": "CA manager", "decision_maker": "decision maker", "first_responder": "first responder",
         "pc_case_manager": "prime contractor", "support_worker": "provider"}


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


def processes(count: int) -> str:
    return f"{count} process{'' if count == 1 else 'es'}"


def pass_medians(row: dict[str, Any]) -> str:
    """Each latency.py process's median at the two sizes, so the spread between processes shows beside the pooled
    figure."""
    small, large = row["small"].get("pass_medians_ms"), row["large"].get("pass_medians_ms")
    if not small or not large:
        return "-"
    return f"{', '.join(map(str, small))} / {', '.join(map(str, large))}"


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


# -- The figures and the targets --------------------------------------------------------------------------------------

def ratio(numerator: float | None, denominator: float | None) -> float | None:
    return round(numerator / denominator, 2) if numerator is not None and denominator else None


BULKY = ("slowest_queries", "slowest_select_plan", "filtered_plan", "plan", "samples_ms")  # kept once, under "latency"


def lean(figures: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if figures is None else {key: value for key, value in figures.items() if key not in BULKY}


def page_rows(small: dict[str, Any], large: dict[str, Any]) -> list[dict[str, Any]]:
    """Each page at both sizes, side by side, in common.PAGES order."""
    rows = []
    for page in PAGES:
        at_small, at_large = small["pages"].get(page.key), large["pages"].get(page.key)
        if at_small is None or at_large is None:
            continue
        rows.append({
            "key": page.key, "label": page.label, "person": page.person, "kind": page.kind,
            "list_target": page.list_target, "small": lean(at_small), "large": lean(at_large),
            "queries": {"small": [at_small["queries_min"], at_small["queries"]],
                        "large": [at_large["queries_min"], at_large["queries"]]},
            "median_ratio": ratio(at_large["median_ms"], at_small["median_ms"]),
            "p95_ratio": ratio(at_large["p95_ms"], at_small["p95_ms"]),
        })
    return rows


def permission_rows(small: dict[str, Any], large: dict[str, Any]) -> list[dict[str, Any]]:
    by_label = {row["label"]: row for row in small["permission_filter"] if "ratio" in row}
    return [{"label": row["label"], "small": lean(by_label.get(row["label"])), "large": lean(row)}
            for row in large["permission_filter"] if "ratio" in row]


def headline_run(load_figures: dict[str, Any] | None) -> dict[str, Any] | None:
    """The run the p95 target is judged on: people pausing between requests, 2 workers (one per core), else
    the most workers measured in that mode."""
    if not load_figures or not load_figures["runs"]:
        return None
    paced = [run for run in load_figures["runs"] if run.get("think_ms")] or load_figures["runs"]
    runs = {run["workers"]: run for run in paced}
    return runs.get(HEADLINE_WORKERS) or runs[max(runs)]


def pause(think_ms: int) -> str:
    """wrk/page.lua's think time: uniformly 0.5 to 1.5 times think_ms."""
    return f"{think_ms / 2000:g} to {think_ms * 1.5 / 1000:g} s"


def mode_label(run: dict[str, Any]) -> str:
    if run.get("think_ms"):
        return f"{run['connections']} concurrent users, each pausing {pause(run['think_ms'])} between requests"
    return f"saturation: {run['connections']} connections with no pause (capacity)"


def ordered_runs(load_figures: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The paced runs first (the target's mode), then saturation; fewer workers first within each."""
    runs = (load_figures or {}).get("runs", [])
    return sorted(runs, key=lambda run: (not run.get("think_ms"), run["workers"]))


def beside(page_key: str, headline: dict[str, Any], runs: list[dict[str, Any]]) -> str:
    """The same page in every other load run, each labelled with its mode: saturation's p95 and requests per
    second are shown beside the target's figure, never left out."""
    parts = []
    for run in runs:
        if run is headline or page_key not in run["pages"]:
            continue
        page = run["pages"][page_key]
        workers = plural(run["workers"], "worker")
        if run.get("think_ms"):
            parts.append(f"paced users, {workers}: p95 {page['p95_ms']} ms")
        else:
            parts.append(f"saturation (no pause), {workers}: p95 {page['p95_ms']} ms at "
                         f"{page['requests_per_second']} req/s")
    return "".join(f"; {part}" for part in parts)


def target(kind: str, group: str, subject: str, reached: str, met: bool | None,
           value: float | None = None) -> dict[str, Any]:
    """One target row: `met` is None when the figure was not measured (never counted as met)."""
    return {"kind": kind, "target": group, "subject": subject, "reached": reached, "value": value, "met": met}


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def shown_queries(pair: list[int]) -> str:
    return str(pair[1]) if pair[0] == pair[1] else f"{pair[0]}-{pair[1]}"


def targets(pages: list[dict[str, Any]], permission: list[dict[str, Any]], report: dict[str, Any] | None,
            load_figures: dict[str, Any] | None, sizes: dict[str, int]) -> list[dict[str, Any]]:
    """Every target of issue 9 item 3, from the figures alone."""
    rows = []
    small, large = f"{sizes['small']:,}", f"{sizes['large']:,}"
    listed = [row for row in pages if row["list_target"]]

    group = f"List pages and APIs: at most {MAX_QUERIES} queries, the same count at {small} and {large} referrals"
    for row in listed:
        counts = {*row["queries"]["small"], *row["queries"]["large"]}
        reached = f"{shown_queries(row['queries']['small'])} / {shown_queries(row['queries']['large'])}"
        rows.append(target("queries", group, row["label"], reached,
                           len(counts) == 1 and max(counts) <= MAX_QUERIES, max(counts)))

    group = f"List pages and APIs: median at {large} within {MAX_SIZE_RATIO}x of {small}"
    for row in listed:
        reached = f"{row['large']['median_ms']} / {row['small']['median_ms']} ms = {row['median_ratio']}x"
        rows.append(target("size_ratio", group, row["label"], reached, row["median_ratio"] <= MAX_SIZE_RATIO,
                           row["median_ratio"]))

    group = f"Permission-filtered list of 50 within {MAX_FILTER_RATIO}x of the unfiltered one, at {large}"
    for row in permission:
        at = row["large"]
        database = f"; database alone {at['sql_ratio']}x" if at.get("sql_ratio") is not None else ""
        reached = f"{at['filtered_ms']} / {at['unfiltered_ms']} ms = {at['ratio']}x{database}"
        rows.append(target("permission_filter", group, row["label"], reached, at["ratio"] <= MAX_FILTER_RATIO,
                           at["ratio"]))

    group = f"Quarterly report within {MAX_REPORT_RATIO}x of the hand-written SQL for its main table"
    memory = f"Quarterly report in constant memory (peak grows by under {MAX_MEMORY_GROWTH_MIB} MiB)"
    if report is None:
        missing = "not measured: run bench/monitoring_report.py"
        rows += [target("report_ratio", group, subject, missing, None) for subject in ("a quarter", "five years")]
        rows.append(target("report_memory", memory, "a quarter to five years", missing, None))
    else:
        for period in ("quarter", "five_years"):
            figures = report[period]
            reached = (f"{figures['main_table_seconds']} / {figures['hand_written_sql_seconds']} s = "
                       f"{figures['main_table_ratio']}x (whole report, 15 tables: {figures['whole_report_ratio']}x)")
            rows.append(target("report_ratio", group,
                               f"{figures['period']} ({figures['referrals_in_period']:,} referrals)", reached,
                               figures["main_table_ratio"] <= MAX_REPORT_RATIO, figures["main_table_ratio"]))
        quarter, years = report["quarter"], report["five_years"]
        growth = round(years["report_peak_python_mib"] - quarter["report_peak_python_mib"], 2)
        reached = (f"peak Python memory {quarter['report_peak_python_mib']} to {years['report_peak_python_mib']} MiB "
                   f"({growth:+} MiB); process peak RSS grew {report['process_max_rss_growth_mib']} MiB")
        rows.append(target("report_memory", memory,
                           f"{quarter['referrals_in_period']:,} to {years['referrals_in_period']:,} referrals",
                           reached, growth < MAX_MEMORY_GROWTH_MIB, growth))

    headline = headline_run(load_figures)
    if headline is None:
        group = f"p95 under {MAX_P95_MS:.0f} ms at {CONNECTIONS} concurrent users, every page, no answer but 200"
        rows += [target("p95", group, page.label, "not measured: run bench/load.py", None) for page in PAGES]
        return rows
    group = (f"p95 under {MAX_P95_MS:.0f} ms at {headline['connections']} concurrent users, every page, no answer "
             f"but 200 (judged on {mode_label(headline)}, {plural(headline['workers'], 'worker')}; beside it the "
             "other runs, labelled)")
    runs = ordered_runs(load_figures)
    for page in PAGES:
        figures = headline["pages"].get(page.key)
        if figures is None:
            continue
        failures = figures["not_ok"] + figures["errors"] + figures["timeouts"]
        rows.append(target("p95", group, page.label,
                           f"{figures['p95_ms']} ms, {failures} failed{beside(page.key, headline, runs)}",
                           figures["p95_ms"] < MAX_P95_MS and failures == 0, figures["p95_ms"]))
    return rows


# -- Markdown ---------------------------------------------------------------------------------------------------------

def table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    def cell(value: Any) -> str:
        return "-" if value is None else str(value).replace("|", "\\|").replace("\n", " ")

    return ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers),
            *("| " + " | ".join(cell(value) for value in row) + " |" for row in rows), ""]


def duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} minutes"


def result_word(met: bool | None) -> str:
    return "not measured" if met is None else ("met" if met else "**MISSED**")


def markdown(figures: dict[str, Any]) -> str:
    """The results file a reader opens: the targets first, then each measurement with how it was made."""
    sizes, machine_figures = figures["sizes"], figures["machine"]
    small, large = f"{sizes['small']:,}", f"{sizes['large']:,}"
    latency_small, latency_large = figures["latency"]["small"], figures["latency"]["large"]
    summary = figures["summary"]
    lines = [
        f"# National scale: {large} referrals (issue 9)", "",
        f"Measured {figures['generated_at']} on {machine_figures['cores']} cores ({machine_figures['cpu']}), code "
        f"at {figures['git']}, by `{figures['command']}` in {duration(figures['duration_seconds'])} ("
        + "; ".join(f"{name.replace('_', ' ')} {value if isinstance(value, str) else duration(value)}"
                    for name, value in figures["steps"].items()) + ").", "",
        "What was measured and how:", "",
        f"- **Pages and APIs**: the five pages of issue 9 (and their APIs), at {small} and at {large} referrals of "
        "`generate_national_data --seed 1` (databases `nrm_bench_small` and `nrm_bench_large`, reused between runs). "
        "Each is requested as the busiest user of its kind through Django's test client in the benchmark's process: "
        "the whole middleware stack, session and access log included, no network. Each size is measured in "
        f"{processes(latency_large.get('passes', 1))}, the sizes alternating (small, large, "
        "small, ...), so that a slower minute of the machine slows both sizes alike; median and p95 are over the "
        f"pooled samples, up to {latency_large['repeat']} requests per process after "
        f"{plural(latency_large['warm_up'], 'warm-up')} (`n` is fewer when a page is so slow that the time budget "
        "ran out); queries per request exclude BEGIN/COMMIT/SAVEPOINT.",
        "- **Permission filter**: one page of 50 referrals, newest first, through each role's visibility filter "
        "(organisation scope, django-guardian grants) beside the same 50 with no filter, timed in alternation "
        "end to end in each process (the figure is the median of the processes'); EXPLAIN ANALYZE gives the "
        "database's share alone.",
        "- **Quarterly report** and **reminder dispatch**: `bench/monitoring_report.py` and "
        "`bench/reminders_dispatch.py`, which load rows of their own into `nrm_bench` (figures read from "
        "`bench/results/`, written at the time shown).",
        *load_intro(figures["load"]),
        f"- Django settings: {machine_figures['django_settings']}: no query log kept per request, static files "
        "from whitenoise's collected manifest (`collectstatic` runs first), as a deployment serves them; "
        "NRM_ENVIRONMENT=production itself would redirect loopback HTTP to HTTPS.", "",
        "## Targets", "",
        f"{summary['met']} of {summary['total']} met, {summary['missed']} missed"
        + (f", {summary['not_measured']} not measured" if summary["not_measured"] else "") + ".", "",
    ]
    previous = None
    rows = []
    for row in figures["targets"]:
        rows.append([row["target"] if row["target"] != previous else "", row["subject"], row["reached"],
                     result_word(row["met"])])
        previous = row["target"]
    lines += table(["Target", "Subject", "Figure reached", "Result"], rows)
    lines += load_summary(figures["load"])

    lines += ["## Machine", ""]
    lines += table(["", ""], [["CPU", f"{machine_figures['cpu']}, {machine_figures['cores']} cores"],
                              ["Memory", f"{machine_figures['memory_gib']} GiB"], ["OS", machine_figures["os"]],
                              ["Python", machine_figures["python"]], ["PostgreSQL", machine_figures["postgresql"]],
                              ["gunicorn", machine_figures["gunicorn"]], ["wrk", machine_figures["wrk"]]])

    lines += ["## Data", "",
              f"Rows in the main tables (planner estimates from `pg_stat_user_tables`; the referral count is exact: "
              f"{latency_small['referrals']:,} and {latency_large['referrals']:,}). The access log and sessions grow "
              "with every run.", ""]
    names = sorted({*latency_small["tables"], *latency_large["tables"]})
    lines += table(["Table", f"At {small}", f"At {large}"],
                   [[f"`{name}`", f"{latency_small['tables'].get(name, 0):,}",
                     f"{latency_large['tables'].get(name, 0):,}"] for name in names])

    lines += ["## Pages and APIs", "",
              f"Milliseconds, in-process. Ratio: median at {large} over median at {small}.", ""]
    lines += table(["Page", "As", "Queries (small / large)", "Median small", "Median large", "p95 small",
                    "p95 large", "Ratio", "n (small / large)", "Each process's median (small / large)"],
                   [[row["label"], ROLES.get(row["person"], row["person"]),
                     f"{shown_queries(row['queries']['small'])} / {shown_queries(row['queries']['large'])}",
                     row["small"]["median_ms"],
                     row["large"]["median_ms"], row["small"]["p95_ms"], row["large"]["p95_ms"],
                     f"{row['median_ratio']}x", f"{row['small']['n']} / {row['large']['n']}",
                     pass_medians(row)]
                    for row in figures["pages"]])
    lines += [f"Who asks, at {large}:", ""]
    lines += [f"- {ROLES.get(key, key)}: {person['why']}" for key, person in latency_large["people"].items()]
    lines += [""]

    lines += ["## Permission filter", "", "Milliseconds for one page of 50, end to end; in brackets the database's "
              "share alone (EXPLAIN ANALYZE).", ""]
    permission_table = []
    for row in figures["permission_filter"]:
        cells = [row["label"]]
        for at in (row["small"], row["large"]):
            cells += ["-", "-", "-"] if at is None else [
                at["filtered_ms"], at["unfiltered_ms"], f"{at['ratio']}x ({at.get('sql_ratio')}x)"]
        permission_table.append(cells)
    lines += table(["List", f"Filtered at {small}", "Unfiltered", "Ratio", f"Filtered at {large}", "Unfiltered",
                    "Ratio"], permission_table)

    report = figures["report"]
    lines += ["## Quarterly report", ""]
    if report is None:
        lines += ["Not measured: run `bench/monitoring_report.py` (make bench does).", ""]
    else:
        lines += [f"`bench/monitoring_report.py` over {report['referrals']:,} referrals (written "
                  f"{figures['sources']['monitoring_report']}; {report['machine']}). The hand-written query computes "
                  "the report's main table (referrals by exploitation type and age), so the like-for-like ratio is "
                  "the main table's; the whole report is 15 tables.", ""]
        lines += table(["Period", "Referrals in it", "Main table (s)", "Hand-written SQL (s)", "Ratio",
                        "Whole report (s)", "Whole report ratio", "Peak Python memory (MiB)"],
                       [[report[p]["period"], f"{report[p]['referrals_in_period']:,}", report[p]["main_table_seconds"],
                         report[p]["hand_written_sql_seconds"], f"{report[p]['main_table_ratio']}x",
                         report[p]["report_seconds"], f"{report[p]['whole_report_ratio']}x",
                         report[p]["report_peak_python_mib"]] for p in ("quarter", "five_years")])

    reminders = figures["reminders"]
    lines += ["## Reminder dispatch", ""]
    if reminders is None:
        lines += ["Not measured: run `bench/reminders_dispatch.py` (make bench does).", ""]
    else:
        lines += [f"`bench/reminders_dispatch.py`: one dispatch over {reminders['open_cases']:,} open cases, "
                  f"{reminders['due']:,} of them due (written {figures['sources']['reminders_dispatch']}; "
                  f"{reminders['machine']}).", ""]
        lines += table(["Dispatch (s)", "Per reminder (ms)", "Queries", "Queries per reminder", "Outcome"],
                       [[reminders["dispatch_seconds"], reminders["per_reminder_ms"], f"{reminders['queries']:,}",
                         reminders["queries_per_reminder"],
                         ", ".join(f"{key} {value:,}" for key, value in reminders["result"].items() if value)]])

    lines += ["## Under load", ""]
    load_figures = figures["load"]
    if load_figures is None:
        lines += ["Not measured: run `bench/load.py`.", ""]
    headline = headline_run(load_figures)
    for run in ordered_runs(load_figures):
        workers = plural(run["workers"], "worker")
        role = " (the p95 target)" if run is headline else ""
        lines += [f"### {workers}, {mode_label(run)}, {run['seconds']} s at {large} referrals{role}", ""]
        rows = [[page["label"], ROLES.get(page["role"], page["role"]), page["connections"], f"{page['requests']:,}",
                 page["requests_per_second"], page["median_ms"], page["p95_ms"], page["not_ok"],
                 page["errors"] + page["timeouts"]] for page in run["pages"].values()]
        rows.append(["**All pages**", "", run["connections"], f"{run['requests']:,}", run["requests_per_second"],
                     "", f"{max(page['p95_ms'] for page in run['pages'].values())} (worst)",
                     sum(page["not_ok"] for page in run["pages"].values()),
                     sum(page["errors"] + page["timeouts"] for page in run["pages"].values())])
        lines += table(["Page", "As", "Connections", "Requests", "Requests/s", "Median ms", "p95 ms", "Non-200",
                        "Errors and timeouts"], rows)

    lines += why_slow(figures)
    return "\n".join(lines).rstrip() + "\n"


def load_intro(load_figures: dict[str, Any] | None) -> list[str]:
    """How the load was made, from what was run: its modes, durations and gunicorn's workers."""
    if not load_figures or not load_figures.get("runs"):
        return ["- **Under load**: not measured."]
    runs = ordered_runs(load_figures)
    gunicorn = load_figures.get("gunicorn") or {}
    workers = " then ".join(str(workers) for workers in sorted({run["workers"] for run in runs}))
    server = (f"gunicorn (the service's gunicorn.conf.py: {gunicorn['worker_class']} workers, "
              f"{plural(gunicorn['threads'], 'thread')} each; {workers} worker processes)" if gunicorn
              else f"gunicorn ({workers} worker processes)")
    paced = [run for run in runs if run.get("think_ms")]
    saturated = [run for run in runs if not run.get("think_ms")]
    connections = runs[0]["connections"]
    modes = []
    if paced:
        modes.append(f"**{connections} concurrent users**: each connection pauses a random think time between "
                     f"requests, uniformly {pause(paced[0]['think_ms'])} (wrk's `delay()`; the latency starts when "
                     f"the request is sent), as someone reading a page does, for {paced[0]['seconds']} s per worker "
                     "count")
    if saturated:
        modes.append(f"**saturation**: {connections} connections with no pause, for {saturated[0]['seconds']} s per "
                     "worker count, which measures capacity (requests per second); there every request waits behind "
                     f"the other {connections - 1}, so its p95 is mostly queueing, about {connections} divided by the "
                     "requests per second")
    headline = headline_run(load_figures)
    judged = (f" The p95 target is judged on the {connections} concurrent users with "
              f"{plural(headline['workers'], 'worker')}: people pause between requests, and a closed loop with no "
              f"pause measures capacity, not {connections} users." if paced else
              " No paced run was measured, so the p95 target is judged on saturation, the harder case.")
    warm_up = load_figures.get("warm_up_seconds")
    warmed = f", each run after {warm_up} s of unmeasured load," if warm_up else ""
    return [f"- **Under load**: {server} on loopback{warmed} and {connections} connections "
            "shared among the nine pages, one wrk process per page all at once, each page as its own role (decision "
            "makers, first responder, prime contractor, provider); wrk's latency percentiles. Two modes, both "
            f"reported: {'; and '.join(modes)}.{judged}"]


def load_summary(load_figures: dict[str, Any] | None) -> list[str]:
    """Every load run in one table under the targets: the target's run and the saturation runs side by side."""
    runs = ordered_runs(load_figures)
    if not runs:
        return []
    headline = headline_run(load_figures)
    rows = []
    for run in runs:
        pages = run["pages"].values()
        mode = mode_label(run) + (" (**the p95 target**)" if run is headline else "")
        rows.append([mode, run["workers"], run["seconds"], f"{run['requests']:,}", run["requests_per_second"],
                     max(page["median_ms"] for page in pages), max(page["p95_ms"] for page in pages),
                     sum(page["not_ok"] + page["errors"] + page["timeouts"] for page in pages)])
    return ["Under load, all nine pages together (each page's figures under Under load below):", "",
            *table(["Mode", "Workers", "Seconds", "Requests", "Requests/s", "Slowest page's median ms",
                    "Slowest page's p95 ms", "Failed"], rows)]


def why_slow(figures: dict[str, Any]) -> list[str]:
    """For each page that missed a target in-process: how much of its time was SQL and its slowest statement at the
    large size, so that the results file carries the first clue with the miss (the plans are in national.json)."""
    in_process = {"queries", "size_ratio", "permission_filter"}
    missed = {row["subject"] for row in figures["targets"] if row["met"] is False and row["kind"] in in_process}
    rows = []
    for row in figures["pages"]:
        if row["label"] not in missed:
            continue
        raw = figures["latency"]["large"]["pages"][row["key"]]
        slowest = raw["slowest_queries"][0] if raw["slowest_queries"] else {"ms": None, "sql": ""}
        rows.append([row["label"], raw["median_ms"], raw["sql_median_ms"], raw["statements"], slowest["ms"],
                     f"`{statement_summary(slowest['sql'])}`"])
    if not rows:
        return []
    return [f"## Where the time goes (pages that missed a target, at {figures['sizes']['large']:,} referrals)", "",
            "SQL share of the median and the slowest statement of the last timed request. EXPLAIN (ANALYZE, BUFFERS) "
            "of each page's slowest SELECT is in national.json (`latency.large.pages.<page>.slowest_select_plan`), and "
            "of each permission filter under `latency.large.permission_filter`.", "",
            *table(["Page", "Median ms", "SQL ms", "Statements", "Slowest ms", "Slowest statement"], rows)]


def statement_summary(sql: str, width: int = 90) -> str:
    """The verb and what follows FROM: enough to tell which query it is without its column list."""
    verb = sql.split(None, 1)[0].upper() if sql.strip() else ""
    where = sql.find(" FROM ")
    if verb == "SELECT":  # latency.py keeps 2,000 characters: a wide column list can hide the FROM
        text = f"SELECT ... {sql[where + 1:]}" if where > 0 else f"{sql[:40]}... (cut before its FROM)"
    else:
        text = sql
    return " ".join(text.split())[:width].replace("`", "'") + ("..." if len(text) > width else "")


# -- Main -------------------------------------------------------------------------------------------------------------

def assemble(small: dict[str, Any], large: dict[str, Any], load_figures: dict[str, Any] | None,
             report: dict[str, Any] | None, reminders: dict[str, Any] | None, **context: Any) -> dict[str, Any]:
    sizes = {"small": small["referrals"], "large": large["referrals"]}
    pages, permission = page_rows(small, large), permission_rows(small, large)
    rows = targets(pages, permission, report, load_figures, sizes)
    summary = {"total": len(rows), "met": sum(row["met"] is True for row in rows),
               "missed": sum(row["met"] is False for row in rows),
               "not_measured": sum(row["met"] is None for row in rows)}
    return {**context, "sizes": sizes, "summary": summary, "targets": rows,
            "data": {"small": small["tables"], "large": large["tables"]}, "pages": pages,
            "permission_filter": permission, "report": report, "reminders": reminders, "load": load_figures,
            "latency": {"small": small, "large": large}}


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
