"""The dashboard: the user's scope at a glance — persons and funds by month and program, households by village, open
and overdue cases, reviews due, coverage, the year's funds against budget — each chart with its numbers as a
table."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from minzheng.accounts.roles import Capability
from minzheng.cases.models import OPEN_STATUSES, Application, Benefit
from minzheng.core.money import ZERO, round_money
from minzheng.core.months import add_months, months_between
from minzheng.core.navigation import Panel
from minzheng.core.scope import code_range, scope_code_for
from minzheng.payments.models import PaymentStatus, RosterLine
from minzheng.regions.models import Region
from minzheng.registry.models import Member
from minzheng.reports.indicators import PAID_STATES, in_force
from minzheng.reports.selectors import budgets_for
from minzheng.rules.programs import PROGRAMS

#: the programs whose persons are charted month by month
TREND_PROGRAMS = ("dibao", "tekun", "elderly_allowance")


def _months(today: date, count: int = 12) -> list[date]:
    return months_between(add_months(today, 1 - count), today)


def _scoped(query: Any, code: str, field: str = "region_id") -> Any:
    low, high = code_range(code)
    return query.filter(**{f"{field}__gte": low, f"{field}__lt": high})


def budget_progress(code: str, today: date) -> list[dict[str, Any]]:
    """For each program with a budget for this year in the scope: paid so far (approved rosters of this year's
    months, failed payments left out), the share of the budget used, and the share of the year gone by."""
    budgets = budgets_for(code, today.year)
    if not budgets:
        return []
    paid = dict(
        _scoped(RosterLine.objects, code)
        .filter(
            program__in=list(budgets),
            cycle__state__in=PAID_STATES,
            cycle__period_start__range=(date(today.year, 1, 1), date(today.year, 12, 1)),
        )
        .exclude(status=PaymentStatus.FAILED)
        .values("program")
        .annotate(total=Sum("amount"))
        .values_list("program", "total")
    )
    elapsed = Decimal(today.month) / 12
    rows = []
    for program, budget in sorted(budgets.items()):
        spent = round_money(paid.get(program) or ZERO)
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


def dashboard_data(user: Any, today: date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    code = scope_code_for(user) or ""
    months = _months(today)
    labels = [f"{m:%Y-%m}" for m in months]
    persons: dict[str, list[int]] = {}
    for program in TREND_PROGRAMS:
        persons[program] = [
            int(_scoped(in_force(program, m), code).aggregate(n=Sum("members_covered"))["n"] or 0)
            for m in months
        ]
    funds_rows = (
        _scoped(RosterLine.objects, code)
        .filter(cycle__state__in=PAID_STATES, cycle__period_start__gte=months[0])
        .exclude(status=PaymentStatus.FAILED)
        .values("cycle__period_start", "program")
        .annotate(total=Sum("amount"))
    )
    funds: dict[str, list[Decimal]] = {}
    for row in funds_rows:
        series = funds.setdefault(row["program"], [ZERO] * len(months))
        month = f"{row['cycle__period_start']:%Y-%m}"
        if month in labels:
            series[labels.index(month)] += round_money(row["total"] or ZERO)
    villages = list(
        _scoped(in_force("dibao", months[-1]), code)
        .values("region_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "region_id")[:15]
    )
    names = dict(
        Region.objects.filter(code__in=[v["region_id"] for v in villages]).values_list("code", "name")
    )
    open_cases = _scoped(Application.objects, code).filter(status__in=OPEN_STATUSES)
    covered = persons["dibao"][-1]
    registered = _scoped(Member.objects, code).filter(date_of_death__isnull=True).count()
    persons_series = [{"program": str(PROGRAMS[p].label), "values": v} for p, v in persons.items()]
    funds_series = [
        {"program": str(PROGRAMS[p].label) if p in PROGRAMS else p, "values": [str(x) for x in v]}
        for p, v in sorted(funds.items())
    ]
    village_rows = [(names.get(v["region_id"], v["region_id"]), v["n"]) for v in villages]
    budget_rows = budget_progress(code, today)
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
