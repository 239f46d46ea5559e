"""Files for the bank and back: the payment file in the bank's layout, and the bank's result file (回盘/退票).

The export streams lines from the database into xlsxwriter's constant-memory writer (or a CSV in the bank's
encoding), into a temporary file renamed into place only when complete: a killed export leaves no file that looks
finished. The control total (count and sum, in Decimal) is written into the file's last row and kept with the
export, to compare with what the bank reports.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from operator import itemgetter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minzheng.accounts.roles import Capability
from minzheng.audit.events import define
from minzheng.audit.services import audit_record
from minzheng.core import exports
from minzheng.core.errors import ConflictError, ValidationFailed
from minzheng.core.files import var_dir
from minzheng.core.money import ZERO
from minzheng.core.tabular import XLSX_MAGIC, open_workbook
from minzheng.core.validators import is_ascii_decimal, is_ascii_digits, upload_size_message
from minzheng.payments.models import (
    BankExport,
    BankReturn,
    BankTemplate,
    CycleState,
    FileFormat,
    PayCycle,
    PaymentStatus,
    RosterLine,
)
from minzheng.payments.services import require
from minzheng.rules.programs import PROGRAMS

FILE_EXPORTED = define("payments.bank_file_exported", _("导出银行发放文件"))
RETURN_IMPORTED = define("payments.bank_return_imported", _("导入银行回盘"))
TEMPLATE_SAVED = define("payments.bank_template_saved", _("保存银行文件模板"))

#: every column a template may use: key → (default header, the line's field it reads)
COLUMNS: dict[str, tuple[Any, str]] = {
    "seq": (gettext_lazy("序号"), ""),
    "ref": (gettext_lazy("流水号"), "pk"),
    "payee_name": (gettext_lazy("姓名"), "payee_name"),
    "payee_id_number": (gettext_lazy("身份证号"), "payee_id_number"),
    "bank_name": (gettext_lazy("开户银行"), "bank_name"),
    "account_holder": (gettext_lazy("户名"), "account_holder"),
    "account_number": (gettext_lazy("账号"), "account_number"),
    "amount": (gettext_lazy("金额"), "amount"),
    "village": (gettext_lazy("村(社区)"), "region__name"),
    "program": (gettext_lazy("项目"), "program"),
    "remark": (gettext_lazy("备注"), ""),
}

#: what every county starts with (it may add its banks' own)
DEFAULT_TEMPLATES: list[dict[str, Any]] = [
    {
        "name": "通用 Excel",
        "file_format": FileFormat.XLSX,
        "encoding": "utf-8-sig",
        "columns": [
            ["seq", "序号"],
            ["ref", "流水号"],
            ["payee_name", "姓名"],
            ["payee_id_number", "身份证号"],
            ["account_number", "账号"],
            ["amount", "金额"],
            ["village", "村(社区)"],
            ["remark", "备注"],
        ],
    },
    {
        "name": "农商银行代发 CSV(GB18030)",
        "file_format": FileFormat.CSV,
        "encoding": "gb18030",
        "columns": [
            ["ref", "流水号"],
            ["account_number", "收款账号"],
            ["account_holder", "收款户名"],
            ["amount", "金额"],
            ["payee_id_number", "证件号码"],
            ["remark", "用途"],
        ],
    },
]


def exports_dir() -> Path:
    return var_dir("exports")


def _remove_stale_parts(older_than: float = 6 * 3600) -> None:
    """What killed exports left behind (a running export touches its file far more often than this)."""
    import time

    limit = time.time() - older_than
    for path in exports_dir().glob("*.part"):
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < limit:
                path.unlink()


def templates_for(region_code: str) -> list[BankTemplate]:
    """The county's templates (those of the region or any region above it), the defaults created on first use."""
    from minzheng.regions.models import Region

    region = Region.objects.get(code=region_code)
    county = region
    while county.level not in ("county", "prefecture", "province") and county.parent_id:
        county = Region.objects.get(code=county.parent_id)
    codes = [region_code[:n] for n in range(2, len(region_code) + 1)]
    found = list(BankTemplate.objects.filter(region_id__in=codes))
    if not found:
        for spec in DEFAULT_TEMPLATES:
            BankTemplate.objects.get_or_create(region=county, name=spec["name"], defaults=spec)
        found = list(BankTemplate.objects.filter(region_id__in=codes))
    return sorted(found, key=lambda t: (t.file_format != FileFormat.XLSX, t.name))


