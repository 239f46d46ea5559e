"""基本殡葬服务补贴 (basic funeral subsidy): the deceased is the subject; the subsidy is paid once.

BZ-01 (the 殡葬管理条例 sets no national amount; a death certificate is required for cremation), BZ-02 (the four
basic services, plus a coffin and urn for special groups), BZ-03 (黑河 2023 as the default parameter set; 惠州's
actual-cost mode), BZ-04 [P] (subsidy = min(Σ item costs within each item's cap, total cap of the group); items
outside the list are never subsidised).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy, gettext_noop

from minzheng.core.errors import ValidationFailed
from minzheng.core.money import money_sum, round_money
from minzheng.registry.idnumber import age_on
from minzheng.rules import dibao
from minzheng.rules.common import (
    LOCAL,
    S4,
    Decision,
    HouseholdSnapshot,
    Line,
    PersonSnapshot,
    Program,
    money_text,
    param,
)
from minzheng.rules.i18n import gettext as _

SPECIAL_GROUPS = {
    "youfu": gettext_lazy("优抚对象"),
    "dibao": gettext_lazy("低保对象"),
    "near_dibao": gettext_lazy("低保边缘对象"),
    "tekun": gettext_lazy("特困人员"),
    "shidu": gettext_lazy("失独家庭"),
    "severe_disability": gettext_lazy("重度残疾人(一、二级)"),
    "centenarian": gettext_lazy("百岁老人"),
}
CAP_MODES = {
    "per_item": gettext_lazy("逐项限额，合计封顶"),
    "actual_cost": gettext_lazy("按实际费用补贴，合计封顶"),
}
GROUP_LABELS = {"general": gettext_lazy("一般群体"), "special": gettext_lazy("特殊群体")}


@dataclass(frozen=True)
class Item:
    """One subsidised service: ``cap`` 元 (per day when ``per_day``; ``max_days`` = the days or period covered)."""

    code: str
    label: str
    cap: Decimal
    per_day: bool = False
    max_days: int | None = None
    special_groups_only: bool = False


# 黑河 2023 (BZ-03): the four basic services add up to the general cap, 200 + 110 × 3 + 190 + 72 = 792. The page
# gives only the special-group total, 1172, for "coffin and urn" together, so those two share 1172 − 792 = 380; the
# split 180 (coffin) + 200 (urn) is ours [P] — a locality enters its own per-item caps, only their sum is sourced.
# Labels are marked with gettext_noop so the default ones reach the catalogue; a locality's own labels show as typed.
HEIHE_ITEMS = (
    Item("transport", gettext_noop("遗体接运"), Decimal("200")),
    Item("storage", gettext_noop("遗体暂存(冷藏)"), Decimal("110"), per_day=True, max_days=3),
    Item("cremation", gettext_noop("遗体火化"), Decimal("190")),
    Item("ash_storage", gettext_noop("骨灰寄存"), Decimal("72"), max_days=365),
    Item("coffin", gettext_noop("棺木"), Decimal("180"), special_groups_only=True),
    Item("urn", gettext_noop("骨灰盒"), Decimal("200"), special_groups_only=True),
)


@dataclass(frozen=True)
class ItemCost:
    """What the family paid for one service (``days`` for storage charged by the day)."""

    code: str
    amount: Decimal
    days: int | None = None


@dataclass(frozen=True)
class Policy:
    """The [L] parameters of the basic funeral subsidy (BZ-03: 黑河 2023 by default)."""

    items: tuple[Item, ...] = param(HEIHE_ITEMS, gettext_lazy("补贴项目与限额"), rules=("BZ-02", "BZ-03"))
    total_caps: dict[str, Decimal] = param(
        {"general": Decimal("792"), "special": Decimal("1172")},
        gettext_lazy("补贴封顶(元/具)：一般群体 general，特殊群体 special"),
        rules=("BZ-03", "BZ-04"),
    )
    special_groups: tuple[str, ...] = param(
        ("youfu", "dibao", "tekun", "shidu", "severe_disability", "centenarian"),
        gettext_lazy("享受特殊群体待遇的对象"),
        rules=("BZ-02", "BZ-03"),
        choices=SPECIAL_GROUPS,
    )
    centenarian_age: int = param(100, gettext_lazy("百岁老人年龄(周岁)"), rules=("BZ-03",))
    cap_mode: str = param(
        "per_item", gettext_lazy("补贴计算方式"), rules=("BZ-03", "BZ-04"), choices=CAP_MODES
    )
    reimburse_cremated_elsewhere: bool = param(
        True, gettext_lazy("在外地火化的按同等限额报销"), rules=("BZ-03",)
    )
    burial_zone_cremation_subsidy: Decimal | None = param(
        Decimal("800"), gettext_lazy("土葬改革区自愿火化补贴(元，空为不设)"), rules=("BZ-03",)
    )


@dataclass(frozen=True)
class Request:
    #: the deceased (member name or ID number)
    subject: str = param("", gettext_lazy("逝者(姓名或公民身份号码)"))
    items: tuple[ItemCost, ...] = param(
        (), gettext_lazy('殡葬服务费用(JSON：[{"code": "transport", "amount": "200"}])')
    )
    #: cremated outside the locality; reimbursed against receipts up to the same caps (BZ-03)
    cremated_elsewhere: bool = param(False, gettext_lazy("在外地火化"))
    #: lived in a burial (土葬改革) zone and chose cremation (黑河: a flat 800)
    burial_zone_voluntary_cremation: bool = param(False, gettext_lazy("土葬改革区自愿火化"))
    #: 失独: the deceased was a parent whose only child had died (no registry field records it)
    bereaved_parent: bool = param(False, gettext_lazy("失独家庭"))
    #: when the registry does not yet record the death (the date on the 死亡证明)
    date_of_death: date | None = param(None, gettext_lazy("死亡日期(户籍资料未登记时填写)"))


def _label(item: Item) -> str:
    """The item's label in the active language (default labels are in the catalogue); its code when unlabelled."""
    # gettext("") would return the catalogue's header, so an empty label never reaches it.
    return _(item.label) if item.label else item.code


