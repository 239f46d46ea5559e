"""应发 vs 实发: what each benefit was due month by month against what was paid for it, and the difference.

One reading of the figures, used by the household page, the county reconciliation report, fraud recovery (DB-47:
recover what was actually paid) and checked against back pay (DB-29) by the tests.

**Due** for a month is the amount in force that month from the benefit's history (``benefits.amounts.amount_in`` over
its ``BenefitChange`` rows, the same reading the roster build makes) in the months its schedule pays
(``generation.is_due``: every month, or every 3 or 12 months from its first for a quarterly or yearly benefit, whose
amount is a period's); a one-off benefit is due once, in its first month, and an ended one nothing after.

**Paid** comes only from roster lines of cycles the county approved (approved, exported, reconciled, closed); a
draft roster pays nothing. A line's money is put on the months it pays for: the regular amount on the cycle's
months (one, or three for a quarterly cycle), back pay on the months from ``months_from`` to the month before the
cycle; within those months each month takes up to its due, in order, and what is left over goes on the last month
(so an overpayment shows where it was made, and a changed history shows as a difference, not as noise; a quarter's
amount lands on the month it is due). A one-off line pays the benefit's first month. A deduction of a recovery is money paid to the household and set against its
debt: the line pays its gross amount. A line counts as

* *paid* when the bank confirmed it, when it failed and was paid by hand (``Reissue.MANUAL``), or when it failed
  and the later line that reissued it (same benefit, the cycle named in ``reissued_in``) counts as paid itself; the
  reissue amount on that later line is not counted again for the later line's months;
* *pending* when its roster was approved and the bank's result is not in yet (or it was reissued on such a line):
  the money has left; the reconciliation counts it as issued, fraud recovery (``paid_for``) does not;
* nothing when it failed and is not yet reissued (or the line carrying it failed too).

**Which months count.** A difference is only a difference once a roster could have paid the month. For a benefit,
the months from the first approved cycle that pays its program for its region (or a region above it) through the
last month of the latest such cycle are *settled*: a due month there with nothing issued is a shortfall, money on a
month with nothing due an overpayment. Months before the first cycle were paid outside the system (the roster build
makes no back pay before it either) and months after the latest approved cycle are not yet due for payment: both
are shown, with no difference. Money on them still counts as paid for recovery.

**Set-based.** ``scope_figures`` reads a region range (``core.scope.code_range``) in four statements — the approved
cycles, the benefits, their history and their roster lines, the last three ordered by benefit and read as streams
merged benefit by benefit — so a county of 100,000 benefits costs four queries and memory for one benefit at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import groupby
from operator import itemgetter
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from minzheng.benefits.amounts import amount_in
from minzheng.benefits.models import BenefitChange
from minzheng.cases.models import Benefit
from minzheng.core.money import ZERO
from minzheng.core.months import add_months
from minzheng.core.scope import code_range
from minzheng.payments.generation import is_due
from minzheng.payments.models import CycleState, PayCycle, PaymentStatus, Reissue, RosterLine, program_label

#: rosters whose lines count: the county approved them (the bank file may or may not be out yet)
APPROVED_STATES = (CycleState.APPROVED, CycleState.EXPORTED, CycleState.RECONCILED, CycleState.CLOSED)

BEFORE = "before"
SETTLED = "settled"
OPEN = "open"
STATE_LABELS = {
    BEFORE: _("系统发放之前"),
    SETTLED: _("已发放"),
    OPEN: _("未到发放期"),
}

PAID = "paid"
PENDING = "pending"


@dataclass(slots=True)
class Month:
    month: date
    due: Decimal
    #: confirmed by the bank or paid by hand
    paid: Decimal
    #: in an approved roster, the bank's result not in yet
    pending: Decimal
    state: str

    @property
    def issued(self) -> Decimal:
        return self.paid + self.pending

    @property
    def difference(self) -> Decimal | None:
        """Due less issued, for a settled month; None for a month no roster could have paid yet."""
        return self.due - self.issued if self.state == SETTLED else None

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


@dataclass
class Figures:
    """One benefit's months in the asked window, and facts to show it by."""

    benefit_id: int
    household_id: int
    region_id: str
    program: str
    months: list[Month]
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def settled(self) -> list[Month]:
        return [m for m in self.months if m.state == SETTLED]

    @property
    def due(self) -> Decimal:
        return sum((m.due for m in self.settled), ZERO)

    @property
    def issued(self) -> Decimal:
        return sum((m.issued for m in self.settled), ZERO)

    @property
    def difference(self) -> Decimal:
        return self.due - self.issued

    @property
    def differing(self) -> list[Month]:
        return [m for m in self.settled if m.difference]

    @property
    def program_label(self) -> str:
        return program_label(self.program)