def parse_columns(text: str) -> list[list[str]]:
    """A template's columns from the editor's text: one per line, "key" or "key=表头"."""
    columns: list[list[str]] = []
    errors: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        key, _sep, header = line.partition("=")
        key = key.strip()
        if key not in COLUMNS:
            errors.append(_("第 %(n)s 行：没有“%(k)s”这一列") % {"n": number, "k": key})
            continue
        columns.append([key, header.strip() or str(COLUMNS[key][0])])
    if not columns and not errors:
        errors.append(_("至少要有一列"))
    if not errors and not any(key == "amount" for key, _h in columns):
        errors.append(_("必须包含金额列(amount)"))
    if not errors and not any(key in ("account_number", "ref") for key, _h in columns):
        errors.append(_("必须包含账号列(account_number)或流水号列(ref)"))
    if errors:
        raise ValidationFailed("；".join(errors), fields={"columns": errors})
    return columns


def template_save(
    *,
    actor: Any,
    region_code: str,
    name: str,
    file_format: str,
    encoding: str,
    columns_text: str,
    totals_row: bool,
    template: BankTemplate | None = None,
) -> BankTemplate:
    require(actor, Capability.MANAGE_BANK_TEMPLATES, region_code)
    if not name.strip():
        raise ValidationFailed(_("请填写模板名称"), fields={"name": [_("必须填写")]})
    if file_format not in FileFormat.values:
        raise ValidationFailed(_("文件格式无效"), fields={"file_format": [_("无效")]})
    columns = parse_columns(columns_text)
    with transaction.atomic():
        if template is None:
            if BankTemplate.objects.filter(region_id=region_code, name=name.strip()).exists():
                raise ValidationFailed(_("已有同名模板"), fields={"name": [_("重复")]})
            template = BankTemplate(region_id=region_code)
        old = {"name": template.name, "columns": template.columns} if template.pk else None
        template.name = name.strip()
        template.file_format = file_format
        template.encoding = encoding
        template.columns = columns
        template.totals_row = totals_row
        template.save()
        audit_record(
            event_code=TEMPLATE_SAVED,
            actor=actor,
            region_code=region_code,
            target=template,
            target_repr=template.name,
            old=old,
            new={"name": template.name, "columns": columns, "format": file_format, "encoding": encoding},
        )
    return template


@dataclass(frozen=True)
class Control:
    count: int
    total: Decimal


def _remark(cycle: PayCycle) -> Callable[[dict[str, Any]], str]:
    period = (
        f"{cycle.period_start:%Y年%m月}"
        if cycle.months == 1
        else f"{cycle.period_start:%Y年%m月}起{cycle.months}个月"
    )
    labels = {code: str(PROGRAMS[code].label) for code in cycle.program_list if code in PROGRAMS}

    def remark(row: dict[str, Any]) -> str:
        return f"{labels.get(row['program'], row['program'])} {period}"

    return remark


def _rows(cycle: PayCycle, columns: list[list[str]]) -> Iterator[tuple[list[Any], Decimal]]:
    """The file's rows in roster order, streamed from the database (a server-side cursor on PostgreSQL).

    A million lines go through here, so each row is one tuple from the database, widened with the few computed
    values and picked into the template's order by one itemgetter: no dict, no function call per cell."""
    from minzheng.payments.generation import region_range
    from minzheng.regions.models import Region

    fields = ["pk", "amount", "program", "region_id"] + sorted(
        {
            COLUMNS[key][1]
            for key, _h in columns
            if COLUMNS[key][1] not in ("", "pk", "amount", "program", "region__name")
        }
    )
    # the village name from a dict of the cycle's regions rather than a join repeated on every line
    low, high = region_range(cycle.region_id)
    names = dict(Region.objects.filter(code__gte=low, code__lt=high).values_list("code", "name"))
    remark = _remark(cycle)
    remarks = {code: remark({"program": code}) for code in cycle.program_list}
    computed = {"seq": 0, "remark": 1, "ref": 2, "village": 3}
    width = len(fields)
    positions = [
        width + computed[key] if key in computed else fields.index(COLUMNS[key][1])
        for key, _header in columns
    ]
    pick = itemgetter(*positions)
    single = len(positions) == 1
    query = (
        RosterLine.objects.filter(cycle=cycle)
        .order_by("region_id", "household_id", "pk")
        .values_list(*fields)
        .iterator(chunk_size=5000)
    )
    for number, row in enumerate(query, start=1):
        program, region_id = row[2], row[3]
        village = names.get(region_id)
        if village is None:
            village = names[region_id] = Region.objects.get(code=region_id).name
        wide = (*row, number, remarks.get(program) or remark({"program": program}), str(row[0]), village)
        yield ([pick(wide)] if single else list(pick(wide))), row[1]


