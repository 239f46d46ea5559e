"""医疗救助 (medical assistance) for one person: a share of what remains to pay after insurance, within a yearly cap.

S1 第二十八条 (who may apply: 低保 members, 特困 people, others the county names), 第二十九条 (assistance for the
basic medical costs left after basic medical insurance, 大病保险 and other supplementary insurance; the standard is
set by the county or above), 第三十条 (township review, county 医疗保障部门 approval; 低保 and 特困 handled
directly). DOMAIN.md has no section for it yet, so lines carry no rule IDs except LI-03 (near-dibao members get
special medical assistance). Every ratio, deductible and cap below is LOCAL and the defaults are illustrative [P].
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
    S1,
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

CLASSES = {
    "tekun": gettext_lazy("特困人员"),
    "dibao": gettext_lazy("低保家庭成员"),
    "near_dibao": gettext_lazy("低保边缘家庭成员"),
    "other": gettext_lazy("其他人员"),
}
CLASS_KEYS = gettext_lazy(
    "键：tekun 特困人员，dibao 低保家庭成员，near_dibao 低保边缘家庭成员，other 其他人员"
)
ROUNDING = {"fen": gettext_lazy("分"), "jiao": gettext_lazy("角"), "yuan": gettext_lazy("元")}
#: S1 第三十条: the medical-security office handles these classes directly, without a township application
DIRECT = ("tekun", "dibao")
LOCAL_STANDARD = S1 + " 第二十九条第二款；" + LOCAL


@dataclass(frozen=True)
class Policy:
    """The county's 医疗救助 standard (S1 第二十九条第二款). All defaults are illustrative [P]: set them locally."""

    # [P] illustrative: 特困 in full, 低保 70 %, 低保边缘 50 %, others not covered unless the county says so.
    ratios: dict[str, Fraction] = param(
        {"tekun": Fraction(1), "dibao": Fraction(7, 10), "near_dibao": Fraction(1, 2), "other": Fraction(0)},
        gettext_lazy("救助比例(按救助对象类别)"),
        help_text=CLASS_KEYS,
    )
    # [P] illustrative: no 起付线 for any class.
    deductibles: dict[str, Decimal] = param(
        {"tekun": Decimal("0"), "dibao": Decimal("0"), "near_dibao": Decimal("0"), "other": Decimal("0")},
        gettext_lazy("起付线(元，按救助对象类别)"),
        help_text=CLASS_KEYS,
    )
    # [P] illustrative: 50000 元 a year for each covered class.
    annual_caps: dict[str, Decimal] = param(
        {
            "tekun": Decimal("50000"),
            "dibao": Decimal("50000"),
            "near_dibao": Decimal("50000"),
            "other": Decimal("0"),
        },
        gettext_lazy("年度救助限额(元，按救助对象类别)"),
        help_text=CLASS_KEYS,
    )
    policy_range_only: bool = param(
        True,
        gettext_lazy("仅救助政策范围内的个人自付费用"),
        help_text=gettext_lazy("政策范围内费用减去各项保险报销后的部分"),
    )
    # [P] hospital settlements are to the fen; a county may round to the yuan.
    payment_rounding: str = param("fen", gettext_lazy("救助金额取整单位"), choices=ROUNDING)


@dataclass(frozen=True)
class Request:
    """One claim: the patient, the bill and what insurance has already paid."""

    subject: str = param("", gettext_lazy("患者(姓名或身份证号)"))
    total_costs: Decimal = param(Decimal("0"), gettext_lazy("医疗总费用(元)"))
    basic_insurance_paid: Decimal = param(Decimal("0"), gettext_lazy("基本医疗保险支付(元)"))
    critical_illness_insurance_paid: Decimal = param(Decimal("0"), gettext_lazy("大病保险支付(元)"))
    other_reimbursements: Decimal = param(Decimal("0"), gettext_lazy("其他补充保险及报销(元)"))
    #: None = not stated; with policy_range_only the total costs are used and a warning says so
    policy_range_costs: Decimal | None = param(None, gettext_lazy("政策范围内费用(元)"))
    #: medical assistance already paid to this person in the calendar year, against the annual cap
    paid_this_year: Decimal = param(Decimal("0"), gettext_lazy("本年已获医疗救助(元)"))
    #: "" = from the household's assistance status (tekun / dibao / near_dibao), else "other"
    recipient_class: str = param(
        "", gettext_lazy("救助对象类别"), choices={"": gettext_lazy("按家庭救助身份"), **CLASSES}
    )


def _invalid(message: str, field_name: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field_name: [message]})


