"""Benchmark: importing the household registry from .xlsx with full validation (issue 3, "Speed").

    MINZHENG_VAR_DIR=$(mktemp -d) .venv/bin/python bench/registry_import.py --households 20000
    MINZHENG_DATABASE_URL=postgres://postgres@127.0.0.1:5432/minzheng_bench_import .venv/bin/python bench/registry_import.py

Runs migrations and loads the demo county on the configured database (use a scratch one), writes an .xlsx of N
synthetic households (about 3 members each; valid, unique IDs of the demo county; a fixed random seed) and imports
it as the demo county administrator (`admin`): first a dry run (read and validate every row, query the database for
duplicates), then the real all-or-nothing import, then times an export of the whole county. Prints households per
second and the peak resident memory of the process (ru_maxrss) at the end of the import; `--results FILE` appends the
numbers as one JSON line. Targets: >= 5,000 households/s and a peak <= 1 GiB for 100,000 households.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from random import Random

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minzheng.settings")

import django  # noqa: E402

django.setup()

import xlsxwriter  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from minzheng.accounts.models import User  # noqa: E402
from minzheng.regions.models import Level, Region  # noqa: E402
from minzheng.registry.excel import COLUMNS, importing, registry_export, registry_import  # noqa: E402
from minzheng.registry.idnumber import check_character  # noqa: E402
from minzheng.registry.models import Household, Member  # noqa: E402

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
)
GIVEN = "国建明华平志文军红英秀兰芳玉梅丽静敏强伟勇杰涛斌超刚洪春秋德福贵荣富海波琴霞燕琼淑桂芬云凤小大正永"
BANKS = ("泸县农村商业银行", "中国农业银行泸县支行", "中国邮政储蓄银行泸县支行")
DISABILITY = ("视力", "听力", "肢体", "智力", "精神")
REFERENCE = date(2025, 12, 31)


def _luhn_complete(body: str) -> str:
    """`body` plus the digit that makes it pass the UnionPay (Luhn) check."""
    from minzheng.registry.validation import luhn_check_digit

    return body + luhn_check_digit(body)


class People:
    """Unique, valid resident IDs of the demo county, with names, drawn from one seeded generator."""

    def __init__(self, rng: Random, taken: set[str]) -> None:
        self.rng = rng
        self.used = set(taken)

    def id_number(self, birth: date, *, male: bool) -> str:
        for attempt in range(10_000):
            # One day has 500 order codes per sex; if a day is crowded, move to the day before.
            day = birth - timedelta(days=attempt // 50)
            order = self.rng.randrange(0, 500) * 2 + (1 if male else 0)
            first17 = f"510521{day:%Y%m%d}{order:03d}"
            number = first17 + check_character(first17)
            if number not in self.used:
                self.used.add(number)
                return number
        raise RuntimeError(f"no free ID number near {birth}")

    def name(self, surname: str) -> str:
        given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
        return surname + given

    def birth(self, low: int, high: int) -> date:
        return REFERENCE - timedelta(days=self.rng.randrange(low * 365, high * 365))


def generate(path: Path, *, households: int, seed: int, villages: list[str], taken: set[str]) -> int:
    """Write the workbook; return the number of member rows."""
    rng = Random(seed)  # noqa: S311 - synthetic data, reproducible on purpose
    people = People(rng, taken)
    headers = [str(c.header) for c in COLUMNS]
    position = {c.key: i for i, c in enumerate(COLUMNS)}
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, headers)
    row = 0
    for number in range(1, households + 1):
        village = rng.choice(villages)
        surname = rng.choice(SURNAMES)
        head_male = rng.random() < 0.8
        household = {
            "household_key": str(number),
            "region_code": village,
            "address": f"{rng.randrange(1, 12)} 组 {rng.randrange(1, 200)} 号",
            "hukou_type": "农村" if rng.random() < 0.85 else "城镇",
            "phone": f"1{rng.randrange(3, 9)}{rng.randrange(10**8, 10**9)}",
        }
        if rng.random() < 0.9:
            household["bank_name"] = rng.choice(BANKS)
            household["account_holder"] = "户主"
            household["account_number"] = _luhn_complete(f"622848{rng.randrange(10**11, 10**12)}")
        head_birth = people.birth(30, 85)
        members = [(people.name(surname), people.id_number(head_birth, male=head_male), "户主", {})]
        size = rng.choices((1, 2, 3, 4, 5), weights=(10, 25, 30, 25, 10))[0]
        if size >= 2:
            spouse_birth = head_birth + timedelta(days=rng.randrange(-1500, 1500))
            if spouse_birth > REFERENCE - timedelta(days=18 * 365):
                spouse_birth = people.birth(18, 30)
            members.append(
                (
                    people.name(rng.choice(SURNAMES)),
                    people.id_number(spouse_birth, male=not head_male),
                    "配偶",
                    {},
                )
            )
        for _child in range(size - 2):
            child_birth = head_birth + timedelta(days=rng.randrange(20 * 365, 35 * 365))
            if child_birth > REFERENCE:
                child_birth = people.birth(0, 18)
            male = rng.random() < 0.5
            extra: dict[str, str] = {}
            if rng.random() < 0.3:
                extra["away_for_work"] = "是"
            members.append(
                (
                    people.name(surname),
                    people.id_number(child_birth, male=male),
                    "子" if male else "女",
                    extra,
                )
            )
        for index, (name, id_number, relation, extra) in enumerate(members):
            row += 1
            values = dict(household) if index == 0 else {"household_key": str(number), "region_code": village}
            values |= {"name": name, "id_number": id_number, "relation": relation, **extra}
            if rng.random() < 0.06:
                values["disability_category"] = rng.choice(DISABILITY)
                values["disability_grade"] = str(rng.randrange(1, 5))
            for key, value in values.items():
                sheet.write_string(row, position[key], value)
    workbook.close()
    return row


def cpu_s() -> float:
    """CPU seconds of this process: unlike wall time, not stretched by other work on a shared machine. With SQLite
    it covers the database work too; with PostgreSQL the server's share is not in it."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_mib() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024  # bytes on macOS, KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--keep", type=Path, help="keep the generated workbook at this path")
    parser.add_argument("--results", type=Path, help="append the numbers as one JSON line to this file")
    parser.add_argument("--no-dry-run", action="store_true", help="skip the validation-only pass")
    parser.add_argument(
        "--keep-indexes",
        action="store_true",
        help="keep the search indexes up row by row, as an import into a registry that already holds more people does",
    )
    args = parser.parse_args()
    if args.keep_indexes:
        importing.REBUILD_MIN_ROWS = sys.maxsize
    call_command("migrate", verbosity=0)
    call_command("demo", verbosity=0)
    actor = User.objects.get(username="admin")
    villages = sorted(
        Region.objects.filter(level=Level.VILLAGE, code__startswith="510521").values_list("code", flat=True)
    )
    taken = set(Member.objects.values_list("id_number", flat=True))
    before = Household.objects.count()

    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "registry.xlsx"
        started = time.perf_counter()
        members = generate(path, households=args.households, seed=args.seed, villages=villages, taken=taken)
        generated = time.perf_counter() - started
        size_mib = path.stat().st_size / (1024 * 1024)
        del taken
        peak_before = peak_mib()

        dry = dry_cpu = None
        if not args.no_dry_run:
            started, cpu = time.perf_counter(), cpu_s()
            report = registry_import(actor=actor, source=path.read_bytes(), filename=path.name, dry_run=True)
            dry, dry_cpu = time.perf_counter() - started, cpu_s() - cpu
            assert report.ok, report.errors[:5]

        load = os.getloadavg()[0]
        started, cpu = time.perf_counter(), cpu_s()
        report = registry_import(actor=actor, source=path.read_bytes(), filename=path.name, dry_run=False)
        imported, imported_cpu = time.perf_counter() - started, cpu_s() - cpu
        assert report.imported, report.errors[:5]
        assert Household.objects.count() == before + args.households
        peak = peak_mib()

        started = time.perf_counter()
        exported = registry_export(user=actor, out=Path(tmp) / "export.xlsx")
        export_s = time.perf_counter() - started

    results = {
        "database": connection.vendor,
        "households": args.households,
        "members": members,
        "file_mib": round(size_mib, 1),
        "generate_s": round(generated, 2),
        "dry_run_s": round(dry, 2) if dry is not None else None,
        "dry_run_households_per_s": round(args.households / dry) if dry else None,
        "import_s": round(imported, 2),
        "import_households_per_s": round(args.households / imported),
        "dry_run_cpu_s": round(dry_cpu, 2) if dry_cpu is not None else None,
        "import_cpu_s": round(imported_cpu, 2),
        "import_households_per_cpu_s": round(args.households / imported_cpu),
        "load_average_before_import": round(load, 2),
        "search_indexes": "kept up" if args.keep_indexes else "rebuilt",
        "warnings": report.warning_count,
        "peak_rss_mib_before_import": round(peak_before),
        "peak_rss_mib": round(peak),
        "export_households": exported,
        "export_s": round(export_s, 2),
        "machine": f"{platform.node()} {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
    }
    print(f"machine: {results['machine']}, {connection.vendor}, search indexes {results['search_indexes']}")
    print(
        f"workbook: {args.households} households, {members} members, {size_mib:.1f} MiB (written in {generated:.1f} s)"
    )
    if dry is not None and dry_cpu is not None:
        print(
            f"dry run (validate only): {dry:.2f} s = {args.households / dry:,.0f} households/s"
            f" (CPU of this process {dry_cpu:.2f} s)"
        )
    print(
        f"import (validate + write): {imported:.2f} s = {args.households / imported:,.0f} households/s"
        f" (CPU of this process {imported_cpu:.2f} s = {args.households / imported_cpu:,.0f} households/CPU-s;"
        f" load average {load:.2f} on {os.cpu_count()} cores)"
    )
    print(f"peak RSS: {peak:,.0f} MiB (before importing: {peak_before:,.0f} MiB)")
    print(f"export (whole county, constant memory): {exported} households in {export_s:.2f} s")
    if args.results:
        with args.results.open("a", encoding="utf-8") as out:
            out.write(json.dumps(results, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
