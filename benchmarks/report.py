"""The results table (plain text for the terminal, Markdown for docs/performance.md)."""

from __future__ import annotations

import statistics
from typing import Optional

from results import TARGETS, CaseResult, speedup

HEADERS = ["case", "customers", "latency ms", "median s", "min-max s", "in modules s", "API req", "token req", "conns",
           "tree RSS MB", "module RSS MB", "vs baseline"]


def rows(results: list[CaseResult]) -> list[list[str]]:
    table = []
    for result in results:
        if not result.runs:
            table.append([result.case, str(result.customers), "%g" % result.latency_ms, "FAILED: %s" % (result.error or "")[:80]]
                         + [""] * (len(HEADERS) - 4))
            continue
        walls = [run.wall_seconds for run in result.runs]
        modules = [run.module_max_rss_kb for run in result.runs if run.module_max_rss_kb]
        ratio = speedup(results, result)
        table.append([
            result.case,
            str(result.customers),
            "%g" % result.latency_ms,
            "%.2f" % result.median_wall,
            "%.2f-%.2f" % (min(walls), max(walls)),
            "%.2f" % statistics.median(run.module_seconds for run in result.runs) if modules else "-",
            _count(result.api_requests, result.expected_api_requests),
            _count(result.token_requests, result.expected_token_requests),
            str(max(run.connections for run in result.runs) - 1),  # less the benchmark's own counters request
            "%.0f" % (max(run.tree_max_rss_kb for run in result.runs) / 1024),
            "%.0f" % (max(modules) / 1024) if modules else "-",
            "%.1fx" % ratio if ratio is not None else "-",
        ])
    return table


def _count(value: Optional[int], expected: int) -> str:
    return str(value) if value == expected else "%s (expected %d)" % (value, expected)


def text_table(results: list[CaseResult]) -> str:
    table = [HEADERS] + rows(results)
    widths = [max(len(row[i]) for row in table) for i in range(len(HEADERS))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in table]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def markdown_table(results: list[CaseResult]) -> str:
    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    lines += ["| " + " | ".join(row) + " |" for row in rows(results)]
    return "\n".join(lines)


def target_lines(results: list[CaseResult], markdown: bool = False) -> list[str]:
    lines = []
    for target in TARGETS:
        outcome = target.check(results)
        if outcome is None:
            continue
        met, measured = outcome
        status = "measured" if met is None else "met" if met else "NOT MET"
        lines.append(("- %s: **%s** (%s)" if markdown else "  %s: %s (%s)") % (target.text, status, measured))
    return lines
