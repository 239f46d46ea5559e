"""Dynamic management as the township clerk meets it on a phone: the monitoring list of the demo county shows real
reasons to act; a recheck shows the old and the new decision side by side."""

from __future__ import annotations

import os
from typing import Any

import pytest

from minzheng.core.testing.browser import log_in
from minzheng.demo.services import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_the_monitoring_list_shows_reasons_to_act(phone: Any, artifacts_dir: str) -> None:
    from playwright.sync_api import expect

    log_in(phone, "desheng_clerk", DEMO_PASSWORD)
    phone.goto("/benefits/")
    monitoring = phone.get_by_test_id("monitoring")
    expect(monitoring).to_contain_text("李长庚")  # his wife found work: the 低保 is rechecked
    expect(monitoring).to_contain_text("年满 90 周岁")  # 高德寿's band changes next month
    phone.screenshot(path=os.path.join(artifacts_dir, "benefits-monitoring-phone.png"), full_page=True)
    monitoring.get_by_role("row").filter(has_text="李长庚").get_by_role("link").click()
    compare = phone.get_by_test_id("recheck-compare")
    expect(compare).to_contain_text("现行待遇")
    expect(compare).to_contain_text("重新测算")
    phone.screenshot(path=os.path.join(artifacts_dir, "benefits-recheck-phone.png"), full_page=True)
