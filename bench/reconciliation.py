"""Benchmark: the county's 应发 vs 实发 reconciliation (payments.reconciliation.scope_figures) on the synthetic county
that bench/reports.py seeds (a pay cycle per program and month of 2026, 0.3 % of lines failed at the bank).

    MINZHENG_VAR_DIR=/tmp/bench_reports .venv/bin/python bench/reports.py --households 30000     (seeds, SQLite)
    MINZHENG_VAR_DIR=/tmp/bench_reports .venv/bin/python bench/reconciliation.py

Measured, best of --runs: wall and CPU time of reading every benefit of the county for January–November 2026, the
number of SQL statements (four, whatever the size) and the peak resident memory (the three streams are merged
benefit by benefit, so memory does not grow with the county).
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from datetime import date

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minzheng.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from minzheng.payments import reconciliation  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--region", default="510521")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    best = None
    for _run in range(args.runs):
        wall, cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as queries:
            benefits = differing = lines = 0
            for figures in reconciliation.scope_figures(
                region_code=args.region, first=date(2026, 1, 1), last=date(2026, 11, 1)
            ):
                benefits += 1
                lines += len(figures.months)
                differing += bool(figures.differing)
        took = (time.perf_counter() - wall, time.process_time() - cpu)
        best = took if best is None or took[0] < best[0] else best
    assert best is not None  # noqa: S101 - at least one run
    print(
        f"{connection.vendor}: {benefits:,} benefits ({lines:,} months), {differing:,} with a difference; "
        f"best wall {best[0]:.2f} s, CPU {best[1]:.2f} s, {len(queries.captured_queries)} queries, "
        f"peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MiB, load {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
