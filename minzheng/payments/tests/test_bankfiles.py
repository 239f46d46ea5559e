"""Checks before approval, the bank file and its control totals, and the bank's return file with failures that
come back on the next cycle's reissue list."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from minzheng.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from minzheng.core.testing.personas import TOWNSHIP_A
from minzheng.payments import bankfiles, services
from minzheng.payments.models import (
    BankReturn,
    BankTemplate,
    CycleState,
    PayCycle,
    PaymentStatus,
    Reissue,
    RosterLine,
)
from minzheng.payments.tests.factories import approved_dibao, set_account
from minzheng.registry import services as registry
from minzheng.registry.models import Household, Relation

pytestmark = pytest.mark.django_db


def generate(personas: dict[str, Any], month: date) -> PayCycle:
    return services.cycle_generate(
        actor=personas["township_a_clerk"], region_code=TOWNSHIP_A, programs=["dibao"], period_start=month
    )


def approved_cycle(personas: dict[str, Any], month: date) -> PayCycle:
    cycle = generate(personas, month)
    services.cycle_confirm_checked(actor=personas["township_a_clerk"], cycle=cycle)
    return services.cycle_approve(actor=personas["county_approver"], cycle=cycle)


def template(cycle: PayCycle, fmt: str) -> BankTemplate:
    return next(t for t in bankfiles.templates_for(cycle.region_id) if t.file_format == fmt)


def test_the_checks_find_every_planted_problem_and_block_until_fixed(
    personas: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    missing = approved_dibao(personas, account="")
    malformed = approved_dibao(personas)
    # an account from before the registry checked them (the registry refuses this one today)
    Household.objects.filter(pk=malformed.household_id).update(account_number="62284804025648900X8")
    shared_a = approved_dibao(personas, account="6228480402564890018")
    shared_b = approved_dibao(personas, account="6228480402564890018")
    dead = approved_dibao(personas)
    with django_capture_on_commit_callbacks(execute=True):
        registry.member_record_death(
            actor=personas["township_a_clerk"],
            member=dead.household.members.get(relation=Relation.HEAD),
            date_of_death=date(2025, 3, 25),
        )
    cycle = generate(personas, date(2025, 4, 1))
    found = {(p["kind"], p["household"]) for p in cycle.checks["problems"]}
    assert ("account_missing", missing.household_id) in found
    assert ("account_invalid", malformed.household_id) in found
    assert ("account_shared", shared_a.household_id) in found and (
        "account_shared",
        shared_b.household_id,
    ) in found
    assert ("payee_deceased", dead.household_id) in found
    assert cycle.checks["blocking"] == 3
    invalid = next(p for p in cycle.checks["problems"] if p["kind"] == "account_invalid")
    assert "只能包含数字" in invalid["detail"]
    with pytest.raises(ValidationFailed, match="3 个必须处理的问题"):
        services.cycle_confirm_checked(actor=personas["township_a_clerk"], cycle=cycle)
    cycle.refresh_from_db()
    assert cycle.state == CycleState.DRAFT
    # the clerk fixes the two accounts and the payee, generates again, and the checks pass
    set_account(personas, missing.household, "6228480402564890026")
    set_account(personas, malformed.household, "6228480402564890034")
    registry.household_change_head(
        actor=personas["township_a_clerk"],
        household=dead.household,
        new_head=dead.household.members.get(relation=Relation.SPOUSE),
    )
    cycle = generate(personas, date(2025, 4, 1))
    assert cycle.checks["blocking"] == 0
    checked = services.cycle_confirm_checked(actor=personas["township_a_clerk"], cycle=cycle)
    assert checked.state == CycleState.CHECKED


def test_an_amount_that_moved_more_than_the_ratio_is_flagged_with_last_months_figure(
    personas: dict[str, Any],
) -> None:
    from minzheng.benefits import services as benefits
    from minzheng.benefits.models import ChangeKind

    benefit = approved_dibao(personas)
    steady = approved_dibao(personas)
    approved_cycle(personas, date(2025, 4, 1))
    benefits._change(
        benefit,
        kind=ChangeKind.ADJUSTED,
        month=date(2025, 5, 1),
        reason="复核",
        actor=None,
        new_amount=Decimal("500"),
    )
    may = generate(personas, date(2025, 5, 1))
    problem = next(p for p in may.checks["problems"] if p["kind"] == "amount_changed")
    assert "840.00 元变为 500.00 元" in problem["detail"] and not problem["blocking"]
    flagged = {p["household"] for p in may.checks["problems"] if p["kind"] == "amount_changed"}
    assert flagged == {benefit.household_id} and steady.household_id not in flagged
    village = may.checks["villages"][0]
    assert (village["count"], village["total"], village["previous_total"], village["delta"]) == (
        2,
        "1340.00",
        "1680.00",
        "-340.00",
    )


def test_only_the_county_approves_and_only_a_checked_roster(personas: dict[str, Any]) -> None:
    approved_dibao(personas)
    cycle = generate(personas, date(2025, 4, 1))
    with pytest.raises(ConflictError):
        services.cycle_approve(actor=personas["county_approver"], cycle=cycle)
    services.cycle_confirm_checked(actor=personas["township_a_clerk"], cycle=cycle)
    for role in ("township_a_clerk", "township_a_head", "county_admin"):
        with pytest.raises(PermissionDeniedError):
            services.cycle_approve(actor=personas[role], cycle=cycle)
    approved = services.cycle_approve(actor=personas["county_approver"], cycle=cycle)
    assert approved.state == CycleState.APPROVED and approved.approved_by == personas["county_approver"]


def test_the_xlsx_bank_file_reads_back_with_text_accounts_and_matching_control_totals(
    personas: dict[str, Any], settings: Any
) -> None:
    for _i in range(3):
        approved_dibao(personas)
    cycle = approved_cycle(personas, date(2025, 4, 1))
    record = bankfiles.bank_file_export(
        actor=personas["township_a_clerk"], cycle=cycle, template=template(cycle, "xlsx")
    )
    assert (record.row_count, record.total) == (3, Decimal("2520.00"))
    path = Path(settings.VAR_DIR) / "exports" / record.stored_name
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert rows[0][:6] == ["序号", "流水号", "姓名", "身份证号", "账号", "金额"]
    lines = list(RosterLine.objects.filter(cycle=cycle).order_by("region_id", "household_id", "pk"))
    for row, line in zip(rows[1:4], lines, strict=True):
        assert row[1] == str(line.pk) and row[4] == line.account_number  # 19 digits kept as text
        assert Decimal(str(row[5])) == line.amount
    assert rows[4][0] == "合计 3 笔" and Decimal(str(rows[4][5])) == Decimal("2520.00")
    cycle.refresh_from_db()
    assert cycle.state == CycleState.EXPORTED


def test_the_csv_bank_file_is_gb18030_with_a_totals_row(personas: dict[str, Any], settings: Any) -> None:
    approved_dibao(personas)
    cycle = approved_cycle(personas, date(2025, 4, 1))
    record = bankfiles.bank_file_export(
        actor=personas["township_a_clerk"], cycle=cycle, template=template(cycle, "csv")
    )
    raw = (Path(settings.VAR_DIR) / "exports" / record.stored_name).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    rows = list(csv.reader(io.StringIO(raw.decode("gb18030"))))
    assert rows[0] == ["流水号", "收款账号", "收款户名", "金额", "证件号码", "用途"]
    assert rows[1][3] == "840.00" and rows[1][5] == "最低生活保障 2025年04月"
    assert rows[-1][0] == "合计 1 笔" and rows[-1][3] == "840.00"


def test_a_bank_file_needs_an_approved_roster(personas: dict[str, Any]) -> None:
    approved_dibao(personas)
    cycle = generate(personas, date(2025, 4, 1))
    with pytest.raises(ConflictError, match="审批后"):
        bankfiles.bank_file_export(
            actor=personas["township_a_clerk"], cycle=cycle, template=template(cycle, "xlsx")
        )


def _return_file(rows: list[list[Any]]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    for index, row in enumerate(rows):
        sheet.write_row(index, 0, row)
    book.close()
    return out.getvalue()


def test_a_return_file_marks_three_lines_failed_and_they_are_reissued_next_month(
    personas: dict[str, Any], settings: Any
) -> None:
    benefits = [approved_dibao(personas) for _i in range(5)]
    cycle = approved_cycle(personas, date(2025, 4, 1))
    record = bankfiles.bank_file_export(
        actor=personas["township_a_clerk"], cycle=cycle, template=template(cycle, "xlsx")
    )
    rows = (
        CalamineWorkbook.from_path(str(Path(settings.VAR_DIR) / "exports" / record.stored_name))
        .get_sheet_by_index(0)
        .to_python()
    )
    header, body = rows[0], rows[1:-1]
    returned = [[*header, "结果", "失败原因"]]
    for index, row in enumerate(body):
        fails = index < 3
        returned.append([*row, "失败" if fails else "成功", "账户已销户" if fails else ""])
    result = bankfiles.bank_return_import(
        actor=personas["township_a_clerk"], cycle=cycle, file_name="回盘.xlsx", content=_return_file(returned)
    )
    assert (result.paid_count, result.failed_count, result.failed_total) == (2, 3, Decimal("2520.00"))
    cycle.refresh_from_db()
    assert cycle.state == CycleState.RECONCILED
    failed = list(RosterLine.objects.filter(cycle=cycle, status=PaymentStatus.FAILED))
    assert len(failed) == 3 and all(line.failure_reason == "账户已销户" for line in failed)
    with pytest.raises(ConflictError, match="3 笔发放失败未处理"):
        services.cycle_close(actor=personas["township_a_clerk"], cycle=cycle)
    for line in failed:
        services.failure_handle(actor=personas["township_a_clerk"], line=line, how=Reissue.NEXT_CYCLE)
    services.cycle_close(actor=personas["township_a_clerk"], cycle=cycle)
    may = generate(personas, date(2025, 5, 1))
    reissued = RosterLine.objects.filter(cycle=may, reissue_amount__gt=0)
    assert sorted(line.benefit_id for line in reissued) == sorted(line.benefit_id for line in failed)
    assert all(
        line.amount == Decimal("1680.00") and "重发 2025-04 退票 840.00" in line.note for line in reissued
    )
    assert may.total == Decimal("840.00") * 5 + Decimal("2520.00")
    # generating May again takes the same reissues once, not twice
    may = generate(personas, date(2025, 5, 1))
    assert RosterLine.objects.filter(cycle=may, reissue_amount__gt=0).count() == 3
    assert len(benefits) == 5


def test_a_bad_return_file_is_refused_whole_with_every_bad_row_named(personas: dict[str, Any]) -> None:
    approved_dibao(personas)
    approved_dibao(personas)
    cycle = approved_cycle(personas, date(2025, 4, 1))
    bankfiles.bank_file_export(
        actor=personas["township_a_clerk"], cycle=cycle, template=template(cycle, "xlsx")
    )
    first, second = RosterLine.objects.filter(cycle=cycle).order_by("pk")
    bad = _return_file(
        [
            ["流水号", "金额", "结果"],
            [str(first.pk), "840.00", "成功"],
            ["999999", "840.00", "成功"],
            [str(second.pk), "abc", "成功"],
            [str(second.pk), "840.00", "不知道"],
        ]
    )
    with pytest.raises(ValidationFailed) as caught:
        bankfiles.bank_return_import(
            actor=personas["township_a_clerk"], cycle=cycle, file_name="r.xlsx", content=bad
        )
    problems = caught.value.fields["file"]
    assert any("第 3 行" in p and "不属于本批次" in p for p in problems)
    assert any("第 4 行" in p and "不是数字" in p for p in problems)
    assert any("第 5 行" in p and "无法识别" in p for p in problems)
    assert not RosterLine.objects.filter(cycle=cycle).exclude(status=PaymentStatus.PENDING).exists()
    with pytest.raises(ValidationFailed, match="缺少列"):
        bankfiles.bank_return_import(
            actor=personas["township_a_clerk"],
            cycle=cycle,
            file_name="r.csv",
            content="姓名,金额\n张三,1\n".encode("gb18030"),
        )


def test_a_csv_return_matched_by_account_and_amount(personas: dict[str, Any]) -> None:
    benefit = approved_dibao(personas)
    cycle = approved_cycle(personas, date(2025, 4, 1))
    bankfiles.bank_file_export(
        actor=personas["township_a_clerk"], cycle=cycle, template=template(cycle, "csv")
    )
    account = benefit.household.account_number
    content = f"账号,金额,处理结果,失败原因\n{account},840.00,交易失败,户名不符\n".encode("gb18030")
    bankfiles.bank_return_import(
        actor=personas["township_a_clerk"], cycle=cycle, file_name="r.csv", content=content
    )
    line = RosterLine.objects.get(cycle=cycle)
    assert (line.status, line.failure_reason) == (PaymentStatus.FAILED, "户名不符")


def test_a_template_is_checked_before_it_is_saved(personas: dict[str, Any]) -> None:
    admin = personas["county_admin"]
    with pytest.raises(ValidationFailed, match="没有“foo”这一列"):
        bankfiles.template_save(
            actor=admin,
            region_code="510521",
            name="x",
            file_format="csv",
            encoding="gb18030",
            columns_text="foo\namount",
            totals_row=True,
        )
    with pytest.raises(ValidationFailed, match="必须包含金额列"):
        bankfiles.template_save(
            actor=admin,
            region_code="510521",
            name="x",
            file_format="csv",
            encoding="gb18030",
            columns_text="account_number=账号",
            totals_row=True,
        )
    saved = bankfiles.template_save(
        actor=admin,
        region_code="510521",
        name="建行",
        file_format="csv",
        encoding="utf-8-sig",
        columns_text="account_number=卡号\namount=金额\n",
        totals_row=False,
    )
    assert saved.columns == [["account_number", "卡号"], ["amount", "金额"]]
    with pytest.raises(PermissionDeniedError):
        bankfiles.template_save(
            actor=personas["township_a_clerk"],
            region_code="510521",
            name="y",
            file_format="csv",
            encoding="gb18030",
            columns_text="amount",
            totals_row=True,
        )


def _two_line_cycle(personas: dict[str, Any]) -> tuple[PayCycle, RosterLine, RosterLine]:
    approved_dibao(personas)
    approved_dibao(personas)
    cycle = approved_cycle(personas, date(2025, 4, 1))
    bankfiles.bank_file_export(
        actor=personas["township_a_clerk"], cycle=cycle, template=template(cycle, "xlsx")
    )
    first, second = RosterLine.objects.filter(cycle=cycle).order_by("pk")
    return cycle, first, second


@pytest.mark.parametrize(
    ("totals", "problem"),
    [
        (["合计 2 笔", "99999999.00", ""], "合计金额 99999999.00 与明细之和 1680.00 不符"),
        (["合计 3 笔", "1680.00", ""], "合计笔数 3 与明细笔数 2 不符"),
        (["合计", "abc", ""], "合计金额“abc”不是数字"),
    ],
)
def test_a_return_whose_totals_row_disagrees_with_its_lines_is_refused_and_nothing_is_written(
    personas: dict[str, Any], totals: list[str], problem: str
) -> None:
    cycle, first, second = _two_line_cycle(personas)
    content = _return_file(
        [
            ["流水号", "金额", "结果"],
            [str(first.pk), "840.00", "成功"],
            [str(second.pk), "840.00", "失败"],
            totals,
        ]
    )
    with pytest.raises(ValidationFailed) as caught:
        bankfiles.bank_return_import(
            actor=personas["township_a_clerk"], cycle=cycle, file_name="r.xlsx", content=content
        )
    assert any(problem in p for p in caught.value.fields["file"]), caught.value.fields
    assert not RosterLine.objects.filter(cycle=cycle).exclude(status=PaymentStatus.PENDING).exists()
    assert not BankReturn.objects.filter(cycle=cycle).exists()


def test_a_return_whose_totals_row_agrees_with_its_lines_is_imported(personas: dict[str, Any]) -> None:
    cycle, first, second = _two_line_cycle(personas)
    content = (
        f'流水号,金额,结果\n{first.pk},840.00,成功\n{second.pk},840.00,失败\n合计：2笔,"1,680.00",\n'
    ).encode("gb18030")
    result = bankfiles.bank_return_import(
        actor=personas["township_a_clerk"], cycle=cycle, file_name="r.csv", content=content
    )
    assert (result.paid_count, result.failed_count) == (1, 1)


@pytest.mark.parametrize("reference", ["²", "١٢", "１２"])
def test_a_reference_in_other_digits_than_ascii_is_named_not_a_crash(
    personas: dict[str, Any], reference: str
) -> None:
    cycle, first, _second = _two_line_cycle(personas)
    content = f"流水号,金额,结果\n{reference},840.00,成功\n{first.pk},８４０,成功\n".encode()
    with pytest.raises(ValidationFailed) as caught:
        bankfiles.bank_return_import(
            actor=personas["township_a_clerk"], cycle=cycle, file_name="r.csv", content=content
        )
    problems = caught.value.fields["file"]
    assert any("第 2 行" in p and "不属于本批次" in p for p in problems)
    assert any("第 3 行" in p and "不是数字" in p for p in problems)
