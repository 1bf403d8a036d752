"""The targets of the national-scale targets, checked in one place: run.py's measurements become the figures of
results/national.json, and each target a row with the figure reached and met, missed or not measured,
computed from the measurements alone so that the results file cannot claim more than was measured."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import PAGES

# The national-scale targets.
MAX_QUERIES = 10
MAX_SIZE_RATIO = 1.5
MAX_FILTER_RATIO = 2.0
MAX_REPORT_RATIO = 2.0
MAX_MEMORY_GROWTH_MIB = 1.0  # "constant memory": the peak may not grow by a MiB while the rows grow twentyfold
MAX_P95_MS = 300.0
CONNECTIONS = 20
HEADLINE_WORKERS = 2  # the machine has two cores; the 1-worker run is shown beside it


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
    """Every target of the national-scale targets, from the figures alone."""
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


def assemble(small: dict[str, Any], large: dict[str, Any], load_figures: dict[str, Any] | None,
             report: dict[str, Any] | None, reminders: dict[str, Any] | None, **context: Any) -> dict[str, Any]:
    """Everything national.json holds: the context of the run, the targets and every figure."""
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
