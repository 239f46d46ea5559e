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


def test_a_township_submits_its_quarter_and_the_county_sees_it_summed(
    desktop: Any, browser: Any, app_url: str, artifacts_dir: str
) -> None:
    """The issue's round on the demo: the 得胜镇 clerk opens this quarter's 低保 report, checks the households number
    by clicking through to its list, exports the workbook, submits; the county approver sees 得胜镇 submitted and
    its numbers in the county's sum."""
    import io
    import re

    from playwright.sync_api import expect
    from python_calamine import CalamineWorkbook

    log_in(desktop, "desheng_clerk", DEMO_PASSWORD)
    desktop.goto("/reports/")
    desktop.get_by_role("link", name="城乡最低生活保障情况统计表").click()
    total_row = desktop.get_by_test_id("report-table").locator("tbody tr").last
    households = total_row.locator("td a").first
    count = int(households.inner_text())
    assert count >= 24  # the demo's payroll of 得胜镇
    report_url = desktop.url
    households.click()
    expect(desktop.get_by_test_id("drill-value")).to_have_text(str(count))
    expect(desktop.get_by_test_id("drill-list").locator("tbody tr")).to_have_count(min(count, 50))
    desktop.screenshot(path=os.path.join(artifacts_dir, "report-drill.png"), full_page=True)

    # the month a listed household started: its change list names it as 新增, the workbook holds the same rows
    started = re.search(r"起始 (\d{4}-\d{2})", desktop.get_by_test_id("drill-list").inner_text())
    assert started is not None
    desktop.goto("/reports/")
    desktop.get_by_test_id("change-list-link").click()
    desktop.get_by_label("变动月份").fill(started[1])
    desktop.get_by_test_id("change-list-form").get_by_role("button", name="确定").click()
    changes = desktop.get_by_test_id("change-list")
    expect(changes).to_contain_text("新增")
    listed = changes.locator("tbody tr").count()
    desktop.screenshot(path=os.path.join(artifacts_dir, "report-change-list.png"), full_page=True)
    href = desktop.get_by_test_id("change-list-xlsx").get_attribute("href")
    changes_xlsx = desktop.request.get(desktop.url.split("?")[0] + href)
    assert changes_xlsx.ok
    listed_rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(changes_xlsx.body())).get_sheet_by_index(0).to_python()
    )
    assert listed_rows[2][1] == "变动类型" and len(listed_rows) == 3 + listed + 1

    desktop.goto(report_url)
    href = desktop.get_by_test_id("report-xlsx").get_attribute("href")
    workbook = desktop.request.get(report_url.split("?")[0] + href)
    assert workbook.ok
    rows = CalamineWorkbook.from_filelike(io.BytesIO(workbook.body())).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "城乡最低生活保障情况统计表" and rows[1][0] == "填报单位：得胜镇"
    assert rows[7][0] == "合计" and rows[7][1] == count

    desktop.get_by_test_id("report-submit").click()
    expect(desktop.get_by_test_id("submission-state")).to_contain_text("已上报")
    desktop.screenshot(path=os.path.join(artifacts_dir, "report-submitted.png"), full_page=True)

    county = browser.new_context(base_url=app_url, viewport={"width": 1280, "height": 900}, locale="zh-CN")
    try:
        page = county.new_page()
        log_in(page, "approver", DEMO_PASSWORD)
        page.goto("/reports/forms/dibao/")
        expect(page.get_by_test_id("township-status").locator("tr", has_text="得胜镇")).to_contain_text(
            "已上报"
        )
        summed = page.get_by_test_id("submitted-sum").locator("tr").last
        expect(summed).to_contain_text("合计")
        assert summed.locator("td").first.inner_text() == str(count)
        page.screenshot(path=os.path.join(artifacts_dir, "report-county.png"), full_page=True)
    finally:
        county.close()
