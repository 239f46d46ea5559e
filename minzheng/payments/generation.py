"""Building a cycle's roster inside the database, a chunk of benefits at a time.

The regular lines are one `INSERT … SELECT` per chunk: the amount of each month is the benefit's history in force
that month (the latest `BenefitChange` dated on or before it; a stop is a change to 0), so taper months, band
changes, standard changes and stops need no special case here. What is rare and needs months counted one by one —
back pay for late approvals, reissues of failed lines, deductions of recoveries — is added to the chunk's lines
afterwards, in Python, for the few benefits concerned.

Each chunk is its own transaction, so the page can show progress; the cycle stays in the state `building` (never
listed as a roster, never approvable) until the last chunk is in. A build killed half-way leaves a `building`
cycle whose lines the next build deletes before it starts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, cast

from django.db import connection, transaction
from django.db.models import Count, Field, Sum
from django.utils.translation import gettext as _

from minzheng.benefits.amounts import amount_in
from minzheng.benefits.models import BenefitChange, Recovery
from minzheng.cases.models import PERIOD_MONTHS, Benefit, Period
from minzheng.core.money import ZERO, round_money
from minzheng.core.months import add_months, months_between
from minzheng.core.scope import code_range
from minzheng.payments.models import PayCycle, PaymentStatus, Reissue, RosterLine
from minzheng.registry.models import Household, Member
from minzheng.rules.programs import PROGRAMS

#: benefits per transaction: big enough that the statement dominates, small enough for a live progress bar
CHUNK = 50_000


region_range = code_range  # the cycle region's codes (core.scope.code_range)


@dataclass(frozen=True)
class Plan:
    """What one build needs to know, fixed at its start."""

    cycle_id: int
    region: str
    programs: tuple[str, ...]
    period_start: date
    months: int
    #: the policy's limit: back pay reaches no further back than this month (a benefit that started earlier still
    #: gets the months inside it)
    arrears_window: date
    #: back pay reaches no further back than this month: the window, and the first cycle ever generated for these
    #: programs here (months before it were paid outside the system); None for that first cycle: no back pay
    arrears_floor: date | None
    recovery_deduction: bool

    @property
    def period_end(self) -> date:
        return add_months(self.period_start, self.months - 1)


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _in_force_sql(column: str) -> str:
    """A column of the benefit's change in force in a month (the latest dated on or before it): a correlated scalar
    subquery, one probe of the (benefit, effective_month) index per benefit."""
    change = _table(BenefitChange)
    return (
        f"(SELECT c.{column} FROM {change} c WHERE c.benefit_id = b.id AND c.effective_month <= %s "  # noqa: S608 - identifiers from model metadata
        "ORDER BY c.effective_month DESC, c.id DESC LIMIT 1)"
    )


def _materialized() -> str:
    """The CTE hint that computes each line once (PostgreSQL 12+, SQLite 3.35+); without it both databases may
    inline the CTE and look each amount up again for every place it is used."""
    if connection.vendor == "sqlite":
        import sqlite3

        return "MATERIALIZED" if sqlite3.sqlite_version_info >= (3, 35, 0) else ""
    return "MATERIALIZED" if connection.vendor == "postgresql" else ""


def _month_index(column: str) -> str:
    """year × 12 + month of a date column, as an integer (the months between two dates is a difference of these)."""
    if connection.vendor == "sqlite":
        return (
            f"(CAST(strftime('%%Y', {column}) AS INTEGER) * 12 + CAST(strftime('%%m', {column}) AS INTEGER))"
        )
    return (
        f"(CAST(EXTRACT(YEAR FROM {column}) AS INTEGER) * 12 + CAST(EXTRACT(MONTH FROM {column}) AS INTEGER))"
    )


def month_index(month: date) -> int:
    return month.year * 12 + month.month


def is_due(period: str, first_month: date, month: date) -> bool:
    """Whether a recurring benefit pays in ``month``: every month, or every 3 or 12 months from its first month."""
    every = PERIOD_MONTHS.get(period)
    return (
        every is not None
        and month >= first_month
        and (month_index(month) - month_index(first_month)) % every == 0
    )


def regular_lines_sql(plan: Plan) -> tuple[str, list[Any]]:
    """The INSERT … SELECT of one chunk's regular lines (two placeholders left for the benefit id range).

    The change in force is looked up with scalar subqueries, not joined: a join on `change.id = (subquery)` made
    PostgreSQL hash the whole change table for every chunk (a million rows twenty times over).

    A monthly benefit pays each month's amount; a quarterly or yearly one pays its amount (the period's) in the
    months 3 or 12 apart from its first month that fall in the cycle (``is_due``); a one-off grant pays once."""
    benefit, household, member, line = (_table(m) for m in (Benefit, Household, Member, RosterLine))
    months = months_between(plan.period_start, plan.period_end)
    in_force = _in_force_sql("new_amount")
    monthly_sum = " + ".join(f"COALESCE({in_force}, 0)" for _month in months)
    every = f"CASE b.period WHEN '{Period.QUARTERLY}' THEN 3 ELSE 12 END"
    periodic_sum = " + ".join(
        f"CASE WHEN (%s - {_month_index('b.first_month')}) %% ({every}) = 0 THEN COALESCE({in_force}, 0) ELSE 0 END"
        for _month in months
    )
    amount = (
        f"CASE WHEN b.period = '{Period.MONTHLY}' THEN {monthly_sum} "
        f"WHEN b.period IN ('{Period.QUARTERLY}', '{Period.YEARLY}') THEN {periodic_sum} ELSE b.amount END"
    )
    amount_params = [*months, *[p for m in months for p in (month_index(m), m)]]
    low, high = region_range(plan.region)
    program_marks = ", ".join(["%s"] * len(plan.programs))
    sql = f"""
        WITH lines AS {_materialized()} (
            SELECT b.id AS benefit_id, {_in_force_sql("id")} AS change_id, h.id AS household_id,
                b.region_id AS region_id, b.program AS program,
                COALESCE(pm.name, hm.name, '') AS payee_name, COALESCE(pm.id_number, hm.id_number, '') AS payee_id,
                h.bank_name AS bank_name, h.account_holder AS account_holder, h.account_number AS account_number,
                b.members_covered AS members_covered, {amount} AS regular
            FROM {benefit} b
            JOIN {household} h ON h.id = b.household_id
            LEFT JOIN {member} hm ON hm.id = h.head_id
            LEFT JOIN {member} pm ON pm.id = b.member_id AND b.program NOT IN ({_FOR_THE_DECEASED})
                AND NOT (b.period = 'one_off' AND pm.date_of_death IS NOT NULL)
            WHERE b.id >= %s AND b.id < %s AND b.region_id >= %s AND b.region_id < %s
              AND b.program IN ({program_marks}) AND b.first_month <= %s
              AND (b.period <> 'one_off' OR (
                  b.first_month >= %s
                  AND NOT EXISTS (SELECT 1 FROM {line} o WHERE o.benefit_id = b.id AND o.cycle_id <> %s)
              ))
        )
        INSERT INTO {line} (
            cycle_id, benefit_id, change_id, household_id, region_id, program, payee_name, payee_id_number,
            bank_name, account_holder, account_number, members_covered, months_from, months_to,
            regular_amount, arrears_amount, reissue_amount, deduction_amount, amount, note, status, reissue,
            failure_reason
        )
        SELECT %s, benefit_id, change_id, household_id, region_id, program, payee_name, payee_id,
            bank_name, account_holder, account_number, members_covered, %s, %s,
            regular, 0, 0, 0, regular, '', 'pending', '', ''
        FROM lines
        WHERE regular > 0
    """  # noqa: S608 - identifiers from model metadata, every value a parameter
    # a one-off grant is paid once: in the first cycle that reaches its month (a grant approved after its month's
    # roster was made goes into the next one), never in two; grants from before the first cycle were paid by hand
    one_off_from = plan.arrears_floor or plan.period_start
    where_tail = [low, high, *plan.programs, plan.period_end, one_off_from, plan.cycle_id]
    # placeholders in order: the change id's month, each month's amount, the chunk's id range, the filters, then
    # the INSERT's cycle and months
    return sql, [
        plan.period_end,
        *amount_params,
        "__LOW__",
        "__HIGH__",
        *where_tail,
        plan.cycle_id,
        plan.period_start,
        plan.period_end,
    ]


#: a funeral grant names the deceased but is paid to the household (its head, the account holder), as literals:
#: program codes are identifiers from the code, never user input; a one-off grant whose person has died (优抚
#: 丧葬补助) too — the SQL twin of Benefit.for_the_deceased
_FOR_THE_DECEASED = ", ".join(f"'{code}'" for code, p in PROGRAMS.items() if p.for_the_deceased) or "''"


def build_chunk(plan: Plan, low: int, high: int, outstanding: dict[int, list[list[Any]]]) -> None:
    """Insert one chunk's lines and complete the few that get back pay, a reissue or a deduction (caller's
    transaction). ``outstanding`` is what households still owe (household → [[recovery id, amount], …]); the
    deductions made here are taken off it."""
    sql, params = regular_lines_sql(plan)
    params = [low if p == "__LOW__" else high if p == "__HIGH__" else p for p in params]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # the statement's estimated cost (a subquery per benefit) crosses the JIT thresholds, and compiling
            # it again for every chunk costs more than it saves
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
    arrears = _arrears_due(plan, low, high)
    reissues = _reissues_due(plan, low, high)
    benefit_ids = set(arrears) | {old.benefit_id for old in reissues}
    owing = [h for h, owed in outstanding.items() if owed] if plan.recovery_deduction else []
    query = RosterLine.objects.filter(cycle_id=plan.cycle_id, benefit_id__gte=low, benefit_id__lt=high)
    lines = {line.benefit_id: line for line in query.filter(benefit_id__in=benefit_ids)}
    if owing:
        lines.update({line.benefit_id: line for line in query.filter(household_id__in=owing)})
    touched: set[int] = set()
    for benefit, paid in arrears.values():
        line = _line_for(plan, benefit, lines)
        line.arrears_amount = sum((a for _m, a in paid), ZERO)
        line.months_from = min(m for m, _a in paid)
        if benefit.period == Period.MONTHLY:
            text = _("补发 %(from)s 至 %(to)s 共 %(n)s 个月：%(detail)s") % {
                "from": f"{paid[0][0]:%Y-%m}",
                "to": f"{paid[-1][0]:%Y-%m}",
                "n": len(paid),
                "detail": " + ".join(str(a) for _m, a in paid),
            }
        else:  # a quarter's or a year's amount, due in the months named
            text = _("补发 %(months)s 应发的%(period)s金额：%(detail)s") % {
                "months": "、".join(f"{m:%Y-%m}" for m, _a in paid),
                "period": Period(benefit.period).label,
                "detail": " + ".join(str(a) for _m, a in paid),
            }
        _append_note(line, text)
        touched.add(benefit.pk)
    for old in reissues:
        line = _line_for(plan, old.benefit, lines)
        line.reissue_amount += old.amount
        _append_note(
            line,
            _("重发 %(period)s 退票 %(amount)s 元(%(reason)s)")
            % {
                "period": f"{old.cycle.period_start:%Y-%m}",
                "amount": old.amount,
                "reason": old.failure_reason or _("原因未注明"),
            },
        )
        touched.add(old.benefit_id)
    if reissues:
        RosterLine.objects.filter(pk__in=[old.pk for old in reissues]).update(reissued_in_id=plan.cycle_id)
    if owing:
        touched |= _deduct(lines, outstanding)
    for benefit_id in touched:
        line = lines[benefit_id]
        line.amount = line.regular_amount + line.arrears_amount + line.reissue_amount - line.deduction_amount
    if touched:
        _save_completed([lines[b] for b in touched])


#: what completing a line changes (back pay, reissue, deduction)
COMPLETED_FIELDS = (
    "months_from",
    "arrears_amount",
    "reissue_amount",
    "deduction_amount",
    "amount",
    "note",
    "recovery",
)


def _save_completed(lines: list[RosterLine]) -> None:
    """One prepared UPDATE per line. Not bulk_update: its CASE WHEN id = … per column is evaluated branch by branch
    for every row, so its cost grows with the square of the batch (≈ 4 ms a line on SQLite for 500 late
    approvals)."""
    fields = [cast("Field[Any, Any]", RosterLine._meta.get_field(name)) for name in COMPLETED_FIELDS]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = f"UPDATE {_table(RosterLine)} SET {assignments} WHERE id = %s"  # noqa: S608 - identifiers from model metadata
    params = [
        [f.get_db_prep_save(getattr(line, f.attname), connection) for f in fields] + [line.pk]
        for line in lines
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _line_for(plan: Plan, benefit: Benefit, lines: dict[int, RosterLine]) -> RosterLine:
    """The benefit's line in this cycle, created (with nothing regular to pay) when only back pay or a reissue is
    due. The payee and account are read now, like the regular lines'."""
    line = lines.get(benefit.pk)
    if line is not None:
        return line
    household = benefit.household
    payee = (None if benefit.for_the_deceased else benefit.member) or household.head
    last_change = BenefitChange.objects.filter(benefit=benefit).order_by("-effective_month", "-pk").first()
    line = RosterLine.objects.create(
        cycle_id=plan.cycle_id,
        benefit=benefit,
        change=last_change,
        household=household,
        region_id=benefit.region_id,
        program=benefit.program,
        payee_name=payee.name if payee else "",
        payee_id_number=payee.id_number if payee else "",
        bank_name=household.bank_name,
        account_holder=household.account_holder,
        account_number=household.account_number,
        members_covered=benefit.members_covered,
        months_from=plan.period_start,
        months_to=plan.period_end,
        regular_amount=ZERO,
        amount=ZERO,
    )
    lines[benefit.pk] = line
    return line


