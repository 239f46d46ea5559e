"""Benchmark: a monthly 低保 roster of 1,000,000 benefits, and its bank file (issue: payments, "Speed").

    MINZHENG_VAR_DIR=/tmp/bench_roster .venv/bin/python bench/roster.py --benefits 1000000
    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE minzheng_bench_roster"
    MINZHENG_VAR_DIR=$(mktemp -d) MINZHENG_DATABASE_URL=postgres://postgres@127.0.0.1:5432/minzheng_bench_roster \
        .venv/bin/python bench/roster.py --benefits 1000000
    (add --reuse to measure again on the database a previous run populated)

Migrates the configured (scratch) database, loads the demo county (regions, users, policy) and inserts in bulk a
synthetic caseload: N 低保 benefits on N/4 households (a head each, a bank account each but a few missing, shared
or payees who died), one application per benefit, each benefit's history (started; a few % adjusted, some in the
measured month, some stopped). February's roster is generated once (the "previous cycle" the checks compare with),
then 0.5 % more benefits are approved late (first month before March: they get back pay in March).

Then, each in a fresh child process (so the peak resident memory of one step is not the peak of another), best of
--runs runs, the load average before each:
  generate  `services.cycle_generate` of March for the county as its administrator (build, totals and checks), after
            deleting the previous March cycle; the build and the checks are timed apart as well;
  bound     ONE `INSERT … SELECT` of the same regular lines (generation.regular_lines_sql over the whole id range)
            into a scratch cycle, in one transaction;
  naive     one `RosterLine(...).save()` per line for --naive benefits, each amount read through the ORM
            (`benefits.services.amount_for_month`), scaled to N;
  export    `bankfiles.write_file` of March's cycle with the default xlsx template;
  bare      xlsxwriter (constant_memory) writing the same rows from a Python list built before the clock starts.
Goals: generate ≤ 2× bound and ≥ 20× faster than naive; export ≤ 1.2× bare; peaks ≤ 1 GiB (generate) and ≤ 256 MiB
(export). `--results FILE` appends every number as one JSON line.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from random import Random
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minzheng.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Max, Min  # noqa: E402
from django.utils import timezone  # noqa: E402

from minzheng.accounts.models import User  # noqa: E402
from minzheng.benefits.models import BenefitChange, ChangeKind  # noqa: E402
from minzheng.benefits.spans import spans_rebuild  # noqa: E402
from minzheng.cases.models import Application, Benefit, Status  # noqa: E402
from minzheng.core.bulk import Rows  # noqa: E402
from minzheng.demo.services import DEMO_COUNTY, demo_load  # noqa: E402
from minzheng.payments import bankfiles, checks, generation, services  # noqa: E402
from minzheng.payments.models import CycleState, FileFormat, PayCycle, RosterLine  # noqa: E402
from minzheng.regions.models import Level, Region  # noqa: E402
from minzheng.registry.idnumber import check_character  # noqa: E402
from minzheng.registry.models import Household, Member  # noqa: E402
from minzheng.registry.validation import luhn_check_digit  # noqa: E402

PREVIOUS = date(2026, 2, 1)
MONTH = date(2026, 3, 1)
#: scratch cycles for the bound and the naive loop: periods no real cycle uses
BOUND_PERIOD = date(2099, 1, 1)
NAIVE_PERIOD = date(2098, 1, 1)
BENEFITS_PER_HOUSEHOLD = 4
BATCH = 40_000
LATE_SHARE = 0.005
BENCH_NOTE = "bench/roster.py"
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
)
GIVEN = "国建明华平志文军红英秀兰芳玉梅丽静敏强伟勇杰涛斌超刚洪春秋德福贵荣富海波琴霞燕琼淑桂芬云凤小大正永"
BANKS = ("泸县农村商业银行", "中国农业银行泸县支行", "中国邮政储蓄银行泸县支行")


def peak_mib() -> float:
    """The peak resident memory of this process. On Linux, VmHWM: ru_maxrss survives exec, so a child started by a
    parent holding 500 MiB would report at least that."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return (
            rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024
        )  # bytes on macOS, KiB elsewhere
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def cpu_s() -> float:
    """CPU seconds of this process (with SQLite, the database's work too; with PostgreSQL, not the server's)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def add_months(month: date, n: int) -> date:
    return generation.add_months(month, n)


# —— synthetic caseload ————————————————————————————————————————————————————————————————————————————


def _id_number(n: int) -> str:
    """The n-th synthetic resident ID of the demo county: valid and unique (500 order codes a day and sex)."""
    born = date.fromordinal(date(1935, 1, 1).toordinal() + n // 500)
    first17 = f"510521{born:%Y%m%d}{(n % 500) * 2 + 1:03d}"
    return first17 + check_character(first17)


def _name(rng: Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _yuan(rng: Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randrange(low * 100, high * 100)) / 100


def seed(
    start: int,
    stop: int,
    *,
    rng: Random,
    villages: list[str],
    clerk: User,
    late: bool,
    log: Callable[[str], None],
) -> None:
    """Benefits number start … stop-1 (households of BENEFITS_PER_HOUSEHOLD consecutive benefits), in batches."""
    now = timezone.now()
    households, members = Rows(Household, now), Rows(Member, now)
    applications, benefits, changes = Rows(Application, now), Rows(Benefit, now), Rows(BenefitChange, now)
    household_table = connection.ops.quote_name(Household._meta.db_table)
    member_table = connection.ops.quote_name(Member._meta.db_table)
    months = [add_months(date(2018, 1, 1), i) for i in range(98)]  # 2018-01 … 2026-02
    late_months = [add_months(PREVIOUS, -i) for i in range(3)]
    for low in range(start, stop, BATCH):
        high = min(low + BATCH, stop)
        first_h, last_h = low // BENEFITS_PER_HOUSEHOLD, (high - 1) // BENEFITS_PER_HOUSEHOLD
        if late:
            first_h = 10_000_000 + low // BENEFITS_PER_HOUSEHOLD  # the late benefits are new households
            last_h = 10_000_000 + (high - 1) // BENEFITS_PER_HOUSEHOLD
        with transaction.atomic():
            h_rows, m_rows, h_village = [], [], []
            account = ""
            for h in range(first_h, last_h + 1):
                village = rng.choice(villages)
                name = _name(rng)
                if h % 5000 != 1:  # every 5,000th household shares the previous one's account (代领)
                    account = "622848" + f"{h:012d}"
                    account += luhn_check_digit(account)
                h_rows.append(
                    households.row(
                        region=village,
                        address=f"{rng.randrange(1, 12)} 组 {rng.randrange(1, 200)} 号",
                        hukou_type="rural",
                        bank_name=rng.choice(BANKS),
                        account_holder=name,
                        account_number="" if h % 2000 == 7 else account,  # a few accounts never registered
                        note=BENCH_NOTE,
                    )
                )
                h_village.append((village, name, h))
            h_ids = households.insert(h_rows, returning=True)
            for h_id, (village, name, h) in zip(h_ids, h_village, strict=True):
                id_number = _id_number(h)
                m_rows.append(
                    members.row(
                        household=h_id,
                        region=village,
                        name=name,
                        id_number=id_number,
                        id_last4=id_number[-4:],
                        id_last6=id_number[-6:],
                        birth_date=date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14])),
                        sex="male",
                        relation="head",
                        date_of_death=date(2025, 6, 1) if h % 10_000 == 3 else None,  # a payee who died
                    )
                )
            m_ids = members.insert(m_rows, returning=True)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {household_table} SET head_id = (SELECT m.id FROM {member_table} m "  # noqa: S608 - identifiers from model metadata
                    f"WHERE m.household_id = {household_table}.id) WHERE id >= %s AND id <= %s",
                    [min(h_ids), max(h_ids)],
                )
            a_rows, plans = [], []
            for n in range(low, high):
                h = (10_000_000 if late else 0) + n // BENEFITS_PER_HOUSEHOLD
                index = h - first_h
                village = h_village[index][0]
                first_month = rng.choice(late_months if late else months)
                amount = _yuan(rng, 80, 900)
                a_rows.append(
                    applications.row(
                        household=h_ids[index],
                        region=village,
                        program="dibao",
                        applicant=m_ids[index],
                        subject=m_ids[index],
                        status=Status.APPROVED,
                        filed_by=clerk.pk,
                        filed_on=add_months(first_month, -1),
                        accepted_on=add_months(first_month, -1),
                        decided_on=add_months(first_month, -1),
                        approved_amount=amount,
                    )
                )
                plans.append((h_ids[index], village, first_month, amount))
            a_ids = applications.insert(a_rows, returning=True)
            b_rows, histories = [], []
            for a_id, (h_id, village, first_month, amount) in zip(a_ids, plans, strict=True):
                history = [(ChangeKind.STARTED, first_month, None, amount)]
                draw = rng.random()
                current, state = amount, Benefit.State.ACTIVE
                if draw < 0.03:  # adjusted in the measured month (the checks flag moves over 20 %)
                    current = (amount * Decimal(rng.randrange(70, 130)) / 100).quantize(Decimal("0.01"))
                    history.append((ChangeKind.ADJUSTED, MONTH, amount, current))
                elif draw < 0.06 and first_month < PREVIOUS:  # adjusted some month before
                    current = (amount * Decimal(rng.randrange(80, 120)) / 100).quantize(Decimal("0.01"))
                    when = rng.choice([m for m in months if m > first_month] or [PREVIOUS])
                    history.append((ChangeKind.ADJUSTED, when, amount, current))
                elif draw < 0.08:  # stopped, some in the measured month
                    when = rng.choice([m for m in months if m > first_month] + [MONTH])
                    history.append((ChangeKind.STOPPED, when, amount, Decimal("0.00")))
                    current, state = Decimal("0.00"), Benefit.State.STOPPED
                b_rows.append(
                    benefits.row(
                        application=a_id,
                        household=h_id,
                        region=village,
                        program="dibao",
                        amount=current,
                        period="monthly",
                        members_covered=rng.randrange(1, 5),
                        decision={},
                        first_month=first_month,
                        state=state,
                    )
                )
                histories.append((village, history))
            b_ids = benefits.insert(b_rows, returning=True)
            c_rows = [
                changes.row(
                    benefit=b_id,
                    region=village,
                    kind=kind,
                    effective_month=month,
                    old_amount=old,
                    new_amount=new,
                    reason=BENCH_NOTE,
                )
                for b_id, (village, history) in zip(b_ids, histories, strict=True)
                for kind, month, old, new in history
            ]
            changes.insert(c_rows)
        log(f"  seeded benefits {high:,}/{stop:,}")
    # The history went in directly: rebuild the spans the app keeps beside it (reports and the dashboard read them).
    log(f"  benefit spans rebuilt: {spans_rebuild():,}")


def _delete_lines(cycle_ids: list[int]) -> None:
    """Raw DELETE of cycles' lines (outside any timing): the ORM would first read 1,000,000 ids."""
    if not cycle_ids:
        return
    table = connection.ops.quote_name(RosterLine._meta.db_table)
    marks = ", ".join(["%s"] * len(cycle_ids))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE cycle_id IN ({marks})", cycle_ids)  # noqa: S608 - identifiers from model metadata
        PayCycle.objects.filter(pk__in=cycle_ids).delete()