# —— the pure part: one benefit's history and lines → its months ——————————————————————————————————


@dataclass(frozen=True)
class Line:
    """What the figures need of a roster line."""

    pk: int
    cycle_id: int
    period_start: date
    period_months: int
    months_from: date
    regular: Decimal
    arrears: Decimal
    status: str
    reissue: str
    reissued_in_id: int | None


def settlement(lines: list[Line]) -> dict[int, str]:
    """line pk → PAID, PENDING or "" (nothing reached the household), following reissues from line to line."""
    by_cycle = {line.cycle_id: line for line in lines}
    out: dict[int, str] = {}

    def state(line: Line, depth: int = 0) -> str:
        if line.pk in out:
            return out[line.pk]
        if line.status == PaymentStatus.PAID:
            result = PAID
        elif line.status == PaymentStatus.PENDING:
            result = PENDING
        elif line.reissue == Reissue.MANUAL:
            result = PAID
        elif line.reissued_in_id is not None and line.reissued_in_id in by_cycle and depth < 50:
            result = state(by_cycle[line.reissued_in_id], depth + 1)
        else:
            result = ""
        out[line.pk] = result
        return result

    for line in lines:
        state(line)
    return out


def _index(month: date) -> int:
    """A month as a count of months (the arithmetic below runs on these: a county's report spreads a million lines)."""
    return month.year * 12 + month.month - 1


_DATES: dict[int, date] = {}


