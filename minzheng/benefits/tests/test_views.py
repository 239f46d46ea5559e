"""The dynamic-management pages: monitoring, a recheck side by side, the standard-change preview."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from minzheng.benefits.models import Recheck
from minzheng.benefits.tests.test_services import _dibao
from minzheng.core.testing.personas import COUNTY
from minzheng.policy.services import policy_version_create

pytestmark = pytest.mark.django_db


def test_the_household_page_shows_benefits_with_their_history(
    personas: dict[str, Any], client_for: Any
) -> None:
    benefit = _dibao(personas)
    page = client_for("village_a1_officer").get(
        reverse("registry:household_detail", kwargs={"pk": benefit.household_id})
    )
    html = page.content.decode()
    assert "保障待遇与申请" in html and "2025-04 开始享受" in html and "840" in html


def test_keeping_a_benefit_needs_a_reason_and_a_village_officer_cannot_stop_one(
    personas: dict[str, Any], client_for: Any
) -> None:
    from minzheng.benefits import services

    benefit = _dibao(personas)
    services.monthly_scan(month=date(2025, 9, 1))
    recheck = Recheck.objects.get(benefit=benefit)
    url = reverse("benefits:recheck", kwargs={"pk": recheck.pk})
    clerk = client_for("township_a_clerk")
    assert "定期复核：入户调查和家庭经济状况核对" in clerk.get(url).content.decode()
    response = clerk.post(
        url,
        {
            "action": "visit",
            "review-visited_on": "2025-09-10",
            "review-staff": [personas["township_a_clerk"].pk, personas["village_a1_officer"].pk],
            "review-methods": ["home_visit"],
            "review-members_present": "户主",
            "review-member_signed": "on",
            "review-findings": "无变化",
            "review-result": "consistent",
            "review-summary": "一致",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert "重新测算" in clerk.get(url).content.decode()
    response = clerk.post(url, {"action": "dismiss", "reason": ""})
    assert response.status_code == 400 and "理由" in response.content.decode()
    assert client_for("village_a1_officer").post(url, {"action": "apply", "reason": "x"}).status_code == 403
    response = clerk.post(url, {"action": "dismiss", "reason": "入户复核无变化"})
    assert response.status_code == 302
    recheck.refresh_from_db()
    assert recheck.state == Recheck.State.DISMISSED


def test_the_standard_change_page_previews_totals(personas: dict[str, Any], client_for: Any) -> None:
    _dibao(personas)
    policy_version_create(
        actor=personas["county_admin"],
        region_code=COUNTY,
        effective_from=date(2025, 7, 1),
        values={"dibao.standard_rural": "600", "procedure.complaint_phone": "0830-8888888"},
        note="调标",
    )
    page = client_for("county_approver").get(
        reverse("benefits:standard_change"), {"program": "dibao", "month": "2025-07"}
    )
    html = page.content.decode()
    assert "共 1 人(户)：增加 1" in html and "840.00 元 → 900" in html


def test_the_monitoring_list_does_not_query_per_row(personas: dict[str, Any], client_for: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from minzheng.benefits import services

    _dibao(personas)
    services.monthly_scan(month=date(2025, 9, 1))
    client = client_for("township_a_clerk")
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("benefits:monitoring"))
    for _ in range(3):
        _dibao(personas)
    services.monthly_scan(month=date(2025, 9, 1))
    with CaptureQueriesContext(connection) as four:
        client.get(reverse("benefits:monitoring"))
    assert len(four) == len(one)


def test_applying_a_recheck_whose_result_changed_meanwhile_is_refused(
    personas: dict[str, Any], client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from decimal import Decimal

    from minzheng.registry import services as registry

    benefit = _dibao(personas)
    with django_capture_on_commit_callbacks(execute=True):
        registry.income_add(
            actor=personas["township_a_clerk"],
            household=benefit.household,
            category="wage",
            monthly_amount=Decimal("300"),
            source="零工",
        )
    recheck = Recheck.objects.get(benefit=benefit)
    url = reverse("benefits:recheck", kwargs={"pk": recheck.pk})
    approver = client_for("county_approver")
    assert 'name="expected" value="1:540.00"' in approver.get(url).content.decode()  # 3 × 580 − 1200
    response = approver.post(url, {"action": "apply", "reason": "", "expected": "1:600.00"})
    assert response.status_code == 400 and "已更新" in response.content.decode()
    response = approver.post(url, {"action": "apply", "reason": "", "expected": "1:540.00"})
    assert response.status_code == 302
