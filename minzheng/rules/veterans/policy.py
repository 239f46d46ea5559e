"""优抚 inputs, YF-01 … YF-11: local standards (Policy), what a case adds (Request, ConscriptFamilyRequest)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext_lazy

from minzheng.rules import dibao
from minzheng.rules.common import param

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
