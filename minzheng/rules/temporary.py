"""临时救助 (temporary assistance), 急难型 and 支出型: who qualifies, the cap and the amount, with the arithmetic.

LS-01 (who), LS-02 (the two types; 支出型 with income and property tests), LS-03 (township-delegated approval of
small amounts), LS-04 (先行救助 in urgent cases), LS-05 (time limits; once per cause per calendar year),
LS-06 (cap per person as a multiple of the 低保 standard), LS-07 (cash, goods, referral). The national rule leaves
the standards to the county or above (S1 第四十九条); every number here is a locality parameter ([L]/[P]).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction
from typing import cast

from django.utils.translation import gettext_lazy

from minzheng.core.errors import ValidationFailed
from minzheng.core.money import Unit, round_money
from minzheng.rules import dibao as dibao_rules
from minzheng.rules.common import (
    LOCAL,
    OPINION_2020,
    S1,
    S12,
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
from minzheng.rules.i18n import gettext as _

#: the Zhejiang statute whose Art. 39 is the source of the default caps (DOMAIN.md §0.2, local)
S8 = "浙江省社会救助条例(2020)"

KINDS = {"emergency": gettext_lazy("急难型"), "expenditure": gettext_lazy("支出型")}
FORMS = {"cash": gettext_lazy("现金"), "goods": gettext_lazy("实物"), "referral": gettext_lazy("转介服务")}
UNIT_NAMES = {"yuan": gettext_lazy("元"), "jiao": gettext_lazy("角"), "fen": gettext_lazy("分")}


@dataclass(frozen=True)
class Policy:
    """The county's 临时救助 standards (S1 第四十九条); defaults from DOMAIN.md §13 `linshi:`."""

    # [P] DOMAIN.md gives the 支出型 income test no number: the 低保边缘 line (1.5 × standard, LI-01) is used.
    income_multiple: Fraction = param(
        Fraction(3, 2),
        gettext_lazy("支出型收入审查线(低保标准的倍数)"),
        rules=("LS-02", "LI-01"),
        help_text=gettext_lazy("家庭月人均收入不超过低保标准的该倍数(含本数)"),
    )
    # [L] S8 第三十九条: ≤ 6 × the standard per person, ≤ 12 × in special hardship.
    cap_per_person_multiple: Fraction = param(
        Fraction(6), gettext_lazy("每人救助上限(低保标准的倍数)"), rules=("LS-06",)
    )
    hard_cap_per_person_multiple: Fraction = param(
        Fraction(12), gettext_lazy("特别困难时每人救助上限(低保标准的倍数)"), rules=("LS-06",)
    )
    # [L] illustrative (DOMAIN.md §13): the amount up to which the county has entrusted approval to the township.
    township_delegated_limit: Decimal = param(
        Decimal("5000"), gettext_lazy("委托乡镇审批的金额上限(元)"), rules=("LS-03",)
    )
    urgent_prepay_hours: int = param(48, gettext_lazy("先行救助时限(小时)"), rules=("LS-04", "LS-05"))
    urgent_paperwork_wd: int = param(
        5, gettext_lazy("先行救助后补齐手续时限(工作日)"), rules=("LS-04", "LS-05")
    )
    normal_township_wd: int = param(10, gettext_lazy("乡镇调查审核时限(工作日)"), rules=("LS-05",))
    normal_county_wd: int = param(10, gettext_lazy("县级审批时限(工作日)"), rules=("LS-05",))
    max_per_year_same_cause: int | None = param(
        1,
        gettext_lazy("同一事由每年最多救助次数"),
        rules=("LS-05",),
        help_text=gettext_lazy("留空表示不限次数"),
    )


