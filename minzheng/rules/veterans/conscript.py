"""义务兵家庭优待金 (YF-08, Art. 42) paid per period as YF-11 sets, while the conscript serves."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from minzheng.core.errors import ValidationFailed
from minzheng.rules import dibao
from minzheng.rules.common import Decision, HouseholdSnapshot, fraction_text, money_text, times
from minzheng.rules.i18n import gettext as _
from minzheng.rules.veterans.notes import (
    Notes,
    base_facts,
    category_label,
    check_choice,
    means_test_line,
    rounded,
)
from minzheng.rules.veterans.policy import (
    CONSCRIPT_TERM_YEARS,
    FREQUENCY_CHOICES,
    PAYMENTS_PER_YEAR,
    ConscriptFamilyRequest,
    Policy,
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
    check_choice(frequency, FREQUENCY_CHOICES, _("义务兵家庭优待金发放频率"))
    notes = Notes()
    base_facts(notes, "active")
    notes.facts.update({"conscript": name, "payment_frequency": frequency})
    enlisted = request.enlistment_date
    for person in household.members:
        if name in (person.name, person.id_number) and person.veteran_category not in ("", "serving"):
            notes.warnings.append(
                _("%(name)s 登记的优抚类别为“%(cat)s”，不是现役军人，请核对")
                % {"name": name, "cat": category_label(person.veteran_category)}
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
    amount, note = rounded(exact, policy)
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
    means_test_line(notes)
    notes.facts.update(
        {
            "yearly_amount": year_exact,
            "payments_per_year": per_year,
            "amount_per_payment": amount,
            "service_from": enlisted.isoformat(),
        }
    )
    # the amount is one payment's; the period says how often it recurs (every 3 or 12 months from the first month)
    return _conscript_decision(notes, True, amount, PERIODS[frequency])


#: the policy's frequency → the decision's (and the benefit's) payment period
PERIODS = {"monthly": "monthly", "quarterly": "quarterly", "annual": "yearly"}


def _conscript_decision(notes: Notes, eligible: bool, amount: Decimal, period: str) -> Decision:
    if not eligible:
        means_test_line(notes)
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