def _validate(request: Request) -> None:
    amounts = {
        "total_costs": (_("医疗总费用"), request.total_costs),
        "basic_insurance_paid": (_("基本医疗保险支付"), request.basic_insurance_paid),
        "critical_illness_insurance_paid": (_("大病保险支付"), request.critical_illness_insurance_paid),
        "other_reimbursements": (_("其他报销"), request.other_reimbursements),
        "policy_range_costs": (_("政策范围内费用"), request.policy_range_costs),
        "paid_this_year": (_("本年已获医疗救助"), request.paid_this_year),
    }
    for name, (label, value) in amounts.items():
        if value is not None and value < 0:
            raise _invalid(
                _("%(label)s不能为负数：%(amount)s 元") % {"label": label, "amount": money_text(value)}, name
            )
    if request.recipient_class and request.recipient_class not in CLASSES:
        raise _invalid(_("未知的救助对象类别：%(c)s") % {"c": request.recipient_class}, "recipient_class")


def _subject(household: HouseholdSnapshot, request: Request, on: date) -> PersonSnapshot:
    if not request.subject:
        living = household.living(on)
        if len(living) == 1:
            return living[0]
        raise _invalid(_("请指明患者(家庭成员姓名或身份证号)"), "subject")
    try:
        return household.member(request.subject)
    except KeyError:
        raise _invalid(_("%(subject)s 不是本户家庭成员") % {"subject": request.subject}, "subject") from None


def _class_parameters(policy: Policy, recipient_class: str) -> tuple[Fraction, Decimal, Decimal]:
    """The class's ratio (none stated = not covered), deductible (none = 0) and annual cap (required if covered)."""
    ratio = policy.ratios.get(recipient_class, Fraction(0))
    deductible = policy.deductibles.get(recipient_class, Decimal("0"))
    cap = policy.annual_caps.get(recipient_class)
    if cap is None:
        if ratio > 0:
            raise _invalid(
                _("当地政策规定了%(c)s的救助比例，但未规定年度救助限额") % {"c": CLASSES[recipient_class]},
                "recipient_class",
            )
        cap = Decimal("0")
    if not 0 <= ratio <= 1 or deductible < 0 or cap < 0:
        raise _invalid(
            _("当地政策中%(c)s的救助比例须在 0 到 1 之间，起付线和年度限额不能为负数")
            % {"c": CLASSES[recipient_class]},
            "recipient_class",
        )
    return ratio, deductible, cap


