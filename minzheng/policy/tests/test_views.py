"""The policy pages: what is in force and where it came from; a new version stores only what differs."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from minzheng.core.testing.personas import COUNTY, TOWNSHIP_A
from minzheng.policy.models import PolicyVersion
from minzheng.policy.resolve import PARAMETERS
from minzheng.policy.selectors import policy_for
from minzheng.policy.services import policy_version_create

pytestmark = pytest.mark.django_db


def _luzhou() -> None:
    policy_version_create(
        actor=None,
        region_code="5105",
        effective_from=date(2024, 7, 1),
        values={},
        preset="luzhou-2024",
        note="泸州",
    )


def test_the_index_shows_each_value_with_its_origin_and_the_history(client_for: Any) -> None:
    _luzhou()
    html = client_for("township_a_clerk").get(reverse("policy:index"), {"on": "2025-01-01"}).content.decode()
    assert "农村低保标准" in html and "泸州市 2024-07-01 起" in html and "全国默认" in html
    assert "泸州" in html  # the history row's note


def _form(**changes: str) -> dict[str, str]:
    current = policy_for(COUNTY, date(2025, 7, 1))
    data = {f"p_{key}": p.text(current.values[key]) for key, p in PARAMETERS.items()}
    data.update({f"o_{key}": p.text(current.values[key]) for key, p in PARAMETERS.items()})
    data.update({f"p_{k.replace('__', '.')}": v for k, v in changes.items()})
    return {"effective_from": "2025-07-01", "note": "泸县民发〔2025〕8号", "preset": "", **data}


def test_a_county_admin_saves_a_new_standard_and_only_the_change_is_stored(client_for: Any) -> None:
    _luzhou()
    url = reverse("policy:version_add", kwargs={"code": COUNTY})
    assert client_for("county_admin").get(url).status_code == 200
    response = client_for("county_admin").post(url, _form(dibao__standard_rural="600"))
    assert response.status_code == 302 and response["Location"] == "/policy/?region=510521&on=2025-07-01"
    assert client_for("county_admin").get(response["Location"]).status_code == 200
    row = PolicyVersion.objects.get(region_id=COUNTY)
    assert row.values == {"dibao.standard_rural": "600"}
    assert policy_for(TOWNSHIP_A, date(2025, 7, 1)).get("dibao").standard_rural == 600


def test_bad_values_come_back_with_messages_and_nothing_is_saved(client_for: Any) -> None:
    _luzhou()
    url = reverse("policy:version_add", kwargs={"code": COUNTY})
    response = client_for("county_admin").post(
        url, _form(dibao__standard_rural="五百八", dibao__bands='[{"below": ')
    )
    html = response.content.decode()
    assert response.status_code == 400 and "有 2 项参数填写有误" in html
    assert "应为金额或数字" in html and "JSON 格式有误" in html
    assert 'value="五百八"' in html  # what the admin typed is kept
    assert not PolicyVersion.objects.filter(region_id=COUNTY).exists()


def test_a_second_version_on_the_same_day_is_refused(client_for: Any) -> None:
    _luzhou()
    url = reverse("policy:version_add", kwargs={"code": COUNTY})
    client_for("county_admin").post(url, _form(dibao__standard_rural="600"))
    response = client_for("county_admin").post(url, _form(dibao__standard_rural="610"))
    assert response.status_code == 400 and "已有一个政策版本" in response.content.decode()
    assert PolicyVersion.objects.filter(region_id=COUNTY).count() == 1


def test_values_left_as_shown_keep_following_the_parents(client_for: Any) -> None:
    """A county row entered only to change the phone must not pin the prefecture's standard at today's value."""
    _luzhou()
    url = reverse("policy:version_add", kwargs={"code": COUNTY})
    client_for("county_admin").post(url, _form(procedure__complaint_phone="0830-1234567"))
    row = PolicyVersion.objects.get(region_id=COUNTY)
    assert row.values == {"procedure.complaint_phone": "0830-1234567"}
    policy_version_create(
        actor=None,
        region_code="5105",
        effective_from=date(2025, 9, 1),
        values={"dibao.standard_rural": "620"},
        note="调标",
    )
    assert policy_for(TOWNSHIP_A, date(2025, 9, 1)).get("dibao").standard_rural == 620
