"""高龄津贴 (old-age allowance): the amount payable for the month that contains the assessment date.

GL-01 (the national basis only encourages 80+ low-income schemes: coverage is local), GL-02 (local 户籍),
GL-03 (age bands and amounts are local data, with an optional higher rate for 低保/边缘/特困 recipients, 林口 style),
GL-04 [P] (age in 周岁 from the birth date; a new band applies from the month after the birthday month or from the
birthday month itself; 29 February birthdays fall on 1 March or 28 February in common years). WE-13.

The decision is month-level: payrolls are monthly, so the band in force for month M is fixed by the age reached on
the last day of M − 1 (``next_month``) or of M (``same_month``), whatever day of M the office assesses on.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext_lazy

from minzheng.core.errors import ValidationFailed
from minzheng.rules import dibao
from minzheng.rules.common import (
    LOCAL,
    S6,
    Decision,
    HouseholdSnapshot,
    Line,
    PersonSnapshot,
    Program,
    money_text,
    param,
)
from minzheng.rules.i18n import gettext as _

BAND_CHANGE_CHOICES = {
    "next_month": gettext_lazy("生日次月起按新年龄段发放"),
    "same_month": gettext_lazy("生日当月起按新年龄段发放"),
}
LEAP_BIRTHDAY_CHOICES = {
    "mar1": gettext_lazy("2月29日出生的，平年以3月1日为生日"),
    "feb28": gettext_lazy("2月29日出生的，平年以2月28日为生日"),
}
STATUS_LABELS = {
    "dibao": gettext_lazy("低保"),
    "near_dibao": gettext_lazy("低保边缘"),
    "tekun": gettext_lazy("特困"),
}


@dataclass(frozen=True)
class Band:
    """One age band (周岁, both ends included; ``max_age`` None = no upper limit) and its monthly amount."""

    min_age: int
    max_age: int | None
    amount: Decimal
    #: GL-03 (林口): a higher amount for recipients of 低保/边缘/特困 in this band; None = same amount for all
    amount_low_income: Decimal | None = None


@dataclass(frozen=True)
class Policy:
    """The [L]/[P] parameters of 高龄津贴 (DOMAIN.md §13 ``gaoling:``)."""

    bands: tuple[Band, ...] = param(
        (
            Band(80, 89, Decimal("300")),
            Band(90, 99, Decimal("500")),
            Band(100, None, Decimal("1000")),
        ),
        gettext_lazy("年龄段与津贴标准(元/人·月)"),
        rules=("GL-03",),
    )
    band_change: str = param(
        "next_month", gettext_lazy("进入新年龄段的起始月份"), rules=("GL-04",), choices=BAND_CHANGE_CHOICES
    )
    leap_birthday: str = param(
        "mar1", gettext_lazy("2月29日出生者在平年的生日"), rules=("GL-04",), choices=LEAP_BIRTHDAY_CHOICES
    )
    require_local_hukou: bool = param(True, gettext_lazy("须具有本地户籍"), rules=("GL-02",))
    low_income_only: bool = param(False, gettext_lazy("仅限低收入老年人(低保、边缘、特困)"), rules=("GL-01",))
    low_income_statuses: tuple[str, ...] = param(
        ("dibao", "near_dibao", "tekun"),
        gettext_lazy("按低收入标准发放的救助身份"),
        rules=("GL-01", "GL-03"),
        choices=STATUS_LABELS,
    )


@dataclass(frozen=True)
class Request:
    #: the older person (member name or ID number)
    subject: str = param("", gettext_lazy("申领人(姓名或公民身份号码)"))
    #: GL-02 / GL-04: False when the person's 户籍 is not (or no longer) in this locality
    local_hukou: bool = param(True, gettext_lazy("具有本地户籍"))


def _birthday_in(birth: date, year: int, leap_birthday: str) -> date:
    """The birthday in ``year``; a 29 February birthday falls on 1 March or 28 February in a common year (GL-04)."""
    if birth.month == 2 and birth.day == 29 and not calendar.isleap(year):
        return date(year, 3, 1) if leap_birthday == "mar1" else date(year, 2, 28)
    return date(year, birth.month, birth.day)


def age_in_years(birth: date, on: date, leap_birthday: str = "mar1") -> int:
    """Age in 周岁 on a day (ID-04), with the locality's choice for 29 February birthdays (GL-04)."""
    age = on.year - birth.year
    if on < _birthday_in(birth, on.year, leap_birthday):
        age -= 1
    return age


def _band_label(band: Band) -> str:
    if band.max_age is None:
        return _("%(min)s周岁以上") % {"min": band.min_age}
    return _("%(min)s–%(max)s周岁") % {"min": band.min_age, "max": band.max_age}