def write_file(
    cycle: PayCycle,
    template: BankTemplate,
    target: Path,
    progress: Callable[[int, int], None] | None = None,
    step: int = 50_000,
) -> Control:
    """Write the bank file to ``target``; the control total counts every line written."""
    columns = [list(c) for c in template.columns]
    amount_index = next(i for i, (key, _h) in enumerate(columns) if key == "amount")
    total = ZERO
    count = 0
    expected = cycle.line_count or 1
    if template.file_format == FileFormat.XLSX:
        # text stays text (a payee named '=HYPERLINK(…)' is not a formula), amounts stay numbers: core.exports
        book = exports.workbook(target, constant_memory=True, in_memory=False)
        sheet = book.add_worksheet(_("发放明细"))
        money = book.add_format({"num_format": "0.00"})
        bold = book.add_format({"bold": True})
        exports.write_cells(sheet, 0, [h for _k, h in columns], bold)
        # IDs and account numbers stay text (strings): Excel would turn 19 digits into 1.23E+18
        for i, (key, _h) in enumerate(columns):
            wide = key in ("payee_id_number", "account_number", "bank_name", "remark", "village")
            sheet.set_column(i, i, 22 if wide else 10, money if i == amount_index else None)
        write_cells = exports.write_cells
        for count, (values, amount) in enumerate(_rows(cycle, columns), start=1):
            total += amount
            # an Excel cell holds a binary double; amounts to the fen below 10^13 survive the round trip exactly,
            # and the control total beside the file is summed in Decimal
            write_cells(sheet, count, values)
            if progress is not None and count % step == 0:
                progress(count, expected)
        if template.totals_row:
            last = count + 1
            sheet.write_string(last, 0, _("合计 %(n)s 笔") % {"n": count}, bold)
            sheet.write_number(last, amount_index, float(total), money)
        book.close()
    else:
        with open(target, "w", encoding=template.encoding, newline="") as handle:
            # text cells that could start a formula are neutralised; amounts (Decimal) are written as numbers
            writer = exports.CsvWriter(handle)
            writer.writerow([h for _k, h in columns])
            for count, (values, amount) in enumerate(_rows(cycle, columns), start=1):
                total += amount
                writer.writerow(values)
                if progress is not None and count % step == 0:
                    progress(count, expected)
            if template.totals_row:
                row: list[Any] = [""] * len(columns)
                row[0] = _("合计 %(n)s 笔") % {"n": count}
                row[amount_index] = total
                writer.writerow(row)
    return Control(count=count, total=total)


