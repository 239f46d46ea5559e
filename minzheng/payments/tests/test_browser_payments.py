"""The issue's round, in the browser on the demo county: the 得胜镇 clerk generates next month's 低保 roster, fixes
the two accounts the checks flag, the county approves, the bank file's control totals show, a return file marks
three lines failed and they wait on the next month's re-issue list."""

from __future__ import annotations

import os
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from minzheng.core.testing.browser import app_env, cli, log_in
from minzheng.demo.cases import LEGACY_ACCOUNT, NO_ACCOUNT
from minzheng.demo.services import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def _month_after(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _run_jobs() -> None:
    """What the background worker does (the served demo runs without one)."""
    cli(app_env(Path(os.environ["MINZHENG_BROWSER_DB"]).parent), "db_worker", "--batch")


def _fix_account(page: Any, cycle_url: str, name: str, number: str) -> None:
    """From the problem list to the household's page, and its edit form (the clerk's path)."""
    page.goto(cycle_url)
    href = page.get_by_test_id("check-problems").get_by_role("link", name=name).get_attribute("href")
    page.goto(f"{href}edit/")
    page.get_by_label("开户银行").fill("泸县农村商业银行")
    page.get_by_label("账户户名").fill(name)
    page.get_by_label("银行账号(一卡通)").fill(number)
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert "/edit/" not in page.url, page.content()[:2000]


def test_a_month_of_dibao_from_roster_to_reissue(
    desktop: Any, browser: Any, app_url: str, artifacts_dir: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    month = _month_after(timezone.localdate())
    log_in(desktop, "desheng_clerk", DEMO_PASSWORD)
    desktop.goto("/payments/")
    form = desktop.get_by_test_id("generate-form")
    form.get_by_label("发放月份(按季发放填季度首月)").fill(f"{month:%Y-%m}")
    form.get_by_role("button", name="生成").click()
    desktop.wait_for_load_state()
    assert "/jobs/" in desktop.url, desktop.locator("main").inner_text()[:1500]
    _run_jobs()
    desktop.goto("/payments/")
    desktop.get_by_test_id("cycle-list").get_by_role("link", name=f"{month:%Y-%m}").first.click()
    cycle_url = desktop.url
    problems = desktop.get_by_test_id("check-problems")
    expect(problems).to_contain_text(NO_ACCOUNT)
    expect(problems).to_contain_text(LEGACY_ACCOUNT)
    expect(desktop.get_by_text("2 个问题须处理")).to_be_visible()
    desktop.screenshot(path=os.path.join(artifacts_dir, "payments-checks.png"), full_page=True)

    _fix_account(desktop, cycle_url, NO_ACCOUNT, "6228480402564890018")
    _fix_account(desktop, cycle_url, LEGACY_ACCOUNT, "6228480402564890026")
    desktop.goto(cycle_url)
    desktop.get_by_role("button", name="重新生成(更正档案后)").click()
    _run_jobs()
    desktop.goto(cycle_url)
    expect(desktop.get_by_text("核对未发现问题。")).to_be_visible()
    desktop.get_by_test_id("confirm-checked").click()
    _run_jobs()
    desktop.goto(cycle_url)
    expect(desktop.get_by_test_id("cycle-state")).to_have_text("已核对")

    county = browser.new_context(
        base_url=app_url, locale="zh-CN", viewport={"width": 1280, "height": 900}
    ).new_page()
    log_in(county, "approver", DEMO_PASSWORD)
    county.goto(cycle_url)
    county.get_by_test_id("approve").click()
    expect(county.get_by_test_id("cycle-state")).to_have_text("已审批")

    desktop.goto(cycle_url)
    desktop.get_by_label("模板").select_option(label="通用 Excel")
    desktop.get_by_test_id("export").click()
    _run_jobs()
    desktop.goto(cycle_url)
    totals = desktop.get_by_test_id("control-totals").inner_text()
    exports = desktop.get_by_test_id("exports")
    expect(exports).to_contain_text("控制数：")
    href = exports.get_by_role("link").first.get_attribute("href")
    response = desktop.request.get(href)  # the link's download, with the clerk's session
    assert response.ok and "attachment" in response.headers["content-disposition"]
    bank_file = tmp_path / "bank.xlsx"
    bank_file.write_bytes(response.body())
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(bank_file)).get_sheet_by_index(0).to_python()
    count = len(rows) - 2
    assert rows[-1][0] == f"合计 {count} 笔" and f"{count}" in totals
    amounts = [Decimal(str(r[5])) for r in rows[1:-1]]
    assert sum(amounts, Decimal("0.00")) == Decimal(str(rows[-1][5])) and str(rows[-1][5]) in totals.replace(
        ",", ""
    )

    # the bank's answer: three lines failed
    from minzheng.payments.bankfiles import DRILL_REASONS

    returned = tmp_path / "回盘.xlsx"
    import xlsxwriter

    book = xlsxwriter.Workbook(str(returned))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, [*rows[0], "结果", "失败原因"])
    for index, row in enumerate(rows[1:-1], start=1):
        failed = index <= 3
        sheet.write_row(
            index, 0, [*row, "失败" if failed else "成功", DRILL_REASONS[index % 3] if failed else ""]
        )
    book.close()
    desktop.get_by_label("导入银行回盘(含“结果”列：成功/失败)").set_input_files(str(returned))
    desktop.get_by_test_id("import-return").click()
    expect(desktop.get_by_role("alert").filter(has_text="回盘已导入")).to_contain_text("失败 3 笔")
    expect(desktop.get_by_test_id("cycle-state")).to_have_text("已对账")
    desktop.goto(cycle_url + "?show=failed")
    for _i in range(3):
        desktop.get_by_test_id("roster-lines").get_by_role("button", name="保存").first.click()
        desktop.goto(cycle_url + "?show=failed")
    desktop.screenshot(path=os.path.join(artifacts_dir, "payments-cycle.png"), full_page=True)
    desktop.goto("/payments/")
    expect(desktop.get_by_test_id("reissue-list").get_by_role("row")).to_have_count(4)  # header + 3
    desktop.screenshot(path=os.path.join(artifacts_dir, "payments-reissue-list.png"), full_page=True)