@dataclass(frozen=True)
class Request:
    """What the application says: the type, the cause and the household's need."""

    kind: str = param("emergency", gettext_lazy("救助类型"), rules=("LS-02",), choices=KINDS)
    cause: str = param(
        "",
        gettext_lazy("救助事由"),
        rules=("LS-01",),
        help_text=gettext_lazy("如：火灾、交通事故、重病、教育支出"),
    )
    event_date: date | None = param(None, gettext_lazy("事件发生日期"), rules=("LS-01",))
    #: None = every living co-resident member
    persons_affected: int | None = param(None, gettext_lazy("受困人数"), rules=("LS-06",))
    amount_requested: Decimal | None = param(None, gettext_lazy("申请金额(元)"), rules=("LS-06",))
    #: e.g. the expenses the household cannot cover, as assessed by the township
    assessed_need: Decimal | None = param(None, gettext_lazy("核定的救助需求(元)"), rules=("LS-06",))
    urgent: bool = param(False, gettext_lazy("情况紧急，先行救助"), rules=("LS-04",))
    special_hardship: bool = param(False, gettext_lazy("特别困难(适用提高后的上限)"), rules=("LS-06",))
    #: from the registry's history: grants for the same cause in the calendar year of the decision
    prior_grants_same_cause: int = param(0, gettext_lazy("本年度同一事由已救助次数"), rules=("LS-05",))
    forms: tuple[str, ...] = param(("cash",), gettext_lazy("救助方式"), rules=("LS-07",), choices=FORMS)


def _invalid(message: str, field_name: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field_name: [message]})


def _validate(request: Request, on: date) -> None:
    if request.kind not in KINDS:
        raise _invalid(_("未知的临时救助类型：%(kind)s") % {"kind": request.kind}, "kind")
    unknown = [f for f in request.forms if f not in FORMS]
    if unknown or not request.forms:
        raise _invalid(_("未知或缺少救助方式：%(forms)s") % {"forms": "、".join(unknown) or "—"}, "forms")
    if request.persons_affected is not None and request.persons_affected < 1:
        raise _invalid(_("受困人数至少为 1 人"), "persons_affected")
    if request.prior_grants_same_cause < 0:
        raise _invalid(_("本年度已救助次数不能为负数"), "prior_grants_same_cause")
    for name, value in (
        ("amount_requested", request.amount_requested),
        ("assessed_need", request.assessed_need),
    ):
        if value is not None and value < 0:
            raise _invalid(_("金额不能为负数：%(amount)s 元") % {"amount": money_text(value)}, name)
    if request.event_date is not None and request.event_date > on:
        raise _invalid(
            _("事件发生日期 %(event)s 晚于决定日期 %(on)s") % {"event": request.event_date, "on": on},
            "event_date",
        )


def _not_eligible(lines: list[Line], warnings: list[str], facts: dict[str, object]) -> Decision:
    return Decision(
        "temporary",
        False,
        Decimal("0"),
        tuple(lines),
        tuple(warnings),
        period="one_off",
        facts=facts,
    )