def _checked_bands(bands: tuple[Band, ...]) -> tuple[Band, ...]:
    """The bands sorted by age; overlapping or inverted bands make every amount ambiguous, so they are refused."""
    ordered = tuple(sorted(bands, key=lambda b: b.min_age))
    for band in ordered:
        if band.min_age < 0 or (band.max_age is not None and band.max_age < band.min_age):
            raise ValidationFailed(_("高龄津贴年龄段 %(band)s 的起止年龄有误") % {"band": _band_label(band)})
        if band.amount < 0 or (band.amount_low_income is not None and band.amount_low_income < 0):
            raise ValidationFailed(
                _("高龄津贴年龄段 %(band)s 的金额不能为负数") % {"band": _band_label(band)}
            )
    for lower, upper in zip(ordered, ordered[1:], strict=False):
        if lower.max_age is None or lower.max_age >= upper.min_age:
            raise ValidationFailed(
                _("高龄津贴年龄段 %(a)s 与 %(b)s 重叠") % {"a": _band_label(lower), "b": _band_label(upper)}
            )
    return ordered


def band_for(age: int, bands: tuple[Band, ...]) -> Band | None:
    """The band that contains ``age``, or None."""
    for band in bands:
        if band.min_age <= age and (band.max_age is None or age <= band.max_age):
            return band
    return None