def _scratch_cycle(period: date) -> PayCycle:
    _delete_lines(list(PayCycle.objects.filter(period_start=period).values_list("pk", flat=True)))
    return PayCycle.objects.create(
        region_id=DEMO_COUNTY, programs="dibao", period_start=period, state=CycleState.BUILDING
    )


# —— the measurements, each run in a child process ——————————————————————————————————————————————————


def child_generate(args: argparse.Namespace) -> dict[str, Any]:
    actor = User.objects.get(username="admin")
    timings: dict[str, float] = {}

    def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*a: Any, **kw: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*a, **kw)
            finally:
                timings[name] = timings.get(name, 0.0) + time.perf_counter() - started
                timings[f"peak_after_{name}_mib"] = peak_mib()  # VmHWM only grows: the peak up to this step

        return wrapper

    # services calls `generation.build`, `generation.cycle_totals` and `checks.run_checks` through their modules
    generation.build = timed("build", generation.build)  # type: ignore[method-assign]
    generation.cycle_totals = timed("totals", generation.cycle_totals)  # type: ignore[method-assign]
    checks.run_checks = timed("checks", checks.run_checks)  # type: ignore[method-assign]
    gc.collect()
    started, cpu = time.perf_counter(), cpu_s()
    try:
        cycle = services.cycle_generate(
            actor=actor, region_code=DEMO_COUNTY, programs=["dibao"], period_start=MONTH
        )
    except Exception as exc:  # noqa: BLE001 - reported with the timings of the steps that did finish
        return {
            "seconds": None,
            "error": f"{type(exc).__name__}: {str(exc)[:200]}",
            **{(k if k.startswith("peak") else f"{k}_s"): v for k, v in timings.items()},
            "peak_mib": peak_mib(),
        }
    elapsed, cpu_used = time.perf_counter() - started, cpu_s() - cpu
    kinds: dict[str, int] = {}
    for problem in cycle.checks["problems"]:
        kinds[problem["kind"]] = kinds.get(problem["kind"], 0) + 1
    arrears = RosterLine.objects.filter(cycle=cycle, arrears_amount__gt=0).count()
    return {
        "seconds": elapsed,
        "cpu_s": cpu_used,
        **{(k if k.startswith("peak") else f"{k}_s"): v for k, v in timings.items()},
        "lines": cycle.line_count,
        "total": str(cycle.total),
        "blocking": cycle.checks["blocking"],
        "problems": kinds,
        "lines_with_arrears": arrears,
        "peak_mib": peak_mib(),
    }


