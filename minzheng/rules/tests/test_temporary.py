"""临时救助: the two types, the once-per-cause rule, the cap arithmetic, delegation and urgency (LS-01..LS-07).

DOMAIN.md §14 has no worked example for 临时救助; the cases below use the 泸州 standards (rural 580, urban 788)
and the §13 `linshi:` defaults (6 ×, 12 ×, 5000 元 delegated, 48 h + 5 WD, once per cause per year).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minzheng.core.errors import ValidationFailed
from minzheng.rules import dibao
from minzheng.rules.common import HouseholdSnapshot, IncomeSnapshot, PersonSnapshot
from minzheng.rules.temporary import PROGRAMS, Policy, Request, assess

ON = date(2025, 3, 20)
LUZHOU = dibao.Policy()  # urban 788, rural 580, rounding to the yuan
POLICY = Policy()


def family(
    *incomes: IncomeSnapshot, hukou: str = "rural", property_ok: bool | None = True
) -> HouseholdSnapshot:
    """Three co-resident members; a fourth works away and is not counted."""
    return HouseholdSnapshot(
        members=(
            PersonSnapshot("张某某", date(1980, 1, 1)),
            PersonSnapshot("王某", date(1982, 1, 1)),
            PersonSnapshot("张小某", date(2015, 1, 1)),
            PersonSnapshot("张兄", date(1978, 1, 1), is_coresident=False, non_coresident_reason="外出务工"),
        ),
        incomes=incomes,
        hukou_type=hukou,
        property_ok=property_ok,
    )


def fire(**changes: object) -> Request:
    base = Request(
        kind="emergency", cause="火灾", event_date=date(2025, 3, 15), assessed_need=Decimal("8000")
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def text_of(decision: object) -> str:
    return "\n".join(line.text for line in decision.lines)  # type: ignore[attr-defined]


def test_an_emergency_fire_is_paid_its_need_below_the_cap_without_an_income_test() -> None:
    # cap = 580 × 6 × 3 = 10440; need 8000 < cap → 8000; 8000 > 5000 → the county approves
    decision = assess(
        family(IncomeSnapshot("wage", Decimal("9000"), "务工")), fire(), POLICY, ON, dibao=LUZHOU
    )
    assert decision.program == "temporary" and decision.period == "one_off"
    assert decision.eligible and decision.amount == Decimal("8000")
    text = text_of(decision)
    assert "急难型临时救助：火灾，事件发生于 2025-03-15，受困 3 人" in text
    undated = assess(family(), fire(event_date=None), POLICY, ON, dibao=LUZHOU)
    assert undated.lines[0].text == "急难型临时救助：火灾，受困 3 人"
    assert "急难型临时救助不审查家庭收入和财产" in text
    assert "救助上限 = 580 × 6 × 3 人 = 10440 元" in text
    assert "救助金额 = min(需求 8000 元，上限 10440 元) = 8000 元" in text
    assert "报县级民政部门审批" in text
    assert decision.facts["decided_by"] == "county"
    assert decision.facts["cap"] == Decimal("10440")
    assert decision.facts["persons_affected"] == 3
    assert any("第四十七条" in line.source for line in decision.lines)
    assert any("第四十九条" in line.source and "浙江" in line.source for line in decision.lines)


@pytest.mark.parametrize(
    ("hukou", "persons", "hardship", "need", "cap", "amount"),
    [
        ("rural", 3, False, "12000", "10440", "10440"),  # 580 × 6 × 3 = 10440 < 12000: the cap binds
        ("rural", 3, True, "25000", "20880", "20880"),  # special hardship: 580 × 12 × 3 = 20880
        ("rural", 3, True, "12000", "20880", "12000"),  # the raised cap no longer binds
        ("rural", 1, False, "3480", "3480", "3480"),  # 580 × 6 × 1 = 3480: need exactly at the cap
        ("rural", 1, False, "3481", "3480", "3480"),  # one yuan over the cap
        ("urban", 2, False, "10000", "9456", "9456"),  # 788 × 6 × 2 = 9456
    ],
)
def test_the_cap_is_standard_times_multiple_times_persons(
    hukou: str, persons: int, hardship: bool, need: str, cap: str, amount: str
) -> None:
    request = fire(persons_affected=persons, special_hardship=hardship, assessed_need=Decimal(need))
    decision = assess(family(hukou=hukou), request, POLICY, ON, dibao=LUZHOU)
    assert decision.eligible and decision.amount == Decimal(amount)
    assert decision.facts["cap"] == Decimal(cap)
    standard = "788" if hukou == "urban" else "580"
    multiple = "12" if hardship else "6"
    assert f"救助上限 = {standard} × {multiple} × {persons} 人 = {cap} 元" in text_of(decision)
    if hardship:
        assert "特别困难：每人救助上限提高到低保标准的 12 倍" in text_of(decision)
    if Decimal(need) > Decimal(cap):
        assert any("超过上限" in w for w in decision.warnings)


def test_persons_affected_defaults_to_living_coresident_members() -> None:
    # 张兄 works away (not co-resident) and 王某 died before the decision: 2 persons, cap 580 × 6 × 2 = 6960
    household = family()
    members = (
        household.members[0],
        dataclasses.replace(household.members[1], date_of_death=date(2025, 3, 15)),
        *household.members[2:],
    )
    decision = assess(
        dataclasses.replace(household, members=members),
        fire(assessed_need=Decimal("9000")),
        POLICY,
        ON,
        dibao=LUZHOU,
    )
    assert decision.facts["persons_affected"] == 2 and decision.amount == Decimal("6960")
    assert "救助上限 = 580 × 6 × 2 人 = 6960 元" in text_of(decision)


def test_more_persons_than_the_household_has_is_accepted_with_a_warning() -> None:
    decision = assess(family(), fire(persons_affected=5), POLICY, ON, dibao=LUZHOU)
    assert decision.facts["cap"] == Decimal("17400")  # 580 × 6 × 5
    assert any("受困人数 5 人多于共同生活的家庭成员 3 人" in w for w in decision.warnings)


@pytest.mark.parametrize(
    ("requested", "assessed", "amount", "sentence"),
    [
        ("8000", "6000", "6000", "救助需求 = min(申请金额 8000 元，核定需求 6000 元) = 6000 元"),
        ("3000", "6000", "3000", "救助需求 = min(申请金额 3000 元，核定需求 6000 元) = 3000 元"),
        ("4000", None, "4000", "救助需求 = 申请金额 4000 元"),
        (None, "4500", "4500", "救助需求 = 核定需求 4500 元"),
    ],
)
def test_the_need_is_the_smaller_of_the_request_and_the_assessment(
    requested: str | None, assessed: str | None, amount: str, sentence: str
) -> None:
    request = fire(
        amount_requested=Decimal(requested) if requested else None,
        assessed_need=Decimal(assessed) if assessed else None,
    )
    decision = assess(family(), request, POLICY, ON, dibao=LUZHOU)
    assert decision.amount == Decimal(amount)
    assert sentence in text_of(decision)


@pytest.mark.parametrize(
    ("need", "decided_by", "sentence"),
    [
        ("4999", "township", "救助金额 4999 元 ≤ 委托乡镇审批的上限 5000 元：由乡镇(街道)审批"),
        ("5000", "township", "救助金额 5000 元 ≤ 委托乡镇审批的上限 5000 元：由乡镇(街道)审批"),
        ("5001", "county", "救助金额 5001 元 > 委托乡镇审批的上限 5000 元：报县级民政部门审批"),
    ],
)
def test_amounts_up_to_the_delegated_limit_are_decided_by_the_township(
    need: str, decided_by: str, sentence: str
) -> None:
    decision = assess(family(), fire(assessed_need=Decimal(need)), POLICY, ON, dibao=LUZHOU)
    assert decision.facts["decided_by"] == decided_by
    assert sentence in text_of(decision)
    assert any("第四十八条" in line.source for line in decision.lines if "审批" in line.text)


@pytest.mark.parametrize(
    ("prior", "limit", "eligible"),
    [
        (0, 1, True),  # first grant this year
        (1, 1, False),  # once per cause per calendar year (喀什)
        (2, 1, False),
        (1, 2, True),  # a county allowing two
        (5, None, True),  # no limit configured
    ],
)
def test_the_same_cause_is_helped_at_most_the_configured_times_a_year(
    prior: int, limit: int | None, eligible: bool
) -> None:
    policy = Policy(max_per_year_same_cause=limit)
    decision = assess(family(), fire(prior_grants_same_cause=prior), policy, ON, dibao=LUZHOU)
    assert decision.eligible is eligible
    if eligible:
        assert decision.amount == Decimal("8000")
    else:
        assert decision.amount == 0
        assert f"2025 年已因同一事由(火灾)救助 {prior} 次，每年最多 1 次：不予重复救助" in text_of(decision)


@pytest.mark.parametrize(
    ("income", "eligible", "sentence"),
    [
        # 3 members; threshold 580 × 1.5 = 870; at or below (LI-01: "一点五倍以下" includes the number)
        (
            "2609.97",
            True,
            "家庭月人均收入 869.99 元 ≤ 低保标准 580 元 × 1.5 = 870 元，符合支出型临时救助的收入条件",
        ),
        (
            "2610",  # 2610 / 3 = 870 exactly
            True,
            "家庭月人均收入 870.00 元 ≤ 低保标准 580 元 × 1.5 = 870 元，符合支出型临时救助的收入条件",
        ),
        (
            "2610.03",  # 2610.03 / 3 = 870.01: one fen above
            False,
            "家庭月人均收入 870.01 元 > 低保标准 580 元 × 1.5 = 870 元，不符合支出型临时救助的收入条件",
        ),
        ("900", True, "家庭月人均收入 300.00 元 ≤ 低保标准 580 元 × 1.5 = 870 元"),
    ],
)
def test_expenditure_type_requires_per_capita_income_at_or_below_the_edge_line(
    income: str, eligible: bool, sentence: str
) -> None:
    request = Request(
        kind="expenditure", cause="重病", event_date=date(2025, 2, 1), assessed_need=Decimal("6000")
    )
    decision = assess(
        family(IncomeSnapshot("wage", Decimal(income), "务工")), request, POLICY, ON, dibao=LUZHOU
    )
    assert decision.eligible is eligible
    assert decision.amount == (Decimal("6000") if eligible else 0)
    assert sentence in text_of(decision)


@pytest.mark.parametrize(
    ("incomes", "eligible", "phrases"),
    [
        # 张兄 works away (not co-resident): his 6000 is not the household's; 900 / 3 = 300 ≤ 870
        (
            (("wage", "6000", "张兄", ""), ("wage", "900", "张某某", "")),
            True,
            ("张兄 不是共同生活的家庭成员", "家庭月人均收入 300.00 元"),
        ),
        # household-level lines (member "") are kept: (900 + 1800) / 3 = 900 > 870
        (
            (("wage", "900", "张某某", ""), ("business", "1800", "", "")),
            False,
            ("家庭月人均收入 900.00 元 >",),
        ),
        # a 2700 pension tagged as the central basic pension: only 143 left out, 2557 / 3 = 852.33 ≤ 870
        (
            (("transfer", "2700", "王某", "central_basic_pension"),),
            True,
            ("不计入家庭收入：收入 2700 元/月中的中央确定的基础养老金 143 元", "家庭月人均收入 852.33 元"),
        ),
    ],
)
def test_expenditure_type_counts_only_coresident_members_and_the_central_pension_part(
    incomes: tuple[tuple[str, str, str, str], ...], eligible: bool, phrases: tuple[str, ...]
) -> None:
    household = family(
        *(
            IncomeSnapshot(cat, Decimal(amount), "收入", member=who, exclusion=why)
            for cat, amount, who, why in incomes
        )
    )
    request = Request(kind="expenditure", cause="重病", assessed_need=Decimal("3000"))
    decision = assess(household, request, POLICY, ON, dibao=LUZHOU)
    assert decision.eligible is eligible
    for phrase in phrases:
        assert phrase in text_of(decision)


def test_expenditure_type_leaves_out_the_income_of_a_member_who_died() -> None:
    # the head died with his 2700 wage on file: survivors 王某 and 张小某, 0 / 2 = 0 ≤ 870
    household = family(IncomeSnapshot("wage", Decimal("2700"), "务工", member="张某某"))
    members = (
        dataclasses.replace(household.members[0], date_of_death=date(2025, 3, 1)),
        *household.members[1:],
    )
    request = Request(kind="expenditure", cause="丧葬及医疗支出", assessed_need=Decimal("3000"))
    decision = assess(dataclasses.replace(household, members=members), request, POLICY, ON, dibao=LUZHOU)
    assert decision.eligible and decision.amount == Decimal("3000")
    assert "张某某 已于 2025-03-01 死亡：其收入 务工 2700 元/月 不计入家庭收入" in text_of(decision)


def test_expenditure_type_leaves_out_income_the_dibao_policy_excludes() -> None:
    # counted 2400 / 3 = 800 < 870; the 500 scholarship is left out (DB-15), which would make it 966.67
    household = family(
        IncomeSnapshot("wage", Decimal("2400"), "务工"),
        IncomeSnapshot("transfer", Decimal("500"), "奖学金", exclusion="scholarship"),
    )
    request = Request(kind="expenditure", cause="教育支出", assessed_need=Decimal("3000"))
    decision = assess(household, request, POLICY, ON, dibao=LUZHOU)
    assert decision.eligible and decision.amount == Decimal("3000")
    assert "不计入家庭收入：奖学金 500 元/月" in text_of(decision)
    assert "家庭月人均收入 800.00 元" in text_of(decision)


def test_the_income_multiple_is_a_policy_parameter() -> None:
    # per capita 900 / 3 = 300 ≥ 580 × 1/2 = 290
    household = family(IncomeSnapshot("wage", Decimal("900"), "务工"))
    request = Request(kind="expenditure", cause="重病", assessed_need=Decimal("3000"))
    decision = assess(household, request, Policy(income_multiple=Fraction(1, 2)), ON, dibao=LUZHOU)
    assert not decision.eligible
    assert "低保标准 580 元 × 0.5 = 290 元" in text_of(decision)


def test_expenditure_type_refuses_property_over_the_limits_and_warns_when_unassessed() -> None:
    request = Request(kind="expenditure", cause="重病", assessed_need=Decimal("3000"))
    refused = assess(family(property_ok=False), request, POLICY, ON, dibao=LUZHOU)
    assert not refused.eligible and refused.amount == 0
    assert "家庭财产超过当地规定" in text_of(refused)
    unknown = assess(family(property_ok=None), request, POLICY, ON, dibao=LUZHOU)
    assert unknown.eligible and any("财产尚未核定" in w for w in unknown.warnings)
    emergency = assess(family(property_ok=False), fire(), POLICY, ON, dibao=LUZHOU)
    assert emergency.eligible  # 急难型: no property test


@pytest.mark.parametrize(
    ("need", "rounding", "expected"),
    [
        ("1234.56", "yuan", "1235"),
        ("1234.49", "yuan", "1234"),
        ("1234.56", "jiao", "1234.6"),
        ("1234.56", "fen", "1234.56"),
    ],
)
def test_the_amount_is_rounded_as_the_dibao_payment(need: str, rounding: str, expected: str) -> None:
    standards = dataclasses.replace(LUZHOU, payment_rounding=rounding)
    decision = assess(family(), fire(assessed_need=Decimal(need)), POLICY, ON, dibao=standards)
    assert decision.amount == Decimal(expected) and str(decision.amount) == expected


def test_rounding_never_carries_the_amount_above_a_fractional_cap() -> None:
    # cap = 517 × 1/2 × 1 = 258.5; half up would give 259 > cap, so the yuan is rounded down to 258
    standards = dataclasses.replace(LUZHOU, standard_rural=Decimal("517"))
    policy = Policy(cap_per_person_multiple=Fraction(1, 2))
    decision = assess(
        family(), fire(persons_affected=1, assessed_need=Decimal("300")), policy, ON, dibao=standards
    )
    assert decision.facts["cap"] == Decimal("258.5")
    assert decision.amount == Decimal("258")
    assert "救助金额 = min(需求 300 元，上限 258.50 元) = 258.50 元，按元取整为 258 元" in text_of(decision)


def test_an_urgent_emergency_is_paid_first_with_the_prepay_and_paperwork_limits() -> None:
    decision = assess(family(), fire(urgent=True, assessed_need=Decimal("2000")), POLICY, ON, dibao=LUZHOU)
    assert decision.facts["urgent"] is True
    assert decision.facts["prepay_deadline_hours"] == 48
    assert decision.facts["paperwork_working_days"] == 5
    assert "情况紧急：48 小时内先行救助，5 个工作日内补齐审批手续" in text_of(decision)
    assert decision.needs_verification == ("LS-04",)


def test_a_normal_application_carries_the_ordinary_time_limits() -> None:
    decision = assess(family(), fire(), POLICY, ON, dibao=LUZHOU)
    assert decision.facts["urgent"] is False and "prepay_deadline_hours" not in decision.facts
    assert decision.facts["township_review_working_days"] == 10
    assert decision.facts["county_decision_working_days"] == 10
    assert "一般程序：乡镇 10 个工作日内调查审核，县级 10 个工作日内审批" in text_of(decision)
    assert decision.needs_verification == ()


def test_urgency_is_not_applied_to_the_expenditure_type() -> None:
    request = Request(kind="expenditure", cause="重病", assessed_need=Decimal("3000"), urgent=True)
    decision = assess(family(), request, POLICY, ON, dibao=LUZHOU)
    assert decision.eligible and decision.facts["urgent"] is False
    assert any("先行救助适用于急难型" in w for w in decision.warnings)


def test_the_forms_of_aid_are_echoed_and_a_referral_alone_pays_nothing() -> None:
    both = assess(family(), fire(forms=("cash", "goods")), POLICY, ON, dibao=LUZHOU)
    assert "救助方式：现金、实物" in text_of(both) and both.amount == Decimal("8000")
    referral = assess(family(), fire(forms=("referral",), assessed_need=None), POLICY, ON, dibao=LUZHOU)
    assert referral.eligible and referral.amount == 0
    assert "救助方式：转介服务，不发放救助金" in text_of(referral)
    assert referral.facts["decided_by"] == "township"


def test_a_zero_need_pays_nothing_and_is_not_eligible() -> None:
    decision = assess(family(), fire(assessed_need=Decimal("0")), POLICY, ON, dibao=LUZHOU)
    assert not decision.eligible and decision.amount == 0
    assert "救助需求为 0 元：无需发放临时救助" in text_of(decision)


def test_missing_cause_and_date_are_warned_about() -> None:
    decision = assess(family(), fire(cause="", event_date=None), POLICY, ON, dibao=LUZHOU)
    assert decision.eligible
    assert "未填写救助事由" in decision.warnings and "未填写事件发生日期" in decision.warnings


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "flood"}, "kind"),
        ({"forms": ("cheque",)}, "forms"),
        ({"forms": ()}, "forms"),
        ({"persons_affected": 0}, "persons_affected"),
        ({"prior_grants_same_cause": -1}, "prior_grants_same_cause"),
        ({"assessed_need": Decimal("-1")}, "assessed_need"),
        ({"amount_requested": Decimal("-0.01")}, "amount_requested"),
        ({"event_date": date(2025, 3, 21)}, "event_date"),  # the day after the decision
        ({"assessed_need": None, "amount_requested": None}, "assessed_need"),
    ],
)
def test_impossible_requests_are_refused(changes: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        assess(family(), fire(**changes), POLICY, ON, dibao=LUZHOU)
    assert field in caught.value.fields


def test_an_event_on_the_decision_day_is_accepted() -> None:
    assert assess(family(), fire(event_date=ON), POLICY, ON, dibao=LUZHOU).eligible


def test_a_household_without_living_coresident_members_is_refused() -> None:
    household = HouseholdSnapshot(
        members=(PersonSnapshot("甲", date(1950, 1, 1), date_of_death=date(2025, 1, 1)),)
    )
    with pytest.raises(ValidationFailed):
        assess(household, fire(), POLICY, ON, dibao=LUZHOU)


def test_the_program_is_registered_as_a_household_one_off() -> None:
    (program,) = PROGRAMS
    assert program.code == "temporary" and not program.per_person
    assert program.policy is Policy and program.request is Request and program.assess is assess


money = st.decimals(min_value=0, max_value=200_000, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(
    need=money,
    persons=st.integers(min_value=1, max_value=12),
    hardship=st.booleans(),
    standard=st.decimals(min_value=1, max_value=2000, places=2),
    rounding=st.sampled_from(["yuan", "jiao", "fen"]),
    multiple=st.fractions(min_value=Fraction(1, 10), max_value=20, max_denominator=10),
)
def test_amounts_are_never_negative_nor_above_the_cap(
    need: Decimal, persons: int, hardship: bool, standard: Decimal, rounding: str, multiple: Fraction
) -> None:
    standards = dataclasses.replace(LUZHOU, standard_rural=standard, payment_rounding=rounding)
    policy = Policy(cap_per_person_multiple=multiple)
    decision = assess(
        family(),
        fire(assessed_need=need, persons_affected=persons, special_hardship=hardship),
        policy,
        ON,
        dibao=standards,
    )
    assert decision.amount >= 0
    if decision.eligible:
        assert decision.amount <= decision.facts["cap"]
        assert decision.amount <= need + Decimal("0.5")  # never more than the need, up to rounding


@settings(max_examples=200, deadline=None)
@given(need=money, persons=st.integers(min_value=1, max_value=11), hardship=st.booleans())
def test_more_persons_never_lowers_the_cap_or_the_amount(need: Decimal, persons: int, hardship: bool) -> None:
    fewer = assess(
        family(),
        fire(assessed_need=need, persons_affected=persons, special_hardship=hardship),
        POLICY,
        ON,
        dibao=LUZHOU,
    )
    more = assess(
        family(),
        fire(assessed_need=need, persons_affected=persons + 1, special_hardship=hardship),
        POLICY,
        ON,
        dibao=LUZHOU,
    )
    if fewer.eligible:
        assert more.facts["cap"] >= fewer.facts["cap"]
        assert more.amount >= fewer.amount


def test_the_policy_and_a_request_round_trip_through_json() -> None:
    from minzheng.rules import serialize

    for cls in (Policy, Request):
        assert serialize.build(cls, serialize.to_json(cls())) == cls()
    built = serialize.build(
        Request, {"kind": "expenditure", "forms": ["goods", "referral"], "assessed_need": "100"}
    )
    assert built.forms == ("goods", "referral") and built.assessed_need == Decimal("100")