def _month_text(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def _month_bounds(on: date) -> tuple[date, date]:
    first = on.replace(day=1)
    return first, on.replace(day=calendar.monthrange(on.year, on.month)[1])


def _next_month_first(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _subject(household: HouseholdSnapshot, subject: str) -> PersonSnapshot:
    return household.subject(subject, missing=_("请指定申领高龄津贴的家庭成员"))


def assess(
    household: HouseholdSnapshot, request: Request, policy: Policy, on: date, *, dibao: dibao.Policy
) -> Decision:
    """Decide the 高龄津贴 payable to one person for the month that contains ``on``."""
    del dibao  # 高龄津贴 does not depend on the 低保 standard
    person = _subject(household, request.subject)
    if person.birth_date > on:
        raise ValidationFailed(_("%(name)s 的出生日期晚于评估日期") % {"name": person.name})
    bands = _checked_bands(policy.bands)
    leap = policy.leap_birthday
    first, last = _month_bounds(on)
    previous_end = first - timedelta(days=1)
    reference = previous_end if policy.band_change == "next_month" else last
    age = age_in_years(person.birth_date, on, leap)
    band_age = age_in_years(person.birth_date, reference, leap)
    band = band_for(band_age, bands)
    status = household.assistance_status
    low_income = status in policy.low_income_statuses
    lines: list[Line] = []
    warnings: list[str] = []

    lines.append(
        Line(
            _("国家鼓励地方建立八十周岁以上低收入老年人高龄津贴制度；覆盖范围、年龄段和标准由当地规定"),
            ("GL-01", "GL-03"),
            S6 + " 第三十三条",
        )
    )
    lines.append(
        Line(
            _("%(name)s，出生日期 %(birth)s，%(on)s 年满 %(age)s 周岁")
            % {"name": person.name, "birth": person.birth_date.isoformat(), "on": on.isoformat(), "age": age},
            ("GL-04", "ID-04"),
            LOCAL,
        )
    )
    if person.birth_date.month == 2 and person.birth_date.day == 29:
        lines.append(
            Line(
                _("2月29日出生：平年以 %(day)s 为生日")
                % {"day": _("3月1日") if leap == "mar1" else _("2月28日")},
                ("GL-04",),
                LOCAL,
            )
        )
    month_rule = (
        _("年龄段变化自生日次月起执行：%(month)s 按上月末(%(ref)s)的年龄 %(age)s 周岁确定年龄段")
        if policy.band_change == "next_month"
        else _("年龄段变化自生日当月起执行：%(month)s 按本月末(%(ref)s)的年龄 %(age)s 周岁确定年龄段")
    )
    lines.append(
        Line(
            month_rule % {"month": _month_text(on), "ref": reference.isoformat(), "age": band_age},
            ("GL-04",),
            LOCAL,
        )
    )

    # WE-13: the office's monthly "满N周岁调整" list holds everyone whose birthday in this month moves them into
    # another band, whether the new amount starts this month or next.
    band_end = band_for(age_in_years(person.birth_date, last, leap), bands)
    band_before = band_for(age_in_years(person.birth_date, previous_end, leap), bands)
    changes = band_end is not None and band_end != band_before
    next_change, next_month = _next_change(person.birth_date, band_age, bands, policy)

    facts: dict[str, object] = {
        "age": age,
        "band_age": band_age,
        "band_reference_date": reference.isoformat(),
        "band": _band_label(band) if band else "",
        "low_income_rate": False,
        "band_changes_this_month": changes,
        "new_band": _band_label(band_end) if changes and band_end else "",
        "next_band_change": next_change.isoformat() if next_change else None,
        "next_band_month": _month_text(next_month) if next_month else None,
    }

    def refuse(line: Line) -> Decision:
        lines.append(line)
        return Decision(
            "elderly_allowance",
            False,
            Decimal("0"),
            tuple(lines),
            tuple(warnings),
            period="monthly",
            subject=person.name,
            facts=facts,
        )

    if person.date_of_death is not None and person.date_of_death < first:
        facts["next_band_change"] = facts["next_band_month"] = None
        facts["band_changes_this_month"] = False
        facts["new_band"] = ""
        return refuse(
            Line(
                _("%(name)s 已于 %(death)s 死亡，%(month)s 起停发")
                % {
                    "name": person.name,
                    "death": person.date_of_death.isoformat(),
                    "month": _month_text(_next_month_first(person.date_of_death)),
                },
                ("GL-04",),
                LOCAL,
            )
        )
    if policy.require_local_hukou and not request.local_hukou:
        return refuse(
            Line(_("%(name)s 不具有本地户籍，不享受本地高龄津贴") % {"name": person.name}, ("GL-02",), LOCAL)
        )
    if policy.low_income_only and not low_income:
        return refuse(
            Line(
                _("当地高龄津贴仅限低收入老年人(%(statuses)s)，%(name)s 所在家庭不属于上述对象")
                % {
                    "statuses": "、".join(str(STATUS_LABELS.get(s, s)) for s in policy.low_income_statuses),
                    "name": person.name,
                },
                ("GL-01",),
                S6 + " 第三十三条",
            )
        )
    if band is None:
        lowest = bands[0].min_age if bands else None
        if lowest is None:
            warnings.append(_("当地未设置高龄津贴年龄段"))
        return refuse(
            Line(
                _("%(age)s 周岁不在当地高龄津贴年龄段内(最低 %(min)s 周岁)，%(month)s 不发放")
                % {"age": band_age, "min": lowest if lowest is not None else "—", "month": _month_text(on)},
                ("GL-03",),
                LOCAL,
            )
        )

    amount = band.amount
    if low_income and band.amount_low_income is not None:
        amount = band.amount_low_income
        facts["low_income_rate"] = True
        lines.append(
            Line(
                _("%(age)s 周岁属于 %(band)s 年龄段，家庭为%(status)s对象：高龄津贴 %(amount)s 元/月")
                % {
                    "age": band_age,
                    "band": _band_label(band),
                    "status": STATUS_LABELS.get(status, status),
                    "amount": money_text(amount),
                },
                ("GL-03",),
                LOCAL,
            )
        )
    else:
        lines.append(
            Line(
                _("%(age)s 周岁属于 %(band)s 年龄段：高龄津贴 %(amount)s 元/月")
                % {"age": band_age, "band": _band_label(band), "amount": money_text(amount)},
                ("GL-03",),
                LOCAL,
            )
        )
    if changes and band_end is not None:
        starts = first if policy.band_change == "same_month" else _next_month_first(first)
        lines.append(
            Line(
                _("本月进入 %(band)s 年龄段，列入 %(month)s 年龄段调整名单；新标准自 %(start)s 起执行")
                % {"band": _band_label(band_end), "month": _month_text(on), "start": _month_text(starts)},
                ("GL-03", "GL-04"),
                LOCAL,
            )
        )
    if person.date_of_death is not None and person.date_of_death <= last:
        lines.append(
            Line(
                _("%(name)s 于 %(death)s 死亡：本月照发，次月起停发")
                % {"name": person.name, "death": person.date_of_death.isoformat()},
                ("GL-04",),
                LOCAL,
            )
        )
        facts["next_band_change"] = facts["next_band_month"] = None
    elif next_change is not None and next_month is not None and not changes:
        upcoming = band_for(age_in_years(person.birth_date, next_change, leap), bands)
        lines.append(
            Line(
                _("下次年龄段变化：%(day)s 满 %(age)s 周岁，自 %(month)s 起按 %(band)s 标准发放")
                % {
                    "day": next_change.isoformat(),
                    "age": age_in_years(person.birth_date, next_change, leap),
                    "month": _month_text(next_month),
                    "band": _band_label(upcoming) if upcoming else _("(无年龄段)"),
                },
                ("GL-04",),
                LOCAL,
            )
        )
    return Decision(
        "elderly_allowance",
        True,
        amount,
        tuple(lines),
        tuple(warnings),
        zero_after_rounding=amount == 0,
        period="monthly",
        subject=person.name,
        facts=facts,
    )


def _next_change(
    birth: date, band_age: int, bands: tuple[Band, ...], policy: Policy
) -> tuple[date | None, date | None]:
    """The next birthday that moves the person into another band, and the first month paid at the new band."""
    boundaries = {b.min_age for b in bands} | {b.max_age + 1 for b in bands if b.max_age is not None}
    later = sorted(a for a in boundaries if a > band_age)
    if not later or birth.year + later[0] > date.max.year - 1:
        return None, None
    day = _birthday_in(birth, birth.year + later[0], policy.leap_birthday)
    start = day.replace(day=1) if policy.band_change == "same_month" else _next_month_first(day)
    return day, start


PROGRAMS: tuple[Program, ...] = (
    Program(
        code="elderly_allowance",
        label=gettext_lazy("高龄津贴"),
        policy_key="elderly_allowance",
        policy=Policy,
        request=Request,
        assess=assess,
        per_person=True,
    ),
)