def child_bound(args: argparse.Namespace) -> dict[str, Any]:
    scratch = _scratch_cycle(BOUND_PERIOD)
    bounds = Benefit.objects.aggregate(low=Min("pk"), high=Max("pk"))
    plan = generation.Plan(
        cycle_id=scratch.pk,
        region=DEMO_COUNTY,
        programs=("dibao",),
        period_start=MONTH,
        months=1,
        arrears_window=add_months(MONTH, -12),
        arrears_floor=None,
        recovery_deduction=False,
    )
    sql, params = generation.regular_lines_sql(plan)
    params = [
        bounds["low"] if p == "__LOW__" else bounds["high"] + 1 if p == "__HIGH__" else p for p in params
    ]
    gc.collect()
    started, cpu = time.perf_counter(), cpu_s()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL jit = off")  # as generation.build_chunk runs it
        cursor.execute(sql, params)
    elapsed, cpu_used = time.perf_counter() - started, cpu_s() - cpu
    lines = RosterLine.objects.filter(cycle=scratch).count()
    _delete_lines([scratch.pk])
    return {"seconds": elapsed, "cpu_s": cpu_used, "lines": lines, "peak_mib": peak_mib()}


def child_naive(args: argparse.Namespace) -> dict[str, Any]:
    from minzheng.benefits.services import amount_for_month

    scratch = _scratch_cycle(NAIVE_PERIOD)
    gc.collect()
    started, cpu = time.perf_counter(), cpu_s()
    written = 0
    with transaction.atomic():
        query = (
            Benefit.objects.filter(
                region__code__startswith=DEMO_COUNTY, program="dibao", first_month__lte=MONTH
            )
            .select_related("household__head", "member")
            .order_by("pk")[: args.naive]
        )
        for benefit in query:
            amount = amount_for_month(benefit, MONTH)
            if amount <= 0:
                continue
            household = benefit.household
            payee = benefit.member or household.head
            change = BenefitChange.objects.filter(benefit=benefit, effective_month__lte=MONTH).last()
            RosterLine(
                cycle=scratch,
                benefit=benefit,
                change=change,
                household=household,
                region_id=benefit.region_id,
                program=benefit.program,
                payee_name=payee.name if payee else "",
                payee_id_number=payee.id_number if payee else "",
                bank_name=household.bank_name,
                account_holder=household.account_holder,
                account_number=household.account_number,
                members_covered=benefit.members_covered,
                months_from=MONTH,
                months_to=MONTH,
                regular_amount=amount,
                amount=amount,
            ).save()
            written += 1
    elapsed, cpu_used = time.perf_counter() - started, cpu_s() - cpu
    _delete_lines([scratch.pk])
    return {
        "seconds": elapsed,
        "cpu_s": cpu_used,
        "benefits": args.naive,
        "lines": written,
        "peak_mib": peak_mib(),
    }


