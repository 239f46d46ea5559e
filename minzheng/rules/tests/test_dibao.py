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


@pytest.mark.parametrize(
    ("income", "near"),
    [
        ("580", True),  # at the standard: not 低保 (DB-01 "低于" is strict), 580 ≤ 870
        ("700", True),  # 700 ≤ 1.5 × 580 = 870
        (
            "870",
            True,
        ),  # exactly 1.5 × 580 = 870: "一点五倍以下" includes the number (LI-01, 民法典 Art. 1259)
        ("870.01", False),  # one fen above the line
    ],
)
def test_income_at_or_above_the_standard_is_not_eligible_and_near_dibao_up_to_one_and_a_half_times(
    income: str, near: bool
) -> None:
    household = HouseholdSnapshot(
        members=(PersonSnapshot("甲", date(1950, 1, 1)),),
        incomes=(IncomeSnapshot("wage", Decimal(income), "务工"),),
    )
    decision = assess(household, NO, LUZHOU, ON)
    assert not decision.eligible and decision.amount == 0
    assert decision.near_dibao is near
    assert any("属于低保边缘家庭" in line.text and "LI-01" in line.rules for line in decision.lines) is near


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
        (
            "chongqing",
            "rural",
            True,
            3,
        ),  # 张某某 works but 王某 (43, able) does not: any one is enough (DB-45)
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


def _trio(wage: str, own: str = "0", **disabled: object) -> HouseholdSnapshot:
    """Three co-resident members (rural, S = 580): 乙 earns ``wage``; 甲 (the one who may apply alone) has ``own``."""
    person = {"disability_category": "physical", "disability_grade": 1, **disabled}
    return HouseholdSnapshot(
        members=(
            PersonSnapshot("甲", date(1990, 1, 1), **person),  # type: ignore[arg-type]
            PersonSnapshot("乙", date(1965, 1, 1)),
            PersonSnapshot("丙", date(1968, 1, 1)),
        ),
        incomes=(
            IncomeSnapshot("wage", Decimal(wage), "务工", member="乙"),
            IncomeSnapshot("transfer", Decimal(own), "赔偿金", member="甲"),
        ),
    )


@pytest.mark.parametrize(
    ("wage", "own", "person", "eligible", "amount", "phrase"),
    [
        # per capita 6000 / 3 = 2000 > 1.5 × 580 = 870: not an edge family, so nobody applies alone
        (
            "6000",
            "0",
            {},
            False,
            "0",
            "人均 2000.00 元，超过低保标准 580 元的 1.5 倍(870 元)：不属于低保边缘家庭",
        ),
        # (2610 + 0) / 3 = 870 exactly: an edge family (LI-01 inclusive); alone: 1 × 580 − 0 = 580
        ("2610", "0", {}, True, "580", "人均 870.00 元，不低于低保标准 580 元且不超过其 1.5 倍(870 元)"),
        # (2610.03 + 0) / 3 = 870.01: one fen above the line
        ("2610.03", "0", {}, False, "0", "人均 870.01 元，超过低保标准 580 元的 1.5 倍"),
        # (1800 + 100) / 3 = 633.33, an edge family; alone: 580 − 100 = 480
        ("1800", "100", {}, True, "480", "属于低保边缘家庭"),
        # (900 + 0) / 3 = 300 < 580: the whole household qualifies, so it applies as a whole (not an edge family)
        ("900", "0", {}, False, "0", "全户符合低保条件，不属于低保边缘家庭"),
        # serious illness is the same route (DB-13 (2)): 2000 per capita refuses
        (
            "6000",
            "0",
            {"disability_grade": None, "serious_illness": "尿毒症"},
            False,
            "0",
            "不属于低保边缘家庭",
        ),
    ],
)
def test_a_severely_disabled_or_ill_member_applies_alone_only_in_an_edge_family(
    wage: str, own: str, person: dict[str, object], eligible: bool, amount: str, phrase: str
) -> None:
    household = _trio(wage, own, **person)
    decision = assess(household, Request(single_person="甲"), LUZHOU, ON)
    assert (decision.eligible, decision.amount) == (eligible, Decimal(amount))
    edge = [line for line in decision.lines if "LI-01" in line.rules]
    assert len(edge) == 1 and phrase in edge[0].text and "DB-13" in edge[0].rules
    light = assess(household, Request(single_person="甲"), LUZHOU, ON, explain=False)
    assert (light.eligible, light.amount) == (eligible, Decimal(amount))


