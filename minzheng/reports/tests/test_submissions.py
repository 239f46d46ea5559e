"""A township submits its quarter and the numbers freeze; the county sees every township's status, returns one with
a reason and sums what was submitted; reopening and resubmitting are audited."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from minzheng.audit.models import AuditEvent
from minzheng.benefits import services as benefits
from minzheng.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from minzheng.core.testing.personas import COUNTY, TOWNSHIP_A
from minzheng.payments.tests.factories import approved_dibao
from minzheng.regions.models import Region
from minzheng.reports import services
from minzheng.reports.definitions import FORMS
from minzheng.reports.models import ReportSubmission, SubmissionState
from minzheng.reports.selectors import submitted_sum, township_status

pytestmark = pytest.mark.django_db


def _rows(row: ReportSubmission) -> list[Any]:
    assert row.snapshot is not None
    return list(row.snapshot["rows"])


def test_a_submitted_report_does_not_change_when_the_data_does(personas: dict[str, Any]) -> None:
    first = approved_dibao(personas)
    approved_dibao(personas)
    row = services.report_submit(
        actor=personas["township_a_clerk"], region_code=TOWNSHIP_A, form="dibao", period="2025q2"
    )
    assert row.period == "2025Q2" and row.state == SubmissionState.SUBMITTED
    total = dict(_rows(row))[""]
    assert total[:2] == ["2", "6"]
    benefits.benefit_stop(
        actor=personas["county_approver"], benefit=first, reason="死亡", month=date(2025, 5, 1)
    )
    row.refresh_from_db()
    assert dict(_rows(row))[""][:2] == ["2", "6"]  # frozen
    with pytest.raises(ConflictError, match="已上报"):
        services.report_submit(
            actor=personas["township_a_clerk"], region_code=TOWNSHIP_A, form="dibao", period="2025Q2"
        )


def test_the_county_returns_one_and_the_township_resubmits_with_new_numbers(personas: dict[str, Any]) -> None:
    first = approved_dibao(personas)
    approved_dibao(personas)
    row = services.report_submit(
        actor=personas["township_a_clerk"], region_code=TOWNSHIP_A, form="dibao", period="2025Q2"
    )
    with pytest.raises(ValidationFailed, match="退回原因"):
        services.report_return(actor=personas["county_approver"], submission=row, reason=" ")
    with pytest.raises(PermissionDeniedError):
        services.report_return(actor=personas["township_a_clerk"], submission=row, reason="自己退")
    services.report_return(actor=personas["county_approver"], submission=row, reason="低保人数与台账不符")
    benefits.benefit_stop(
        actor=personas["county_approver"], benefit=first, reason="死亡", month=date(2025, 5, 1)
    )
    again = services.report_submit(
        actor=personas["township_a_clerk"], region_code=TOWNSHIP_A, form="dibao", period="2025Q2"
    )
    assert dict(_rows(again))[""][:2] == ["1", "3"] and again.return_reason == ""
    services.report_reopen(
        actor=personas["township_a_clerk"], region_code=TOWNSHIP_A, form="dibao", period="2025Q2"
    )
    codes = list(
        AuditEvent.objects.filter(event_code__startswith="reports.")
        .order_by("pk")
        .values_list("event_code", flat=True)
    )
    assert codes == ["reports.submitted", "reports.returned", "reports.submitted", "reports.reopened"]


def test_the_county_sees_every_townships_status_and_the_sum_of_what_was_submitted(
    personas: dict[str, Any], client_for: Any
) -> None:
    approved_dibao(personas)
    services.report_submit(
        actor=personas["township_a_clerk"], region_code=TOWNSHIP_A, form="dibao", period="2025Q2"
    )
    county = Region.objects.get(code=COUNTY)
    statuses = township_status(FORMS["dibao"], "2025Q2", county)
    states = {t.code: (s.state if s else None) for t, s in statuses}
    assert (
        states[TOWNSHIP_A] == "submitted" and sum(1 for v in states.values() if v is None) == len(states) - 1
    )
    total = dict((str(label), values) for label, values in submitted_sum(FORMS["dibao"], statuses))["合计"]
    assert [int(v) for v in total[:2]] == [1, 3]
    page = (
        client_for("county_approver")
        .get(reverse("reports:report", args=["dibao"]), {"region": COUNTY, "period": "2025Q2"})
        .content.decode()
    )
    assert "各乡镇上报情况" in page and "已上报" in page and "未开始" in page


def test_only_a_township_submits_and_only_its_own(personas: dict[str, Any], client_for: Any) -> None:
    with pytest.raises(PermissionDeniedError):
        services.report_submit(
            actor=personas["township_b_clerk"], region_code=TOWNSHIP_A, form="dibao", period="2025Q2"
        )
    with pytest.raises(PermissionDeniedError):
        services.report_submit(
            actor=personas["county_approver"], region_code=TOWNSHIP_A, form="dibao", period="2025Q2"
        )
    with pytest.raises(ValidationFailed, match="乡镇"):
        services.report_submit(
            actor=personas["township_a_clerk"], region_code="510521103222", form="dibao", period="2025Q2"
        )
    response = client_for("township_a_clerk").post(
        reverse("reports:report", args=["dibao"]) + f"?region={TOWNSHIP_A}&period=2025Q2",
        {"action": "submit"},
        follow=True,
    )
    assert "已上报，数字已锁定" in response.content.decode()
    assert ReportSubmission.objects.get().state == SubmissionState.SUBMITTED
