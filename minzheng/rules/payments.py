"""Payment (社会化发放) parameters: how often each program is paid, what the checks flag, what a roster may deduct.

DB-41: 低保 is paid monthly by bank into the household's account, never offset against loans or debts. YF-11: the
frequency of 优抚 payments is local (monthly by default, quarterly where the county says so). The rest are [L/P]
settings of the payment office, with national-practice defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext_lazy

from minzheng.rules import (
    dibao,
    disability,
    elder_ability,
    elderly_allowance,
    funeral_subsidy,
    medical,
    tekun,
    temporary,
    veterans,
)
from minzheng.rules.common import param

FREQUENCY_CHOICES = {"monthly": gettext_lazy("按月"), "quarterly": gettext_lazy("按季")}

#: every program by GLOSSARY code (rules.programs.PROGRAMS, which imports this module, so read from the modules
#: themselves; a test keeps the two equal): a code not in it would be accepted and silently do nothing
PROGRAM_CHOICES = {
    p.code: p.label
    for module in (
        dibao,
        tekun,
        temporary,
        medical,
        elderly_allowance,
        funeral_subsidy,
        disability,
        veterans,
        elder_ability,
    )
    for p in module.PROGRAMS
}


@dataclass(frozen=True)
class Policy:
    quarterly_programs: tuple[str, ...] = param(
        (),
        gettext_lazy("按季发放的救助项目(其余按月)"),
        rules=("DB-41", "YF-11"),
        choices=PROGRAM_CHOICES,
        help_text=gettext_lazy('填写项目代码的列表，如 ["veterans", "conscript_family"]'),
    )
    arrears_max_months: int = param(
        12, gettext_lazy("补发最多追溯月数(超过的须人工核实后另行处理)"), rules=("DB-29",)
    )
    recovery_deduction: bool = param(
        False,
        gettext_lazy("追回款可从本户以后发放的金额中抵扣"),
        rules=("DB-47", "DB-41"),
        help_text=gettext_lazy("不开启时，追回款单独催缴，不从发放中扣减"),
    )
    change_alert_ratio: Fraction = param(
        Fraction(1, 5), gettext_lazy("金额较上月变动超过此比例时提示核对"), rules=("DB-39",)
    )
    publish_roster: bool = param(False, gettext_lazy("发放名册须张榜公示后才能审批"), rules=("DB-35",))