def test_clergy_living_apart_apply_alone_without_the_edge_family_test() -> None:
    # DB-13 (3): 甲 lives in a temple; the family earns 6000 for 2 (3000 each) but 甲 alone: 580 − 0 = 580
    household = HouseholdSnapshot(
        members=(
            PersonSnapshot("甲", date(1970, 1, 1), is_coresident=False, non_coresident_reason="clergy_away"),
            PersonSnapshot("乙", date(1965, 1, 1)),
            PersonSnapshot("丙", date(1968, 1, 1)),
        ),
        incomes=(IncomeSnapshot("wage", Decimal("6000"), "务工", member="乙"),),
    )
    decision = assess(household, Request(single_person="甲"), LUZHOU, ON)
    assert decision.eligible and decision.amount == Decimal("580")
    assert not any("LI-01" in line.rules for line in decision.lines)


@pytest.mark.parametrize(
    ("died", "coresident", "expected", "phrase"),
    [
        # the head died on 2025-02-01 with his 900 wage still on file: 2 × 580 − 0 = 1160 (not 2 × 580 − 900 = 260)
        (
            date(2025, 2, 1),
            True,
            "1160",
            "张某某 已于 2025-02-01 死亡：其收入 务工收入 900.00 元/月 不计入家庭收入",
        ),
        # the head is in prison (DB-12): his wage line is not the household's either
        (
            None,
            False,
            "1160",
            "张某某 不是共同生活的家庭成员(在监狱服刑)：其收入 务工收入 900.00 元/月 不计入",
        ),
        # he dies after the decision date: still counted, 3 × 580 − 900 = 840
        (date(2025, 4, 1), True, "840", "补差：3 × 580 − 900.00 = 840.00"),
    ],
)
def test_income_of_a_member_who_is_dead_or_not_coresident_is_left_out(
    died: date | None, coresident: bool, expected: str, phrase: str
) -> None:
    head = PersonSnapshot(
        "张某某",
        date(1980, 1, 1),
        date_of_death=died,
        is_coresident=coresident,
        non_coresident_reason="" if coresident else "in_prison",
    )
    household = HouseholdSnapshot(members=(head, *we01().members[1:]), incomes=we01().incomes)
    decision = assess(household, NO, LUZHOU, ON)
    assert decision.eligible and decision.amount == Decimal(expected)
    text = "\n".join(line.text for line in decision.lines)
    assert phrase in text
    assert "计划生育奖励 10.00 元/月 不计入家庭收入" in text  # the household-level line is still read
    assert assess(household, NO, LUZHOU, ON, explain=False).amount == Decimal(expected)


def test_a_household_level_line_is_kept_when_a_member_dies() -> None:
    # 赡养费 300 from a son who lives apart is the household's (member ""): (2 × 580) − 300 = 860
    household = HouseholdSnapshot(
        members=(
            PersonSnapshot("甲", date(1950, 1, 1), date_of_death=date(2025, 1, 10), work_capacity="none"),
            PersonSnapshot("乙", date(1952, 1, 1), work_capacity="none"),
            PersonSnapshot("丙", date(1953, 1, 1), work_capacity="none"),
        ),
        incomes=(
            IncomeSnapshot("transfer", Decimal("300"), "赡养费"),
            IncomeSnapshot("transfer", Decimal("200"), "养老金(甲)", member="甲"),
        ),
    )
    decision = assess(household, NO, LUZHOU, ON)
    assert decision.amount == Decimal("860")
    assert any("计入家庭收入 = 300(赡养费) = 300.00" in line.text for line in decision.lines)


