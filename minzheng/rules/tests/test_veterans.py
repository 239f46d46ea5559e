"""优抚 (军人抚恤优待条例 2024, YF-01 … YF-12): groups, grades and shares with their arithmetic, and invariants.

The amounts of the default Policy are illustrative; the tests pin them so the arithmetic can be read here.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minzheng.core.errors import ValidationFailed
from minzheng.rules import dibao, serialize
from minzheng.rules.common import Decision, HouseholdSnapshot, PersonSnapshot
from minzheng.rules.veterans import (
    PROGRAMS,
    ConscriptFamilyRequest,
    Policy,
    Request,
    assess_conscript_family,
    assess_veterans,
)

ON = date(2025, 3, 20)
POLICY = Policy()
DIBAO = dibao.Policy()
NAME = "王某"


def household(
    category: str,
    *,
    born: date = date(1950, 6, 1),
    hukou: str = "rural",
    died: date | None = None,
    **person: Any,
) -> HouseholdSnapshot:
    member = PersonSnapshot(NAME, born, veteran_category=category, date_of_death=died, **person)
    return HouseholdSnapshot(members=(member, PersonSnapshot("李某", date(1952, 1, 1))), hukou_type=hukou)


def decide(
    category: str,
    request: Request | None = None,
    *,
    policy: Policy = POLICY,
    on: date = ON,
    **kwargs: Any,
) -> Decision:
    request = request or Request()
    return assess_veterans(
        household(category, **kwargs),
        replace(request, subject=NAME),
        policy,
        on,
        dibao=DIBAO,
    )


def text(decision: Decision) -> str:
    return "\n".join(line.text for line in decision.lines)


def sources(decision: Decision) -> str:
    return "\n".join(line.source for line in decision.lines)


# --- YF-02 定期生活补助 --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "kwargs", "request_", "expected"),
    [
        ("combat_veteran", {}, Request(), "850"),
        ("nuclear_test_veteran", {}, Request(), "850"),  # Art. 61: treated as 参战, same standard
        ("ill_returned_veteran", {}, Request(), "900"),  # WE-02: 带病回乡 900 元/月
        ("rural_veteran_60", {"born": date(1965, 3, 20)}, Request(), "400"),  # 60 on the day
        ("rural_veteran_60", {"born": date(1965, 3, 21)}, Request(), "0"),  # 60 tomorrow
        ("rural_veteran_60", {"hukou": "urban"}, Request(), "0"),
        ("old_demobilised", {}, Request(enlistment_date=date(1954, 10, 31)), "2000"),
        ("old_demobilised", {}, Request(enlistment_date=date(1954, 11, 1)), "0"),
        ("martyr_child_60", {}, Request(adult_when_pension_system_began=True), "600"),
        ("martyr_child_60", {"born": date(1966, 1, 1)}, Request(adult_when_pension_system_began=True), "0"),
        ("martyr_child_60", {"hukou": "urban"}, Request(adult_when_pension_system_began=True), "600"),
        (
            "martyr_child_60",
            {"hukou": "urban"},
            Request(adult_when_pension_system_began=True, has_employer=True),
            "0",
        ),
        ("martyr_child_60", {}, Request(adult_when_pension_system_began=False), "0"),
    ],
)
def test_living_subsidy_by_group_and_its_checks(
    category: str, kwargs: dict[str, Any], request_: Request, expected: str
) -> None:
    decision = decide(category, request_, **kwargs)
    assert decision.amount == Decimal(expected)
    assert decision.eligible is (expected != "0")
    assert decision.period == "monthly" and decision.subject == NAME
    assert any("第六十二条" in s.source for s in decision.lines)


def test_nuclear_test_veterans_cite_article_61() -> None:
    decision = decide("nuclear_test_veteran")
    assert "参试退役军人参照参战退役军人的规定执行" in text(decision)
    assert "第六十一条第二款" in sources(decision)


def test_rural_veteran_line_states_the_age_and_the_reason_for_refusal() -> None:
    assert "现年 60 周岁(≥ 60)，农村户籍" in text(decide("rural_veteran_60", born=date(1965, 3, 20)))
    assert "现年 59 周岁，未满60周岁" in text(decide("rural_veteran_60", born=date(1965, 3, 21)))
    assert "不是农村户籍" in text(decide("rural_veteran_60", hukou="urban"))


def test_missing_archive_facts_warn_but_do_not_refuse() -> None:
    old = decide("old_demobilised")
    assert old.eligible and any("1954年10月31日" in w for w in old.warnings)
    child = decide("martyr_child_60")
    assert child.eligible and any("已满18周岁" in w for w in child.warnings)


def test_rural_veterans_may_be_paid_per_year_of_service() -> None:
    # 50 元 per year of service × 3 years = 150 元/月
    policy = replace(POLICY, rural_veteran_60_per_service_year=Decimal("50"))
    decision = decide("rural_veteran_60", Request(service_years=3), policy=policy)
    assert decision.amount == Decimal("150")
    assert "每服役一年 50 元 × 3 年 = 150.00 元/月" in text(decision)
    with pytest.raises(ValidationFailed):
        decide("rural_veteran_60", Request(), policy=policy)


def test_a_group_without_a_standard_is_a_policy_error() -> None:
    policy = replace(POLICY, living_subsidy_monthly={"combat_veteran": Decimal("850")})
    with pytest.raises(ValidationFailed, match="定期生活补助标准"):
        decide("ill_returned_veteran", policy=policy)


# --- YF-03 定期抚恤金 ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        ("martyr_survivor", "2582.13"),  # 41314 × 3/4 ÷ 12 = 2582.125 → 2582.13
        ("duty_death_survivor", "2237.84"),  # 41314 × 13/20 ÷ 12 = 2237.8416… → 2237.84
        ("illness_death_survivor", "2065.70"),  # 41314 × 3/5 ÷ 12 = 2065.70
    ],
)
def test_survivor_pension_is_a_share_of_national_disposable_income(category: str, expected: str) -> None:
    decision = decide(category, Request(relation_to_deceased="parent"), work_capacity="none")
    assert decision.eligible and str(decision.amount) == expected
    assert "41314 元 ×" in text(decision) and "÷ 12" in text(decision)
    assert "第十九条第二款" in sources(decision)


@pytest.mark.parametrize(
    ("relation", "kwargs", "flags", "eligible"),
    [
        ("parent", {"work_capacity": "none"}, {}, True),
        ("parent", {}, {"no_means_of_living": True}, True),
        ("spouse", {}, {"income_below_local_average": True}, True),
        ("spouse", {}, {}, False),
        ("child", {"born": date(2007, 3, 21)}, {}, True),  # 17: turns 18 tomorrow
        ("child", {"born": date(2007, 3, 20)}, {}, False),  # 18 today, not in school
        ("child", {"born": date(2007, 3, 20)}, {"in_school": True, "no_means_of_living": True}, True),
        (
            "child",
            {"born": date(2000, 1, 1), "disability_category": "physical"},
            {"no_means_of_living": True},
            True,
        ),
        ("child", {"born": date(2000, 1, 1), "schooling": "university"}, {}, False),  # has a livelihood
        ("sibling", {"born": date(2010, 1, 1)}, {}, False),  # not supported by the soldier
        ("sibling", {"born": date(2010, 1, 1)}, {"supported_by_deceased": True}, True),
        ("sibling", {"born": date(2000, 1, 1)}, {"supported_by_deceased": True, "disabled": True}, False),
        (
            "sibling",
            {"born": date(2000, 1, 1)},
            {"supported_by_deceased": True, "in_school": True, "no_means_of_living": True},
            True,
        ),
    ],
)
def test_survivor_pension_conditions_of_article_19(
    relation: str, kwargs: dict[str, Any], flags: dict[str, Any], eligible: bool
) -> None:
    request = Request(relation_to_deceased=relation, **flags)
    decision = decide("martyr_survivor", request, **kwargs)
    assert decision.eligible is eligible
    assert decision.amount == (Decimal("2582.13") if eligible else 0)
    assert "第十九条第一款" in sources(decision)


def test_survivor_pension_starts_the_month_it_is_confirmed() -> None:
    request = Request(relation_to_deceased="parent", approval_date=date(2025, 2, 14))
    decision = decide("martyr_survivor", request, work_capacity="none")
    assert decision.facts["pays_from"] == "2025-02-01"
    assert "自审核确认当月(2025-02)起发给" in text(decision)


def test_survivor_pension_needs_the_relation() -> None:
    with pytest.raises(ValidationFailed, match="关系"):
        decide("martyr_survivor", Request())


# --- YF-05 残疾抚恤金 ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cause", "grade", "pension"),
    [
        ("war", 1, "8600"),
        ("war", 10, "970"),  # war grade 10 qualifies
        ("duty", 10, "830"),
        ("illness", 6, "3050"),  # illness grade 6 qualifies
        ("illness", 7, None),  # … grade 7 does not
        ("illness", 10, None),
    ],
)
def test_disability_pension_grades_by_cause(cause: str, grade: int, pension: str | None) -> None:
    request = Request(disability_cause=cause, disability_grade=grade, needs_care=False)
    decision = decide("disabled", request)
    assert decision.eligible is (pension is not None)
    assert decision.facts["components"].get("disability_pension") == (Decimal(pension) if pension else None)
    assert "第二十七条第二款" in sources(decision)


def test_illness_grade_seven_says_why() -> None:
    decision = decide("disabled", Request(disability_cause="illness", disability_grade=7))
    assert "因病致残，残疾等级七级：只有一级至六级享受残疾抚恤金" in text(decision)
    assert decision.amount == 0


def test_disability_pension_starts_the_month_of_approval() -> None:
    request = Request(disability_cause="war", disability_grade=8, approval_date=date(2025, 1, 31))
    decision = decide("disabled", request)
    assert decision.facts["pays_from"] == "2025-01-01"
    assert "自批准当月(2025-01)起发给" in text(decision)


@pytest.mark.parametrize(
    "request_",
    [
        Request(),
        Request(disability_cause="war"),
        Request(disability_cause="war", disability_grade=0),
        Request(disability_cause="war", disability_grade=11),
        Request(disability_cause="fire", disability_grade=3),
    ],
)
def test_a_disabled_veteran_needs_a_valid_cause_and_grade(request_: Request) -> None:
    with pytest.raises(ValidationFailed):
        decide("disabled", request_)


def test_the_army_pays_in_the_year_of_discharge_and_the_county_from_the_next() -> None:
    # discharged 2025-01-10, applied 2025-03-21 (70 days): this year's pension comes from the unit
    request = Request(
        disability_cause="war",
        disability_grade=8,
        discharge_date=date(2025, 1, 10),
        transfer_applied_on=date(2025, 3, 21),
    )
    decision = decide("disabled", request)
    assert not decision.eligible and decision.facts["county_pays_from"] == "2026-01-01"
    assert "当年的残疾抚恤金由所在部队发给，本县从 2026 年起按当地标准发给" in text(decision)
    assert any("超过60日" in w for w in decision.warnings)
    next_year = decide("disabled", request, on=date(2026, 1, 1))
    assert next_year.amount == Decimal("1940")


# --- YF-06 护理费 -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cause", "grade", "psychiatric", "care", "pct"),
    [
        ("war", 1, False, "4000", "50%"),  # 8000 × 1/2 = 4000
        ("duty", 2, False, "4000", "50%"),
        ("war", 3, False, "3200", "40%"),  # 8000 × 2/5 = 3200
        ("duty", 4, False, "3200", "40%"),
        ("illness", 1, False, "2400", "30%"),  # 8000 × 3/10 = 2400
        ("illness", 4, False, "2400", "30%"),
        ("illness", 5, True, "2000", "25%"),  # 8000 × 1/4 = 2000
        ("illness", 6, True, "2000", "25%"),
        ("war", 5, True, "2000", "25%"),
        ("illness", 5, False, None, ""),
        ("war", 5, False, None, ""),
        ("war", 7, True, None, ""),
    ],
)
def test_care_allowance_shares_of_the_local_average_wage(
    cause: str, grade: int, psychiatric: bool, care: str | None, pct: str
) -> None:
    request = Request(disability_cause=cause, disability_grade=grade, psychiatric=psychiatric)
    decision = decide("disabled", request)
    assert decision.facts["components"].get("care_allowance") == (Decimal(care) if care else None)
    if care:
        assert f"月平均工资 8000 元 × {pct} = {care}.00 元/月" in text(decision)
        pension = decision.facts["components"]["disability_pension"]
        assert decision.amount == pension + Decimal(care)
        assert f"每月合计 {pension} + {care}.00 = {decision.amount} 元/月" in text(decision)
        assert "第三十四条第一款" in sources(decision)


def test_a_psychiatric_disability_on_the_register_counts_for_care() -> None:
    request = Request(disability_cause="illness", disability_grade=6)
    decision = decide("disabled", request, disability_category="psychiatric")
    assert decision.facts["components"]["care_allowance"] == Decimal("2000")


def test_care_allowance_rounds_once_to_the_fen() -> None:
    # 7777 × 3/10 = 2333.1 → 2333.10
    policy = replace(POLICY, local_average_monthly_wage_last_year=Decimal("7777"))
    decision = decide("disabled", Request(disability_cause="illness", disability_grade=2), policy=policy)
    assert str(decision.facts["components"]["care_allowance"]) == "2333.10"


@pytest.mark.parametrize(
    ("flags", "phrase"),
    [
        ({"needs_care": False}, "不需要护理"),
        ({"centrally_supported": True}, "由优抚医院统筹使用"),
        ({"in_service": True}, "由所在部队发给"),
    ],
)
def test_no_care_allowance_paid_by_the_county(flags: dict[str, Any], phrase: str) -> None:
    request = Request(disability_cause="war", disability_grade=1, **flags)
    decision = decide("disabled", request)
    assert "care_allowance" not in decision.facts["components"]
    assert phrase in text(decision)


# --- YF-04 丧葬补助 ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "request_", "kwargs", "expected", "months"),
    [
        # 6 × 2582.13 = 15492.78 (Art. 22)
        ("martyr_survivor", Request(relation_to_deceased="parent"), {"work_capacity": "none"}, "15492.78", 6),
        # 6 × 2500 received = 15000
        ("martyr_survivor", Request(monthly_amount_received=Decimal("2500")), {}, "15000", 6),
        # 12 × 6560 (duty grade 3) = 78720 (Art. 32)
        (
            "disabled",
            Request(disability_cause="duty", disability_grade=3, death_cause="illness"),
            {},
            "78720",
            12,
        ),
        # 12 × 3760 (illness grade 5) = 45120
        (
            "disabled",
            Request(disability_cause="illness", disability_grade=5, death_cause="illness"),
            {},
            "45120",
            12,
        ),
        # 6 × 850 = 5100 (Art. 62); 参试 the same (Art. 61)
        ("combat_veteran", Request(), {}, "5100", 6),
        ("nuclear_test_veteran", Request(), {}, "5100", 6),
    ],
)
def test_funeral_grants_on_the_death_of_a_recipient(
    category: str, request_: Request, kwargs: dict[str, Any], expected: str, months: int
) -> None:
    decision = decide(category, request_, died=date(2025, 2, 10), **kwargs)
    assert decision.eligible and decision.period == "one_off"
    assert decision.amount == Decimal(expected)
    assert decision.facts["funeral_grant_months"] == months
    assert f"× {months} 个月 = " in text(decision)
    assert "已于 2025-02-10 死亡：停发按月待遇" in text(decision)
    assert decision.review_months is None


@pytest.mark.parametrize(
    ("cause", "grade", "received", "expected", "phrase"),
    [
        # war grade 1: pension 8600 + 护理费 50 % × 8000 = 4000 received 12600; grant 12 × 8600 = 103200 (not 151200)
        (
            "war",
            1,
            "12600",
            "103200",
            "生前每月领取 12600 元(含护理费等)，丧葬补助只按残疾抚恤金 8600.00 元/月计算",
        ),
        # illness grade 2: 7090 + 30 % × 8000 = 2400 → 9490 received; grant 12 × 7090 = 85080 (not 113880)
        ("illness", 2, "9490", "85080", "丧葬补助 = 残疾抚恤金 7090.00 元/月 × 12 个月 = 85080"),
        # duty grade 3 with nothing received on file: 12 × 6560 = 78720, as before
        ("duty", 3, None, "78720", "丧葬补助 = 残疾抚恤金 6560.00 元/月 × 12 个月 = 78720"),
    ],
)
def test_a_disabled_veterans_funeral_grant_is_twelve_months_of_the_pension_without_the_care_allowance(
    cause: str, grade: int, received: str | None, expected: str, phrase: str
) -> None:
    request = Request(
        disability_cause=cause,
        disability_grade=grade,
        death_cause="illness",
        monthly_amount_received=None if received is None else Decimal(received),
    )
    decision = decide("disabled", request, died=date(2025, 2, 10))
    assert decision.eligible and decision.amount == Decimal(expected)
    assert decision.facts["monthly_base"] == Decimal(expected) / 12
    assert phrase in text(decision)


def test_without_a_local_pension_standard_the_grant_falls_back_to_the_amount_received_with_a_warning() -> (
    None
):
    # no standard for war grade 1 in this policy: 12 × 12600 received = 151200, and the clerk is told to check
    policy = replace(POLICY, disability_pension_monthly={"war_2": Decimal("7000")})
    request = Request(
        disability_cause="war",
        disability_grade=1,
        death_cause="illness",
        monthly_amount_received=Decimal("12600"),
    )
    decision = decide("disabled", request, policy=policy, died=date(2025, 2, 10))
    assert decision.amount == Decimal("151200")
    assert any("护理费" in w for w in decision.warnings)


def test_war_and_duty_grades_one_to_four_leave_survivors_an_illness_death_pension() -> None:
    request = Request(disability_cause="war", disability_grade=4, death_cause="illness")
    decision = decide("disabled", request, died=date(2025, 2, 10))
    assert decision.facts["survivors_entitlement"] == "illness_death_survivor"
    light = decide("disabled", replace(request, disability_grade=5), died=date(2025, 2, 10))
    assert "survivors_entitlement" not in light.facts


def test_death_from_an_old_injury_is_a_duty_death_not_a_funeral_grant() -> None:
    request = Request(disability_cause="war", disability_grade=6, death_cause="old_injury")
    decision = decide("disabled", request, died=date(2025, 2, 10))
    assert not decision.eligible and decision.amount == 0 and decision.period == "one_off"
    assert decision.facts["survivors_entitlement"] == "duty_death_survivor"
    assert "第三十二条第一款" in sources(decision)


def test_groups_without_a_funeral_clause_get_none() -> None:
    decision = decide("ill_returned_veteran", died=date(2025, 2, 10))
    assert not decision.eligible and decision.period == "one_off"
    assert "条例未规定" in text(decision)


def test_a_disabled_veterans_death_needs_its_cause() -> None:
    with pytest.raises(ValidationFailed, match="死亡原因"):
        decide("disabled", Request(disability_cause="war", disability_grade=3), died=date(2025, 2, 10))


def test_a_death_after_the_assessment_date_does_not_count_yet() -> None:
    decision = decide("combat_veteran", died=date(2025, 4, 1))
    assert decision.period == "monthly" and decision.amount == Decimal("850")


# --- YF-07 一次性抚恤 ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nature", "category", "expected", "phrase"),
    [
        # 褒扬金 30 × 54188 = 1625640; 一次性抚恤金 20 × 54188 + 40 × 6000 = 1323760; total 2949400
        ("martyr", "martyr_survivor", "2949400", "54188 × 20 + 月基本工资 6000 × 40 = 1323760 元"),
        ("duty", "duty_death_survivor", "1323760", "54188 × 20 + 月基本工资 6000 × 40 = 1323760 元"),
        # 2 × 54188 + 40 × 6000 = 348376
        ("illness", "illness_death_survivor", "348376", "54188 × 2 + 月基本工资 6000 × 40 = 348376 元"),
    ],
)
def test_one_off_death_payments_of_article_15(nature: str, category: str, expected: str, phrase: str) -> None:
    request = Request(payment="death_payment", death_nature=nature, basic_monthly_salary=Decimal("6000"))
    decision = decide(category, request)
    assert decision.eligible and decision.period == "one_off"
    assert decision.amount == Decimal(expected)
    assert phrase in text(decision)
    assert "第十五条第二款" in sources(decision) and "第十八条" in sources(decision)
    assert not any("不一致" in w for w in decision.warnings)


def test_martyr_commemoration_payment_is_thirty_times_urban_income() -> None:
    request = Request(payment="death_payment", death_nature="martyr", basic_monthly_salary=Decimal("6000"))
    decision = decide("martyr_survivor", request)
    assert "54188 元 × 30 = 1625640 元" in text(decision)
    assert decision.facts["commemoration_payment"] == Decimal("1625640")
    assert "合计 = 烈士褒扬金 1625640 + 一次性抚恤金 1323760 = 2949400.00 元(一次性)" in text(decision)


def test_salary_below_second_lieutenant_counts_as_second_lieutenant() -> None:
    # 2 × 54188 + 40 × 5000 = 308376 (salary 4000 is below the floor 5000)
    policy = replace(POLICY, second_lieutenant_basic_salary=Decimal("5000"))
    request = Request(payment="death_payment", death_nature="illness", basic_monthly_salary=Decimal("4000"))
    decision = decide("illness_death_survivor", request, policy=policy)
    assert decision.amount == Decimal("308376")
    assert not any("少尉" in w for w in decision.warnings)


def test_honours_increase_the_one_off_pension() -> None:
    # 1323760 × 15% = 198564; 1323760 + 198564 = 1522324
    request = Request(
        payment="death_payment",
        death_nature="duty",
        basic_monthly_salary=Decimal("6000"),
        highest_honour="third_class",
    )
    decision = decide("duty_death_survivor", request)
    assert decision.amount == Decimal("1522324")
    assert "1323760 × 15% = 198564 元" in text(decision)
    assert "第十六条" in sources(decision)


def test_death_payment_warns_on_a_wrong_year_or_category_and_needs_the_salary() -> None:
    request = Request(
        payment="death_payment",
        death_nature="martyr",
        basic_monthly_salary=Decimal("6000"),
        soldier_death_date=date(2026, 5, 1),
    )
    decision = decide("duty_death_survivor", request)
    assert any("2025 年" in w and "2024 年" in w for w in decision.warnings)
    assert any("不一致" in w for w in decision.warnings)
    with pytest.raises(ValidationFailed, match="月基本工资"):
        decide("martyr_survivor", Request(payment="death_payment", death_nature="martyr"))
    with pytest.raises(ValidationFailed, match="死亡性质"):
        decide("martyr_survivor", Request(payment="death_payment", basic_monthly_salary=Decimal("6000")))


# --- YF-10 suspension, cancellation, annual confirmation; YF-09 means tests; YF-01 scope ------------------------


@pytest.mark.parametrize(
    ("status", "outcome", "phrase"),
    [
        ("serving_sentence", "suspended", "被判处有期徒刑期间：中止发放抚恤金、补助金"),
        ("deprived_political_rights", "suspended", "被剥夺政治权利期间：中止发放"),
        ("wanted", "suspended", "被通缉期间：中止发放"),
        ("death_sentence", "cancelled", "被判处死刑：取消其抚恤优待资格"),
        ("life_sentence", "cancelled", "被判处无期徒刑：取消其抚恤优待资格"),
        ("expelled", "cancelled", "被军队开除军籍：取消其抚恤优待资格"),
    ],
)
def test_suspension_versus_cancellation(status: str, outcome: str, phrase: str) -> None:
    decision = decide("combat_veteran", Request(legal_status=status))
    assert not decision.eligible and decision.amount == 0
    assert decision.facts["status"] == outcome
    assert phrase in text(decision)
    assert "第五十九条第一款" in sources(decision)


def test_regular_payments_are_confirmed_every_year() -> None:
    decision = decide("combat_veteran")
    assert decision.review_months == 12
    assert decision.facts["annual_confirmation_required"] is True
    assert "第八条第二款" in sources(decision)


def test_we02_an_ill_returned_veterans_900_is_excluded_from_means_tests() -> None:
    # WE-02: 李 (72), 带病回乡退役军人, 定期生活补助 900 元/月 — not counted in the 低保 income (YF-09)
    decision = decide("ill_returned_veteran", born=date(1953, 1, 1))
    assert decision.amount == Decimal("900")
    assert decision.facts["excluded_from_means_tests"] is True
    assert "不计入本人和家庭收入" in text(decision) and "第四条第二款" in sources(decision)


@pytest.mark.parametrize(
    ("category", "phrase"),
    [
        ("serving", "现役军人"),
        ("military_family", "义务兵家庭优待金"),
        ("veteran", "不属于定期生活补助的任何一类对象"),
        ("", "未登记为抚恤优待对象"),
    ],
)
def test_categories_without_a_monthly_payment(category: str, phrase: str) -> None:
    decision = decide(category)
    assert not decision.eligible and decision.amount == 0
    assert phrase in text(decision)
    assert decision.facts["excluded_from_means_tests"] is True


def test_the_subject_must_be_a_member() -> None:
    with pytest.raises(ValidationFailed, match="不是该户成员"):
        assess_veterans(household("combat_veteran"), Request(subject="张三"), POLICY, ON, dibao=DIBAO)
    with pytest.raises(ValidationFailed):
        assess_veterans(household("combat_veteran"), Request(), POLICY, ON, dibao=DIBAO)


def test_the_id_number_also_names_the_subject() -> None:
    hh = HouseholdSnapshot(
        members=(
            PersonSnapshot(
                NAME, date(1950, 1, 1), id_number="11010519491231002X", veteran_category="combat_veteran"
            ),
        )
    )
    decision = assess_veterans(hh, Request(subject="11010519491231002X"), POLICY, ON, dibao=DIBAO)
    assert decision.subject == NAME and decision.amount == Decimal("850")


# --- YF-08 / YF-11 义务兵家庭优待金 ----------------------------------------------------------------------------------


def conscript(request: ConscriptFamilyRequest, policy: Policy = POLICY, on: date = ON) -> Decision:
    return assess_conscript_family(household(""), request, policy, on, dibao=DIBAO)


SERVING = ConscriptFamilyRequest(conscript_name="王小兵", enlistment_date=date(2024, 9, 10))


@pytest.mark.parametrize(
    ("frequency", "expected", "period", "per_year"),
    [
        ("monthly", "1500", "monthly", 12),  # 18000 ÷ 12
        ("quarterly", "4500", "quarterly", 4),  # 18000 ÷ 4, every quarter
        ("annual", "18000", "yearly", 1),  # every year
    ],
)
def test_conscript_family_allowance_per_payment_period(
    frequency: str, expected: str, period: str, per_year: int
) -> None:
    decision = conscript(SERVING, replace(POLICY, conscript_family_frequency=frequency))
    assert decision.program == "conscript_family" and decision.eligible
    assert decision.amount == Decimal(expected) and decision.period == period
    assert decision.facts["payment_frequency"] == frequency
    assert decision.facts["yearly_amount"] == Decimal("18000")
    assert decision.facts["payments_per_year"] == per_year
    assert f"18000 元/年 ÷ {per_year} = {expected}.00 元" in text(decision)
    assert "第四十二条第一款" in sources(decision)
    assert decision.facts["excluded_from_means_tests"] is True


def test_special_service_multiplies_the_yearly_amount() -> None:
    # 18000 × 3/2 = 27000 a year; 27000 ÷ 12 = 2250 a month
    policy = replace(POLICY, conscript_family_special_multiplier=Fraction(3, 2))
    decision = conscript(replace(SERVING, special_service=True, special_service_place="西藏"), policy)
    assert decision.amount == Decimal("2250")
    assert "特殊情况服役(西藏)：年标准 18000 元 × 1.5 = 27000 元/年" in text(decision)
    unset = conscript(replace(SERVING, special_service=True))
    assert unset.amount == Decimal("1500") and any("倍数" in w for w in unset.warnings)


@pytest.mark.parametrize(
    ("change", "phrase"),
    [
        ({"enlisted_from_this_county": False}, "由批准入伍地县级人民政府发给"),
        ({"enlistment_date": date(2025, 9, 1)}, "尚未服现役"),
        ({"discharge_date": date(2025, 3, 20)}, "已于 2025-03-20 退出现役"),
    ],
)
def test_conscript_family_allowance_refusals(change: dict[str, Any], phrase: str) -> None:
    decision = conscript(replace(SERVING, **change))
    assert not decision.eligible and decision.amount == 0
    assert phrase in text(decision)


def test_conscript_family_allowance_needs_a_name_and_an_enlistment_date() -> None:
    with pytest.raises(ValidationFailed):
        conscript(ConscriptFamilyRequest(enlistment_date=date(2024, 9, 10)))
    with pytest.raises(ValidationFailed):
        conscript(ConscriptFamilyRequest(conscript_name="王小兵"))


def test_a_conscript_past_two_years_without_discharge_warns() -> None:
    decision = conscript(replace(SERVING, enlistment_date=date(2023, 3, 1)))
    assert decision.eligible and any("超过2年" in w for w in decision.warnings)
    assert not conscript(SERVING).warnings


# --- the contract: programs, JSON round trip --------------------------------------------------------------------


def test_programs_and_their_json_round_trip() -> None:
    codes = {p.code: p for p in PROGRAMS}
    assert set(codes) == {"veterans", "conscript_family"}
    assert codes["veterans"].per_person and not codes["conscript_family"].per_person
    policy = serialize.build(Policy, serialize.to_json(POLICY))
    assert policy == POLICY
    request = Request(
        subject=NAME, disability_cause="war", disability_grade=2, approval_date=date(2025, 1, 1)
    )
    assert serialize.build(Request, serialize.to_json(request)) == request
    assert serialize.build(ConscriptFamilyRequest, serialize.to_json(SERVING)) == SERVING


# --- invariants (hypothesis) ------------------------------------------------------------------------------------

CATEGORIES = (
    "serving",
    "disabled",
    "martyr_survivor",
    "duty_death_survivor",
    "illness_death_survivor",
    "military_family",
    "combat_veteran",
    "nuclear_test_veteran",
    "ill_returned_veteran",
    "rural_veteran_60",
    "old_demobilised",
    "martyr_child_60",
    "veteran",
)
requests = st.builds(
    Request,
    relation_to_deceased=st.sampled_from(["parent", "spouse", "child", "sibling"]),
    no_means_of_living=st.booleans(),
    in_school=st.booleans(),
    supported_by_deceased=st.booleans(),
    disability_cause=st.sampled_from(["war", "duty", "illness"]),
    disability_grade=st.integers(1, 10),
    psychiatric=st.booleans(),
    needs_care=st.booleans(),
    centrally_supported=st.booleans(),
    death_cause=st.sampled_from(["illness", "old_injury", "other"]),
    monthly_amount_received=st.none() | st.decimals(0, 20000, places=2),
    legal_status=st.sampled_from(["", "", "", "wanted", "expelled"]),
    enlistment_date=st.none() | st.dates(date(1940, 1, 1), date(1960, 1, 1)),
)


@settings(max_examples=300, deadline=None)
@given(
    category=st.sampled_from(CATEGORIES),
    request_=requests,
    born=st.dates(date(1930, 1, 1), date(2020, 1, 1)),
    died=st.none() | st.dates(date(2024, 1, 1), date(2026, 1, 1)),
    wage=st.decimals(0, 50000, places=2),
)
def test_amounts_are_never_negative(
    category: str, request_: Request, born: date, died: date | None, wage: Decimal
) -> None:
    policy = replace(POLICY, local_average_monthly_wage_last_year=wage)
    decision = decide(category, request_, policy=policy, born=born, died=died)
    assert decision.amount >= 0
    assert decision.eligible or decision.amount == 0
    assert decision.period in ("monthly", "one_off")


@settings(max_examples=300, deadline=None)
@given(
    cause=st.sampled_from(["war", "duty", "illness"]),
    grades=st.lists(st.integers(1, 10), min_size=2, max_size=2, unique=True).map(sorted),
    psychiatric=st.booleans(),
    needs_care=st.booleans(),
    wage=st.decimals(0, 50000, places=2),
)
def test_a_more_severe_grade_never_pays_less(
    cause: str, grades: list[int], psychiatric: bool, needs_care: bool, wage: Decimal
) -> None:
    severe, light = grades  # a lower number is more severe
    policy = replace(POLICY, local_average_monthly_wage_last_year=wage)
    base = Request(disability_cause=cause, psychiatric=psychiatric, needs_care=needs_care)
    more = decide("disabled", replace(base, disability_grade=severe), policy=policy)
    less = decide("disabled", replace(base, disability_grade=light), policy=policy)
    assert more.amount >= less.amount
    assert more.facts["components"].get("care_allowance", 0) >= less.facts["components"].get(
        "care_allowance", 0
    )


def test_a_negative_standard_is_refused_rather_than_paid() -> None:
    policy = replace(POLICY, local_average_monthly_wage_last_year=Decimal("-1"))
    with pytest.raises(ValidationFailed, match="负数"):
        decide("disabled", Request(disability_cause="war", disability_grade=1), policy=policy)


def test_without_an_approval_date_the_pension_starts_in_the_month_the_procedure_confirms_it() -> None:
    decision = decide("disabled", Request(disability_cause="war", disability_grade=8))
    assert decision.facts["pays_from"] == "decision_month"
    assert "自批准当月起发给" in text(decision)
