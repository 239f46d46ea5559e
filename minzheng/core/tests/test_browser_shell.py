"""The shell as a village officer sees it on a phone: the real app (migrate, demo, serve) driven by headless Chromium.

The server runs in subprocesses on a temporary SQLite database, exactly as a user starts it, so the shared test
database and its personas are never touched (no live_server, no flush).
"""

from __future__ import annotations

import csv
import os
import re
from typing import Any

import pytest

from minzheng.core.testing.browser import log_in
from minzheng.demo.services import DEMO_PASSWORD, DEMO_REGIONS_FILE

pytestmark = pytest.mark.browser

OFFICER = "baixiang_officer"
OFFICER_NAME = "李信息员"
OFFICER_ROLE = "村级信息员"
OFFICER_VILLAGE_CODE = "510521103222"
OFFICER_VILLAGE = "白象村民委员会"
OTHER_VILLAGE_CODE = "510521103224"
OTHER_VILLAGE = "仁和村民委员会"
SITE_NAME = "民政业务系统"
PHONE = {"width": 390, "height": 844}
STARTUP_TIMEOUT = 30.0


def _names_outside_scope() -> list[str]:
    """Every demo region that is neither the officer's village nor one of its ancestors."""
    with DEMO_REGIONS_FILE.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [
        row["name"]
        for row in rows
        if not OFFICER_VILLAGE_CODE.startswith(row["code"]) and row["name"] not in OFFICER_VILLAGE
    ]


def test_village_officer_shell_on_a_phone(phone: Any, app_url: str, artifacts_dir: str) -> None:
    from playwright.sync_api import expect

    page = phone
    log_in(page, OFFICER, DEMO_PASSWORD)
    expect(page).to_have_url(f"{app_url}/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")

    # The Chinese shell: brand, greeting, the 待办 area.
    expect(page.locator(".navbar-brand")).to_have_text(SITE_NAME)
    expect(page.get_by_role("heading", level=1)).to_contain_text(OFFICER_NAME)
    expect(page.get_by_role("heading", name="我的待办")).to_be_visible()
    expect(page.get_by_test_id("todo-list")).to_be_visible()
    page.screenshot(path=os.path.join(artifacts_dir, "browser-village-officer-home.png"), full_page=True)

    # At phone width the menu (待办， sections, user menu) is folded behind the toggler.
    user_menu = page.get_by_test_id("user-menu")
    expect(user_menu).to_be_hidden()
    toggler = page.locator(".navbar-toggler")
    expect(toggler).to_be_visible()
    toggler.click()
    expect(page.locator("#mainnav")).to_have_class(re.compile(r"\bshow\b"))
    expect(user_menu).to_be_visible()
    expect(page.locator("#mainnav").get_by_role("link", name="待办", exact=True)).to_be_visible()
    expect(user_menu).to_contain_text(OFFICER_NAME)
    expect(user_menu).to_contain_text(OFFICER_ROLE)
    expect(page.get_by_test_id("user-scope")).to_have_text(OFFICER_VILLAGE)
    user_menu.click()
    expect(page.locator(".dropdown-menu")).to_contain_text(OFFICER_VILLAGE_CODE)
    expect(page.locator(".dropdown-menu").get_by_role("button", name="退出登录")).to_be_visible()
    page.screenshot(path=os.path.join(artifacts_dir, "browser-village-officer-menu.png"), full_page=True)
    user_menu.click()  # close the dropdown again

    # 行政区划： only their own village is the root.
    page.locator("#mainnav").get_by_role("link", name="行政区划", exact=True).click()
    page.wait_for_url("**/regions/")
    expect(page.get_by_test_id("region-name")).to_have_text(OFFICER_VILLAGE)
    main_text = page.locator("main").inner_text()
    leaked = [name for name in _names_outside_scope() if name in main_text]
    assert leaked == [], f"regions outside the officer's village shown on /regions/: {leaked}"
    assert OTHER_VILLAGE not in main_text
    page.screenshot(path=os.path.join(artifacts_dir, "browser-village-officer-regions.png"), full_page=True)

    # Another village of the same township is simply not there.
    response = page.goto(f"/regions/{OTHER_VILLAGE_CODE}/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="找不到页面")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(OTHER_VILLAGE)
    page.screenshot(path=os.path.join(artifacts_dir, "browser-village-officer-404.png"), full_page=True)


def test_front_and_login_pages_in_chinese(phone: Any, artifacts_dir: str) -> None:
    from playwright.sync_api import expect

    page = phone
    response = page.goto("/")
    assert response is not None and response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator(".navbar-brand")).to_have_text(SITE_NAME)
    expect(page.get_by_role("heading", level=1)).to_have_text(SITE_NAME)
    page.screenshot(path=os.path.join(artifacts_dir, "browser-anonymous-front.png"), full_page=True)

    page.get_by_role("link", name="工作人员登录").click()
    page.wait_for_url("**/accounts/login/")
    expect(page.get_by_role("heading", name="工作人员登录")).to_be_visible()
    expect(page.get_by_label("用户名")).to_be_visible()
    expect(page.get_by_label("密码")).to_be_visible()
    expect(page.get_by_role("button", name="登录", exact=True)).to_be_visible()

    log_in(page, OFFICER, "not-the-password-2026")
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码不正确")
    expect(page.get_by_test_id("user-menu")).to_have_count(0)
    page.screenshot(path=os.path.join(artifacts_dir, "browser-login-wrong-password.png"), full_page=True)
