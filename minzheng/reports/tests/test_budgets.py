"""A year's budget per program, set by the county or a township, and the dashboard's funds against it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from minzheng.audit.models import AuditEvent
from minzheng.core.errors import PermissionDeniedError, ValidationFailed
from minzheng.core.testing.personas import COUNTY, TOWNSHIP_A, TOWNSHIP_B, VILLAGE_A1
from minzheng.payments.tests.factories import approved_cycle, approved_dibao
from minzheng.reports.dashboard import dashboard_data
from minzheng.reports.models import Budget
from minzheng.reports.selectors import budgets_for
from minzheng.reports.services import budget_set

pytestmark = pytest.mark.django_db


def _april_paid(personas: dict[str, Any]) -> None:
    """Three 低保 households of township A paid for April 2025: 3 × 840 = 2520."""
    for _i in range(3):
        approved_dibao(personas)
    approved_cycle(personas, date(2025, 4, 1))


def test_the_dashboard_sets_the_years_payments_against_the_budget(personas: dict[str, Any]) -> None:
    _april_paid(personas)
    clerk = personas["township_a_clerk"]
    assert dashboard_data(clerk, today=date(2025, 6, 15))["budget"] == []  # none set: nothing to compare
    budget_set(actor=clerk, region_code=TOWNSHIP_A, program="dibao", year=2025, amount="10,000")
    data = dashboard_data(clerk, today=date(2025, 6, 15))
    assert data["budget"] == [
        {
            "program": "最低生活保障",
            "budget": "10000.00",
            "paid": "2520.00",
            "left": "7480.00",
            "used": "25.2%",
            "ahead": False,
        }
    ]
    assert data["budget_chart"]["paid"] == ["2520.00"] and data["budget_elapsed"] == "50%"
    # a small budget is used faster than the year goes by: flagged
    budget_set(actor=clerk, region_code=TOWNSHIP_A, program="dibao", year=2025, amount="3000")
    assert dashboard_data(clerk, today=date(2025, 6, 15))["budget"][0]["ahead"] is True
    # another year's budget does not apply
    assert dashboard_data(clerk, today=date(2026, 6, 15))["budget"] == []


def test_the_county_uses_its_own_budget_or_else_the_sum_of_its_townships(personas: dict[str, Any]) -> None:
    admin, clerk_a, clerk_b = (personas[p] for p in ("county_admin", "township_a_clerk", "township_b_clerk"))
    budget_set(actor=clerk_a, region_code=TOWNSHIP_A, program="dibao", year=2025, amount="1000")
    budget_set(actor=clerk_b, region_code=TOWNSHIP_B, program="dibao", year=2025, amount="2500.5")
    assert budgets_for(COUNTY, 2025) == {"dibao": Decimal("3500.50")}
    assert budgets_for(TOWNSHIP_A, 2025) == {"dibao": Decimal("1000.00")}
    budget_set(actor=admin, region_code=COUNTY, program="dibao", year=2025, amount="9000")
    assert budgets_for(COUNTY, 2025) == {"dibao": Decimal("9000.00")}
    assert (
        dashboard_data(personas["county_approver"], today=date(2025, 3, 1))["budget"][0]["budget"]
        == "9000.00"
    )


def test_a_budget_is_set_in_scope_only_with_clear_messages_and_audited(personas: dict[str, Any]) -> None:
    clerk = personas["township_a_clerk"]
    with pytest.raises(PermissionDeniedError):
        budget_set(actor=clerk, region_code=TOWNSHIP_B, program="dibao", year=2025, amount="1")
    with pytest.raises(PermissionDeniedError):
        budget_set(
            actor=personas["village_a1_officer"],
            region_code=VILLAGE_A1,
            program="dibao",
            year=2025,
            amount="1",
        )
    with pytest.raises(ValidationFailed) as bad:
        budget_set(actor=clerk, region_code=TOWNSHIP_A, program="nothing", year="二〇二五", amount="-5")
    assert set(bad.value.fields) == {"program", "year", "amount"}
    with pytest.raises(ValidationFailed, match="请修正") as words:
        budget_set(actor=clerk, region_code=TOWNSHIP_A, program="dibao", year=2025, amount="一万")
    assert "预算金额应为数字" in str(words.value.fields["amount"][0])
    assert not Budget.objects.exists()

    budget_set(actor=clerk, region_code=TOWNSHIP_A, program="dibao", year=2025, amount="1000")
    budget_set(actor=clerk, region_code=TOWNSHIP_A, program="dibao", year=2025, amount="1200")
    assert Budget.objects.get().amount == Decimal("1200.00")
    assert budget_set(actor=clerk, region_code=TOWNSHIP_A, program="dibao", year=2025, amount="") is None
    assert not Budget.objects.exists()
    events = list(AuditEvent.objects.filter(event_code="reports.budget_set").order_by("seq"))
    assert [(e.old_values, e.new_values) for e in events] == [
        (None, {"amount": "1000.00"}),
        ({"amount": "1000.00"}, {"amount": "1200.00"}),
        ({"amount": "1200.00"}, None),
    ]


def test_the_budget_page_lists_sets_and_explains(personas: dict[str, Any], client_for: Any) -> None:
    url = reverse("reports:budgets")
    clerk = client_for("township_a_clerk")
    bad = clerk.post(url, {"region": TOWNSHIP_A, "program": "dibao", "year": "2025", "amount": "abc"})
    assert bad.status_code == 200 and "预算金额应为数字" in bad.content.decode()
    assert not Budget.objects.exists()
    done = clerk.post(url, {"region": TOWNSHIP_A, "program": "dibao", "year": "2025", "amount": "88000"})
    assert done.status_code == 302
    page = clerk.get(url, {"year": "2025"}).content.decode()
    assert "88000.00" in page and 'data-testid="budget-form"' in page
    officer = client_for("village_a1_officer")
    assert 'data-testid="budget-form"' not in officer.get(url, {"year": "2025"}).content.decode()
    refused = officer.post(url, {"region": TOWNSHIP_A, "program": "dibao", "year": "2025", "amount": "1"})
    assert refused.status_code == 403
    assert Budget.objects.get().amount == Decimal("88000.00")
    # another township's clerk neither sees township A's budget nor can change it
    other = client_for("township_b_clerk")
    assert "88000.00" not in other.get(url, {"year": "2025"}).content.decode()
    assert (
        other.post(url, {"region": TOWNSHIP_A, "program": "dibao", "year": "2025", "amount": "1"}).status_code
        == 403
    )
