"""Benchmark: finding people in a 1,000,000-person registry (issue 3, "Speed": median < 100 ms).

    MINZHENG_VAR_DIR=$(mktemp -d) .venv/bin/python bench/registry_search.py
    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE minzheng_bench_search"
    MINZHENG_DATABASE_URL=postgres://postgres@127.0.0.1:5432/minzheng_bench_search .venv/bin/python bench/registry_search.py

Runs migrations on the configured database (use a scratch one), loads the demo county and fills it with synthetic
households up to --households (400,000 households are about 1,000,000 people; a registry already that big is
reused, so a second run only searches). Then it times member_search for --queries realistic queries per user —
pinyin initials ("zsf"), full pinyin and name prefixes, full ID numbers, their last 4 or 6 characters, phone
numbers — as the county user `admin` and as the township clerk `desheng_clerk` (whose queries are about people in
得胜镇). Each query evaluates the first page the way the list page does (list(qs[:20])); --count also times the
paginator's COUNT(*). Prints the median and p95 per query shape and overall, the load time and the machine.
--explain prints the plan of one query of each shape.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from random import Random

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minzheng.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from minzheng.accounts.models import User  # noqa: E402
from minzheng.demo.households import demo_households_count, demo_households_load  # noqa: E402
from minzheng.registry.models import Household, Member  # noqa: E402
from minzheng.registry.selectors import member_search  # noqa: E402

PAGE = 20
SHAPES: tuple[tuple[str, float], ...] = (
    ("initials", 0.25),  # zsf
    ("name_prefix", 0.15),  # 张三
    ("pinyin_prefix", 0.10),  # zhangs
    ("full_id", 0.15),
    ("id_last4", 0.10),
    ("id_last6", 0.10),
    ("phone", 0.15),  # a full mobile number, member's or household's
)


def _query(shape: str, member: Member, rng: Random) -> str:
    if shape == "initials":
        return member.name_initials
    if shape == "name_prefix":
        return member.name[: rng.choice((1, 2, 2, len(member.name)))]
    if shape == "pinyin_prefix":
        return member.name_pinyin[: rng.randint(4, len(member.name_pinyin))]
    if shape == "full_id":
        return member.id_number
    if shape == "id_last4":
        return member.id_number[-4:]
    if shape == "id_last6":
        return member.id_number[-6:]
    return member.phone or member.household.phone or member.id_number[-4:]


def _sample_members(region_prefix: str, count: int, rng: Random) -> list[Member]:
    """Random people of a region, picked by primary key (no ORDER BY random() over a million rows)."""
    scoped = Member.objects.within(region_prefix)
    low = scoped.order_by("pk").values_list("pk", flat=True).first() or 0
    high = scoped.order_by("-pk").values_list("pk", flat=True).first() or 0
    found: dict[int, Member] = {}
    while len(found) < count:
        pks = [rng.randint(low, high) for _i in range(count * 3)]
        for member in scoped.filter(pk__in=pks).select_related("household"):
            found.setdefault(member.pk, member)
    members = sorted(found.values(), key=lambda m: m.pk)
    rng.shuffle(members)
    return members[:count]


def _queries(region_prefix: str, count: int, rng: Random) -> list[tuple[str, str]]:
    members = _sample_members(region_prefix, count, rng)
    shapes = [name for name, _w in SHAPES]
    weights = [w for _n, w in SHAPES]
    result = []
    for member in members:
        shape = rng.choices(shapes, weights)[0]
        if shape == "phone" and not (member.phone or member.household.phone):
            shape = "full_id"
        result.append((shape, _query(shape, member, rng)))
    return result


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return f"median {statistics.median(ordered):7.1f} ms   p95 {p95:7.1f} ms   max {ordered[-1]:7.1f} ms"


def _time(
    user: User, queries: list[tuple[str, str]], *, count: bool
) -> tuple[dict[str, list[float]], dict[str, list[int]]]:
    timings: dict[str, list[float]] = defaultdict(list)
    hits: dict[str, list[int]] = defaultdict(list)
    for shape, text in queries:
        started = time.perf_counter()
        queryset = member_search(user=user, query=text)
        page = list(queryset[:PAGE])
        if count:
            queryset.count()
        elapsed = (time.perf_counter() - started) * 1000
        timings[shape].append(elapsed)
        timings["all"].append(elapsed)
        hits[shape].append(len(page))
    return timings, hits


def _explain(user: User, queries: list[tuple[str, str]]) -> None:
    seen: set[str] = set()
    for shape, text in queries:
        if shape in seen:
            continue
        seen.add(shape)
        print(f"\n--- {shape}: {text!r}")
        print(member_search(user=user, query=text)[:PAGE].explain())


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), cpu)
    except OSError:
        pass
    memory = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as info:
            kib = int(next(line for line in info if line.startswith("MemTotal")).split()[1])
            memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration):
        pass
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        version = cursor.fetchone()[0]
    return (
        f"{platform.node()} {cpu}, {os.cpu_count()} cores{memory}; Python {platform.python_version()}, "
        f"{connection.vendor} {version}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--households", type=int, default=400_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--count", action="store_true", help="also time COUNT(*) for the paginator")
    parser.add_argument("--explain", action="store_true", help="print one query plan per shape")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    call_command("demo", verbosity=0, households=0)
    before = demo_households_count()
    people_before = Member.objects.count()
    started = time.perf_counter()
    last_report = [started]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last_report[0] >= 15 or done == total:
            last_report[0] = now
            print(f"  {done:,} / {total:,} households, {now - started:.0f} s", flush=True)

    report: Callable[[int, int], None] = progress
    created = demo_households_load(households=args.households, seed=args.seed, progress=report)
    load_seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        # Autovacuum would analyse the fresh tables within minutes; do it now so the planner has statistics.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    people = Member.objects.count()
    households = Household.objects.count()

    rng = Random(args.seed)  # noqa: S311 - picks sample queries, nothing secret
    admin = User.objects.get(username="admin")
    clerk = User.objects.get(username="desheng_clerk")
    assert clerk.region_id is not None
    runs: list[tuple[str, User, list[tuple[str, str]]]] = [
        ("county user (admin)", admin, _queries(admin.region_id or "510521", args.queries, rng)),
        ("township clerk (desheng_clerk)", clerk, _queries(clerk.region_id, args.queries, rng)),
    ]
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"machine: {_machine()}")
    print(f"registry: {households:,} households, {people:,} people")
    if created:
        added = people - people_before
        print(
            f"load: {created:,} households, {added:,} people added (had {before:,} households) in "
            f"{load_seconds:.1f} s = {created / load_seconds:,.0f} households/s, {added / load_seconds:,.0f} people/s; "
            f"peak RSS {peak_mib:,.0f} MiB"
        )
    else:
        print(f"load: reused the existing {before:,} demo households")
    for label, user, queries in runs:
        _time(user, queries[: max(1, len(queries) // 10)], count=args.count)  # warm the caches
        timings, hits = _time(user, queries, count=args.count)
        first_page = "first page + count" if args.count else "first page"
        print(f"\n{label}: {len(queries)} queries, {first_page} of {PAGE}")
        for shape, _w in SHAPES:
            if shape in timings:
                found = statistics.mean(hits[shape])
                print(f"  {shape:<14} n={len(timings[shape]):>3}  {_ms(timings[shape])}  rows {found:4.1f}")
        print(f"  {'all':<14} n={len(timings['all']):>3}  {_ms(timings['all'])}")
        if args.explain:
            _explain(user, queries)


if __name__ == "__main__":
    main()
