"""特困人员救助供养 (tekun) for one person: the three 无 tests, the self-care level and the support standard.

TK-01 (the 三无 test), TK-02 (minors to 18, students beyond), TK-03 (orphans under 16 go to 孤儿基本生活保障),
TK-04 (无劳动能力), TK-05 (无生活来源: own income below the 低保 standard, with its own exclusions), TK-06 (obligor
unable to support, [K]), TK-09 (minors are not published), TK-11 (annual review, [K]), TK-12 (six-item self-care
level), TK-14 (集中/分散 by choice; priority for people who lost self-care), TK-16/17 (standard = base
1.3 × 低保标准 rounded per DB-40 + a care tier), TK-18 (rural institutional residents at the urban standard). WE-11.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils.translation import gettext_lazy

from minzheng.core.errors import ValidationFailed
from minzheng.core.money import Unit, ceil_yuan, money_sum, round_money
from minzheng.rules import dibao
from minzheng.rules.common import (
    LOCAL,
    S1,
    S13,
    Decision,
    HouseholdSnapshot,
    IncomeSnapshot,
    Line,
    PersonSnapshot,
    Program,
    SelfCare,
    fraction_text,
    money_text,
    param,
    times,
)
from minzheng.rules.i18n import gettext as _

PROGRAM = "tekun"

CARE_BASIS_CHOICES = {
    "min_wage_monthly": gettext_lazy("按当地月最低工资标准的比例"),
    "fixed": gettext_lazy("按当地规定的固定金额"),
}
#: "ceil_*" never pays below a standard written as "不低于最低工资的 1/6"; half-up moves it by at most half a unit
CARE_ROUNDING_CHOICES = {
    "ceil_fen": gettext_lazy("向上取整到分"),
    "half_up_fen": gettext_lazy("四舍五入到分"),
    "ceil_yuan": gettext_lazy("向上取整到元"),
    "half_up_yuan": gettext_lazy("四舍五入到元"),
}
DERIVED_ROUNDING_NAMES = {
    "ceil_yuan": gettext_lazy("向上取整到元"),
    "half_up_yuan": gettext_lazy("四舍五入到元"),
    "none": gettext_lazy("不取整，保留到分"),
}
#: TK-05: what the 特困 income test leaves out. The registry's DB-15 codes plus two the 低保 list lacks.
INCOME_EXCLUSIONS = {
    "central_basic_pension": gettext_lazy("中央确定的城乡居民基本养老保险基础养老金"),
    "social_insurance": gettext_lazy("基本医疗保险等社会保险待遇"),
    "preferential_care": gettext_lazy("优待抚恤金"),
    "elderly_allowance": gettext_lazy("高龄津贴"),
    "social_assistance": gettext_lazy("政府发放的社会救助款物"),
    "family_planning": gettext_lazy("计划生育奖励与扶助金"),
    "scholarship": gettext_lazy("奖学金"),
    "award": gettext_lazy("见义勇为等奖励性收入"),
    "disability_subsidies": gettext_lazy("残疾人两项补贴"),
    "other": gettext_lazy("设区的市级以上政府规定的其他收入"),
}
SUPPORT_FORMS = {
    "home": gettext_lazy("分散供养(在家)"),
    "institutional": gettext_lazy("集中供养(供养服务机构)"),
}
#: TK-06 (43号 Art. 7, [K]): why a legal obligor cannot perform the duty; "" = the obligor can.
OBLIGOR_INCAPACITY = {
    "": gettext_lazy("义务人有履行能力"),
    "tekun": gettext_lazy("义务人本人为特困人员"),
    "dibao_60": gettext_lazy("义务人为60周岁以上的低保对象"),
    "aged_70_low_income": gettext_lazy(
        "义务人年满70周岁，本人收入低于上年度当地居民人均可支配收入，且财产符合当地低保家庭财产状况规定"
    ),
    "severe_disability_low_income": gettext_lazy(
        "义务人为重度残疾人或三级智力、精神残疾人，收入、财产符合上述规定"
    ),
    "no_civil_capacity": gettext_lazy("义务人无民事行为能力，且财产符合当地低保家庭财产状况规定"),
    "missing": gettext_lazy("义务人被宣告失踪，且财产符合当地低保家庭财产状况规定"),
    "in_prison": gettext_lazy("义务人在监狱服刑，且财产符合当地低保家庭财产状况规定"),
    "province_other": gettext_lazy("省级人民政府民政部门规定的其他情形"),
}
#: TK-02: the schooling that keeps an 18-year-old in support
CONTINUING_SCHOOLING = {
    "compulsory": gettext_lazy("义务教育"),
    "high_school": gettext_lazy("普通高中"),
    "vocational": gettext_lazy("中等职业学校"),
}
#: TK-12: the six items, in the order of the assessment form
SELF_CARE_ITEMS = {
    "eat": gettext_lazy("自主吃饭"),
    "dress": gettext_lazy("自主穿衣"),
    "transfer": gettext_lazy("自主上下床"),
    "toilet": gettext_lazy("自主如厕"),
    "walk_indoors": gettext_lazy("室内自主行走"),
    "bathe": gettext_lazy("自主洗澡"),
}
CARE_LEVELS = {
    "full": gettext_lazy("全护理"),
    "half": gettext_lazy("半护理"),
    "self": gettext_lazy("全自理"),
}
ADULT_AGE = 18  # TK-02, TK-09
WORK_AGE_FROM = 16  # TK-04 (2): "未满16周岁"
ELDERLY_AGE = 60  # TK-04 (1)


@dataclass(frozen=True)
class Policy:
    """The [L]/[P] parameters of 特困供养 (DOMAIN.md §13 ``tekun:``)."""

    base_multiplier: Fraction = param(
        Fraction(13, 10), gettext_lazy("基本生活标准为低保标准的倍数"), rules=("TK-16",)
    )
    care_basis: str = param(
        "min_wage_monthly",
        gettext_lazy("照料护理标准的计算依据"),
        rules=("TK-17",),
        choices=CARE_BASIS_CHOICES,
    )
    min_wage_monthly: Decimal = param(
        Decimal("1800"), gettext_lazy("当地月最低工资标准(元)"), rules=("TK-17",)
    )
    care_ratio_full: Fraction = param(
        Fraction(1, 4), gettext_lazy("全护理照料标准占月最低工资的比例"), rules=("TK-17",)
    )
    care_ratio_half: Fraction = param(
        Fraction(1, 6), gettext_lazy("半护理照料标准占月最低工资的比例"), rules=("TK-17",)
    )
    care_ratio_self: Fraction = param(
        Fraction(1, 10), gettext_lazy("全自理照料标准占月最低工资的比例"), rules=("TK-17",)
    )
    care_fixed_full: Decimal = param(
        Decimal("0"),
        gettext_lazy("全护理照料标准(固定金额，元/月)"),
        rules=("TK-17",),
        help_text=gettext_lazy("计算依据为固定金额时使用"),
    )
    care_fixed_half: Decimal = param(
        Decimal("0"),
        gettext_lazy("半护理照料标准(固定金额，元/月)"),
        rules=("TK-17",),
        help_text=gettext_lazy("计算依据为固定金额时使用"),
    )
    care_fixed_self: Decimal = param(
        Decimal("0"),
        gettext_lazy("全自理照料标准(固定金额，元/月)"),
        rules=("TK-17",),
        help_text=gettext_lazy("计算依据为固定金额时使用"),
    )
    care_rounding: str = param(
        "ceil_fen", gettext_lazy("照料护理标准取整"), rules=("TK-17",), choices=CARE_ROUNDING_CHOICES
    )
    excluded_income: tuple[str, ...] = param(
        (
            "central_basic_pension",
            "social_insurance",
            "preferential_care",
            "elderly_allowance",
            "social_assistance",
        ),
        gettext_lazy("认定无生活来源时不计入的收入"),
        rules=("TK-05",),
        choices=INCOME_EXCLUSIONS,
    )
    rural_institutional_urban_standard: bool = param(
        False, gettext_lazy("农村集中供养人员按城市特困标准供养"), rules=("TK-18",)
    )
    review_months: int = param(12, gettext_lazy("复核周期(月)"), rules=("TK-11",))
    publish_minors: bool = param(False, gettext_lazy("公示未成年人"), rules=("TK-09",))


@dataclass(frozen=True)
class Request:
    #: the person applying (member name or ID number); "" when the household has one member
    subject: str = param("", gettext_lazy("申请人(姓名或公民身份号码)"), rules=("TK-01",))
    support_form: str = param("home", gettext_lazy("供养形式"), rules=("TK-14",), choices=SUPPORT_FORMS)
    #: TK-01 (c): somebody with a legal duty of support (赡养、抚养、扶养) exists
    has_obligor: bool = param(False, gettext_lazy("有法定赡养、抚养、扶养义务人"), rules=("TK-01",))
    #: TK-06: why the obligor cannot perform the duty (with several obligors, every one must be unable)
    obligor_incapacity: str = param(
        "", gettext_lazy("义务人无履行义务能力的情形"), rules=("TK-06",), choices=OBLIGOR_INCAPACITY
    )
    #: TK-05: income sources (IncomeSnapshot.source) the registry counts for 低保 but 特困 leaves out (高龄津贴 …)
    excluded_sources: tuple[str, ...] = param(
        (), gettext_lazy("另行认定不计入的收入项目(按收入名称)"), rules=("TK-05",)
    )
    #: TK-02: already supported as 特困 (an 18-year-old still at school continues); the household's
    #: assistance_status "tekun" counts too
    continuing: bool = param(False, gettext_lazy("已认定为特困人员(继续供养)"), rules=("TK-02",))


def _num(value: Decimal) -> str:
    """A figure in a sentence without trailing zeros: 754, 1024.4, 308.34; a repeating quotient shows 4 places."""
    if value == value.to_integral_value():
        return str(value.to_integral_value())
    normalized = value.normalize()
    exponent = normalized.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -4:
        return format(normalized, "f")
    return format(value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP), "f") + "…"


def _ratio(value: Fraction) -> str:
    """Care ratios read as the documents write them: 1/4, 1/6, 1/10."""
    return f"{value.numerator}/{value.denominator}" if value.denominator != 1 else str(value.numerator)


def _kind(hukou_type: str) -> str:
    return _("城市") if hukou_type == "urban" else _("农村")


def _subject(household: HouseholdSnapshot, subject: str) -> PersonSnapshot:
    return household.subject(subject, missing=_("请指定申请特困供养的家庭成员"))


def _check(request: Request, policy: Policy, household: HouseholdSnapshot, standards: dibao.Policy) -> None:
    """Refuse choices outside their lists: a misspelt code would otherwise silently pick a branch."""
    problems: dict[str, str] = {}
    if standards.derived_standard_rounding not in DERIVED_ROUNDING_NAMES:
        problems["derived_standard_rounding"] = _("派生标准取整方式 %(v)s 无效") % {
            "v": standards.derived_standard_rounding
        }
    if household.hukou_type not in ("urban", "rural"):
        problems["hukou_type"] = _("户籍类型 %(v)s 无效，应为城市或农村") % {"v": household.hukou_type}
    if request.support_form not in SUPPORT_FORMS:
        problems["support_form"] = _("供养形式 %(v)s 无效") % {"v": request.support_form}
    if request.obligor_incapacity not in OBLIGOR_INCAPACITY:
        problems["obligor_incapacity"] = _("义务人情形 %(v)s 无效") % {"v": request.obligor_incapacity}
    if policy.care_basis not in CARE_BASIS_CHOICES:
        problems["care_basis"] = _("照料护理标准计算依据 %(v)s 无效") % {"v": policy.care_basis}
    if policy.care_rounding not in CARE_ROUNDING_CHOICES:
        problems["care_rounding"] = _("照料护理标准取整方式 %(v)s 无效") % {"v": policy.care_rounding}
    if policy.base_multiplier <= 0 or policy.min_wage_monthly < 0:
        problems["base_multiplier"] = _("基本生活标准倍数须大于 0，最低工资标准不能为负数")
    ratios = (policy.care_ratio_full, policy.care_ratio_half, policy.care_ratio_self)
    fixed = (policy.care_fixed_full, policy.care_fixed_half, policy.care_fixed_self)
    if any(r < 0 for r in ratios) or any(f < 0 for f in fixed):
        problems["care_ratio_full"] = _("照料护理标准不能为负数")
    if problems:
        raise ValidationFailed("；".join(problems.values()), fields={k: [v] for k, v in problems.items()})


def self_care_level(care: SelfCare | None) -> tuple[str | None, list[str], list[str]]:
    """TK-12: ("self" | "half" | "full" | None, items not achieved, items not assessed).

    Any item not assessed leaves the level undetermined: with 3 known failures the unknown ones decide between
    半护理 and 全护理, and even with none known a single failure would move 全自理 to 半护理.
    """
    if care is None:
        return None, [], list(SELF_CARE_ITEMS)
    failed = [key for key in SELF_CARE_ITEMS if getattr(care, key) is False]
    unknown = [key for key in SELF_CARE_ITEMS if getattr(care, key) is None]
    if unknown:
        return None, failed, unknown
    if not failed:
        return "self", failed, unknown
    return ("half" if len(failed) <= 3 else "full"), failed, unknown


def _round_derived(exact: Decimal, mode: str) -> Decimal:
    """DB-40: a "不低于 1.3 × 低保标准" standard rounds up to the yuan by default."""
    if mode == "ceil_yuan":
        return ceil_yuan(exact)
    if mode == "half_up_yuan":
        return round_money(exact, "yuan")
    # "none": no rounding to the yuan, but money needs a last digit; upward, so the floor is never undercut
    return round_money(exact, "fen", rounding=ROUND_CEILING)


def _round_care(exact: Decimal, mode: str) -> Decimal:
    unit: Unit = "yuan" if mode.endswith("_yuan") else "fen"
    return round_money(exact, unit, rounding=ROUND_CEILING if mode.startswith("ceil") else ROUND_HALF_UP)


def _belongs_to(item: IncomeSnapshot, person: PersonSnapshot) -> bool:
    return bool(item.member) and item.member in (person.name, person.id_number)


def _work_capacity(
    person: PersonSnapshot, age: int, continuing: bool
) -> tuple[bool, list[Line], list[str], list[str]]:
    """TK-04 (and TK-02 for minors and students): (met, lines, warnings, [K] rule IDs relied on)."""
    reasons: list[tuple[str, tuple[str, ...], str]] = []
    if age >= ELDERLY_AGE:
        reasons.append((_("年满60周岁(%(age)s 周岁)") % {"age": age}, ("TK-04",), S13 + " 第五条"))
    if age < WORK_AGE_FROM:
        reasons.append((_("未满16周岁(%(age)s 周岁)") % {"age": age}, ("TK-04",), S13 + " 第五条"))
    elif age < ADULT_AGE:
        reasons.append(
            (
                _("未成年人(%(age)s 周岁)，特困供养的未成年人年龄放宽至18周岁") % {"age": age},
                ("TK-02",),
                S13,
            )
        )
    disability = _qualifying_disability(person)
    if disability:
        reasons.append((disability, ("TK-04",), S13 + " 第五条"))
    lines: list[Line] = []
    warnings: list[str] = []
    schooling = CONTINUING_SCHOOLING.get(person.schooling)
    if age >= ADULT_AGE and age < ELDERLY_AGE and schooling is not None:
        if continuing:
            reasons.append(
                (
                    _("年满18周岁(%(age)s 周岁)仍在%(school)s就读，继续享受特困供养")
                    % {"age": age, "school": schooling},
                    ("TK-02",),
                    S13,
                )
            )
        else:
            lines.append(
                Line(
                    _("%(age)s 周岁仍在%(school)s就读：年满18周岁在校继续供养只适用于已认定的特困人员")
                    % {"age": age, "school": schooling},
                    ("TK-02",),
                    S13,
                )
            )
    if person.work_capacity == "none":
        reasons.append(
            (
                _("经办人员登记为无劳动能力(属于省级规定的其他情形的，须有相应证明材料)"),
                ("TK-04",),
                S13 + " 第五条",
            )
        )
    if not reasons:
        lines.append(
            Line(
                _(
                    "%(age)s 周岁，未满60周岁且已满16周岁，无符合条件的残疾等级，未登记为无劳动能力："
                    "不属于无劳动能力，不符合特困供养条件"
                )
                % {"age": age},
                ("TK-01", "TK-04"),
                S13 + " 第五条",
            )
        )
        return False, lines, warnings, []
    text = _("无劳动能力：%(reasons)s") % {"reasons": "；".join(r[0] for r in reasons)}
    rules = tuple(dict.fromkeys(rule for r in reasons for rule in r[1]))
    lines.append(Line(text, ("TK-01", *rules), reasons[0][2]))
    by_age_or_school = age >= ELDERLY_AGE or age < ADULT_AGE or (schooling is not None and continuing)
    verify: list[str] = []
    if disability and not by_age_or_school:
        verify.append("TK-04")  # item (3), the disability grades, is [K]
    if person.work_capacity == "none" and not by_age_or_school and not disability:
        warnings.append(
            _("%(name)s 仅凭登记的“无劳动能力”认定，须有残疾证、诊断证明或省级规定情形的证明材料")
            % {"name": person.name}
        )
    return True, lines, warnings, verify


def _qualifying_disability(person: PersonSnapshot) -> str:
    """TK-04 (3), [K]: intellectual/psychiatric grade 1–3, physical 1–2, visual 1.

    多重残疾 is graded by its most severe component (CJ-04), but the snapshot does not say which categories make
    it up. Reading: grade 1–2 qualifies (every category in item (3) qualifies at grade 1, and all but visual at
    grade 2); grade 3–4 does not, unless the officer records work_capacity "none" with its evidence.
    """
    grade = person.disability_grade
    if grade is None:
        return ""
    limits = {"intellectual": 3, "psychiatric": 3, "physical": 2, "visual": 1, "multiple": 2}
    names = {
        "intellectual": _("智力"),
        "psychiatric": _("精神"),
        "physical": _("肢体"),
        "visual": _("视力"),
        "multiple": _("多重"),
    }
    limit = limits.get(person.disability_category)
    if limit is None or grade > limit:
        return ""
    return _("%(category)s残疾%(grade)s级") % {"category": names[person.disability_category], "grade": grade}


def assess(
    household: HouseholdSnapshot, request: Request, policy: Policy, on: date, *, dibao: dibao.Policy
) -> Decision:
    """Decide 特困供养 for one person on a date: the three tests, the self-care level and the monthly standard."""
    _check(request, policy, household, dibao)
    person = _subject(household, request.subject)
    if person.birth_date > on:
        raise ValidationFailed(_("%(name)s 的出生日期晚于评估日期") % {"name": person.name})
    age = person.age_on(on)
    lines: list[Line] = []
    warnings: list[str] = []
    verify: list[str] = []
    facts: dict[str, object] = {"age": age, "publish": age >= ADULT_AGE or policy.publish_minors}

    def refuse(line: Line | None = None) -> Decision:
        if line is not None:
            lines.append(line)
        return Decision(
            PROGRAM,
            False,
            Decimal("0"),
            tuple(lines),
            tuple(warnings),
            period="monthly",
            subject=person.name,
            needs_verification=tuple(dict.fromkeys(verify)),
            facts=facts,
        )

    death = person.date_of_death
    if death is not None and death <= on:
        return refuse(
            Line(
                _("%(name)s 已于 %(death)s 死亡，不予(继续)供养")
                % {"name": person.name, "death": death.isoformat()},
                ("TK-10",),
                S1 + " 第十八条",
            )
        )
    if age < WORK_AGE_FROM and person.is_orphan:
        facts["route"] = "orphan_support"
        return refuse(
            Line(
                _("%(name)s %(age)s 周岁，未满16周岁且为孤儿：纳入孤儿基本生活保障，不认定为特困人员")
                % {"name": person.name, "age": age},
                ("TK-03",),
                S13 + " 第九条",
            )
        )
    if person.is_orphan:
        warnings.append(
            _("%(name)s 享受孤儿基本生活保障，不得与特困供养重复享受，请核实") % {"name": person.name}
        )

    # (a) 无劳动能力
    continuing = request.continuing or household.assistance_status == "tekun"
    able_met, able_lines, able_warnings, able_verify = _work_capacity(person, age, continuing)
    lines.extend(able_lines)
    warnings.extend(able_warnings)
    verify.extend(able_verify)

    # (b) 无生活来源
    standard = dibao.standard_for(household.hukou_type)
    means_met, own_income = _means(
        household, request, policy, person, on, standard, dibao.central_basic_pension_monthly, lines, warnings
    )
    facts["own_income"] = own_income

    # (c) no legal obligor, or one who cannot perform the duty
    obligor_met = _obligor(request, lines, verify)

    facts["tests"] = {"no_work_capacity": able_met, "no_means": means_met, "no_obligor": obligor_met}
    if not (able_met and means_met and obligor_met):
        return refuse(
            Line(
                _("三项条件未全部符合，不符合特困人员认定条件"),
                ("TK-01",),
                S1 + " 第十四条",
            )
        )
    lines.append(
        Line(
            _("无劳动能力、无生活来源、无法定义务人或义务人无履行能力三项条件均符合：认定为特困人员"),
            ("TK-01",),
            S1 + " 第十四条",
        )
    )

    # TK-12: self-care level
    level, failed, unknown = self_care_level(person.self_care)
    facts["self_care_level"] = level
    facts["self_care_not_achieved"] = len(failed)
    if level is None:
        missing = "、".join(str(SELF_CARE_ITEMS[k]) for k in unknown)
        warnings.append(
            _("生活自理能力未评估完整(未评估：%(items)s)，无法确定照料护理标准：暂只计基本生活标准")
            % {"items": missing}
        )
        lines.append(
            Line(
                _("生活自理能力未评估完整(未评估：%(items)s)：护理等级待定") % {"items": missing},
                ("TK-12",),
                LOCAL,
            )
        )
    else:
        lines.append(_self_care_line(level, failed))

    # TK-14: form of support
    form = request.support_form
    facts["support_form"] = form
    lines.append(
        Line(
            _("供养形式：%(form)s，由本人自行选择") % {"form": SUPPORT_FORMS[form]},
            ("TK-14",),
            S1 + " 第十九条",
        )
    )
    prioritise = level == "full"
    facts["prioritise_institutional"] = prioritise
    if prioritise:
        lines.append(
            Line(
                _("完全丧失生活自理能力(全护理)：供养服务机构应优先安排集中供养"),
                ("TK-14",),
                S1 + " 第十九条",
            )
        )
        if form == "home":
            warnings.append(_("全护理人员选择分散供养：应优先安排集中供养，或落实委托照料服务"))

    # TK-16, TK-18, DB-40: base standard
    base_standard = standard
    if (
        form == "institutional"
        and household.hukou_type == "rural"
        and policy.rural_institutional_urban_standard
    ):
        base_standard = dibao.standard_urban
        lines.append(
            Line(
                _("农村集中供养人员按城市标准供养：以城市低保标准 %(s)s 元计算")
                % {"s": money_text(base_standard)},
                ("TK-18",),
                LOCAL,
            )
        )
    mode = dibao.derived_standard_rounding
    exact_base = times(base_standard, policy.base_multiplier)
    base = _round_derived(exact_base, mode)
    how = DERIVED_ROUNDING_NAMES.get(mode, mode)
    values = {
        "s": money_text(base_standard),
        "m": fraction_text(policy.base_multiplier),
        "exact": _num(exact_base),
        "base": _num(base),
        "how": how,
    }
    text = (
        _("基本生活标准 = %(s)s × %(m)s = %(base)s 元/月(%(how)s)") % values
        if exact_base == base
        else _("基本生活标准 = %(s)s × %(m)s = %(exact)s，%(how)s为 %(base)s 元/月") % values
    )
    lines.append(Line(text, ("TK-16", "DB-40"), S1 + " 第十五条"))

    # TK-17: care standard
    care = Decimal("0")
    if level is not None:
        care, care_line = _care(level, policy, warnings)
        lines.append(care_line)
    total = base + care
    lines.append(
        Line(
            _("救助供养标准 = 基本生活标准 %(base)s + 照料护理标准 %(care)s = %(total)s 元/月")
            % {"base": _num(base), "care": _num(care), "total": _num(total)},
            ("TK-16", "TK-17"),
            S1 + " 第十五条",
        )
    )
    facts.update({"base_standard": base, "care_standard": care, "standard_used": base_standard})

    # TK-09: minors are not published; TK-11: annual review
    if age >= ADULT_AGE:
        publish = _("%(age)s 周岁，已成年：初审结果须张榜公示") % {"age": age}
    elif policy.publish_minors:
        publish = _("%(age)s 周岁，未成年人：按当地规定公示") % {"age": age}
    else:
        publish = _("%(age)s 周岁，未成年人：不予公示，保护未成年人隐私") % {"age": age}
    lines.append(Line(publish, ("TK-09",), S13))
    lines.append(
        Line(
            _("每 %(m)s 个月至少复核一次") % {"m": policy.review_months},
            ("TK-11",),
            S13,
        )
    )
    verify.append("TK-11")
    return Decision(
        PROGRAM,
        True,
        total,
        tuple(lines),
        tuple(warnings),
        zero_after_rounding=total == 0,
        review_months=policy.review_months,
        period="monthly",
        subject=person.name,
        needs_verification=tuple(dict.fromkeys(verify)),
        facts=facts,
    )


def _means(
    household: HouseholdSnapshot,
    request: Request,
    policy: Policy,
    person: PersonSnapshot,
    on: date,
    standard: Decimal,
    central_part: Decimal,
    lines: list[Line],
    warnings: list[str],
) -> tuple[bool, Decimal]:
    """TK-05: the person's own counted income below the 低保 standard, and property within the 特困 rules."""
    others = [p for p in household.living(on) if p is not person and p.is_coresident]
    alone = not others
    own = [i for i in household.incomes if _belongs_to(i, person) or (alone and not i.member)]
    unassigned = [i for i in household.incomes if not i.member and not alone]
    if unassigned:
        warnings.append(
            _("家庭有未注明归属成员的收入(%(items)s)，未计入 %(name)s 本人收入，请核实")
            % {
                "items": "、".join(f"{i.source} {money_text(i.monthly_amount)} 元/月" for i in unassigned),
                "name": person.name,
            }
        )
    counted: list[IncomeSnapshot] = []
    for item in own:
        excluded = item.exclusion in policy.excluded_income or item.source in request.excluded_sources
        if (
            excluded
            and item.source not in request.excluded_sources
            and item.exclusion == "central_basic_pension"
            and item.monthly_amount > central_part
        ):  # only the centrally set basic pension is left out; the local top-up and personal account count
            rest = item.monthly_amount - central_part
            lines.append(
                Line(
                    _(
                        "%(source)s %(amount)s 元/月 中，中央确定的基础养老金 %(part)s 元不计入本人收入，"
                        "其余 %(rest)s 元计入"
                    )
                    % {
                        "source": item.source,
                        "amount": money_text(item.monthly_amount),
                        "part": money_text(central_part),
                        "rest": money_text(rest),
                    },
                    ("TK-05", "DB-15"),
                    S13 + " 第六条",
                )
            )
            counted.append(replace(item, monthly_amount=rest, exclusion=""))
            continue
        if excluded:
            reason = INCOME_EXCLUSIONS.get(item.exclusion) or item.exclusion_label or _("另行认定不计入")
            lines.append(
                Line(
                    _("%(source)s %(amount)s 元/月 不计入本人收入(%(reason)s)")
                    % {"source": item.source, "amount": money_text(item.monthly_amount), "reason": reason},
                    ("TK-05",),
                    S13 + " 第六条",
                )
            )
            continue
        if item.exclusion:
            lines.append(
                Line(
                    _(
                        "%(source)s %(amount)s 元/月 在低保中不计入(%(reason)s)，但不属于特困认定的不计入项目：计入"
                    )
                    % {
                        "source": item.source,
                        "amount": money_text(item.monthly_amount),
                        "reason": item.exclusion_label
                        or INCOME_EXCLUSIONS.get(item.exclusion, item.exclusion),
                    },
                    ("TK-05",),
                    S13 + " 第六条",
                )
            )
        counted.append(item)
    total = money_sum([i.monthly_amount for i in counted])
    parts = " + ".join(f"{money_text(i.monthly_amount)}({i.source})" for i in counted) or "0"
    values = {"parts": parts, "total": money_text(total), "kind": _kind(household.hukou_type)}
    values["s"] = money_text(standard)
    below = total < standard
    text = (
        _("本人计入收入 = %(parts)s = %(total)s 元/月 < %(kind)s低保标准 %(s)s 元/月")
        if below
        else _("本人计入收入 = %(parts)s = %(total)s 元/月 ≥ %(kind)s低保标准 %(s)s 元/月：不属于无生活来源")
    ) % values
    lines.append(Line(text, ("TK-05",), S13 + " 第六条"))
    if household.property_ok is False:
        lines.append(
            Line(_("财产不符合当地特困人员财产状况规定：不属于无生活来源"), ("TK-05",), S13 + " 第六条")
        )
        return False, total
    if household.property_ok is None:
        warnings.append(_("财产状况尚未核定，须由经办人员确认"))
    if below:
        lines.append(Line(_("无生活来源"), ("TK-01", "TK-05"), S13 + " 第六条"))
    return below, total