def _income_test(
    household: HouseholdSnapshot,
    members: list[PersonSnapshot],
    standard: Decimal,
    policy: Policy,
    dibao: dibao_rules.Policy,
    on: date,
    lines: list[Line],
    warnings: list[str],
) -> bool:
    """LS-02: 支出型 requires per-capita counted income at or below income_multiple × the standard (the 低保边缘 line,
    LI-01: "一点五倍以下" includes the number).

    Income is counted as for 低保 (DB-11/12, DB-14/15, one definition: ``dibao.count_income``): only the lines of
    living co-resident members and household-level lines, less the exclusions the 低保 policy lists.
    """
    income = dibao_rules.count_income(household, members, household.incomes, dibao, on)
    warnings.extend(income.warnings)
    lines.extend(dibao_rules.outside_line(item, owner, on) for item, owner in income.outside)
    if income.excluded:
        lines.append(
            Line(
                _("不计入家庭收入：%(items)s")
                % {
                    "items": "、".join(
                        f"{i.source} {money_text(i.monthly_amount)} 元/月"
                        if part == i.monthly_amount
                        else _("%(source)s %(amount)s 元/月中的中央确定的基础养老金 %(part)s 元")
                        % {
                            "source": i.source,
                            "amount": money_text(i.monthly_amount),
                            "part": money_text(part),
                        }
                        for i, part in income.excluded
                    )
                },
                ("DB-15",),
                S12,
            )
        )
    total = income.total
    parts = " + ".join(f"{money_text(i.monthly_amount)}({i.source})" for i in income.counted) or "0"
    lines.append(
        Line(
            _("计入家庭收入 = %(parts)s = %(total)s 元/月") % {"parts": parts, "total": money_text(total)},
            ("LS-02", "DB-14"),
            S12,
        )
    )
    per_capita = total / len(members)  # compared exactly; the sentence shows it to the fen
    threshold = times(standard, policy.income_multiple)
    values = {
        "pc": money_text(round_money(per_capita)),
        "s": money_text(standard),
        "m": fraction_text(policy.income_multiple),
        "t": _exact_text(threshold),
    }
    if per_capita <= threshold:
        lines.append(
            Line(
                _(
                    "家庭月人均收入 %(pc)s 元 ≤ 低保标准 %(s)s 元 × %(m)s = %(t)s 元，符合支出型临时救助的收入条件"
                )
                % values,
                ("LS-02", "LI-01"),
                LOCAL,
            )
        )
        return True
    lines.append(
        Line(
            _(
                "家庭月人均收入 %(pc)s 元 > 低保标准 %(s)s 元 × %(m)s = %(t)s 元，不符合支出型临时救助的收入条件"
            )
            % values,
            ("LS-02", "LI-01"),
            LOCAL,
        )
    )
    return False


def _exact_text(value: Decimal) -> str:
    """An exact product as written (870, 258.50); a longer one (e.g. 580 × 7/3) shown to the fen."""
    exponent = value.as_tuple().exponent
    return money_text(value if isinstance(exponent, int) and exponent >= -2 else round_money(value))


def _rounded_within(value: Decimal, cap: Decimal, unit: Unit) -> Decimal:
    """Half up to the payment unit, but never above the cap (a cap of 10440.50 pays 10440, not 10441)."""
    amount = round_money(value, unit)
    if amount > cap:
        amount = round_money(value, unit, rounding=ROUND_FLOOR)
    return amount


