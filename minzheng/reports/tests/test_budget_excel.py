"""A year's budgets as a workbook: downloaded filled in, uploaded back all or nothing, each change audited."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
import xlsxwriter
from django.urls import reverse
from python_calamine import CalamineWorkbook

from minzheng.audit.models import AuditEvent
from minzheng.core.testing.personas import COUNTY, TOWNSHIP_A, TOWNSHIP_B
from minzheng.reports.budget_excel import budgets_import, budgets_workbook
from minzheng.reports.models import Budget
from minzheng.reports.services import budget_set

pytestmark = pytest.mark.django_db


def _sheet(content: bytes) -> list[list[Any]]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def _xlsx(rows: list[list[Any]]) -> bytes:
    """A workbook as a clerk saves it: codes and years as text, amounts as numbers."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, int | float) and r and c >= 3:
                sheet.write_number(r, c, value)
            elif value not in ("", None):
                sheet.write_string(r, c, str(value))
    book.close()
    return out.getvalue()


def _budgets() -> dict[tuple[str, str], Decimal]:
    return {(b.region_id, b.program): b.amount for b in Budget.objects.filter(year=2026)}


def test_the_workbook_holds_the_scope_and_what_is_set(personas: dict[str, Any]) -> None:
    clerk = personas["township_a_clerk"]
    budget_set(actor=clerk, region_code=TOWNSHIP_A, program="dibao", year=2026, amount="300,000")
    rows = _sheet(budgets_workbook(user=clerk, year=2026))
    header = rows[0]
    assert header[:3] == ["年度", "区划代码", "范围"] and "最低生活保障" in header
    assert [row[1] for row in rows[1:]] == [TOWNSHIP_A]  # a township clerk's scope: the township alone
    assert rows[1][header.index("最低生活保障")] == 300000.0
    assert all(cell == "" for i, cell in enumerate(rows[1]) if i >= 3 and header[i] != "最低生活保障")
    county_rows = _sheet(budgets_workbook(user=personas["county_admin"], year=2026))
    assert county_rows[1][1] == COUNTY and {TOWNSHIP_A, TOWNSHIP_B} <= {row[1] for row in county_rows[1:]}


def test_an_upload_sets_changes_and_removes_and_audits_each_change(personas: dict[str, Any]) -> None:
    admin = personas["county_admin"]
    budget_set(actor=admin, region_code=TOWNSHIP_A, program="dibao", year=2026, amount="100")
    budget_set(actor=admin, region_code=TOWNSHIP_A, program="tekun", year=2026, amount="50")
    budget_set(actor=admin, region_code=TOWNSHIP_B, program="dibao", year=2026, amount="70")
    rows = _sheet(budgets_workbook(user=admin, year=2026))
    header = rows[0]
    dibao, tekun = header.index("最低生活保障"), header.index("特困人员救助供养")
    by_code = {row[1]: row for row in rows[1:]}
    by_code[TOWNSHIP_A][dibao] = "1,200,000.50"  # changed
    by_code[TOWNSHIP_A][tekun] = ""  # removed
    by_code[COUNTY][dibao] = 5000000  # new
    events = AuditEvent.objects.filter(event_code="reports.budget_set").count()
    result = budgets_import(actor=admin, source=_xlsx(rows), filename="预算.xlsx")
    assert result.ok, result.errors
    assert result.changed == 3  # 乙镇's unchanged 70 is not written again
    assert _budgets() == {
        (TOWNSHIP_A, "dibao"): Decimal("1200000.50"),
        (TOWNSHIP_B, "dibao"): Decimal("70.00"),
        (COUNTY, "dibao"): Decimal("5000000.00"),
    }
    assert AuditEvent.objects.filter(event_code="reports.budget_set").count() == events + 3


