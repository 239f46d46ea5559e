"""The dashboard: the user's scope at a glance — persons and funds by month and program, households by village, open
and overdue cases, reviews due, coverage, the year's funds against budget — each chart with its numbers as a
table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from minzheng.accounts.roles import Capability
from minzheng.benefits.models import BenefitSpan
from minzheng.cases.models import OPEN_STATUSES, Application, Benefit
from minzheng.core.money import ZERO, round_money
from minzheng.core.months import add_months, months_between
from minzheng.core.navigation import Panel
from minzheng.core.scope import code_range, scope_code_for
from minzheng.payments.models import PayCycle, PaymentStatus, RosterLine
from minzheng.regions.models import Region
from minzheng.registry.models import Member
from minzheng.reports.indicators import PAID_STATES, without_jit
from minzheng.reports.selectors import budgets_for
from minzheng.rules.programs import PROGRAMS

#: the programs whose persons are charted month by month
TREND_PROGRAMS = ("dibao", "tekun", "elderly_allowance")


def _months(today: date, count: int = 12) -> list[date]:
    return months_between(add_months(today, 1 - count), today)


def _scoped(query: Any, code: str, field: str = "region_id") -> Any:
    low, high = code_range(code)
    return query.filter(**{f"{field}__gte": low, f"{field}__lt": high})


@dataclass(frozen=True)
class InForce:
    #: program → persons covered in each month
    persons: dict[str, list[int]]
    #: region code → benefits of one program (``by_region``) in force in the last month
    last_by_region: dict[str, int]


def in_force_by_month(programs: tuple[str, ...], months: list[date], code: str, *, by_region: str) -> InForce:
    """What ``in_force(program, month)`` gives for every program and month — persons covered, and the last month's
    benefits of one program by region — in ONE statement over the benefits' spans (``benefits.spans``: the months
    each benefit pays more than 0, kept with its history) instead of one per program and month (issue 8). The
    database adds up the persons per (program, start, until) and those groups are spread over the months here."""
    span = connection.ops.quote_name(BenefitSpan._meta.db_table)
    low, high = code_range(code)
    adapt = connection.ops.adapt_datefield_value
    first, last = adapt(months[0]), adapt(months[-1])
    program_marks = ", ".join(["%s"] * len(programs))
    sql = f"""
        SELECT program, start, until, NULL, SUM(persons) FROM {span}
        WHERE program IN ({program_marks}) AND region_id >= %s AND region_id < %s
          AND start <= %s AND (until IS NULL OR until > %s)
        GROUP BY program, start, until
        UNION ALL
        SELECT program, NULL, NULL, region_id, COUNT(*) FROM {span}
        WHERE program = %s AND region_id >= %s AND region_id < %s
          AND start <= %s AND (until IS NULL OR until > %s)
        GROUP BY program, region_id
    """  # noqa: S608 - identifiers from model metadata, every value a parameter
    persons = {program: [0] * len(months) for program in programs}
    regions: dict[str, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*programs, low, high, last, first, by_region, low, high, last, last])
        rows = cursor.fetchall()
    for program, start, until, region, count in rows:
        if region is not None:
            regions[region] = int(count)
            continue
        start, until = _as_date(start), _as_date(until)
        for i, month in enumerate(months):
            if start <= month and (until is None or month < until):
                persons[program][i] += int(count)
    return InForce(persons, regions)


def _as_date(value: Any) -> Any:
    """SQLite hands dates back as text (these come from a raw statement, not through a model field)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def funds_by_month(months: list[date], code: str) -> dict[str, list[Decimal]]:
    """Funds paid per program and month: roster lines of approved (or later) cycles that did not fail.

    A cycle of one program whose region lies inside the scope counts whole: its total (the sum of its lines,
    fixed when it was generated: an approved roster's amounts never change, only a line's bank status) less its
    failed lines (an index on status finds those few). Only the other cycles — several programs paid together,
    or a county's cycle seen by a township — are added up line by line, on the (cycle, program) index. This
    spares reading a year of roster lines (about 1,200,000 rows in the benchmark county) on every dashboard."""
    cycles = PayCycle.objects.filter(state__in=PAID_STATES, period_start__gte=months[0]).values_list(
        "pk", "region_id", "programs", "period_start", "total", "line_count"
    )
    whole, partial = {}, []
    for pk, region, programs, start, total, lines in cycles:
        if "," not in programs and region.startswith(code):
            whole[pk] = (programs, start, total, lines)
        else:
            partial.append(pk)
    labels = [f"{m:%Y-%m}" for m in months]
    funds: dict[str, list[Decimal]] = {}

    def add(program: str, start: date, amount: Decimal) -> None:
        series = funds.setdefault(program, [ZERO] * len(months))
        month = f"{start:%Y-%m}"
        if month in labels:
            series[labels.index(month)] += round_money(amount)

    failed = {
        row["cycle_id"]: (row["n"], row["total"])
        for row in RosterLine.objects.filter(cycle_id__in=list(whole), status=PaymentStatus.FAILED)
        .values("cycle_id")
        .annotate(n=Count("pk"), total=Sum("amount"))
    }
    for pk, (program, start, total, lines) in whole.items():
        failed_lines, failed_total = failed.get(pk, (0, ZERO))
        if lines > failed_lines:  # a cycle with no line left counts nowhere, as in a GROUP BY over its lines
            add(program, start, total - failed_total)
    if partial:
        rows = (
            _scoped(RosterLine.objects, code)
            .filter(cycle_id__in=partial)
            .exclude(status=PaymentStatus.FAILED)
            .values("cycle__period_start", "program")
            .annotate(total=Sum("amount"))
        )
        for row in rows:
            add(row["program"], row["cycle__period_start"], row["total"] or ZERO)
    return funds


