"""The public side as a resident meets it on a phone: the front page leads to 公示公告, a village's notices and its
approved roll, readable at phone width, with nothing private on the page."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_a_resident_reads_a_villages_notices_and_roll_on_a_phone(phone: Any, artifacts_dir: str) -> None:
    from playwright.sync_api import expect

    phone.goto("/")
    phone.get_by_test_id("public-notices-link").click()
    phone.get_by_role("link", name="得胜镇 仁和村").click()
    expect(phone.get_by_test_id("public-roll")).to_contain_text("李长庚")
    expect(phone.get_by_test_id("public-notices")).to_contain_text("周永福")
    text = phone.locator("main").inner_text()
    assert not re.search(r"\d{17}[\dXx]", text) and not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", text)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= phone.viewport_size["width"] + 1
    phone.screenshot(path=os.path.join(artifacts_dir, "public-village-phone.png"), full_page=True)