def assess(
    household: HouseholdSnapshot, request: Request, policy: Policy, on: date, *, dibao: dibao_rules.Policy
) -> Decision:
    """Decide one 医疗救助 claim: out-of-pocket after insurance, less the deductible, × the class ratio, capped."""
    # Medical assistance is not defined relative to the 低保 standard; ``dibao`` is in the signature by contract.
    del dibao
    _validate(request)
    person = _subject(household, request, on)
    lines: list[Line] = []
    warnings: list[str] = []

    recipient_class = request.recipient_class or (
        household.assistance_status if household.assistance_status in CLASSES else "other"
    )
    ratio, deductible, annual_cap = _class_parameters(policy, recipient_class)
    facts: dict[str, object] = {
        "recipient_class": recipient_class,
        "direct_settlement": recipient_class in DIRECT,
    }
    source_class = _("(按申请所填)") if request.recipient_class else _("(按家庭救助身份)")
    lines.append(
        Line(
            _("%(name)s：救助对象类别为%(c)s%(how)s")
            % {"name": person.name, "c": CLASSES[recipient_class], "how": source_class},
            ("LI-03",) if recipient_class == "near_dibao" else (),
            S1 + " 第二十八条",
        )
    )
    if ratio <= 0:
        lines.append(
            Line(
                _("当地政策对%(c)s未规定医疗救助比例：不予医疗救助") % {"c": CLASSES[recipient_class]},
                (),
                S1 + " 第二十八条；" + LOCAL,
            )
        )
        return Decision(
            "medical",
            False,
            Decimal("0"),
            tuple(lines),
            tuple(warnings),
            period="one_off",
            subject=person.name,
            facts=facts,
        )
    if recipient_class in DIRECT:
        lines.append(
            Line(
                _("%(c)s的医疗救助由县级医疗保障部门直接办理") % {"c": CLASSES[recipient_class]},
                (),
                S1 + " 第三十条",
            )
        )

    insurance = [
        (_("基本医保"), request.basic_insurance_paid),
        (_("大病保险"), request.critical_illness_insurance_paid),
        (_("其他报销"), request.other_reimbursements),
    ]
    reimbursed = sum((value for _label, value in insurance), Decimal("0"))
    if reimbursed > request.total_costs:
        warnings.append(
            _("保险报销合计 %(r)s 元超过医疗总费用 %(t)s 元，数据不合理，请核实")
            % {"r": money_text(reimbursed), "t": money_text(request.total_costs)}
        )
    if request.policy_range_costs is not None and request.policy_range_costs > request.total_costs:
        warnings.append(
            _("政策范围内费用 %(p)s 元超过医疗总费用 %(t)s 元，请核实")
            % {"p": money_text(request.policy_range_costs), "t": money_text(request.total_costs)}
        )
    if policy.policy_range_only:
        if request.policy_range_costs is None:
            base = request.total_costs
            base_label = _("医疗总费用")
            warnings.append(_("未填写政策范围内费用，暂按医疗总费用计算，须核实"))
        else:
            base = request.policy_range_costs
            base_label = _("政策范围内费用")
            if reimbursed > base and reimbursed <= request.total_costs:
                warnings.append(
                    _("保险报销合计 %(r)s 元超过政策范围内费用 %(p)s 元，请核实")
                    % {"r": money_text(reimbursed), "p": money_text(base)}
                )
    else:
        base = request.total_costs
        base_label = _("医疗总费用")

    out_of_pocket = max(base - reimbursed, Decimal("0"))
    parts = " − ".join(f"{money_text(value)}({label})" for label, value in insurance)
    lines.append(
        Line(
            _("个人自付 = %(base)s(%(label)s) − %(parts)s = %(oop)s 元")
            % {
                "base": money_text(base),
                "label": base_label,
                "parts": parts,
                "oop": money_text(out_of_pocket),
            }
            + ("" if base >= reimbursed else _("(不足 0 按 0 计)")),
            (),
            S1 + " 第二十九条",
        )
    )
    facts["out_of_pocket"] = out_of_pocket

    eligible_costs = max(out_of_pocket - deductible, Decimal("0"))
    lines.append(
        Line(
            _("扣除起付线：%(oop)s − %(d)s = %(e)s 元")
            % {"oop": money_text(out_of_pocket), "d": money_text(deductible), "e": money_text(eligible_costs)}
            + ("" if out_of_pocket >= deductible else _("(不足 0 按 0 计)")),
            (),
            LOCAL_STANDARD,
        )
    )
    share = times(eligible_costs, ratio)
    lines.append(
        Line(
            _("按救助比例：%(e)s × %(r)s = %(s)s 元")
            % {"e": money_text(eligible_costs), "r": fraction_text(ratio), "s": money_text(share)},
            (),
            LOCAL_STANDARD,
        )
    )
    remaining = max(annual_cap - request.paid_this_year, Decimal("0"))
    facts["annual_cap_remaining"] = remaining
    lines.append(
        Line(
            _("年度救助限额 %(cap)s 元，本年已救助 %(paid)s 元，剩余 %(rest)s 元")
            % {
                "cap": money_text(annual_cap),
                "paid": money_text(request.paid_this_year),
                "rest": money_text(remaining),
            },
            (),
            LOCAL_STANDARD,
        )
    )
    exact = min(share, remaining)
    unit = cast(Unit, policy.payment_rounding)
    amount = round_money(exact, unit)
    if amount > remaining:  # half up must not carry the amount past the annual cap
        amount = round_money(exact, unit, rounding=ROUND_FLOOR)
    lines.append(
        Line(
            _("本次医疗救助 = min(%(s)s，%(rest)s) = %(amount)s 元(按%(unit)s取整)")
            % {
                "s": money_text(share),
                "rest": money_text(remaining),
                "amount": money_text(amount),
                "unit": ROUNDING.get(policy.payment_rounding, policy.payment_rounding),
            },
            (),
            LOCAL_STANDARD,
        )
    )
    if amount == 0:
        reason = (
            _("本年度医疗救助限额已用完") if remaining == 0 else _("扣除保险报销和起付线后无可救助的费用")
        )
        lines.append(Line(_("%(reason)s：本次不予医疗救助") % {"reason": reason}, (), LOCAL_STANDARD))
    return Decision(
        "medical",
        amount > 0,
        amount,
        tuple(lines),
        tuple(warnings),
        period="one_off",
        subject=person.name,
        facts=facts,
    )


PROGRAMS: tuple[Program, ...] = (
    Program(
        code="medical",
        label=gettext_lazy("医疗救助"),
        policy_key="medical",
        policy=Policy,
        request=Request,
        assess=assess,
        per_person=True,
    ),
)