def assess(
    household: HouseholdSnapshot, request: Request, policy: Policy, on: date, *, dibao: dibao_rules.Policy
) -> Decision:
    """Decide one 临时救助 application for a household, explaining the type, tests, cap and amount."""
    _validate(request, on)
    lines: list[Line] = []
    warnings: list[str] = []
    needs_verification: list[str] = []
    living = list(household.counted(on))  # DB-11/12: the living co-resident members
    if not living:
        raise _invalid(_("没有共同生活的在世家庭成员，无法审核临时救助"), "persons_affected")
    persons = request.persons_affected if request.persons_affected is not None else len(living)
    if persons > len(living):
        warnings.append(
            _("受困人数 %(p)s 人多于共同生活的家庭成员 %(n)s 人，请核实") % {"p": persons, "n": len(living)}
        )
    cause = request.cause or _("未填写")
    if not request.cause:
        warnings.append(_("未填写救助事由"))
    if request.event_date is None:
        warnings.append(_("未填写事件发生日期"))
    facts: dict[str, object] = {
        "kind": request.kind,
        "cause": request.cause,
        "event_date": request.event_date.isoformat() if request.event_date else None,
        "persons_affected": persons,
        "forms": list(request.forms),
    }

    kind_name = KINDS[request.kind]
    if request.event_date is None:
        kind_text = _("%(kind)s临时救助：%(cause)s，受困 %(p)s 人") % {
            "kind": kind_name,
            "cause": cause,
            "p": persons,
        }
    else:
        kind_text = _("%(kind)s临时救助：%(cause)s，事件发生于 %(date)s，受困 %(p)s 人") % {
            "kind": kind_name,
            "cause": cause,
            "date": request.event_date.isoformat(),
            "p": persons,
        }
    lines.append(Line(kind_text, ("LS-01", "LS-02"), S1 + " 第四十七条"))

    # LS-05: the same cause is helped at most N times per calendar year (喀什: once).
    limit = policy.max_per_year_same_cause
    if limit is not None:
        counts = {"cause": cause, "year": on.year, "k": request.prior_grants_same_cause, "max": limit}
        if request.prior_grants_same_cause >= limit:
            lines.append(
                Line(
                    _("%(year)s 年已因同一事由(%(cause)s)救助 %(k)s 次，每年最多 %(max)s 次：不予重复救助")
                    % counts,
                    ("LS-05",),
                    LOCAL,
                )
            )
            return _not_eligible(lines, warnings, facts)
        lines.append(
            Line(
                _("%(year)s 年已因同一事由(%(cause)s)救助 %(k)s 次，未超过每年 %(max)s 次") % counts,
                ("LS-05",),
                LOCAL,
            )
        )

    standard = dibao.standard_for(household.hukou_type)
    if request.kind == "emergency":
        lines.append(Line(_("急难型临时救助不审查家庭收入和财产"), ("LS-02",), OPINION_2020))
    else:
        if not _income_test(household, living, standard, policy, dibao, on, lines, warnings):
            return _not_eligible(lines, warnings, facts)
        if household.property_ok is False:
            lines.append(Line(_("家庭财产超过当地规定，不符合支出型临时救助条件"), ("LS-02",), LOCAL))
            return _not_eligible(lines, warnings, facts)
        if household.property_ok is None:
            warnings.append(_("家庭财产尚未核定，须由经办人员确认"))

    # LS-06: cap = standard × multiple × persons, exact; the S8 Art. 39 numbers are the local example.
    multiple = policy.cap_per_person_multiple
    if request.special_hardship:
        multiple = max(multiple, policy.hard_cap_per_person_multiple)
        lines.append(
            Line(
                _("特别困难：每人救助上限提高到低保标准的 %(m)s 倍") % {"m": fraction_text(multiple)},
                ("LS-06",),
                LOCAL + "(示例：" + S8 + " 第三十九条)",
            )
        )
    cap = times(standard, multiple) * persons
    facts["cap"] = cap
    facts["cap_multiple"] = fraction_text(multiple)
    lines.append(
        Line(
            _("救助上限 = %(s)s × %(m)s × %(p)s 人 = %(cap)s 元")
            % {
                "s": money_text(standard),
                "m": fraction_text(multiple),
                "p": persons,
                "cap": _exact_text(cap),
            },
            ("LS-06",),
            S1 + " 第四十九条；" + LOCAL + "(示例：" + S8 + " 第三十九条)",
        )
    )

    pays_money = any(f in ("cash", "goods") for f in request.forms)
    form_names = "、".join(str(FORMS[f]) for f in request.forms)
    if not pays_money:
        amount = Decimal("0")
        lines.append(Line(_("救助方式：%(forms)s，不发放救助金") % {"forms": form_names}, ("LS-07",), LOCAL))
    else:
        given = [
            (_("申请金额"), request.amount_requested),
            (_("核定需求"), request.assessed_need),
        ]
        needs = [(label, value) for label, value in given if value is not None]
        if not needs:
            raise _invalid(_("请填写申请金额或核定的救助需求"), "assessed_need")
        need = min(value for _label, value in needs)
        if len(needs) == 2:
            lines.append(
                Line(
                    _("救助需求 = min(%(a)s %(av)s 元，%(b)s %(bv)s 元) = %(need)s 元")
                    % {
                        "a": needs[0][0],
                        "av": money_text(needs[0][1]),
                        "b": needs[1][0],
                        "bv": money_text(needs[1][1]),
                        "need": money_text(need),
                    },
                    ("LS-06",),
                    LOCAL,
                )
            )
        else:
            lines.append(
                Line(
                    _("救助需求 = %(label)s %(need)s 元") % {"label": needs[0][0], "need": money_text(need)},
                    ("LS-06",),
                    LOCAL,
                )
            )
        if need == 0:
            lines.append(Line(_("救助需求为 0 元：无需发放临时救助"), ("LS-06",), LOCAL))
            return _not_eligible(lines, warnings, facts)
        unit = cast(Unit, dibao.payment_rounding)
        exact = min(need, cap)
        amount = _rounded_within(exact, cap, unit)
        text = _("救助金额 = min(需求 %(need)s 元，上限 %(cap)s 元) = %(exact)s 元") % {
            "need": money_text(need),
            "cap": _exact_text(cap),
            "exact": _exact_text(exact),
        }
        if amount != exact:
            text += _("，按%(unit)s取整为 %(amount)s 元") % {
                "unit": UNIT_NAMES.get(dibao.payment_rounding, dibao.payment_rounding),
                "amount": money_text(amount),
            }
        lines.append(Line(text, ("LS-06",), S1 + " 第四十九条"))
        if need > cap:
            warnings.append(
                _("救助需求 %(need)s 元超过上限 %(cap)s 元，超出部分可考虑转介其他救助或慈善资源")
                % {"need": money_text(need), "cap": _exact_text(cap)}
            )
        lines.append(Line(_("救助方式：%(forms)s") % {"forms": form_names}, ("LS-07",), LOCAL))

    # LS-03: small amounts may be approved by the township on the county's behalf.
    delegated = amount <= policy.township_delegated_limit
    facts["decided_by"] = "township" if delegated else "county"
    values = {"amount": money_text(amount), "limit": money_text(policy.township_delegated_limit)}
    lines.append(
        Line(
            (
                _("救助金额 %(amount)s 元 ≤ 委托乡镇审批的上限 %(limit)s 元：由乡镇(街道)审批")
                if delegated
                else _("救助金额 %(amount)s 元 > 委托乡镇审批的上限 %(limit)s 元：报县级民政部门审批")
            )
            % values,
            ("LS-03",),
            S1 + " 第四十八条",
        )
    )

    facts["township_review_working_days"] = policy.normal_township_wd
    facts["county_decision_working_days"] = policy.normal_county_wd
    urgent = request.urgent and request.kind == "emergency"
    facts["urgent"] = urgent
    if request.urgent and not urgent:
        warnings.append(_("先行救助适用于急难型临时救助；支出型按一般程序办理"))
    if urgent:
        facts["prepay_deadline_hours"] = policy.urgent_prepay_hours
        facts["paperwork_working_days"] = policy.urgent_paperwork_wd
        needs_verification.append("LS-04")  # 国发〔2014〕47号's article is [K] in DOMAIN.md
        lines.append(
            Line(
                _("情况紧急：%(h)s 小时内先行救助，%(wd)s 个工作日内补齐审批手续")
                % {"h": policy.urgent_prepay_hours, "wd": policy.urgent_paperwork_wd},
                ("LS-04", "LS-05"),
                S1 + " 第四十八条；" + OPINION_2020,
            )
        )
    else:
        lines.append(
            Line(
                _("一般程序：乡镇 %(t)s 个工作日内调查审核，县级 %(c)s 个工作日内审批")
                % {"t": policy.normal_township_wd, "c": policy.normal_county_wd},
                ("LS-05",),
                LOCAL,
            )
        )

    return Decision(
        "temporary",
        True,
        amount,
        tuple(lines),
        tuple(warnings),
        zero_after_rounding=pays_money and amount == 0,
        period="one_off",
        needs_verification=tuple(needs_verification),
        facts=facts,
    )


PROGRAMS: tuple[Program, ...] = (
    Program(
        code="temporary",
        label=gettext_lazy("临时救助"),
        policy_key="temporary",
        policy=Policy,
        request=Request,
        assess=assess,
        per_person=False,
    ),
)
