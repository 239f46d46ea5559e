"""Benchmark: every quarterly report form and the dashboard for a county of 1,000,000 people (issue 8, "Speed").

    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE minzheng_bench_reports"
    MINZHENG_VAR_DIR=$(mktemp -d) MINZHENG_DATABASE_URL=postgres://postgres@127.0.0.1:5432/minzheng_bench_reports \
        .venv/bin/python bench/reports.py --households 330000
    MINZHENG_VAR_DIR=/tmp/bench_reports .venv/bin/python bench/reports.py --households 30000     (SQLite)
    (add --reuse to measure again on the database a previous run populated)

Migrates the configured (scratch) database, loads the demo county and inserts in bulk a synthetic county: N households
(城镇 about a third) of 1–6 people (about 3.07 on average: 330,000 households ≈ 1,010,000 people) spread over the
demo county's villages, with an age pyramid, disabilities, serious illnesses, veterans and deaths; and on them the
caseload as the app stores it (an approved application per benefit, the benefit, its history of changes):
  低保        about 6.5 % of households (rural more often), some adjusted, some stopped, some entering in 2026;
  特困        about 4.5 % of people over 60 outside 低保 households: support form (home / institutional) in the
              application's request_data and the decision's facts, the self-care level in the facts and in the six
              self-care fields of the person;
  高龄津贴    every living person of 80 and over, from the month after the 80th birthday (or 2018), a change of band
              at 90 and 100;
  残疾人两项补贴  护理补贴 for grades 1–2, 生活补贴 for disabled people in 低保 households;
  优抚        people with a veteran category;
  临时救助    one-off cases in 2025–2026 (急难型 / 支出型 in the request and the facts);
then a pay cycle per program and month of 2026 (January–October closed, November approved, December a draft) with
a roster line per benefit paying that month (0.3 % failed at the bank), and a few thousand open applications with
deadlines (some overdue).

Measured, warm (one run first, then best of --runs), wall time and this process's CPU time: `definitions.compute`
of every form in FORMS at run time for the county and 2026Q4, and `dashboard_data` for the county administrator
on 2026-12-15. Every SQL statement is timed on the way; the slowest are run again under EXPLAIN ANALYZE (PostgreSQL)
or EXPLAIN QUERY PLAN (SQLite). `--values FILE` writes every number computed (forms and dashboard) so two runs can be
compared for exact equality; `--results FILE` appends the timings as one JSON line.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from random import Random
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minzheng.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from minzheng.accounts.models import User  # noqa: E402
from minzheng.benefits.models import BenefitChange, ChangeKind  # noqa: E402
from minzheng.benefits.spans import spans_rebuild  # noqa: E402
from minzheng.cases.models import OPEN_STATUSES, Application, Benefit, Status  # noqa: E402
from minzheng.core.bulk import Rows  # noqa: E402
from minzheng.core.months import add_months  # noqa: E402
from minzheng.demo.services import DEMO_COUNTY, demo_load  # noqa: E402
from minzheng.payments.models import CycleState, PayCycle, PaymentStatus, RosterLine  # noqa: E402
from minzheng.regions.models import Level, Region  # noqa: E402
from minzheng.registry.idnumber import check_character  # noqa: E402
from minzheng.registry.models import DisabilityCategory, Household, Member, VeteranCategory  # noqa: E402
from minzheng.reports.dashboard import dashboard_data  # noqa: E402
from minzheng.reports.definitions import FORMS, compute  # noqa: E402
from minzheng.reports.indicators import without_jit  # noqa: E402
from minzheng.reports.periods import parse_period  # noqa: E402

PERIOD = "2026Q4"
TODAY = date(2026, 12, 15)
YEAR_MONTHS = [date(2026, m, 1) for m in range(1, 13)]
HISTORY = [add_months(date(2018, 1, 1), i) for i in range(108)]  # 2018-01 … 2026-12
BATCH = 20_000  # households per transaction
BENCH_NOTE = "bench/reports.py"
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
)
GIVEN = "国建明华平志文军红英秀兰芳玉梅丽静敏强伟勇杰涛斌超刚洪春秋德福贵荣富海波琴霞燕琼淑桂芬云凤小大正永"
SIZES, SIZE_WEIGHTS = (1, 2, 3, 4, 5, 6), (15, 25, 22, 20, 12, 6)
#: weight of each age 0 … 104 (an ageing rural county: about 22 % over 60, 3.5 % over 80)
AGE_WEIGHTS = [1.0] * 18 + [1.25] * 42 + [1.1] * 20 + [0.33] * 10 + [0.06] * 10 + [0.01] * 5
RELATIONS = ("spouse", "son", "daughter", "parent", "grandchild", "daughter_in_law")
DISABILITIES = [c for c in DisabilityCategory.values if c]
VETERANS = [c for c in VeteranCategory.values if c and c != "serving"]
PAID = ("dibao", "tekun", "elderly_allowance", "disability_living", "disability_nursing", "veterans")
OPEN = sorted(OPEN_STATUSES)


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# —— synthetic county ————————————————————————————————————————————————————————————————————————————————


class People:
    """Unique, valid ID numbers of the demo county: an order code counter per birth date."""

    def __init__(self) -> None:
        self.per_day: dict[date, int] = defaultdict(int)

    def id_number(self, born: date) -> str:
        n = self.per_day[born]
        self.per_day[born] = n + 1
        first17 = f"510521{born:%Y%m%d}{(n % 500) * 2 + 1:03d}"
        return first17 + check_character(first17)


def _birth(rng: Random, *, adult: bool) -> date:
    ages = range(18 if adult else 0, len(AGE_WEIGHTS))
    age = rng.choices(ages, weights=AGE_WEIGHTS[ages.start :])[0]
    return TODAY - timedelta(days=age * 365 + rng.randrange(365))


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _birthday_month_after(born: date, years: int) -> date:
    """The month after the one of the ``years``-th birthday (GL-04: a band applies from the next month)."""
    return add_months(date(born.year + years, born.month, 1), 1)


def _name(rng: Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _yuan(rng: Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randrange(low * 100, high * 100)) / 100


class Plan:
    """One benefit to write: its application, the benefit and its history (kind, month, old, new)."""

    __slots__ = (
        "benefit_id",
        "decision",
        "first_month",
        "history",
        "household",
        "member",
        "members_covered",
        "period",
        "program",
        "request",
    )

    def __init__(self, program: str, household: int, member: int | None, first_month: date) -> None:
        self.program, self.household, self.member, self.first_month = program, household, member, first_month
        self.members_covered = 1
        self.period = "monthly"
        self.history: list[tuple[str, date, Decimal | None, Decimal]] = []
        self.request: dict[str, Any] = {}
        self.decision: dict[str, Any] = {}
        self.benefit_id = 0

    def start(self, amount: Decimal) -> None:
        self.history.append((ChangeKind.STARTED, self.first_month, None, amount))

    def change(self, month: date, new: Decimal) -> None:
        old = self.history[-1][3]
        kind = ChangeKind.STOPPED if new == 0 else ChangeKind.ADJUSTED
        self.history.append((kind, month, old, new))

    @property
    def current(self) -> Decimal:
        return self.history[-1][3]

    def amount_in(self, month: date) -> Decimal:
        if month < self.first_month:
            return Decimal("0.00")
        found = Decimal("0.00")
        for _kind, when, _old, new in self.history:
            if when <= month:
                found = new
        return found


def _later(rng: Random, after: date) -> date | None:
    choices = [m for m in HISTORY if m > after]
    return rng.choice(choices) if choices else None


def _history(rng: Random, plan: Plan, amount: Decimal, *, adjust: float, stop: float) -> None:
    plan.start(amount)
    draw = rng.random()
    if draw < adjust and (when := _later(rng, plan.first_month)):
        plan.change(when, (amount * Decimal(rng.randrange(80, 125)) / 100).quantize(Decimal("0.01")))
    elif draw < adjust + stop and (when := _later(rng, plan.first_month)):
        plan.change(when, Decimal("0.00"))


def _plans_for_household(
    rng: Random, hid: int, people: list[tuple[int, date, dict[str, Any]]], hukou: str
) -> list[Plan]:
    """The benefits of one household (people: member id, birth date, the member's row values)."""
    plans: list[Plan] = []
    alive = [(mid, born, v) for mid, born, v in people if v["date_of_death"] is None]
    dibao = rng.random() < (0.08 if hukou == "rural" else 0.04) and bool(alive)
    if dibao:
        plan = Plan("dibao", hid, None, rng.choice(HISTORY))
        plan.members_covered = len(alive)
        amount = sum((_yuan(rng, 250, 600) for _m in alive), Decimal("0.00"))
        plan.decision = {"program": "dibao", "facts": {"members": len(alive)}, "amount": str(amount)}
        _history(rng, plan, amount, adjust=0.06, stop=0.06)
        plans.append(plan)
    for mid, born, values in alive:
        age = _age(born, TODAY)
        if not dibao and age >= 60 and rng.random() < 0.045:
            form = "institutional" if rng.random() < 0.2 else "home"
            level = rng.choices(("self", "half", "full"), weights=(65, 22, 13))[0]
            failed = {"self": 0, "half": 2, "full": 5}[level]
            for i, field in enumerate(Member.SELF_CARE_FIELDS):
                values[field] = i >= failed
            plan = Plan("tekun", hid, mid, rng.choice(HISTORY))
            care = {"self": 0, "half": 200, "full": 500}[level]
            amount = _yuan(rng, 900, 1000) + care + (300 if form == "institutional" else 0)
            plan.request = {"support_form": form}
            plan.decision = {
                "program": "tekun",
                "facts": {"support_form": form, "self_care_level": level, "members": 1},
                "amount": str(amount),
            }
            _history(rng, plan, amount, adjust=0.05, stop=0.03)
            plans.append(plan)
        if age >= 80:
            plan = Plan("elderly_allowance", hid, mid, max(HISTORY[0], _birthday_month_after(born, 80)))
            bands = [(80, Decimal("50.00")), (90, Decimal("100.00")), (100, Decimal("300.00"))]
            band = max(b for b in bands if b[0] <= _age(born, plan.first_month))
            plan.decision = {"program": "elderly_allowance", "facts": {"band": f"{band[0]}+"}}
            plan.start(band[1])
            for years, amount in bands:
                when = _birthday_month_after(born, years)
                if years > band[0] and plan.first_month < when <= HISTORY[-1]:
                    plan.change(when, amount)
            plans.append(plan)
        grade = values["disability_grade"]
        if grade is not None and (grade <= 2 or dibao):
            program = "disability_nursing" if grade <= 2 else "disability_living"
            plan = Plan(program, hid, mid, rng.choice(HISTORY))
            amount = Decimal("90.00") if grade <= 2 else Decimal("70.00")
            plan.decision = {"program": program, "facts": {"grade": grade}}
            _history(rng, plan, amount, adjust=0.0, stop=0.04)
            plans.append(plan)
        if values["veteran_category"] and age >= 40:
            plan = Plan("veterans", hid, mid, rng.choice(HISTORY))
            plan.decision = {"program": "veterans", "facts": {"veteran_category": values["veteran_category"]}}
            _history(rng, plan, _yuan(rng, 400, 2500), adjust=0.3, stop=0.02)
            plans.append(plan)
    if alive and rng.random() < 0.012:  # 临时救助: one-off, 2025–2026
        kind = "emergency" if rng.random() < 0.6 else "expenditure"
        plan = Plan("temporary", hid, None, rng.choice(HISTORY[-24:]))
        plan.period = "one_off"
        plan.members_covered = len(alive)
        plan.request = {"kind": kind}
        plan.decision = {"program": "temporary", "period": "one_off", "facts": {"kind": kind}}
        plan.start(_yuan(rng, 500, 5000))
        plans.append(plan)
    return plans


def seed(
    households: int, *, rng: Random, villages: list[str], clerk: User, log: Callable[[str], None]
) -> dict[str, int]:
    now = timezone.now()
    h_rows_of, m_rows_of = Rows(Household, now), Rows(Member, now)
    a_rows_of, b_rows_of = Rows(Application, now), Rows(Benefit, now)
    c_rows_of, l_rows_of = Rows(BenefitChange, now), Rows(RosterLine, now)
    household_table = connection.ops.quote_name(Household._meta.db_table)
    member_table = connection.ops.quote_name(Member._meta.db_table)
    people = People()
    cycles: dict[tuple[str, date], int] = {}
    for program in (*PAID, "temporary"):
        for month in YEAR_MONTHS:
            state = (
                CycleState.CLOSED
                if month < date(2026, 11, 1)
                else CycleState.APPROVED
                if month < TODAY.replace(day=1)
                else CycleState.DRAFT
            )
            cycles[program, month] = PayCycle.objects.create(
                region_id=DEMO_COUNTY, programs=program, period_start=month, state=state
            ).pk
    counts: dict[str, int] = defaultdict(int)
    for low in range(0, households, BATCH):
        high = min(low + BATCH, households)
        with transaction.atomic():
            h_rows, spec = [], []
            for _h in range(low, high):
                village = rng.choice(villages)
                hukou = "urban" if rng.random() < 0.35 else "rural"
                name = _name(rng)
                account = f"6228480{rng.randrange(10**11, 10**12)}"
                h_rows.append(
                    h_rows_of.row(
                        region=village,
                        address=f"{rng.randrange(1, 12)} 组 {rng.randrange(1, 200)} 号",
                        hukou_type=hukou,
                        bank_name="泸县农村商业银行",
                        account_holder=name,
                        account_number=account,
                        note=BENCH_NOTE,
                    )
                )
                spec.append((village, hukou, name, rng.choices(SIZES, weights=SIZE_WEIGHTS)[0]))
            h_ids = h_rows_of.insert(h_rows, returning=True)
            m_values: list[dict[str, Any]] = []
            m_house: list[int] = []
            for h_id, (village, _hukou, name, size) in zip(h_ids, spec, strict=True):
                for i in range(size):
                    born = _birth(rng, adult=i == 0)
                    id_number = people.id_number(born)
                    disabled = rng.random() < 0.06
                    m_values.append(
                        {
                            "household": h_id,
                            "region": village,
                            "name": name if i == 0 else _name(rng),
                            "id_number": id_number,
                            "id_last4": id_number[-4:],
                            "id_last6": id_number[-6:],
                            "birth_date": born,
                            "sex": "male" if int(id_number[16]) % 2 else "female",
                            "relation": "head" if i == 0 else rng.choice(RELATIONS),
                            "disability_category": rng.choice(DISABILITIES) if disabled else "",
                            "disability_grade": rng.choice((1, 2, 3, 3, 4, 4)) if disabled else None,
                            "serious_illness": "尿毒症" if rng.random() < 0.01 else "",
                            "veteran_category": rng.choice(VETERANS) if rng.random() < 0.005 else "",
                            "date_of_death": date(2025, rng.randrange(1, 13), 1)
                            if rng.random() < 0.005
                            else None,
                        }
                    )
                    m_house.append(h_id)
            # the plans (which set the self-care fields of 特困 people) before the members are written
            by_house: dict[int, list[int]] = defaultdict(list)
            for index, h_id in enumerate(m_house):
                by_house[h_id].append(index)
            plans: list[Plan] = []
            heads: dict[int, int] = {}
            for h_id, (_village, hukou, _n, _size) in zip(h_ids, spec, strict=True):
                indexes = by_house[h_id]
                heads[h_id] = indexes[0]
                folk = [(i, m_values[i]["birth_date"], m_values[i]) for i in indexes]
                plans += _plans_for_household(rng, h_id, folk, hukou)
            m_ids = m_rows_of.insert([m_rows_of.row(**v) for v in m_values], returning=True)
            counts["members"] += len(m_ids)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {household_table} SET head_id = (SELECT m.id FROM {member_table} m "  # noqa: S608 - identifiers from model metadata
                    f"WHERE m.household_id = {household_table}.id AND m.relation = 'head') "
                    "WHERE id >= %s AND id <= %s",
                    [min(h_ids), max(h_ids)],
                )
            region_of = {h_id: village for h_id, (village, *_rest) in zip(h_ids, spec, strict=True)}
            a_rows = []
            for plan in plans:
                head = m_ids[heads[plan.household]]
                subject = m_ids[plan.member] if plan.member is not None else head
                filed = add_months(plan.first_month, -1)
                a_rows.append(
                    a_rows_of.row(
                        household=plan.household,
                        region=region_of[plan.household],
                        program=plan.program,
                        applicant=head,
                        subject=subject,
                        status=Status.APPROVED,
                        request_data=plan.request,
                        filed_by=clerk.pk,
                        filed_on=filed,
                        accepted_on=filed,
                        reviewed_on=filed,
                        decided_on=filed + timedelta(days=20),
                        decision=plan.decision,
                        approved_amount=plan.history[0][3],
                        first_payment_month=plan.first_month,
                    )
                )
            a_ids = a_rows_of.insert(a_rows, returning=True)
            b_rows = []
            for a_id, plan in zip(a_ids, plans, strict=True):
                due = add_months(plan.first_month, 12 * (1 + (TODAY.year - plan.first_month.year)))
                b_rows.append(
                    b_rows_of.row(
                        application=a_id,
                        household=plan.household,
                        member=m_ids[plan.member] if plan.member is not None else None,
                        region=region_of[plan.household],
                        program=plan.program,
                        amount=plan.current,
                        period=plan.period,
                        members_covered=plan.members_covered,
                        decision=plan.decision,
                        first_month=plan.first_month,
                        review_due=due - timedelta(days=1) if plan.program in ("dibao", "tekun") else None,
                        state=Benefit.State.STOPPED if plan.current == 0 else Benefit.State.ACTIVE,
                    )
                )
                counts[plan.program] += 1
            b_ids = b_rows_of.insert(b_rows, returning=True)
            c_rows = []
            for b_id, plan in zip(b_ids, plans, strict=True):
                plan.benefit_id = b_id
                for kind, month, old, new in plan.history:
                    c_rows.append(
                        c_rows_of.row(
                            benefit=b_id,
                            region=region_of[plan.household],
                            kind=kind,
                            effective_month=month,
                            old_amount=old,
                            new_amount=new,
                            reason=BENCH_NOTE,
                        )
                    )
            c_rows_of.insert(c_rows)
            counts["changes"] += len(c_rows)
            l_rows = []
            for plan in plans:
                months = [plan.first_month] if plan.period == "one_off" else YEAR_MONTHS
                for month in months:
                    if month not in YEAR_MONTHS:
                        continue
                    amount = plan.amount_in(month) if plan.period == "monthly" else plan.history[0][3]
                    if amount <= 0:
                        continue
                    payee = m_values[plan.member if plan.member is not None else heads[plan.household]]
                    failed = rng.random() < 0.003
                    l_rows.append(
                        l_rows_of.row(
                            cycle=cycles[plan.program, month],
                            benefit=plan.benefit_id,
                            household=plan.household,
                            region=region_of[plan.household],
                            program=plan.program,
                            payee_name=payee["name"],
                            payee_id_number=payee["id_number"],
                            bank_name="泸县农村商业银行",
                            account_holder=payee["name"],
                            account_number="6228480000000000000",
                            members_covered=plan.members_covered,
                            months_from=month,
                            months_to=month,
                            regular_amount=amount,
                            amount=amount,
                            status=PaymentStatus.FAILED
                            if failed
                            else PaymentStatus.PAID
                            if month < date(2026, 11, 1)
                            else PaymentStatus.PENDING,
                            failure_reason="账户已销户" if failed else "",
                        )
                    )
            l_rows_of.insert(l_rows)
            counts["roster_lines"] += len(l_rows)
            # open applications with deadlines: about 1 in 80 households
            o_rows = []
            for h_id in h_ids:
                if rng.random() < 1 / 80:
                    filed = TODAY - timedelta(days=rng.randrange(1, 60))
                    o_rows.append(
                        a_rows_of.row(
                            household=h_id,
                            region=region_of[h_id],
                            program=rng.choice(("dibao", "dibao", "tekun", "temporary", "elderly_allowance")),
                            applicant=m_ids[heads[h_id]],
                            subject=m_ids[heads[h_id]],
                            status=rng.choice(OPEN),
                            filed_by=clerk.pk,
                            filed_on=filed,
                            next_due=TODAY + timedelta(days=rng.randrange(-20, 40)),
                        )
                    )
            a_rows_of.insert(o_rows)
            counts["open_applications"] += len(o_rows)
        counts["households"] += len(h_ids)
        log(f"  seeded households {high:,}/{households:,} ({counts['members']:,} people)")
    line_table = connection.ops.quote_name(RosterLine._meta.db_table)
    cycle_table = connection.ops.quote_name(PayCycle._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {cycle_table} SET line_count = (SELECT COUNT(*) FROM {line_table} l "  # noqa: S608 - identifiers from model metadata
            f"WHERE l.cycle_id = {cycle_table}.id), total = COALESCE((SELECT SUM(l.amount) FROM {line_table} l "
            f"WHERE l.cycle_id = {cycle_table}.id), 0)"
        )
    return dict(counts)


# —— measuring ——————————————————————————————————————————————————————————————————————————————————————


class QueryTimer:
    """Every SQL statement with its wall time (an execute wrapper), to find the slowest."""

    def __init__(self) -> None:
        self.seen: list[tuple[float, str, Any]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seen.append((time.perf_counter() - started, sql, params))


@contextmanager
def timed_queries() -> Iterator[QueryTimer]:
    timer = QueryTimer()
    with connection.execute_wrapper(timer):
        yield timer


def server_cpu_s() -> float | None:
    """CPU seconds of this connection's PostgreSQL backend (when the server runs on this machine): less noisy than
    wall time on a shared machine. Parallel workers' CPU is not in it."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(name: str, work: Callable[[], Any], runs: int) -> dict[str, Any]:
    work()  # warm: caches of the database and of Django's translations
    best: dict[str, Any] | None = None
    for _run in range(runs):
        load = os.getloadavg()[0]
        server = server_cpu_s()
        with timed_queries() as timer:
            started, cpu = time.perf_counter(), cpu_s()
            work()
            elapsed, used = time.perf_counter() - started, cpu_s() - cpu
        server_after = server_cpu_s()
        result = {
            "seconds": round(elapsed, 4),
            "cpu_s": round(used, 4),
            "server_cpu_s": None
            if server is None or server_after is None
            else round(server_after - server, 3),
            "queries": len(timer.seen),
            "sql_s": round(sum(t for t, _s, _p in timer.seen), 4),
            "load1": round(load, 2),
            "slowest": sorted(timer.seen, key=lambda q: -q[0])[:3],
        }
        if best is None or result["seconds"] < best["seconds"]:
            best = result
    assert best is not None  # noqa: S101 - runs >= 1
    return best


def explain(sql: str, params: Any) -> str:
    with without_jit(), connection.cursor() as cursor:  # as the reports run their statements
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(" ".join(str(x) for x in row) for row in cursor.fetchall())


def values_of(admin: User) -> dict[str, Any]:
    """Every number the forms and the dashboard show: two runs compare equal when these do."""
    period = parse_period(PERIOD)
    out: dict[str, Any] = {code: compute(form, DEMO_COUNTY, period).as_json() for code, form in FORMS.items()}
    out["dashboard"] = dashboard_data(admin, today=TODAY)
    return json.loads(json.dumps(out, default=str, ensure_ascii=False))


def prepare(args: argparse.Namespace, log: Callable[[str], None]) -> dict[str, Any]:
    call_command("migrate", verbosity=0)
    demo_load()
    have = Household.objects.filter(note=BENCH_NOTE).count()
    if args.reuse:
        if have != args.households:
            raise SystemExit(
                f"--reuse: the database holds {have:,} bench households, not {args.households:,}"
            )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        return {"reused": True}
    if Household.objects.exists() or Benefit.objects.exists():
        raise SystemExit("the database already holds households: pass --reuse, or use a fresh database")
    rng = Random(args.seed)  # noqa: S311 - synthetic data, reproducible on purpose
    villages = sorted(
        Region.objects.filter(level=Level.VILLAGE, code__startswith=DEMO_COUNTY).values_list(
            "code", flat=True
        )
    )
    started = time.perf_counter()
    counts = seed(
        args.households, rng=rng, villages=villages, clerk=User.objects.get(username="admin"), log=log
    )
    # the history was written directly (not through the services): the spans the dashboard reads, from it
    counts["spans"] = spans_rebuild()
    seeded = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return {"reused": False, "seed_s": round(seeded, 1), **counts}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=330_000)
    parser.add_argument("--reuse", action="store_true", help="measure on a database a previous run seeded")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261215)
    parser.add_argument("--explain", type=int, default=3, help="EXPLAIN the N slowest statements")
    parser.add_argument("--values", type=Path, help="write every computed number to this JSON file")
    parser.add_argument("--results", type=Path, help="append the timings as one JSON line to this file")
    args = parser.parse_args()

    def log(text: str) -> None:
        print(text, flush=True)

    machine = (
        f"{platform.node()} {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    log(f"machine: {machine}; database: {connection.vendor}; load average {os.getloadavg()}")
    setup = prepare(args, log)
    log(f"setup: {setup}")
    log(
        f"people {Member.objects.count():,}, households {Household.objects.count():,},"
        f" benefits {Benefit.objects.count():,}, changes {BenefitChange.objects.count():,},"
        f" roster lines {RosterLine.objects.count():,}, applications {Application.objects.count():,}"
    )
    admin = User.objects.get(username="admin")
    period = parse_period(PERIOD)
    results: dict[str, dict[str, Any]] = {}
    for code, form in FORMS.items():
        results[f"form {code}"] = measure(
            code, lambda form=form: compute(form, DEMO_COUNTY, period), args.runs
        )
    results["dashboard"] = measure("dashboard", lambda: dashboard_data(admin, today=TODAY), args.runs)
    slowest: list[tuple[float, str, str, Any]] = []
    log("")
    log(
        f"{'what':<24} {'best s':>8} {'CPU s':>7} {'server CPU s':>12} {'queries':>8} {'SQL s':>7} {'load':>5}"
    )
    for name, r in results.items():
        server = "—" if r["server_cpu_s"] is None else f"{r['server_cpu_s']:.2f}"
        log(
            f"{name:<24} {r['seconds']:>8.3f} {r['cpu_s']:>7.3f} {server:>12} {r['queries']:>8} {r['sql_s']:>7.3f}"
            f" {r['load1']:>5}"
        )
        slowest += [(t, name, sql, params) for t, sql, params in r.pop("slowest")]
    forms_total = sum(r["seconds"] for name, r in results.items() if name.startswith("form "))
    log(f"{'all forms':<24} {forms_total:>8.3f}")
    slowest.sort(key=lambda q: -q[0])
    for t, name, sql, params in slowest[: args.explain]:
        log("")
        log(f"—— {name}: {t * 1000:.0f} ms ——")
        log(sql[:2000])
        log(explain(sql, params))
    if args.values:
        digest = values_of(admin)
        text = json.dumps(digest, ensure_ascii=False, indent=1, sort_keys=True)
        args.values.write_text(text, encoding="utf-8")
        log(f"values: {args.values} sha256 {hashlib.sha256(text.encode()).hexdigest()[:16]}")
    if args.results:
        with args.results.open("a", encoding="utf-8") as out:
            out.write(
                json.dumps(
                    {"database": connection.vendor, "machine": machine, "setup": setup, "best": results},
                    ensure_ascii=False,
                    default=str,
                )
                + "\n"
            )


if __name__ == "__main__":
    main()
