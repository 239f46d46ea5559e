"""低保 by the gap method: DOMAIN.md §14 worked examples with their arithmetic, and the rule's invariants."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from minzheng.rules.common import HouseholdSnapshot, IncomeSnapshot, PersonSnapshot
from minzheng.rules.dibao import DibaoPolicy, assess

ON = date(2025, 3, 20)
LUZHOU_RURAL = DibaoPolicy(standard=Decimal("580"))
LUZHOU_URBAN = DibaoPolicy(standard=Decimal("788"))


def we01() -> HouseholdSnapshot:
    """WE-01: 张 (45, casual labour 900/month), wife (43), son (10); a 计划生育 reward of 10 is excluded."""
    return HouseholdSnapshot(
        members=(
            PersonSnapshot("张某某", date(1980, 1, 1)),
            PersonSnapshot("王某", date(1982, 1, 1)),
            PersonSnapshot("张小某", date(2015, 1, 1)),
        ),
        incomes=(
            IncomeSnapshot("wage", Decimal("900.00"), "务工收入", member="张某某"),
            IncomeSnapshot(
                "transfer",
                Decimal("10.00"),
                "计划生育奖励",
                exclusion="family_planning",
                exclusion_label="计划生育奖励与扶助金",
            ),
        ),
    )


def test_we01_basic_rural_topup() -> None:
    # counted 900; per capita 900 / 3 = 300 < 580; amount 3 × 580 − 900 = 840; cross-check (580 − 300) × 3 = 840
    decision = assess(we01(), LUZHOU_RURAL, ON)
    assert decision.eligible and decision.amount == Decimal("840")
    text = "\n".join(line.text for line in decision.lines)
    assert "家庭月人均收入 300.00 元 < 低保标准 580 元" in text
    assert "3 × 580 − 900.00 = 840.00" in text
    assert "计划生育奖励 10.00 元/月 不计入家庭收入" in text
    assert decision.review_months == 6  # the husband can work and his income is irregular (DB-43)
    assert any("第十二条" in line.source for line in decision.lines)


def test_we02_income_exclusions_urban_elderly_couple() -> None:
    # counted 57 + 57 + 300 = 414; per capita 207 < 788; amount 2 × 788 − 414 = 1162 (not 262: the 900 is excluded)
    household = HouseholdSnapshot(
        members=(
            PersonSnapshot("李某", date(1953, 1, 1), work_capacity="none"),
            PersonSnapshot("刘某", date(1955, 1, 1), work_capacity="none"),
            PersonSnapshot("李子", date(1980, 1, 1), is_coresident=False, non_coresident_reason="不共同生活"),
        ),
        incomes=(
            IncomeSnapshot(
                "transfer", Decimal("900"), "带病回乡退役军人定期生活补助", exclusion="preferential_care"
            ),
            IncomeSnapshot(
                "transfer", Decimal("143"), "中央基础养老金(李某)", exclusion="central_basic_pension"
            ),
            IncomeSnapshot("transfer", Decimal("57"), "养老金其余部分(李某)"),
            IncomeSnapshot(
                "transfer", Decimal("143"), "中央基础养老金(刘某)", exclusion="central_basic_pension"
            ),
            IncomeSnapshot("transfer", Decimal("57"), "养老金其余部分(刘某)"),
            IncomeSnapshot("transfer", Decimal("300"), "赡养费"),
        ),
    )
    decision = assess(household, LUZHOU_URBAN, ON)
    assert decision.eligible and decision.amount == Decimal("1162")
    assert decision.review_months == 12


@pytest.mark.parametrize(
    ("standard", "income", "rounding", "expected"),
    [
        (
            "788",
            "1000",
            "yuan",
            "1364",
        ),  # WE-05(a): 3 × 788 − 1000; naive per-capita rounding would give 1364.01
        ("517", "1000.50", "yuan", "551"),  # WE-05(b): 1551 − 1000.50 = 550.50 → half up to the yuan
        ("517", "1000.50", "jiao", "550.5"),
        ("517", "1000.50", "fen", "550.50"),
    ],
)
def test_we05_arithmetic_order_and_rounding(standard: str, income: str, rounding: str, expected: str) -> None:
    household = HouseholdSnapshot(
        members=tuple(PersonSnapshot(f"成员{i}", date(1950, 1, 1), work_capacity="none") for i in range(3)),
        incomes=(IncomeSnapshot("transfer", Decimal(income), "收入"),),
    )
    decision = assess(household, DibaoPolicy(standard=Decimal(standard), payment_rounding=rounding), ON)  # type: ignore[arg-type]
    assert decision.amount == Decimal(expected) and str(decision.amount) == expected


def test_income_at_the_standard_is_not_eligible_but_near_dibao() -> None:
    household = HouseholdSnapshot(
        members=(PersonSnapshot("甲", date(1950, 1, 1)),),
        incomes=(IncomeSnapshot("wage", Decimal("700"), "务工"),),
    )
    decision = assess(household, LUZHOU_RURAL, ON)
    assert not decision.eligible and decision.amount == 0 and decision.near_dibao  # 700 < 1.5 × 580 = 870
    far = assess(
        HouseholdSnapshot(
            members=household.members, incomes=(IncomeSnapshot("wage", Decimal("870"), "务工"),)
        ),
        LUZHOU_RURAL,
        ON,
    )
    assert not far.near_dibao


def test_property_over_the_limits_refuses_and_unassessed_property_warns() -> None:
    refused = assess(
        HouseholdSnapshot(members=we01().members, incomes=we01().incomes, property_ok=False), LUZHOU_RURAL, ON
    )
    assert not refused.eligible
    unknown = assess(
        HouseholdSnapshot(members=we01().members, incomes=we01().incomes, property_ok=None), LUZHOU_RURAL, ON
    )
    assert unknown.eligible and any("财产尚未核定" in w for w in unknown.warnings)


def test_excluded_income_never_changes_the_decision() -> None:
    base = assess(we01(), LUZHOU_RURAL, ON)
    for extra in ("0.01", "10", "5000"):
        more = HouseholdSnapshot(
            members=we01().members,
            incomes=(
                *we01().incomes,
                IncomeSnapshot("transfer", Decimal(extra), "奖学金", exclusion="scholarship"),
            ),
        )
        decision = assess(more, LUZHOU_RURAL, ON)
        assert (decision.eligible, decision.amount) == (base.eligible, base.amount)


def test_more_counted_income_never_raises_the_amount_and_amounts_are_never_negative() -> None:
    previous = None
    for cents in range(0, 200_000, 1_337):
        income = Decimal(cents) / 100
        household = HouseholdSnapshot(
            members=we01().members, incomes=(IncomeSnapshot("wage", income, "务工", member="张某某"),)
        )
        amount = assess(household, LUZHOU_RURAL, ON).amount
        assert amount >= 0
        if previous is not None:
            assert amount <= previous
        previous = amount


def test_a_prisoner_is_not_counted() -> None:
    members = (
        *we01().members,
        PersonSnapshot("张兄", date(1978, 1, 1), is_coresident=False, non_coresident_reason="在监狱服刑"),
    )
    decision = assess(HouseholdSnapshot(members=members, incomes=we01().incomes), LUZHOU_RURAL, ON)
    assert decision.amount == Decimal("840")
    assert "不计入：张兄(在监狱服刑)" in decision.lines[0].text
