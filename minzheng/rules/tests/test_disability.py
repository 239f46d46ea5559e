"""残疾人两项补贴: 重庆 2026 (the defaults) and 上海 2025 rates, the interaction rules, certificate validation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minzheng.core.errors import ValidationFailed
from minzheng.rules import dibao
from minzheng.rules.common import Decision, HouseholdSnapshot, PersonSnapshot
from minzheng.rules.disability import PROGRAMS, Policy, Request, assess_living, assess_nursing
from minzheng.rules.serialize import build, to_json

DIBAO = dibao.Policy()
ON = date(2026, 3, 10)
CHONGQING = Policy()  # 生活 100 (低保); 护理 一级 110, 二级 100
SHANGHAI = Policy(
    living_amounts={"dibao": Decimal("450"), "near_dibao": Decimal("320")},
    living_severe_unemployed=True,
    living_severe_unemployed_amount=Decimal("450"),
    nursing_amounts={"1": Decimal("350"), "2": Decimal("180")},
    nursing_extends_to_grade3_intellectual_psychiatric=True,
    nursing_grade3_intellectual_psychiatric_amount=Decimal("180"),
)


def home(
    grade: int | None,
    category: str = "physical",
    status: str = "",
    *,
    is_orphan: bool = False,
    date_of_death: date | None = None,
) -> HouseholdSnapshot:
    person = PersonSnapshot(
        "赵某",
        date(1970, 5, 1),
        disability_category=category,
        disability_grade=grade,
        is_orphan=is_orphan,
        date_of_death=date_of_death,
    )
    return HouseholdSnapshot(
        members=(person, PersonSnapshot("赵妻", date(1972, 1, 1))), assistance_status=status
    )


def living(
    household: HouseholdSnapshot, policy: Policy = CHONGQING, request: Request | None = None
) -> Decision:
    return assess_living(household, request or Request("赵某"), policy, ON, dibao=DIBAO)


def nursing(
    household: HouseholdSnapshot, policy: Policy = CHONGQING, request: Request | None = None
) -> Decision:
    return assess_nursing(household, request or Request("赵某"), policy, ON, dibao=DIBAO)


def text(decision: Decision) -> str:
    return "\n".join(line.text for line in decision.lines)


def test_the_two_programs_are_registered_per_person_under_their_glossary_codes() -> None:
    assert [(p.code, p.per_person, p.policy_key) for p in PROGRAMS] == [
        ("disability_living", True, "disability"),
        ("disability_nursing", True, "disability"),
    ]


@pytest.mark.parametrize(
    ("grade", "category", "status", "live", "care"),
    [
        (1, "physical", "dibao", "100", "110"),  # both subsidies together (CJ-01)
        (2, "visual", "dibao", "100", "100"),
        (3, "physical", "dibao", "100", "0"),  # living only: nursing is for grades 1–2
        (4, "hearing", "dibao", "100", "0"),
        (1, "physical", "", "0", "110"),  # nursing does not depend on 低保
        (2, "intellectual", "near_dibao", "0", "100"),  # 重庆 does not extend the living subsidy to 边缘
        (3, "intellectual", "", "0", "0"),  # no grade-3 extension in 重庆
    ],
)
def test_chongqing_rates(grade: int, category: str, status: str, live: str, care: str) -> None:
    household = home(grade, category, status)
    live_decision, care_decision = living(household), nursing(household)
    assert live_decision.amount == Decimal(live) and live_decision.eligible is (live != "0")
    assert care_decision.amount == Decimal(care) and care_decision.eligible is (care != "0")
    assert live_decision.period == care_decision.period == "monthly"
    assert live_decision.subject == care_decision.subject == "赵某"


@pytest.mark.parametrize(
    ("grade", "category", "status", "unemployed", "live", "care"),
    [
        (1, "physical", "dibao", False, "450", "350"),
        (2, "physical", "near_dibao", False, "320", "180"),
        (
            2,
            "physical",
            "near_dibao",
            True,
            "450",
            "180",
        ),  # 重残无业 450 beats 边缘 320: the higher, not both
        (1, "visual", "", True, "450", "350"),  # 重残无业 without any assistance status
        (3, "physical", "", True, "0", "0"),  # grade 3 is not 重残
        (3, "intellectual", "", False, "0", "180"),  # grade-3 intellectual: nursing extension
        (3, "psychiatric", "near_dibao", False, "320", "180"),
        (3, "multiple", "", False, "0", "0"),
        (4, "intellectual", "dibao", False, "450", "0"),
    ],
)
def test_shanghai_rates(
    grade: int, category: str, status: str, unemployed: bool, live: str, care: str
) -> None:
    household = home(grade, category, status)
    request = Request("赵某", unemployed=unemployed)
    assert living(household, SHANGHAI, request).amount == Decimal(live)
    assert nursing(household, SHANGHAI, request).amount == Decimal(care)


def test_the_sentences_carry_the_numbers_and_the_sources() -> None:
    household = home(1, "physical", "dibao")
    live = living(household)
    assert "赵某 持有残疾人证：肢体残疾一级" in text(live)
    assert "赵某 为低保家庭成员：困难残疾人生活补贴 100 元/月" in text(live)
    assert any("国发〔2015〕52号" in line.source for line in live.lines)
    assert "赵某 为一级残疾：重度残疾人护理补贴 110 元/月" in text(nursing(household))
    both = living(home(2, "physical", "near_dibao"), SHANGHAI, Request("赵某", unemployed=True))
    assert "同时符合 2 种情形，按最高标准 450 元/月发放，不叠加" in text(both)
    refused = nursing(home(3))
    assert "赵某 为三级残疾，重度残疾人护理补贴限于一级、二级残疾人，不享受" in text(refused)
    outside = living(home(1, "physical", "near_dibao"))
    assert "不属于当地困难残疾人生活补贴覆盖对象(低保家庭成员 100 元)" in text(outside)


def test_coverage_and_interaction_rules_are_marked_for_verification() -> None:
    # CJ-01 (coverage), CJ-02 (孤儿 and other interactions) and CJ-04 (grades) are [K]
    assert set(living(home(1, status="dibao")).needs_verification) == {"CJ-01", "CJ-02", "CJ-04"}
    assert set(nursing(home(1)).needs_verification) == {"CJ-01", "CJ-04"}
    assert "CJ-02" in nursing(home(1, is_orphan=True)).needs_verification


def test_an_orphan_on_orphan_support_gets_nursing_but_not_living() -> None:
    household = home(1, "intellectual", "dibao", is_orphan=True)
    live = living(household)
    assert not live.eligible and live.amount == 0
    assert "享受孤儿基本生活保障，不享受困难残疾人生活补贴" in text(live)
    care = nursing(household)
    assert care.amount == Decimal("110") and "可享受护理补贴" in text(care)


def test_chongqing_may_refuse_both_subsidies_to_tekun_and_nursing_to_work_injury_care() -> None:
    policy = Policy(
        living_amounts={"dibao": Decimal("100"), "tekun": Decimal("100")},
        no_combination_with_tekun=True,
        no_combination_with_work_injury_care=True,
    )
    tekun = home(1, "physical", "tekun")
    assert living(tekun, policy).amount == 0 and "不与特困供养同时享受" in text(living(tekun, policy))
    assert nursing(tekun, policy).amount == 0
    open_policy = Policy(living_amounts={"dibao": Decimal("100"), "tekun": Decimal("100")})
    assert living(tekun, open_policy).amount == Decimal("100")
    assert nursing(tekun, open_policy).amount == Decimal("110")
    injured = Request("赵某", work_injury_care=True)
    assert nursing(home(1), policy, injured).amount == 0
    assert "工伤保险生活护理费" in text(nursing(home(1), policy, injured))
    assert nursing(home(1), CHONGQING, injured).amount == Decimal("110")


def test_nursing_needs_long_term_care() -> None:
    decision = nursing(home(1), request=Request("赵某", needs_long_term_care=False))
    assert not decision.eligible and "不需要长期照护" in text(decision)


def test_no_certificate_means_neither_subsidy() -> None:
    household = home(None, "", "dibao")
    for decision in (living(household), nursing(household)):
        assert not decision.eligible and decision.amount == 0
        assert "未持有第二代残疾人证" in text(decision)


def test_a_person_who_died_before_the_month_is_not_paid() -> None:
    before = living(home(1, status="dibao", date_of_death=date(2026, 2, 28)))
    assert not before.eligible and "已于 2026-02-28 死亡，2026-03 起停发" in text(before)
    during = nursing(home(1, date_of_death=date(2026, 3, 1)))
    assert during.amount == Decimal("110")


@pytest.mark.parametrize(
    ("grade", "category", "message"),
    [
        (0, "physical", "等级 0 无效"),
        (5, "physical", "等级 5 无效"),
        (2, "mental", "残疾类别“mental”无法识别"),
    ],
)
def test_invalid_certificates_are_refused(grade: int, category: str, message: str) -> None:
    for assess in (living, nursing):
        with pytest.raises(ValidationFailed, match=message):
            assess(home(grade, category, "dibao"))


def test_a_missing_category_warns_but_the_grade_still_decides() -> None:
    decision = nursing(home(1, "", ""))
    assert decision.amount == Decimal("110") and any("残疾类别未登记" in w for w in decision.warnings)


def test_switches_without_amounts_and_unknown_subjects_are_refused() -> None:
    with pytest.raises(ValidationFailed, match="重残无业"):
        living(home(1), Policy(living_severe_unemployed=True))
    with pytest.raises(ValidationFailed, match="三级智力、精神"):
        nursing(home(1), Policy(nursing_extends_to_grade3_intellectual_psychiatric=True))
    with pytest.raises(ValidationFailed, match="不是本户家庭成员"):
        living(home(1), request=Request("钱某"))
    with pytest.raises(ValidationFailed, match="请指定"):
        nursing(home(1), request=Request())


@settings(max_examples=300, deadline=None)
@given(
    grade=st.sampled_from([None, 1, 2, 3, 4]),
    category=st.sampled_from(
        ["", "visual", "hearing", "speech", "physical", "intellectual", "psychiatric", "multiple"]
    ),
    status=st.sampled_from(["", "dibao", "near_dibao", "tekun"]),
    orphan=st.booleans(),
    unemployed=st.booleans(),
    care=st.booleans(),
    policy=st.sampled_from([CHONGQING, SHANGHAI]),
)
def test_amounts_are_never_negative_and_paid_only_when_eligible(
    grade: int | None, category: str, status: str, orphan: bool, unemployed: bool, care: bool, policy: Policy
) -> None:
    household = home(grade, category, status, is_orphan=orphan)
    request = Request("赵某", unemployed=unemployed, needs_long_term_care=care)
    for decision in (living(household, policy, request), nursing(household, policy, request)):
        assert decision.amount >= 0
        assert decision.eligible is (decision.amount > 0)
        assert "CJ-01" in decision.needs_verification
    if orphan:
        assert living(household, policy, request).amount == 0
    if grade is not None and grade <= 2 and care:
        assert (
            nursing(household, policy, request).amount > 0
        )  # every severe grade gets nursing in both presets


def test_policy_and_request_survive_the_json_round_trip() -> None:
    assert build(Policy, to_json(SHANGHAI)) == SHANGHAI
    request = Request("赵某", unemployed=True, needs_long_term_care=False)
    assert build(Request, to_json(request)) == request