def _march() -> PayCycle:
    """March's cycle, or February's when March's generation failed (the export is measured either way)."""
    cycles = PayCycle.objects.filter(
        region_id=DEMO_COUNTY, programs="dibao", period_start__in=[PREVIOUS, MONTH]
    )
    found = cycles.exclude(state=CycleState.BUILDING).order_by("-period_start").first()
    return found or cycles.get(period_start=PREVIOUS)


def _xlsx_template() -> Any:
    return next(t for t in bankfiles.templates_for(DEMO_COUNTY) if t.file_format == FileFormat.XLSX)


def child_export(args: argparse.Namespace) -> dict[str, Any]:
    cycle, template = _march(), _xlsx_template()
    target = Path(args.out)
    gc.collect()
    started, cpu = time.perf_counter(), cpu_s()
    control = bankfiles.write_file(cycle, template, target)
    elapsed, cpu_used = time.perf_counter() - started, cpu_s() - cpu
    size = target.stat().st_size / (1024 * 1024)
    target.unlink()
    return {
        "seconds": elapsed,
        "cpu_s": cpu_used,
        "rows": control.count,
        "total": str(control.total),
        "file_mib": size,
        "peak_mib": peak_mib(),
    }


def child_bare(args: argparse.Namespace) -> dict[str, Any]:
    """xlsxwriter alone writing the same cells from a ready list: the floor an export cannot go under."""
    import xlsxwriter

    cycle, template = _march(), _xlsx_template()
    columns = [list(c) for c in template.columns]
    rows = [values for values, _amount in bankfiles._rows(cycle, columns)]
    amount_index = next(i for i, (key, _h) in enumerate(columns) if key == "amount")
    for values in rows:
        values[amount_index] = float(values[amount_index])
    total = sum(row[amount_index] for row in rows)
    target = Path(args.out)
    gc.collect()
    started, cpu = time.perf_counter(), cpu_s()
    book = xlsxwriter.Workbook(str(target), {"constant_memory": True, "in_memory": False})
    sheet = book.add_worksheet("发放明细")
    money = book.add_format({"num_format": "0.00"})
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, [h for _k, h in columns], bold)
    for i, (key, _h) in enumerate(columns):
        wide = key in ("payee_id_number", "account_number", "bank_name", "remark", "village")
        sheet.set_column(i, i, 22 if wide else 10, money if i == amount_index else None)
    write_row = sheet.write_row
    for number, values in enumerate(rows, start=1):
        write_row(number, 0, values)
    sheet.write_string(len(rows) + 1, 0, f"合计 {len(rows)} 笔", bold)
    sheet.write_number(len(rows) + 1, amount_index, total, money)
    book.close()
    elapsed, cpu_used = time.perf_counter() - started, cpu_s() - cpu
    target.unlink()
    return {"seconds": elapsed, "cpu_s": cpu_used, "rows": len(rows), "peak_mib_with_list": peak_mib()}


