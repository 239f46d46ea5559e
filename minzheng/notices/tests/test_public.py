"""The public side, crawled as a resident sees it: every page of the demo's 公示公告, no login, and nothing that
DB-32/34/35 keep private — no ID number (not even masked), no household phone, address, bank account or diagnosis."""

from __future__ import annotations

import re
import shutil
import subprocess
from typing import Any

import pytest
from django.test import Client

from minzheng.cases.models import Notice
from minzheng.demo.cases import CASES, PAYROLL, demo_cases_load
from minzheng.demo.households import demo_households_load
from minzheng.demo.services import demo_load
from minzheng.demo.stories import STORIES
from minzheng.registry.models import Household, Member

pytestmark = pytest.mark.django_db

ID_LIKE = re.compile(r"\d{6}[\d*]{8}\d{3}[\dXx*]|\d{6}\*{4,}")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ADDRESS = re.compile(r"\d+\s*组\s*\d+\s*号")


@pytest.fixture
def demo(db: Any) -> None:
    demo_load()
    demo_households_load(households=20, seed=7)
    opened = sum(1 for c in CASES + PAYROLL if c.stage != "none") + len(STORIES) + 1  # notices open today
    assert demo_cases_load() == opened


def _links(html: str, prefix: str) -> set[str]:
    return {m for m in re.findall(r'href="([^"]+)"', html) if m.startswith(prefix)}


def _assert_private(text: str, where: str) -> None:
    assert not ID_LIKE.search(text), (where, ID_LIKE.search(text))
    assert not MOBILE.search(text), (where, MOBILE.search(text))
    assert not ADDRESS.search(text), (where, ADDRESS.search(text))
    for household in Household.objects.exclude(account_number=""):
        assert household.account_number not in text, where
    for member in Member.objects.exclude(serious_illness=""):
        assert member.serious_illness not in text, where
    for word in ("肢体残疾", "精神残疾", "智力残疾", "视力残疾"):
        assert word not in text, where


def test_the_front_page_links_to_the_public_notices(demo: None) -> None:
    html = Client().get("/").content.decode()
    assert 'href="/gongshi/"' in html


def test_every_public_page_shows_only_what_may_be_published(demo: None) -> None:
    client = Client()
    seen: set[str] = set()
    queue = ["/gongshi/"]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        if ".pdf" in url:
            assert response["Content-Type"] == "application/pdf", url
            continue
        html = response.content.decode()
        _assert_private(html, url)
        queue.extend(_links(html, "/gongshi/") - seen)
    notices = [u for u in seen if "/notice/" in u and ".pdf" not in u]
    villages = [u for u in seen if "/village/" in u]
    assert len(villages) == 2 and len(notices) == 2  # 白象村 and 仁和村; the two cases in notice
    roll = client.get(villages[0]).content.decode()
    assert "保障对象名单" in roll and "元/月" in roll


def test_the_poster_prints_in_chinese_without_private_data(demo: None) -> None:
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")
    notice = Notice.objects.filter(state=Notice.State.OPEN).first()
    assert notice is not None
    for size in ("A4", "A3"):
        response = Client().get(f"/gongshi/notice/{notice.pk}/poster.pdf?size={size}")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
        ).stdout.decode()
        assert "初审结果公示" in text and notice.public_name in text and notice.complaint_phone in text
        _assert_private(text, f"poster {size}")


def test_a_resident_objects_online_and_the_case_pauses(demo: None) -> None:
    notice = Notice.objects.filter(state=Notice.State.OPEN).first()
    assert notice is not None
    client = Client()
    bad = client.post(f"/gongshi/notice/{notice.pk}/", {"contact": "", "text": "有异议"})
    assert bad.status_code == 400
    response = client.post(
        f"/gongshi/notice/{notice.pk}/",
        {"name": "", "contact": "村民老王", "text": "该户家里新买了一辆小汽车"},
    )
    assert response.status_code == 302 and response["Location"].endswith("?sent=1")
    notice.refresh_from_db()
    assert notice.state == Notice.State.OBJECTED and notice.application.status == "objected"
    from minzheng.accounts.models import User
    from minzheng.cases.selectors import todo_items

    clerk = User.objects.get(username="desheng_clerk")
    assert any(str(notice.application.pk) in item.url and "异议" in item.title for item in todo_items(clerk))


def test_an_objection_through_the_proxy_records_and_throttles_the_residents_address(
    demo: None, settings: Any
) -> None:
    from minzheng.cases.models import Objection

    settings.MINZHENG_TRUSTED_PROXIES = ["127.0.0.1"]
    notice = Notice.objects.filter(state=Notice.State.OPEN).first()
    assert notice is not None
    response = Client().post(
        f"/gongshi/notice/{notice.pk}/",
        {"name": "", "contact": "村民老王", "text": "该户家里新买了一辆小汽车"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.40",
    )
    assert response.status_code == 302
    assert Objection.objects.get(notice=notice).ip_address == "203.0.113.40"
