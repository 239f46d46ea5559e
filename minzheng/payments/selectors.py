"""Reads for the payment pages, always through the user's region scope."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from minzheng.accounts.roles import Capability
from minzheng.core.money import ZERO, round_money
from minzheng.core.navigation import Panel
from minzheng.payments import reconciliation
from minzheng.payments.models import BankExport, CycleState, PayCycle, PaymentStatus, Reissue, RosterLine


def cycles_for(user: Any) -> QuerySet[PayCycle]:
    return PayCycle.objects.visible_to(user).select_related("region")


def lines_for(user: Any, cycle: PayCycle, show: str = "") -> QuerySet[RosterLine]:
    lines = RosterLine.objects.visible_to(user).filter(cycle=cycle).select_related("region")
    if show == "failed":
        lines = lines.filter(status=PaymentStatus.FAILED)
    elif show == "arrears":
        lines = lines.filter(arrears_amount__gt=0)
    elif show == "reissue":
        lines = lines.filter(reissue_amount__gt=0)
    elif show == "deduction":
        lines = lines.filter(deduction_amount__gt=0)
    return lines.order_by("region_id", "household_id", "pk")


def status_counts(cycle: PayCycle) -> dict[str, Any]:
    """Issued / paid / failed counts and sums, and what the failed lines became."""
    agg = RosterLine.objects.filter(cycle=cycle).aggregate(
        issued=Count("pk"),
        issued_total=Sum("amount"),
        paid=Count("pk", filter=Q(status=PaymentStatus.PAID)),
        paid_total=Sum("amount", filter=Q(status=PaymentStatus.PAID)),
        failed=Count("pk", filter=Q(status=PaymentStatus.FAILED)),
        failed_total=Sum("amount", filter=Q(status=PaymentStatus.FAILED)),
        unhandled=Count("pk", filter=Q(status=PaymentStatus.FAILED, reissue="")),
        arrears=Count("pk", filter=Q(arrears_amount__gt=0)),
        reissues=Count("pk", filter=Q(reissue_amount__gt=0)),
        deductions=Count("pk", filter=Q(deduction_amount__gt=0)),
    )
    for key in ("issued_total", "paid_total", "failed_total"):
        agg[key] = round_money(agg[key] or ZERO)  # SQLite sums Decimals to 22382, not 22382.00
    return agg


def finished_exports(cycle: PayCycle) -> QuerySet[BankExport]:
    return BankExport.objects.filter(cycle=cycle, finished_at__isnull=False).select_related(
        "template", "created_by"
    )


def reissue_queue(user: Any) -> QuerySet[RosterLine]:
    """Failed lines waiting for the next cycle (the re-issue list)."""
    return (
        RosterLine.objects.visible_to(user)
        .filter(status=PaymentStatus.FAILED, reissue=Reissue.NEXT_CYCLE)
        .select_related("cycle", "region")
        .order_by("-cycle__period_start", "region_id", "pk")
    )


def household_payments(user: Any, household: Any) -> QuerySet[RosterLine]:
    return (
        RosterLine.objects.visible_to(user)
        .filter(household=household)
        .exclude(cycle__state=CycleState.BUILDING)
        .select_related("cycle")
        .order_by("-cycle__period_start", "-pk")
    )


def household_panel(user: Any, household: Any) -> Panel | None:
    """发放记录 on the household page: the last two years of lines, with their results."""
    if not user.can(Capability.VIEW_PAYMENTS):
        return None
    lines = list(household_payments(user, household)[:24])
    if not lines:
        return None
    return Panel(
        "payments/household_panel.html",
        {
            "lines": lines,
            "reconciliation": household_reconciliation(
                household.pk, min(line.months_from for line in lines), timezone.localdate()
            ),
        },
    )


def household_reconciliation(household_id: int, first: date, today: date) -> list[dict[str, Any]]:
    """应发 vs 实发 under the payment history: each benefit from ``first`` (the earliest month of the lines shown
    above it) to this month, with totals over the months a roster could have paid (the others are labelled, with
    no difference)."""
    this_month = today.replace(day=1)
    tables = []
    for figures in reconciliation.household_figures(
        household_id=household_id, first=min(first.replace(day=1), this_month), last=this_month
    ):
        months = [m for m in figures.months if m.due or m.issued]
        if months:
            tables.append({"figures": figures, "months": months})
    return tables