CHILDREN: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
    "generate": child_generate,
    "bound": child_bound,
    "naive": child_naive,
    "export": child_export,
    "bare": child_bare,
}


def run_child(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    load = os.getloadavg()
    out = Path(settings.VAR_DIR) / f"bench-roster-{kind}.xlsx"
    command = [sys.executable, __file__, "--child", kind, "--naive", str(args.naive), "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - our own script
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"child {kind} failed")
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    result: dict[str, Any] = json.loads(line[len("RESULT ") :])
    result["load_before"] = [round(x, 2) for x in load]
    return result


# —— the parent ——————————————————————————————————————————————————————————————————————————————————————


def prepare(args: argparse.Namespace, log: Callable[[str], None]) -> dict[str, Any]:
    call_command("migrate", verbosity=0)
    demo_load()
    have = Benefit.objects.filter(program="dibao").count()
    previous = PayCycle.objects.filter(region_id=DEMO_COUNTY, programs="dibao", period_start=PREVIOUS).first()
    if args.reuse:
        if have != args.benefits or previous is None or previous.state != CycleState.DRAFT:
            raise SystemExit(f"--reuse: the database holds {have:,} benefits, not a seeded {args.benefits:,}")
        return {"reused": True}
    if have:
        raise SystemExit(
            f"the database already holds {have:,} benefits: pass --reuse, or use a fresh database"
        )
    rng = Random(args.seed)  # noqa: S311 - synthetic data, reproducible on purpose
    villages = sorted(
        Region.objects.filter(level=Level.VILLAGE, code__startswith=DEMO_COUNTY).values_list(
            "code", flat=True
        )
    )
    clerk = User.objects.get(username="admin")
    late = int(args.benefits * LATE_SHARE)
    started = time.perf_counter()
    seed(0, args.benefits - late, rng=rng, villages=villages, clerk=clerk, late=False, log=log)
    seeded = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    log("  generating February (the previous cycle)")
    started = time.perf_counter()
    february = services.cycle_generate(
        actor=clerk, region_code=DEMO_COUNTY, programs=["dibao"], period_start=PREVIOUS
    )
    first_cycle = time.perf_counter() - started
    seed(args.benefits - late, args.benefits, rng=rng, villages=villages, clerk=clerk, late=True, log=log)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "reused": False,
        "seed_s": round(seeded, 1),
        "february_s": round(first_cycle, 1),
        "february_lines": february.line_count,
        "late_benefits": late,
    }


