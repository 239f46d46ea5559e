"""The county's first page after login on a desktop and a phone: the dashboard's charts are drawn (ECharts canvases),
their numbers are one click away as tables (the demo's year of 低保 rosters against 得胜镇's budget); a quarterly
report opens from the reports page."""

from __future__ import annotations

import os
from typing import Any

import pytest

from minzheng.core.testing.browser import log_in
from minzheng.demo.services import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_the_dashboard_draws_its_charts_on_a_desktop_and_a_phone(
    desktop: Any, phone: Any, artifacts_dir: str
) -> None:
    from playwright.sync_api import expect

    for page, name in ((desktop, "desktop"), (phone, "phone")):
        log_in(page, "approver", DEMO_PASSWORD)
        dashboard = page.get_by_test_id("dashboard")
        expect(dashboard).to_be_visible()
        # persons, funds, villages, and the year's funds against 得胜镇's budget (the county sums its townships')
        expect(dashboard.locator("[data-chart] canvas")).to_have_count(4)
        page.screenshot(path=os.path.join(artifacts_dir, f"dashboard-{name}.png"), full_page=True)
    desktop.get_by_text("数据表").first.click()
    expect(desktop.get_by_test_id("dash-persons-table")).to_contain_text("最低生活保障")
    desktop.get_by_test_id("dash-budget").get_by_text("数据表").click()
    expect(desktop.get_by_test_id("dash-budget-table")).to_contain_text("300000.00")
    desktop.goto("/reports/")
    desktop.get_by_role("link", name="城乡最低生活保障情况统计表").click()
    expect(desktop.get_by_test_id("report-table")).to_contain_text("合计")
    desktop.screenshot(path=os.path.join(artifacts_dir, "report-dibao.png"), full_page=True)
