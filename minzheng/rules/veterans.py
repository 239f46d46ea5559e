"""优抚 (军人抚恤优待条例 2024): what the county pays a person each month, the funeral grant when a recipient dies,
the one-off death payments, and the 义务兵家庭优待金 a household receives while its conscript serves.

YF-01 (who is a 抚恤优待对象, Art. 2), YF-02 (定期生活补助 groups, Art. 62 and Art. 61), YF-03 (定期抚恤金, Art. 19),
YF-04 (funeral grants: Art. 22, Art. 32, Art. 62), YF-05 (残疾抚恤金, Art. 27 and Art. 30), YF-06 (护理费, Art. 34),
YF-07 (烈士褒扬金 and 一次性抚恤金, Art. 15, with the Art. 16 increases), YF-08 (义务兵家庭优待金, Art. 42), YF-09
(never counted in a means test, Art. 4), YF-10 (annual confirmation Art. 8; suspension and cancellation Art. 59),
YF-11 (payment frequency [L/P]), YF-12 (the 退役军人事务部门 leads, Art. 5: a fact for the permissions layer).

The 条例 fixes who qualifies and the formulas; the money standards themselves are set by the State Council
departments (national) or by the locality. Every default amount below is ILLUSTRATIVE — a plausible order of
magnitude, not the standard in force — and must be set per region in the policy app before real use ([L]).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minzheng.core.errors import ValidationFailed
from minzheng.core.money import Unit, money_sum, round_money
from minzheng.rules import dibao
from minzheng.rules.common import (
    LOCAL,
    S2,
    Decision,
    HouseholdSnapshot,
    Line,
    PersonSnapshot,
    Program,
    fraction_text,
    money_text,
    param,
    times,
)

CATEGORY_LABELS = {
    "serving": gettext_lazy("现役军人"),
    "disabled": gettext_lazy("残疾军人"),
    "martyr_survivor": gettext_lazy("烈士遗属"),
    "duty_death_survivor": gettext_lazy("因公牺牲军人遗属"),
    "illness_death_survivor": gettext_lazy("病故军人遗属"),
    "military_family": gettext_lazy("军属"),
    "combat_veteran": gettext_lazy("参战退役军人"),
    "nuclear_test_veteran": gettext_lazy("参试退役军人"),
    "ill_returned_veteran": gettext_lazy("带病回乡退役军人"),
    "rural_veteran_60": gettext_lazy("年满60周岁农村籍退役士兵"),
    "old_demobilised": gettext_lazy("1954年10月31日之前入伍后经批准退出现役的人员"),
    "martyr_child_60": gettext_lazy("年满60周岁的烈士子女"),
    "veteran": gettext_lazy("其他退役军人"),
}
#: YF-02: the groups of Art. 62 that receive a 定期生活补助 (参试 is treated as 参战, Art. 61)
LIVING_SUBSIDY_GROUPS = (
    "combat_veteran",
    "nuclear_test_veteran",
    "ill_returned_veteran",
    "rural_veteran_60",
    "old_demobilised",
    "martyr_child_60",
)
#: YF-03: the three kinds of survivor who may receive a 定期抚恤金 (Art. 19)
SURVIVOR_GROUPS = ("martyr_survivor", "duty_death_survivor", "illness_death_survivor")
#: Art. 62: "1954年10月31日之前入伍" — read as enlisted on or before that day
OLD_DEMOBILISED_CUTOFF = date(1954, 10, 31)
ADULT_AGE = 18
SUBSIDY_AGE = 60
#: Art. 27: the grades that carry a disability pension, by cause
PENSION_GRADES = {"war": 10, "duty": 10, "illness": 6}
#: Art. 16: the increase of the one-off pension for the highest honour received (national, [V])
HONOUR_INCREASES: dict[str, Fraction] = {
    "medal": Fraction(40, 100),
    "central_title": Fraction(35, 100),
    "first_class": Fraction(30, 100),
    "second_class": Fraction(25, 100),
    "third_class": Fraction(15, 100),
    "fourth_class": Fraction(5, 100),
}
HONOUR_CHOICES = {
    "": gettext_lazy("无"),
    "medal": gettext_lazy("获得勋章或者国家荣誉称号(增发40%)"),
    "central_title": gettext_lazy("党中央、国务院、中央军委授予荣誉称号(增发35%)"),
    "first_class": gettext_lazy("一等战功、一级表彰或军委授权单位授予荣誉称号(增发30%)"),
    "second_class": gettext_lazy("二等战功、一等功或经批准的二级表彰(增发25%)"),
    "third_class": gettext_lazy("三等战功或者二等功(增发15%)"),
    "fourth_class": gettext_lazy("四等战功或者三等功(增发5%)"),
}
CAUSE_CHOICES = {
    "": gettext_lazy("未填写"),
    "war": gettext_lazy("因战"),
    "duty": gettext_lazy("因公"),
    "illness": gettext_lazy("因病"),
}
RELATION_CHOICES = {
    "": gettext_lazy("未填写"),
    "parent": gettext_lazy("父母(抚养人)"),
    "spouse": gettext_lazy("配偶"),
    "child": gettext_lazy("子女"),
    "sibling": gettext_lazy("兄弟姐妹"),
}
SUSPENDING = {
    "serving_sentence": gettext_lazy("被判处有期徒刑"),
    "deprived_political_rights": gettext_lazy("被剥夺政治权利"),
    "wanted": gettext_lazy("被通缉"),
}
CANCELLING = {
    "death_sentence": gettext_lazy("被判处死刑"),
    "life_sentence": gettext_lazy("被判处无期徒刑"),
    "expelled": gettext_lazy("被军队开除军籍"),
}
LEGAL_STATUS_CHOICES = {"": gettext_lazy("无"), **SUSPENDING, **CANCELLING}
DEATH_CAUSE_CHOICES = {
    "": gettext_lazy("未填写"),
    "illness": gettext_lazy("因病死亡"),
    "old_injury": gettext_lazy("因旧伤复发死亡"),
    "other": gettext_lazy("其他原因死亡"),
}
DEATH_NATURE_CHOICES = {
    "": gettext_lazy("未填写"),
    "martyr": gettext_lazy("烈士"),
    "duty": gettext_lazy("因公牺牲"),
    "illness": gettext_lazy("病故"),
}
PAYMENT_CHOICES = {
    "monthly": gettext_lazy("按月发放的抚恤补助(受益人死亡时为丧葬补助)"),
    "death_payment": gettext_lazy("军人死亡一次性抚恤(烈士褒扬金、一次性抚恤金)"),
}
FREQUENCY_CHOICES = {
    "monthly": gettext_lazy("按月"),
    "quarterly": gettext_lazy("按季度"),
    "annual": gettext_lazy("按年"),
}
PAYMENTS_PER_YEAR = {"monthly": 12, "quarterly": 4, "annual": 1}
#: the usual term of a conscript (义务兵服现役二年): after it, a missing discharge date is worth a warning
CONSCRIPT_TERM_YEARS = 2
_UNITS: dict[str, Unit] = {"yuan": "yuan", "jiao": "jiao", "fen": "fen"}


def _default_disability_pensions() -> dict[str, Decimal]:
    # [L] ILLUSTRATIVE monthly amounts (元/月) by cause and grade, the order of magnitude of the national table
    # (Art. 31: referenced to last year's national average urban wage). Set the real table per year.
    war = (8600, 7780, 6960, 5560, 4450, 3610, 2780, 1940, 1530, 970)
    duty = (8250, 7360, 6560, 5150, 4040, 3330, 2500, 1660, 1240, 830)
    illness = (7920, 7090, 6280, 4870, 3760, 3050)
    table: dict[str, Decimal] = {}
    for cause, amounts in (("war", war), ("duty", duty), ("illness", illness)):
        for grade, amount in enumerate(amounts, start=1):
            table[f"{cause}_{grade}"] = Decimal(amount)
    return table


@dataclass(frozen=True)
class Policy:
    """The standards of 优抚 and of 义务兵家庭优待金 (all amounts are illustrative defaults: set them per region)."""

    # YF-02 [L] ILLUSTRATIVE monthly standards of the 定期生活补助 by group (元/月). 带病回乡 900 follows WE-02;
    # 参试退役军人 have no entry of their own because Art. 61 treats them as 参战退役军人.
    living_subsidy_monthly: dict[str, Decimal] = param(
        {
            "combat_veteran": Decimal("850"),
            "ill_returned_veteran": Decimal("900"),
            "rural_veteran_60": Decimal("400"),
            "old_demobilised": Decimal("2000"),
            "martyr_child_60": Decimal("600"),
        },
        gettext_lazy("定期生活补助月标准(按类别，元/月)"),
        rules=("YF-02",),
    )
    # YF-02 [L]: many places pay 60+ rural veterans per year of conscript service (不满一年按一年); None = use the flat
    # amount of living_subsidy_monthly["rural_veteran_60"].
    rural_veteran_60_per_service_year: Decimal | None = param(
        None,
        gettext_lazy("农村籍退役士兵老年生活补助：每服役一年每月(元)，不填则按统一月标准"),
        rules=("YF-02",),
    )
    # YF-03 [L] ILLUSTRATIVE: the 2024 national figure (元/年) stands in for "上一年度全国居民人均可支配收入".
    national_disposable_income_last_year: Decimal = param(
        Decimal("41314"), gettext_lazy("上一年度全国居民人均可支配收入(元/年)"), rules=("YF-03",)
    )
    # YF-03 [L] ILLUSTRATIVE: yearly 定期抚恤金 as a share of that income, per survivor category.
    survivor_pension_ratio: dict[str, Fraction] = param(
        {
            "martyr_survivor": Fraction(3, 4),
            "duty_death_survivor": Fraction(13, 20),
            "illness_death_survivor": Fraction(3, 5),
        },
        gettext_lazy("定期抚恤金年标准占全国居民人均可支配收入的比例(按遗属类别)"),
        rules=("YF-03",),
    )
    # YF-05 [L] ILLUSTRATIVE: keys "war_1" … "war_10", "duty_1" … "duty_10", "illness_1" … "illness_6".
    disability_pension_monthly: dict[str, Decimal] = param(
        _default_disability_pensions(),
        gettext_lazy("残疾抚恤金月标准(按致残性质和等级，如 war_1，元/月)"),
        rules=("YF-05",),
    )
    # YF-06 [L] ILLUSTRATIVE: 当地上一年度城镇单位就业人员月平均工资.
    local_average_monthly_wage_last_year: Decimal = param(
        Decimal("8000"), gettext_lazy("当地上一年度城镇单位就业人员月平均工资(元)"), rules=("YF-06",)
    )
    # YF-06 (Art. 34, [V]): the four shares of that wage.
    care_share_war_duty_grade_1_2: Fraction = param(
        Fraction(1, 2), gettext_lazy("护理费比例：因战、因公一级和二级"), rules=("YF-06",)
    )
    care_share_war_duty_grade_3_4: Fraction = param(
        Fraction(2, 5), gettext_lazy("护理费比例：因战、因公三级和四级"), rules=("YF-06",)
    )
    care_share_illness_grade_1_4: Fraction = param(
        Fraction(3, 10), gettext_lazy("护理费比例：因病一级至四级"), rules=("YF-06",)
    )
    care_share_psychiatric_grade_5_6: Fraction = param(
        Fraction(1, 4), gettext_lazy("护理费比例：因精神障碍五级至六级"), rules=("YF-06",)
    )
    # YF-07 [L] ILLUSTRATIVE: the 2024 national figure stands in for "上一年度全国城镇居民人均可支配收入".
    national_urban_disposable_income_last_year: Decimal = param(
        Decimal("54188"), gettext_lazy("上一年度全国城镇居民人均可支配收入(元/年)"), rules=("YF-07",)
    )
    national_urban_disposable_income_year: int = param(
        2024, gettext_lazy("上述全国城镇居民人均可支配收入所属年度"), rules=("YF-07",)
    )
    # YF-07 (Art. 15): a lower basic salary counts as the 少尉 salary; None = not configured (a warning says so).
    second_lieutenant_basic_salary: Decimal | None = param(
        None, gettext_lazy("少尉军官月基本工资标准(元)"), rules=("YF-07",)
    )
    payment_rounding: str = param(
        "fen", gettext_lazy("优抚金额取整"), rules=("YF-03", "YF-06"), choices=dibao.ROUNDING_CHOICES
    )
    # YF-08 [L] ILLUSTRATIVE yearly 义务兵家庭优待金 (元/年).
    conscript_family_yearly: Decimal = param(
        Decimal("18000"), gettext_lazy("义务兵家庭优待金年标准(元/年)"), rules=("YF-08",)
    )
    # YF-11 [L/P]: the 条例 fixes no frequency; monthly by bank transfer is the proposed default.
    conscript_family_frequency: str = param(
        "monthly", gettext_lazy("义务兵家庭优待金发放频率"), rules=("YF-11",), choices=FREQUENCY_CHOICES
    )
    # YF-08 [L]: e.g. 3/2 for service in 西藏 or on the border; None = no increase configured.
    conscript_family_special_multiplier: Fraction | None = param(
        None, gettext_lazy("义务兵在艰苦边远地区等特殊情况服役时优待金倍数"), rules=("YF-08",)
    )


@dataclass(frozen=True)
class Request:
    """What the case adds for one person (member name or ID number in ``subject``)."""

    subject: str = param("", gettext_lazy("优抚对象(姓名或公民身份号码)"))
    payment: str = param("monthly", gettext_lazy("办理事项"), rules=("YF-07",), choices=PAYMENT_CHOICES)
    #: YF-10: a criminal or disciplinary status that suspends or cancels payments
    legal_status: str = param(
        "", gettext_lazy("中止或取消情形"), rules=("YF-10",), choices=LEGAL_STATUS_CHOICES
    )
    #: the day of 批准 (残疾抚恤金) or 审核确认 (定期抚恤金): payment starts that month
    approval_date: date | None = param(None, gettext_lazy("批准(审核确认)日期"))
    # YF-03 定期抚恤金
    relation_to_deceased: str = param(
        "", gettext_lazy("与牺牲(病故)军人的关系"), rules=("YF-03",), choices=RELATION_CHOICES
    )
    no_means_of_living: bool = param(False, gettext_lazy("无生活费来源"))
    income_below_local_average: bool = param(False, gettext_lazy("收入低于当地居民平均生活水平"))
    in_school: bool = param(False, gettext_lazy("在校学习"))  # also read from PersonSnapshot.schooling
    disabled: bool = param(False, gettext_lazy("残疾"))  # also read from PersonSnapshot.disability_category
    supported_by_deceased: bool = param(
        False, gettext_lazy("由该军人生前供养")
    )  # 由该军人生前供养 (siblings)
    # YF-05 / YF-06: the military disability grade 1–10 (not the 残联 grade 1–4 of PersonSnapshot)
    disability_cause: str = param("", gettext_lazy("致残性质"), rules=("YF-05",), choices=CAUSE_CHOICES)
    disability_grade: int | None = param(None, gettext_lazy("军人残疾等级(一至十级)"))
    psychiatric: bool = param(
        False, gettext_lazy("因精神障碍评定残疾等级")
    )  # 因精神障碍评定残疾等级 (also read from PersonSnapshot.disability_category)
    #: YF-06: the brief asks for a flag; Art. 34 grants 护理费 to every listed grade, so it defaults to True
    needs_care: bool = param(True, gettext_lazy("需要护理"))
    centrally_supported: bool = param(
        False, gettext_lazy("在优抚医院集中收治")
    )  # 在优抚医院集中收治/集中供养
    in_service: bool = param(
        False, gettext_lazy("仍在服现役")
    )  # still serving: the army pays (Art. 30, Art. 34)
    discharge_date: date | None = param(None, gettext_lazy("退役(移交)日期"))  # 退役或移交日期 (Art. 30)
    transfer_applied_on: date | None = param(
        None, gettext_lazy("申请转入抚恤关系日期")
    )  # 申请转入抚恤关系的日期 (Art. 30: within 60 days)
    # YF-02 定期生活补助
    enlistment_date: date | None = param(None, gettext_lazy("入伍日期"))
    service_years: int | None = param(None, gettext_lazy("服役年数"))
    has_employer: bool = param(False, gettext_lazy("有工作单位"))
    #: Art. 62: the martyr's child was 18+ when the 定期抚恤金 system began (from the archives); None = not checked
    adult_when_pension_system_began: bool | None = param(None, gettext_lazy("建立定期抚恤金制度时已满18周岁"))
    # YF-04 funeral grant when the subject has died
    monthly_amount_received: Decimal | None = param(None, gettext_lazy("生前每月领取金额(元)"))
    death_cause: str = param("", gettext_lazy("死亡原因"), rules=("YF-04",), choices=DEATH_CAUSE_CHOICES)
    # YF-07 one-off death payments (the subject is a survivor applying)
    death_nature: str = param(
        "", gettext_lazy("军人死亡性质"), rules=("YF-07",), choices=DEATH_NATURE_CHOICES
    )
    basic_monthly_salary: Decimal | None = param(None, gettext_lazy("军人死亡时月基本工资(元)"))
    soldier_death_date: date | None = param(None, gettext_lazy("军人死亡日期"))
    highest_honour: str = param("", gettext_lazy("功勋荣誉表彰"), rules=("YF-07",), choices=HONOUR_CHOICES)


@dataclass(frozen=True)
class ConscriptFamilyRequest:
    """义务兵家庭优待金: the conscript whose household is paid."""

    conscript_name: str = param("", gettext_lazy("义务兵姓名"))
    enlistment_date: date | None = param(None, gettext_lazy("入伍日期"))
    enlisted_from_this_county: bool = param(True, gettext_lazy("从本县批准入伍"))
    discharge_date: date | None = param(None, gettext_lazy("退役(移交)日期"))
    special_service: bool = param(
        False, gettext_lazy("在艰苦边远等特殊地区服役")
    )  # e.g. serving in 西藏 or on the border
    special_service_place: str = param("", gettext_lazy("特殊服役地区"))


class _Notes:
    """The lines, warnings and facts of one decision, collected as the rule goes."""

    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.warnings: list[str] = []
        self.facts: dict[str, Any] = {}

    def add(self, text: str, rules: tuple[str, ...], article: str = "") -> None:
        self.lines.append(Line(text, rules, f"{S2} {article}" if article else S2))

    def local(self, text: str, rules: tuple[str, ...]) -> None:
        self.lines.append(Line(text, rules, LOCAL))


def _unit(policy: Policy) -> Unit:
    try:
        return _UNITS[policy.payment_rounding]
    except KeyError:
        raise ValidationFailed(
            _("优抚金额取整方式“%(value)s”无效") % {"value": policy.payment_rounding}
        ) from None


def _rounded(exact: Decimal, policy: Policy) -> tuple[Decimal, str]:
    """The amount rounded once per the policy, and the note a sentence ends with when rounding changed it."""
    if exact < 0:
        raise ValidationFailed(
            _("计算结果 %(v)s 元为负数：请检查当地政策中的标准和比例") % {"v": money_text(exact)}
        )
    unit = _unit(policy)
    amount = round_money(exact, unit)
    if amount == exact:
        return amount, ""
    return amount, _("(按%(unit)s四舍五入)") % {"unit": dibao.UNIT_NAMES[unit]}


def _percent(ratio: Fraction) -> str:
    return f"{fraction_text(ratio * 100)}%"


def _category_label(category: str) -> str:
    return str(CATEGORY_LABELS.get(category, category or _("未登记")))


def _check_choice(value: str, choices: dict[str, Any], label: str) -> None:
    if value not in choices:
        raise ValidationFailed(
            _("%(label)s“%(value)s”无效，应为以下之一：%(options)s")
            % {"label": label, "value": value, "options": "、".join(k for k in choices if k)}
        )


def _validate(request: Request) -> None:
    _check_choice(request.payment, PAYMENT_CHOICES, _("办理事项"))
    _check_choice(request.legal_status, LEGAL_STATUS_CHOICES, _("中止或取消情形"))
    _check_choice(request.relation_to_deceased, RELATION_CHOICES, _("与牺牲(病故)军人的关系"))
    _check_choice(request.disability_cause, CAUSE_CHOICES, _("致残性质"))
    _check_choice(request.death_cause, DEATH_CAUSE_CHOICES, _("死亡原因"))
    _check_choice(request.death_nature, DEATH_NATURE_CHOICES, _("军人死亡性质"))
    _check_choice(request.highest_honour, HONOUR_CHOICES, _("功勋荣誉表彰"))
    if request.monthly_amount_received is not None and request.monthly_amount_received < 0:
        raise ValidationFailed(_("生前每月领取金额不能为负数"))
    if request.basic_monthly_salary is not None and request.basic_monthly_salary < 0:
        raise ValidationFailed(_("月基本工资不能为负数"))


def _subject(household: HouseholdSnapshot, name: str) -> PersonSnapshot:
    if not name:
        raise ValidationFailed(_("请指明本次办理优抚事项的家庭成员"), fields={"subject": [_("必须填写")]})
    try:
        return household.member(name)
    except KeyError:
        raise ValidationFailed(
            _("“%(name)s”不是该户成员") % {"name": name}, fields={"subject": [_("不是该户成员")]}
        ) from None


def _month_start(day: date) -> str:
    return day.replace(day=1).isoformat()


def _base_facts(notes: _Notes, status: str) -> None:
    notes.facts.update(
        {
            "status": status,
            "excluded_from_means_tests": True,
            "agency": "veterans_affairs",  # YF-12: the 退役军人事务部门 leads (Art. 5)
        }
    )


def _means_test_line(notes: _Notes) -> None:
    notes.add(
        _("抚恤金、补助金和优待金不计入本人和家庭收入：审核低保等社会救助和社会保障条件时一律不计"),
        ("YF-09",),
        "第四条第二款",
    )


# ---------------------------------------------------------------------------------------------------------------
# YF-02 定期生活补助


def _living_subsidy(
    person: PersonSnapshot,
    household: HouseholdSnapshot,
    request: Request,
    policy: Policy,
    on: date,
    notes: _Notes,
) -> Decimal | None:
    """The monthly 定期生活补助 of an Art. 62 group, or None (with the reason as a line) when a check fails."""
    category = person.veteran_category
    label = _category_label(category)
    key = category
    if category == "nuclear_test_veteran":
        key = "combat_veteran"
        notes.add(_("参试退役军人参照参战退役军人的规定执行"), ("YF-02",), "第六十一条第二款")
    age = person.age_on(on)
    if category == "rural_veteran_60":
        if age < SUBSIDY_AGE:
            notes.add(
                _("%(name)s 现年 %(age)s 周岁，未满60周岁，不享受农村籍退役士兵定期生活补助")
                % {"name": person.name, "age": age},
                ("YF-02",),
                "第六十二条第一款",
            )
            return None
        if household.hukou_type != "rural":
            notes.add(
                _("%(name)s 不是农村户籍，不属于年满60周岁农村籍退役士兵") % {"name": person.name},
                ("YF-02",),
                "第六十二条第一款",
            )
            return None
        notes.add(
            _("%(name)s 现年 %(age)s 周岁(≥ 60)，农村户籍：属于年满60周岁农村籍退役士兵")
            % {"name": person.name, "age": age},
            ("YF-02",),
            "第六十二条第一款",
        )
    elif category == "old_demobilised":
        if request.enlistment_date is None:
            notes.warnings.append(_("未填写入伍日期：须核对档案，确认在1954年10月31日之前入伍"))
        elif request.enlistment_date > OLD_DEMOBILISED_CUTOFF:
            notes.add(
                _("入伍日期 %(d)s 晚于1954年10月31日，不属于在乡老复员军人")
                % {"d": request.enlistment_date.isoformat()},
                ("YF-02",),
                "第六十二条第一款",
            )
            return None
        else:
            notes.add(
                _("入伍日期 %(d)s，在1954年10月31日之前入伍并经批准退出现役")
                % {"d": request.enlistment_date.isoformat()},
                ("YF-02",),
                "第六十二条第一款",
            )
    elif category == "martyr_child_60":
        if age < SUBSIDY_AGE:
            notes.add(
                _("%(name)s 现年 %(age)s 周岁，未满60周岁，不享受烈士子女定期生活补助")
                % {"name": person.name, "age": age},
                ("YF-02",),
                "第六十二条第一款",
            )
            return None
        if household.hukou_type == "urban" and request.has_employer:
            notes.add(
                _("%(name)s 居住在城镇且有工作单位，不属于居住在农村和城镇无工作单位的烈士子女")
                % {"name": person.name},
                ("YF-02",),
                "第六十二条第一款",
            )
            return None
        if request.adult_when_pension_system_began is False:
            notes.add(
                _("国家建立定期抚恤金制度时 %(name)s 未满18周岁，不享受烈士子女定期生活补助")
                % {"name": person.name},
                ("YF-02",),
                "第六十二条第一款",
            )
            return None
        if request.adult_when_pension_system_began is None:
            notes.warnings.append(_("须核对档案：国家建立定期抚恤金制度时该烈士子女是否已满18周岁"))
        notes.add(
            _("%(name)s 现年 %(age)s 周岁(≥ 60)，居住在农村或城镇无工作单位：属于烈士子女定期生活补助对象")
            % {"name": person.name, "age": age},
            ("YF-02",),
            "第六十二条第一款",
        )
    else:
        notes.add(
            _("%(name)s 为%(label)s，属于定期生活补助对象") % {"name": person.name, "label": label},
            ("YF-02",),
            "第六十二条第一款",
        )

    if category == "rural_veteran_60" and policy.rural_veteran_60_per_service_year is not None:
        years = request.service_years
        if years is None or years < 1:
            raise ValidationFailed(
                _("当地按服役年限发放农村籍退役士兵老年生活补助：请填写服役年数(不满一年按一年计)"),
                fields={"service_years": [_("必须填写")]},
            )
        per_year = policy.rural_veteran_60_per_service_year
        exact = per_year * years
        amount, note = _rounded(exact, policy)
        notes.local(
            _("定期生活补助 = 每服役一年 %(per)s 元 × %(years)s 年 = %(amount)s 元/月%(note)s")
            % {"per": money_text(per_year), "years": years, "amount": money_text(amount), "note": note},
            ("YF-02",),
        )
        return amount

    standard = policy.living_subsidy_monthly.get(key)
    if standard is None:
        raise ValidationFailed(
            _("当地政策未设定“%(label)s”的定期生活补助标准") % {"label": _category_label(key)}
        )
    amount, note = _rounded(standard, policy)
    notes.local(
        _("定期生活补助(%(label)s)标准 %(amount)s 元/月%(note)s")
        % {"label": _category_label(key), "amount": money_text(amount), "note": note},
        ("YF-02",),
    )
    return amount


# ---------------------------------------------------------------------------------------------------------------
# YF-03 定期抚恤金


def _survivor_pension(
    person: PersonSnapshot, request: Request, policy: Policy, on: date, notes: _Notes
) -> Decimal | None:
    """The monthly 定期抚恤金 of a survivor meeting Art. 19, or None with the reason as a line."""
    relation = request.relation_to_deceased
    if not relation:
        raise ValidationFailed(
            _("定期抚恤金须填写申请人与牺牲(病故)军人的关系"),
            fields={"relation_to_deceased": [_("必须填写")]},
        )
    age = person.age_on(on)
    no_capacity = person.work_capacity == "none"
    in_school = request.in_school or bool(person.schooling)
    disabled = request.disabled or bool(person.disability_category)
    relation_label = RELATION_CHOICES[relation]
    reason = ""
    if relation in ("parent", "spouse"):
        reasons = []
        if no_capacity:
            reasons.append(_("无劳动能力"))
        if request.no_means_of_living:
            reasons.append(_("无生活费来源"))
        if request.income_below_local_average:
            reasons.append(_("收入水平低于当地居民平均生活水平"))
        ok = bool(reasons)
        reason = "、".join(reasons)
        failed = _("有劳动能力、有生活费来源且收入不低于当地居民平均生活水平")
        item = "第十九条第一款第一项"
    elif relation == "child":
        if age < ADULT_AGE:
            ok, reason = True, _("未满18周岁(现年 %(age)s 周岁)") % {"age": age}
        else:
            ok = (in_school or disabled) and request.no_means_of_living
            reason = _("已满18周岁但因上学或者残疾无生活费来源")
        failed = _("已满18周岁(现年 %(age)s 周岁)，且不是因上学或者残疾无生活费来源") % {"age": age}
        item = "第十九条第一款第二项"
    else:  # sibling
        if not request.supported_by_deceased:
            ok, failed = False, _("不是由该军人生前供养")
        elif age < ADULT_AGE:
            ok, reason, failed = True, _("未满18周岁且由该军人生前供养"), ""
        else:
            ok = in_school and request.no_means_of_living
            reason = _("已满18周岁但因上学无生活费来源，且由该军人生前供养")
            failed = _("已满18周岁(现年 %(age)s 周岁)，且不是因上学无生活费来源") % {"age": age}
        item = "第十九条第一款第三项"
    if not ok:
        notes.add(
            _("%(name)s(%(relation)s)%(failed)s：不符合定期抚恤金条件")
            % {"name": person.name, "relation": relation_label, "failed": failed},
            ("YF-03",),
            item,
        )
        return None
    notes.add(
        _("%(name)s(%(relation)s)%(reason)s：符合定期抚恤金条件")
        % {"name": person.name, "relation": relation_label, "reason": reason},
        ("YF-03",),
        item,
    )
    category = person.veteran_category
    ratio = policy.survivor_pension_ratio.get(category)
    if ratio is None:
        raise ValidationFailed(
            _("当地政策未设定“%(label)s”的定期抚恤金标准") % {"label": _category_label(category)}
        )
    income = policy.national_disposable_income_last_year
    exact = times(income, ratio) / 12
    amount, note = _rounded(exact, policy)
    notes.add(
        _(
            "定期抚恤金(%(label)s) = 上一年度全国居民人均可支配收入 %(income)s 元 × %(ratio)s ÷ 12"
            " = %(amount)s 元/月%(note)s"
        )
        % {
            "label": _category_label(category),
            "income": money_text(income),
            "ratio": fraction_text(ratio),
            "amount": money_text(amount),
            "note": note,
        },
        ("YF-03",),
        "第十九条第二款",
    )
    if request.approval_date is not None:
        notes.facts["pays_from"] = _month_start(request.approval_date)
        notes.add(
            _("自审核确认当月(%(month)s)起发给") % {"month": request.approval_date.strftime("%Y-%m")},
            ("YF-03",),
            "第十九条第一款",
        )
    return amount


# ---------------------------------------------------------------------------------------------------------------
# YF-05 残疾抚恤金 and YF-06 护理费


def _disability_facts(request: Request) -> tuple[str, int]:
    cause, grade = request.disability_cause, request.disability_grade
    if not cause or grade is None:
        raise ValidationFailed(
            _("残疾军人须填写致残性质(因战、因公、因病)和残疾等级(一级至十级)"),
            fields={"disability_cause": [_("必须填写")], "disability_grade": [_("必须填写")]},
        )
    if not 1 <= grade <= 10:
        raise ValidationFailed(
            _("残疾等级应为一级至十级，收到 %(grade)s") % {"grade": grade},
            fields={"disability_grade": [_("应为 1–10")]},
        )
    return cause, grade


def _disability_pension(
    person: PersonSnapshot,
    request: Request,
    policy: Policy,
    on: date,
    notes: _Notes,
    *,
    county_pays: bool = True,
) -> Decimal | None:
    """The monthly 残疾抚恤金 (Art. 27); with ``county_pays`` also who pays it this year (Art. 30)."""
    cause, grade = _disability_facts(request)
    cause_label = CAUSE_CHOICES[cause]
    top = PENSION_GRADES[cause]
    if grade > top:
        notes.add(
            _("%(cause)s致残，残疾等级%(grade)s级：只有一级至%(top)s级享受残疾抚恤金")
            % {"cause": cause_label, "grade": _chinese_grade(grade), "top": _chinese_grade(top)},
            ("YF-05",),
            "第二十七条第二款",
        )
        return None
    notes.add(
        _("%(cause)s致残，残疾等级%(grade)s级(一级至%(top)s级享受抚恤)：享受残疾抚恤金")
        % {"cause": cause_label, "grade": _chinese_grade(grade), "top": _chinese_grade(top)},
        ("YF-05",),
        "第二十七条第二款",
    )
    standard = policy.disability_pension_monthly.get(f"{cause}_{grade}")
    if standard is None:
        raise ValidationFailed(
            _("当地政策未设定%(cause)s%(grade)s级残疾抚恤金标准")
            % {"cause": cause_label, "grade": _chinese_grade(grade)}
        )
    amount, note = _rounded(standard, policy)
    if county_pays and request.in_service:
        notes.add(
            _("继续服现役的残疾军人由所在部队发给残疾抚恤金(标准 %(amount)s 元/月)，本县不发")
            % {"amount": money_text(amount)},
            ("YF-05",),
            "第三十条第二款",
        )
        return None
    if county_pays and request.discharge_date is not None:
        if request.transfer_applied_on is not None:
            days = (request.transfer_applied_on - request.discharge_date).days
            if days > 60:
                notes.warnings.append(
                    _("退役(移交)后 %(days)s 天才申请转入抚恤关系，超过60日的规定期限") % {"days": days}
                )
        county_from = date(request.discharge_date.year + 1, 1, 1)
        notes.facts["county_pays_from"] = county_from.isoformat()
        if on < county_from:
            notes.add(
                _("%(year)s 年退役(移交)：当年的残疾抚恤金由所在部队发给，本县从 %(next)s 年起按当地标准发给")
                % {"year": request.discharge_date.year, "next": county_from.year},
                ("YF-05",),
                "第三十条第一款",
            )
            return None
    notes.local(
        _("残疾抚恤金(%(cause)s%(grade)s级)标准 %(amount)s 元/月%(note)s")
        % {"cause": cause_label, "grade": _chinese_grade(grade), "amount": money_text(amount), "note": note},
        ("YF-05",),
    )
    if request.approval_date is not None:
        notes.facts["pays_from"] = _month_start(request.approval_date)
        notes.add(
            _("自批准当月(%(month)s)起发给") % {"month": request.approval_date.strftime("%Y-%m")},
            ("YF-05",),
            "第二十七条第二款",
        )
    return amount


def _chinese_grade(grade: int) -> str:
    return "一二三四五六七八九十"[grade - 1]


def care_share(cause: str, grade: int, psychiatric: bool, policy: Policy) -> tuple[Fraction, str] | None:
    """YF-06 (Art. 34): the share of the local average wage paid as 护理费, and which band it is; None = none."""
    if grade <= 2 and cause in ("war", "duty"):
        return policy.care_share_war_duty_grade_1_2, _("因战、因公一级和二级残疾")
    if grade <= 4 and cause in ("war", "duty"):
        return policy.care_share_war_duty_grade_3_4, _("因战、因公三级和四级残疾")
    if grade <= 4 and cause == "illness":
        return policy.care_share_illness_grade_1_4, _("因病一级至四级残疾")
    if grade in (5, 6) and psychiatric:
        return policy.care_share_psychiatric_grade_5_6, _("因精神障碍五级至六级残疾")
    return None


def _care_allowance(
    person: PersonSnapshot, request: Request, policy: Policy, notes: _Notes
) -> Decimal | None:
    cause, grade = _disability_facts(request)
    psychiatric = request.psychiatric or person.disability_category == "psychiatric"
    found = care_share(cause, grade, psychiatric, policy)
    if found is None:
        notes.add(
            _("%(cause)s%(grade)s级残疾不在发给护理费的范围(一级至四级，或因精神障碍五级至六级)")
            % {"cause": CAUSE_CHOICES[cause], "grade": _chinese_grade(grade)},
            ("YF-06",),
            "第三十四条第一款",
        )
        return None
    share, band = found
    if not request.needs_care:
        notes.add(_("申请表明不需要护理：不计护理费"), ("YF-06",), "第三十四条第一款")
        return None
    if request.in_service:
        notes.add(_("未退出现役的残疾军人的护理费由所在部队发给，本县不发"), ("YF-06",), "第三十四条第二款")
        return None
    if request.centrally_supported:
        notes.add(
            _("在优抚医院集中收治期间，护理费由优抚医院统筹使用，不发给本人"), ("YF-06",), "第三十四条第三款"
        )
        return None
    wage = policy.local_average_monthly_wage_last_year
    exact = times(wage, share)
    amount, note = _rounded(exact, policy)
    notes.add(
        _(
            "护理费(%(band)s) = 当地上一年度城镇单位就业人员月平均工资 %(wage)s 元 × %(pct)s"
            " = %(amount)s 元/月%(note)s"
        )
        % {
            "band": band,
            "wage": money_text(wage),
            "pct": _percent(share),
            "amount": money_text(amount),
            "note": note,
        },
        ("YF-06",),
        "第三十四条第一款",
    )
    return amount


# ---------------------------------------------------------------------------------------------------------------
# decisions


def _not_eligible(person: PersonSnapshot, notes: _Notes, period: str = "monthly") -> Decision:
    return Decision(
        "veterans",
        False,
        Decimal("0"),
        tuple(notes.lines),
        tuple(notes.warnings),
        period=period,
        subject=person.name,
        facts=notes.facts,
    )


def _legal_status(person: PersonSnapshot, request: Request, notes: _Notes) -> Decision | None:
    """YF-10 (Art. 59): a suspending or cancelling status decides on its own."""
    status = request.legal_status
    if status in SUSPENDING:
        _base_facts(notes, "suspended")
        notes.add(
            _("%(name)s %(why)s期间：中止发放抚恤金、补助金")
            % {"name": person.name, "why": SUSPENDING[status]},
            ("YF-10",),
            "第五十九条第一款",
        )
    elif status in CANCELLING:
        _base_facts(notes, "cancelled")
        notes.add(
            _("%(name)s %(why)s：取消其抚恤优待资格") % {"name": person.name, "why": CANCELLING[status]},
            ("YF-10",),
            "第五十九条第一款",
        )
    else:
        return None
    notes.add(
        _("由省级人民政府退役军人工作主管部门按照国家有关规定中止或者取消，报国务院退役军人工作主管部门备案"),
        ("YF-10",),
        "第五十九条第二款",
    )
    return _not_eligible(person, notes)


def assess_veterans(
    household: HouseholdSnapshot, request: Request, policy: Policy, on: date, *, dibao: dibao.Policy
) -> Decision:
    """Decide what the county pays one 抚恤优待对象 for the month of ``on`` (or the one-off sum asked for)."""
    del dibao  # 优抚 standards do not depend on the 低保 standard
    _validate(request)
    person = _subject(household, request.subject)
    notes = _Notes()
    category = person.veteran_category
    notes.facts["veteran_category"] = category

    stopped = _legal_status(person, request, notes)
    if stopped is not None:
        return stopped
    if request.payment == "death_payment":
        return _death_payments(person, request, policy, notes)
    if person.date_of_death is not None and person.date_of_death <= on:
        return _funeral_grant(person, person.date_of_death, household, request, policy, notes)

    _base_facts(notes, "active")
    components: dict[str, Decimal] = {}
    if category in LIVING_SUBSIDY_GROUPS:
        amount = _living_subsidy(person, household, request, policy, on, notes)
        if amount is not None:
            components["living_subsidy"] = amount
    elif category in SURVIVOR_GROUPS:
        amount = _survivor_pension(person, request, policy, on, notes)
        if amount is not None:
            components["survivor_pension"] = amount
    elif category == "disabled":
        pension = _disability_pension(person, request, policy, on, notes)
        if pension is not None:
            components["disability_pension"] = pension
        # Art. 34 care is paid only to those whose grade also carries a pension (grades 1–6 at most)
        cause, grade = _disability_facts(request)
        if grade <= PENSION_GRADES[cause]:
            care = _care_allowance(person, request, policy, notes)
            if care is not None:
                components["care_allowance"] = care
    else:
        _no_regular_payment(person, notes)

    if request.approval_date is not None and request.approval_date > on:
        notes.warnings.append(
            _("批准(审核确认)日期 %(d)s 晚于评估日期 %(on)s")
            % {"d": request.approval_date.isoformat(), "on": on.isoformat()}
        )
    notes.facts["components"] = dict(components)
    if not components:
        _means_test_line(notes)
        return _not_eligible(person, notes)

    total = money_sum(list(components.values()))
    if len(components) > 1:
        notes.add(
            _("每月合计 %(parts)s = %(total)s 元/月")
            % {"parts": " + ".join(money_text(v) for v in components.values()), "total": money_text(total)},
            ("YF-05", "YF-06"),
            "第二十四条",
        )
    _means_test_line(notes)
    notes.add(
        _("享受定期抚恤补助的对象实行年度确认：每12个月确认一次"),
        ("YF-10",),
        "第八条第二款",
    )
    notes.facts["annual_confirmation_required"] = True
    return Decision(
        "veterans",
        True,
        total,
        tuple(notes.lines),
        tuple(notes.warnings),
        review_months=12,
        period="monthly",
        subject=person.name,
        facts=notes.facts,
    )


def _no_regular_payment(person: PersonSnapshot, notes: _Notes) -> None:
    category = person.veteran_category
    if category == "serving":
        text = _("%(name)s 为现役军人：抚恤待遇由军队发给，本县无按月发放的抚恤补助")
        article = "第二条"
    elif category == "military_family":
        text = _("%(name)s 为军属：家庭优待金按义务兵家庭优待金办理，本人无按月发放的抚恤补助")
        article = "第四十二条第一款"
    elif category == "veteran":
        text = _("%(name)s 为退役军人，但不属于定期生活补助的任何一类对象")
        article = "第六十二条第一款"
    else:
        text = _("%(name)s 未登记为抚恤优待对象")
        article = "第二条"
    notes.add(text % {"name": person.name}, ("YF-01", "YF-02"), article)


def _funeral_grant(
    person: PersonSnapshot,
    died: date,
    household: HouseholdSnapshot,
    request: Request,
    policy: Policy,
    notes: _Notes,
) -> Decision:
    """YF-04: the months of the payment the deceased received, paid once as 丧葬补助."""
    category = person.veteran_category
    _base_facts(notes, "deceased")
    notes.facts["date_of_death"] = died.isoformat()
    notes.add(
        _("%(name)s 已于 %(d)s 死亡：停发按月待遇") % {"name": person.name, "d": died.isoformat()},
        ("YF-04",),
        "第二十二条、第三十二条第二款、第六十二条第二款",
    )
    received = request.monthly_amount_received
    months = 0
    monthly: Decimal | None = None
    what = ""
    article = ""
    if category in SURVIVOR_GROUPS:
        months, what, article = 6, _("定期抚恤金"), "第二十二条"
        monthly = (
            received if received is not None else _survivor_pension(person, request, policy, died, notes)
        )
    elif category in ("combat_veteran", "nuclear_test_veteran"):
        months, what, article = 6, _("定期生活补助"), "第六十二条第二款"
        if received is not None:
            monthly = received
        else:
            monthly = _living_subsidy(person, household, request, policy, died, notes)
    elif category == "disabled":
        cause, grade = _disability_facts(request)
        if not request.death_cause:
            raise ValidationFailed(
                _("残疾军人死亡须填写死亡原因(因病、因旧伤复发或其他)"),
                fields={"death_cause": [_("必须填写")]},
            )
        if request.in_service:
            notes.add(_("服现役期间死亡：按军人死亡抚恤办理，不发残疾抚恤金丧葬补助"), ("YF-04",), "第十条")
            return _not_eligible(person, notes, "one_off")
        if request.death_cause == "old_injury" and cause in ("war", "duty"):
            notes.facts["survivors_entitlement"] = "duty_death_survivor"
            notes.add(
                _(
                    "%(cause)s致残的残疾军人因旧伤复发死亡：按因公牺牲军人的抚恤金标准向遗属发给一次性抚恤金，"
                    "遗属享受因公牺牲军人遗属定期抚恤金待遇(不发残疾抚恤金丧葬补助)"
                )
                % {"cause": CAUSE_CHOICES[cause]},
                ("YF-04", "YF-07"),
                "第三十二条第一款",
            )
            return _not_eligible(person, notes, "one_off")
        if request.death_cause == "other":
            notes.add(
                _("退出现役的残疾军人非因病死亡：条例未规定发给残疾抚恤金丧葬补助"),
                ("YF-04",),
                "第三十二条",
            )
            return _not_eligible(person, notes, "one_off")
        months, what, article = 12, _("残疾抚恤金"), "第三十二条第二款"
        if cause in ("war", "duty") and grade <= 4:
            notes.facts["survivors_entitlement"] = "illness_death_survivor"
            notes.add(
                _("%(cause)s致残的一级至四级残疾军人因病死亡：遗属享受病故军人遗属定期抚恤金待遇")
                % {"cause": CAUSE_CHOICES[cause]},
                ("YF-04",),
                "第三十二条第二款",
            )
        if received is not None:
            monthly = received
        else:
            monthly = _disability_pension(person, request, policy, died, notes, county_pays=False)
    else:
        notes.add(
            _("%(label)s死亡：条例未规定以按月待遇发给丧葬补助(当地另有规定的按当地规定)")
            % {"label": _category_label(category)},
            ("YF-04",),
            "第六十二条第二款" if category in LIVING_SUBSIDY_GROUPS else "第二条",
        )
        return _not_eligible(person, notes, "one_off")

    if monthly is None:
        notes.add(
            _("%(name)s 生前不符合领取%(what)s的条件：不发丧葬补助") % {"name": person.name, "what": what},
            ("YF-04",),
            article,
        )
        return _not_eligible(person, notes, "one_off")
    if received is not None:
        notes.add(
            _("按其生前每月领取的%(what)s %(m)s 元计算") % {"what": what, "m": money_text(received)},
            ("YF-04",),
            article,
        )
    exact = monthly * months
    amount, note = _rounded(exact, policy)
    notes.add(
        _("丧葬补助 = %(what)s %(m)s 元/月 × %(months)s 个月 = %(amount)s 元(一次性)%(note)s")
        % {
            "what": what,
            "m": money_text(monthly),
            "months": months,
            "amount": money_text(amount),
            "note": note,
        },
        ("YF-04",),
        article,
    )
    _means_test_line(notes)
    notes.facts.update({"funeral_grant_months": months, "monthly_base": monthly})
    return Decision(
        "veterans",
        True,
        amount,
        tuple(notes.lines),
        tuple(notes.warnings),
        period="one_off",
        subject=person.name,
        facts=notes.facts,
    )


def _death_payments(person: PersonSnapshot, request: Request, policy: Policy, notes: _Notes) -> Decision:
    """YF-07 (Art. 15, Art. 16, Art. 18): 烈士褒扬金 and 一次性抚恤金 for the survivors, computed from the facts given."""
    nature = request.death_nature
    if not nature:
        raise ValidationFailed(
            _("一次性抚恤须填写军人死亡性质(烈士、因公牺牲、病故)"), fields={"death_nature": [_("必须填写")]}
        )
    if request.basic_monthly_salary is None:
        raise ValidationFailed(
            _("一次性抚恤金须填写军人死亡时的月基本工资"), fields={"basic_monthly_salary": [_("必须填写")]}
        )
    _base_facts(notes, "active")
    expected = {
        "martyr": "martyr_survivor",
        "duty": "duty_death_survivor",
        "illness": "illness_death_survivor",
    }
    if person.veteran_category != expected[nature]:
        notes.warnings.append(
            _("%(name)s 登记的优抚类别为“%(cat)s”，与军人死亡性质“%(nature)s”不一致，请核对")
            % {
                "name": person.name,
                "cat": _category_label(person.veteran_category),
                "nature": DEATH_NATURE_CHOICES[nature],
            }
        )
    income = policy.national_urban_disposable_income_last_year
    year = policy.national_urban_disposable_income_year
    if request.soldier_death_date is not None and request.soldier_death_date.year - 1 != year:
        notes.warnings.append(
            _("应按死亡时上一年度(%(want)s 年)的全国城镇居民人均可支配收入计算，政策中的数值为 %(have)s 年")
            % {"want": request.soldier_death_date.year - 1, "have": year}
        )
    salary = request.basic_monthly_salary
    floor = policy.second_lieutenant_basic_salary
    if floor is None:
        notes.warnings.append(_("当地政策未设定少尉军官基本工资标准：无法核对月基本工资是否低于该标准"))
    elif salary < floor:
        notes.add(
            _("月基本工资 %(s)s 元低于少尉军官基本工资标准，按 %(f)s 元计算")
            % {"s": money_text(salary), "f": money_text(floor)},
            ("YF-07",),
            "第十五条第二款",
        )
        salary = floor

    parts: list[Decimal] = []
    commemoration = Decimal("0")
    if nature == "martyr":
        commemoration = income * 30
        parts.append(commemoration)
        notes.add(
            _("烈士褒扬金 = 上一年度全国城镇居民人均可支配收入 %(i)s 元 × 30 = %(a)s 元")
            % {"i": money_text(income), "a": money_text(commemoration)},
            ("YF-07",),
            "第十五条第一款",
        )
    multiple = 2 if nature == "illness" else 20
    base = income * multiple + salary * 40
    notes.add(
        _("一次性抚恤金(%(nature)s) = %(i)s × %(m)s + 月基本工资 %(s)s × 40 = %(a)s 元")
        % {
            "nature": DEATH_NATURE_CHOICES[nature],
            "i": money_text(income),
            "m": multiple,
            "s": money_text(salary),
            "a": money_text(base),
        },
        ("YF-07",),
        "第十五条第二款",
    )
    pension = base
    increase = Decimal("0")
    if request.highest_honour:
        ratio = HONOUR_INCREASES[request.highest_honour]
        increase = times(base, ratio)
        pension = base + increase
        notes.add(
            _("功勋荣誉表彰(取最高一项)增发 %(pct)s：%(b)s × %(pct)s = %(inc)s 元，一次性抚恤金合计 %(p)s 元")
            % {
                "pct": _percent(ratio),
                "b": money_text(base),
                "inc": money_text(increase),
                "p": money_text(pension),
            },
            ("YF-07",),
            "第十六条",
        )
    parts.append(pension)
    total, note = _rounded(money_sum(parts), policy)
    if nature == "martyr":
        notes.add(
            _("合计 = 烈士褒扬金 %(c)s + 一次性抚恤金 %(p)s = %(t)s 元(一次性)%(note)s")
            % {
                "c": money_text(commemoration),
                "p": money_text(pension),
                "t": money_text(total),
                "note": note,
            },
            ("YF-07",),
            "第十五条",
        )
    elif note:
        notes.add(
            _("一次性抚恤金 %(p)s 元，发放 %(t)s 元(一次性)%(note)s")
            % {"p": money_text(pension), "t": money_text(total), "note": note},
            ("YF-07",),
            "第十五条第二款",
        )
    notes.add(
        _("发给父母(抚养人)、配偶、子女；没有的，发给未满18周岁及由该军人生前供养的兄弟姐妹"),
        ("YF-07",),
        "第十八条",
    )
    _means_test_line(notes)
    notes.facts.update(
        {
            "death_nature": nature,
            "commemoration_payment": commemoration,
            "one_off_pension": pension,
            "honour_increase": increase,
            "salary_basis": salary,
        }
    )
    return Decision(
        "veterans",
        True,
        total,
        tuple(notes.lines),
        tuple(notes.warnings),
        period="one_off",
        subject=person.name,
        facts=notes.facts,
    )


def assess_conscript_family(
    household: HouseholdSnapshot,
    request: ConscriptFamilyRequest,
    policy: Policy,
    on: date,
    *,
    dibao: dibao.Policy,
) -> Decision:
    """YF-08 / YF-11: the 义务兵家庭优待金 of one payment period while the conscript serves."""
    del dibao  # the allowance does not depend on the 低保 standard
    name = request.conscript_name.strip()
    if not name:
        raise ValidationFailed(_("请填写义务兵姓名"), fields={"conscript_name": [_("必须填写")]})
    if request.enlistment_date is None:
        raise ValidationFailed(_("请填写义务兵入伍日期"), fields={"enlistment_date": [_("必须填写")]})
    frequency = policy.conscript_family_frequency
    _check_choice(frequency, FREQUENCY_CHOICES, _("义务兵家庭优待金发放频率"))
    notes = _Notes()
    _base_facts(notes, "active")
    notes.facts.update({"conscript": name, "payment_frequency": frequency})
    enlisted = request.enlistment_date
    for person in household.members:
        if name in (person.name, person.id_number) and person.veteran_category not in ("", "serving"):
            notes.warnings.append(
                _("%(name)s 登记的优抚类别为“%(cat)s”，不是现役军人，请核对")
                % {"name": name, "cat": _category_label(person.veteran_category)}
            )
    if not request.enlisted_from_this_county:
        notes.add(
            _("%(name)s 不是从本县批准入伍：优待金由批准入伍地县级人民政府发给") % {"name": name},
            ("YF-08",),
            "第四十二条第一款",
        )
        return _conscript_decision(notes, False, Decimal("0"), "monthly")
    if enlisted > on:
        notes.add(
            _("%(name)s 入伍日期 %(d)s 晚于评估日期：尚未服现役") % {"name": name, "d": enlisted.isoformat()},
            ("YF-08",),
            "第四十二条第一款",
        )
        return _conscript_decision(notes, False, Decimal("0"), "monthly")
    if request.discharge_date is not None and request.discharge_date <= on:
        notes.add(
            _("%(name)s 已于 %(d)s 退出现役：义务兵服现役期间才发给优待金")
            % {"name": name, "d": request.discharge_date.isoformat()},
            ("YF-08",),
            "第四十二条第一款",
        )
        return _conscript_decision(notes, False, Decimal("0"), "monthly")
    term_end = _add_years(enlisted, CONSCRIPT_TERM_YEARS)
    if request.discharge_date is None and on > term_end:
        notes.warnings.append(
            _("%(name)s 入伍已超过%(n)s年且未填写退役日期：请核对是否仍为义务兵")
            % {"name": name, "n": CONSCRIPT_TERM_YEARS}
        )
    notes.add(
        _("%(name)s 于 %(d)s 从本县批准入伍，服现役期间其家庭由本县发给义务兵家庭优待金")
        % {"name": name, "d": enlisted.isoformat()},
        ("YF-08",),
        "第四十二条第一款",
    )
    yearly = policy.conscript_family_yearly
    multiplier = Fraction(1)
    if request.special_service:
        if policy.conscript_family_special_multiplier is None:
            notes.warnings.append(_("申请写明在特殊地区服役，但当地政策未设定优待金倍数：按一般标准计算"))
        else:
            multiplier = policy.conscript_family_special_multiplier
    year_exact = times(yearly, multiplier)
    per_year = PAYMENTS_PER_YEAR[frequency]
    exact = year_exact / per_year
    amount, note = _rounded(exact, policy)
    period_label = FREQUENCY_CHOICES[frequency]
    if multiplier != 1:
        place = f"({request.special_service_place})" if request.special_service_place else ""
        notes.local(
            _("特殊情况服役%(place)s：年标准 %(y)s 元 × %(m)s = %(ye)s 元/年")
            % {
                "place": place,
                "y": money_text(yearly),
                "m": fraction_text(multiplier),
                "ye": money_text(year_exact),
            },
            ("YF-08",),
        )
    notes.local(
        _("优待金%(label)s发放：每次 = %(ye)s 元/年 ÷ %(n)s = %(a)s 元%(note)s")
        % {
            "label": period_label,
            "ye": money_text(year_exact),
            "n": per_year,
            "a": money_text(amount),
            "note": note,
        },
        ("YF-08", "YF-11"),
    )
    _means_test_line(notes)
    notes.facts.update(
        {
            "yearly_amount": year_exact,
            "payments_per_year": per_year,
            "amount_per_payment": amount,
            "service_from": enlisted.isoformat(),
        }
    )
    # a monthly payment is a monthly amount; a quarterly or yearly one is paid once per period
    return _conscript_decision(notes, True, amount, "monthly" if frequency == "monthly" else "one_off")


def _conscript_decision(notes: _Notes, eligible: bool, amount: Decimal, period: str) -> Decision:
    if not eligible:
        _means_test_line(notes)
    return Decision(
        "conscript_family",
        eligible,
        amount,
        tuple(notes.lines),
        tuple(notes.warnings),
        period=period,
        facts=notes.facts,
    )


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28) + timedelta(days=1)


PROGRAMS: tuple[Program, ...] = (
    Program(
        code="veterans",
        label=gettext_lazy("优抚(军人抚恤优待)"),
        policy_key="veterans",
        policy=Policy,
        request=Request,
        assess=assess_veterans,
        per_person=True,
    ),
    Program(
        code="conscript_family",
        label=gettext_lazy("义务兵家庭优待金"),
        policy_key="veterans",
        policy=Policy,
        request=ConscriptFamilyRequest,
        assess=assess_conscript_family,
    ),
)