def _subject(household: HouseholdSnapshot, subject: str) -> PersonSnapshot:
    return household.subject(subject, missing=_("请指定逝者"))


def _groups(
    household: HouseholdSnapshot, person: PersonSnapshot, request: Request, policy: Policy, died: date
) -> list[str]:
    """The special groups (among those the locality recognises) the deceased belonged to."""
    found = {
        "youfu": bool(person.veteran_category),
        "dibao": household.assistance_status == "dibao",
        "near_dibao": household.assistance_status == "near_dibao",
        "tekun": household.assistance_status == "tekun",
        "shidu": request.bereaved_parent,
        "severe_disability": person.disability_grade in (1, 2),
        "centenarian": age_on(person.birth_date, died) >= policy.centenarian_age,
    }
    return [code for code in SPECIAL_GROUPS if found[code] and code in policy.special_groups]


def _check(request: Request, policy: Policy) -> dict[str, Item]:
    """The items by code; refuses duplicates, negative figures and per-day costs without their days."""
    items: dict[str, Item] = {}
    for item in policy.items:
        if item.code in items:
            raise ValidationFailed(_("殡葬补贴项目 %(code)s 重复设置") % {"code": item.code})
        if item.cap < 0:
            raise ValidationFailed(_("殡葬补贴项目 %(label)s 的限额不能为负数") % {"label": _label(item)})
        items[item.code] = item
    for group in ("general", "special"):
        cap = policy.total_caps.get(group)
        if cap is None or cap < 0:
            raise ValidationFailed(_("未设置%(group)s的殡葬补贴封顶金额") % {"group": GROUP_LABELS[group]})
    seen: set[str] = set()
    for cost in request.items:
        if cost.code in seen:
            raise ValidationFailed(_("费用项目 %(code)s 填写了两次，请合并为一项") % {"code": cost.code})
        seen.add(cost.code)
        label = _label(items[cost.code]) if cost.code in items else cost.code
        if cost.amount < 0:
            raise ValidationFailed(_("%(label)s 的费用不能为负数") % {"label": label})
        if cost.days is not None and cost.days < 0:
            raise ValidationFailed(_("%(label)s 的天数不能为负数") % {"label": label})
        per_day = cost.code in items and items[cost.code].per_day and policy.cap_mode == "per_item"
        if per_day and cost.days is None:
            raise ValidationFailed(_("%(label)s 按天计算，请填写天数") % {"label": label})
    return items


