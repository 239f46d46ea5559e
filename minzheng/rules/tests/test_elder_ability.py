"""GB/T 42195-2022 elder ability level: every band boundary, each modifier, input ranges and home-care hours."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minzheng.core.errors import ValidationFailed
from minzheng.rules import dibao, elder_ability, serialize
from minzheng.rules.common import Decision, HouseholdSnapshot, PersonSnapshot
from minzheng.rules.elder_ability import DOMAINS, Policy, Request, assess, level_for_score

ON = date(2025, 9, 1)
ELDER = PersonSnapshot("陈某", date(1950, 5, 1), sex="female", id_number="")  # 75 on ON


def decide(
    request: Request,
    policy: Policy | None = None,
    person: PersonSnapshot = ELDER,
    status: str = "dibao",
) -> Decision:
    house = HouseholdSnapshot(members=(person,), assistance_status=status)
    return assess(house, request, policy or Policy(), ON, dibao=dibao.Policy())


def text_of(decision: Decision) -> str:
    return "\n".join(line.text for line in decision.lines)


@pytest.mark.parametrize(
    ("score", "level", "label"),
    [
        (90, 0, "能力完好"),
        (89, 1, "能力轻度受损"),
        (66, 1, "能力轻度受损"),
        (65, 2, "能力中度受损"),
        (46, 2, "能力中度受损"),
        (45, 3, "能力重度受损"),
        (30, 3, "能力重度受损"),
        (29, 4, "能力完全丧失"),
        (0, 4, "能力完全丧失"),
    ],
)
def test_each_score_band_boundary_maps_to_its_level(score: int, level: int, label: str) -> None:
    assert level_for_score(score) == level
    decision = decide(Request(total_score=score))
    assert decision.facts["level"] == level and decision.facts["base_level"] == level
    assert label in decision.facts["level_label"]
    assert f"能力等级：{level} 级 {label}" in text_of(decision)


def test_the_decision_is_an_assessment_without_money() -> None:
    decision = decide(Request(total_score=70))
    assert (decision.program, decision.eligible, decision.amount, decision.period) == (
        "elder_ability",
        True,
        Decimal("0"),
        "none",
    )
    assert decision.subject == "陈某" and decision.review_months is None
    assert "总分 70 分在 66–89 分之间：初步等级 1 级 能力轻度受损(轻度失能)" in text_of(decision)
    assert any(line.source.startswith("老年人能力评估规范") for line in decision.lines)


def test_the_four_domain_maxima_add_up_to_90() -> None:
    assert sum(top for _label, top in DOMAINS.values()) == 90


def test_the_four_domain_scores_are_summed_into_the_total() -> None:
    # 20 + 10 + 20 + 12 = 62 → 46–65 → level 2
    request = Request(self_care_score=20, motor_score=10, mental_score=20, perception_social_score=12)
    decision = decide(request)
    assert decision.facts["score"] == 62 and decision.facts["level"] == 2
    assert "评估总分 = 自理能力 20 + 基础运动能力 10 + 精神状态 20 + 感知觉与社会参与 12 = 62 分" in text_of(
        decision
    )
    full = Request(self_care_score=32, motor_score=15, mental_score=28, perception_social_score=15)
    assert decide(full).facts["level"] == 0
    agreeing = Request(
        total_score=62, self_care_score=20, motor_score=10, mental_score=20, perception_social_score=12
    )
    assert decide(agreeing).facts["score"] == 62


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (Request(total_score=-1), "total_score"),
        (Request(total_score=91), "total_score"),
        (
            Request(self_care_score=33, motor_score=0, mental_score=0, perception_social_score=0),
            "self_care_score",
        ),
        (
            Request(self_care_score=0, motor_score=16, mental_score=0, perception_social_score=0),
            "motor_score",
        ),
        (
            Request(self_care_score=0, motor_score=0, mental_score=29, perception_social_score=0),
            "mental_score",
        ),
        (
            Request(self_care_score=0, motor_score=0, mental_score=0, perception_social_score=16),
            "perception_social_score",
        ),
        (
            Request(self_care_score=-1, motor_score=0, mental_score=0, perception_social_score=0),
            "self_care_score",
        ),
        (Request(self_care_score=20, motor_score=10), "mental_score"),  # incomplete domains
        (
            Request(
                total_score=60,
                self_care_score=20,
                motor_score=10,
                mental_score=20,
                perception_social_score=12,
            ),
            "total_score",
        ),  # 62 ≠ 60
        (Request(), "total_score"),  # nothing to assess
        (Request(total_score=50, care_risk_events_30d=-1), "care_risk_events_30d"),
    ],
)
def test_out_of_range_or_inconsistent_scores_are_refused(request_: Request, field: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        decide(request_)
    assert field in raised.value.fields


def test_coma_is_level_4_whatever_the_score() -> None:
    decision = decide(Request(total_score=85, coma=True))
    assert decision.facts["base_level"] == 1 and decision.facts["level"] == 4
    assert decision.facts["modifiers"] == ["coma"]
    assert "处于昏迷状态：直接评定为 4 级 能力完全丧失(完全失能)" in text_of(decision)
    unscored = decide(Request(coma=True))
    assert unscored.facts["score"] is None and unscored.facts["level"] == 4


@pytest.mark.parametrize(
    ("score", "dementia", "events", "level"),
    [
        (70, True, 0, 2),  # 1 → 2: dementia or a psychiatric diagnosis
        (70, False, 2, 2),  # 1 → 2: two care-risk events in 30 days
        (70, False, 1, 1),  # one event is below the threshold
        (90, True, 0, 1),  # 0 → 1
        (50, False, 3, 3),  # 2 → 3
        (35, True, 0, 4),  # 3 → 4
        (20, True, 0, 4),  # already 4: capped
    ],
)
def test_each_modifier_raises_one_level(score: int, dementia: bool, events: int, level: int) -> None:
    decision = decide(
        Request(total_score=score, dementia_or_psychiatric=dementia, care_risk_events_30d=events)
    )
    assert decision.facts["level"] == level
    assert decision.needs_verification == ()
    if dementia or events >= 2:
        assert "在初步等级上提高一级" in text_of(decision)


def test_the_cap_is_stated_when_a_raise_would_pass_level_4() -> None:
    decision = decide(Request(total_score=20, dementia_or_psychiatric=True))
    assert decision.facts["level"] == 4 and "(最高为 4 级)" in text_of(decision)


def test_two_modifiers_raise_one_level_in_total_by_default_and_are_flagged_for_verification() -> None:
    request = Request(total_score=70, dementia_or_psychiatric=True, care_risk_events_30d=2)
    decision = decide(request)
    assert decision.facts["level"] == 2  # 1 + 1, not 1 + 2
    assert decision.facts["modifiers"] == ["dementia_or_psychiatric", "care_risk_events"]
    assert "合计只提高一级" in text_of(decision)
    assert decision.needs_verification == ("YL-03",)


@pytest.mark.parametrize(("score", "level"), [(70, 3), (50, 4), (35, 4)])  # 1 + 2; 2 + 2; 3 + 2 capped at 4
def test_stacking_modifiers_is_a_local_choice_still_capped_at_level_4(score: int, level: int) -> None:
    request = Request(total_score=score, dementia_or_psychiatric=True, care_risk_events_30d=4)
    decision = decide(request, Policy(modifiers_stack=True))
    assert decision.facts["level"] == level
    assert "按当地规定逐项累加，提高 2 级" in text_of(decision)


def test_coma_overrides_the_other_modifiers() -> None:
    decision = decide(
        Request(total_score=89, coma=True, dementia_or_psychiatric=True, care_risk_events_30d=5)
    )
    assert decision.facts["level"] == 4 and decision.facts["modifiers"] == ["coma"]


@pytest.mark.parametrize(
    ("score", "hours"),
    [(90, 0), (89, 10), (66, 10), (65, 20), (46, 20), (45, 30), (30, 30), (29, 30)],
)
def test_home_care_hours_follow_the_level(score: int, hours: int) -> None:
    decision = decide(Request(total_score=score))
    assert decision.facts["home_care_hours"] == hours and decision.facts["home_care_group"] is True
    assert f"每月可享受居家养老服务 {hours} 小时" in text_of(decision)
    assert "居家养老服务对象：年满 60 周岁的特困(分散供养)、低保、低保边缘老年人" in text_of(decision)


def test_home_care_hours_follow_the_raised_level() -> None:
    decision = decide(Request(total_score=70, dementia_or_psychiatric=True))
    assert decision.facts["home_care_hours"] == 20  # level 2, not level 1's 10


def test_people_outside_the_served_groups_see_the_hours_as_conditional() -> None:
    decision = decide(Request(total_score=50), status="")
    assert decision.facts["home_care_group"] is False and decision.facts["home_care_hours"] == 20
    assert "不属于上述服务对象" in text_of(decision)


def test_people_under_60_are_warned_and_not_in_the_served_groups() -> None:
    young = PersonSnapshot("陈小某", date(1965, 9, 2))  # 59 on ON, 60 tomorrow
    decision = decide(Request(total_score=50), person=young)
    assert decision.facts["home_care_group"] is False
    assert any("未满60周岁" in w for w in decision.warnings)
    sixty = PersonSnapshot("陈小某", date(1965, 9, 1))
    assert decide(Request(total_score=50), person=sixty).facts["home_care_group"] is True


def test_local_hours_replace_the_defaults_and_a_missing_level_warns() -> None:
    policy = Policy(home_care_hours={"1": 8, "2": 16})
    assert decide(Request(total_score=70), policy).facts["home_care_hours"] == 8
    missing = decide(Request(total_score=20), policy)
    assert missing.facts["home_care_hours"] == 0 and any("未设定 4 级" in w for w in missing.warnings)
    with pytest.raises(ValidationFailed):
        decide(Request(total_score=70), Policy(home_care_hours={"1": -1}))


def test_the_subject_must_be_a_living_member() -> None:
    two = HouseholdSnapshot(members=(ELDER, PersonSnapshot("陈二", date(1952, 1, 1))))
    with pytest.raises(ValidationFailed, match="请指定"):
        assess(two, Request(total_score=50), Policy(), ON, dibao=dibao.Policy())
    with pytest.raises(ValidationFailed, match="不是本户家庭成员"):
        assess(two, Request(subject="李四", total_score=50), Policy(), ON, dibao=dibao.Policy())
    assert (
        assess(two, Request(subject="陈二", total_score=50), Policy(), ON, dibao=dibao.Policy()).subject
        == "陈二"
    )
    dead = PersonSnapshot("陈某", date(1950, 5, 1), date_of_death=date(2025, 8, 1))
    with pytest.raises(ValidationFailed, match="已死亡"):
        decide(Request(total_score=50), person=dead)


def test_the_program_is_registered_per_person() -> None:
    (program,) = elder_ability.PROGRAMS
    assert (program.code, program.policy_key, program.per_person) == ("elder_ability", "elder_ability", True)
    assert program.policy is Policy and program.request is Request and program.assess is assess
    assert Policy().modifiers_stack is False


@settings(max_examples=150, deadline=None)
@given(
    score=st.integers(min_value=0, max_value=89),
    dementia=st.booleans(),
    events=st.integers(min_value=0, max_value=5),
    stack=st.booleans(),
)
def test_a_higher_score_never_gives_a_worse_level_and_modifiers_never_improve_it(
    score: int, dementia: bool, events: int, stack: bool
) -> None:
    policy = Policy(modifiers_stack=stack)
    lower = decide(
        Request(total_score=score, dementia_or_psychiatric=dementia, care_risk_events_30d=events), policy
    )
    higher = decide(
        Request(total_score=score + 1, dementia_or_psychiatric=dementia, care_risk_events_30d=events), policy
    )
    assert 0 <= higher.facts["level"] <= lower.facts["level"] <= 4
    assert lower.facts["level"] >= lower.facts["base_level"]
    assert lower.facts["level"] - lower.facts["base_level"] <= (2 if stack else 1)
    assert lower.amount == 0 and lower.facts["home_care_hours"] >= 0


def test_policy_and_request_round_trip_through_json_and_have_a_schema() -> None:
    policy = Policy(modifiers_stack=True, home_care_hours={"1": 8, "2": 16, "3": 24, "4": 32})
    request = Request(total_score=62, dementia_or_psychiatric=True, care_risk_events_30d=2)
    assert serialize.build(Policy, serialize.to_json(policy)) == policy
    assert serialize.build(Request, serialize.to_json(request)) == request
    assert serialize.build(Request, {"total_score": None, "coma": True}) == Request(coma=True)
    defs: dict[str, object] = {}
    serialize.definitions(Policy, defs)
    serialize.definitions(Request, defs)
    assert {"elder_ability.Policy", "elder_ability.Request"} <= set(defs)