def bank_file_export(
    *,
    actor: Any,
    cycle: PayCycle,
    template: BankTemplate,
    progress: Callable[[int, int], None] | None = None,
    step: int = 50_000,
) -> BankExport:
    """Write the approved cycle's bank file, then mark it exported. A killed export leaves only an unfinished
    record (never listed for download) and a temporary file; running it again writes a complete new file."""
    require(actor, Capability.PREPARE_PAYMENTS, cycle.region_id)
    cycle.refresh_from_db()
    if cycle.state not in (CycleState.APPROVED, CycleState.EXPORTED, CycleState.RECONCILED):
        raise ConflictError(_("名册审批后才能导出银行文件"))
    if not template.region_id or not cycle.region_id.startswith(template.region_id):
        raise ValidationFailed(_("该模板不适用于本批次"), fields={"template": [_("无效")]})
    extension = "xlsx" if template.file_format == FileFormat.XLSX else "csv"
    record = BankExport.objects.create(
        cycle=cycle,
        template=template,
        download_name=f"{cycle.region.name}-{cycle.programs}-{cycle.period_start:%Y%m}.{extension}",
        created_by=actor,
    )
    stored = f"{secrets.token_hex(16)}.{extension}"
    _remove_stale_parts()
    partial = exports_dir() / f"{stored}.part"
    control = write_file(cycle, template, partial, progress, step)
    os.replace(partial, exports_dir() / stored)
    with transaction.atomic():
        locked = PayCycle.objects.select_for_update().get(pk=cycle.pk)
        BankExport.objects.filter(pk=record.pk).update(
            stored_name=stored, row_count=control.count, total=control.total, finished_at=timezone.now()
        )
        if locked.state == CycleState.APPROVED:
            locked.state = CycleState.EXPORTED
            locked.save(update_fields=["state"])
        audit_record(
            event_code=FILE_EXPORTED,
            actor=actor,
            region_code=locked.region_id,
            target=locked,
            target_repr=str(locked),
            new={"template": template.name, "rows": control.count, "total": str(control.total)},
        )
    record.refresh_from_db()
    return record


# —— the bank's result file ——————————————————————————————————————————————————————————————————————

REF_HEADERS = ("流水号", "参考号", "ref")
ACCOUNT_HEADERS = ("账号", "收款账号", "银行账号", "卡号", "account")
AMOUNT_HEADERS = ("金额", "交易金额", "发放金额", "amount")
RESULT_HEADERS = ("结果", "处理结果", "交易状态", "状态", "result")
REASON_HEADERS = ("失败原因", "原因", "reason", "备注")
PAID_WORDS = {"成功", "已到账", "success", "ok", "s", "0", "交易成功"}
FAILED_WORDS = {"失败", "退票", "fail", "failed", "f", "1", "交易失败"}


def _read_table(name: str, content: bytes) -> list[list[Any]]:
    if name.lower().endswith(".xlsx") or content.startswith(XLSX_MAGIC):
        book = open_workbook(content)  # refuses a zip bomb before calamine inflates it
        try:
            return [list(row) for row in book.get_sheet_by_index(0).to_python()]
        except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the same answer to the user
            raise ValidationFailed(_("无法读取该 Excel 文件：%(e)s") % {"e": exc}) from exc
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return [row for row in csv.reader(io.StringIO(text))]
    raise ValidationFailed(_("无法识别文件编码(应为 UTF-8 或 GB18030)"))


def _find(header: list[str], names: tuple[str, ...]) -> int | None:
    """The column of the first of ``names`` (in their order of preference) that the header has."""
    cells = [str(cell).strip().lower() for cell in header]
    for name in names:
        if name.lower() in cells:
            return cells.index(name.lower())
    return None


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


TOTALS_WORDS = ("合计", "总计", "Total")


def _amount(text: str) -> Decimal | None:
    """An amount as the bank writes it ('1,680.00'), in ASCII digits only (Decimal('８４０') would read 840)."""
    plain = text.replace(",", "").strip()
    if not is_ascii_decimal(plain):
        return None
    try:
        return Decimal(plain).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def _totals_errors(
    totals: list[tuple[int, list[str]]], amount_i: int, count: int, total: Decimal
) -> list[str]:
    """A totals row (合计), when the bank writes one, must agree with the lines: its amount with their sum, and
    the count it states ('合计 2 笔') with their number. A file whose totals disagree is refused whole."""
    errors: list[str] = []
    for number, cells in totals:
        stated = cells[amount_i]
        if stated:
            amount = _amount(stated)
            if amount is None:
                errors.append(_("第 %(n)s 行：合计金额“%(v)s”不是数字") % {"n": number, "v": stated})
            elif amount != total:
                errors.append(
                    _("第 %(n)s 行：合计金额 %(v)s 与明细之和 %(t)s 不符")
                    % {"n": number, "v": amount, "t": total}
                )
        words = " ".join(cell for index, cell in enumerate(cells) if index != amount_i)
        found = re.search(r"([0-9]+)\s*笔", words)
        if found and int(found.group(1)) != count:
            errors.append(
                _("第 %(n)s 行：合计笔数 %(v)s 与明细笔数 %(c)s 不符")
                % {"n": number, "v": found.group(1), "c": count}
            )
    return errors


