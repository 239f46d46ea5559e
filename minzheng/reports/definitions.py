"""Quarterly report forms as data: column groups of indicators (the merged headers) and rows by 城市/农村/合计.

A form is computed for any region in scope and any period; each cell keeps the indicator and cut that produced it,
so the page can link every number to the records behind it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from minzheng.reports.indicators import (
    AGE_BANDS,
    CATALOGUE,
    FUNERAL_GROUP,
    HUKOU,
    MEDICAL_CLASS,
    VETERAN_CATEGORY,
    Dimension,
    values_by_cut_batched,
)
from minzheng.reports.periods import Period
from minzheng.rules.funeral_subsidy import SPECIAL_GROUPS
from minzheng.rules.tekun import CARE_LEVELS, SUPPORT_FORMS
from minzheng.rules.temporary import KINDS


@dataclass(frozen=True)
class Group:
    label: Promise
    columns: tuple[tuple[str, Any], ...]  # (indicator code, column header)


def rows_of(dimension: Dimension) -> tuple[tuple[str, Any], ...]:
    """A row per value of the dimension, then the total."""
    return (*((dimension.cut(value), label) for value, label in dimension.values.items()), ("", _("合计")))


@dataclass(frozen=True)
class ReportForm:
    code: str
    title: Promise
    groups: tuple[Group, ...]
    rows: tuple[tuple[str, Any], ...] = rows_of(HUKOU)
    #: what the rows break the numbers down by (their cuts are of this dimension)
    dimension: Dimension = HUKOU

    @property
    def indicators(self) -> list[str]:
        return [code for group in self.groups for code, _label in group.columns]


def _program_form(program: str, title: Promise, *, members: bool = False) -> ReportForm:
    groups = [
        Group(
            _("保障对象"),
            ((f"{program}.households", _("户数(件)")), (f"{program}.persons", _("人数"))),
        ),
    ]
    if members:
        groups.append(
            Group(
                _("其中(人)"),
                (
                    ("dibao.persons_elderly", _("老年人")),
                    ("dibao.persons_minors", _("未成年人")),
                    ("dibao.persons_disabled", _("残疾人")),
                    ("dibao.persons_ill", _("重病患者")),
                ),
            )
        )
    groups += _changes_and_funds(program)
    return ReportForm(program, title, tuple(groups))


def _changes_and_funds(program: str) -> list[Group]:
    return [
        Group(_("本期变动"), ((f"{program}.entries", _("新增")), (f"{program}.exits", _("退出")))),
        Group(_("资金(元)"), ((f"{program}.funds", _("发放金额")),)),
    ]


def _tekun_form() -> ReportForm:
    return ReportForm(
        "tekun",
        _("特困人员救助供养情况统计表"),
        (
            Group(_("特困人员"), (("tekun.households", _("人数")),)),
            Group(
                _("供养形式(人)"), tuple((f"tekun.{form}", label) for form, label in SUPPORT_FORMS.items())
            ),
            Group(
                _("生活自理能力(人)"),
                (
                    *((f"tekun.care_{level}", label) for level, label in CARE_LEVELS.items()),
                    ("tekun.care_unknown", _("未评估")),
                ),
            ),
            *_changes_and_funds("tekun"),
        ),
    )


def _temporary_form() -> ReportForm:
    return ReportForm(
        "temporary",
        _("临时救助情况统计表"),
        (
            Group(
                _("救助情况"),
                (("temporary.cases", _("件数")), ("temporary.person_times", _("人次"))),
            ),
            Group(_("救助类型(件)"), tuple((f"temporary.{kind}", label) for kind, label in KINDS.items())),
            Group(
                _("资金(元)"),
                (("temporary.amount", _("救助金额")), ("temporary.funds", _("发放金额"))),
            ),
        ),
    )


def _medical_form() -> ReportForm:
    return ReportForm(
        "medical",
        _("医疗救助情况统计表"),
        (
            Group(_("救助情况"), (("medical.cases", _("件数")), ("medical.persons", _("人数")))),
            Group(_("资金(元)"), (("medical.amount", _("救助金额")), ("medical.funds", _("发放金额")))),
        ),
        rows=rows_of(MEDICAL_CLASS),
        dimension=MEDICAL_CLASS,
    )


def _funeral_form() -> ReportForm:
    return ReportForm(
        "funeral_subsidy",
        _("基本殡葬服务补贴发放情况统计表"),
        (
            Group(_("补贴件数"), (("funeral_subsidy.cases", _("合计")),)),
            Group(
                _("其中特殊群体(件，可兼属)"),
                tuple((f"funeral_subsidy.{group}", label) for group, label in SPECIAL_GROUPS.items()),
            ),
            Group(
                _("资金(元)"),
                (("funeral_subsidy.amount", _("补贴金额")), ("funeral_subsidy.funds", _("发放金额"))),
            ),
        ),
        rows=rows_of(FUNERAL_GROUP),
        dimension=FUNERAL_GROUP,
    )


def _conscript_form() -> ReportForm:
    return ReportForm(
        "conscript_family",
        _("义务兵家庭优待金发放情况统计表"),
        (
            Group(_("优待家庭"), (("conscript_family.families", _("户数")),)),
            *_changes_and_funds("conscript_family"),
        ),
    )


def _elderly_form() -> ReportForm:
    bands = tuple(
        (f"elderly_allowance.age_{low}", f"{low}–{high}" if high else f"{low}+") for low, high in AGE_BANDS
    )
    return ReportForm(
        "elderly_allowance",
        _("高龄津贴发放情况统计表"),
        (
            Group(_("领取人数"), (("elderly_allowance.households", _("合计")),)),
            Group(_("按年龄段(周岁)"), bands),
            *_changes_and_funds("elderly_allowance"),
        ),
    )


def _disability_form() -> ReportForm:
    def program(code: str, label: Promise) -> Group:
        return Group(
            label,
            (
                (f"{code}.households", _("人数")),
                (f"{code}.entries", _("新增")),
                (f"{code}.exits", _("退出")),
                (f"{code}.funds", _("发放金额(元)")),
            ),
        )

    return ReportForm(
        "disability",
        _("残疾人两项补贴发放情况统计表"),
        (
            program("disability_living", _("困难残疾人生活补贴")),
            program("disability_nursing", _("重度残疾人护理补贴")),
        ),
    )


def _veterans_form() -> ReportForm:
    return ReportForm(
        "veterans",
        _("优抚对象抚恤补助发放情况统计表"),
        (
            Group(_("优抚对象"), (("veterans.households", _("人数")),)),
            *_changes_and_funds("veterans"),
        ),
        rows=rows_of(VETERAN_CATEGORY),
        dimension=VETERAN_CATEGORY,
    )


FORMS: dict[str, ReportForm] = {
    form.code: form
    for form in (
        _program_form("dibao", _("城乡最低生活保障情况统计表"), members=True),
        _tekun_form(),
        _temporary_form(),
        _medical_form(),
        _funeral_form(),
        _elderly_form(),
        _disability_form(),
        _veterans_form(),
        _conscript_form(),
        ReportForm(
            "summary",
            _("乡镇民政业务季度工作汇总表"),
            (
                Group(
                    _("申请审批(件)"),
                    (
                        ("procedure.received", _("受理")),
                        ("procedure.decided", _("办结")),
                        ("procedure.overdue", _("逾期未办结")),
                    ),
                ),
                Group(_("公示"), (("procedure.objections", _("收到异议")),)),
                Group(_("动态管理"), (("procedure.reviews", _("完成复核")),)),
            ),
            rows=(("", _("合计")),),
        ),
    )
}


@dataclass(frozen=True)
class Cell:
    indicator: str
    cut: str
    value: Decimal | int


@dataclass(frozen=True)
class Table:
    form: ReportForm
    region: str
    period: Period
    rows: list[tuple[Promise, list[Cell]]]

    def as_json(self) -> dict[str, Any]:
        return {
            "form": self.form.code,
            "region": self.region,
            "period": self.period.code,
            "rows": [[str(label), [str(c.value) for c in cells]] for label, cells in self.rows],
        }


def _batches(codes: list[str]) -> list[list[str]]:
    """The form's indicators grouped by batch (in order of first appearance); one without a batch stands alone."""
    groups: dict[str, list[str]] = {}
    for code in codes:
        groups.setdefault(CATALOGUE[code].batch or code, []).append(code)
    return list(groups.values())


def compute(form: ReportForm, region: str, period: Period) -> Table:
    """One GROUP BY per indicator, or per batch of indicators sharing their records; rows are the cuts and the
    whole."""
    by_indicator: dict[str, dict[str, Decimal | int]] = {}
    for batch in _batches(form.indicators):
        by_indicator |= values_by_cut_batched(
            [CATALOGUE[code] for code in batch], region, period, form.dimension
        )
    rows = [
        (label, [Cell(code, cut, by_indicator[code][cut]) for code in form.indicators])
        for cut, label in form.rows
    ]
    return Table(form, region, period, rows)
