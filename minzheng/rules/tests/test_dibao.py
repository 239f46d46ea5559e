"""低保 by the gap method: DOMAIN.md §14 worked examples with their arithmetic, and the rule's invariants."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minzheng.rules.common import HouseholdSnapshot, IncomeSnapshot, PersonSnapshot
from minzheng.rules.dibao import Band, Increment, Policy, Request, assess

ON = date(2025, 3, 20)
LUZHOU = Policy(standard_urban=Decimal("788"), standard_rural=Decimal("580"))
NO = Request()


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
    decision = assess(we01(), NO, LUZHOU, ON)
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
        hukou_type="urban",
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
    decision = assess(household, NO, LUZHOU, ON)
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
    decision = assess(household, NO, Policy(standard_rural=Decimal(standard), payment_rounding=rounding), ON)
    assert decision.amount == Decimal(expected) and str(decision.amount) == expected


def test_income_at_the_standard_is_not_eligible_but_near_dibao() -> None:
    household = HouseholdSnapshot(
        members=(PersonSnapshot("甲", date(1950, 1, 1)),),
        incomes=(IncomeSnapshot("wage", Decimal("700"), "务工"),),
    )
    decision = assess(household, NO, LUZHOU, ON)
    assert not decision.eligible and decision.amount == 0 and decision.near_dibao  # 700 < 1.5 × 580 = 870
    far = assess(
        HouseholdSnapshot(
            members=household.members, incomes=(IncomeSnapshot("wage", Decimal("870"), "务工"),)
        ),
        NO,
        LUZHOU,
        ON,
    )
    assert not far.near_dibao


def test_property_over_the_limits_refuses_and_unassessed_property_warns() -> None:
    refused = assess(
        HouseholdSnapshot(members=we01().members, incomes=we01().incomes, property_ok=False), NO, LUZHOU, ON
    )
    assert not refused.eligible
    unknown = assess(
        HouseholdSnapshot(members=we01().members, incomes=we01().incomes, property_ok=None), NO, LUZHOU, ON
    )
    assert unknown.eligible and any("财产尚未核定" in w for w in unknown.warnings)


def test_excluded_income_never_changes_the_decision() -> None:
    base = assess(we01(), NO, LUZHOU, ON)
    for extra in ("0.01", "10", "5000"):
        more = HouseholdSnapshot(
            members=we01().members,
            incomes=(
                *we01().incomes,
                IncomeSnapshot("transfer", Decimal(extra), "奖学金", exclusion="scholarship"),
            ),
        )
        decision = assess(more, NO, LUZHOU, ON)
        assert (decision.eligible, decision.amount) == (base.eligible, base.amount)


def test_more_counted_income_never_raises_the_amount_and_amounts_are_never_negative() -> None:
    previous = None
    for cents in range(0, 200_000, 1_337):
        income = Decimal(cents) / 100
        household = HouseholdSnapshot(
            members=we01().members, incomes=(IncomeSnapshot("wage", income, "务工", member="张某某"),)
        )
        amount = assess(household, NO, LUZHOU, ON).amount
        assert amount >= 0
        if previous is not None:
            assert amount <= previous
        previous = amount


def test_a_prisoner_is_not_counted() -> None:
    members = (
        *we01().members,
        PersonSnapshot("张兄", date(1978, 1, 1), is_coresident=False, non_coresident_reason="在监狱服刑"),
    )
    decision = assess(HouseholdSnapshot(members=members, incomes=we01().incomes), NO, LUZHOU, ON)
    assert decision.amount == Decimal("840")
    assert any("不计入：张兄(在监狱服刑)" in line.text for line in decision.lines)


def _couple(income: str, *, hukou: str = "rural", **person: object) -> HouseholdSnapshot:
    return HouseholdSnapshot(
        hukou_type=hukou,
        members=(
            PersonSnapshot("甲", date(1950, 1, 1), work_capacity="none", **person),  # type: ignore[arg-type]
            PersonSnapshot("乙", date(1952, 1, 1), work_capacity="none"),
        ),
        incomes=(IncomeSnapshot("transfer", Decimal(income), "养老金"),),
    )


def test_the_urban_standard_applies_to_urban_households() -> None:
    # urban: 2 × 788 − 400 = 1176; rural: 2 × 580 − 400 = 760
    assert assess(_couple("400", hukou="urban"), NO, LUZHOU, ON).amount == Decimal("1176")
    assert assess(_couple("400"), NO, LUZHOU, ON).amount == Decimal("760")


def test_no_income_and_no_capacity_to_work_gets_the_full_standard() -> None:
    decision = assess(_couple("0"), NO, LUZHOU, ON)  # 2 × 580 − 0 = 1160
    assert decision.amount == Decimal("1160")
    assert any("全额发放" in line.text and "第八条" in line.source for line in decision.lines)


@pytest.mark.parametrize(
    ("income", "expected"),
    [
        ("100", "1160"),  # per capita 50 < 0.25 × 580 = 145: band pays 1 × 580 per member → 2 × 580 = 1160
        ("400", "870"),  # per capita 200 < 0.5 × 580 = 290: pays 0.75 × 580 = 435 → 870
        ("1000", "580"),  # per capita 500 < 580: pays 0.5 × 580 = 290 → 580
    ],
)
def test_banded_method_pays_the_band_rate(income: str, expected: str) -> None:
    policy = Policy(
        standard_rural=Decimal("580"),
        method="banded",
        bands=(
            Band(below=Fraction(1, 4), pays=Fraction(1)),
            Band(below=Fraction(1, 2), pays=Fraction(3, 4)),
            Band(below=Fraction(1), pays=Fraction(1, 2)),
        ),
    )
    decision = assess(_couple(income), NO, policy, ON)
    assert decision.eligible and decision.amount == Decimal(expected)
    assert any("分档" in line.text and "DB-38" in line.rules for line in decision.lines)


def test_banded_method_without_bands_refuses_with_a_reason() -> None:
    decision = assess(_couple("100"), NO, Policy(method="banded"), ON)
    assert not decision.eligible and any("未设置分档标准" in w for w in decision.warnings)


def test_class_supplements_add_to_the_gap_and_take_the_highest_unless_stacked() -> None:
    # 甲 is 76 and severely disabled: elderly 10 % of 580 = 58, disability 20 % = 116; 乙 is 73: elderly 58
    increments = (
        Increment("elderly", ratio=Fraction(1, 10)),
        Increment("severe_disability", ratio=Fraction(1, 5)),
    )
    household = _couple("400", disability_category="physical", disability_grade=1)
    highest = assess(household, NO, Policy(increments=increments), ON)
    assert highest.amount == Decimal("934")  # 760 + 116 + 58
    stacked = assess(household, NO, Policy(increments=increments, increment_stack="sum"), ON)
    assert stacked.amount == Decimal("992")  # 760 + (58 + 116) + 58


def test_a_severely_disabled_member_may_apply_alone_with_the_optional_floor() -> None:
    household = HouseholdSnapshot(
        members=(
            PersonSnapshot("甲", date(1990, 1, 1), disability_category="physical", disability_grade=1),
            PersonSnapshot("乙", date(1988, 1, 1)),
        ),
        incomes=(
            IncomeSnapshot("wage", Decimal("1200"), "务工", member="乙"),
            IncomeSnapshot("transfer", Decimal("400"), "赔偿金", member="甲"),
        ),
    )
    whole = assess(household, NO, LUZHOU, ON)
    assert not whole.eligible and whole.near_dibao  # per capita (1200 + 400) / 2 = 800: 580 ≤ 800 < 870
    alone = assess(household, Request(single_person="甲"), LUZHOU, ON)
    assert alone.eligible and alone.amount == Decimal("180") and alone.subject == "甲"  # 1 × 580 − 400
    floored = assess(
        household, Request(single_person="甲"), Policy(single_person_floor_ratio=Fraction(3, 5)), ON
    )
    assert floored.amount == Decimal("348")  # 0.6 × 580 = 348 > 180
    able = assess(household, Request(single_person="乙"), LUZHOU, ON)
    assert not able.eligible


def test_a_single_person_who_is_not_a_member_is_refused_clearly() -> None:
    from minzheng.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match="不是该户成员"):
        assess(we01(), Request(single_person="无此人"), LUZHOU, ON)


@pytest.mark.parametrize(
    ("tiers", "hukou", "earns", "months"),
    [
        ("national_two_tier", "rural", True, 6),
        ("xianyang", "urban", True, 3),  # C class, urban: quarterly
        ("xianyang", "rural", True, 6),
        ("chongqing", "urban", False, 1),  # able-bodied, unemployed, urban: monthly
        ("chongqing", "rural", False, 3),
        ("chongqing", "rural", True, 6),
    ],
)
def test_review_tiers_follow_the_policy_preset(tiers: str, hukou: str, earns: bool, months: int) -> None:
    household = HouseholdSnapshot(
        hukou_type=hukou,
        members=we01().members,
        incomes=(IncomeSnapshot("wage", Decimal("300"), "务工", member="张某某" if earns else ""),),
    )
    assert assess(household, NO, Policy(review_tiers=tiers), ON).review_months == months


def test_emergency_entrants_are_reviewed_within_six_months() -> None:
    couple = _couple("400")
    assert assess(couple, NO, LUZHOU, ON).review_months == 12
    decision = assess(couple, Request(emergency_entrant=True), LUZHOU, ON)
    assert decision.review_months == 6 and "DB-44" in decision.lines[-1].rules


def test_an_exclusion_the_local_policy_does_not_list_is_counted_with_a_warning() -> None:
    # after the 14th Five-Year Plan a locality may stop excluding the central basic pension (DB-15 item 3)
    household = HouseholdSnapshot(
        members=(PersonSnapshot("甲", date(1950, 1, 1), work_capacity="none"),),
        incomes=(
            IncomeSnapshot("transfer", Decimal("143"), "基础养老金", exclusion="central_basic_pension"),
        ),
    )
    assert assess(household, NO, LUZHOU, ON).amount == Decimal("580")
    counted = Policy(excluded_income=("preferential_care", "family_planning"))
    decision = assess(household, NO, counted, ON)
    assert decision.amount == Decimal("437") and decision.warnings  # 580 − 143


def test_a_deceased_member_is_not_counted() -> None:
    members = (
        *we01().members[:2],
        PersonSnapshot("张小某", date(2015, 1, 1), date_of_death=date(2025, 1, 5)),
    )
    decision = assess(HouseholdSnapshot(members=members, incomes=we01().incomes), NO, LUZHOU, ON)
    assert decision.amount == Decimal("260")  # 2 × 580 − 900


incomes = st.lists(st.decimals(min_value=0, max_value=5000, places=2), min_size=0, max_size=4)


@given(incomes, st.integers(min_value=1, max_value=6), st.decimals(min_value=300, max_value=1500, places=0))
def test_gap_equals_per_capita_gap_times_n_before_rounding(
    amounts: list[Decimal], n: int, standard: Decimal
) -> None:
    household = HouseholdSnapshot(
        members=tuple(PersonSnapshot(f"成员{i}", date(1950, 1, 1), work_capacity="none") for i in range(n)),
        incomes=tuple(IncomeSnapshot("transfer", a, f"收入{i}") for i, a in enumerate(amounts)),
    )
    decision = assess(household, NO, Policy(standard_rural=standard, payment_rounding="fen"), ON)
    total = sum(amounts, Decimal("0"))
    if total / n < standard:
        exact = decision.facts["exact_amount"]
        assert exact == n * standard - total
        assert abs(exact - (standard - total / n) * n) < Decimal("1e-20")
    assert decision.amount >= 0


@given(incomes, st.decimals(min_value=0, max_value=2000, places=2))
def test_more_counted_income_never_raises_the_amount_property(amounts: list[Decimal], more: Decimal) -> None:
    def household(extra: Decimal) -> HouseholdSnapshot:
        items = [IncomeSnapshot("transfer", a, f"收入{i}") for i, a in enumerate(amounts)]
        items.append(IncomeSnapshot("wage", extra, "务工", member="张某某"))
        return HouseholdSnapshot(members=we01().members, incomes=tuple(items))

    low = assess(household(Decimal("0")), NO, LUZHOU, ON).amount
    high = assess(household(more), NO, LUZHOU, ON).amount
    assert 0 <= high <= low


@given(incomes, st.sampled_from(["scholarship", "family_planning", "preferential_care", "social_assistance"]))
def test_excluded_income_never_changes_a_decision_property(amounts: list[Decimal], reason: str) -> None:
    base = HouseholdSnapshot(
        members=we01().members, incomes=tuple(IncomeSnapshot("wage", a, "务工") for a in amounts)
    )
    more = HouseholdSnapshot(
        members=base.members,
        incomes=(*base.incomes, IncomeSnapshot("transfer", Decimal("777.77"), "不计入", exclusion=reason)),
    )
    a, b = assess(base, NO, LUZHOU, ON), assess(more, NO, LUZHOU, ON)
    assert (a.eligible, a.amount, a.near_dibao) == (b.eligible, b.amount, b.near_dibao)