def _date(index: int) -> date:
    found = _DATES.get(index)
    if found is None:
        found = _DATES[index] = date(index // 12, index % 12 + 1, 1)
    return found


def _spread(amount: Decimal, low: int, high: int, due: dict[int, Decimal], into: dict[int, Decimal]) -> None:
    """Put ``amount`` on the months ``low``..``high`` in order, each up to its due; the rest on the last month."""
    if high < low or not amount:
        return
    left = amount
    for month in range(low, high + 1):
        take = min(left, max(due.get(month, ZERO), ZERO))
        if take > 0:
            into[month] = into.get(month, ZERO) + take
            left -= take
    if left:
        into[high] = into.get(high, ZERO) + left


def benefit_months(
    *,
    period: str,
    first_month: date,
    history: list[tuple[date, Decimal]],
    lines: list[Line],
    window: tuple[date, date] | None,
    first: date,
    last: date,
) -> list[Month]:
    """The months ``first``..``last`` of one benefit. ``window`` is its settled months (first and last), None when
    no approved roster pays its program in its region yet."""
    low, high = _index(first), _index(last)
    # the due of every month a line pays for, so the spread is the same whatever window is asked for
    spans = [
        (
            line,
            _index(line.period_start),
            _index(line.period_start) + line.period_months - 1,
            _index(line.months_from),
        )
        for line in lines
    ]
    reach = min([low, *(f for _l, _s, _e, f in spans)])
    ends = max([high, *(e for _l, _s, e, _f in spans)])
    # due: the amount in force each month (the roster's own reading) in the months the schedule pays (every month,
    # or every 3 or 12 from the first: ``generation.is_due``, the roster's own test); a one-off benefit once, in its
    # first month
    once = _index(first_month)
    if period == "monthly":
        due = {i: amount_in(history, _date(i)) if i >= once else ZERO for i in range(reach, ends + 1)}
    elif period == "one_off":
        due = dict.fromkeys(range(reach, ends + 1), ZERO)
        due[once] = amount_in(history, first_month)
    else:
        due = {
            i: amount_in(history, _date(i)) if is_due(period, first_month, _date(i)) else ZERO
            for i in range(reach, ends + 1)
        }
    paid: dict[int, Decimal] = {}
    pending: dict[int, Decimal] = {}
    settled = settlement(lines) if lines else {}
    for line, start, end, arrears_from in spans:
        result = settled[line.pk]
        if not result:
            continue
        into = paid if result == PAID else pending
        if period == "one_off":
            _spread(line.regular + line.arrears, once, once, due, into)
            continue
        # a recurring line fills the months it pays for up to each month's due: a quarterly amount lands on the
        # month it is due in, whether the roster is monthly or quarterly
        _spread(line.regular, start, end, due, into)
        _spread(line.arrears, arrears_from, start - 1, due, into)
    if window is None:  # no approved roster pays it yet: every month is still to come
        settled_low, settled_high = low, low - 1
    else:
        settled_low, settled_high = _index(window[0]), _index(window[1])
    out = []
    for month in range(low, high + 1):
        state = OPEN if month > settled_high else BEFORE if month < settled_low else SETTLED
        out.append(Month(_date(month), due[month], paid.get(month, ZERO), pending.get(month, ZERO), state))
    return out


# —— the reads ————————————————————————————————————————————————————————————————————————————————


class Windows:
    """The settled months of each (region, program): from the first approved cycle paying the program in the region
    or a region above it to the last month of the latest one. Built from one query of the approved cycles."""

    def __init__(self, cycles: Iterable[tuple[int, str, str, date, int]]) -> None:
        self._spans: dict[tuple[str, str], tuple[date, date]] = {}
        #: cycle id → (first month, months): the lines take their period from here rather than a join per line
        self.periods: dict[int, tuple[date, int]] = {}
        for pk, region, programs, start, months in cycles:
            self.periods[pk] = (start, months)
            end = add_months(start, months - 1)
            for program in programs.split(","):
                old = self._spans.get((region, program))
                self._spans[(region, program)] = (
                    (min(old[0], start), max(old[1], end)) if old else (start, end)
                )
        self._memo: dict[tuple[str, str], tuple[date, date] | None] = {}

    @classmethod
    def load(cls) -> Windows:
        return cls(
            PayCycle.objects.filter(state__in=APPROVED_STATES).values_list(
                "pk", "region_id", "programs", "period_start", "months"
            )
        )

    def __call__(self, region: str, program: str) -> tuple[date, date] | None:
        key = (region, program)
        if key not in self._memo:
            spans = [
                span for (code, p), span in self._spans.items() if p == program and region.startswith(code)
            ]
            self._memo[key] = (min(s[0] for s in spans), max(s[1] for s in spans)) if spans else None
        return self._memo[key]

    def latest(self, scope: str) -> date | None:
        """The last month of the latest approved cycle inside or above ``scope``."""
        ends = [
            end
            for (code, _p), (_start, end) in self._spans.items()
            if code.startswith(scope) or scope.startswith(code)
        ]
        return max(ends) if ends else None


LINE_FIELDS = (
    "benefit_id",
    "pk",
    "cycle_id",
    "months_from",
    "regular_amount",
    "arrears_amount",
    "status",
    "reissue",
    "reissued_in_id",
)

BENEFIT_FIELDS = (
    "pk",
    "household_id",
    "region_id",
    "program",
    "period",
    "first_month",
    "region__name",
    "household__head__name",
    "member__name",
)


def _grouped(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[int, list[tuple[Any, ...]]]]:
    for key, group in groupby(rows, key=itemgetter(0)):
        yield key, list(group)


class _Stream:
    """Groups of rows by benefit id, taken in benefit order."""

    def __init__(self, rows: Iterable[tuple[Any, ...]]) -> None:
        self._groups = _grouped(rows)
        self._head: tuple[int, list[tuple[Any, ...]]] | None = next(self._groups, None)

    def take(self, benefit_id: int) -> list[tuple[Any, ...]]:
        while self._head is not None and self._head[0] < benefit_id:
            self._head = next(self._groups, None)
        if self._head is not None and self._head[0] == benefit_id:
            rows = self._head[1]
            self._head = next(self._groups, None)
            return rows
        return []


def _figures(
    benefits: QuerySet[Benefit],
    history: QuerySet[BenefitChange],
    lines: QuerySet[RosterLine],
    *,
    first: date,
    last: date,
    windows: Windows | None = None,
    stream: bool = True,
) -> Iterator[Figures]:
    windows = windows or Windows.load()
    periods = windows.periods
    # history before ``first`` decides the amount in force in it; lines ending before it pay nothing in it, except
    # through a reissue, whose carrying line is later and is read
    history_rows = history.filter(effective_month__lte=last).order_by("benefit_id", "effective_month", "pk")
    line_rows = lines.filter(cycle__state__in=APPROVED_STATES, months_to__gte=first).order_by(
        "benefit_id", "pk"
    )
    benefit_rows = benefits.filter(first_month__lte=last).order_by("pk").values_list(*BENEFIT_FIELDS)
    history_values = history_rows.values_list("benefit_id", "effective_month", "new_amount")
    line_values = line_rows.values_list(*LINE_FIELDS)
    if stream:
        changes, paid = _Stream(history_values.iterator(5000)), _Stream(line_values.iterator(5000))
        rows: Iterable[tuple[Any, ...]] = benefit_rows.iterator(5000)
    else:
        changes, paid, rows = _Stream(list(history_values)), _Stream(list(line_values)), list(benefit_rows)
    for pk, household_id, region_id, program, period, first_month, region_name, head, member in rows:
        months = benefit_months(
            period=period,
            first_month=first_month,
            history=[
                (month, amount if amount is not None else ZERO) for _b, month, amount in changes.take(pk)
            ],
            lines=[
                Line(line_pk, cycle_id, *periods[cycle_id], *rest)
                for _b, line_pk, cycle_id, *rest in paid.take(pk)
                if cycle_id in periods  # approved after the cycles were read: left for the next reading
            ],
            window=windows(region_id, program),
            first=first,
            last=last,
        )
        yield Figures(
            benefit_id=pk,
            household_id=household_id,
            region_id=region_id,
            program=program,
            months=months,
            info={"region": region_name, "payee": member or head or ""},
        )


def scope_figures(
    *, region_code: str, first: date, last: date, programs: list[str] | None = None
) -> Iterator[Figures]:
    """Every benefit of the region range, its months ``first``..``last`` (four queries, streamed)."""
    low, high = code_range(region_code)
    benefits = Benefit.objects.filter(region_id__gte=low, region_id__lt=high)
    history = BenefitChange.objects.filter(region_id__gte=low, region_id__lt=high)
    lines = RosterLine.objects.filter(region_id__gte=low, region_id__lt=high)
    if programs:
        benefits = benefits.filter(program__in=programs)
        history = history.filter(benefit__program__in=programs)
        lines = lines.filter(program__in=programs)
    return _figures(benefits, history, lines, first=first, last=last)


def scope_differences(
    *, region_code: str, first: date, last: date, programs: list[str] | None = None
) -> list[Figures]:
    """The benefits of the region range with a difference in any settled month of the period."""
    return [
        f
        for f in scope_figures(region_code=region_code, first=first, last=last, programs=programs)
        if f.differing
    ]


def household_figures(*, household_id: int, first: date, last: date) -> list[Figures]:
    """Each benefit of the household, its months ``first``..``last``."""
    return list(
        _figures(
            Benefit.objects.filter(household_id=household_id),
            BenefitChange.objects.filter(benefit__household_id=household_id),
            RosterLine.objects.filter(household_id=household_id),
            first=first,
            last=last,
            stream=False,
        )
    )


def benefit_figures(*, benefit_id: int, first: date, last: date) -> Figures:
    found = list(
        _figures(
            Benefit.objects.filter(pk=benefit_id),
            BenefitChange.objects.filter(benefit_id=benefit_id),
            RosterLine.objects.filter(benefit_id=benefit_id),
            first=first,
            last=last,
            stream=False,
        )
    )
    if not found:  # the benefit starts after ``last``: nothing due, nothing paid
        benefit = Benefit.objects.get(pk=benefit_id)
        return Figures(benefit.pk, benefit.household_id, benefit.region_id, benefit.program, [])
    return found[0]


def paid_for(*, benefit_id: int, first: date, last: date) -> Decimal:
    """What the household actually received for the months ``first``..``last``: lines the bank confirmed and
    failed lines paid by hand or reissued and confirmed (DB-47 recovers this, not what was scheduled)."""
    figures = benefit_figures(benefit_id=benefit_id, first=first, last=last)
    return sum((m.paid for m in figures.months), ZERO)


def default_period(region_code: str, today: date) -> tuple[date, date]:
    """January to the last month of the latest approved roster in or above the scope, that roster's year (last
    month and its year when there is none)."""
    this_month = today.replace(day=1)
    latest = Windows.load().latest(region_code)
    last = min(latest, this_month) if latest else add_months(this_month, -1)
    return last.replace(month=1), last


def differences_xlsx(rows: list[Figures], *, region_name: str, first: date, last: date) -> bytes:
    """The report as a workbook: names, codes and months written as text, money as numbers to the fen."""
    import io

    from django.utils.translation import gettext

    from minzheng.core import exports

    out = io.BytesIO()
    book = exports.workbook(out, in_memory=True)
    sheet = book.add_worksheet(gettext("应发与实发核对")[:31])
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "#,##0.00"})
    sheet.write_string(
        0,
        0,
        gettext("%(region)s 应发与实发核对 %(first)s 至 %(last)s")
        % {"region": region_name, "first": f"{first:%Y-%m}", "last": f"{last:%Y-%m}"},
        bold,
    )
    header = [
        gettext("村(社区)"),
        gettext("行政区划代码"),
        gettext("领款人"),
        gettext("救助项目"),
        gettext("有差额的月份"),
        gettext("应发(元)"),
        gettext("实发(元)"),
        gettext("差额(元)"),
        gettext("待遇编号"),
    ]
    exports.write_cells(sheet, 1, header, bold)
    for index, row in enumerate(rows, start=2):
        for column, text in enumerate(
            [
                row.info.get("region", ""),
                row.region_id,
                row.info.get("payee", ""),
                row.program_label,
                "、".join(f"{m.month:%Y-%m}" for m in row.differing),
            ]
        ):
            sheet.write_string(index, column, str(text))
        for column, value in enumerate((row.due, row.issued, row.difference), start=5):
            # a cell holds a double; these sums are far inside its exact range and shown to the fen
            sheet.write_number(index, column, float(value), money)
        sheet.write_string(index, 8, str(row.benefit_id))
    total = len(rows) + 2
    sheet.write_string(total, 0, gettext("合计 %(n)s 项") % {"n": len(rows)}, bold)
    for column, attr in enumerate(("due", "issued", "difference"), start=5):
        sheet.write_number(total, column, float(sum((getattr(r, attr) for r in rows), ZERO)), money)
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 14)
    sheet.set_column(2, 4, 12)
    sheet.set_column(4, 4, 24)
    sheet.set_column(5, 7, 12)
    book.close()
    return out.getvalue()
