"""The first page after login shows the user's scope at a glance, every chart's numbers also as a table."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from minzheng.payments.tests.factories import approved_dibao
from minzheng.reports.dashboard import dashboard_data

pytestmark = pytest.mark.django_db


def test_the_dashboard_counts_the_scope_month_by_month(personas: dict[str, Any]) -> None:
    approved_dibao(personas)  # 3 people from 2025-04
    approved_dibao(personas)
    data = dashboard_data(personas["township_a_clerk"], today=date(2025, 5, 15))
    assert data["persons"]["months"][-2:] == ["2025-04", "2025-05"]
    dibao = data["persons_rows"]
    assert dibao[-3][1:2] == [0] and dibao[-2][1] == 6 and dibao[-1][1] == 6  # March none, April and May 6
    assert data["village_rows"] == [("白象村民委员会", 2)]
    other = dashboard_data(personas["township_b_clerk"], today=date(2025, 5, 15))
    assert other["persons_rows"][-1][1] == 0 and other["village_rows"] == []


def test_the_home_page_carries_the_dashboard_with_its_tables(
    personas: dict[str, Any], client_for: Any
) -> None:
    approved_dibao(personas)
    page = client_for("county_approver").get(reverse("core:home")).content.decode()
    assert 'data-testid="dashboard"' in page and 'id="dash-persons"' in page
    assert "vendor/echarts/echarts.min.js" in page and "数据表" in page
