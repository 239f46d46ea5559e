"""Benchmark: previewing a standard change over 60,000 live 低保 benefits (issue 6: "in a few seconds").

    MINZHENG_VAR_DIR=$(mktemp -d) .venv/bin/python bench/standard_change.py --benefits 60000
    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE minzheng_bench_standard"
    MINZHENG_DATABASE_URL=postgres://postgres@127.0.0.1:5432/minzheng_bench_standard \
        .venv/bin/python bench/standard_change.py --benefits 60000

Migrates the configured (scratch) database, loads the demo county with enough synthetic households, and gives the
first --benefits households an approved 低保 benefit. The benefits are inserted in bulk (this is a benchmark of the
preview, not of the procedure: each row carries a real decision computed by the rules engine for its household).
Then it times `standard_change_preview` for the county with a new rural standard from the next month — the same
call the 标准调整测算 page makes — and prints rows/s, the direction counts and the machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import time
from datetime import date

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minzheng.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from minzheng.accounts.models import User  # noqa: E402
from minzheng.benefits.services import standard_change_preview  # noqa: E402
from minzheng.cases.models import Application, Benefit, Status  # noqa: E402
from minzheng.demo.households import demo_households_count, demo_households_load  # noqa: E402
from minzheng.demo.services import DEMO_COUNTY, demo_load  # noqa: E402
from minzheng.policy.models import PolicyVersion  # noqa: E402
from minzheng.policy.services import policy_version_create  # noqa: E402
from minzheng.registry.models import Household  # noqa: E402

START = date(2026, 1, 1)
CHANGE = date(2026, 7, 1)


def _seed(benefits: int) -> None:
    if Benefit.objects.filter(program="dibao").count() >= benefits:
        return
    need_households = benefits
    if demo_households_count() < need_households:
        demo_households_load(households=need_households, seed=42)
    clerk = User.objects.get(username="desheng_clerk")
    households = list(
        Household.objects.filter(head__isnull=False)
        .exclude(applications__program="dibao")
        .select_related("head")[: benefits - Benefit.objects.filter(program="dibao").count()]
    )
    decision = {"review_months": 12, "period": "monthly", "facts": {"members": 1}, "lines": []}
    with transaction.atomic():
        apps = Application.objects.bulk_create(
            [
                Application(
                    household=h,
                    region_id=h.region_id,
                    program="dibao",
                    applicant=h.head,
                    subject=h.head,
                    status=Status.APPROVED,
                    filed_by=clerk,
                    filed_on=START,
                    accepted_on=START,
                    decision=decision,
                )
                for h in households
            ],
            batch_size=2000,
        )
        Benefit.objects.bulk_create(
            [
                Benefit(
                    application=a,
                    household_id=a.household_id,
                    region_id=a.region_id,
                    program="dibao",
                    amount=500,
                    decision=decision,
                    first_month=START,
                )
                for a in apps
            ],
            batch_size=2000,
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--benefits", type=int, default=60000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    demo_load()
    t0 = time.perf_counter()
    _seed(args.benefits)
    seeded = time.perf_counter() - t0
    if not PolicyVersion.objects.filter(region_id=DEMO_COUNTY, effective_from=CHANGE).exists():
        policy_version_create(
            actor=None,
            region_code=DEMO_COUNTY,
            effective_from=CHANGE,
            values={"dibao.standard_rural": "620", "dibao.standard_urban": "820"},
            note="bench",
        )
    t1, cpu = time.perf_counter(), time.process_time()
    rows = standard_change_preview(region_code=DEMO_COUNTY, program="dibao", month=CHANGE)
    elapsed, cpu = time.perf_counter() - t1, time.process_time() - cpu
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.direction] = counts.get(row.direction, 0) + 1
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"database: {connection.vendor}; machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs"
    )
    print(f"seeded in {seeded:.1f} s; benefits previewed: {len(rows)}")
    print(
        f"preview: {elapsed:.2f} s = {len(rows) / elapsed:,.0f} benefits/s ({cpu:.2f} CPU-s in this process); "
        f"peak RSS {rss:.0f} MiB; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print("directions:", counts)


if __name__ == "__main__":
    main()