def _item_line(cost: ItemCost, item: Item, actual_cost: bool) -> tuple[Decimal, Line]:
    """The subsidised part of one cost, with its sentence (BZ-04)."""
    if actual_cost:
        return cost.amount, Line(
            _("%(label)s：实际费用 %(cost)s 元，按实际费用计入")
            % {"label": _label(item), "cost": money_text(cost.amount)},
            ("BZ-03", "BZ-04"),
            LOCAL,
        )
    if item.per_day:
        days = cost.days or 0
        covered = days if item.max_days is None else min(days, item.max_days)
        limit = item.cap * covered
        granted = min(cost.amount, limit)
        text = _(
            "%(label)s：%(days)s 天，实际费用 %(cost)s 元，限额 %(cap)s 元/天 × %(covered)s 天 = %(limit)s 元"
        ) % {
            "label": _label(item),
            "days": days,
            "cost": money_text(cost.amount),
            "cap": money_text(item.cap),
            "covered": covered,
            "limit": money_text(limit),
        }
        if item.max_days is not None and days > item.max_days:
            text += _("(超过 %(max)s 天的部分不予补贴)") % {"max": item.max_days}
    else:
        granted = min(cost.amount, item.cap)
        text = _("%(label)s：实际费用 %(cost)s 元，限额 %(cap)s 元") % {
            "label": _label(item),
            "cost": money_text(cost.amount),
            "cap": money_text(item.cap),
        }
        if item.max_days is not None and cost.days is not None and cost.days > item.max_days:
            text += _("(限额只含 %(max)s 天，超出期限的费用不予补贴)") % {"max": item.max_days}
    text += _("，补贴 %(granted)s 元") % {"granted": money_text(granted)}
    return granted, Line(text, ("BZ-02", "BZ-03", "BZ-04"), LOCAL)


