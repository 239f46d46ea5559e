"""Reading uploaded tables (.xlsx via python-calamine, .csv in UTF-8 with or without BOM, or GB18030) as rows.

An .xlsx is a zip archive: 1.5 MB of upload can inflate to 1.5 GB of sheet XML that the reader then holds in
memory. Every workbook is opened through :func:`open_workbook`, which refuses one before parsing when a part
declares more than the limits in settings (``MINZHENG_XLSX_MAX_UNCOMPRESSED_MB`` in all, a compression ratio above
``MINZHENG_XLSX_MAX_RATIO`` for a part of more than 1 MB) and then inflates each part in bounded chunks to check
that it really is the size it declares (a part that claims 1 KB and inflates to 1 GB is refused at 1 KB).
"""

from __future__ import annotations

import csv
import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _

from minzheng.core.errors import ValidationFailed

XLSX_MAGIC = b"PK\x03\x04"
#: a part smaller than this is not held to the ratio (small XML parts compress well and cost nothing)
RATIO_FLOOR = 1024 * 1024
_CHUNK = 1024 * 1024
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")


def _too_big() -> ValidationFailed:
    limit = settings.MINZHENG_XLSX_MAX_UNCOMPRESSED_BYTES // (1024 * 1024)
    return ValidationFailed(
        _(
            "工作簿解压后过大(超过 %(limit)s MB)或压缩比异常，可能是“压缩炸弹”，未读取；"
            "如确是正常数据，请按乡镇拆分后分别上传。"
        )
        % {"limit": limit},
        code="xlsx_too_large",
    )


def _damaged() -> ValidationFailed:
    return ValidationFailed(_("无法读取 Excel 文件：文件已损坏"), code="xlsx_damaged")


def _inflated_size(data: bytes, info: zipfile.ZipInfo, limit: int) -> int:
    """How many bytes the part really inflates to, stopping as soon as it passes ``limit``."""
    try:
        header = _LOCAL_HEADER.unpack_from(data, info.header_offset)
    except struct.error as exc:
        raise _damaged() from exc
    if header[0] != b"PK\x03\x04":
        raise _damaged()
    start = info.header_offset + _LOCAL_HEADER.size + header[9] + header[10]
    raw = memoryview(data)[start : start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        return len(raw)
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise ValidationFailed(_("无法读取 Excel 文件：不支持的压缩方式"), code="xlsx_damaged")
    inflater = zlib.decompressobj(-15)
    size = 0
    pending: bytes | memoryview = raw
    try:
        while pending and not inflater.eof:
            size += len(inflater.decompress(pending, _CHUNK))
            if size > limit:
                raise _too_big()
            pending = inflater.unconsumed_tail
            if not pending and not inflater.eof:
                break
        size += len(inflater.flush())
    except zlib.error as exc:
        raise _damaged() from exc
    return size


def check_xlsx_archive(data: bytes) -> None:
    """Refuse a workbook that would inflate past the limits, before anything parses it (see the module's note)."""
    total_limit: int = settings.MINZHENG_XLSX_MAX_UNCOMPRESSED_BYTES
    ratio: int = settings.MINZHENG_XLSX_MAX_RATIO
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _damaged() from exc
    if len(parts) > 10_000:
        raise _too_big()
    declared = 0
    for part in parts:
        declared += part.file_size
        if declared > total_limit:
            raise _too_big()
        if part.file_size > RATIO_FLOOR and part.file_size > ratio * max(part.compress_size, 1):
            raise _too_big()
    # the declared sizes are the sender's word: inflate each part (in chunks, nothing kept) to hold it to it
    for part in parts:
        if _inflated_size(data, part, part.file_size) != part.file_size:
            raise _damaged()


def open_workbook(data: bytes) -> Any:
    """An uploaded .xlsx opened with python-calamine, after :func:`check_xlsx_archive`."""
    from python_calamine import CalamineWorkbook

    check_xlsx_archive(data)
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises several error types for damaged files
        raise ValidationFailed(_("无法读取 Excel 文件：%(error)s") % {"error": exc}) from exc


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
        workbook = open_workbook(data)
        try:
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
