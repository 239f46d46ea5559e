"""最低生活保障 (低保), urban and rural: the 补差 (gap) method with its arithmetic shown.

DB-01 (two tests), DB-11/12 (who counts), DB-14/15 (counted and excluded income), DB-37/39 (amount = n × S − Σ,
no intermediate rounding, final rounding per policy), DB-43 (review tier), LI-01 (near-dibao below 1.5 × S).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minzheng.core.money import Unit, money_sum, round_money
from minzheng.registry.idnumber import age_on
from minzheng.rules.common import S1, S12, Decision, HouseholdSnapshot, Line, money_text

UNIT_NAMES = {"yuan": gettext_lazy("元"), "jiao": gettext_lazy("角"), "fen": gettext_lazy("分")}


@dataclass(frozen=True)
class DibaoPolicy:
    """The [L] parameters that vary by place and time (the policy app supplies them; tests build them)."""

    standard: Decimal  # 低保标准， 元/人·月
    payment_rounding: Unit = "yuan"  # DB-39
    near_dibao_ratio: Fraction = Fraction(3, 2)  # LI-01
    working_age: tuple[int, int] = (16, 59)  # DB-43: "working-age members able to work"


def _review_months(
    household: HouseholdSnapshot, counted: list[str], on: date, policy: DibaoPolicy
) -> tuple[int, Line]:
    low, high = policy.working_age
    able = [
        p.name
        for p in household.members
        if p.is_coresident
        and not p.is_deceased
        and p.work_capacity == "full"
        and low <= age_on(p.birth_date, on) <= high
    ]
    earns = {i.member for i in household.incomes if not i.exclusion and i.category in {"wage", "business"}}
    if able and (earns & set(able) or counted):
        return 6, Line(
            _("家庭有劳动年龄且有劳动能力的成员(%(names)s)，收入不固定：每半年复核一次")
            % {"names": "、".join(able)},
            ("DB-43",),
            S12,
        )
    return 12, Line(_("家庭无劳动年龄的有劳动能力成员，收入相对稳定：每年复核一次"), ("DB-43",), S12)


def assess(household: HouseholdSnapshot, policy: DibaoPolicy, on: date) -> Decision:
    """Decide 低保 for one household on a date, explaining every step."""
    lines: list[Line] = []
    warnings: list[str] = []
    counted_members = [p for p in household.members if p.is_coresident and not p.is_deceased]
    excluded = [p for p in household.members if not p.is_coresident and not p.is_deceased]
    n = len(counted_members)
    text = _("共同生活的家庭成员 %(n)s 人") % {"n": n}
    if excluded:
        text += _("(不计入：%(names)s)") % {
            "names": "、".join(f"{p.name}({p.non_coresident_reason})" for p in excluded)
        }
    lines.append(Line(text, ("DB-11", "DB-12"), S12))
    if n == 0:
        return Decision("dibao", False, Decimal("0"), tuple(lines), (_("没有共同生活的家庭成员，无法计算"),))

    for item in household.incomes:
        if item.exclusion:
            lines.append(
                Line(
                    _("%(source)s %(amount)s 元/月 不计入家庭收入(%(reason)s)")
                    % {
                        "source": item.source,
                        "amount": money_text(item.monthly_amount),
                        "reason": item.exclusion_label or item.exclusion,
                    },
                    ("DB-15",),
                    S12,
                )
            )
    counted_items = [i for i in household.incomes if not i.exclusion]
    total = money_sum([i.monthly_amount for i in counted_items])
    parts = " + ".join(f"{money_text(i.monthly_amount)}({i.source})" for i in counted_items) or "0"
    lines.append(
        Line(
            _("计入家庭收入 = %(parts)s = %(total)s 元/月") % {"parts": parts, "total": money_text(total)},
            ("DB-14",),
            S12,
        )
    )

    standard = policy.standard
    per_capita = (
        total / n
    )  # for the sentence only; the amount below never uses a rounded per-capita figure (DB-39)
    shown = round_money(per_capita)
    review, review_line = _review_months(household, [i.source for i in counted_items], on, policy)
    if household.property_ok is False:
        lines.append(
            Line(_("家庭财产超过当地规定，不符合低保条件"), ("DB-01", "DB-18", "DB-19"), S1 + " 第九条")
        )
        return Decision("dibao", False, Decimal("0"), tuple(lines))
    if household.property_ok is None:
        warnings.append(_("家庭财产尚未核定，须由经办人员确认"))

    if per_capita >= standard:
        lines.append(
            Line(
                _("家庭月人均收入 %(pc)s 元 ≥ 低保标准 %(s)s 元，不符合低保条件")
                % {"pc": money_text(shown), "s": money_text(standard)},
                ("DB-01",),
                S1 + " 第九条",
            )
        )
        limit = (
            standard
            * Decimal(policy.near_dibao_ratio.numerator)
            / Decimal(policy.near_dibao_ratio.denominator)
        )
        near = per_capita < limit and household.property_ok is not False
        if near:
            lines.append(
                Line(
                    _("低于低保标准的 %(ratio)s 倍(%(limit)s 元)：属于低保边缘家庭")
                    % {
                        "ratio": str(policy.near_dibao_ratio.numerator / policy.near_dibao_ratio.denominator),
                        "limit": money_text(round_money(limit)),
                    },
                    ("LI-01",),
                    S12,
                )
            )
        return Decision("dibao", False, Decimal("0"), tuple(lines), tuple(warnings), near_dibao=near)

    lines.append(
        Line(
            _("家庭月人均收入 %(pc)s 元 < 低保标准 %(s)s 元，符合低保条件")
            % {"pc": money_text(shown), "s": money_text(standard)},
            ("DB-01",),
            S1 + " 第九条",
        )
    )
    exact = n * standard - total
    amount = round_money(exact, policy.payment_rounding)
    lines.append(
        Line(
            _("低保金 = %(n)s × %(s)s − %(total)s = %(exact)s 元/月，按%(unit)s四舍五入为 %(amount)s 元/月")
            % {
                "n": n,
                "s": money_text(standard),
                "total": money_text(total),
                "exact": money_text(exact),
                "unit": UNIT_NAMES[policy.payment_rounding],
                "amount": money_text(amount),
            },
            ("DB-37", "DB-39"),
            S1 + " 第十二条",
        )
    )
    lines.append(review_line)
    zero = amount == 0
    if zero:
        warnings.append(_("补差金额按规定取整后为 0"))
    return Decision(
        "dibao", True, amount, tuple(lines), tuple(warnings), zero_after_rounding=zero, review_months=review
    )