def budget_progress(
    code: str, today: date, funds: dict[str, list[Decimal]], months: list[date]
) -> list[dict[str, Any]]:
    """For each program with a budget for this year in the scope: paid so far (the funds by month of this year's
    months: approved rosters, failed payments left out), the share of the budget used, and of the year gone by."""
    budgets = budgets_for(code, today.year)
    rows = []
    elapsed = Decimal(today.month) / 12
    for program, budget in sorted(budgets.items()):
        paid = funds.get(program, [ZERO] * len(months))
        spent = round_money(sum((v for m, v in zip(months, paid, strict=True) if m.year == today.year), ZERO))
        used = spent / budget if budget else None
        rows.append(
            {
                "program": str(PROGRAMS[program].label) if program in PROGRAMS else program,
                "budget": str(budget),
                "paid": str(spent),
                "left": str(budget - spent),
                "used": f"{used * 100:.1f}%" if used is not None else "—",
                # ahead of the calendar by more than a month's share: the money may run out before December
                "ahead": used is not None and used > elapsed + Decimal(1) / 12,
            }
        )
    return rows


def budget_progress_for(code: str, today: date) -> list[dict[str, Any]]:
    """The budget table alone (the budgets page): this year's months' funds, then ``budget_progress``."""
    months = months_between(date(today.year, 1, 1), today)
    with without_jit():
        return budget_progress(code, today, funds_by_month(months, code), months)


def dashboard_data(user: Any, today: date | None = None) -> dict[str, Any]:
    with without_jit():
        return _dashboard_data(user, today)


def _dashboard_data(user: Any, today: date | None) -> dict[str, Any]:
    today = today or timezone.localdate()
    code = scope_code_for(user) or ""
    months = _months(today)
    labels = [f"{m:%Y-%m}" for m in months]
    # 低保 is one of TREND_PROGRAMS: its persons give the coverage, its benefits by village the village chart
    force = in_force_by_month(TREND_PROGRAMS, months, code, by_region="dibao")
    persons = force.persons
    funds = funds_by_month(months, code)
    # the villages with the most 低保 benefits in force this month
    villages = sorted(force.last_by_region.items(), key=lambda item: (-item[1], item[0]))[:15]
    names = dict(
        Region.objects.filter(code__in=[region for region, _n in villages]).values_list("code", "name")
    )
    open_cases = _scoped(Application.objects, code).filter(status__in=OPEN_STATUSES)
    covered = persons["dibao"][-1]
    registered = _scoped(Member.objects, code).filter(date_of_death__isnull=True).count()
    persons_series = [{"program": str(PROGRAMS[p].label), "values": v} for p, v in persons.items()]
    funds_series = [
        {"program": str(PROGRAMS[p].label) if p in PROGRAMS else p, "values": [str(x) for x in v]}
        for p, v in sorted(funds.items())
    ]
    village_rows = [(names.get(region, region), n) for region, n in villages]
    budget_rows = budget_progress(code, today, funds, months)
    return {
        # each chart's numbers, for the chart (JSON) and for the table under it (rows)
        "persons": {"months": labels, "series": persons_series},
        "persons_head": [s["program"] for s in persons_series],
        "persons_rows": [[m, *(s["values"][i] for s in persons_series)] for i, m in enumerate(labels)],
        "funds": {"months": labels, "series": funds_series},
        "funds_head": [s["program"] for s in funds_series],
        "funds_rows": [[m, *(s["values"][i] for s in funds_series)] for i, m in enumerate(labels)],
        "villages": {"names": [n for n, _c in village_rows], "values": [c for _n, c in village_rows]},
        "village_rows": village_rows,
        "open_cases": open_cases.count(),
        "overdue": open_cases.filter(next_due__lt=today).count(),
        "reviews_due": _scoped(Benefit.objects, code)
        .filter(state__in=("active", "tapering"), review_due__lte=today + timedelta(days=30))
        .count(),
        "coverage": f"{covered / registered * 100:.1f}%" if registered else "—",
        "coverage_detail": _("低保在保 %(c)s 人 / 登记人口 %(r)s 人") % {"c": covered, "r": registered},
        "budget_year": today.year,
        "budget_elapsed": f"{today.month / 12 * 100:.0f}%",
        "budget": budget_rows,
        "budget_chart": {
            "names": [r["program"] for r in budget_rows],
            "paid": [r["paid"] for r in budget_rows],
            "budget": [r["budget"] for r in budget_rows],
            "labels": [_("已发放"), _("年度预算")],
        },
    }


def home_panel(user: Any) -> Panel | None:
    if not user.can(Capability.VIEW_REPORTS):
        return None
    return Panel("reports/dashboard.html", {"data": dashboard_data(user)})
