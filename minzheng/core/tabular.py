"""Reading uploaded tables (.xlsx via python-calamine, .csv in UTF-8 with or without BOM, or GB18030) as rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from django.utils.translation import gettext as _

from minzheng.core.errors import ValidationFailed

XLSX_MAGIC = b"PK\x03\x04"


def cell_text(value: Any) -> str:
    """A cell as text. calamine gives numbers as float (650.0): whole numbers lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _decode_csv(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(_("无法识别文件编码：CSV 文件请使用 UTF-8 或 GB18030 编码。")) from exc


def read_rows(source: BinaryIO | Path | bytes, *, filename: str = "") -> Iterator[tuple[int, list[str]]]:
    """Yield (line number starting at 1, cells as text) for the first sheet of an .xlsx or a .csv file."""
    if isinstance(source, Path):
        filename = filename or source.name
        data = source.read_bytes()
    elif isinstance(source, bytes):
        data = source
    else:
        data = source.read()
    if data.startswith(XLSX_MAGIC):
        from python_calamine import CalamineWorkbook

        try:
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
            sheet = workbook.get_sheet_by_index(0)
        except Exception as exc:  # calamine raises several error types for damaged files
            raise ValidationFailed(_("无法读取 Excel 文件：%(error)s") % {"error": exc}) from exc
        for index, row in enumerate(sheet.iter_rows(), start=1):
            yield index, [cell_text(value) for value in row]
        return
    if filename.lower().endswith((".xls", ".xlsx")) or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ValidationFailed(_("文件不是有效的 .xlsx 工作簿；旧版 .xls 请在 Excel 中另存为 .xlsx 或 CSV。"))
    text = _decode_csv(data)
    for index, csv_row in enumerate(csv.reader(io.StringIO(text)), start=1):
        yield index, [cell.strip() for cell in csv_row]
