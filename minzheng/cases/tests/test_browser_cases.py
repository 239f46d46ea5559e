"""The procedure as its users meet it (issue: done when): a village officer files on a phone; the township clerk
carries the case through visit, check and notice with the township head's review; a resident objects on the public
page; the case loops; the county visits and approves; the poster prints. Screenshots go to test-artifacts/."""

from __future__ import annotations

import os
import sqlite3
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from minzheng.core.testing.browser import log_in
from minzheng.demo.services import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def _shot(page: Any, artifacts_dir: str, name: str) -> None:
    page.screenshot(path=os.path.join(artifacts_dir, f"case-{name}.png"), full_page=True)


def _act(page: Any, action: str, fill: dict[str, str] | None = None, check: tuple[str, ...] = ()) -> None:
    """Fill one action form on the case page (prefix = the action) and submit it."""
    section = page.get_by_test_id(f"action-{action}")
    for field, value in (fill or {}).items():
        element = section.locator(f"[name='{action}-{field}']").first
        if element.evaluate("e => e.tagName") == "SELECT":
            element.select_option(value)
        else:
            element.fill(value)
    for selector in check:
        section.locator(selector).check()
    section.get_by_role("button").click()
    page.wait_for_load_state()


def _visit(page: Any, action: str = "investigate", staff: tuple[str, str] = ("陈助理", "李信息员")) -> None:
    section = page.get_by_test_id(f"action-{action}")
    for name in staff:  # two distinct people; the township head stays out so that he may review (separation)
        section.get_by_label(name, exact=False).check()
    _act(
        page,
        action,
        {"members_present": "冯友才、何秀兰", "findings": "住房简陋，无车辆，户主打零工。"},
        check=(
            f"input[name='{action}-methods'][value='home_visit']",
            f"input[name='{action}-member_signed']",
        ),
    )


def _review_and_publish(clerk: Any, head: Any, case_url: str) -> None:
    from playwright.sync_api import expect

    _act(clerk, "check", {"result": "consistent", "summary": "与申报一致"})
    expect(clerk.get_by_test_id("case-status")).to_have_text("已核对，待初审")
    head.goto(case_url)
    _act(head, "review", {"agree": "yes"})
    expect(head.get_by_test_id("case-status")).to_have_text("已初审，待公示")
    clerk.goto(case_url)
    _act(clerk, "publish")


def test_a_case_walks_from_a_phone_to_the_county(
    phone: Any, desktop: Any, browser: Any, app_url: str, artifacts_dir: str
) -> None:
    from playwright.sync_api import expect

    # 1. the village officer files for 冯友才 on a phone
    log_in(phone, "baixiang_officer", DEMO_PASSWORD)
    phone.goto("/registry/?q=冯友才")
    phone.get_by_test_id("member-results").get_by_role("link").first.click()
    phone.get_by_test_id("apply-link").click()
    phone.locator("#id_reason").fill("户主打零工收入低，女儿上学")
    _shot(phone, artifacts_dir, "1-officer-files-on-phone")
    phone.get_by_test_id("application-submit").click()
    expect(phone.get_by_test_id("case-status")).to_have_text("待受理")
    case_url = phone.url.removeprefix(app_url)

    # 2. the township clerk accepts, visits (with the officer) and checks; the head reviews; the clerk publishes
    clerk = desktop
    log_in(clerk, "desheng_clerk", DEMO_PASSWORD)
    clerk.goto(case_url)
    _act(clerk, "accept")
    expect(clerk.get_by_test_id("case-clock")).to_contain_text("开始入户调查")
    _visit(clerk)
    expect(clerk.get_by_test_id("case-status")).to_have_text("已入户调查，待核对")
    head_context = browser.new_context(base_url=app_url, viewport={"width": 1280, "height": 900})
    head = head_context.new_page()
    log_in(head, "desheng_head", DEMO_PASSWORD)
    _review_and_publish(clerk, head, case_url)
    expect(clerk.get_by_test_id("case-status")).to_have_text("公示中")
    _shot(clerk, artifacts_dir, "2-clerk-notice-published")

    # 3. a resident, not logged in, objects on the public page
    resident_context = browser.new_context(
        base_url=app_url, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    resident = resident_context.new_page()
    resident.goto("/")
    resident.get_by_test_id("public-notices-link").click()
    resident.get_by_role("link", name="得胜镇 白象村").click()
    resident.get_by_test_id("public-notices").get_by_role("link").first.click()
    expect(resident.get_by_test_id("public-notice")).to_contain_text("冯友才")
    resident.locator("#id_contact").fill("同组村民")
    resident.locator("#id_text").fill("冯友才家去年新修了两层楼房，请核实。")
    _shot(resident, artifacts_dir, "3-resident-objects")
    resident.get_by_role("button", name="提交异议").click()
    expect(resident.get_by_test_id("objection-sent")).to_be_visible()

    # 4. the case loops: re-investigation, check, review, a second 7-day notice
    clerk.goto(case_url)
    expect(clerk.get_by_test_id("case-status")).to_have_text("公示有异议，待复查")
    _act(clerk, "resolve_objection", {"route": "reinvestigate", "note": "重新入户核实住房"})
    _visit(clerk)
    _review_and_publish(clerk, head, case_url)
    expect(clerk.get_by_test_id("case-status")).to_have_text("公示中")

    # time passes: the second notice's seven days are over (the test moves the dates; nothing else is touched)
    db = sqlite3.connect(os.environ["MINZHENG_BROWSER_DB"])
    case_id = int(case_url.strip("/").split("/")[-1])
    (ends,) = db.execute(
        "SELECT ends_on FROM cases_notice WHERE application_id = ? ORDER BY round DESC LIMIT 1", (case_id,)
    ).fetchone()
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the served app's office day
    shift = (date.fromisoformat(ends) - today).days + 1
    db.execute(
        "UPDATE cases_notice SET starts_on = date(starts_on, ?), ends_on = date(ends_on, ?) WHERE application_id = ?",
        (f"-{shift} days", f"-{shift} days", case_id),
    )
    db.commit()
    db.close()
    clerk.reload()
    _act(clerk, "close_notice")
    expect(clerk.get_by_test_id("case-status")).to_have_text("公示期满，待审核确认")

    # 5. the county: its own home visit (the case drew an objection, DB-50), then approval
    county_context = browser.new_context(base_url=app_url, viewport={"width": 1280, "height": 900})
    county = county_context.new_page()
    log_in(county, "approver", DEMO_PASSWORD)
    county.goto(case_url)
    _visit(county, "county_visit", staff=("王审批", "县民政局管理员"))
    _act(county, "decide", {"approve": "yes"})
    expect(county.get_by_test_id("case-status")).to_have_text("已确认")
    timeline = county.get_by_test_id("case-timeline")
    for step in (
        "提出申请",
        "受理",
        "入户调查",
        "核对",
        "乡镇初审",
        "张榜公示",
        "公示期间提出异议",
        "县级入户核查",
        "审核确认",
    ):
        expect(timeline).to_contain_text(step)
    _shot(county, artifacts_dir, "5-county-approved")

    # the poster of the notice prints: a PDF that carries the applicant's name in Chinese
    href = county.get_by_role("link", name="打印公示(A4)").last.get_attribute("href")
    poster = county.request.get(href)
    assert (
        poster.ok
        and poster.headers["content-type"] == "application/pdf"
        and poster.body().startswith(b"%PDF")
    )
    for context in (head_context, resident_context, county_context):
        context.close()
