"""Region import: a good file, a re-import, files with bad rows (nothing changes; errors listed by line)."""

from __future__ import annotations

import io
from typing import Any

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from minzheng.audit.models import AuditEvent
from minzheng.regions.models import Region
from minzheng.regions.services import RegionImportError, regions_import

HEADER = "code,name,level,parent,urban_rural_class\n"


def _csv(body: str, header: str = HEADER, encoding: str = "utf-8-sig") -> bytes:
    return (header + body).encode(encoding)


def _xlsx(rows: list[list[str]]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    workbook.close()
    return buffer.getvalue()


def test_good_file_adds_townships_and_villages_with_12_digit_codes(personas: dict[str, Any]) -> None:
    data = _csv("510521107000,玄滩镇,乡,510521000000,121\n510521107201,玄滩村民委员会,村,510521107000,220\n")
    result = regions_import(actor=None, source=data, filename="xt.csv")
    assert (result.created, result.renamed) == (2, 0)
    village = Region.objects.get(code="510521107201")
    assert (
        village.parent_id == "510521107" and village.level == "village" and village.code12 == "510521107201"
    )
    assert village.is_urban is False
    assert AuditEvent.objects.filter(event_code="regions.imported", target_id="xt.csv").exists()


def test_reimport_renames_and_adds_without_breaking_references(personas: dict[str, Any]) -> None:
    clerk = personas["township_a_clerk"]
    data = _csv(
        "510521103,得胜镇(新),township,510521,121\n510521103240,新村民委员会,village,510521103,220\n510521103222,白象村民委员会,village,510521103,220\n"
    )
    result = regions_import(actor=None, source=data, filename="again.csv")
    assert (result.created, result.renamed, result.unchanged) == (1, 1, 1)
    clerk.refresh_from_db()
    assert clerk.region.name == "得胜镇(新)"
    assert Region.objects.get(code="510521103240").parent_id == "510521103"
    event = AuditEvent.objects.get(event_code="regions.imported", target_id="again.csv")
    assert event.new_values is not None
    assert event.new_values["changes"] == [{"code": "510521103", "old": "得胜镇", "new": "得胜镇(新)"}]


def test_bad_rows_change_nothing_and_are_listed_by_line(personas: dict[str, Any]) -> None:
    before = list(Region.objects.values_list("code", "name"))
    events_before = AuditEvent.objects.count()
    data = _csv(
        "510521103,得胜镇改名,township,510521,\n"  # line 2: fine on its own
        "51052110X,坏代码,township,510521,\n"  # line 3: not digits
        "510521199,,township,510521,\n"  # line 4: empty name
        "510521198,某镇,district,510521,\n"  # line 5: unknown level
        "510521197555,某村,village,510521197,\n"  # line 6: parent neither in file nor in system
        "510521196,某乡,township,510521,999\n"  # line 7: bad urban-rural class
        "510521103,重复,township,510521,\n"  # line 8: duplicate of line 2
        "5105211030,长度错,township,510521,\n"  # line 9: wrong length for a township
    )
    with pytest.raises(RegionImportError) as excinfo:
        regions_import(actor=None, source=data, filename="bad.csv")
    lines = [e.line for e in excinfo.value.errors]
    assert lines == sorted(lines)
    assert set(lines) == {3, 4, 5, 6, 7, 8, 9}
    messages = " ".join(str(e) for e in excinfo.value.errors)
    assert "第 3 行" in messages and "代码只能包含数字" in messages and "与第 2 行重复" in messages
    assert "上级区划 510521197 既不在文件中，也不在系统中" in messages
    assert list(Region.objects.values_list("code", "name")) == before
    assert AuditEvent.objects.count() == events_before


def test_xlsx_and_gb18030_csv_and_chinese_headers(personas: dict[str, Any]) -> None:
    xlsx = _xlsx(
        [["代码", "名称", "级别", "上级代码", "城乡分类代码"], ["510521108000", "太伏镇", "乡", "", "121"]]
    )
    assert regions_import(actor=None, source=xlsx, filename="t.xlsx").created == 1
    gb = _csv("510521109,云龙镇,乡,,\n", header="代码,名称,级别,上级代码,城乡分类代码\n", encoding="gb18030")
    assert regions_import(actor=None, source=gb, filename="t.csv").created == 1
    assert Region.objects.get(code="510521109").name == "云龙镇"


def test_missing_columns_and_empty_files_are_explained(db: None) -> None:
    with pytest.raises(RegionImportError, match="1 处错误") as excinfo:
        regions_import(actor=None, source=b"foo,bar\n1,2\n", filename="x.csv")
    assert "缺少列" in str(excinfo.value.errors[0])
    with pytest.raises(RegionImportError):
        regions_import(actor=None, source=b"", filename="x.csv")


def test_a_county_admin_cannot_import_outside_their_county(personas: dict[str, Any]) -> None:
    data = _csv("510522,合江县,county,5105,\n")
    with pytest.raises(RegionImportError, match="1 处错误") as excinfo:
        regions_import(actor=personas["county_admin"], source=data, filename="x.csv")
    assert "不在您的管辖范围" in str(excinfo.value.errors[0])


def test_cli_import_reports_bad_rows(
    tmp_path: Any, personas: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.csv"
    good.write_bytes(_csv("510521110,石桥镇,township,510521,\n"))
    call_command("regions", "import", str(good))
    assert "新增 1 个" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv("510521111,,township,510521,\n"))
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("regions", "import", str(bad))
    assert "第 2 行" in capsys.readouterr().err
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("regions", "import", str(tmp_path / "missing.csv"))


def test_import_page_shows_errors_and_result(personas: dict[str, Any], client_for: Any) -> None:
    client = client_for("county_admin")
    bad = SimpleUploadedFile("bad.csv", _csv("510521112,,township,510521,\n"), content_type="text/csv")
    response = client.post(reverse("regions:import"), {"file": bad})
    assert response.status_code == 400
    assert "第 2 行" in response.content.decode()
    good = SimpleUploadedFile(
        "good.csv", _csv("510521112,奇峰镇,township,510521,\n"), content_type="text/csv"
    )
    response = client.post(reverse("regions:import"), {"file": good})
    assert response.status_code == 200 and "新增 1 个" in response.content.decode()


def test_demo_county_file_imports_cleanly(db: None) -> None:
    from minzheng.demo.services import DEMO_REGIONS_FILE

    result = regions_import(actor=None, source=DEMO_REGIONS_FILE, filename=DEMO_REGIONS_FILE.name)
    assert Region.objects.filter(code__startswith="510521", level="township").count() == 20
    assert Region.objects.filter(code__startswith="510521", level="village").count() >= 300
    assert result.created + result.unchanged + result.renamed == 328
