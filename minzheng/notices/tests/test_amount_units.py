"""The public notice page, the village page and the poster give the amount in the unit of the decision's period:
元 for a one-off 临时救助, 元/季 for a quarterly 优待金, 元/月 for 低保 (assessment.cases.PERIOD_UNITS)."""

from __future__ import annotations

import shutil
import subprocess
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from minzheng.cases.models import Application, Notice
from minzheng.cases.tests.factories import poor_household, submit, to_notice
from minzheng.core.testing.personas import VILLAGE_A1
from minzheng.payments.tests.test_schedules import county_policy

pytestmark = pytest.mark.django_db


def _published(personas: dict[str, Any], program: str, request_data: dict[str, Any] | None = None) -> Notice:
    case = to_notice(
        personas, submit(personas, poor_household(personas), program=program, request_data=request_data)
    )
    notice = Notice.objects.get(application=case)
    assert notice.public_amount is not None
    return notice


def _during(notice: Notice) -> Any:
    """The office's clock on a day the notice runs (the cases are dated 2025; only the clock is replaced)."""
    return mock.patch("django.utils.timezone.localdate", return_value=notice.starts_on)


def _pages(notice: Notice) -> tuple[str, str]:
    client = Client()
    with _during(notice):
        page = client.get(reverse("notices:notice", kwargs={"pk": notice.pk}))
        village = client.get(reverse("notices:village", kwargs={"code": VILLAGE_A1}))
    assert page.status_code == village.status_code == 200
    return page.content.decode(), village.content.decode()


def _poster_text(notice: Notice) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")
    with _during(notice):
        pdf = Client().get(reverse("notices:poster", kwargs={"pk": notice.pk})).content
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def test_a_one_off_temporary_grant_is_published_in_yuan_not_yuan_a_month(personas: dict[str, Any]) -> None:
    notice = _published(
        personas,
        "temporary",
        {"kind": "emergency", "cause": "火灾", "amount_requested": "3000", "forms": ["cash"]},
    )
    assert notice.amount_unit == "元"
    page, village = _pages(notice)
    for html in (page, village):
        assert f"{notice.public_amount} 元<" in html or f"{notice.public_amount} 元\n" in html
        assert "元/月" not in html.split("保障对象名单")[0]
    text = _poster_text(notice)
    assert "金额（元）" in text and "元/月" not in text


def test_a_quarterly_allowance_is_published_per_quarter(personas: dict[str, Any]) -> None:
    county_policy(
        personas,
        **{
            "veterans.conscript_family_frequency": "quarterly",
            "procedure.published_programs": ["dibao", "tekun", "temporary", "conscript_family"],
        },
    )
    notice = _published(
        personas, "conscript_family", {"conscript_name": "王小兵", "enlistment_date": "2024-09-10"}
    )
    assert (notice.public_amount, notice.amount_unit) == (4500, "元/季")
    page, _village = _pages(notice)
    assert "4500.00 元/季" in page and "元/月" not in page
    assert "金额（元/季）" in _poster_text(notice)


def test_dibao_is_still_published_per_month(personas: dict[str, Any]) -> None:
    notice = _published(personas, "dibao")
    page, _village = _pages(notice)
    assert f"{notice.public_amount} 元/月" in page
    assert "金额（元/月）" in _poster_text(notice)
    assert (Application.objects.get(pk=notice.application_id).decision or {})["period"] == "monthly"
