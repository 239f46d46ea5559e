"""Policy rows by region and date: inheritance, the day before and the day of a change, scope, audit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from minzheng.audit.models import AuditEvent
from minzheng.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from minzheng.core.testing.personas import COUNTY, TOWNSHIP_A, TOWNSHIP_B
from minzheng.policy.models import PolicyVersion
from minzheng.policy.selectors import policy_for
from minzheng.policy.services import policy_version_create

pytestmark = pytest.mark.django_db


def _rows(personas: dict[str, Any]) -> None:
    policy_version_create(
        actor=None,
        region_code="5105",
        effective_from=date(2024, 7, 1),
        values={},
        preset="luzhou-2024",
        note="泸州",
    )
    policy_version_create(
        actor=personas["county_admin"],
        region_code=COUNTY,
        effective_from=date(2025, 7, 1),
        values={"dibao.standard_rural": "600"},
        note="县政发〔2025〕1号",
    )


def test_a_county_overrides_its_prefecture_from_its_effective_date(personas: dict[str, Any]) -> None:
    _rows(personas)
    rural = lambda code, day: policy_for(code, day).get("dibao").standard_rural  # noqa: E731
    assert rural(TOWNSHIP_A, date(2024, 6, 30)) == Decimal("580")  # before any row: national default
    assert rural(TOWNSHIP_A, date(2025, 6, 30)) == Decimal("580")  # the day before the county's change
    assert rural(TOWNSHIP_A, date(2025, 7, 1)) == Decimal("600")  # the day of it
    assert policy_for(TOWNSHIP_B, date(2025, 7, 1)).get("dibao").standard_urban == Decimal("788")  # inherited
    assert "泸县" in policy_for(TOWNSHIP_B, date(2025, 7, 1)).origins["dibao.standard_rural"]


def test_a_newer_county_row_replaces_the_older_one(personas: dict[str, Any]) -> None:
    _rows(personas)
    policy_version_create(
        actor=personas["county_admin"],
        region_code=COUNTY,
        effective_from=date(2026, 1, 1),
        values={"dibao.standard_urban": "820"},
        note="县政发〔2026〕1号",
    )
    policy = policy_for(COUNTY, date(2026, 1, 1)).get("dibao")
    assert (policy.standard_urban, policy.standard_rural) == (Decimal("820"), Decimal("580"))


def test_every_change_is_audited(personas: dict[str, Any]) -> None:
    _rows(personas)
    event = AuditEvent.objects.filter(event_code="policy.version_created").latest("pk")
    assert event.actor_id == personas["county_admin"].pk
    assert event.new_values is not None and event.new_values["values"] == {"dibao.standard_rural": "600"}


def test_only_the_county_admin_in_scope_may_set_numbers(personas: dict[str, Any]) -> None:
    with pytest.raises(PermissionDeniedError):
        policy_version_create(
            actor=personas["township_a_clerk"],
            region_code=TOWNSHIP_A,
            effective_from=date(2025, 1, 1),
            values={},
            note="x",
        )
    with pytest.raises(PermissionDeniedError):
        policy_version_create(
            actor=personas["county_admin"],
            region_code="5105",
            effective_from=date(2025, 1, 1),
            values={},
            note="x",
        )
    assert not PolicyVersion.objects.exists()


def test_a_bad_value_or_a_second_row_on_the_same_day_saves_nothing(personas: dict[str, Any]) -> None:
    _rows(personas)
    before = PolicyVersion.objects.count()
    with pytest.raises(ValidationFailed, match="农村低保标准"):
        policy_version_create(
            actor=personas["county_admin"],
            region_code=COUNTY,
            effective_from=date(2025, 8, 1),
            values={"dibao.standard_rural": "abc"},
            note="x",
        )
    with pytest.raises(ConflictError, match="已有一个政策版本"):
        policy_version_create(
            actor=personas["county_admin"],
            region_code=COUNTY,
            effective_from=date(2025, 7, 1),
            values={"dibao.standard_rural": "610"},
            note="x",
        )
    with pytest.raises(ValidationFailed, match="依据文件"):
        policy_version_create(
            actor=personas["county_admin"],
            region_code=COUNTY,
            effective_from=date(2025, 9, 1),
            values={},
            note=" ",
        )
    assert PolicyVersion.objects.count() == before
