"""What every 优抚 decision shares: its notes (lines, warnings, facts), rounding, labels, the YF-09 line."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from minzheng.core.errors import ValidationFailed
from minzheng.core.money import Unit, round_money
from minzheng.rules import dibao
from minzheng.rules.common import LOCAL, S2, Decision, Line, PersonSnapshot, fraction_text, money_text
from minzheng.rules.i18n import gettext as _
from minzheng.rules.veterans.policy import CATEGORY_LABELS, Policy

_UNITS: dict[str, Unit] = {"yuan": "yuan", "jiao": "jiao", "fen": "fen"}


class Notes:
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


def rounded(exact: Decimal, policy: Policy) -> tuple[Decimal, str]:
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


def percent(ratio: Fraction) -> str:
    return f"{fraction_text(ratio * 100)}%"


def category_label(category: str) -> str:
    return str(CATEGORY_LABELS.get(category, category or _("未登记")))


def check_choice(value: str, choices: dict[str, Any], label: str) -> None:
    if value not in choices:
        raise ValidationFailed(
            _("%(label)s“%(value)s”无效，应为以下之一：%(options)s")
            % {"label": label, "value": value, "options": "、".join(k for k in choices if k)}
        )


def base_facts(notes: Notes, status: str) -> None:
    notes.facts.update(
        {
            "status": status,
            "excluded_from_means_tests": True,
            "agency": "veterans_affairs",  # YF-12: the 退役军人事务部门 leads (Art. 5)
        }
    )


def means_test_line(notes: Notes) -> None:
    notes.add(
        _("抚恤金、补助金和优待金不计入本人和家庭收入：审核低保等社会救助和社会保障条件时一律不计"),
        ("YF-09",),
        "第四条第二款",
    )


def not_eligible(person: PersonSnapshot, notes: Notes, period: str = "monthly") -> Decision:
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
