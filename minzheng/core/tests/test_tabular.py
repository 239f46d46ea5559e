"""Zip bombs (issue 16, item 3): an .xlsx that inflates far past its size is refused with a clear message before
anything parses it, at every place a workbook is uploaded; a normal workbook still reads."""

from __future__ import annotations

import functools
import io
import struct
import zipfile
from datetime import date
from typing import Any

import pytest

from minzheng.core.errors import ValidationFailed
from minzheng.core.tabular import check_xlsx_archive, read_rows
from minzheng.payments import bankfiles
from minzheng.payments.models import BankReturn
from minzheng.payments.tests.factories import approved_cycle, approved_dibao
from minzheng.regions.services import regions_import
from minzheng.registry.excel import registry_import
from minzheng.reports.budget_excel import budgets_import

MB = 1024 * 1024
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"></Types>'
)


@functools.cache
def bomb(megabytes: int = 200) -> bytes:
    """An .xlsx-shaped zip whose sheet is ``megabytes`` MB of one repeated byte: well under 1 MB on disk."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            block = b" " * MB
            for _i in range(megabytes):
                part.write(block)
    return out.getvalue()


def lying_bomb() -> bytes:
    """A part that declares 1 KB (local header and central directory) and inflates to 20 MB."""
    data = bytearray(bomb(20))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    struct.pack_into("<L", data, info.header_offset + 22, 1024)
    central = data.rfind(b"PK\x01\x02")  # the sheet is the last entry of the central directory
    struct.pack_into("<L", data, central + 24, 1024)
    return bytes(data)


def test_the_bomb_is_small_on_disk_and_huge_inflated() -> None:
    content = bomb()
    assert len(content) < MB
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size == 200 * MB


@pytest.mark.parametrize("make", [bomb, lying_bomb])
def test_a_zip_bomb_is_refused_before_it_is_parsed(make: Any) -> None:
    with pytest.raises(ValidationFailed, match="压缩炸弹") as caught:
        list(read_rows(make(), filename="bomb.xlsx"))
    assert caught.value.code == "xlsx_too_large"


def test_the_limits_come_from_settings(settings: Any) -> None:
    settings.MINZHENG_XLSX_MAX_RATIO = 5000
    settings.MINZHENG_XLSX_MAX_UNCOMPRESSED_BYTES = 300 * MB
    check_xlsx_archive(bomb(50))  # 50 MB at about 1000 : 1 passes once an office raises both limits
    settings.MINZHENG_XLSX_MAX_UNCOMPRESSED_BYTES = 40 * MB
    with pytest.raises(ValidationFailed, match="超过 40 MB"):
        check_xlsx_archive(bomb(50))


def test_a_normal_workbook_still_reads() -> None:
    from minzheng.core import exports

    out = io.BytesIO()
    book = exports.workbook(out, in_memory=True)
    sheet = book.add_worksheet()
    for row in range(2000):
        exports.write_cells(sheet, row, ["张三", f"5105211{row:05d}", row])
    book.close()
    rows = list(read_rows(out.getvalue(), filename="ok.xlsx"))
    assert rows[1] == (2, ["张三", "510521100001", "1"]) and len(rows) == 2000


@pytest.mark.django_db
def test_every_workbook_upload_refuses_the_bomb_and_writes_nothing(personas: dict[str, Any]) -> None:
    content = bomb()
    clerk = personas["township_a_clerk"]
    with pytest.raises(ValidationFailed, match="压缩炸弹"):
        registry_import(actor=clerk, source=content, filename="bomb.xlsx", dry_run=True)
    with pytest.raises(ValidationFailed, match="压缩炸弹"):
        budgets_import(actor=clerk, source=content, filename="bomb.xlsx")
    with pytest.raises(ValidationFailed, match="压缩炸弹"):
        regions_import(actor=personas["county_admin"], source=content, filename="bomb.xlsx")
    approved_dibao(personas)
    cycle = approved_cycle(personas, date(2025, 4, 1))
    template = next(t for t in bankfiles.templates_for(cycle.region_id) if t.file_format == "xlsx")
    bankfiles.bank_file_export(actor=clerk, cycle=cycle, template=template)
    with pytest.raises(ValidationFailed, match="压缩炸弹"):
        bankfiles.bank_return_import(actor=clerk, cycle=cycle, file_name="回盘.xlsx", content=content)
    assert not BankReturn.objects.filter(cycle=cycle).exists()
