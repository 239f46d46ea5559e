"""老年人能力评估 (elder_ability): the GB/T 42195-2022 ability level of one older person, and the home-care hours it opens.

YL-01 (four domains, total 0–90), YL-02 (level by total score), YL-03 (coma → level 4; dementia or a psychiatric
diagnosis, or ≥ 2 care-risk events in 30 days → one level up; at most one level in total by default, [K]),
YL-05 (home-care hours by level, [P]). An assessment, not a payment: amount 0, period "none". YL-04: the six-item
self-care test of 特困 (TK-12) is a different instrument and lives in tekun.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy

from minzheng.core.errors import ValidationFailed
from minzheng.rules import dibao
from minzheng.rules.common import (
    GBT_42195,
    LOCAL,
    Decision,
    HouseholdSnapshot,
    Line,
    PersonSnapshot,
    Program,
    param,
)
from minzheng.rules.i18n import gettext as _

PROGRAM = "elder_ability"
MAX_TOTAL = 90
#: YL-01: the highest score of each first-level domain, from the standard's forms B.1–B.4 (item lists [K]):
#: 自理能力 8 items × 4; 基础运动能力 4 + 4 + 4 + 3; 精神状态 6 × 4 + 1 + 1 + 2; 感知觉与社会参与 2 + 2 + 4 + 3 + 4.
DOMAINS = {
    "self_care_score": (gettext_lazy("自理能力"), 32),
    "motor_score": (gettext_lazy("基础运动能力"), 15),
    "mental_score": (gettext_lazy("精神状态"), 28),
    "perception_social_score": (gettext_lazy("感知觉与社会参与"), 15),
}
#: YL-02: (lowest total score, level), highest band first
LEVEL_FLOORS = ((90, 0), (66, 1), (46, 2), (30, 3), (0, 4))
LEVEL_RANGES = {0: "90", 1: "66–89", 2: "46–65", 3: "30–45", 4: "0–29"}
LEVEL_LABELS = {
    0: gettext_lazy("能力完好"),
    1: gettext_lazy("能力轻度受损(轻度失能)"),
    2: gettext_lazy("能力中度受损(中度失能)"),
    3: gettext_lazy("能力重度受损(重度失能)"),
    4: gettext_lazy("能力完全丧失(完全失能)"),
}
TOP_LEVEL = 4
RISK_EVENTS_THRESHOLD = 2  # YL-03: "近30天内发生过2次及以上照护风险事件"
ELDERLY_AGE = 60
STATUS_LABELS = {
    "tekun": gettext_lazy("特困(分散供养)"),
    "dibao": gettext_lazy("低保"),
    "near_dibao": gettext_lazy("低保边缘"),
}


@dataclass(frozen=True)
class Policy:
    """The [K]/[P] choices around GB/T 42195-2022 and the local home-care entitlement (DOMAIN.md §10)."""

    modifiers_stack: bool = param(
        False,
        gettext_lazy("多项升级情形累加升级"),
        rules=("YL-03",),
        help_text=gettext_lazy("否：同时存在多项情形时合计只提高一个等级"),
    )
    home_care_hours: dict[str, int] = param(
        {"0": 0, "1": 10, "2": 20, "3": 30, "4": 30},
        gettext_lazy("居家养老服务时数(按能力等级，小时/月)"),
        rules=("YL-05",),
    )
    home_care_statuses: tuple[str, ...] = param(
        ("tekun", "dibao", "near_dibao"),
        gettext_lazy("居家养老服务对象的救助身份"),
        rules=("YL-05",),
        choices=STATUS_LABELS,
    )
    home_care_min_age: int = param(60, gettext_lazy("居家养老服务对象最低年龄(周岁)"), rules=("YL-05",))


@dataclass(frozen=True)
class Request:
    #: the older person (member name or ID number); "" when the household has one member
    subject: str = param("", gettext_lazy("被评估人(姓名或公民身份号码)"))
    #: the total score 0–90, or None when the four domain scores are given instead
    total_score: int | None = param(None, gettext_lazy("评估总分(0–90)"), rules=("YL-01",))
    self_care_score: int | None = param(None, gettext_lazy("自理能力得分(0–32)"), rules=("YL-01",))
    motor_score: int | None = param(None, gettext_lazy("基础运动能力得分(0–15)"), rules=("YL-01",))
    mental_score: int | None = param(None, gettext_lazy("精神状态得分(0–28)"), rules=("YL-01",))
    perception_social_score: int | None = param(
        None, gettext_lazy("感知觉与社会参与得分(0–15)"), rules=("YL-01",)
    )
    coma: bool = param(False, gettext_lazy("处于昏迷状态"), rules=("YL-03",))
    #: F00–F03 dementia, or an F04–F99 disorder diagnosed by a psychiatrist
    dementia_or_psychiatric: bool = param(
        False, gettext_lazy("确诊痴呆或经精神科医师确诊的其他精神和行为障碍"), rules=("YL-03",)
    )
    #: falls, choking, suicide or self-harm, wandering
    care_risk_events_30d: int = param(
        0, gettext_lazy("近30天照护风险事件次数(跌倒、噎食、自杀自伤、走失)"), rules=("YL-03",)
    )


def level_for_score(score: int) -> int:
    """YL-02: 90 → 0, 66–89 → 1, 46–65 → 2, 30–45 → 3, 0–29 → 4."""
    for floor, level in LEVEL_FLOORS:
        if score >= floor:
            return level
    raise ValueError(score)  # unreachable for 0–90, which _score() guarantees


def _subject(household: HouseholdSnapshot, subject: str) -> PersonSnapshot:
    return household.subject(subject, missing=_("请指定被评估的家庭成员"))


def _out_of_range(field: str, label: object, value: int, top: int) -> ValidationFailed:
    message = _("%(label)s %(value)s 分超出范围(0–%(top)s 分)") % {"label": label, "value": value, "top": top}
    return ValidationFailed(message, fields={field: [message]})


def _score(request: Request) -> tuple[int | None, Line | None]:
    """YL-01: the total, from the four domains (each within its range) or as given (0–90); both must agree."""
    parts = {key: getattr(request, key) for key in DOMAINS}
    given = {key: value for key, value in parts.items() if value is not None}
    total = request.total_score
    if total is not None and not 0 <= total <= MAX_TOTAL:
        raise _out_of_range("total_score", _("评估总分"), total, MAX_TOTAL)
    for key, value in given.items():
        label, top = DOMAINS[key]
        if not 0 <= value <= top:
            raise _out_of_range(key, label, value, top)
    if given and len(given) < len(DOMAINS):
        missing = "、".join(str(DOMAINS[k][0]) for k in DOMAINS if k not in given)
        message = _("四项一级指标得分须填写完整(缺：%(missing)s)") % {"missing": missing}
        raise ValidationFailed(message, fields={k: [message] for k in DOMAINS if k not in given})
    if given:
        summed = sum(given.values())
        if total is not None and total != summed:
            message = _("评估总分 %(total)s 分与四项一级指标得分之和 %(sum)s 分不一致") % {
                "total": total,
                "sum": summed,
            }
            raise ValidationFailed(message, fields={"total_score": [message]})
        text = _("评估总分 = %(parts)s = %(total)s 分(满分 90 分)") % {
            "parts": " + ".join(f"{DOMAINS[k][0]} {v}" for k, v in given.items()),
            "total": summed,
        }
        return summed, Line(text, ("YL-01",), GBT_42195)
    if total is not None:
        return total, Line(_("评估总分 %(total)s 分(满分 90 分)") % {"total": total}, ("YL-01",), GBT_42195)
    if request.coma:
        return None, None
    message = _("请填写评估总分或四项一级指标得分")
    raise ValidationFailed(message, fields={"total_score": [message]})


def _check_policy(policy: Policy) -> None:
    bad = {k: v for k, v in policy.home_care_hours.items() if v < 0}
    if bad:
        message = _("居家养老服务时数不能为负数")
        raise ValidationFailed(message, fields={"home_care_hours": [message]})


def _level_text(level: int) -> str:
    return _("%(level)s 级 %(label)s") % {"level": level, "label": LEVEL_LABELS[level]}


def assess(
    household: HouseholdSnapshot, request: Request, policy: Policy, on: date, *, dibao: dibao.Policy
) -> Decision:
    """Assess one older person's ability level (GB/T 42195-2022) on a date, and the home-care hours it opens."""
    del dibao  # the ability level does not depend on the 低保 standard
    _check_policy(policy)
    person = _subject(household, request.subject)
    if person.birth_date > on:
        raise ValidationFailed(_("%(name)s 的出生日期晚于评估日期") % {"name": person.name})
    if person.dead_on(on):
        raise ValidationFailed(_("%(name)s 已死亡，不能进行能力评估") % {"name": person.name})
    if request.care_risk_events_30d < 0:
        message = _("照护风险事件次数不能为负数")
        raise ValidationFailed(message, fields={"care_risk_events_30d": [message]})
    score, score_line = _score(request)
    age = person.age_on(on)
    lines: list[Line] = []
    warnings: list[str] = []
    verify: list[str] = []
    if age < ELDERLY_AGE:
        warnings.append(
            _("%(name)s %(age)s 周岁，未满60周岁：老年人能力评估规范适用于老年人")
            % {"name": person.name, "age": age}
        )
    if score_line is not None:
        lines.append(score_line)

    base_level: int | None = None
    if score is not None:
        base_level = level_for_score(score)
        lines.append(
            Line(
                _("总分 %(score)s 分在 %(range)s 分之间：初步等级 %(level)s")
                % {"score": score, "range": LEVEL_RANGES[base_level], "level": _level_text(base_level)}
                if base_level
                else _("总分 %(score)s 分：初步等级 %(level)s")
                % {"score": score, "level": _level_text(base_level)},
                ("YL-02",),
                GBT_42195,
            )
        )

    modifiers: list[str] = []
    if request.coma or base_level is None:  # without coma _score() always returns a score
        modifiers.append("coma")
        level = TOP_LEVEL
        lines.append(
            Line(
                _("处于昏迷状态：直接评定为 %(level)s") % {"level": _level_text(TOP_LEVEL)},
                ("YL-03",),
                GBT_42195,
            )
        )
    else:
        level = _raised(base_level, request, policy, modifiers, lines, verify)
    rules = ("YL-02", "YL-03") if modifiers else ("YL-02",)
    lines.append(Line(_("能力等级：%(level)s") % {"level": _level_text(level)}, rules, GBT_42195))

    hours, in_group = _home_care(person, age, level, household, policy, lines, warnings)
    return Decision(
        PROGRAM,
        True,
        Decimal("0"),
        tuple(lines),
        tuple(warnings),
        period="none",
        subject=person.name,
        needs_verification=tuple(verify),
        facts={
            "score": score,
            "base_level": base_level,
            "level": level,
            "level_label": str(LEVEL_LABELS[level]),
            "modifiers": modifiers,
            "home_care_hours": hours,
            "home_care_group": in_group,
        },
    )


