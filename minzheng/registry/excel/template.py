"""The import template a clerk fills in, and the error workbook handed back when a file has bad rows."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from xlsxwriter.utility import xl_col_to_name

from minzheng.core import exports
from minzheng.registry.excel.columns import COLUMNS, TEXT_KINDS, Column, choice_labels
from minzheng.registry.excel.importing import ImportIssue, ImportReport


def column_options(column: Column) -> list[str]:
    if column.choices is not None:
        return choice_labels(column.choices)
    if column.kind == "bool":
        return [_("是"), _("否")]
    if column.kind == "sex":
        return [_("男"), _("女")]
    if column.kind == "grade":
        return ["1", "2", "3", "4"]
    return []


def import_template() -> bytes:
    """The .xlsx a clerk fills in: one row per member, an instructions sheet, drop-downs for every coded column."""
    buffer = io.BytesIO()
    workbook = exports.workbook(buffer, in_memory=True)
    data = workbook.add_worksheet(_("家庭成员"))
    notes = workbook.add_worksheet(_("说明"))
    lists = workbook.add_worksheet(_("代码表"))
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    required = workbook.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "border": 1, "font_color": "#C00000", "text_wrap": True}
    )
    as_text = workbook.add_format({"num_format": "@"})
    as_date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    list_sheet = lists.name.replace("'", "''")

    list_col = 0
    for index, column in enumerate(COLUMNS):
        cell_format = as_text if column.kind in TEXT_KINDS else as_date if column.kind == "date" else None
        data.set_column(index, index, column.width, cell_format)
        data.write_string(0, index, str(column.header), required if column.required else header)
        options = column_options(column)
        if options:
            lists.write_string(0, list_col, str(column.header), header)
            for row, option in enumerate(options, start=1):
                lists.write_string(row, list_col, option)
            letter = xl_col_to_name(list_col)
            data.data_validation(
                1,
                index,
                1_048_575,
                index,
                {
                    "validate": "list",
                    "source": f"='{list_sheet}'!${letter}$2:${letter}${len(options) + 1}",
                    "error_title": str(column.header),
                    "error_message": _("请从下拉列表中选择。"),
                },
            )
            list_col += 1
    data.freeze_panes(1, 0)
    data.set_row(0, 30)
    lists.hide()

    title = workbook.add_format({"bold": True, "font_size": 14})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    notes.set_column(0, 0, 16)
    notes.set_column(1, 1, 8)
    notes.set_column(2, 2, 60)
    notes.set_column(3, 3, 60)
    notes.write_string(0, 0, _("家庭档案批量导入：填写说明"), title)
    rules = [
        _("1. 在“家庭成员”工作表中填写，一行一位家庭成员；第一行是列名，请勿修改或删除。"),
        _(
            "2. 同一户的成员填写相同的户编号；住址、户籍类型、电话、银行账号等家庭信息填在该户任意一行即可，多行填写时必须一致。"
        ),
        _("3. 每户必须有且只有一位与户主关系为“户主”的成员。"),
        _("4. 公民身份号码、银行账号、电话、村代码请保持文本格式（模板已设置）；存成数字会丢失末几位。"),
        _("5. 带下拉列表的列请从列表中选择；也可填写英文名称或系统代码。"),
        _(
            "6. 系统先检查全部行：只要有一行有错，整个文件都不导入，并给出错误清单（行号、列、值、原因）；改正后重新上传即可。"
        ),
        _("7. 支持 .xlsx，以及 UTF-8（含 BOM）或 GB18030 编码的 CSV 文件。"),
    ]
    for row, rule in enumerate(rules, start=2):
        notes.write_string(row, 0, rule)
    top = len(rules) + 3
    for col, text in enumerate([_("列名"), _("是否必填"), _("填写说明"), _("可选值")]):
        notes.write_string(top, col, text, header)
    for offset, column in enumerate(COLUMNS, start=1):
        notes.write_string(top + offset, 0, str(column.header))
        notes.write_string(top + offset, 1, _("必填") if column.required else _("可空"))
        notes.write_string(top + offset, 2, str(column.help), wrap)
        notes.write_string(top + offset, 3, _("、").join(column_options(column)), wrap)
    workbook.close()
    return buffer.getvalue()


def error_workbook(report: ImportReport) -> bytes:
    """The errors (and warnings) of an import as .xlsx: 行号, 列, 值, 错误说明."""
    buffer = io.BytesIO()
    workbook = exports.workbook(buffer, in_memory=True)
    header = workbook.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    sheets: list[tuple[str, list[ImportIssue], int]] = [(_("错误"), report.errors, report.error_count)]
    if report.warnings:
        sheets.append((_("提示"), report.warnings, report.warning_count))
    for title, issues, total in sheets:
        sheet = workbook.add_worksheet(title)
        sheet.set_column(0, 0, 8)
        sheet.set_column(1, 1, 14)
        sheet.set_column(2, 2, 24)
        sheet.set_column(3, 3, 70)
        for col, text in enumerate(
            [_("行号"), _("列"), _("值"), _("错误说明") if issues is report.errors else _("提示说明")]
        ):
            sheet.write_string(0, col, text, header)
        for index, issue in enumerate(issues, start=1):
            sheet.write_number(index, 0, issue.row)
            sheet.write_string(index, 1, issue.column)
            sheet.write_string(index, 2, issue.value)
            sheet.write_string(index, 3, issue.message, wrap)
        if total > len(issues):
            sheet.write_string(
                len(issues) + 1,
                3,
                _("共 %(total)s 条，只列出前 %(shown)s 条；请改正后重新上传。")
                % {"total": total, "shown": len(issues)},
            )
        sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()
