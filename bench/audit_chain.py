"""Benchmark: appending to and verifying the audit hash chain.

    MINZHENG_VAR_DIR=$(mktemp -d) .venv/bin/python bench/audit_chain.py --events 100000
    MINZHENG_DATABASE_URL=postgres://postgres@127.0.0.1:5432/minzheng_bench .venv/bin/python bench/audit_chain.py

Runs migrations on the configured database (use a scratch one), appends events in batches the way bulk services do
(one chain-head lock per batch) and one at a time the way single edits do, then walks the whole chain.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minzheng.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from minzheng.audit import events  # noqa: E402
from minzheng.audit.services import EventSpec, audit_record, audit_record_many, audit_verify  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--single", type=int, default=2_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("demo", verbosity=0)

    started = time.perf_counter()
    for offset in range(0, args.events, args.batch):
        with transaction.atomic():
            audit_record_many(
                specs=[
                    EventSpec(
                        event_code=events.CALENDAR_DAY_SET,
                        region_code="510521103222",
                        target_type="bench",
                        target_id=str(offset + i),
                        new={"amount": "840.00", "n": offset + i},
                    )
                    for i in range(min(args.batch, args.events - offset))
                ]
            )
    batched = time.perf_counter() - started

    started = time.perf_counter()
    for i in range(args.single):
        with transaction.atomic():
            audit_record(
                event_code=events.CALENDAR_DAY_SET,
                region_code="510521103222",
                target_type="bench1",
                target_id=str(i),
            )
    single = time.perf_counter() - started

    started = time.perf_counter()
    result = audit_verify()
    verify = time.perf_counter() - started
    assert result.ok, result.reason

    print(
        f"machine: {platform.node()} {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, {connection.vendor}"
    )
    print(f"batched append: {args.events} events in {batched:.2f} s = {args.events / batched:,.0f} events/s")
    print(
        f"single append:  {args.single} events in {single:.2f} s = {args.single / single:,.0f} events/s (one transaction each)"
    )
    print(
        f"verify:         {result.checked} events in {verify:.2f} s = {result.checked / verify:,.0f} events/s"
    )


if __name__ == "__main__":
    main()