def best(results: list[dict[str, Any]]) -> dict[str, Any]:
    finished = [r for r in results if r["seconds"] is not None]
    return min(finished, key=lambda r: r["seconds"]) if finished else results[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--benefits", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true", help="measure on a database a previous run seeded")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--naive", type=int, default=10_000, help="benefits in the one-save-per-line loop")
    parser.add_argument("--seed", type=int, default=20260301)
    parser.add_argument("--only", help="comma-separated subset of: " + ",".join(CHILDREN))
    parser.add_argument("--results", type=Path, help="append the numbers as one JSON line to this file")
    parser.add_argument("--child", choices=list(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print("RESULT " + json.dumps(CHILDREN[args.child](args), default=str))
        return

    def log(text: str) -> None:
        print(text, flush=True)

    machine = (
        f"{platform.node()} {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    log(f"machine: {machine}; database: {connection.vendor}; load average {os.getloadavg()}")
    setup = prepare(args, log)
    log(f"setup: {setup}")
    connection.close()  # the children open their own
    wanted = args.only.split(",") if args.only else ["generate", "bound", "naive", "export", "bare"]
    results: dict[str, list[dict[str, Any]]] = {}
    for run in range(args.runs):
        for kind in wanted:
            if kind == "generate":
                _delete_lines(
                    list(
                        PayCycle.objects.filter(
                            region_id=DEMO_COUNTY, programs="dibao", period_start=MONTH
                        ).values_list("pk", flat=True)
                    )
                )
                connection.close()
            result = run_child(kind, args)
            log(f"run {run + 1} {kind}: {json.dumps(result, default=str, ensure_ascii=False)}")
            results.setdefault(kind, []).append(result)

    summary: dict[str, Any] = {
        "database": connection.vendor,
        "benefits": args.benefits,
        "machine": machine,
        "setup": setup,
        "best": {kind: best(runs) for kind, runs in results.items()},
        "runs": results,
    }
    b = summary["best"]
    log("")
    ok = {kind: r for kind, r in b.items() if r["seconds"] is not None}
    for kind, r in b.items():
        if r["seconds"] is None:
            log(f"{kind}: FAILED {r.get('error')} (steps done: {r})")
    if "generate" in ok:
        g = ok["generate"]
        log(
            f"generate: {g['seconds']:.1f} s, CPU {g['cpu_s']:.1f} s (build {g.get('build_s', 0):.1f} s, totals"
            f" {g.get('totals_s', 0):.1f} s, checks {g.get('checks_s', 0):.1f} s), {g['lines']:,} lines,"
            f" peak {g['peak_mib']:.0f} MiB"
        )
    if "bound" in ok:
        log(f"bound (one INSERT … SELECT): {ok['bound']['seconds']:.1f} s, {ok['bound']['lines']:,} lines")
    if "naive" in ok:
        n = ok["naive"]
        n["scaled_s"] = n["seconds"] * args.benefits / n["benefits"]
        log(f"naive: {n['seconds']:.1f} s for {n['benefits']:,} benefits, scaled to {n['scaled_s']:,.0f} s")
    if "export" in ok:
        e = ok["export"]
        log(
            f"export: {e['seconds']:.1f} s, CPU {e['cpu_s']:.1f} s, {e['rows']:,} rows, {e['file_mib']:.0f} MiB,"
            f" peak {e['peak_mib']:.0f} MiB"
        )
    if "bare" in ok:
        log(f"bare xlsxwriter: {ok['bare']['seconds']:.1f} s, CPU {ok['bare']['cpu_s']:.1f} s")
    if "generate" in ok and "bound" in ok:
        log(f"generate / bound = {ok['generate']['seconds'] / ok['bound']['seconds']:.2f} (goal ≤ 2)")
        build = ok["generate"].get("build_s", 0)
        log(f"build alone / bound = {build / ok['bound']['seconds']:.2f}")
    if "generate" in ok and "naive" in ok:
        log(f"naive / generate = {ok['naive']['scaled_s'] / ok['generate']['seconds']:.1f} (goal ≥ 20)")
    if "export" in ok and "bare" in ok:
        log(f"export / bare = {ok['export']['seconds'] / ok['bare']['seconds']:.2f} (goal ≤ 1.2)")
    if args.results:
        with args.results.open("a", encoding="utf-8") as out:
            out.write(json.dumps(summary, ensure_ascii=False, default=str) + "\n")


if __name__ == "__main__":
    main()