def _obligor(request: Request, lines: list[Line], verify: list[str]) -> bool:
    """TK-01 (c) and TK-06: no legal obligor, or every obligor unable to perform the duty."""
    has_obligor = request.has_obligor or bool(request.obligor_incapacity)
    if not has_obligor:
        lines.append(
            Line(_("无法定赡养、抚养、扶养义务人"), ("TK-01",), S1 + " 第十四条"),
        )
        return True
    if not request.obligor_incapacity:
        lines.append(
            Line(
                _("有法定赡养、抚养、扶养义务人，且未认定其无履行义务能力：不符合特困供养条件"),
                ("TK-01", "TK-06"),
                S1 + " 第十四条",
            )
        )
        return False
    verify.append("TK-06")
    lines.append(
        Line(
            _("法定义务人无履行义务能力：%(why)s") % {"why": OBLIGOR_INCAPACITY[request.obligor_incapacity]},
            ("TK-01", "TK-06"),
            S13 + " 第七条",
        )
    )
    return True


def _self_care_line(level: str, failed: list[str]) -> Line:
    if level == "self":
        text = _("生活自理能力：6 项指标均能自主完成：具备生活自理能力，按全自理")
    else:
        degree = _("部分丧失生活自理能力") if level == "half" else _("完全丧失生活自理能力")
        text = _("生活自理能力：6 项指标中 %(n)s 项不能自主完成(%(items)s)：%(degree)s，按%(level)s") % {
            "n": len(failed),
            "items": "、".join(str(SELF_CARE_ITEMS[k]) for k in failed),
            "degree": degree,
            "level": CARE_LEVELS[level],
        }
    return Line(text, ("TK-12",), LOCAL)


