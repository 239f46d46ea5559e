"""Upload caps (issue 16, item 3 and Low): every upload form has a size cap, the cap admits the largest documented
import, a request body above it is refused before anything reads it, and the README's nginx block says the same."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from minzheng.core.testing.personas import TOWNSHIP_A
from minzheng.payments import bankfiles
from minzheng.payments.models import PaymentStatus, RosterLine
from minzheng.payments.tests.factories import approved_cycle, approved_dibao

MB = 1024 * 1024


def _file(size: int, name: str) -> io.BytesIO:
    upload = io.BytesIO(b"x" * size)
    upload.name = name
    return upload


def test_the_cap_admits_the_largest_documented_import() -> None:
    # 100,000 households in one workbook is about 16 MB (docs/benchmarks.md: a 15.4 MiB workbook)
    assert django_settings.MINZHENG_MAX_UPLOAD_BYTES >= 16 * MB


def test_the_readmes_nginx_block_matches_the_apps_cap() -> None:
    readme = (Path(django_settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    found = re.search(r"client_max_body_size (\d+)m;", readme)
    assert found is not None
    assert int(found.group(1)) * MB == django_settings.MINZHENG_MAX_REQUEST_BYTES


@pytest.mark.django_db
def test_a_request_body_above_the_cap_is_refused_before_it_is_read(client_for: Any, settings: Any) -> None:
    settings.MINZHENG_MAX_REQUEST_BYTES = 2 * MB
    clerk = client_for("township_a_clerk")
    response = clerk.post(reverse("registry:import"), {"file": _file(3 * MB, "big.xlsx")})
    assert response.status_code == 413 and "过大" in response.content.decode()
    api = clerk.post("/api/v1/assess", {"file": _file(3 * MB, "big.xlsx")})
    assert api.status_code == 413 and api.json()["code"] == "request_too_large"


@pytest.mark.django_db
def test_the_registry_import_refuses_a_file_above_the_cap(client_for: Any, settings: Any) -> None:
    settings.MINZHENG_MAX_UPLOAD_BYTES = 1 * MB
    response = client_for("township_a_clerk").post(
        reverse("registry:import"), {"file": _file(2 * MB, "a.xlsx")}
    )
    assert response.status_code == 400 and "文件不能超过 1 MB" in response.content.decode()


@pytest.mark.django_db
def test_the_bank_return_form_refuses_a_file_above_the_cap(
    personas: dict[str, Any], client_for: Any, settings: Any
) -> None:
    approved_dibao(personas)
    cycle = approved_cycle(personas, date(2025, 4, 1))
    bankfiles.bank_file_export(
        actor=personas["township_a_clerk"], cycle=cycle, template=bankfiles.templates_for(TOWNSHIP_A)[0]
    )
    settings.MINZHENG_MAX_UPLOAD_BYTES = 1 * MB
    response = client_for("township_a_clerk").post(
        reverse("payments:cycle", args=[cycle.pk]),
        {"action": "return", "file": _file(2 * MB, "r.csv")},
        follow=True,
    )
    assert "文件不能超过 1 MB" in response.content.decode()
    assert not RosterLine.objects.filter(cycle=cycle).exclude(status=PaymentStatus.PENDING).exists()


@pytest.mark.django_db
def test_the_region_import_refuses_a_file_above_the_cap(client_for: Any, settings: Any) -> None:
    settings.MINZHENG_MAX_UPLOAD_BYTES = 1 * MB
    response = client_for("county_admin").post(reverse("regions:import"), {"file": _file(2 * MB, "r.csv")})
    assert response.status_code == 400 and "文件不能超过 1 MB" in response.content.decode()