def _append_note(line: RosterLine, text: str) -> None:
    line.note = f"{line.note}；{text}" if line.note else text


def _amounts_by_month(benefit_ids: list[int], last: date) -> dict[int, list[tuple[date, Decimal]]]:
    history: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for benefit_id, month, amount in (
        BenefitChange.objects.filter(benefit_id__in=benefit_ids, effective_month__lte=last)
        .order_by("benefit_id", "effective_month", "pk")
        .values_list("benefit_id", "effective_month", "new_amount")
    ):
        history[benefit_id].append((month, amount if amount is not None else ZERO))
    return history


def _arrears_candidates(plan: Plan, floor: date, low: int, high: int) -> list[int]:
    """The chunk's recurring benefits that may be owed back pay: asked in the database, one statement, so only the
    few are read, not the whole caseload (a county's benefits, chunk after chunk).

    A monthly benefit is a candidate when the months its other lines cover within the window (their
    ``months_from``..``months_to``, back pay included) are fewer than the months from its first (or the window's
    first) month to the month before this cycle — or to the month before its stop when it is stopped. A quarterly or
    yearly benefit's lines cover only its due months on a monthly roster, so every one with an amount in the window
    is read (few: 优待金 families) and its due months counted in Python."""
    benefit, change, line, cycle = (_table(m) for m in (Benefit, BenefitChange, RosterLine, PayCycle))
    prev = add_months(plan.period_start, -1)
    # month indexes computed here are integers, written into the statement; every date and code is a parameter
    floor_index, prev_index = month_index(floor), month_index(prev)
    first_index = _month_index("b.first_month")
    start = f"(CASE WHEN {first_index} > {floor_index} THEN {first_index} ELSE {floor_index} END)"
    latest = (
        f"FROM {change} c WHERE c.benefit_id = b.id AND c.effective_month <= %s "
        "ORDER BY c.effective_month DESC, c.id DESC LIMIT 1"
    )
    # the last month with an amount: the month before this cycle, or the month before a stop (a change to 0)
    end = (
        f"(CASE WHEN COALESCE((SELECT c.new_amount {latest}), 0) > 0 THEN {prev_index} "
        f"ELSE (SELECT {_month_index('c.effective_month')} {latest}) - 1 END)"
    )
    line_from, line_to = _month_index("l.months_from"), _month_index("l.months_to")
    covered = f"""COALESCE((
        SELECT SUM((CASE WHEN {line_to} < {prev_index} THEN {line_to} ELSE {prev_index} END)
            - (CASE WHEN {line_from} > {start} THEN {line_from} ELSE {start} END) + 1)
        FROM {line} l JOIN {cycle} y ON y.id = l.cycle_id
        WHERE l.benefit_id = b.id AND l.cycle_id <> %s AND y.state <> 'building'
          AND l.months_to >= %s AND l.months_from <= %s
    ), 0)"""  # noqa: S608 - identifiers from model metadata, integers computed here, values parameters
    low_code, high_code = region_range(plan.region)
    program_marks = ", ".join(["%s"] * len(plan.programs))
    sql = f"""
        SELECT b.id FROM {benefit} b
        WHERE b.id >= %s AND b.id < %s AND b.region_id >= %s AND b.region_id < %s
          AND b.program IN ({program_marks}) AND b.period IN (%s, %s, %s) AND b.first_month < %s
          AND {end} >= {start}
          AND (b.period <> %s OR {covered} < {end} - {start} + 1)
        ORDER BY b.id
    """  # noqa: S608 - identifiers from model metadata, integers computed here, every value a parameter
    params: list[Any] = [
        low,
        high,
        low_code,
        high_code,
        *plan.programs,
        *PERIOD_MONTHS,
        plan.period_start,
        prev,  # end: the amount in force
        prev,  # end: its month
        Period.MONTHLY,
        plan.cycle_id,  # covered: the other lines in the window
        floor,
        prev,
        prev,  # end, again
        prev,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _arrears_due(plan: Plan, low: int, high: int) -> dict[int, tuple[Benefit, list[tuple[date, Decimal]]]]:
    """DB-29 back pay: the months within the policy's limit (from ``arrears_floor``) that the benefit's schedule
    pays (``is_due``) and no other roster line covers, at the amount in force each month — the months the
    reconciliation shows as due and not issued. A benefit older than the limit gets the months inside it. A month
    a line covers is settled by that line: a failed one by its reissue, an overpayment by a recovery.
    benefit id → (benefit, months)."""
    if plan.arrears_floor is None or plan.arrears_floor >= plan.period_start:
        return {}
    floor: date = plan.arrears_floor
    prev = add_months(plan.period_start, -1)
    ids = _arrears_candidates(plan, floor, low, high)
    if not ids:
        return {}
    candidates = list(
        Benefit.objects.filter(pk__in=ids).select_related("household__head", "member").order_by("pk")
    )
    covered: dict[int, set[date]] = defaultdict(set)
    for benefit_id, months_from, months_to in (
        RosterLine.objects.filter(benefit_id__in=ids, months_to__gte=floor, months_from__lte=prev)
        .exclude(cycle_id=plan.cycle_id)
        .exclude(cycle__state="building")
        .values_list("benefit_id", "months_from", "months_to")
    ):
        covered[benefit_id].update(months_between(months_from, months_to))
    owed: dict[int, list[date]] = {}
    for benefit in candidates:
        months = [
            m
            for m in months_between(max(benefit.first_month, floor), prev)
            if m not in covered[benefit.pk] and is_due(benefit.period, benefit.first_month, m)
        ]
        if months:
            owed[benefit.pk] = months
    if not owed:
        return {}
    history = _amounts_by_month(list(owed), prev)
    due: dict[int, tuple[Benefit, list[tuple[date, Decimal]]]] = {}
    for benefit in candidates:
        paid = [(m, amount_in(history[benefit.pk], m)) for m in owed.get(benefit.pk, [])]
        paid = [(m, a) for m, a in paid if a > 0]
        if paid:
            due[benefit.pk] = (benefit, paid)
    return due


def _reissues_due(plan: Plan, low: int, high: int) -> list[RosterLine]:
    """Failed lines of earlier cycles for these programs that the clerk sent to the next cycle."""
    low_code, high_code = region_range(plan.region)
    return list(
        RosterLine.objects.filter(
            benefit_id__gte=low,
            benefit_id__lt=high,
            region_id__gte=low_code,
            region_id__lt=high_code,
            program__in=plan.programs,
            # only a failed line is sent to the next cycle (a paid one has its choice cleared): naming the status
            # lets the (status, reissue) index find the few, instead of every earlier line of the chunk's benefits
            status=PaymentStatus.FAILED,
            reissue=Reissue.NEXT_CYCLE,
            reissued_in__isnull=True,
            cycle__period_start__lt=plan.period_start,
        )
        .exclude(cycle_id=plan.cycle_id)
        .select_related("benefit__household__head", "benefit__member", "cycle")
        .order_by("pk")
    )


def outstanding_recoveries(plan: Plan) -> dict[int, list[list[Any]]]:
    """household → [[recovery id, still owed], …] in the order recorded, for the cycle's region."""
    low_code, high_code = region_range(plan.region)
    rows = (
        Recovery.objects.filter(region_id__gte=low_code, region_id__lt=high_code)
        .annotate(deducted=Sum("deductions__deduction_amount"))
        .order_by("pk")
        .values_list("pk", "benefit__household_id", "amount", "deducted")
    )
    owed: dict[int, list[list[Any]]] = defaultdict(list)
    for pk, household_id, amount, deducted in rows:
        left = amount - (deducted or ZERO)
        if left > 0:
            owed[household_id].append([pk, left])
    return dict(owed)


def _deduct(lines: dict[int, RosterLine], outstanding: dict[int, list[list[Any]]]) -> set[int]:
    """DB-47 where the policy allows it: what a household still owes comes off its lines, never below zero (one
    recovery per line, so each deduction names the record it pays back)."""
    touched: set[int] = set()
    for line in sorted(lines.values(), key=lambda item: item.pk):
        owed = outstanding.get(line.household_id)
        if not owed:
            continue
        recovery_id, left = owed[0]
        take = min(left, line.regular_amount + line.arrears_amount + line.reissue_amount)
        if take <= 0:
            continue
        line.deduction_amount = take
        line.recovery_id = recovery_id
        _append_note(
            line, _("抵扣应追回款 %(amount)s 元(追回记录 %(pk)s)") % {"amount": take, "pk": recovery_id}
        )
        touched.add(line.benefit_id)
        if left - take > 0:
            owed[0][1] = left - take
        else:
            owed.pop(0)
    return touched


def benefit_id_chunks(plan: Plan, size: int = CHUNK) -> list[tuple[int, int]]:
    """[low, high) ranges of benefit ids covering every benefit the cycle may pay."""
    low_code, high_code = region_range(plan.region)
    bounds = Benefit.objects.filter(
        region_id__gte=low_code, region_id__lt=high_code, program__in=plan.programs
    ).values_list("pk", flat=True)
    first = bounds.order_by("pk").first()
    last = bounds.order_by("-pk").first()
    if first is None or last is None:
        return []
    return [(start, min(start + size, last + 1)) for start in range(first, last + 1, size)]


def build(
    plan: Plan, *, heartbeat: Callable[[], None], progress: Callable[[int, int], None], chunk: int = CHUNK
) -> None:
    """Every chunk, each in its own transaction, with a heartbeat and progress after each."""
    chunks = benefit_id_chunks(plan, chunk)
    outstanding = outstanding_recoveries(plan) if plan.recovery_deduction else {}
    for index, (low, high) in enumerate(chunks):
        with transaction.atomic():
            build_chunk(plan, low, high, outstanding)
        heartbeat()
        progress(index + 1, len(chunks))


def cycle_totals(cycle: PayCycle) -> tuple[int, Decimal]:
    agg = RosterLine.objects.filter(cycle=cycle).aggregate(n=Count("pk"), total=Sum("amount"))
    return agg["n"], round_money(agg["total"] or ZERO)