def _care(level: str, policy: Policy, warnings: list[str]) -> tuple[Decimal, Line]:
    """TK-17: the care tier, as a share of the monthly minimum wage or a fixed local amount."""
    label = CARE_LEVELS[level]
    if policy.care_basis == "fixed":
        amount = {
            "full": policy.care_fixed_full,
            "half": policy.care_fixed_half,
            "self": policy.care_fixed_self,
        }[level]
        if amount == 0:
            warnings.append(_("当地未设定%(level)s照料护理标准的固定金额") % {"level": label})
        return amount, Line(
            _("照料护理标准(%(level)s)：当地规定 %(amount)s 元/月")
            % {"level": label, "amount": _num(amount)},
            ("TK-17",),
            LOCAL,
        )
    ratio = {"full": policy.care_ratio_full, "half": policy.care_ratio_half, "self": policy.care_ratio_self}[
        level
    ]
    exact = times(policy.min_wage_monthly, ratio)
    amount = _round_care(exact, policy.care_rounding)
    values = {
        "level": label,
        "wage": money_text(policy.min_wage_monthly),
        "ratio": _ratio(ratio),
        "exact": _num(exact),
        "amount": _num(amount),
        "how": CARE_ROUNDING_CHOICES[policy.care_rounding],
    }
    text = (
        _("照料护理标准(%(level)s) = 月最低工资 %(wage)s × %(ratio)s = %(amount)s 元/月") % values
        if exact == amount
        else _(
            "照料护理标准(%(level)s) = 月最低工资 %(wage)s × %(ratio)s = %(exact)s，%(how)s为 %(amount)s 元/月"
        )
        % values
    )
    return amount, Line(text, ("TK-17",), LOCAL)


PROGRAMS: tuple[Program, ...] = (
    Program(
        code=PROGRAM,
        label=gettext_lazy("特困人员救助供养"),
        policy_key="tekun",
        policy=Policy,
        request=Request,
        assess=assess,
        per_person=True,
    ),
)
