"""What the county sees: each township's status for a form and period, and the sum of what was submitted."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from minzheng.regions.models import Region
from minzheng.reports.definitions import ReportForm
from minzheng.reports.models import ReportSubmission, SubmissionState


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
