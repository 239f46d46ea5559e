"""最低生活保障 (低保), urban and rural: who counts, what income counts, the amount with its arithmetic shown.

DB-01 (two tests), DB-11/12 (who counts, and whose income counts), DB-13 (单人户, only in an edge family),
DB-14/15 (counted and excluded income; the central basic pension capped), DB-37/39 (补差 = n × S − Σ, no
intermediate rounding, final rounding per policy), DB-38 (banded method), DB-42 (分类施保), DB-43/44/45 (review
tiers), LI-01 (near-dibao at or below 1.5 × S, inclusive). The procedural numbers of §13 (publicity days,
working-day limits …) live in the same policy because the procedure reads them from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import partial

from django.utils.translation import gettext_lazy

from minzheng.core.errors import ValidationFailed
from minzheng.core.money import Unit, money_sum, round_money
from minzheng.rules.common import (
    LOCAL,
    OPINION_2020,
    S1,
    S7,
    S12,
    Decision,
    Explanation,
    HouseholdSnapshot,
    IncomeSnapshot,
    Line,
    PersonSnapshot,
    Program,
    fraction_text,
    money_text,
    param,
    times,
)
from minzheng.rules.i18n import gettext as _

UNIT_NAMES = {"yuan": gettext_lazy("元"), "jiao": gettext_lazy("角"), "fen": gettext_lazy("分")}
ROUNDING_CHOICES = {
    "yuan": gettext_lazy("四舍五入到元"),
    "jiao": gettext_lazy("四舍五入到角"),
    "fen": gettext_lazy("到分"),
}
INCOME_EXCLUSIONS = {
    "preferential_care": gettext_lazy("优待抚恤金、补助金"),
    "family_planning": gettext_lazy("计划生育奖励与扶助金"),
    "scholarship": gettext_lazy("奖学金"),
    "award": gettext_lazy("见义勇为等奖励性收入"),
    "social_assistance": gettext_lazy("政府发放的社会救助款物"),
    "central_basic_pension": gettext_lazy("中央确定的城乡居民基础养老金"),
    "disability_subsidies": gettext_lazy("残疾人两项补贴"),
    "elderly_allowance": gettext_lazy("高龄津贴"),
    "other": gettext_lazy("设区的市级以上政府规定的其他收入"),
}
#: registry.NonCoresidentReason labels (DB-12), repeated here because rules never import the ORM
NON_CORESIDENT = {
    "clergy_away": gettext_lazy("宗教教职人员在宗教场所居住满三年"),
    "in_prison": gettext_lazy("在监狱服刑"),
    "drug_rehab": gettext_lazy("强制隔离戒毒"),
    "declared_missing": gettext_lazy("宣告失踪"),
    "conscript": gettext_lazy("服义务兵役(地方规定)"),
    "lives_apart": gettext_lazy("不共同生活(如已分户的子女)"),
    "other": gettext_lazy("省级规定的其他情形"),
}
INCREMENT_CATEGORIES = {
    "elderly": gettext_lazy("老年人"),
    "minor": gettext_lazy("未成年人"),
    "severe_disability": gettext_lazy("重度残疾人"),
    "serious_illness": gettext_lazy("重病患者"),
}
REVIEW_TIERS = {
    "national_two_tier": gettext_lazy("全国两档(每年/每半年)"),
    "xianyang": gettext_lazy("咸阳 A/B/C 三类"),
    "chongqing": gettext_lazy("重庆(2016 条例第二十六条)"),
}


@dataclass(frozen=True)
class Band:
    """DB-38 分档: a household whose per-capita income is below ``below × S`` gets ``pays × S`` per member."""

    below: Fraction
    pays: Fraction


@dataclass(frozen=True)
class Increment:
    """DB-42 分类施保: an extra amount for each member of a class — ``ratio × S + fixed`` per month."""

    category: str
    ratio: Fraction = Fraction(0)
    fixed: Decimal = Decimal("0")


@dataclass(frozen=True)
class Policy:
    """The [L] parameters of 低保 (DOMAIN.md §13 ``dibao:``), versioned per region by the policy app."""

    standard_urban: Decimal = param(Decimal("788"), gettext_lazy("城市低保标准(元/人·月)"), rules=("DB-02",))
    standard_rural: Decimal = param(Decimal("580"), gettext_lazy("农村低保标准(元/人·月)"), rules=("DB-02",))
    method: str = param(
        "gap",
        gettext_lazy("低保金计算方法"),
        rules=("DB-37", "DB-38"),
        choices={"gap": gettext_lazy("补差"), "banded": gettext_lazy("分档")},
    )
    bands: tuple[Band, ...] = param(
        (), gettext_lazy("分档标准(人均收入低于标准的倍数 → 按标准的倍数发放)"), rules=("DB-38",)
    )
    payment_rounding: str = param(
        "yuan", gettext_lazy("低保金取整"), rules=("DB-39",), choices=ROUNDING_CHOICES
    )
    derived_standard_rounding: str = param(
        "ceil_yuan",
        gettext_lazy("派生标准(如特困 1.3 倍)取整"),
        rules=("DB-40",),
        choices={
            "ceil_yuan": gettext_lazy("向上取整到元"),
            "half_up_yuan": gettext_lazy("四舍五入到元"),
            "none": gettext_lazy("不取整"),
        },
    )
    near_dibao_ratio: Fraction = param(Fraction(3, 2), gettext_lazy("低保边缘家庭认定倍数"), rules=("LI-01",))
    excluded_income: tuple[str, ...] = param(
        tuple(INCOME_EXCLUSIONS),
        gettext_lazy("不计入家庭收入的项目"),
        rules=("DB-15", "YF-09"),
        choices=INCOME_EXCLUSIONS,
    )
    central_basic_pension_monthly: Decimal = param(
        Decimal("143"), gettext_lazy("中央确定的基础养老金(元/月)"), rules=("DB-15",)
    )
    income_period_months: int = param(12, gettext_lazy("收入计算期(月)"), rules=("DB-17",))
    single_person_floor_ratio: Fraction | None = param(
        None, gettext_lazy("单人户保底(标准的倍数，空为不设)"), rules=("DB-13",)
    )
    increments: tuple[Increment, ...] = param((), gettext_lazy("分类施保加发"), rules=("DB-42",))
    increment_stack: str = param(
        "max",
        gettext_lazy("同一人符合多类时"),
        rules=("DB-42",),
        choices={"max": gettext_lazy("取最高"), "sum": gettext_lazy("累加")},
    )
    elderly_age: int = param(60, gettext_lazy("分类施保中老年人的年龄"), rules=("DB-42",))
    working_age_from: int = param(16, gettext_lazy("劳动年龄下限(周岁)"), rules=("DB-43",))
    working_age_to: int = param(59, gettext_lazy("劳动年龄上限(周岁)"), rules=("DB-43",))
    review_tiers: str = param(
        "national_two_tier", gettext_lazy("复核分类"), rules=("DB-43", "DB-45"), choices=REVIEW_TIERS
    )
    emergency_entrant_review_months: int = param(
        6, gettext_lazy("重大突发事件期间纳入的，复核期限(月)"), rules=("DB-44",)
    )
    confirmation_level: str = param(
        "county",
        gettext_lazy("审核确认权限"),
        rules=("DB-03",),
        choices={"county": gettext_lazy("县级民政部门"), "township_delegated": gettext_lazy("下放乡镇")},
    )
    publicity_days: int = param(7, gettext_lazy("公示天数"), rules=("DB-25",))
    township_start_investigation_wd: int = param(3, gettext_lazy("受理后开始调查(工作日)"), rules=("DB-21",))
    county_confirm_wd: int = param(10, gettext_lazy("县级审核确认(工作日)"), rules=("DB-28",))
    total_limit_wd: int = param(30, gettext_lazy("办结时限(工作日)"), rules=("DB-30",))
    total_limit_extended_wd: int = param(45, gettext_lazy("特殊情况延长至(工作日)"), rules=("DB-30",))
    exclude_publicity_from_deadline: bool = param(
        False, gettext_lazy("公示期不计入办结时限"), rules=("DB-30",)
    )
    refusal_notice_wd: int = param(3, gettext_lazy("不予确认书面告知(工作日)"), rules=("DB-29",))
    payment_start: str = param(
        "next_month",
        gettext_lazy("起始发放月份"),
        rules=("DB-29",),
        choices={"next_month": gettext_lazy("确认决定次月"), "same_month": gettext_lazy("确认决定当月")},
    )
    democratic_review_mode: str = param(
        "on_objection",
        gettext_lazy("民主评议"),
        rules=("DB-27",),
        choices={
            "on_objection": gettext_lazy("公示有异议时"),
            "always": gettext_lazy("每件必评"),
            "never": gettext_lazy("不评议"),
        },
    )
    taper_months: int = param(6, gettext_lazy("渐退期(月)"), rules=("DB-48",))
    taper_schedule: tuple[Fraction, ...] = param(
        (Fraction(1),) * 6, gettext_lazy("渐退期各月发放比例"), rules=("DB-48",)
    )

    def standard_for(self, hukou_type: str) -> Decimal:
        """The monthly standard S for an urban or rural household."""
        return self.standard_urban if hukou_type == "urban" else self.standard_rural


@dataclass(frozen=True)
class Request:
    #: DB-13: the member who applies alone (单人户); "" = the whole household applies
    single_person: str = param("", gettext_lazy("单独申请的成员(单人户，空为全户申请)"))
    #: DB-44: enrolled during a major emergency (disaster, epidemic): reviewed within 6 months after it ends
    emergency_entrant: bool = param(False, gettext_lazy("重大突发事件期间纳入"))


@dataclass(frozen=True)
class CountedIncome:
    """DB-11/12, DB-14/15: which income lines a household means test counts, and at how much (plain data; each
    rule writes its own sentences from it)."""

    #: the lines counted, each at the amount counted (a capped pension's remainder, DB-15 item 3)
    counted: tuple[IncomeSnapshot, ...]
    #: (line, the part of it left out) under DB-15
    excluded: tuple[tuple[IncomeSnapshot, Decimal], ...]
    #: lines of a member who is not counted on the date (dead, or not co-resident under DB-11/12)
    outside: tuple[tuple[IncomeSnapshot, PersonSnapshot], ...]
    warnings: tuple[str, ...]
    needs_verification: tuple[str, ...]
    total: Decimal


def count_income(
    household: HouseholdSnapshot,
    members: tuple[PersonSnapshot, ...] | list[PersonSnapshot],
    incomes: tuple[IncomeSnapshot, ...],
    policy: Policy,
    on: date,
) -> CountedIncome:
    """The income of ``members`` (the people counted, DB-11/12): a line naming anybody else is left out, a
    household-level line (member "") is kept; DB-15 exclusions the policy lists are left out, the central basic
    pension only up to ``central_basic_pension_monthly`` (the local top-up and the personal account count)."""
    names = {p.name for p in members}
    counted: list[IncomeSnapshot] = []
    excluded: list[tuple[IncomeSnapshot, Decimal]] = []
    outside: list[tuple[IncomeSnapshot, PersonSnapshot]] = []
    warnings: list[str] = []
    needs: list[str] = []
    for item in incomes:
        owner = household.owner(item)
        if owner is not None and owner.name not in names:
            outside.append((item, owner))
            if item.category == "transfer" and not owner.is_coresident and not owner.dead_on(on):
                warnings.append(
                    _(
                        "%(source)s 登记在不共同生活的 %(name)s 名下，未计入；如为其给付本户的赡养费等，应登记为家庭收入"
                    )
                    % {"source": item.source, "name": owner.name}
                )
            continue
        if item.member and owner is None:
            warnings.append(
                _("%(source)s 注明的成员“%(name)s”不是本户家庭成员，已按家庭收入计入，请核实")
                % {"source": item.source, "name": item.member}
            )
        if item.exclusion and item.exclusion in policy.excluded_income:
            if item.exclusion in {"central_basic_pension", "disability_subsidies"}:
                needs.append("DB-15")
            cap = policy.central_basic_pension_monthly
            if item.exclusion == "central_basic_pension" and item.monthly_amount > cap:
                excluded.append((item, cap))
                counted.append(replace(item, monthly_amount=item.monthly_amount - cap, exclusion=""))
            else:
                excluded.append((item, item.monthly_amount))
            continue
        if item.exclusion in INCOME_EXCLUSIONS:  # a DB-15 reason this locality does not apply
            warnings.append(
                _("%(source)s 标为“%(reason)s”，但当地政策未将其列为不计入收入的项目，已计入")
                % {"source": item.source, "reason": INCOME_EXCLUSIONS[item.exclusion]}
            )
        # other codes (social_insurance: 特困's TK-05 list only) are income for 低保 (DB-14)
        counted.append(item)
    return CountedIncome(
        counted=tuple(counted),
        excluded=tuple(excluded),
        outside=tuple(outside),
        warnings=tuple(warnings),
        needs_verification=tuple(needs),
        total=money_sum([i.monthly_amount for i in counted]),
    )


def exact_text(value: Decimal) -> str:
    """An exact product as written (870, 258.50); a longer one (e.g. 580 × 7/3) shown to the fen."""
    exponent = value.as_tuple().exponent
    return money_text(value if isinstance(exponent, int) and exponent >= -2 else round_money(value))


def outside_line(item: IncomeSnapshot, owner: PersonSnapshot, on: date) -> Line:
    """DB-11/12: why a member's income line is not part of the household's income."""
    values = {"name": owner.name, "source": item.source, "amount": money_text(item.monthly_amount)}
    if owner.date_of_death is not None and owner.date_of_death <= on:
        values["d"] = owner.date_of_death.isoformat()
        text = _("%(name)s 已于 %(d)s 死亡：其收入 %(source)s %(amount)s 元/月 不计入家庭收入") % values
    else:
        values["why"] = str(NON_CORESIDENT.get(owner.non_coresident_reason, owner.non_coresident_reason))
        text = (
            _("%(name)s 不是共同生活的家庭成员(%(why)s)：其收入 %(source)s %(amount)s 元/月 不计入家庭收入")
            % values
            if values["why"]
            else _("%(name)s 不计入保障人数：其收入 %(source)s %(amount)s 元/月 不计入家庭收入") % values
        )
    return Line(text, ("DB-11", "DB-12", "DB-14"), S12)


def _kind(household: HouseholdSnapshot) -> str:
    return _("城市") if household.hukou_type == "urban" else _("农村")


def _review(
    household: HouseholdSnapshot, counted: list[PersonSnapshot], request: Request, policy: Policy, on: date
) -> tuple[int, Callable[[], Line]]:
    """DB-43 (national two tiers), DB-45 (咸阳, 重庆 presets), DB-44 (emergency entrants): the months until the
    next review, and the sentence saying why (written only when asked for)."""
    able = [
        p
        for p in counted
        if p.work_capacity == "full" and policy.working_age_from <= p.age_on(on) <= policy.working_age_to
    ]
    urban = household.hukou_type == "urban"

    def names(people: list[PersonSnapshot] | None = None) -> str:
        return "、".join(p.name for p in (able if people is None else people))

    make: Callable[[], Line]
    if policy.review_tiers == "xianyang":
        if able:
            months = 3 if urban else 6

            def make() -> Line:
                text = _("C 类(有劳动能力成员：%(names)s，收入不稳定)：每 %(m)s 个月复核一次") % {
                    "names": names(),
                    "m": months,
                }
                return Line(text, ("DB-45",), _("咸阳市低保分类管理规定"))
        else:
            months = 12

            def make() -> Line:
                return Line(
                    _("A/B 类(无劳动能力或收入稳定)：每年复核一次"), ("DB-45",), _("咸阳市低保分类管理规定")
                )
    elif policy.review_tiers == "chongqing":
        # DB-45 (重庆 Art. 26): any able working-age member without work (no wage or business income) is enough
        earners = {
            owner.name
            for i in household.incomes
            if i.category in {"wage", "business"} and (owner := household.owner(i)) is not None
        }
        unemployed = [p for p in able if p.name not in earners]
        if unemployed:
            months = 1 if urban else 3

            def make() -> Line:
                text = _("有劳动能力但未就业(%(names)s)：每 %(m)s 个月复核一次") % {
                    "names": names(unemployed),
                    "m": months,
                }
                return Line(text, ("DB-45",), _("重庆市城乡居民最低生活保障条例 第二十六条"))
        elif not able and any(p.serious_illness or p.disability_grade for p in counted):
            months = 12

            def make() -> Line:
                return Line(
                    _("重病、重残且收入稳定：每年复核一次"),
                    ("DB-45",),
                    _("重庆市城乡居民最低生活保障条例 第二十六条"),
                )
        else:
            months = 6

            def make() -> Line:
                return Line(
                    _("收入相对稳定：每半年复核一次"),
                    ("DB-45",),
                    _("重庆市城乡居民最低生活保障条例 第二十六条"),
                )
    elif able:
        months = 6

        def make() -> Line:
            return Line(
                _("家庭有劳动年龄且有劳动能力的成员(%(names)s)，收入不固定：每半年复核一次")
                % {"names": names()},
                ("DB-43",),
                S12,
            )
    else:
        months = 12

        def make() -> Line:
            return Line(_("家庭无劳动年龄的有劳动能力成员，收入相对稳定：每年复核一次"), ("DB-43",), S12)

    if request.emergency_entrant and months > policy.emergency_entrant_review_months:
        tier = make

        def make() -> Line:
            line = tier()
            return Line(
                line.text
                + _("；重大突发事件期间纳入，事件结束后 %(m)s 个月内全面复核")
                % {"m": policy.emergency_entrant_review_months},
                (*line.rules, "DB-44"),
                S12,
            )

        return policy.emergency_entrant_review_months, make
    return months, make


def _increment_for(
    person: PersonSnapshot, policy: Policy, standard: Decimal, on: date
) -> tuple[Decimal, str]:
    """DB-42: the extra monthly amount for one member (exact, unrounded) and the classes it came from."""
    if not policy.increments:  # most places set none: skip working out the classes
        return Decimal("0"), ""
    classes = {
        "elderly": person.age_on(on) >= policy.elderly_age,
        "minor": person.age_on(on) < 18,
        "severe_disability": person.disability_grade is not None and person.disability_grade <= 2,
        "serious_illness": bool(person.serious_illness),
    }
    matched = [
        (times(standard, inc.ratio) + inc.fixed, inc)
        for inc in policy.increments
        if classes.get(inc.category)
    ]
    if not matched:
        return Decimal("0"), ""
    if policy.increment_stack == "sum":
        return sum((amount for amount, _inc in matched), Decimal("0")), "、".join(
            str(INCREMENT_CATEGORIES.get(inc.category, inc.category)) for _a, inc in matched
        )
    amount, best = max(matched, key=lambda pair: pair[0])
    return amount, str(INCREMENT_CATEGORIES.get(best.category, best.category))


def _single_person_lines(person: PersonSnapshot, on: date) -> tuple[str, Line]:
    """DB-13: who may apply alone: "edge" (severe disability, serious illness: only in a 低保边缘家庭), "clergy"
    (clergy living apart three years), or "" (nobody else)."""
    grade = person.disability_grade
    if person.non_coresident_reason == "clergy_away":
        return "clergy", Line(
            _("%(name)s 为在宗教场所居住满三年的宗教教职人员，可单独提出申请(单人户)")
            % {"name": person.name},
            ("DB-13",),
            S12,
        )
    if (
        (grade is not None and grade <= 2)
        or (grade == 3 and person.disability_category in {"intellectual", "psychiatric"})
        or bool(person.serious_illness)
    ):
        return "edge", Line(
            _("%(name)s 属于重度残疾或重病患者：所在家庭为低保边缘家庭的，可单独提出申请(单人户)")
            % {"name": person.name},
            ("DB-13",),
            S12,
        )
    return "", Line(
        _("%(name)s 不属于可单独提出申请的情形(重度残疾、重病等)，应以家庭为单位申请")
        % {"name": person.name},
        ("DB-13",),
        S12,
    )


def _edge_family(
    household: HouseholdSnapshot, single: PersonSnapshot, policy: Policy, standard: Decimal, on: date
) -> tuple[bool, Callable[[], Line]]:
    """DB-13 (1)(2) with LI-01: the whole household (DB-11/12 members, its counted income) must be a 低保边缘家庭:
    per-capita income at or above the standard (else the household applies as a whole) and at or below
    near_dibao_ratio × the standard (一点五倍以下 includes the number)."""
    members = household.counted(on) or (single,)
    income = count_income(household, members, household.incomes, policy, on)
    n = len(members)
    per_capita = income.total / n
    limit = times(standard, policy.near_dibao_ratio)
    edge = standard <= per_capita <= limit

    def make() -> Line:
        values = {
            "n": n,
            "total": money_text(income.total),
            "pc": money_text(round_money(per_capita)),
            "s": money_text(standard),
            "ratio": fraction_text(policy.near_dibao_ratio),
            "limit": exact_text(limit),
            "name": single.name,
        }
        head = _("全户共同生活的家庭成员 %(n)s 人，计入家庭收入 %(total)s 元/月，人均 %(pc)s 元") % values
        if edge:
            tail = (
                _("，不低于低保标准 %(s)s 元且不超过其 %(ratio)s 倍(%(limit)s 元)：属于低保边缘家庭") % values
            )
        elif per_capita < standard:
            tail = (
                _(
                    "，低于低保标准 %(s)s 元：全户符合低保条件，不属于低保边缘家庭，%(name)s 应随全户申请，不能单独申请"
                )
                % values
            )
        else:
            tail = (
                _(
                    "，超过低保标准 %(s)s 元的 %(ratio)s 倍(%(limit)s 元)：不属于低保边缘家庭，"
                    "%(name)s 不能单独申请(单人户)，不符合低保条件"
                )
                % values
            )
        return Line(head + tail, ("DB-13", "LI-01"), S12)

    return edge, make


def assess(
    household: HouseholdSnapshot,
    request: Request,
    policy: Policy,
    on: date,
    *,
    dibao: Policy | None = None,
    explain: bool = True,
) -> Decision:
    """Decide 低保 for one household (or one person applying alone) on a date, explaining every step (or, with
    ``explain=False``, the same decision without its sentences: see :class:`Explanation`)."""
    del dibao  # 低保 is its own reference standard
    say = Explanation(explain=explain)
    warnings: list[str] = []
    needs: list[str] = []
    standard = policy.standard_for(household.hukou_type)
    say(
        lambda: Line(
            _("%(kind)s低保标准 %(s)s 元/人·月") % {"kind": _kind(household), "s": money_text(standard)},
            ("DB-02",),
            S1 + " 第十条",
        )
    )
    incomes = household.incomes
    single: PersonSnapshot | None = None
    if request.single_person:
        try:
            single = household.member(request.single_person)
        except KeyError:
            raise ValidationFailed(
                _("单人户申请人“%(name)s”不是该户成员") % {"name": request.single_person}
            ) from None
        route, line = _single_person_lines(single, on)  # rare: written even when not explaining
        say(lambda: line)
        needs.append("DB-13")
        if route == "edge":  # DB-13 (1)(2): only in a 低保边缘家庭 (LI-01)
            edge, edge_line = _edge_family(household, single, policy, standard, on)
            say(edge_line)
            if not edge:
                route = ""
        if not route:
            return Decision("dibao", False, Decimal("0"), say.done(), needs_verification=tuple(needs))
        counted_members = [single]
        incomes = tuple(i for i in household.incomes if household.owner(i) is single)
        say(lambda: Line(_("按单人户计算：保障人数 1 人，只计本人收入"), ("DB-13",), S12))
    else:
        living = household.living(on)
        counted_members = list(household.counted(on))
        excluded = [p for p in living if not p.is_coresident]

        def counted_line() -> Line:
            text = _("共同生活的家庭成员 %(n)s 人") % {"n": len(counted_members)}
            if excluded:
                text += _("(不计入：%(names)s)") % {
                    "names": "、".join(
                        f"{p.name}({NON_CORESIDENT.get(p.non_coresident_reason, p.non_coresident_reason)})"
                        for p in excluded
                    )
                }
            return Line(text, ("DB-11", "DB-12"), S12)

        say(counted_line)
    n = len(counted_members)
    if n == 0:
        return Decision("dibao", False, Decimal("0"), say.done(), (_("没有共同生活的家庭成员，无法计算"),))

    income = count_income(household, counted_members, incomes, policy, on)
    for item, owner in income.outside:
        say(partial(outside_line, item, owner, on))
    for item, part in income.excluded:
        say(partial(_excluded_line, item, part, policy))
    warnings.extend(income.warnings)
    needs.extend(income.needs_verification)
    counted_items = income.counted
    total = income.total

    def income_line() -> Line:
        parts = " + ".join(f"{money_text(i.monthly_amount)}({i.source})" for i in counted_items) or "0"
        return Line(
            _("计入家庭收入 = %(parts)s = %(total)s 元/月") % {"parts": parts, "total": money_text(total)},
            ("DB-14",),
            S12,
        )

    say(income_line)
    if any(i.monthly_amount < 0 for i in counted_items):
        warnings.append(_("有收入项目为负数，请核实"))

    per_capita = total / n  # for the sentence only: the amount below never uses a rounded per-capita (DB-39)
    shown = round_money(per_capita)
    review, review_line = _review(household, counted_members, request, policy, on)
    if household.property_ok is False:
        say(
            lambda: Line(
                _("家庭财产超过当地规定，不符合低保条件"), ("DB-01", "DB-18", "DB-19"), S1 + " 第九条"
            )
        )
        return Decision(
            "dibao", False, Decimal("0"), say.done(), tuple(warnings), needs_verification=tuple(needs)
        )
    if household.property_ok is None:
        warnings.append(_("家庭财产尚未核定，须由经办人员确认"))

    if per_capita >= standard:
        say(
            lambda: Line(
                _("家庭月人均收入 %(pc)s 元 ≥ 低保标准 %(s)s 元，不符合低保条件")
                % {"pc": money_text(shown), "s": money_text(standard)},
                ("DB-01",),
                S1 + " 第九条",
            )
        )
        limit = times(standard, policy.near_dibao_ratio)
        near = per_capita <= limit and single is None  # LI-01: 一点五倍以下 includes the number
        if near:
            say(
                lambda: Line(
                    _("不超过低保标准的 %(ratio)s 倍(%(limit)s 元)：属于低保边缘家庭")
                    % {"ratio": fraction_text(policy.near_dibao_ratio), "limit": exact_text(limit)},
                    ("LI-01",),
                    S12,
                )
            )
        return Decision(
            "dibao",
            False,
            Decimal("0"),
            say.done(),
            tuple(warnings),
            near_dibao=near,
            needs_verification=tuple(needs),
            facts={"per_capita_income": shown, "standard": standard, "members": n},
        )

    say(
        lambda: Line(
            _("家庭月人均收入 %(pc)s 元 < 低保标准 %(s)s 元，符合低保条件")
            % {"pc": money_text(shown), "s": money_text(standard)},
            ("DB-01",),
            S1 + " 第九条",
        )
    )
    unit: Unit = policy.payment_rounding  # type: ignore[assignment]  # validated by the policy's choices
    if policy.method == "banded":
        exact, band_line = _banded(per_capita, n, standard, policy)
        if band_line is None:
            problem = (
                _("当地采用分档发放，但未设置分档标准")
                if not policy.bands
                else _("家庭月人均收入不在任何一档之内，请检查分档标准")
            )
            return Decision(
                "dibao",
                False,
                Decimal("0"),
                say.done(),
                (*warnings, problem),
                needs_verification=tuple(needs),
            )
        say(band_line)
    else:
        exact = n * standard - total

        def gap_line() -> Line:
            text = _("补差：%(n)s × %(s)s − %(total)s = %(exact)s 元/月") % {
                "n": n,
                "s": money_text(standard),
                "total": money_text(total),
                "exact": money_text(exact),
            }
            if (
                shown == per_capita
            ):  # the cross-check only reads true when the per-capita figure is exact (DB-39)
                text += _("(核验：(%(s)s − %(pc)s) × %(n)s = %(exact)s)") % {
                    "s": money_text(standard),
                    "pc": money_text(shown),
                    "n": n,
                    "exact": money_text(exact),
                }
            return Line(text, ("DB-37", "DB-39"), S1 + " 第十二条")

        say(gap_line)
        if total == 0 and all(p.work_capacity == "none" for p in counted_members):
            say(lambda: Line(_("无收入、无劳动能力：按当地低保标准全额发放"), ("DB-37",), S7 + " 第八条"))

    extras: list[tuple[str, str, Decimal]] = []
    extra_total = Decimal("0")
    for person in counted_members:
        amount, classes = _increment_for(person, policy, standard, on)
        if amount:
            extra_total += amount
            extras.append((person.name, classes, amount))
    if extras:
        say(
            lambda: Line(
                _("分类施保加发：%(parts)s，共 %(total)s 元/月")
                % {
                    "parts": "；".join(
                        f"{name}({classes}) {money_text(round_money(amount))}"
                        for name, classes, amount in extras
                    ),
                    "total": money_text(round_money(extra_total)),
                },
                ("DB-42",),
                S1 + " 第十二条",
            )
        )
        exact += extra_total

    floor_ratio = policy.single_person_floor_ratio
    if single is not None and floor_ratio is not None:
        floor = times(standard, floor_ratio)
        if exact < floor:
            say(
                lambda: Line(
                    _("单人户保底：不低于低保标准的 %(ratio)s 倍 = %(floor)s 元/月")
                    % {"ratio": fraction_text(floor_ratio), "floor": money_text(floor)},
                    ("DB-13",),
                    _("当地单人户保障规定"),
                )
            )
            exact = floor

    amount = round_money(exact, unit)
    say(
        lambda: Line(
            _("低保金 %(exact)s 元/月，按%(unit)s四舍五入为 %(amount)s 元/月")
            % {"exact": money_text(exact), "unit": UNIT_NAMES[unit], "amount": money_text(amount)},
            ("DB-39",),
            LOCAL,
        )
    )
    say(review_line)
    zero = amount == 0
    if zero:
        warnings.append(_("补差金额按规定取整后为 0"))
    return Decision(
        "dibao",
        True,
        amount,
        say.done(),
        tuple(warnings),
        zero_after_rounding=zero,
        review_months=review,
        needs_verification=tuple(needs),
        subject=single.name if single else "",
        facts={"per_capita_income": shown, "standard": standard, "members": n, "exact_amount": exact},
    )


def _excluded_line(item: IncomeSnapshot, part: Decimal, policy: Policy) -> Line:
    reason = item.exclusion_label or INCOME_EXCLUSIONS.get(item.exclusion, item.exclusion)
    values = {"source": item.source, "amount": money_text(item.monthly_amount), "reason": reason}
    rules = ("DB-15", "YF-09") if item.exclusion == "preferential_care" else ("DB-15",)
    if part == item.monthly_amount:
        return Line(_("%(source)s %(amount)s 元/月 不计入家庭收入(%(reason)s)") % values, rules, S12)
    values.update(
        {"part": money_text(part), "rest": money_text(item.monthly_amount - part)}
    )  # DB-15 item 3: only the centrally set part of the basic pension
    return Line(
        _(
            "%(source)s %(amount)s 元/月 中，中央确定的基础养老金 %(part)s 元不计入家庭收入(%(reason)s)，"
            "其余 %(rest)s 元(地方加发、个人账户养老金)计入"
        )
        % values,
        rules,
        S12,
    )


def _banded(
    per_capita: Decimal, n: int, standard: Decimal, policy: Policy
) -> tuple[Decimal, Callable[[], Line] | None]:
    """DB-38: the first band (by ascending income limit) the per-capita income is below decides the rate (and the
    sentence saying so, written only when asked for); None when no band applies."""
    for band in sorted(policy.bands, key=lambda b: b.below):
        limit = times(standard, band.below)
        if per_capita < limit:
            per_person = times(standard, band.pays)
            exact = per_person * n
            return exact, partial(_band_line, band, limit, per_person, n, exact)
    return Decimal("0"), None


def _band_line(band: Band, limit: Decimal, per_person: Decimal, n: int, exact: Decimal) -> Line:
    return Line(
        _(
            "分档：人均收入低于标准的 %(below)s 倍(%(limit)s 元)，每人按标准的 %(pays)s 倍 %(pp)s 元发放，"
            "%(n)s × %(pp)s = %(exact)s 元/月"
        )
        % {
            "below": fraction_text(band.below),
            "limit": money_text(round_money(limit)),
            "pays": fraction_text(band.pays),
            "pp": money_text(round_money(per_person)),
            "n": n,
            "exact": money_text(round_money(exact)),
        },
        ("DB-38",),
        OPINION_2020,
    )


PROGRAMS: tuple[Program, ...] = (
    Program(
        code="dibao",
        label=gettext_lazy("最低生活保障"),
        policy_key="dibao",
        policy=Policy,
        request=Request,
        assess=assess,
        explains_lazily=True,
    ),
)
