"""测算 as its users meet it: the township clerk, on a phone at a doorstep, runs 低保 on a household of the demo county; the county
administrator raises the rural standard in the policy editor and the same household's decision follows it."""

from __future__ import annotations

import os
from typing import Any

import pytest

from minzheng.core.testing.browser import log_in
from minzheng.demo.services import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def _run_dibao(page: Any, household_url: str) -> str:
    page.goto(household_url)
    page.get_by_test_id("assess-link").click()
    page.locator("#id_on").fill("2026-11-28")
    page.get_by_test_id("assess-form").get_by_role("button").click()
    page.get_by_test_id("decision").wait_for()
    text: str = page.get_by_test_id("decision").inner_text()
    return text


def test_officer_runs_a_what_if_and_the_admin_changes_the_standard(
    phone: Any, desktop: Any, artifacts_dir: str
) -> None:
    from playwright.sync_api import expect

    log_in(phone, "desheng_clerk", DEMO_PASSWORD)
    phone.goto("/registry/")
    phone.get_by_test_id("household-list").locator("a").first.click()
    household_url = phone.url
    before = _run_dibao(phone, household_url)
    # 泸州 2024 (the demo's preset): 580 rural, 788 urban
    assert "农村低保标准 580 元/人·月" in before or "城市低保标准 788 元/人·月" in before
    phone.screenshot(path=os.path.join(artifacts_dir, "assess-officer-phone.png"), full_page=True)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= phone.viewport_size["width"] + 1  # nothing overflows the phone's width

    log_in(desktop, "admin", DEMO_PASSWORD)
    desktop.goto("/policy/")
    expect(desktop.get_by_test_id("policy-dibao")).to_contain_text("泸州市 2024-07-01 起")
    desktop.get_by_test_id("policy-add").click()
    desktop.locator("#id_effective_from").fill("2026-01-01")
    desktop.locator("#id_note").fill("泸县民发〔2026〕1号")
    desktop.locator("[id='p_dibao.standard_rural']").fill("620")
    desktop.locator("[id='p_dibao.standard_urban']").fill("820")
    desktop.screenshot(path=os.path.join(artifacts_dir, "policy-admin-new-version.png"), full_page=False)
    desktop.get_by_role("button", name="保存新版本").click()
    expect(desktop.get_by_test_id("policy-history")).to_contain_text("dibao.standard_rural = 620")
    desktop.screenshot(path=os.path.join(artifacts_dir, "policy-admin-index.png"), full_page=False)

    after = _run_dibao(phone, household_url)
    assert "农村低保标准 620 元/人·月" in after or "城市低保标准 820 元/人·月" in after
