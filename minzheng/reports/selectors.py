"""What the county sees: each township's status for a form and period, and the sum of what was submitted; the
year's budgets that apply to a scope."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from minzheng.core.scope import code_range
from minzheng.regions.models import Region
from minzheng.reports.definitions import ReportForm
from minzheng.reports.models import Budget, ReportSubmission, SubmissionState


def township_status(
    form: ReportForm, period: str, region: Region
) -> list[tuple[Region, ReportSubmission | None]]:
    townships = list(Region.objects.filter(code__startswith=region.code, level="township").order_by("code"))
    rows = {
        s.region_id: s
        for s in ReportSubmission.objects.filter(
            form=form.code, period=period, region_id__in=[t.code for t in townships]
        )
    }
    return [(t, rows.get(t.code)) for t in townships]


def submitted_sum(
    form: ReportForm, statuses: list[tuple[Region, ReportSubmission | None]]
) -> list[list[Any]]:
    """Row by row, the sum of the submitted snapshots (what the county's own report is made of)."""
    width = len(form.indicators)
    sums = {cut: [Decimal(0)] * width for cut, _label in form.rows}
    for _region, row in statuses:
        if row is None or row.state != SubmissionState.SUBMITTED or not row.snapshot:
            continue
        for cut, values in row.snapshot["rows"]:
            for index, value in enumerate(values):
                sums[cut][index] += Decimal(value)
    return [[label, sums[cut]] for cut, label in form.rows]


def budgets_for(scope: str, year: int) -> dict[str, Decimal]:
    """Each program's budget for the scope and year: the scope's own where it has one set, otherwise the sum of the
    budgets set for the townships inside it (a county that only allocates to its townships)."""
    low, high = code_range(scope)
    own: dict[str, Decimal] = {}
    inside: dict[str, Decimal] = {}
    for region_id, program, amount in Budget.objects.filter(
        year=year, region_id__gte=low, region_id__lt=high
    ).values_list("region_id", "program", "amount"):
        if region_id == scope:
            own[program] = amount
        else:
            inside[program] = inside.get(program, Decimal(0)) + amount
    return inside | own
