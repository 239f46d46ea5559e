"""The registry as its users meet it: a village officer on a phone opens a household file with three members and a
scanned form; the township clerk finds them by pinyin initials, moves a member, records a death, reads the timeline."""

from __future__ import annotations

import os
from datetime import date
from typing import Any

import pytest

from minzheng.core.testing.browser import log_in
from minzheng.demo.services import DEMO_PASSWORD
from minzheng.registry.idnumber import check_character

pytestmark = pytest.mark.browser


def _id(birth: date, order: int) -> str:
    body = f"510521{birth:%Y%m%d}{order:03d}"
    return body + check_character(body)


HEAD_ID = _id(date(1966, 6, 16), 871)
SPOUSE_ID = _id(date(1968, 8, 18), 872)
SON_ID = _id(date(1995, 5, 15), 873)


def _fill_member(page: Any, prefix: str, name: str, id_number: str, relation: str | None = None) -> None:
    page.locator(f"#id_{prefix}-name").fill(name)
    page.locator(f"#id_{prefix}-id_number").fill(id_number)
    if relation:
        page.locator(f"#id_{prefix}-relation").select_option(relation)


def test_officer_opens_a_file_and_the_clerk_manages_it(phone: Any, desktop: Any, artifacts_dir: str) -> None:
    from playwright.sync_api import expect

    page = phone
    log_in(page, "baixiang_officer", DEMO_PASSWORD)
    page.goto("/registry/households/new/")
    page.locator("#id_hh-region").select_option("510521103222")
    page.locator("#id_hh-address").fill("白象村五组 21 号")
    page.locator("#id_hh-hukou_type").select_option("rural")
    _fill_member(page, "head", "欧阳振华", HEAD_ID)
    page.get_by_text("其他成员 1").click()
    _fill_member(page, "m0", "邱桂芳", SPOUSE_ID, "spouse")
    page.get_by_text("其他成员 2").click()
    _fill_member(page, "m1", "欧阳小军", SON_ID, "son")
    page.screenshot(path=os.path.join(artifacts_dir, "registry-officer-new-household.png"), full_page=True)
    page.get_by_test_id("household-save").click()
    page.wait_for_url("**/registry/households/*/")
    expect(page.get_by_test_id("members-table")).to_contain_text("欧阳小军")
    household_url = page.url

    page.goto(household_url + "documents/new/")
    page.locator("#id_doc_type").select_option("application")
    page.locator("#id_file").set_input_files(
        {"name": "申请书.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n% scanned form\n"}
    )
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(household_url)
    expect(page.locator("main")).to_contain_text("申请书.pdf")
    # The officer sees ID numbers masked.
    expect(page.get_by_test_id("members-table")).not_to_contain_text(HEAD_ID)
    page.screenshot(path=os.path.join(artifacts_dir, "registry-officer-household.png"), full_page=True)

    clerk = desktop
    log_in(clerk, "desheng_clerk", DEMO_PASSWORD)
    clerk.goto("/registry/?q=oyzh")
    expect(clerk.get_by_test_id("member-results")).to_contain_text("欧阳振华")
    clerk.get_by_test_id("member-results").get_by_role("link").first.click()
    expect(clerk.get_by_test_id("members-table")).to_contain_text(HEAD_ID)  # the clerk sees full numbers

    # Move the son into another household of the township (any other file on the clerk's list).
    own_pk = household_url.rstrip("/").rsplit("/", 1)[-1]
    clerk.goto("/registry/")
    other_pk = next(
        text
        for text in clerk.get_by_test_id("household-list").get_by_role("link").all_inner_texts()
        if text != own_pk
    )
    clerk.goto(household_url)
    clerk.get_by_test_id("members-table").get_by_role("row", name="欧阳小军").get_by_role(
        "link", name="迁移"
    ).click()
    clerk.locator("#id_target").fill(other_pk)
    clerk.locator("#id_relation").select_option("other")
    clerk.get_by_role("button", name="保存").click()
    expect(clerk.get_by_test_id("members-table")).to_contain_text("欧阳小军")

    clerk.goto(household_url)
    clerk.get_by_test_id("members-table").get_by_role("row", name="邱桂芳").get_by_role(
        "link", name="登记死亡"
    ).click()
    clerk.locator("#id_date_of_death").fill("2026-11-20")
    clerk.get_by_role("button", name="保存").click()
    clerk.wait_for_url(household_url)
    timeline = clerk.get_by_test_id("timeline")
    expect(timeline).to_contain_text("登记死亡")
    expect(timeline).to_contain_text("成员迁出")
    expect(timeline).to_contain_text("上传档案材料")
    expect(timeline).to_contain_text("建立家庭档案")
    clerk.screenshot(
        path=os.path.join(artifacts_dir, "registry-clerk-household-timeline.png"), full_page=True
    )