def test_a_bad_upload_changes_nothing_and_names_every_bad_cell(personas: dict[str, Any]) -> None:
    admin, clerk_b = personas["county_admin"], personas["township_b_clerk"]
    budget_set(actor=admin, region_code=TOWNSHIP_A, program="dibao", year=2026, amount="100")
    header = _sheet(budgets_workbook(user=admin, year=2026))[0]
    dibao, tekun = header.index("最低生活保障"), header.index("特困人员救助供养")
    blank = [""] * (len(header) - 3)

    def row(year: str, code: str, **cells: Any) -> list[Any]:
        values = list(blank)
        for column, value in cells.items():
            values[{"dibao": dibao, "tekun": tekun}[column] - 3] = value
        return [year, code, "", *values]

    rows = [
        header,
        row("2026", TOWNSHIP_A, dibao="九百", tekun=-5),  # not a number; negative
        row("2026", TOWNSHIP_B, dibao=300),  # fine on its own
        row("二〇二六", TOWNSHIP_B, dibao=1),  # the year
        row("2026", "510521103001", dibao=1),  # a village: budgets are per county or township
    ]
    before = (_budgets(), AuditEvent.objects.count())
    result = budgets_import(actor=admin, source=_xlsx(rows), filename="预算.xlsx")
    assert not result.ok and result.changed == 0
    assert [(e.row, e.column, e.value) for e in result.errors] == [
        (2, "最低生活保障", "九百"),
        (2, "特困人员救助供养", "-5"),
        (4, "年度", "二〇二六"),
        (5, "区划代码", "510521103001"),
    ]
    assert [e.message for e in result.errors] == [
        "预算金额应为数字(元)，如 1200000 或 1,200,000.00",
        "预算金额不能为负数",
        "年度应为四位数字，如 2026",
        "预算按县或乡镇(街道)填报",
    ]
    assert (_budgets(), AuditEvent.objects.count()) == before  # 乙镇's 300 was rolled back with the rest
    # out of scope: 乙镇's clerk may not set 甲镇's budget
    result = budgets_import(
        actor=clerk_b, source=_xlsx([header, row("2026", TOWNSHIP_A, dibao=1)]), filename="x.xlsx"
    )
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "区划代码", f"{TOWNSHIP_A} 不在您的管辖范围内")
    ]
    # a file that is not the grid
    result = budgets_import(actor=admin, source=_xlsx([["名称", "金额"], ["低保", 1]]), filename="x.xlsx")
    assert not result.ok and "请使用下载的预算表" in result.errors[0].message
    result = budgets_import(actor=admin, source=_xlsx([[*header[:3], "低保金"]]), filename="x.xlsx")
    assert [e.message for e in result.errors] == ["没有这个发放项目：请使用下载的预算表"]
    assert (_budgets(), AuditEvent.objects.count()) == before


def test_the_page_downloads_and_uploads_the_workbook(personas: dict[str, Any], client_for: Any) -> None:
    clerk = client_for("township_a_clerk")
    download = clerk.get(reverse("reports:budgets_xlsx", kwargs={"year": 2026}))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    rows = _sheet(download.content)
    rows[1][rows[0].index("最低生活保障")] = 250000
    upload = io.BytesIO(_xlsx(rows))
    upload.name = "预算.xlsx"
    response = clerk.post(reverse("reports:budgets_upload"), {"year": "2026", "file": upload}, follow=True)
    assert response.status_code == 200
    assert "预算表已保存：1 项预算有变动。" in response.content.decode()
    assert _budgets() == {(TOWNSHIP_A, "dibao"): Decimal("250000.00")}
    rows[1][rows[0].index("最低生活保障")] = "很多"
    upload = io.BytesIO(_xlsx(rows))
    upload.name = "预算.xlsx"
    response = clerk.post(reverse("reports:budgets_upload"), {"year": "2026", "file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "预算表有 1 处问题，没有保存任何预算。" in page and "很多" in page
    assert _budgets() == {(TOWNSHIP_A, "dibao"): Decimal("250000.00")}
    # those who only read reports may download, not upload
    head = client_for("township_a_head")
    assert head.get(reverse("reports:budgets_xlsx", kwargs={"year": 2026})).status_code == 200
    assert head.post(reverse("reports:budgets_upload"), {"year": "2026"}).status_code == 403
