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

from minzheng.reports.indicators import CATALOGUE, CUTS
from minzheng.reports.periods import Period


@dataclass(frozen=True)
class Group:
    label: Promise
    columns: tuple[tuple[str, Promise], ...]  # (indicator code, column header)


@dataclass(frozen=True)
class ReportForm:
    code: str
    title: Promise
    groups: tuple[Group, ...]
    rows: tuple[tuple[str, Promise], ...] = (
        ("urban", CUTS["urban"][0]),
        ("rural", CUTS["rural"][0]),
        ("", _("合计")),
    )

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
    groups += [
        Group(_("本期变动"), ((f"{program}.entries", _("新增")), (f"{program}.exits", _("退出")))),
        Group(_("资金(元)"), ((f"{program}.funds", _("发放金额")),)),
    ]
    return ReportForm(program, title, tuple(groups))


FORMS: dict[str, ReportForm] = {
    form.code: form
    for form in (
        _program_form("dibao", _("城乡最低生活保障情况统计表"), members=True),
        _program_form("tekun", _("特困人员救助供养情况统计表")),
        _program_form("temporary", _("临时救助情况统计表")),
        _program_form("elderly_allowance", _("高龄津贴发放情况统计表")),
        _program_form("disability_living", _("困难残疾人生活补贴发放情况统计表")),
        _program_form("disability_nursing", _("重度残疾人护理补贴发放情况统计表")),
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


def compute(form: ReportForm, region: str, period: Period) -> Table:
    """One GROUP BY per indicator; rows are the cuts and the whole."""
    by_indicator = {code: CATALOGUE[code].values_by_cut(region, period) for code in form.indicators}
    rows = [
        (label, [Cell(code, cut, by_indicator[code][cut]) for code in form.indicators])
        for cut, label in form.rows
    ]
    return Table(form, region, period, rows)