def _raised(
    base_level: int,
    request: Request,
    policy: Policy,
    modifiers: list[str],
    lines: list[Line],
    verify: list[str],
) -> int:
    """YL-03: one level up for a dementia/psychiatric diagnosis and for ≥ 2 care-risk events in 30 days."""
    reasons: list[str] = []
    if request.dementia_or_psychiatric:
        modifiers.append("dementia_or_psychiatric")
        reasons.append(_("确诊痴呆或经精神科医师确诊的其他精神和行为障碍"))
    if request.care_risk_events_30d >= RISK_EVENTS_THRESHOLD:
        modifiers.append("care_risk_events")
        reasons.append(
            _("近30天内发生照护风险事件 %(n)s 次(2次及以上)") % {"n": request.care_risk_events_30d}
        )
    if not reasons:
        return base_level
    raise_by = len(reasons) if policy.modifiers_stack else 1
    level = min(TOP_LEVEL, base_level + raise_by)
    if len(reasons) > 1:
        verify.append("YL-03")  # "有下列情况之一的，提高一个等级" read as at most one level in total: [K]
        how = (
            _("按当地规定逐项累加，提高 %(n)s 级") % {"n": raise_by}
            if policy.modifiers_stack
            else _("合计只提高一级")
        )
    else:
        how = _("提高一级")
    text = _("%(reasons)s：在初步等级上%(how)s") % {"reasons": "；".join(reasons), "how": how}
    if base_level + raise_by > TOP_LEVEL:
        text += _("(最高为 4 级)")
    lines.append(Line(text, ("YL-03",), GBT_42195))
    return level


