"""The monthly payments of 优抚: 定期生活补助 (YF-02), 定期抚恤金 (YF-03), 残疾抚恤金 (YF-05) and 护理费 (YF-06)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from minzheng.core.errors import ValidationFailed
from minzheng.rules.common import HouseholdSnapshot, PersonSnapshot, fraction_text, money_text, times
from minzheng.rules.i18n import gettext as _
from minzheng.rules.veterans.notes import Notes, category_label, percent, rounded
from minzheng.rules.veterans.policy import (
    ADULT_AGE,
    CAUSE_CHOICES,
    OLD_DEMOBILISED_CUTOFF,
    PENSION_GRADES,
    RELATION_CHOICES,
    SUBSIDY_AGE,
    Policy,
    Request,
)


def _month_start(day: date) -> str:
    return day.replace(day=1).isoformat()


# ---------------------------------------------------------------------------------------------------------------
# YF-02 定期生活补助


def living_subsidy(
    person: PersonSnapshot,
    household: HouseholdSnapshot,
    request: Request,
    policy: Policy,
    on: date,
    notes: Notes,
) -> Decimal | None:
    """The monthly 定期生活补助 of an Art. 62 group, or None (with the reason as a line) when a check fails."""
    category = person.veteran_category
    label = category_label(category)
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
        amount, note = rounded(exact, policy)
        notes.local(
            _("定期生活补助 = 每服役一年 %(per)s 元 × %(years)s 年 = %(amount)s 元/月%(note)s")
            % {"per": money_text(per_year), "years": years, "amount": money_text(amount), "note": note},
            ("YF-02",),
        )
        return amount

    standard = policy.living_subsidy_monthly.get(key)
    if standard is None:
        raise ValidationFailed(
            _("当地政策未设定“%(label)s”的定期生活补助标准") % {"label": category_label(key)}
        )
    amount, note = rounded(standard, policy)
    notes.local(
        _("定期生活补助(%(label)s)标准 %(amount)s 元/月%(note)s")
        % {"label": category_label(key), "amount": money_text(amount), "note": note},
        ("YF-02",),
    )
    return amount


# ---------------------------------------------------------------------------------------------------------------
# YF-03 定期抚恤金


def survivor_pension(
    person: PersonSnapshot, request: Request, policy: Policy, on: date, notes: Notes
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
            _("当地政策未设定“%(label)s”的定期抚恤金标准") % {"label": category_label(category)}
        )
    income = policy.national_disposable_income_last_year
    exact = times(income, ratio) / 12
    amount, note = rounded(exact, policy)
    notes.add(
        _(
            "定期抚恤金(%(label)s) = 上一年度全国居民人均可支配收入 %(income)s 元 × %(ratio)s ÷ 12"
            " = %(amount)s 元/月%(note)s"
        )
        % {
            "label": category_label(category),
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
    else:  # the procedure fixes the month when it confirms the case
        notes.facts["pays_from"] = "decision_month"
        notes.add(_("自审核确认当月起发给"), ("YF-03",), "第十九条第一款")
    return amount


# ---------------------------------------------------------------------------------------------------------------
# YF-05 残疾抚恤金 and YF-06 护理费


def disability_facts(request: Request) -> tuple[str, int]:
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


def disability_pension(
    person: PersonSnapshot,
    request: Request,
    policy: Policy,
    on: date,
    notes: Notes,
    *,
    county_pays: bool = True,
) -> Decimal | None:
    """The monthly 残疾抚恤金 (Art. 27); with ``county_pays`` also who pays it this year (Art. 30)."""
    cause, grade = disability_facts(request)
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
    amount, note = rounded(standard, policy)
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
    elif "pays_from" not in notes.facts:  # the procedure fixes the month when it confirms the case
        notes.facts["pays_from"] = "decision_month"
        notes.add(_("自批准当月起发给"), ("YF-05",), "第二十七条第二款")
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


def care_allowance(person: PersonSnapshot, request: Request, policy: Policy, notes: Notes) -> Decimal | None:
    cause, grade = disability_facts(request)
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
    amount, note = rounded(exact, policy)
    notes.add(
        _(
            "护理费(%(band)s) = 当地上一年度城镇单位就业人员月平均工资 %(wage)s 元 × %(pct)s"
            " = %(amount)s 元/月%(note)s"
        )
        % {
            "band": band,
            "wage": money_text(wage),
            "pct": percent(share),
            "amount": money_text(amount),
            "note": note,
        },
        ("YF-06",),
        "第三十四条第一款",
    )
    return amount
