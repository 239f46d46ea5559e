"""医疗救助: out-of-pocket after insurance, less the deductible, × the class ratio, within the annual cap.

DOMAIN.md has no section or worked example for 医疗救助; S1 第二十八条–第三十条 give the shape and leave the
standard to the county. The policy numbers used here are the module's illustrative defaults (特困 100 %, 低保 70 %,
边缘 50 %, no deductible, 50000 元 a year) unless a test sets its own.
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
from minzheng.rules.common import HouseholdSnapshot, PersonSnapshot
from minzheng.rules.medical import PROGRAMS, Policy, Request, assess

ON = date(2025, 6, 30)
LUZHOU = dibao.Policy()
POLICY = Policy()


def household(status: str = "dibao") -> HouseholdSnapshot:
    return HouseholdSnapshot(
        members=(
            PersonSnapshot("张某某", date(1980, 1, 1), id_number="510521198001010019"),
            PersonSnapshot("王某", date(1982, 1, 1)),
        ),
        assistance_status=status,
    )


def claim(**changes: object) -> Request:
    # total 20000, of which 18000 within the policy range; basic insurance 12000, 大病保险 3000
    base = Request(
        subject="张某某",
        total_costs=Decimal("20000"),
        basic_insurance_paid=Decimal("12000"),
        critical_illness_insurance_paid=Decimal("3000"),
        policy_range_costs=Decimal("18000"),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def text_of(decision: object) -> str:
    return "\n".join(line.text for line in decision.lines)  # type: ignore[attr-defined]


def test_a_dibao_member_gets_seventy_percent_of_the_policy_range_out_of_pocket_cost() -> None:
    # out of pocket = 18000 − 12000 − 3000 − 0 = 3000; − 0 deductible = 3000; × 0.7 = 2100; remaining cap 50000
    decision = assess(household(), claim(), POLICY, ON, dibao=LUZHOU)
    assert decision.program == "medical" and decision.period == "one_off" and decision.subject == "张某某"
    assert decision.eligible and decision.amount == Decimal("2100.00")
    text = text_of(decision)
    assert "张某某：救助对象类别为低保家庭成员(按家庭救助身份)" in text
    assert (
        "个人自付 = 18000(政策范围内费用) − 12000(基本医保) − 3000(大病保险) − 0(其他报销) = 3000 元" in text
    )
    assert "扣除起付线：3000 − 0 = 3000 元" in text
    assert "按救助比例：3000 × 0.7 = 2100 元" in text
    assert "年度救助限额 50000 元，本年已救助 0 元，剩余 50000 元" in text
    assert "本次医疗救助 = min(2100，50000) = 2100.00 元(按分取整)" in text
    assert "低保家庭成员的医疗救助由县级医疗保障部门直接办理" in text
    assert decision.facts["recipient_class"] == "dibao" and decision.facts["direct_settlement"] is True
    assert decision.facts["out_of_pocket"] == Decimal("3000")
    sources = " ".join(line.source for line in decision.lines)
    assert "第二十八条" in sources and "第二十九条" in sources and "第三十条" in sources
    assert "当地政策规定" in sources


@pytest.mark.parametrize(
    ("status", "override", "cls", "amount", "direct"),
    [
        ("tekun", "", "tekun", "3000.00", True),  # 3000 × 1
        ("dibao", "", "dibao", "2100.00", True),  # 3000 × 0.7
        ("near_dibao", "", "near_dibao", "1500.00", False),  # 3000 × 0.5
        ("dibao", "tekun", "tekun", "3000.00", True),  # the request overrides the household status
        ("", "near_dibao", "near_dibao", "1500.00", False),
    ],
)
def test_the_ratio_follows_the_recipient_class(
    status: str, override: str, cls: str, amount: str, direct: bool
) -> None:
    decision = assess(household(status), claim(recipient_class=override), POLICY, ON, dibao=LUZHOU)
    assert decision.eligible and decision.amount == Decimal(amount)
    assert decision.facts["recipient_class"] == cls
    assert decision.facts["direct_settlement"] is direct
    if cls == "near_dibao":
        assert any("LI-03" in line.rules for line in decision.lines)


def test_people_outside_the_covered_classes_get_nothing_by_default() -> None:
    decision = assess(household(""), claim(), POLICY, ON, dibao=LUZHOU)
    assert not decision.eligible and decision.amount == 0
    assert decision.facts["recipient_class"] == "other"
    assert "当地政策对其他人员未规定医疗救助比例：不予医疗救助" in text_of(decision)


def test_a_county_can_cover_other_people_at_its_own_ratio() -> None:
    policy = Policy(
        ratios={**POLICY.ratios, "other": Fraction(3, 10)},
        annual_caps={**POLICY.annual_caps, "other": Decimal("20000")},
    )
    decision = assess(household(""), claim(), policy, ON, dibao=LUZHOU)
    assert decision.amount == Decimal("900.00")  # 3000 × 0.3


@pytest.mark.parametrize(
    ("paid", "amount", "sentence"),
    [
        ("0", "2100.00", "剩余 50000 元"),
        ("47900", "2100.00", "剩余 2100 元"),  # exactly enough left
        ("49000", "1000.00", "本次医疗救助 = min(2100，1000) = 1000.00 元"),  # the cap binds
        ("50000", "0.00", "本年度医疗救助限额已用完：本次不予医疗救助"),
        ("60000", "0.00", "剩余 0 元"),  # over-used cap counts as exhausted
    ],
)
def test_the_annual_cap_limits_what_is_left_this_year(paid: str, amount: str, sentence: str) -> None:
    decision = assess(household(), claim(paid_this_year=Decimal(paid)), POLICY, ON, dibao=LUZHOU)
    assert decision.amount == Decimal(amount)
    assert decision.eligible is (Decimal(amount) > 0)
    assert sentence in text_of(decision)


@pytest.mark.parametrize(
    ("deductible", "amount", "sentence"),
    [
        ("1000", "1000.00", "扣除起付线：3000 − 1000 = 2000 元"),  # (3000 − 1000) × 0.5
        ("3000", "0.00", "扣除起付线：3000 − 3000 = 0 元"),
        ("4000", "0.00", "扣除起付线：3000 − 4000 = 0 元(不足 0 按 0 计)"),
    ],
)
def test_the_deductible_is_taken_off_before_the_ratio(deductible: str, amount: str, sentence: str) -> None:
    policy = Policy(deductibles={**POLICY.deductibles, "near_dibao": Decimal(deductible)})
    decision = assess(household("near_dibao"), claim(), policy, ON, dibao=LUZHOU)
    assert decision.amount == Decimal(amount)
    assert sentence in text_of(decision)
    if decision.amount == 0:
        assert "扣除保险报销和起付线后无可救助的费用：本次不予医疗救助" in text_of(decision)


def test_without_the_policy_range_rule_the_total_cost_is_the_base() -> None:
    # 20000 − 12000 − 3000 = 5000; × 0.7 = 3500
    decision = assess(household(), claim(), Policy(policy_range_only=False), ON, dibao=LUZHOU)
    assert decision.amount == Decimal("3500.00")
    assert "个人自付 = 20000(医疗总费用) − 12000(基本医保)" in text_of(decision)


def test_a_missing_policy_range_cost_falls_back_to_the_total_with_a_warning() -> None:
    decision = assess(household(), claim(policy_range_costs=None), POLICY, ON, dibao=LUZHOU)
    assert decision.amount == Decimal("3500.00")
    assert any("未填写政策范围内费用" in w for w in decision.warnings)


def test_other_reimbursements_are_deducted_too() -> None:
    # 18000 − 12000 − 3000 − 1000 = 2000; × 0.7 = 1400
    decision = assess(household(), claim(other_reimbursements=Decimal("1000")), POLICY, ON, dibao=LUZHOU)
    assert decision.amount == Decimal("1400.00")
    assert "− 1000(其他报销) = 2000 元" in text_of(decision)


def test_insurance_paying_more_than_the_costs_is_implausible_and_pays_nothing() -> None:
    decision = assess(
        household(), claim(basic_insurance_paid=Decimal("18000"), other_reimbursements=Decimal("2500")),
        POLICY, ON, dibao=LUZHOU,
    )  # fmt: skip
    assert decision.amount == 0 and not decision.eligible
    assert any("保险报销合计 23500 元超过医疗总费用 20000 元" in w for w in decision.warnings)
    assert "(不足 0 按 0 计)" in text_of(decision)


def test_insurance_above_the_policy_range_cost_is_flagged() -> None:
    decision = assess(household(), claim(basic_insurance_paid=Decimal("16000")), POLICY, ON, dibao=LUZHOU)
    assert any("超过政策范围内费用 18000 元" in w for w in decision.warnings)
    assert decision.amount == 0


def test_a_policy_range_cost_above_the_total_is_flagged() -> None:
    decision = assess(household(), claim(policy_range_costs=Decimal("21000")), POLICY, ON, dibao=LUZHOU)
    assert any("政策范围内费用 21000 元超过医疗总费用 20000 元" in w for w in decision.warnings)


@pytest.mark.parametrize(
    ("rounding", "expected"),
    [("fen", "233.33"), ("jiao", "233.3"), ("yuan", "233")],  # 333.33 × 0.7 = 233.331
)
def test_the_amount_is_rounded_to_the_configured_unit(rounding: str, expected: str) -> None:
    request = claim(
        policy_range_costs=Decimal("15333.33"),
        total_costs=Decimal("15333.33"),
        basic_insurance_paid=Decimal("12000"),
        critical_illness_insurance_paid=Decimal("3000"),
    )
    decision = assess(household(), request, Policy(payment_rounding=rounding), ON, dibao=LUZHOU)
    assert str(decision.amount) == expected


def test_rounding_never_carries_the_amount_above_the_remaining_cap() -> None:
    # remaining = 50000 − 49899.995 = 100.005; half up to the fen would be 100.01 > 100.005 → 100.00
    decision = assess(household(), claim(paid_this_year=Decimal("49899.995")), POLICY, ON, dibao=LUZHOU)
    assert decision.amount == Decimal("100.00")


def test_the_subject_can_be_named_by_id_number_or_implied_in_a_one_person_household() -> None:
    by_id = assess(household(), claim(subject="510521198001010019"), POLICY, ON, dibao=LUZHOU)
    assert by_id.subject == "张某某"
    alone = HouseholdSnapshot(members=(PersonSnapshot("李某", date(1950, 1, 1)),), assistance_status="tekun")
    decision = assess(alone, claim(subject=""), POLICY, ON, dibao=LUZHOU)
    assert decision.subject == "李某" and decision.amount == Decimal("3000.00")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"subject": "赵某"}, "subject"),  # not a member
        ({"subject": ""}, "subject"),  # two members: which one?
        ({"total_costs": Decimal("-1")}, "total_costs"),
        ({"basic_insurance_paid": Decimal("-0.01")}, "basic_insurance_paid"),
        ({"critical_illness_insurance_paid": Decimal("-5")}, "critical_illness_insurance_paid"),
        ({"other_reimbursements": Decimal("-5")}, "other_reimbursements"),
        ({"policy_range_costs": Decimal("-5")}, "policy_range_costs"),
        ({"paid_this_year": Decimal("-5")}, "paid_this_year"),
        ({"recipient_class": "vip"}, "recipient_class"),
    ],
)
def test_impossible_claims_are_refused(changes: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        assess(household(), claim(**changes), POLICY, ON, dibao=LUZHOU)
    assert field in caught.value.fields


@pytest.mark.parametrize(
    "policy",
    [
        Policy(annual_caps={"tekun": Decimal("50000")}),  # a dibao ratio but no dibao cap
        Policy(ratios={**Policy().ratios, "dibao": Fraction(11, 10)}),  # more than the cost
        Policy(annual_caps={**Policy().annual_caps, "dibao": Decimal("-1")}),
        Policy(deductibles={"dibao": Decimal("-100")}),
    ],
)
def test_a_policy_missing_or_misstating_the_class_parameters_is_refused(policy: Policy) -> None:
    with pytest.raises(ValidationFailed):
        assess(household(), claim(), policy, ON, dibao=LUZHOU)


def test_a_class_the_policy_gives_no_ratio_is_not_covered() -> None:
    # a CASE.json overriding only some ratios leaves the others out: those classes are simply not covered
    policy = Policy(ratios={"tekun": Fraction(1)})
    decision = assess(household("dibao"), claim(), policy, ON, dibao=LUZHOU)
    assert not decision.eligible and decision.amount == 0
    assert "当地政策对低保家庭成员未规定医疗救助比例：不予医疗救助" in text_of(decision)


def test_the_program_is_registered_per_person() -> None:
    (program,) = PROGRAMS
    assert program.code == "medical" and program.per_person
    assert program.policy is Policy and program.request is Request and program.assess is assess


money = st.decimals(min_value=0, max_value=500_000, places=2, allow_nan=False, allow_infinity=False)
classes = st.sampled_from(["tekun", "dibao", "near_dibao", "other"])


@settings(max_examples=300, deadline=None)
@given(
    total=money,
    basic=money,
    critical=money,
    other=money,
    paid=money,
    cls=classes,
    deductible=st.decimals(min_value=0, max_value=5000, places=2),
    cap=st.decimals(min_value=0, max_value=100_000, places=2),
    rounding=st.sampled_from(["fen", "jiao", "yuan"]),
)
def test_the_amount_is_never_negative_nor_above_the_cap_or_the_out_of_pocket_cost(
    total: Decimal,
    basic: Decimal,
    critical: Decimal,
    other: Decimal,
    paid: Decimal,
    cls: str,
    deductible: Decimal,
    cap: Decimal,
    rounding: str,
) -> None:
    policy = Policy(
        deductibles={**POLICY.deductibles, cls: deductible},
        annual_caps={**POLICY.annual_caps, cls: cap},
        payment_rounding=rounding,
    )
    request = Request(
        subject="张某某",
        total_costs=total,
        basic_insurance_paid=basic,
        critical_illness_insurance_paid=critical,
        other_reimbursements=other,
        paid_this_year=paid,
        recipient_class=cls,
    )
    decision = assess(household(), request, policy, ON, dibao=LUZHOU)
    assert decision.amount >= 0
    assert decision.amount <= max(cap - paid, Decimal("0"))
    assert decision.amount <= max(total - basic - critical - other, Decimal("0")) + Decimal("0.5")
    assert decision.eligible is (decision.amount > 0)


@settings(max_examples=300, deadline=None)
@given(
    total=money,
    basic=money,
    critical=money,
    other=money,
    more=money,
    which=st.sampled_from(
        ["basic_insurance_paid", "critical_illness_insurance_paid", "other_reimbursements"]
    ),
    cls=classes,
    policy_range=st.one_of(st.none(), money),
)
def test_more_insurance_reimbursement_never_raises_the_assistance(
    total: Decimal,
    basic: Decimal,
    critical: Decimal,
    other: Decimal,
    more: Decimal,
    which: str,
    cls: str,
    policy_range: Decimal | None,
) -> None:
    request = Request(
        subject="张某某",
        total_costs=total,
        basic_insurance_paid=basic,
        critical_illness_insurance_paid=critical,
        other_reimbursements=other,
        policy_range_costs=policy_range,
        recipient_class=cls,
    )
    before = assess(household(), request, POLICY, ON, dibao=LUZHOU)
    raised = dataclasses.replace(request, **{which: getattr(request, which) + more})
    after = assess(household(), raised, POLICY, ON, dibao=LUZHOU)
    assert after.amount <= before.amount


def test_the_policy_and_a_claim_round_trip_through_json() -> None:
    from minzheng.rules import serialize

    for cls in (Policy, Request):
        assert serialize.build(cls, serialize.to_json(cls())) == cls()
    built = serialize.build(Request, {"subject": "张某某", "total_costs": "100", "recipient_class": ""})
    assert built.recipient_class == "" and built.total_costs == Decimal("100")
