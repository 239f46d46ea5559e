"""When a 优抚 recipient or a soldier dies: the funeral grant (YF-04) and the one-off death payments (YF-07)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from minzheng.core.errors import ValidationFailed
from minzheng.core.money import money_sum
from minzheng.rules.common import Decision, HouseholdSnapshot, PersonSnapshot, money_text, times
from minzheng.rules.i18n import gettext as _
from minzheng.rules.veterans.monthly import (
    disability_facts,
    disability_pension,
    living_subsidy,
    survivor_pension,
)
from minzheng.rules.veterans.notes import (
    Notes,
    base_facts,
    category_label,
    means_test_line,
    not_eligible,
    percent,
    rounded,
)
from minzheng.rules.veterans.policy import (
    CAUSE_CHOICES,
    DEATH_NATURE_CHOICES,
    HONOUR_INCREASES,
    LIVING_SUBSIDY_GROUPS,
    SURVIVOR_GROUPS,
    Policy,
    Request,
)


def funeral_grant(
    person: PersonSnapshot,
    died: date,
    household: HouseholdSnapshot,
    request: Request,
    policy: Policy,
    notes: Notes,
) -> Decision:
    """YF-04: the months of the payment the deceased received, paid once as 丧葬补助."""
    category = person.veteran_category
    base_facts(notes, "deceased")
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
        monthly = received if received is not None else survivor_pension(person, request, policy, died, notes)
    elif category in ("combat_veteran", "nuclear_test_veteran"):
        months, what, article = 6, _("定期生活补助"), "第六十二条第二款"
        if received is not None:
            monthly = received
        else:
            monthly = living_subsidy(person, household, request, policy, died, notes)
    elif category == "disabled":
        cause, grade = disability_facts(request)
        if not request.death_cause:
            raise ValidationFailed(
                _("残疾军人死亡须填写死亡原因(因病、因旧伤复发或其他)"),
                fields={"death_cause": [_("必须填写")]},
            )
        if request.in_service:
            notes.add(_("服现役期间死亡：按军人死亡抚恤办理，不发残疾抚恤金丧葬补助"), ("YF-04",), "第十条")
            return not_eligible(person, notes, "one_off")
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
            return not_eligible(person, notes, "one_off")
        if request.death_cause == "other":
            notes.add(
                _("退出现役的残疾军人非因病死亡：条例未规定发给残疾抚恤金丧葬补助"),
                ("YF-04",),
                "第三十二条",
            )
            return not_eligible(person, notes, "one_off")
        months, what, article = 12, _("残疾抚恤金"), "第三十二条第二款"
        if cause in ("war", "duty") and grade <= 4:
            notes.facts["survivors_entitlement"] = "illness_death_survivor"
            notes.add(
                _("%(cause)s致残的一级至四级残疾军人因病死亡：遗属享受病故军人遗属定期抚恤金待遇")
                % {"cause": CAUSE_CHOICES[cause]},
                ("YF-04",),
                "第三十二条第二款",
            )
        # Art. 32: months of the 残疾抚恤金 itself. What the person received each month may include the 护理费
        # (Art. 34), so it is used only when the locality has no standard for the grade, with a warning.
        try:
            monthly = disability_pension(person, request, policy, died, notes, county_pays=False)
        except ValidationFailed:
            if received is None:
                raise
            monthly = received
            notes.warnings.append(
                _("当地政策未设定该等级残疾抚恤金标准：按生前每月领取金额 %(m)s 元计算，如其中含护理费须扣除")
                % {"m": money_text(received)}
            )
        else:
            if received is not None and monthly is not None and received != monthly:
                notes.add(
                    _("生前每月领取 %(r)s 元(含护理费等)，丧葬补助只按残疾抚恤金 %(p)s 元/月计算")
                    % {"r": money_text(received), "p": money_text(monthly)},
                    ("YF-04", "YF-06"),
                    article,
                )
            received = None  # the grant rests on the standard, not on what was received
    else:
        notes.add(
            _("%(label)s死亡：条例未规定以按月待遇发给丧葬补助(当地另有规定的按当地规定)")
            % {"label": category_label(category)},
            ("YF-04",),
            "第六十二条第二款" if category in LIVING_SUBSIDY_GROUPS else "第二条",
        )
        return not_eligible(person, notes, "one_off")

    if monthly is None:
        notes.add(
            _("%(name)s 生前不符合领取%(what)s的条件：不发丧葬补助") % {"name": person.name, "what": what},
            ("YF-04",),
            article,
        )
        return not_eligible(person, notes, "one_off")
    if received is not None:
        notes.add(
            _("按其生前每月领取的%(what)s %(m)s 元计算") % {"what": what, "m": money_text(received)},
            ("YF-04",),
            article,
        )
    exact = monthly * months
    amount, note = rounded(exact, policy)
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
    means_test_line(notes)
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


def death_payments(person: PersonSnapshot, request: Request, policy: Policy, notes: Notes) -> Decision:
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
    base_facts(notes, "active")
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
                "cat": category_label(person.veteran_category),
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
                "pct": percent(ratio),
                "b": money_text(base),
                "inc": money_text(increase),
                "p": money_text(pension),
            },
            ("YF-07",),
            "第十六条",
        )
    parts.append(pension)
    total, note = rounded(money_sum(parts), policy)
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
    means_test_line(notes)
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