def assess(
    household: HouseholdSnapshot, request: Request, policy: Policy, on: date, *, dibao: dibao.Policy
) -> Decision:
    """Decide the one-off basic funeral subsidy for a deceased member, item by item."""
    del dibao  # the funeral subsidy does not depend on the 低保 standard
    person = _subject(household, request.subject)
    items = _check(request, policy)
    lines: list[Line] = []
    warnings: list[str] = []

    died = request.date_of_death or person.date_of_death
    if died is None:
        warnings.append(_("户籍资料未登记 %(name)s 的死亡日期，须核对死亡证明") % {"name": person.name})
        died = on
    elif died > on:
        raise ValidationFailed(_("死亡日期 %(day)s 晚于评估日期") % {"day": died.isoformat()})
    if died < person.birth_date:
        raise ValidationFailed(_("死亡日期早于出生日期"))
    lines.append(
        Line(
            _("逝者 %(name)s，%(day)s 死亡，享年 %(age)s 周岁；遗体火化须凭死亡证明")
            % {"name": person.name, "day": died.isoformat(), "age": age_on(person.birth_date, died)},
            ("BZ-01",),
            S4 + " 第十三条",
        )
    )

    facts: dict[str, object] = {"group": "general", "special_groups": [], "basic_subsidy": Decimal("0")}

    if request.cremated_elsewhere:
        if not policy.reimburse_cremated_elsewhere:
            lines.append(Line(_("在外地火化：当地不予报销基本殡葬服务费用"), ("BZ-03",), LOCAL))
            return Decision(
                "funeral_subsidy",
                False,
                Decimal("0"),
                tuple(lines),
                tuple(warnings),
                period="one_off",
                subject=person.name,
                facts=facts,
            )
        lines.append(Line(_("在外地火化：凭有效票据按同等项目和限额报销"), ("BZ-03",), LOCAL))

    groups = _groups(household, person, request, policy, died)
    group = "special" if groups else "general"
    cap = policy.total_caps[group]
    facts["group"] = group
    facts["special_groups"] = groups
    if groups:
        extras = "、".join(_label(item) for item in policy.items if item.special_groups_only)
        lines.append(
            Line(
                _("逝者属于特殊群体(%(groups)s)：%(extras)s合计封顶 %(cap)s 元")
                % {
                    "groups": "、".join(str(SPECIAL_GROUPS[g]) for g in groups),
                    "extras": _("另可享受%(items)s，") % {"items": extras} if extras else "",
                    "cap": money_text(cap),
                },
                ("BZ-02", "BZ-03"),
                LOCAL,
            )
        )
    else:
        lines.append(
            Line(
                _("逝者不属于特殊群体，按一般群体合计封顶 %(cap)s 元") % {"cap": money_text(cap)},
                ("BZ-03",),
                LOCAL,
            )
        )

    actual_cost = policy.cap_mode == "actual_cost"
    granted: list[Decimal] = []
    for cost in request.items:
        item = items.get(cost.code)
        if item is None:
            lines.append(
                Line(
                    _("%(code)s：不在基本殡葬服务补贴项目内，不予补贴(实际费用 %(cost)s 元)")
                    % {"code": cost.code, "cost": money_text(cost.amount)},
                    ("BZ-04",),
                    LOCAL,
                )
            )
            continue
        if item.special_groups_only and not groups:
            lines.append(
                Line(
                    _("%(label)s：仅限特殊群体，不予补贴(实际费用 %(cost)s 元)")
                    % {"label": _label(item), "cost": money_text(cost.amount)},
                    ("BZ-02", "BZ-03"),
                    LOCAL,
                )
            )
            continue
        amount, line = _item_line(cost, item, actual_cost)
        granted.append(amount)
        lines.append(line)
    if not request.items:
        warnings.append(_("未填写殡葬服务费用项目"))

    subtotal = money_sum(granted)
    parts = " + ".join(money_text(g) for g in granted) or "0"
    lines.append(
        Line(
            _("可补贴费用合计 = %(parts)s = %(total)s 元") % {"parts": parts, "total": money_text(subtotal)},
            ("BZ-04",),
            LOCAL,
        )
    )
    basic = round_money(min(subtotal, cap))
    if subtotal > cap:
        text = _("超过%(group)s封顶 %(cap)s 元：补贴 %(amount)s 元")
    else:
        text = _("未超过%(group)s封顶 %(cap)s 元：补贴 %(amount)s 元")
    lines.append(
        Line(
            text % {"group": GROUP_LABELS[group], "cap": money_text(cap), "amount": money_text(basic)},
            ("BZ-04",),
            LOCAL,
        )
    )
    facts["basic_subsidy"] = basic

    amount = basic
    bonus = policy.burial_zone_cremation_subsidy
    if request.burial_zone_voluntary_cremation:
        if bonus:
            # A separate incentive for choosing cremation where burial is allowed: paid on top of the basic
            # services, outside their cap (黑河 lists it apart from the capped items).
            amount = round_money(basic + bonus)
            lines.append(
                Line(
                    _("土葬改革区自愿火化，另补贴 %(bonus)s 元：合计 %(basic)s + %(bonus)s = %(amount)s 元")
                    % {"bonus": money_text(bonus), "basic": money_text(basic), "amount": money_text(amount)},
                    ("BZ-03",),
                    LOCAL,
                )
            )
        else:
            lines.append(Line(_("当地未设土葬改革区自愿火化补贴"), ("BZ-03",), LOCAL))
    facts["voluntary_cremation_subsidy"] = amount - basic

    return Decision(
        "funeral_subsidy",
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
        code="funeral_subsidy",
        label=gettext_lazy("基本殡葬服务补贴"),
        policy_key="funeral_subsidy",
        policy=Policy,
        request=Request,
        assess=assess,
        per_person=True,
        for_the_deceased=True,
    ),
)
