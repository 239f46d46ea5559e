"""测算 on a live household: the registry's data, the village's policy, the decision with its breakdown."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minzheng.assessment.live import household_snapshot
from minzheng.core.testing.personas import VILLAGE_A1
from minzheng.policy.services import policy_version_create
from minzheng.registry import services
from minzheng.registry.models import Household, Relation
from minzheng.registry.tests.factories import make_household

pytestmark = pytest.mark.django_db


def _we01_like(personas: dict[str, Any]) -> Household:
    """Head (born 1970), spouse and one son; the head earns 900 a month and a 10 reward is excluded."""
    clerk = personas["township_a_clerk"]
    household = make_household(clerk, VILLAGE_A1, others=2)
    head = household.members.get(relation=Relation.HEAD)
    services.income_add(
        actor=clerk,
        household=household,
        category="wage",
        monthly_amount=Decimal("900"),
        source="务工",
        member=head,
    )
    services.income_add(
        actor=clerk,
        household=household,
        category="transfer",
        monthly_amount=Decimal("10"),
        source="计划生育奖励",
        exclusion="family_planning",
    )
    policy_version_create(
        actor=None,
        region_code="5105",
        effective_from=date(2024, 7, 1),
        values={},
        preset="luzhou-2024",
        note="泸州",
    )
    return household


def test_the_snapshot_carries_members_incomes_and_the_property_verdict(personas: dict[str, Any]) -> None:
    household = _we01_like(personas)
    with CaptureQueriesContext(connection) as queries:
        snapshot = household_snapshot(household, date(2025, 3, 20))
    assert len(queries) <= 5  # members, incomes, assets, and the assistance status (benefits, 低保 findings)
    assert len(snapshot.members) == 3 and snapshot.hukou_type == "rural"
    assert {i.source: i.exclusion for i in snapshot.incomes} == {
        "务工": "",
        "计划生育奖励": "family_planning",
    }
    assert snapshot.property_ok is True
    services.asset_add(
        actor=personas["township_a_clerk"], household=household, category="vehicle", description="轿车"
    )
    assert household_snapshot(household, date(2025, 3, 20)).property_ok is None  # the officer decides (DB-19)


def test_a_clerk_runs_dibao_on_the_live_household(personas: dict[str, Any], client_for: Any) -> None:
    household = _we01_like(personas)
    url = reverse("assessment:household", kwargs={"pk": household.pk})
    response = client_for("township_a_clerk").post(
        url, {"program": "dibao", "on": "2025-03-20", "property": "auto"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "符合条件" in html and "<strong>840</strong>" in html  # 3 × 580 − 900
    assert "家庭月人均收入 300.00 元 &lt; 低保标准 580 元" in html and "第十二条" in html


def test_a_village_officer_runs_a_per_person_program_for_a_chosen_member(
    personas: dict[str, Any], client_for: Any
) -> None:
    household = _we01_like(personas)
    url = reverse("assessment:household", kwargs={"pk": household.pk})
    page = client_for("village_a1_officer").get(url, {"program": "elderly_allowance"})
    assert page.status_code == 200 and "张三丰" in page.content.decode()
    response = client_for("village_a1_officer").post(
        url,
        {"program": "elderly_allowance", "on": "2025-03-20", "r_subject": "张三丰", "r_local_hukou": "on"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "不符合条件" in html  # born 1970: 55, under every band


def test_bad_what_if_input_is_a_clear_400_and_nothing_changes(
    personas: dict[str, Any], client_for: Any
) -> None:
    household = _we01_like(personas)
    url = reverse("assessment:household", kwargs={"pk": household.pk})
    response = client_for("township_a_clerk").post(url, {"program": "dibao", "on": "2025-13-01"})
    assert response.status_code == 400 and "测算日期格式" in response.content.decode()
    response = client_for("township_a_clerk").post(
        url, {"program": "temporary", "on": "2025-03-20", "r_prior_grants_same_cause": "两次"}
    )
    assert response.status_code == 400 and "应为整数" in response.content.decode()


def test_the_household_page_links_to_the_what_if(personas: dict[str, Any], client_for: Any) -> None:
    household = _we01_like(personas)
    page = client_for("auditor").get(reverse("registry:household_detail", kwargs={"pk": household.pk}))
    assert reverse("assessment:household", kwargs={"pk": household.pk}) in page.content.decode()


#: the least a clerk types for each program on the 测算 page (the rest comes from the household file)
MINIMAL_REQUESTS: dict[str, dict[str, str]] = {
    "dibao": {},
    "tekun": {"r_subject": "张三丰"},
    "temporary": {
        "r_kind": "emergency",
        "r_cause": "火灾",
        "r_amount_requested": "3000",
        "r_forms": '["cash"]',
    },
    "medical": {"r_subject": "张三丰", "r_total_costs": "20000", "r_basic_insurance_paid": "12000"},
    "elderly_allowance": {"r_subject": "张三丰", "r_local_hukou": "on"},
    "funeral_subsidy": {"r_subject": "张三丰", "r_items": '[{"code": "cremation", "amount": "190"}]'},
    "disability_living": {"r_subject": "张三丰"},
    "disability_nursing": {"r_subject": "张三丰"},
    "veterans": {"r_subject": "张三丰"},
    "conscript_family": {
        "r_conscript_name": "张小0",
        "r_enlistment_date": "2024-09-01",
        "r_enlisted_from_this_county": "on",
    },
    "elder_ability": {"r_subject": "张三丰", "r_total_score": "70"},
}


def test_every_program_decides_from_the_live_household(personas: dict[str, Any], client_for: Any) -> None:
    from minzheng.rules.programs import PROGRAMS

    assert set(MINIMAL_REQUESTS) == set(PROGRAMS)
    household = _we01_like(personas)
    url = reverse("assessment:household", kwargs={"pk": household.pk})
    client = client_for("township_a_clerk")
    for code, extra in MINIMAL_REQUESTS.items():
        response = client.post(url, {"program": code, "on": "2025-03-20", "property": "auto", **extra})
        assert response.status_code == 200, (code, response.content.decode()[-2000:])
        decision = response.context["decision"]
        assert decision.program == code and decision.lines, code
