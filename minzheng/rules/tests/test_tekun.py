"""特困供养: WE-11 and its variants with their arithmetic, the three tests at their boundaries, and invariants."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minzheng.core.errors import ValidationFailed
from minzheng.registry.idnumber import parse_id_number
from minzheng.rules import dibao, serialize, tekun
from minzheng.rules.common import Decision, HouseholdSnapshot, IncomeSnapshot, PersonSnapshot, SelfCare
from minzheng.rules.tekun import Policy, Request, assess, self_care_level

ON = date(2025, 9, 1)
LUZHOU = dibao.Policy()  # 泸州 2024: urban 788, rural 580 (DOMAIN.md §13)
WE11_ID = "510521195703150032"
ALL_ABLE = SelfCare(eat=True, dress=True, transfer=True, toilet=True, walk_indoors=True, bathe=True)
#: WE-11: cannot 自主洗澡 or 室内自主行走
WE11_CARE = replace(ALL_ABLE, walk_indoors=False, bathe=False)


def pension(member: str = "王某某") -> tuple[IncomeSnapshot, ...]:
    """WE-11: 城乡居民养老金 173 = central basic pension 143 (excluded) + 30 (counted)."""
    return (
        IncomeSnapshot(
            "transfer",
            Decimal("143"),
            "中央基础养老金",
            exclusion="central_basic_pension",
            exclusion_label="中央确定的城乡居民基础养老金",
            member=member,
        ),
        IncomeSnapshot("transfer", Decimal("30"), "城乡居民养老金其余部分", member=member),
    )


def person(
    birth: date = date(1957, 3, 15), care: SelfCare | None = WE11_CARE, **changes: object
) -> PersonSnapshot:
    base = PersonSnapshot("王某某", birth, sex="male", id_number=WE11_ID, self_care=care)
    return replace(base, **changes)  # type: ignore[arg-type]


def household(
    subject: PersonSnapshot | None = None,
    incomes: tuple[IncomeSnapshot, ...] | None = None,
    **changes: object,
) -> HouseholdSnapshot:
    base = HouseholdSnapshot(
        members=(subject or person(),), incomes=pension() if incomes is None else incomes, hukou_type="rural"
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def decide(
    house: HouseholdSnapshot | None = None,
    request: Request | None = None,
    policy: Policy | None = None,
    on: date = ON,
    standards: dibao.Policy = LUZHOU,
) -> Decision:
    return assess(house or household(), request or Request(), policy or Policy(), on, dibao=standards)


def text_of(decision: Decision) -> str:
    return "\n".join(line.text for line in decision.lines)


def care_failing(n: int) -> SelfCare:
    """The first n of the six items not achieved."""
    keys = ["eat", "dress", "transfer", "toilet", "walk_indoors", "bathe"]
    return replace(ALL_ABLE, **dict.fromkeys(keys[:n], False))


# --- WE-11 -----------------------------------------------------------------------------------------------------


def test_we11_id_number_gives_the_birth_date_and_sex_used_in_the_fixture() -> None:
    check = parse_id_number(WE11_ID, today=ON)
    assert check.valid and check.birth_date == date(1957, 3, 15) and check.sex == "male"


def test_we11_rural_widower_with_half_care_gets_754_plus_300() -> None:
    # age 68 ≥ 60; counted income 30 < 580; no obligor; 2 items not achieved → 半护理;
    # base ceil(580 × 1.3) = 754; care 1800 × 1/6 = 300; total 1054
    decision = decide(request=Request(subject=WE11_ID))
    assert decision.eligible and decision.amount == Decimal("1054")
    assert (decision.program, decision.period, decision.subject) == ("tekun", "monthly", "王某某")
    text = text_of(decision)
    assert "无劳动能力：年满60周岁(68 周岁)" in text
    assert "中央基础养老金 143 元/月 不计入本人收入" in text
    assert "本人计入收入 = 30(城乡居民养老金其余部分) = 30.00 元/月 < 农村低保标准 580 元/月" in text
    assert "无法定赡养、抚养、扶养义务人" in text
    assert "6 项指标中 2 项不能自主完成(室内自主行走、自主洗澡)：部分丧失生活自理能力，按半护理" in text
    assert "基本生活标准 = 580 × 1.3 = 754 元/月(向上取整到元)" in text
    assert "照料护理标准(半护理) = 月最低工资 1800 × 1/6 = 300 元/月" in text
    assert "救助供养标准 = 基本生活标准 754 + 照料护理标准 300 = 1054 元/月" in text
    assert "供养形式：分散供养(在家)" in text
    assert "已成年：初审结果须张榜公示" in text
    assert decision.review_months == 12 and decision.needs_verification == ("TK-11",)
    assert decision.facts["self_care_level"] == "half" and decision.facts["publish"] is True
    assert decision.facts["base_standard"] == 754 and decision.facts["care_standard"] == 300
    assert decision.facts["prioritise_institutional"] is False
    assert decision.warnings == ()
    sources = {line.source for line in decision.lines}
    assert "社会救助暂行办法 第十四条" in sources and "社会救助暂行办法 第十九条" in sources


@pytest.mark.parametrize(
    ("failing", "level", "care", "total"),
    [
        (0, "self", "180", "934"),  # 全自理: 1800 × 1/10 = 180; 754 + 180
        (1, "half", "300", "1054"),  # 1–3 not achieved → 半护理: 1800 × 1/6 = 300
        (2, "half", "300", "1054"),  # WE-11 itself
        (3, "half", "300", "1054"),  # "≤ 3" still 半护理
        (4, "full", "450", "1204"),  # ≥ 4 → 全护理: 1800 × 1/4 = 450; 754 + 450
        (5, "full", "450", "1204"),  # WE-11 variant
        (6, "full", "450", "1204"),
    ],
)
def test_we11_variants_by_the_number_of_items_not_achieved(
    failing: int, level: str, care: str, total: str
) -> None:
    decision = decide(household(person(care=care_failing(failing))))
    assert decision.facts["self_care_level"] == level
    assert decision.facts["care_standard"] == Decimal(care)
    assert decision.amount == Decimal(total)
    assert decision.facts["prioritise_institutional"] is (level == "full")


def test_full_care_at_home_is_flagged_to_prioritise_institutional_support() -> None:
    decision = decide(household(person(care=care_failing(5))))
    assert decision.amount == Decimal("1204")
    assert "照料护理标准(全护理) = 月最低工资 1800 × 1/4 = 450 元/月" in text_of(decision)
    assert "应优先安排集中供养" in text_of(decision)
    assert any("优先安排集中供养" in w for w in decision.warnings)
    institutional = decide(household(person(care=care_failing(5))), Request(support_form="institutional"))
    assert institutional.facts["prioritise_institutional"] is True and institutional.warnings == ()


def test_all_six_achieved_is_self_care_at_one_tenth_of_the_minimum_wage() -> None:
    decision = decide(household(person(care=ALL_ABLE)))
    assert "6 项指标均能自主完成：具备生活自理能力，按全自理" in text_of(decision)
    assert "1800 × 1/10 = 180 元/月" in text_of(decision) and decision.amount == Decimal("934")


@pytest.mark.parametrize(
    "care",
    [None, replace(WE11_CARE, eat=None), replace(ALL_ABLE, toilet=None)],
    ids=["not assessed", "one item unknown with two failures", "one item unknown otherwise able"],
)
def test_an_unassessed_self_care_item_leaves_the_level_open_and_pays_the_base_only(
    care: SelfCare | None,
) -> None:
    decision = decide(household(person(care=care)))
    assert decision.eligible and decision.amount == Decimal("754")
    assert decision.facts["self_care_level"] is None and decision.facts["care_standard"] == 0
    assert any("生活自理能力未评估完整" in w for w in decision.warnings)
    assert "救助供养标准 = 基本生活标准 754 + 照料护理标准 0 = 754 元/月" in text_of(decision)


def test_self_care_level_reports_the_items_not_achieved_and_not_assessed() -> None:
    assert self_care_level(WE11_CARE) == ("half", ["walk_indoors", "bathe"], [])
    assert self_care_level(None)[0] is None
    assert self_care_level(replace(ALL_ABLE, dress=None)) == (None, [], ["dress"])


# --- amounts: base standard (TK-16, DB-40, TK-18) and care standard (TK-17) ----------------------------------------


@pytest.mark.parametrize(
    ("rounding", "base", "sentence"),
    [
        (
            "ceil_yuan",
            "1025",
            "基本生活标准 = 788 × 1.3 = 1024.4，向上取整到元为 1025 元/月",
        ),  # WE-05(c), 泸州 1025
        ("half_up_yuan", "1024", "基本生活标准 = 788 × 1.3 = 1024.4，四舍五入到元为 1024 元/月"),
        ("none", "1024.40", "基本生活标准 = 788 × 1.3 = 1024.4 元/月(不取整，保留到分)"),
    ],
)
def test_urban_base_standard_is_rounded_per_the_derived_standard_rule(
    rounding: str, base: str, sentence: str
) -> None:
    decision = decide(
        household(hukou_type="urban"), standards=dibao.Policy(derived_standard_rounding=rounding)
    )
    assert decision.facts["base_standard"] == Decimal(base)
    assert sentence in text_of(decision)
    assert decision.amount == Decimal(base) + 300  # half care: 1800 × 1/6


def test_rural_institutional_residents_get_the_urban_standard_only_where_the_locality_says_so() -> None:
    # TK-18: 788 × 1.3 = 1024.4 → 1025 instead of 580 × 1.3 = 754
    local = Policy(rural_institutional_urban_standard=True)
    institutional = Request(support_form="institutional")
    raised = decide(request=institutional, policy=local)
    assert raised.facts["base_standard"] == 1025 and raised.amount == Decimal("1325")
    assert "农村集中供养人员按城市标准供养：以城市低保标准 788 元计算" in text_of(raised)
    assert decide(request=institutional).facts["base_standard"] == 754  # national default: off
    assert decide(policy=local).facts["base_standard"] == 754  # 分散供养 keeps the rural standard


def test_the_income_test_still_uses_the_rural_standard_for_a_rural_institutional_resident() -> None:
    incomes = (IncomeSnapshot("transfer", Decimal("600"), "其他收入", member="王某某"),)  # 580 ≤ 600 < 788
    decision = decide(
        household(incomes=incomes),
        Request(support_form="institutional"),
        Policy(rural_institutional_urban_standard=True),
    )
    assert not decision.eligible


@pytest.mark.parametrize(
    ("rounding", "care"),
    [
        ("ceil_fen", "308.34"),  # 1850 × 1/6 = 308.333…: never below the "不低于 1/6" floor
        ("half_up_fen", "308.33"),
        ("ceil_yuan", "309"),
        ("half_up_yuan", "308"),
    ],
)
def test_care_standard_rounding_is_a_policy_choice(rounding: str, care: str) -> None:
    decision = decide(policy=Policy(min_wage_monthly=Decimal("1850"), care_rounding=rounding))
    assert decision.facts["care_standard"] == Decimal(care) and str(decision.facts["care_standard"]) == care
    assert decision.amount == 754 + Decimal(care)
    assert "月最低工资 1850 × 1/6 = 308.3333…" in text_of(decision)


def test_care_standard_can_be_a_fixed_local_amount_per_level() -> None:
    # Gansu style: fixed 1680 / 3360 / 4800 a year = 140 / 280 / 400 a month
    fixed = Policy(
        care_basis="fixed",
        care_fixed_self=Decimal("140"),
        care_fixed_half=Decimal("280"),
        care_fixed_full=Decimal("400"),
    )
    decision = decide(policy=fixed)
    assert decision.amount == Decimal("1034")  # 754 + 280
    assert "照料护理标准(半护理)：当地规定 280 元/月" in text_of(decision)
    unset = decide(policy=Policy(care_basis="fixed"))
    assert unset.amount == Decimal("754") and any("固定金额" in w for w in unset.warnings)


def test_care_ratios_and_multiplier_are_exact_fractions() -> None:
    policy = Policy()
    assert policy.base_multiplier == Fraction(13, 10)
    assert (policy.care_ratio_full, policy.care_ratio_half, policy.care_ratio_self) == (
        Fraction(1, 4),
        Fraction(1, 6),
        Fraction(1, 10),
    )
    assert policy.min_wage_monthly == Decimal("1800") and not policy.publish_minors


# --- (b) 无生活来源 -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counted", "eligible"),
    [("0", True), ("579.99", True), ("580", False), ("580.01", False)],  # strictly below the standard
)
def test_own_income_must_be_strictly_below_the_dibao_standard(counted: str, eligible: bool) -> None:
    incomes = (IncomeSnapshot("wage", Decimal(counted), "零星务工", member="王某某"),)
    decision = decide(household(incomes=incomes))
    assert decision.eligible is eligible
    assert decision.facts["tests"]["no_means"] is eligible
    if not eligible:
        assert decision.amount == 0 and "不属于无生活来源" in text_of(decision)


def test_pension_social_insurance_care_payments_and_elderly_allowance_are_not_counted() -> None:
    incomes = (
        *pension(),
        IncomeSnapshot(
            "transfer", Decimal("900"), "优抚定期补助", exclusion="preferential_care", member="王某某"
        ),
        IncomeSnapshot(
            "transfer", Decimal("700"), "医疗保险报销", exclusion="social_insurance", member="王某某"
        ),
        IncomeSnapshot(
            "transfer", Decimal("300"), "高龄津贴", exclusion="elderly_allowance", member="王某某"
        ),
        IncomeSnapshot("transfer", Decimal("580"), "低保金", exclusion="social_assistance", member="王某某"),
    )
    decision = decide(household(incomes=incomes))
    assert decision.eligible and decision.amount == Decimal("1054")
    assert decision.facts["own_income"] == Decimal("30")
    assert "高龄津贴 300 元/月 不计入本人收入(高龄津贴)" in text_of(decision)


@pytest.mark.parametrize(
    ("incomes", "own", "eligible"),
    [
        # issue 15: an 82-year-old with a 400 pension (social insurance) and 300 高龄津贴: both left out, 0 < 580
        ((("400", "养老保险金", "social_insurance"), ("300", "高龄津贴", "elderly_allowance")), "0", True),
        # the same two lines untagged count: 400 + 300 = 700 ≥ 580
        ((("400", "养老保险金", ""), ("300", "高龄津贴", "")), "700", False),
        # a tagged 城乡居民基础养老金 of 200: only the central 143 is left out, 57 counts (TK-05, DB-15)
        ((("200", "城乡居民养老金", "central_basic_pension"),), "57", True),
        # 800 tagged the same way: 800 − 143 = 657 ≥ 580
        ((("800", "城乡居民养老金", "central_basic_pension"),), "657", False),
    ],
)
def test_tekun_leaves_out_social_insurance_elderly_allowance_and_the_central_pension_part(
    incomes: tuple[tuple[str, str, str], ...], own: str, eligible: bool
) -> None:
    subject = person(birth=date(1943, 5, 1))  # 82 on 2025-09-01
    lines = tuple(
        IncomeSnapshot("transfer", Decimal(amount), source, exclusion=why, member="王某某")
        for amount, source, why in incomes
    )
    decision = decide(household(subject, incomes=lines))
    assert decision.facts["own_income"] == Decimal(own)
    assert decision.eligible is eligible
    assert any("TK-05" in line.rules for line in decision.lines)


def test_an_item_the_registry_counts_can_be_excluded_by_name_in_the_request() -> None:
    # the registry records 高龄津贴 as counted (it is excluded from 低保 income only locally)
    incomes = (*pension(), IncomeSnapshot("transfer", Decimal("600"), "高龄津贴", member="王某某"))
    assert not decide(household(incomes=incomes)).eligible  # 630 ≥ 580
    decision = decide(household(incomes=incomes), Request(excluded_sources=("高龄津贴",)))
    assert decision.eligible and "高龄津贴 600 元/月 不计入本人收入(另行认定不计入)" in text_of(decision)


def test_a_dibao_exclusion_outside_the_tekun_list_is_counted_and_said_so() -> None:
    incomes = (
        *pension(),
        IncomeSnapshot(
            "transfer",
            Decimal("600"),
            "计划生育特别扶助金",
            exclusion="family_planning",
            exclusion_label="计划生育奖励与扶助金",
            member="王某某",
        ),
    )
    decision = decide(household(incomes=incomes))
    assert not decision.eligible  # 30 + 600 = 630 ≥ 580
    assert "在低保中不计入(计划生育奖励与扶助金)，但不属于特困认定的不计入项目：计入" in text_of(decision)
    wider = Policy(excluded_income=(*Policy().excluded_income, "family_planning"))
    assert decide(household(incomes=incomes), policy=wider).eligible


def test_the_central_pension_counts_if_the_locality_drops_its_exclusion() -> None:
    narrow = Policy(excluded_income=("preferential_care",))
    decision = decide(policy=narrow)
    assert decision.facts["own_income"] == Decimal("173") and decision.eligible  # 173 < 580


def test_only_the_subjects_income_counts_and_unassigned_income_only_when_living_alone() -> None:
    son = PersonSnapshot("王小某", date(1990, 1, 1), relation="son")
    incomes = (
        *pension(),
        IncomeSnapshot("wage", Decimal("3000"), "儿子工资", member="王小某"),
        IncomeSnapshot("business", Decimal("800"), "种植收入"),
    )
    shared = decide(
        HouseholdSnapshot(members=(person(), son), incomes=incomes),
        Request(subject="王某某", has_obligor=True, obligor_incapacity="in_prison"),
    )
    assert shared.facts["own_income"] == Decimal("30") and shared.eligible
    assert any("未注明归属成员的收入(种植收入 800 元/月)" in w for w in shared.warnings)
    alone = decide(household(incomes=(*pension(), IncomeSnapshot("business", Decimal("800"), "种植收入"))))
    assert alone.facts["own_income"] == Decimal("830") and not alone.eligible


def test_income_assigned_by_id_number_belongs_to_the_subject() -> None:
    incomes = (IncomeSnapshot("wage", Decimal("600"), "务工", member=WE11_ID),)
    assert not decide(household(incomes=incomes)).eligible


def test_property_over_the_limits_refuses_and_unassessed_property_warns() -> None:
    refused = decide(household(property_ok=False))
    assert not refused.eligible and refused.amount == 0
    assert "财产不符合当地特困人员财产状况规定" in text_of(refused)
    unknown = decide(household(property_ok=None))
    assert unknown.eligible and any("财产状况尚未核定" in w for w in unknown.warnings)


# --- (a) 无劳动能力 and minors (TK-02, TK-03, TK-04) ----------------------------------------------------------------

ADULT = date(1985, 6, 15)  # 40 on ON


@pytest.mark.parametrize(
    ("on", "eligible"),
    [
        (date(2017, 3, 14), False),  # the day before the 60th birthday: 59, able to work
        (date(2017, 3, 15), True),  # the 60th birthday
    ],
)
def test_the_sixtieth_birthday_is_the_first_day_without_capacity_to_work(on: date, eligible: bool) -> None:
    decision = decide(household(person(birth=date(1957, 3, 15))), on=on)
    assert decision.eligible is eligible
    assert decision.facts["tests"]["no_work_capacity"] is eligible


@pytest.mark.parametrize(
    ("birth", "schooling", "continuing", "eligible", "phrase"),
    [
        (date(2012, 1, 1), "", False, True, "未满16周岁(13 周岁)"),
        (date(2009, 9, 2), "", False, True, "未满16周岁(15 周岁)"),  # 16th birthday tomorrow
        (date(2009, 9, 1), "", False, True, "未成年人(16 周岁)，特困供养的未成年人年龄放宽至18周岁"),
        (date(2007, 9, 2), "", False, True, "未成年人(17 周岁)"),  # the day before the 18th birthday
        (date(2007, 9, 1), "", True, False, "不属于无劳动能力"),  # 18 today, not at school
        (
            date(2007, 9, 1),
            "high_school",
            True,
            True,
            "年满18周岁(18 周岁)仍在普通高中就读，继续享受特困供养",
        ),
        (date(2006, 1, 1), "vocational", True, True, "仍在中等职业学校就读"),
        (date(2007, 9, 1), "compulsory", True, True, "仍在义务教育就读"),
        (
            date(2007, 9, 1),
            "university",
            True,
            False,
            "不属于无劳动能力",
        ),  # university does not extend support
        (date(2007, 9, 1), "high_school", False, False, "只适用于已认定的特困人员"),  # a new applicant at 18
    ],
)
def test_minors_are_supported_to_18_and_students_beyond(
    birth: date, schooling: str, continuing: bool, eligible: bool, phrase: str
) -> None:
    young = PersonSnapshot("李小某", birth, schooling=schooling, self_care=ALL_ABLE)
    decision = decide(household(young, incomes=()), Request(continuing=continuing))
    assert decision.eligible is eligible
    assert phrase in text_of(decision)


def test_a_household_already_on_tekun_counts_as_continuing_support() -> None:
    student = PersonSnapshot("李小某", date(2007, 9, 1), schooling="high_school")
    assert decide(household(student, incomes=(), assistance_status="tekun")).eligible


@pytest.mark.parametrize(
    ("birth", "eligible"),
    [(date(2012, 1, 1), False), (date(2009, 9, 2), False), (date(2009, 9, 1), True)],  # 13, 15 (last day), 16
)
def test_an_orphan_under_16_goes_to_orphan_support_not_tekun(birth: date, eligible: bool) -> None:
    orphan = PersonSnapshot("赵小某", birth, is_orphan=True, self_care=ALL_ABLE)
    decision = decide(household(orphan, incomes=()))
    assert decision.eligible is eligible
    if eligible:
        assert any("孤儿基本生活保障" in w for w in decision.warnings)
    else:
        assert decision.amount == 0 and decision.facts["route"] == "orphan_support"
        assert "未满16周岁且为孤儿：纳入孤儿基本生活保障，不认定为特困人员" in text_of(decision)
        assert decision.lines[-1].rules == ("TK-03",)


@pytest.mark.parametrize(
    ("category", "grade", "eligible"),
    [
        ("intellectual", 3, True),
        ("intellectual", 4, False),
        ("psychiatric", 1, True),
        ("psychiatric", 3, True),
        ("psychiatric", 4, False),
        ("physical", 2, True),
        ("physical", 3, False),
        ("visual", 1, True),
        ("visual", 2, False),
        ("hearing", 1, False),
        ("speech", 1, False),
        ("multiple", 2, True),  # read as qualifying at grade 1–2 (most severe component unknown)
        ("multiple", 3, False),
    ],
)
def test_disability_grades_that_mean_no_capacity_to_work(category: str, grade: int, eligible: bool) -> None:
    disabled = person(birth=ADULT, disability_category=category, disability_grade=grade)
    decision = decide(household(disabled))
    assert decision.eligible is eligible
    if eligible:
        assert "TK-04" in decision.needs_verification  # item (3) is [K]
        assert f"残疾{grade}级" in text_of(decision)


def test_disability_is_not_flagged_for_verification_when_age_already_decides() -> None:
    old = person(disability_category="physical", disability_grade=1)
    decision = decide(household(old))
    assert decision.eligible and "TK-04" not in decision.needs_verification
    assert "年满60周岁(68 周岁)；肢体残疾1级" in text_of(decision)


def test_an_officer_recorded_incapacity_counts_but_asks_for_documents() -> None:
    decision = decide(household(person(birth=ADULT, work_capacity="none")))
    assert decision.eligible
    assert any("须有残疾证、诊断证明" in w for w in decision.warnings)
    assert not decide(household(person(birth=ADULT, work_capacity="partial"))).eligible


# --- (c) obligor (TK-06) --------------------------------------------------------------------------------------------


def test_a_capable_obligor_disqualifies() -> None:
    decision = decide(request=Request(has_obligor=True))
    assert not decision.eligible and decision.amount == 0
    assert decision.facts["tests"] == {"no_work_capacity": True, "no_means": True, "no_obligor": False}
    assert "有法定赡养、抚养、扶养义务人，且未认定其无履行义务能力" in text_of(decision)
    assert "三项条件未全部符合" in text_of(decision)


@pytest.mark.parametrize(
    ("why", "phrase"),
    [("in_prison", "义务人在监狱服刑"), ("missing", "义务人被宣告失踪")],
)
def test_an_obligor_in_prison_or_declared_missing_cannot_support(why: str, phrase: str) -> None:
    decision = decide(request=Request(has_obligor=True, obligor_incapacity=why))
    assert decision.eligible and decision.amount == Decimal("1054")
    assert "法定义务人无履行义务能力：" + phrase in text_of(decision)
    assert "TK-06" in decision.needs_verification  # 43号 Art. 7 is [K]
    assert any(line.source.endswith("第七条") for line in decision.lines)


def test_no_obligor_does_not_rely_on_the_unverified_obligor_list() -> None:
    assert "TK-06" not in decide().needs_verification


# --- publication (TK-09), review (TK-11), death, bad input -----------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "publish_minors", "publish", "phrase"),
    [
        (date(2012, 1, 1), False, False, "未成年人：不予公示"),
        (date(2007, 9, 2), False, False, "17 周岁，未成年人：不予公示"),  # 18 tomorrow
        (date(2007, 9, 1), False, True, "18 周岁，已成年：初审结果须张榜公示"),
        (date(2012, 1, 1), True, True, "未成年人：按当地规定公示"),
    ],
)
def test_minors_are_not_published_unless_the_locality_says_so(
    birth: date, publish_minors: bool, publish: bool, phrase: str
) -> None:
    young = PersonSnapshot("李小某", birth, schooling="high_school", self_care=ALL_ABLE)
    decision = decide(
        household(young, incomes=()), Request(continuing=True), Policy(publish_minors=publish_minors)
    )
    assert decision.eligible and decision.facts["publish"] is publish
    assert phrase in text_of(decision)


def test_review_period_follows_the_policy() -> None:
    decision = decide(policy=Policy(review_months=6))
    assert decision.review_months == 6 and "每 6 个月至少复核一次" in text_of(decision)


def test_a_person_who_has_died_is_not_supported() -> None:
    decision = decide(household(person(date_of_death=date(2025, 8, 31))))
    assert not decision.eligible and decision.amount == 0
    assert "已于 2025-08-31 死亡" in text_of(decision)
    assert decide(household(person(date_of_death=date(2025, 9, 2)))).eligible  # dies after the decision date


def test_the_subject_must_be_a_member_and_named_when_there_are_several() -> None:
    with pytest.raises(ValidationFailed, match="不是本户家庭成员"):
        decide(request=Request(subject="张三"))
    two = HouseholdSnapshot(members=(person(), PersonSnapshot("王小某", date(1990, 1, 1))))
    with pytest.raises(ValidationFailed, match="请指定"):
        decide(two)


@pytest.mark.parametrize(
    ("house", "request_", "policy"),
    [
        (household(hukou_type="town"), Request(), Policy()),
        (household(), Request(support_form="hotel"), Policy()),
        (household(), Request(has_obligor=True, obligor_incapacity="abroad"), Policy()),
        (household(), Request(), Policy(care_basis="hours")),
        (household(), Request(), Policy(care_rounding="jiao")),
        (household(), Request(), Policy(care_ratio_half=Fraction(-1, 6))),
    ],
)
def test_unknown_codes_and_negative_standards_are_refused(
    house: HouseholdSnapshot, request_: Request, policy: Policy
) -> None:
    with pytest.raises(ValidationFailed):
        decide(house, request_, policy)


def test_a_birth_date_after_the_decision_date_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="出生日期晚于评估日期"):
        decide(household(person(birth=date(2026, 1, 1))))


def test_the_program_is_registered_per_person() -> None:
    (program,) = tekun.PROGRAMS
    assert (program.code, program.policy_key, program.per_person) == ("tekun", "tekun", True)
    assert program.policy is Policy and program.request is Request and program.assess is assess


# --- invariants -----------------------------------------------------------------------------------------------------

items = st.sampled_from([True, False])


@settings(max_examples=80, deadline=None)
@given(flags=st.tuples(items, items, items, items, items, items))
def test_more_items_not_achieved_never_lowers_the_amount(flags: tuple[bool, ...]) -> None:
    care = SelfCare(*flags)
    decision = decide(household(person(care=care)))
    failed = flags.count(False)
    expected = {0: 934, 1: 1054, 2: 1054, 3: 1054}.get(failed, 1204)
    assert decision.amount == expected
    if failed < 6:
        worse = list(flags)
        worse[worse.index(True)] = False
        assert decide(household(person(care=SelfCare(*worse)))).amount >= decision.amount


@settings(max_examples=120, deadline=None)
@given(
    cents=st.integers(min_value=0, max_value=200_000),
    standard=st.integers(min_value=1, max_value=3000),
    excluded=st.integers(min_value=0, max_value=500_000),
)
def test_eligibility_is_exactly_income_below_the_standard_and_amounts_are_never_negative(
    cents: int, standard: int, excluded: int
) -> None:
    income = Decimal(cents) / 100
    incomes = (
        IncomeSnapshot("wage", income, "务工", member="王某某"),
        IncomeSnapshot(
            "transfer", Decimal(excluded) / 100, "优抚", exclusion="preferential_care", member="王某某"
        ),
    )
    standards = dibao.Policy(standard_rural=Decimal(standard))
    decision = decide(household(incomes=incomes), standards=standards)
    assert decision.amount >= 0
    assert decision.eligible is (income < standard)
    if decision.eligible:
        base = decision.facts["base_standard"]
        assert isinstance(base, Decimal)
        exact = Decimal(standard) * 13 / 10
        assert exact <= base < exact + 1  # "不低于 1.3 倍", never more than a yuan above it
    else:
        assert decision.amount == 0


@settings(max_examples=60, deadline=None)
@given(low=st.integers(min_value=0, max_value=5000), extra=st.integers(min_value=0, max_value=5000))
def test_a_higher_minimum_wage_never_lowers_the_care_standard(low: int, extra: int) -> None:
    cheap = decide(policy=Policy(min_wage_monthly=Decimal(low)))
    dear = decide(policy=Policy(min_wage_monthly=Decimal(low + extra)))
    assert 0 <= cheap.amount <= dear.amount


def test_policy_and_request_round_trip_through_json_and_have_a_schema() -> None:
    policy = Policy(care_basis="fixed", care_fixed_half=Decimal("280"), care_ratio_full=Fraction(1, 3))
    request = Request(
        subject=WE11_ID, has_obligor=True, obligor_incapacity="missing", excluded_sources=("高龄津贴",)
    )
    assert serialize.build(Policy, serialize.to_json(policy)) == policy
    assert serialize.build(Request, serialize.to_json(request)) == request
    assert serialize.to_json(Policy())["base_multiplier"] == "13/10"
    with pytest.raises(ValidationFailed):
        serialize.build(Policy, {"excluded_income": ["pocket_money"]})
    defs: dict[str, object] = {}
    serialize.definitions(Policy, defs)
    serialize.definitions(Request, defs)
    assert {"tekun.Policy", "tekun.Request"} <= set(defs)