def bank_return_import(*, actor: Any, cycle: PayCycle, file_name: str, content: bytes) -> BankReturn:
    """Mark lines paid or failed from the bank's result file: all rows or none; every bad row is reported."""
    require(actor, Capability.PREPARE_PAYMENTS, cycle.region_id)
    if len(content) > settings.MINZHENG_MAX_UPLOAD_BYTES:
        raise ValidationFailed(upload_size_message())
    table = [row for row in _read_table(file_name, content) if any(_text(c) for c in row)]
    if not table:
        raise ValidationFailed(_("文件是空的"))
    header = [_text(c) for c in table[0]]
    ref_i, acc_i = _find(header, REF_HEADERS), _find(header, ACCOUNT_HEADERS)
    amount_i, result_i, reason_i = (
        _find(header, AMOUNT_HEADERS),
        _find(header, RESULT_HEADERS),
        _find(header, REASON_HEADERS),
    )
    missing = []
    if ref_i is None and acc_i is None:
        missing.append(_("流水号或账号"))
    if amount_i is None:
        missing.append(_("金额"))
    if result_i is None:
        missing.append(_("结果"))
    if missing:
        raise ValidationFailed(
            _("回盘文件缺少列：%(c)s(第一行应为表头)") % {"c": "、".join(str(m) for m in missing)}
        )
    assert amount_i is not None and result_i is not None  # noqa: S101 - checked just above
    lines = {
        line["pk"]: line
        for line in RosterLine.objects.filter(cycle=cycle).values("pk", "account_number", "amount", "status")
    }
    by_account: dict[tuple[str, Decimal], list[int]] = {}
    for line_pk, line in lines.items():
        by_account.setdefault((line["account_number"], line["amount"]), []).append(line_pk)
    errors: list[str] = []
    results: dict[int, tuple[str, str]] = {}
    totals: list[tuple[int, list[str]]] = []
    line_count, line_sum = 0, ZERO
    for number, row in enumerate(table[1:], start=2):
        cells = [_text(c) for c in row] + [""] * len(header)
        first = cells[0]
        if first.startswith(TOTALS_WORDS):
            totals.append((number, cells))  # checked against the lines once all are read
            continue
        line_count += 1
        amount = _amount(cells[amount_i])
        if amount is None:
            errors.append(_("第 %(n)s 行：金额“%(v)s”不是数字") % {"n": number, "v": cells[amount_i]})
            continue
        line_sum += amount
        pk: int | None = None
        if ref_i is not None and cells[ref_i]:
            # ASCII digits only: '²'.isdigit() is true and int('²') raises
            pk = int(cells[ref_i]) if is_ascii_digits(cells[ref_i]) else None
            if pk is None or pk not in lines:
                errors.append(_("第 %(n)s 行：流水号 %(r)s 不属于本批次") % {"n": number, "r": cells[ref_i]})
                continue
        elif acc_i is not None:
            found = by_account.get((cells[acc_i], amount), [])
            if len(found) != 1:
                errors.append(
                    _("第 %(n)s 行：账号 %(a)s 金额 %(m)s 在本批次中找到 %(k)s 笔，无法对应")
                    % {"n": number, "a": cells[acc_i], "m": amount, "k": len(found)}
                )
                continue
            pk = found[0]
        assert pk is not None  # noqa: S101 - one of the two branches set it or continued
        if lines[pk]["amount"] != amount:
            errors.append(
                _("第 %(n)s 行：金额 %(m)s 与名册 %(e)s 不符")
                % {"n": number, "m": amount, "e": lines[pk]["amount"]}
            )
            continue
        word = cells[result_i].lower()
        if word in PAID_WORDS:
            status = PaymentStatus.PAID
        elif word in FAILED_WORDS:
            status = PaymentStatus.FAILED
        else:
            errors.append(
                _("第 %(n)s 行：结果“%(v)s”无法识别(应为 成功 或 失败)") % {"n": number, "v": cells[result_i]}
            )
            continue
        if pk in results:
            errors.append(_("第 %(n)s 行：流水号 %(r)s 重复出现") % {"n": number, "r": pk})
            continue
        reason = cells[reason_i] if reason_i is not None else ""
        if status == PaymentStatus.FAILED and not reason:
            reason = _("银行未注明原因")
        results[pk] = (status, reason[:200])
    errors += _totals_errors(totals, amount_i, line_count, line_sum)
    if errors:
        raise ValidationFailed(
            _("回盘文件有 %(n)s 处错误，未导入任何记录") % {"n": len(errors)}, fields={"file": errors}
        )
    with transaction.atomic():
        locked = PayCycle.objects.select_for_update().get(pk=cycle.pk)
        if locked.state not in (CycleState.EXPORTED, CycleState.RECONCILED):
            raise ConflictError(_("导出银行文件后才能导入回盘"))
        paid = [pk for pk, (s, _r) in results.items() if s == PaymentStatus.PAID]
        failed = {pk: r for pk, (s, r) in results.items() if s == PaymentStatus.FAILED}
        already = RosterLine.objects.filter(pk__in=list(results), reissued_in__isnull=False).count()
        if already:
            raise ConflictError(_("回盘中有 %(n)s 笔已在后续批次重发，不能再改结果") % {"n": already})
        RosterLine.objects.filter(pk__in=paid).update(
            status=PaymentStatus.PAID, failure_reason="", reissue=""
        )
        for pk, reason in failed.items():
            RosterLine.objects.filter(pk=pk).update(status=PaymentStatus.FAILED, failure_reason=reason)
        record = BankReturn.objects.create(
            cycle=locked,
            file_name=file_name[:200],
            paid_count=len(paid),
            paid_total=sum((lines[pk]["amount"] for pk in paid), ZERO),
            failed_count=len(failed),
            failed_total=sum((lines[pk]["amount"] for pk in failed), ZERO),
            created_by=actor,
        )
        if not RosterLine.objects.filter(cycle=locked, status=PaymentStatus.PENDING).exists():
            locked.state = CycleState.RECONCILED
            locked.save(update_fields=["state"])
        audit_record(
            event_code=RETURN_IMPORTED,
            actor=actor,
            region_code=locked.region_id,
            target=locked,
            target_repr=str(locked),
            new={
                "file": file_name,
                "paid": len(paid),
                "failed": len(failed),
                "failed_total": str(record.failed_total),
            },
        )
    return record