def test_a_transfer_filed_under_a_son_who_lives_apart_is_left_out_with_a_hint_to_file_it_for_the_household() -> (
    None
):
    # WE-02's 300 赡养费 recorded on the son instead of the household: not counted (2 × 580 − 0 = 1160), and the
    # clerk is told that support he pays the household belongs on a household-level line
    household = HouseholdSnapshot(
        members=(
            PersonSnapshot("李某", date(1953, 1, 1), work_capacity="none"),
            PersonSnapshot("刘某", date(1955, 1, 1), work_capacity="none"),
            PersonSnapshot(
                "李子", date(1980, 1, 1), is_coresident=False, non_coresident_reason="lives_apart"
            ),
        ),
        incomes=(IncomeSnapshot("transfer", Decimal("300"), "赡养费", member="李子"),),
    )
    decision = assess(household, NO, LUZHOU, ON)
    assert decision.amount == Decimal("1160")
    assert any("应登记为家庭收入" in w for w in decision.warnings)
    assert any(
        "李子 不是共同生活的家庭成员(不共同生活(如已分户的子女))" in line.text for line in decision.lines
    )


@pytest.mark.parametrize(
    ("pension", "cap", "expected", "phrase"),
    [
        # 200 tagged: 143 left out, 57 counted → 580 − 57 = 523
        ("200", "143", "523", "城乡居民养老金 200 元/月 中，中央确定的基础养老金 143 元不计入家庭收入"),
        # exactly the central part: all left out → 580
        ("143", "143", "580", "城乡居民养老金 143 元/月 不计入家庭收入"),
        # below the central part: all left out → 580
        ("100", "143", "580", "城乡居民养老金 100 元/月 不计入家庭收入"),
        # a locality with a higher central figure in the policy: 200 − 150 = 50 counted → 530
        ("200", "150", "530", "其余 50 元(地方加发、个人账户养老金)计入"),
    ],
)
def test_only_the_central_part_of_a_tagged_basic_pension_is_left_out(
    pension: str, cap: str, expected: str, phrase: str
) -> None:
    household = HouseholdSnapshot(
        members=(PersonSnapshot("甲", date(1950, 1, 1), work_capacity="none"),),
        incomes=(
            IncomeSnapshot(
                "transfer", Decimal(pension), "城乡居民养老金", exclusion="central_basic_pension", member="甲"
            ),
        ),
    )
    policy = Policy(central_basic_pension_monthly=Decimal(cap))
    decision = assess(household, NO, policy, ON)
    assert decision.amount == Decimal(expected)
    assert any(phrase in line.text and line.rules == ("DB-15",) for line in decision.lines)
    assert assess(household, NO, policy, ON, explain=False).amount == Decimal(expected)


@pytest.mark.parametrize(
    ("hukou", "earning", "months", "unemployed"),
    [
        ("urban", (), 1, "张某某、王某"),  # nobody able works: monthly (urban)
        ("urban", ("张某某",), 1, "王某"),  # 王某 (43, able) has no work: still monthly — any one is enough
        ("rural", ("张某某",), 3, "王某"),  # rural: quarterly
        ("urban", ("张某某", "王某"), 6, ""),  # every able member works: six-monthly
    ],
)
def test_chongqing_reviews_monthly_when_any_able_working_age_member_is_unemployed(
    hukou: str, earning: tuple[str, ...], months: int, unemployed: str
) -> None:
    household = HouseholdSnapshot(
        hukou_type=hukou,
        members=we01().members,  # 张某某 45 and 王某 43 are able and of working age; 张小某 is 10
        incomes=tuple(IncomeSnapshot("wage", Decimal("150"), "务工", member=name) for name in earning),
    )
    decision = assess(household, NO, Policy(review_tiers="chongqing"), ON)
    assert decision.review_months == months
    if unemployed:
        assert f"有劳动能力但未就业({unemployed})" in decision.lines[-1].text
        assert decision.lines[-1].rules == ("DB-45",)


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
