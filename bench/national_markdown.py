"""results/national.md, the results file a reader opens: the targets first, then each measurement with
how it was made, written from the figures national_targets.assemble() put together."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from national_targets import headline_run, mode_label, ordered_runs, pause, plural, shown_queries

ROLES = {"ca_manager": "CA manager", "decision_maker": "decision maker", "first_responder": "first responder",
         "pc_case_manager": "prime contractor", "support_worker": "provider"}


def processes(count: int) -> str:
    return f"{count} process{'' if count == 1 else 'es'}"


def pass_medians(row: dict[str, Any]) -> str:
    """Each latency.py process's median at the two sizes, so the spread between processes shows beside the pooled
    figure."""
    small, large = row["small"].get("pass_medians_ms"), row["large"].get("pass_medians_ms")
    if not small or not large:
        return "-"
    return f"{', '.join(map(str, small))} / {', '.join(map(str, large))}"


def table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    def cell(value: Any) -> str:
        return "-" if value is None else str(value).replace("|", "\\|").replace("\n", " ")

    return ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers),
            *("| " + " | ".join(cell(value) for value in row) + " |" for row in rows), ""]


def duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} minutes"


def result_word(met: bool | None) -> str:
    return "not measured" if met is None else ("met" if met else "**MISSED**")


def _section_heading(title: str, script: str, measured: dict[str, Any] | None) -> list[str]:
    """A section's heading, then, when its figures are missing, the script that measures them."""
    heading = [f"## {title}", ""]
    if measured is None:
        heading += [f"Not measured: run `bench/{script}` (make bench does).", ""]
    return heading


def markdown(figures: dict[str, Any]) -> str:
    """The results file a reader opens: the targets first, then each measurement with how it was made."""
    sizes, machine_figures = figures["sizes"], figures["machine"]
    small, large = f"{sizes['small']:,}", f"{sizes['large']:,}"
    latency_small, latency_large = figures["latency"]["small"], figures["latency"]["large"]
    summary = figures["summary"]
    lines = [
        f"# National scale: {large} referrals", "",
        f"Measured {figures['generated_at']} on {machine_figures['cores']} cores ({machine_figures['cpu']}), code "
        f"at {figures['git']}, by `{figures['command']}` in {duration(figures['duration_seconds'])} ("
        + "; ".join(f"{name.replace('_', ' ')} {value if isinstance(value, str) else duration(value)}"
                    for name, value in figures["steps"].items()) + ").", "",
        "What was measured and how:", "",
        f"- **Pages and APIs**: the five busiest pages (and their APIs), at {small} and at {large} referrals of "
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
    lines += _section_heading("Quarterly report", "monitoring_report.py", report)
    if report is not None:
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
    lines += _section_heading("Reminder dispatch", "reminders_dispatch.py", reminders)
    if reminders is not None:
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
            f"shared among the {len(runs[0]['pages'])} pages, one wrk process per page all at once, each page as its "
            "own role (decision "
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
    return [f"Under load, all {len(runs[0]['pages'])} pages together (each page's figures under Under load below):", "",
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