#: what banks write when a credit fails, for drills
DRILL_REASONS = ("账户已冻结", "户名与账号不符", "账号不存在或已销户")


def drill_return(record: BankExport, failures: int) -> bytes:
    """A bank result file for a drill or the demo: the exported file's rows with 结果/失败原因 added, the first
    ``failures`` lines failed. Only an .xlsx export can be read back this way."""
    if not record.stored_name or not record.stored_name.endswith(".xlsx"):
        raise ValidationFailed(_("只能从已完成的 Excel 银行文件生成演练回盘"))
    from python_calamine import CalamineWorkbook

    rows = (
        CalamineWorkbook.from_path(str(exports_dir() / record.stored_name)).get_sheet_by_index(0).to_python()
    )
    header, body = rows[0], [r for r in rows[1:] if not str(r[0]).startswith("合计")]
    out = io.BytesIO()
    book = exports.workbook(out, in_memory=True)
    sheet = book.add_worksheet(_("回盘"))
    exports.write_cells(sheet, 0, [*header, "结果", "失败原因"])
    for index, row in enumerate(body, start=1):
        failed = index <= failures
        cells = [_text(c) if isinstance(c, float) and c.is_integer() else c for c in row]
        reason = DRILL_REASONS[(index - 1) % len(DRILL_REASONS)] if failed else ""
        exports.write_cells(sheet, index, [*cells, "失败" if failed else "成功", reason])
    book.close()
    return out.getvalue()
