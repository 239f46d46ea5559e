"""A report as an .xlsx laid out like the official form: title, region, period and unit, merged two-level headers,
the rows with a totals row, and the preparer and date lines."""

from __future__ import annotations

import io
from datetime import date

from django.utils.translation import gettext as _

from minzheng.core import exports
from minzheng.reports.definitions import Table


def table_xlsx(table: Table, *, region_name: str, preparer: str, today: date) -> bytes:
    out = io.BytesIO()
    book = exports.workbook(out, in_memory=True)
    sheet = book.add_worksheet(str(table.form.title)[:31])
    width = 1 + len(table.form.indicators)
    title = book.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
    head = book.add_format(
        {"bold": True, "align": "center", "valign": "vcenter", "border": 1, "text_wrap": True}
    )
    cell = book.add_format({"border": 1})
    money = book.add_format({"border": 1, "num_format": "#,##0.00"})
    bold = book.add_format({"border": 1, "bold": True})
    sheet.merge_range(0, 0, 0, width - 1, str(table.form.title), title)
    sheet.write_string(1, 0, _("填报单位：%(r)s") % {"r": region_name})
    sheet.write_string(1, max(1, width - 3), _("统计期间：%(p)s") % {"p": table.period.label})
    sheet.write_string(2, 0, _("计量单位：户、人、元"))
    # two header rows: the group over its columns, then each column; the row label spans both
    sheet.merge_range(3, 0, 4, 0, _("类别"), head)
    column = 1
    for group in table.form.groups:
        span = len(group.columns)
        if span > 1:
            sheet.merge_range(3, column, 3, column + span - 1, str(group.label), head)
        else:
            sheet.write_string(3, column, str(group.label), head)
        for _code, label in group.columns:
            sheet.write_string(4, column, str(label), head)
            column += 1
    for index, (label, cells) in enumerate(table.rows):
        row = 5 + index
        last = index == len(table.rows) - 1
        sheet.write_string(row, 0, str(label), bold if last else cell)
        for offset, item in enumerate(cells, start=1):
            if isinstance(item.value, int):
                sheet.write_number(row, offset, item.value, cell)
            else:
                # a cell holds a double; report money is well inside the exact range and shown to the fen
                sheet.write_number(row, offset, float(item.value), money)
    footer = 6 + len(table.rows)
    sheet.write_string(footer, 0, _("填表人：%(p)s") % {"p": preparer})
    sheet.write_string(footer, max(1, width - 3), _("填报日期：%(d)s") % {"d": today.isoformat()})
    # a Chinese character is about two of Excel's width units: the label column as wide as its longest label
    sheet.set_column(0, 0, min(max([12, *(2 * len(str(label)) + 2 for label, _cells in table.rows)]), 60))
    sheet.set_column(1, width - 1, 11)
    book.close()
    return out.getvalue()
