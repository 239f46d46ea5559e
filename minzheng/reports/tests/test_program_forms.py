"""The program forms break their numbers down the way the county asks: 特困 by support form and self-care level,
临时救助 by cases, person-times and type, 高龄津贴 by age band, the two disability subsidies side by side, 优抚 by
category. Every benefit here is decided through the real procedure, so the facts the reports read are the ones the
rules wrote; the expected numbers are counted by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from minzheng.benefits.tests.test_services import DECIDED, _elder, _tekun_benefit
from minzheng.cases import services as cases
from minzheng.cases.models import Benefit
from minzheng.cases.tests.factories import add_papers, poor_household, setup_policy, submit, to_notice_ended
from minzheng.core.testing.personas import COUNTY, TOWNSHIP_A, VILLAGE_A1
from minzheng.registry.models import HukouType, Relation
from minzheng.registry.services import HouseholdData, household_create
from minzheng.registry.tests.factories import member_data
from minzheng.reports.definitions import FORMS, compute
from minzheng.reports.indicators import CATALOGUE, parse_cut
from minzheng.reports.periods import parse_period

pytestmark = pytest.mark.django_db
Q2 = parse_period("2025Q2")  # every benefit below is decided on 2025-03-20 and paid from April


def _rows(form: str, region: str = TOWNSHIP_A) -> dict[str, list[Any]]:
    table = compute(FORMS[form], region, Q2)
    return {str(label): [c.value for c in cells] for label, cells in table.rows}


def _decided(personas: dict[str, Any], household: Any, program: str, **extra: Any) -> Benefit:
    case = to_notice_ended(personas, submit(personas, household, program=program, **extra))
    cases.application_decide(actor=personas["county_approver"], application=case, approve=True, today=DECIDED)
    return Benefit.objects.get(application=case)


def _alone(personas: dict[str, Any], name: str, born: date, **member: Any) -> Any:
    """A person living alone in village A1 (rural), with the papers acceptance needs."""
    setup_policy()
    clerk = personas["township_a_clerk"]
    household = household_create(
        actor=clerk,
        data=HouseholdData(region_code=VILLAGE_A1, address="三组 8 号", hukou_type=HukouType.RURAL),
        head=member_data(name, Relation.HEAD, born, **member),
        members=[],
    ).obj
    add_papers(clerk, household)
    return household


def test_tekun_counts_support_form_and_self_care_level(personas: dict[str, Any], client_for: Any) -> None:
    benefit = _tekun_benefit(personas)  # home support; self-care not assessed
    assert benefit.decision["facts"]["support_form"] == "home"
    expected = {
        "tekun.households": 1,
        "tekun.home": 1,
        "tekun.institutional": 0,
        "tekun.care_self": 0,
        "tekun.care_half": 0,
        "tekun.care_full": 0,
        "tekun.care_unknown": 1,
    }
    assert {code: CATALOGUE[code].value(TOWNSHIP_A, Q2) for code in expected} == expected
    rows = _rows("tekun")
    # 人数 | 分散, 集中 | 全护理, 半护理, 全自理, 未评估 | 新增, 退出 | 发放金额
    assert rows["农村"] == rows["合计"] == [1, 1, 0, 0, 0, 0, 1, 1, 0, Decimal("0.00")]
    assert rows["城市"][0] == 0
    # the level comes from the decision: an institutional, fully self-caring person moves both columns
    Benefit.objects.filter(pk=benefit.pk).update(
        decision={
            **benefit.decision,
            "facts": {
                **benefit.decision["facts"],
                "support_form": "institutional",
                "self_care_level": "self",
            },
        }
    )
    rows = _rows("tekun")
    assert rows["合计"][:7] == [1, 0, 1, 0, 0, 1, 0]
    drill = client_for("township_a_clerk").get(
        reverse("reports:drill", args=["tekun.institutional"]), {"region": TOWNSHIP_A, "period": "2025Q2"}
    )
    assert f"/registry/households/{benefit.household_id}/" in drill.content.decode()


def test_temporary_counts_cases_person_times_types_and_amounts(personas: dict[str, Any]) -> None:
    fire = _decided(
        personas,
        poor_household(personas),  # three people, all affected
        "temporary",
        request_data={"kind": "emergency", "cause": "火灾", "amount_requested": "3000", "forms": ["cash"]},
    )
    illness = _decided(
        personas,
        poor_household(personas),
        "temporary",
        request_data={
            "kind": "expenditure",
            "cause": "重病",
            "persons_affected": 2,
            "amount_requested": "2000",
            "forms": ["cash"],
        },
    )
    assert fire.decision["facts"]["persons_affected"] == 3
    grants = sum((b.application.approved_amount or Decimal(0) for b in (fire, illness)), Decimal(0))
    assert grants > 0
    expected = {
        "temporary.cases": 2,
        "temporary.person_times": 5,
        "temporary.emergency": 1,
        "temporary.expenditure": 1,
        "temporary.amount": grants,
    }
    assert {code: CATALOGUE[code].value(TOWNSHIP_A, Q2) for code in expected} == expected
    rows = _rows("temporary")
    assert rows["合计"] == [2, 5, 1, 1, grants, Decimal("0.00")]  # no roster approved: nothing paid yet
    # the next quarter granted nothing: one-off grants are not "in force" after their month
    assert CATALOGUE["temporary.cases"].value(TOWNSHIP_A, parse_period("2025Q3")) == 0
    assert "temporary.households" not in CATALOGUE


def test_elderly_allowance_counts_persons_by_age_band_at_the_period_end(personas: dict[str, Any]) -> None:
    _elder(personas, date(1944, 7, 1))  # 80 on 2025-06-30 (turned 81 on 2025-07-01)
    _elder(personas, date(1935, 6, 30))  # 90 on 2025-06-30
    rows = _rows("elderly_allowance")
    # 合计 | 80–89, 90–99, 100+ | 新增, 退出 | 发放金额
    assert rows["合计"] == [2, 1, 1, 0, 2, 0, Decimal("0.00")]
    # at the end of April the elder born 1935-06-30 is still 89
    april = parse_period("2025-04")
    assert [CATALOGUE[f"elderly_allowance.age_{a}"].value(TOWNSHIP_A, april) for a in (80, 90)] == [2, 0]
    # in the 2035 report the younger one is 90 and the elder 100 (if both are still paid)
    later = parse_period("2035Q2")
    assert [CATALOGUE[f"elderly_allowance.age_{a}"].value(TOWNSHIP_A, later) for a in (80, 90, 100)] == [
        0,
        1,
        1,
    ]


def test_the_two_disability_subsidies_share_one_form(personas: dict[str, Any]) -> None:
    household = _alone(
        personas, "刘德明", date(1975, 2, 1), disability_category="physical", disability_grade=1
    )
    nursing = _decided(personas, household, "disability_nursing")
    assert nursing.amount > 0
    form = FORMS["disability"]
    assert [str(g.label) for g in form.groups] == ["困难残疾人生活补贴", "重度残疾人护理补贴"]
    rows = _rows("disability")
    # living: 人数, 新增, 退出, 金额 | nursing: the same
    assert rows["合计"] == [0, 0, 0, Decimal("0.00"), 1, 1, 0, Decimal("0.00")]


def test_veterans_are_counted_by_category_and_each_row_drills_down(
    personas: dict[str, Any], client_for: Any
) -> None:
    household = _alone(personas, "老兵", date(1950, 5, 1), veteran_category="combat_veteran")
    benefit = _decided(personas, household, "veterans")
    assert benefit.decision["facts"]["veteran_category"] == "combat_veteran"
    rows = _rows("veterans", COUNTY)
    assert rows["参战退役军人"] == rows["合计"] == [1, 1, 0, Decimal("0.00")]
    assert rows["烈士遗属"] == [0, 0, 0, Decimal("0.00")]
    clerk = client_for("township_a_clerk")
    page = clerk.get(reverse("reports:report", args=["veterans"]), {"region": TOWNSHIP_A, "period": "2025Q2"})
    assert "cut=category:combat_veteran" in page.content.decode()
    drill = clerk.get(
        reverse("reports:drill", args=["veterans.households"]),
        {"region": TOWNSHIP_A, "period": "2025Q2", "cut": "category:combat_veteran"},
    )
    assert f"/registry/households/{household.pk}/" in drill.content.decode()
    assert "参战退役军人" in drill.content.decode()
    for bad in ("category:astronaut", "nowhere:urban", "suburban"):
        assert (
            clerk.get(
                reverse("reports:drill", args=["veterans.households"]),
                {"region": TOWNSHIP_A, "period": "2025Q2", "cut": bad},
            ).status_code
            == 404
        )
    with pytest.raises(KeyError):
        parse_cut("category:astronaut")


def test_a_batch_computed_in_one_statement_equals_each_indicator_alone(personas: dict[str, Any]) -> None:
    """The forms compute indicators that share their records in one statement (filtered aggregates); every cell
    equals the indicator's own query — a self-care level not assessed (JSON null) included."""
    from minzheng.payments.tests.factories import approved_dibao

    _tekun_benefit(personas)
    _elder(personas, date(1935, 6, 30))
    approved_dibao(personas)
    _decided(
        personas,
        poor_household(personas),
        "temporary",
        request_data={"kind": "expenditure", "cause": "重病", "amount_requested": "2000", "forms": ["cash"]},
    )
    batched = 0
    for form in FORMS.values():
        table = compute(form, TOWNSHIP_A, Q2)
        for cut, (_label, cells) in zip((c for c, _l in form.rows), table.rows, strict=True):
            for cell in cells:
                indicator = CATALOGUE[cell.indicator]
                batched += bool(indicator.batch)
                assert cell.value == indicator.value(TOWNSHIP_A, Q2, cut), (form.code, cell.indicator, cut)
    assert batched > 20
    totals = {c.indicator: c.value for c in compute(FORMS["tekun"], TOWNSHIP_A, Q2).rows[-1][1]}
    assert totals["tekun.care_unknown"] == totals["tekun.households"] == 1