def _home_care(
    person: PersonSnapshot,
    age: int,
    level: int,
    household: HouseholdSnapshot,
    policy: Policy,
    lines: list[Line],
    warnings: list[str],
) -> tuple[int, bool]:
    """YL-05 [P]: the monthly hours of government-purchased home care for this level, and whether the person is
    in one of the groups the locality serves (特困 at home, 低保, 低保边缘, of at least the minimum age)."""
    key = str(level)
    if key not in policy.home_care_hours:
        warnings.append(_("当地未设定 %(level)s 级的居家养老服务时数，按 0 小时计") % {"level": level})
    hours = policy.home_care_hours.get(key, 0)
    groups = "、".join(str(STATUS_LABELS.get(s, s)) for s in policy.home_care_statuses)
    lines.append(
        Line(
            _("居家养老服务对象：年满 %(age)s 周岁的%(groups)s老年人及当地规定的其他老年人")
            % {"age": policy.home_care_min_age, "groups": groups},
            ("YL-05",),
            LOCAL,
        )
    )
    status = household.assistance_status
    in_group = age >= policy.home_care_min_age and status in policy.home_care_statuses
    values = {
        "name": person.name,
        "age": age,
        "status": STATUS_LABELS.get(status, status),
        "level": _level_text(level),
        "hours": hours,
    }
    if in_group:
        text = (
            _(
                "%(name)s %(age)s 周岁，家庭为%(status)s对象：能力等级为 %(level)s，每月可享受居家养老服务 %(hours)s 小时"
            )
            % values
        )
    else:
        text = (
            _(
                "%(name)s %(age)s 周岁，不属于上述服务对象：能力等级为 %(level)s，对应的服务时数 %(hours)s 小时/月仅在当地另行纳入时适用"
            )
            % values
        )
    lines.append(Line(text, ("YL-05",), LOCAL))
    return hours, in_group


PROGRAMS: tuple[Program, ...] = (
    Program(
        code=PROGRAM,
        label=gettext_lazy("老年人能力评估"),
        policy_key="elder_ability",
        policy=Policy,
        request=Request,
        assess=assess,
        per_person=True,
    ),
)
