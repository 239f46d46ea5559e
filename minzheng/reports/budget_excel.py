"""A year's budgets as a workbook: one row per county or township in scope, one column per paid program, filled in
with what is set; uploaded back, every cell is set through `services.budget_set` in one transaction, or none is."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, BinaryIO

from django.db import transaction
from django.utils.translation import gettext as _

from minzheng.core import exports
from minzheng.core.errors import DomainError
from minzheng.core.money import round_money, to_decimal
from minzheng.core.scope import scope_code_for
from minzheng.core.tabular import read_rows
from minzheng.regions.models import Region
from minzheng.reports import services
from minzheng.reports.indicators import PAID_PROGRAMS
from minzheng.reports.models import Budget
from minzheng.rules.programs import PROGRAMS


@dataclass(frozen=True)
class BudgetCellError:
    """One problem at a cell of the uploaded workbook; rows are the spreadsheet's own."""

    row: int
    column: str
    value: str
    message: str


@dataclass
class BudgetImport:
    """What an upload did: how many budgets it set, changed or removed, or why it changed nothing."""

    changed: int = 0
    errors: list[BudgetCellError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _Refused(Exception):
    """Leaves the upload's transaction when any cell was refused: nothing stays."""


def _programs() -> list[tuple[str, str]]:
    return [(code, str(PROGRAMS[code].label)) for code in PAID_PROGRAMS if code in PROGRAMS]


def _headers() -> list[str]:
    return [_("年度"), _("区划代码"), _("范围"), *(label for _code, label in _programs())]


def budgets_workbook(*, user: Any, year: int) -> bytes:
    """The year's grid for the user's scope: its county or township and the townships inside it, amounts in yuan."""
    scope = scope_code_for(user) or ""
    regions = list(
        Region.objects.filter(code__startswith=scope, level__in=("county", "township")).order_by("code")
    )
    amounts = {
        (row.region_id, row.program): row.amount for row in Budget.objects.visible_to(user).filter(year=year)
    }
    out = io.BytesIO()
    book = exports.workbook(out, in_memory=True)
    sheet = book.add_worksheet(_("预算"))
    head = book.add_format({"bold": True, "border": 1, "bg_color": "#DDEBF7", "text_wrap": True})
    text = book.add_format({"border": 1, "num_format": "@"})
    money = book.add_format({"border": 1, "num_format": "#,##0.00"})
    headers = _headers()
    for column, header in enumerate(headers):
        sheet.write_string(0, column, header, head)
    programs = _programs()
    for index, region in enumerate(regions, start=1):
        sheet.write_string(index, 0, str(year), text)
        sheet.write_string(index, 1, region.code, text)  # text: a code is not a number
        sheet.write_string(index, 2, region.name, text)
        for offset, (code, _label) in enumerate(programs, start=3):
            amount = amounts.get((region.code, code))
            if amount is None:
                sheet.write_blank(index, offset, None, money)
            else:
                sheet.write_number(index, offset, float(amount), money)
    sheet.set_column(0, 1, 14)
    sheet.set_column(2, 2, 22)
    sheet.set_column(3, len(headers) - 1, 16)
    sheet.freeze_panes(1, 3)
    notes = book.add_worksheet(_("填写说明"))
    for line, note in enumerate(
        [
            _("每行是一个县或乡镇(街道)，每列是一个发放项目；金额以元为单位，可带两位小数。"),
            _("留空表示没有预算：原来填过的预算在上传后删除。"),
            _("不要修改“年度”“区划代码”两列；可以删去不需要改动的行。"),
            _("上传时逐格检查：有任何一格不对，整个文件都不保存，并列出每一处问题。"),
        ]
    ):
        notes.write_string(line, 0, note)
    notes.set_column(0, 0, 90)
    book.close()
    return out.getvalue()


def budgets_import(*, actor: Any, source: bytes | BinaryIO | Path, filename: str) -> BudgetImport:
    """Set every budget of an uploaded grid (an empty cell removes one); all or nothing, each change audited."""
    result = BudgetImport()
    rows = read_rows(source, filename=filename)
    header = next(rows, None)
    if header is None:
        result.errors.append(BudgetCellError(1, "", "", _("文件是空的：请先下载预算表，填好后再上传。")))
        return result
    header_row, cells = header
    by_label = {label: code for code, label in _programs()}
    columns: list[tuple[int, str, str]] = []  # (index, program, header)
    for index, raw in enumerate(cells[3:], start=3):
        label = raw.strip()
        if not label:
            continue
        program = by_label.get(label)
        if program is None:
            result.errors.append(
                BudgetCellError(header_row, label, label, _("没有这个发放项目：请使用下载的预算表"))
            )
        else:
            columns.append((index, program, label))
    if [c.strip() for c in cells[:3]] != _headers()[:3]:
        result.errors.append(
            BudgetCellError(
                header_row,
                "",
                "、".join(cells[:3]),
                _("前三列应为“年度”“区划代码”“范围”：请使用下载的预算表"),
            )
        )
    if result.errors:
        return result
    try:
        with transaction.atomic():
            for line, cells in rows:
                if not any(cell.strip() for cell in cells):
                    continue
                _import_row(actor, line, cells, columns, result)
            if result.errors:
                raise _Refused
    except _Refused:
        result.changed = 0
    return result


def _import_row(
    actor: Any, line: int, cells: list[str], columns: list[tuple[int, str, str]], result: BudgetImport
) -> None:
    def cell(index: int) -> str:
        return cells[index].strip() if index < len(cells) else ""

    year_text, region_code = cell(0), cell(1)
    try:
        year = int(year_text)
    except ValueError:
        result.errors.append(BudgetCellError(line, _("年度"), year_text, _("年度应为四位数字，如 2026")))
        return
    current = dict(Budget.objects.filter(region_id=region_code, year=year).values_list("program", "amount"))
    for index, program, header in columns:
        text = cell(index)
        if _unchanged(text, current.get(program)):
            continue
        try:
            services.budget_set(actor=actor, region_code=region_code, program=program, year=year, amount=text)
        except DomainError as exc:
            if exc.status == 403:
                result.errors.append(
                    BudgetCellError(
                        line,
                        _("区划代码"),
                        region_code,
                        _("%(code)s 不在您的管辖范围内") % {"code": region_code},
                    )
                )
                return
            for name, messages in (exc.fields or {"": [str(exc.message)]}).items():
                column = {"region": _("区划代码"), "year": _("年度")}.get(name, header)
                value = {"region": region_code, "year": year_text}.get(name, text)
                result.errors.extend(BudgetCellError(line, column, value, str(m)) for m in messages)
            if exc.fields and ("region" in exc.fields or "year" in exc.fields):
                return  # the same for every cell of the row: said once
        else:
            result.changed += 1


def _unchanged(text: str, current: Decimal | None) -> bool:
    """An empty cell where nothing is set, or the amount already set: no write, no audit event."""
    if not text:
        return current is None
    try:
        return current is not None and round_money(to_decimal(text)) == current
    except (InvalidOperation, ValueError, TypeError):
        return False  # budget_set explains it
