"""The registry import: check every row of an uploaded file, then create all its households at once or none."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from operator import itemgetter
from pathlib import Path
from typing import Any, BinaryIO, cast

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minzheng.accounts.roles import Capability
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import EventSpec, audit_append, audit_record
from minzheng.core.batch import many_texts, without_cyclic_gc
from minzheng.core.bulk import (
    BackgroundWriter,
    IdSupply,
    adapt_rows,
    checked_at_once,
    create_indexes,
    drop_indexes,
    insert_rows,
    sqlite_cache,
)
from minzheng.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from minzheng.core.scope import covers, scope_code_for
from minzheng.core.tabular import XLSX_MAGIC, cell_text, open_workbook, read_rows
from minzheng.core.validators import hidden_character, hidden_character_message, is_ascii_digits
from minzheng.regions.models import Level, Region
from minzheng.registry import events, probes
from minzheng.registry.excel.columns import (
    COLUMN_BY_KEY,
    COLUMNS,
    EXACT_DIGITS,
    EXCEL_EPOCH,
    HOUSEHOLD_KEYS,
    PARENTHESES,
    SCIENTIFIC,
    VILLAGE_CODE,
    Column,
    bool_lookup,
    choice_labels,
    choice_lookup,
    header_lookup,
    norm,
    parse_date,
    parse_grade,
    sex_lookup,
)
from minzheng.registry.idnumber import mask_id_number
from minzheng.registry.models import (
    Household,
    HukouStatus,
    Member,
    Relation,
    WorkCapacity,
)
from minzheng.registry.pinyin import name_keys
from minzheng.registry.signals import household_changed
from minzheng.registry.validation import (
    MODEL_FIELD_NAMES,
    MemberData,
    MemberInvalid,
    check_account_number,
    clean_member,
)

#: issues kept for the preview and the error workbook; beyond this only the count goes on
MAX_ISSUES = 20_000
#: IDs looked up in the database per query (they travel as one parameter)
DB_CHECK_CHUNK = 20_000
#: rows read between two hand-overs of people to the writer during a real import (PostgreSQL does a statement's
#: foreign-key checks and COPY set-up once per hand-over: 20,000 rows took 19 s where 5,000 took 21 s)
STREAM_ROWS = 20_000
#: SQLite page cache while writing. 256 MiB held the index pages 100,000 households touch but took the import past
#: 1 GiB; 64 MiB costs 4 % of the speed where the search indexes are kept up, nothing where they are rebuilt
WRITE_CACHE_MIB = 64
#: an import of at least this many rows, and at least as many as there are people on file (a county's first load),
#: drops the member indexes that only searching reads, and builds them again from the whole table before commit:
#: six fewer indexes to keep up per row (3.5 s of 19 for 300,000 people on PostgreSQL, rebuilt in 0.7 s)
REBUILD_MIN_ROWS = 10_000
#: those indexes (registry.models.Member.Meta); the unique ID and the foreign keys' stay, the import reads them
REBUILT_INDEXES = [
    "member_name",
    "member_name_initials",
    "member_name_pinyin",
    "member_phone",
    "member_id_last4",
    "member_id_last6",
]
#: where a member's name is in its model values
_NAME_AT = MODEL_FIELD_NAMES.index("name")
#: the member columns an import fills, in the order of the rows handed to insert_rows
MEMBER_COLUMNS = [
    "id",
    *MODEL_FIELD_NAMES,
    "household",
    "region",
    "name_pinyin",
    "name_initials",
    "created_at",
    "updated_at",
]
#: where the household is in a row of MEMBER_COLUMNS
_HOUSEHOLD_AT = MEMBER_COLUMNS.index("household")
#: the types of a row that is text throughout
_ONLY_TEXT = {str}


@dataclass(frozen=True)
class ImportIssue:
    """One problem (or warning) at a cell of the uploaded file; row numbers are the spreadsheet's own."""

    row: int
    column: str
    value: str
    message: str


@dataclass
class ImportReport:
    """What an import found (and, unless a dry run or with errors, wrote): counts for the preview page."""

    filename: str
    dry_run: bool
    households: int = 0
    members: int = 0
    errors: list[ImportIssue] = field(default_factory=list)
    warnings: list[ImportIssue] = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0
    imported: bool = False
    #: households per village code, for the preview
    villages: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def truncated(self) -> bool:
        return self.error_count > len(self.errors) or self.warning_count > len(self.warnings)


#: the household columns an import fills, in the order of the rows handed to insert_rows
HOUSEHOLD_COLUMNS = [
    "id",
    "region",
    "address",
    "hukou_type",
    "phone",
    "bank_name",
    "account_holder",
    "account_number",
    "note",
    "created_at",
    "updated_at",
    "head",
]


class _Household:
    __slots__ = (
        "clean",
        "first_row",
        "head_index",
        "head_row",
        "key",
        "names",
        "local",
        "pending",
        "value_rows",
        "values",
    )

    def __init__(self, key: str, row: int) -> None:
        self.key = key
        self.first_row = row
        #: household values as typed (compared across rows) and as they will be stored
        self.values: dict[str, str] = {}
        self.clean: dict[str, str] = {}
        self.value_rows: dict[str, int] = {}
        self.head_row: int | None = None
        #: the head's place in `names`
        self.head_index: int | None = None
        #: every valid member's name, in the file's order (the household's audit event lists them)
        self.names: list[str] = []
        #: model field values of valid members not yet handed to the writer, in MODEL_FIELD_NAMES order (tuples
        #: keep 300,000 people small)
        self.pending: list[tuple[Any, ...]] = []
        #: its place among the households handed to the writer, from its first member handed over
        self.local: int | None = None


def _raw_rows(data: bytes, filename: str) -> tuple[Iterator[tuple[int, list[Any]]], int]:
    """Rows with the cells' own types, and about how many there are (a sheet's height, a CSV's lines).

    core.tabular.read_rows turns every cell into text, which hides that an ID was typed as a number (and so already
    lost its last digits); CSV has no types, so it goes through read_rows."""
    if not data.startswith(XLSX_MAGIC):
        return read_rows(data, filename=filename), data.count(b"\n") + 1
    workbook = open_workbook(data)  # refuses a zip bomb before calamine inflates it
    try:
        sheet = workbook.get_sheet_by_index(0)
    except Exception as exc:  # calamine raises several error types for damaged files
        raise ValidationFailed(_("无法读取 Excel 文件：%(error)s") % {"error": exc}) from exc
    return _rows_of(sheet), int(sheet.height)


def _rows_of(sheet: Any) -> Iterator[tuple[int, list[Any]]]:
    """The sheet's rows; the sheet (about 300 MiB for 300,000 rows) is let go once they are read, before the
    import's last and largest stretch (households, audit events, indexes)."""
    yield from enumerate(sheet.iter_rows(), start=1)


class _Importer:
    def __init__(self, *, actor: Any, today: date, report: ImportReport) -> None:
        self.actor = actor
        self.scope = scope_code_for(actor)
        self.today = today
        self.report = report
        self.columns: list[tuple[Column, int]] = []
        self.households: dict[str, _Household] = {}
        self.id_rows: dict[str, int] = {}
        #: IDs not yet looked up in the database
        self.pending_ids: list[str] = []
        #: IDs found registered outside the actor's scope (audited by registry_import as possible probes)
        self.elsewhere: list[str] = []
        #: households with valid members not yet handed to the writer
        self.unsent: dict[str, _Household] = {}
        #: set for the real import: writes while the rest of the file is read
        self.writing: _Writing | None = None
        # Filled by read_header: the plan for reading a row of text cells in one pass of C-level calls.
        self.keys: tuple[str, ...] = ()
        self.take: Callable[[list[Any]], Any] = tuple
        self.min_width = 0
        #: (key, column, index) of the number-like columns, where "5.10521E+17" must be caught
        self.number_columns: list[tuple[str, Column, int]] = []
        #: the coded columns in the file, with their lookups from label (or value) to stored value
        self.picks: dict[str, tuple[Column, dict[str, str]]] = {}

    # issues

    def error(self, row: int, column: Column | None, value: str, message: str) -> None:
        self.report.error_count += 1
        if len(self.report.errors) < MAX_ISSUES:
            header = str(column.header) if column else ""
            self.report.errors.append(ImportIssue(row, header, value, message))

    def warn(self, row: int, column: Column | None, value: str, message: str) -> None:
        self.report.warning_count += 1
        if len(self.report.warnings) < MAX_ISSUES:
            header = str(column.header) if column else ""
            self.report.warnings.append(ImportIssue(row, header, value, message))

    # structure

    def read_header(self, row: int, cells: list[Any]) -> None:
        lookup = header_lookup()
        seen: dict[str, int] = {}
        for index, raw in enumerate(cells):
            text = cell_text(raw)
            if not text:
                continue
            key = norm(text)
            column = lookup.get(key) or lookup.get(PARENTHESES.sub("", key))
            if column is None:
                self.warn(row, None, text, _("未识别的列“%(header)s”，已忽略") % {"header": text})
                continue
            if column.key in seen:
                raise ValidationFailed(
                    _("第 %(row)s 行有两列都是“%(header)s”，请删除其中一列。")
                    % {"row": row, "header": column.header}
                )
            seen[column.key] = index
            self.columns.append((column, index))
        missing = [str(c.header) for c in COLUMNS if c.required and c.key not in seen]
        if missing:
            raise ValidationFailed(
                _("第 %(row)s 行应为列名，缺少必填列：%(columns)s。请使用导入模板。")
                % {"row": row, "columns": _("、").join(missing)}
            )
        self.keys = tuple(column.key for column, _index in self.columns)
        indices = [index for _column, index in self.columns]
        # itemgetter of one index gives the cell itself, not a 1-tuple: keep the result a sequence either way.
        self.take = itemgetter(*indices) if len(indices) > 1 else (lambda cells: (cells[indices[0]],))
        self.min_width = max(indices) + 1
        self.number_columns = [(c.key, c, i) for c, i in self.columns if c.kind in ("id", "code")]
        self.picks = {c.key: (c, choice_lookup(c.choices)) for c, _i in self.columns if c.choices is not None}

    # cells

    def cell(self, row: int, column: Column, raw: Any) -> tuple[str, bool]:
        """(text, ok): the cell as text, refusing numbers that cannot be trusted to hold every digit."""
        if raw is None or raw == "":
            return "", True
        if isinstance(raw, bool):
            return (_("是") if raw else _("否")), True
        if isinstance(raw, int | float):
            text = cell_text(float(raw))
            if column.kind == "id":
                self.error(
                    row,
                    column,
                    text,
                    _(
                        "身份证号被存成了数字：Excel 只保留 15 位有效数字，末几位已经丢失。"
                        "请把这一列设置为“文本”格式，重新输入号码后再导入。"
                    ),
                )
                return text, False
            if column.kind == "code" and not (float(raw).is_integer() and abs(raw) < 10**EXACT_DIGITS):
                self.error(
                    row,
                    column,
                    text,
                    _(
                        "“%(column)s”被存成了超过 15 位的数字，Excel 会丢失末几位；请把这一列设置为“文本”格式后重新输入。"
                    )
                    % {"column": column.header},
                )
                return text, False
            if column.kind == "date" and 1 <= raw < 2_958_466:
                return (EXCEL_EPOCH + timedelta(days=int(raw))).isoformat(), True
            return text, True
        if isinstance(raw, datetime):
            return raw.date().isoformat(), True
        if isinstance(raw, date):
            return raw.isoformat(), True
        text = str(raw).strip()
        if column.kind in ("id", "code") and SCIENTIFIC.match(text):
            # A CSV saved from Excel carries the number as Excel displayed it: 5.10521E+17.
            self.error(
                row,
                column,
                text,
                _(
                    "“%(column)s”是科学计数法形式的数字，末几位已经丢失；请在 Excel 中把这一列设置为“文本”格式后重新输入。"
                )
                % {"column": column.header},
            )
            return text, False
        return text, True

    def choice(self, row: int, column: Column, text: str, default: str) -> tuple[str, bool]:
        if not text:
            return default, True
        assert column.choices is not None  # noqa: S101 - every "choice" column names its choices
        lookup = choice_lookup(column.choices)
        value = lookup.get(text)
        if value is None:
            value = lookup.get(norm(text))
        if value is None:
            self.error(
                row,
                column,
                text,
                _("“%(value)s”不是有效的%(column)s；可填：%(options)s")
                % {
                    "value": text,
                    "column": column.header,
                    "options": _("、").join(choice_labels(column.choices)),
                },
            )
            return default, False
        return value, True

    def flag(self, row: int, column: Column, text: str, default: bool) -> tuple[bool, bool]:
        if not text:
            return default, True
        lookup = bool_lookup()
        value = lookup.get(text)
        if value is None:
            value = lookup.get(norm(text))
        if value is None:
            self.error(row, column, text, _("%(column)s请填“是”或“否”") % {"column": column.header})
            return default, False
        return value, True

    # rows

    def read_row(self, row: int, cells: list[Any]) -> None:
        bad: set[str] = set()
        if len(cells) >= self.min_width and {*map(type, cells)} == _ONLY_TEXT:
            # The usual row: every cell text (calamine gives empty cells as ""). One dict of the stripped cells,
            # built by C-level calls; only the number-like columns need a second look for "5.10521E+17".
            values = dict(zip(self.keys, map(str.strip, self.take(cells)), strict=True))
            for key, column, index in self.number_columns:
                text = values[key]
                if text and ("E" in text or "e" in text):
                    values[key], ok = self.cell(row, column, cells[index])
                    if not ok:
                        bad.add(key)
        else:
            values = {}
            width = len(cells)
            for column, index in self.columns:
                raw = cells[index] if index < width else ""
                # Text cells are taken as they are, unless a number column holds "5.10521E+17".
                if raw.__class__ is str and not (
                    column.kind in ("id", "code") and ("E" in raw or "e" in raw)
                ):
                    values[column.key] = raw.strip()
                    continue
                text, ok = self.cell(row, column, raw)
                values[column.key] = text
                if not ok:
                    bad.add(column.key)
        if not bad and not any(values.values()):
            return  # blank line
        self.report.members += 1
        household = self.household_of(row, values, bad)
        self.member(row, values, bad, household)

    def household_of(self, row: int, values: dict[str, str], bad: set[str]) -> _Household | None:
        key = values.get("household_key", "")
        if not key:
            if "household_key" not in bad:
                self.error(
                    row, COLUMN_BY_KEY["household_key"], "", _("请填写户编号：同一户的成员填写相同的户编号")
                )
            return None
        household = self.households.get(key)
        if household is None:
            household = self.households[key] = _Household(key, row)
        given = household.values
        for name in HOUSEHOLD_KEYS:
            text = values.get(name)
            if not text or name in bad:
                continue
            first = given.get(name)
            if first is None:
                given[name] = household.clean[name] = text
                household.value_rows[name] = row
                self.household_field(row, household, name, text)
            elif first != text:
                column = COLUMN_BY_KEY[name]
                self.error(
                    row,
                    column,
                    text,
                    _("同一户（户编号 %(key)s）的“%(column)s”应一致：第 %(first)s 行填的是“%(other)s”")
                    % {
                        "key": key,
                        "column": column.header,
                        "first": household.value_rows[name],
                        "other": household.values[name],
                    },
                )
        return household

    def household_field(self, row: int, household: _Household, name: str, text: str) -> None:
        """Check a household value where it is first given; the cleaned value replaces the text."""
        column = COLUMN_BY_KEY[name]
        code = hidden_character(text)
        if code is not None:
            self.error(row, column, text, hidden_character_message(code))
        elif name == "hukou_type":
            value, ok = self.choice(row, column, text, "")
            household.clean[name] = value
        elif name == "region_code" and not VILLAGE_CODE.match(text):
            self.error(row, column, text, _("所属村代码应为 12 位数字的村（社区）区划代码"))
        elif name == "phone" and not is_ascii_digits(text.replace("-", "")):
            self.error(row, column, text, _("电话号码只能包含数字和“-”"))
        elif name == "account_number":
            number, errors, warnings = check_account_number(text)
            for message in errors:
                self.error(row, column, text, message)
            for message in warnings:
                self.warn(row, column, text, message)
            household.clean[name] = number

    def pick(
        self, row: int, values: dict[str, str], bad: set[str], key: str, default: str
    ) -> tuple[str, bool]:
        """A coded column's stored value: blank (or a column not in the file) gives the default."""
        text = values.get(key)
        if not text or key in bad:
            return default, True
        column, lookup = self.picks[key]
        value = lookup.get(text)
        if value is None:
            value = lookup.get(norm(text))
        if value is None:
            return self.choice(row, column, text, default)  # says what may be typed
        return value, True

    def member(self, row: int, values: dict[str, str], bad: set[str], household: _Household | None) -> None:
        col = COLUMN_BY_KEY
        pick = self.pick
        relation_text = values.get("relation", "")
        ok = True
        if not relation_text:
            self.error(row, col["relation"], "", _("请填写与户主关系"))
            ok = False
        relation, good = pick(row, values, bad, "relation", Relation.OTHER)
        ok = ok and good
        if household is not None and relation == Relation.HEAD and "relation" not in bad:
            if household.head_row is None:
                household.head_row = row
                household.head_index = len(household.names)
            else:
                self.error(
                    row,
                    col["relation"],
                    relation_text,
                    _("户编号 %(key)s 的户主已在第 %(first)s 行，一户只能有一位户主")
                    % {"key": household.key, "first": household.head_row},
                )
                ok = False
        id_text = values.get("id_number", "")
        if not id_text and "id_number" not in bad:
            self.error(row, col["id_number"], "", _("请填写公民身份号码"))
            bad.add("id_number")
        sex_text = values.get("sex", "")
        sex = sex_lookup().get(norm(sex_text), "") if sex_text else ""
        if sex_text and not sex:
            self.error(row, col["sex"], sex_text, _("性别请填“男”或“女”，也可空白"))
            ok = False
        birth_text = values.get("birth_date", "")
        birth = parse_date(birth_text) if birth_text else None
        if birth_text and birth is None and "birth_date" not in bad:
            self.error(row, col["birth_date"], birth_text, _("出生日期格式应为 1980-01-31，也可空白"))
            ok = False
        grade_text = values.get("disability_grade", "")
        grade = parse_grade(grade_text) if grade_text else None
        if grade_text and grade is None:
            self.error(row, col["disability_grade"], grade_text, _("残疾等级应为 1 至 4"))
            ok = False
        hukou_status, good = pick(row, values, bad, "hukou_status", HukouStatus.LOCAL)
        ok = ok and good
        is_coresident, good = self.yes_no(row, values, bad, "is_coresident", True)
        ok = ok and good
        non_coresident_reason, good = pick(row, values, bad, "non_coresident_reason", "")
        ok = ok and good
        away_for_work, good = self.yes_no(row, values, bad, "away_for_work", False)
        ok = ok and good
        work_capacity, good = pick(row, values, bad, "work_capacity", WorkCapacity.FULL)
        ok = ok and good
        schooling, good = pick(row, values, bad, "schooling", "")
        ok = ok and good
        disability_category, good = pick(row, values, bad, "disability_category", "")
        ok = ok and good
        veteran_category, good = pick(row, values, bad, "veteran_category", "")
        ok = ok and good
        is_orphan, good = self.yes_no(row, values, bad, "is_orphan", False)
        ok = ok and good
        data = MemberData(
            name=values.get("name", ""),
            # An ID we already refused goes in empty; its clean_member error is skipped below.
            id_number=id_text if "id_number" not in bad else "",
            relation=relation,
            sex=sex,
            birth_date=birth,
            hukou_status=hukou_status,
            is_coresident=is_coresident,
            non_coresident_reason=non_coresident_reason,
            away_for_work=away_for_work,
            work_capacity=work_capacity,
            schooling=schooling,
            serious_illness=values.get("serious_illness", ""),
            disability_category=disability_category,
            disability_grade=grade,
            disability_certificate=values.get("disability_certificate", ""),
            veteran_category=veteran_category,
            is_orphan=is_orphan,
        )
        try:
            clean = clean_member(data, today=self.today)
        except MemberInvalid as exc:
            for key, messages in exc.errors.items():
                if key in bad:
                    continue  # already explained (a number typed as a number, an empty ID)
                column = col.get(key)
                for message in messages:
                    self.error(row, column, values.get(key, "") if column else "", message)
            return
        for message in clean.warnings:
            self.warn(row, col["id_number"], id_text, message)
        number = clean.id_number
        first = self.id_rows.get(number)
        if first is not None:
            self.error(
                row,
                col["id_number"],
                id_text,
                _("与第 %(row)s 行的身份证号重复，同一人只能登记一次") % {"row": first},
            )
            self.error(
                first,
                col["id_number"],
                id_text,
                _("与第 %(row)s 行的身份证号重复，同一人只能登记一次") % {"row": row},
            )
            return
        self.id_rows[number] = row
        self.pending_ids.append(number)
        if self.writing is None and len(self.pending_ids) >= DB_CHECK_CHUNK:
            self.check_database(self.take_pending_ids())
        if household is not None and ok and "id_number" not in bad:
            member = clean.model_values()
            household.pending.append(member)
            household.names.append(member[_NAME_AT])
            self.unsent[household.key] = household

    def yes_no(
        self, row: int, values: dict[str, str], bad: set[str], key: str, default: bool
    ) -> tuple[bool, bool]:
        text = values.get(key)
        if not text or key in bad:
            return default, True
        return self.flag(row, COLUMN_BY_KEY[key], text, default)

    # checks across rows

    def take_pending_ids(self) -> list[str]:
        numbers, self.pending_ids = self.pending_ids, []
        return numbers

    def check_database(self, numbers: list[str]) -> None:
        """One query per chunk of IDs; where someone is already registered is said only within the actor's scope."""
        if not numbers:
            return
        found = Member.objects.filter(id_number__in=many_texts(numbers)).values_list(
            "id_number", "region_id", "region__name", "household_id", "household__head__name"
        )
        column = COLUMN_BY_KEY["id_number"]
        for number, region_code, village, household_id, head in found:
            masked = mask_id_number(number)
            if covers(self.scope, region_code):
                message = _(
                    "身份证号 %(id)s 已登记在 %(village)s %(household)s（档案号 %(pk)s），同一人只能在一户中登记"
                ) % {
                    "id": masked,
                    "village": village,
                    "household": _("%(head)s 户") % {"head": head or "—"},
                    "pk": household_id,
                }
            else:
                self.elsewhere.append(number)
                message = _(
                    "身份证号 %(id)s 已在县内其他地方登记，同一人只能在一户中登记；如需迁入请联系其所在乡镇"
                ) % {"id": masked}
            self.error(self.id_rows[number], column, number, message)

    def read(self, rows: Iterator[tuple[int, list[Any]]]) -> None:
        """Every row after the header; while importing, what is valid so far goes to the writer every STREAM_ROWS."""
        writing = self.writing
        for row, cells in rows:
            self.read_row(row, cells)
            if writing is not None and row % STREAM_ROWS == 0:
                writing.send()
        if not self.report.members:
            raise ValidationFailed(_("文件中没有成员数据：请从第 2 行起每行填写一位家庭成员。"))

    def finish(self) -> None:
        self.check_database(self.take_pending_ids())
        codes = {h.clean["region_code"] for h in self.households.values() if "region_code" in h.values}
        levels = dict(Region.objects.filter(code__in=codes).values_list("code", "level"))
        col = COLUMN_BY_KEY
        for household in self.households.values():
            for name in ("region_code", "address", "hukou_type"):
                if name not in household.values:
                    self.error(
                        household.first_row,
                        col[name],
                        "",
                        _("户编号 %(key)s 没有填写“%(column)s”")
                        % {"key": household.key, "column": col[name].header},
                    )
            code = household.values.get("region_code", "")
            if VILLAGE_CODE.match(code):
                row = household.value_rows["region_code"]
                if code not in levels:
                    self.error(row, col["region_code"], code, _("区划代码 %(code)s 不存在") % {"code": code})
                elif levels[code] != Level.VILLAGE:
                    self.error(
                        row, col["region_code"], code, _("%(code)s 不是村（社区）级区划") % {"code": code}
                    )
                elif not covers(self.scope, code):
                    self.error(
                        row,
                        col["region_code"],
                        code,
                        _("%(code)s 不在您的管辖范围内，不能导入") % {"code": code},
                    )
                else:
                    self.report.villages[code] = self.report.villages.get(code, 0) + 1
            if household.head_row is None:
                self.error(
                    household.first_row,
                    col["relation"],
                    "",
                    _("户编号 %(key)s 没有户主：请把其中一位成员的与户主关系填为“户主”")
                    % {"key": household.key},
                )
            if household.values.get("account_number") and not household.values.get("bank_name"):
                self.error(
                    household.value_rows["account_number"],
                    col["bank_name"],
                    "",
                    _("填写了银行账号，请同时填写开户银行"),
                )
        self.report.households = len(self.households)
        order = {str(c.header): i for i, c in enumerate(COLUMNS)}
        self.report.errors.sort(key=lambda e: (e.row, order.get(e.column, -1)))
        self.report.warnings.sort(key=lambda e: (e.row, order.get(e.column, -1)))


class _Refused(Exception):
    """Leaves the import's transaction, rolling back what was written, when the report found anything wrong."""


class _Writing:
    """The real import: people are written while the file is still being read, all in the caller's transaction.

    Every STREAM_ROWS rows the writer thread gets the IDs read since the last time, to look up in the database, and
    the valid people read since then whose household's village is known to be one the actor may import into, with
    their households when new (as their values stand then; values or a head that a later row gives are updated at
    the end). Whatever is wrong (a row, a household, someone already registered) stops the writing; reading goes
    on, so that the report explains every bad row, and the caller rolls the transaction back. The audit events,
    which list every member and are chained, are written last.

    So the database's work overlaps the reading and checking of the rows (on two cores, an import takes about as
    long as the slower of the two instead of their sum). SQLite's write lock is held from the first row read."""

    def __init__(self, importer: _Importer, filename: str, *, lines: int) -> None:
        self.importer = importer
        self.filename = filename
        self.lines = lines
        self.now = timezone.now()
        # Adapted once here rather than once per row by insert_rows.
        self.stamp = connection.ops.adapt_datetimefield_value(self.now)
        self.pinyin: dict[str, tuple[str, str]] = {}  # names repeat; pypinyin is the slowest step per person
        self.writer = BackgroundWriter()
        # Filled on the writer's thread and read by this one after a flush:
        #: IDs the writer's checks found already registered
        self.registered: list[str] = []
        #: each household's id, by its local number
        self.household_pks: list[int] = []
        #: each household's head's id, by its local number (once its row is handed over)
        self.head_ids: dict[int, int] = {}
        #: the values each household was inserted with (HOUSEHOLD_COLUMNS but id and timestamps), by local number
        self.inserted: list[tuple[Any, ...]] = []
        #: households inserted before their head's row was read, by local number
        self.headless: set[int] = set()
        self.households_sent = 0
        # Before the writer owns the connection (on SQLite they look up the highest ids used).
        self.household_ids = IdSupply(Household)
        self.member_ids = IdSupply(Member)
        scope = importer.scope
        #: villages this actor may import into; households naming others are explained by finish()
        self.villages: set[str] = (
            set(
                Region.objects.filter(level=Level.VILLAGE, code__startswith=scope).values_list(
                    "code", flat=True
                )
            )
            if scope is not None
            else set()
        )

    def run(self, rows: Iterator[tuple[int, list[Any]]]) -> list[int] | None:
        """Read, check and write; the new households' ids, or None when anything was wrong (roll back)."""
        importer = self.importer
        importer.writing = self
        rebuild = self.lines >= REBUILD_MIN_ROWS and self.lines >= Member.objects.count()
        recreate = drop_indexes(Member, REBUILT_INDEXES) if rebuild else []
        # Members are written after their household in every round: their foreign keys (and the households'
        # village) are checked as rows go in, by the database's work that overlaps the reading, not all at commit.
        with checked_at_once(_CHECKED_AT_ONCE), self.writer:
            importer.read(rows)
            self.send()
            self.writer.flush()
            importer.check_database(self.registered)  # their messages say where; the connection is free again
            importer.finish()
            if not importer.report.ok:
                return None
            created = self.complete_households(recreate)
        audit_record(
            event_code=events.IMPORTED,
            actor=importer.actor,
            region_code=importer.scope,
            target_type="registry.import",
            target_repr=self.filename[:200],
            new={
                "filename": self.filename,
                "households": importer.report.households,
                "members": importer.report.members,
                "warnings": importer.report.warning_count,
                "villages": importer.report.villages,
            },
            now=self.now,
        )
        return created

    def household_values(self, household: _Household) -> tuple[Any, ...]:
        """A household's columns as of now: HOUSEHOLD_COLUMNS without id, timestamps and head."""
        clean = household.clean
        return (
            clean["region_code"],
            clean.get("address", ""),
            clean.get("hukou_type", ""),
            clean.get("phone", ""),
            clean.get("bank_name", ""),
            clean.get("account_holder", ""),
            clean.get("account_number", ""),
            "",
        )

    def send(self) -> None:
        """Hand the writer the IDs to look up and, while nothing is wrong, the people ready to be written."""
        importer = self.importer
        numbers = importer.take_pending_ids()
        homes: list[list[Any]] = []
        people: list[list[Any]] = []
        heads: list[tuple[int, int]] = []  # (place in people, household's local number)
        if importer.report.ok:
            villages = self.villages
            for key, household in list(importer.unsent.items()):
                region = household.clean.get("region_code")
                if region not in villages:
                    continue  # the village is named in a later row, or wrong
                if household.local is None:
                    household.local = self.households_sent
                    self.households_sent += 1
                    values = self.household_values(household)
                    self.inserted.append(values)
                    homes.append([household.local, *values, self.stamp, self.stamp, None])
                self.add_members(household, region, people, heads)
                del importer.unsent[key]
        query, params = (
            Member.objects.filter(id_number__in=many_texts(numbers))
            .values_list("id_number")
            .query.sql_with_params()
        )
        # Rows with dates to adapt come back as new lists (the writer fills in their ids); without any, as they are.
        members = cast(
            "list[list[Any]]",
            adapt_rows(Member, MEMBER_COLUMNS, people, prepared=("created_at", "updated_at")),
        )
        registered, household_pks, head_ids, headless = (
            self.registered,
            self.household_pks,
            self.head_ids,
            self.headless,
        )

        def check_then_insert(using: Any) -> None:
            # On the writer's thread, in the transaction: nobody in this file has been handed over twice (duplicates
            # in the file never are), so whoever the lookup finds was registered before.
            if numbers:
                with using.cursor() as cursor:
                    cursor.execute(query, params)
                    registered.extend(found for (found,) in cursor.fetchall())
            if not members or registered:
                return
            # Ids drawn here, as the inserts would draw them and exactly as many, so that members point at their
            # household and households at their head in one pass.
            household_pks.extend(self.household_ids.take(len(homes), using=using))
            member_ids = self.member_ids.take(len(members), using=using)
            for row, member_id in zip(members, member_ids, strict=True):
                row[0] = member_id
                row[_HOUSEHOLD_AT] = household_pks[row[_HOUSEHOLD_AT]]
            for place, local in heads:
                head_ids[local] = member_ids[place]
            for row in homes:
                local = row[0]
                row[0] = household_pks[local]
                row[-1] = head_ids.get(local)
                if row[-1] is None:
                    headless.add(local)  # the head's own row comes later: set at the end
            insert_rows(Household, HOUSEHOLD_COLUMNS, homes, prepared=HOUSEHOLD_COLUMNS, using=using)
            insert_rows(Member, MEMBER_COLUMNS, members, prepared=MEMBER_COLUMNS, using=using)

        self.writer.run(check_then_insert)

    def add_members(
        self, household: _Household, region: str, people: list[list[Any]], heads: list[tuple[int, int]]
    ) -> None:
        """The household's members not yet handed over, as rows whose id the writer fills in and whose household
        is its local number until then."""
        assert household.local is not None  # noqa: S101 - given by send() first
        local, stamp, pinyin = household.local, self.stamp, self.pinyin
        index = len(household.names) - len(household.pending)
        for values in household.pending:
            if index == household.head_index:
                heads.append((len(people), local))
            index += 1
            name = values[_NAME_AT]
            keys = pinyin.get(name)
            if keys is None:
                keys = pinyin[name] = name_keys(name)
            people.append([None, *values, local, region, keys[0], keys[1], stamp, stamp])
        household.pending = []

    def complete_households(self, recreate: list[str]) -> list[int]:
        """Households as the whole file has them (values given after their first member was written, the head when
        it came later), then their audit events. Most files give a household's values and head on its first row,
        so there is usually nothing to update."""
        importer, writer = self.importer, self.writer
        label = _("%(head)s 户")
        created: list[int] = []
        events_: list[EventSpec] = []
        changed: list[tuple[Any, ...]] = []
        for household in importer.households.values():
            local = household.local
            assert local is not None  # noqa: S101 - every member of a valid household was handed over
            pk, head_id = self.household_pks[local], self.head_ids[local]
            values = self.household_values(household)
            if values != self.inserted[local] or local in self.headless:
                changed.append((*values[1:], head_id, pk))
            created.append(pk)
            events_.append(
                EventSpec(
                    event_code=events.HOUSEHOLD_CREATED,
                    actor=importer.actor,
                    region_code=values[0],
                    target_type="registry.household",
                    target_id=str(pk),
                    target_repr=label % {"head": household.names[household.head_index or 0]},
                    new={
                        "imported_from": self.filename,
                        "row": household.first_row,
                        "members": household.names,
                    },
                )
            )
        if changed:
            writer.run(lambda using: _update_households(changed, using))
        # Audit last: the chain head is locked from the first append to the commit, so keep that stretch short.
        # The dropped indexes are built from the whole table meanwhile, by the writer while the events are hashed;
        # a rollback takes them away again (and brings back the dropped ones).
        audit_append(
            specs=events_,
            now=self.now,
            writer=writer,
            meanwhile=(lambda: writer.run(lambda using: create_indexes(recreate, using=using)))
            if recreate
            else None,
        )
        return created


#: the foreign keys an import has checked as its rows go in (the rest at commit)
_CHECKED_AT_ONCE = [
    (Member, "household"),
    (Member, "region"),
    (Household, "region"),
    (AuditEvent, "actor"),
    (AuditEvent, "region"),
]
#: the household columns complete_households may change
_LATE_COLUMNS = [*HOUSEHOLD_COLUMNS[2:9], "head"]


def _update_households(rows: list[tuple[Any, ...]], using: Any) -> None:
    """UPDATE households (values in _LATE_COLUMNS order, then the id), on the writer's thread."""
    quote = using.ops.quote_name
    columns = [
        cast("models.Field[Any, Any]", Household._meta.get_field(name)).column for name in _LATE_COLUMNS
    ]
    assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
    with using.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(Household._meta.db_table)} SET {assignments} WHERE id = %s",  # noqa: S608 - model names
            rows,
        )


def registry_import(
    *,
    actor: Any,
    source: bytes | BinaryIO | Path,
    filename: str,
    dry_run: bool,
    today: date | None = None,
) -> ImportReport:
    """Check every row of an uploaded file; unless a dry run or anything is wrong, create all its households at once.

    Any error leaves the database untouched and comes back in the report (row, column, value, message)."""
    if not actor.can(Capability.IMPORT_REGISTRY):
        raise PermissionDeniedError(_("您的角色无权批量导入家庭档案。"))
    if isinstance(source, Path):
        data = source.read_bytes()
    elif isinstance(source, bytes):
        data = source
    else:
        data = source.read()
    report = ImportReport(filename=filename, dry_run=dry_run)
    # The preview answers for every ID in the file whether it is registered: limited and audited as the form is.
    probes.elsewhere_gate(actor=actor)
    elsewhere: list[str] = []
    try:
        with without_cyclic_gc():
            return _import(
                data,
                filename,
                actor=actor,
                today=today or timezone.localdate(),
                report=report,
                elsewhere=elsewhere,
            )
    finally:
        probes.elsewhere_record(
            actor=actor, numbers=elsewhere, source="import_preview" if dry_run else "import"
        )


def _import(
    data: bytes, filename: str, *, actor: Any, today: date, report: ImportReport, elsewhere: list[str]
) -> ImportReport:
    importer = _Importer(actor=actor, today=today, report=report)
    importer.elsewhere = elsewhere
    rows, lines = _raw_rows(data, filename)
    for row, cells in rows:
        if any(cell_text(c) for c in cells):
            importer.read_header(row, cells)
            break
    if not importer.columns:
        raise ValidationFailed(_("文件是空的：请使用导入模板填写后再上传。"))
    if report.dry_run:
        importer.read(rows)
        importer.finish()
        return report
    try:
        # Reading, checking and writing in one transaction: the people of the rows read so far go in while the
        # next rows are read, and anything wrong anywhere rolls all of it back.
        with transaction.atomic(), sqlite_cache(mib=WRITE_CACHE_MIB):
            household_ids = _Writing(importer, filename, lines=lines).run(rows)
            if household_ids is None:
                raise _Refused
            transaction.on_commit(
                lambda: household_changed.send(
                    sender=Household, household_ids=household_ids, reason=events.IMPORTED, actor=actor
                )
            )
    except _Refused:
        return report  # the report says why; the transaction rolled back
    except IntegrityError as exc:
        # Someone changed the registry between our checks and the insert (most likely: registered one of these
        # people); the transaction rolled back, so nothing was written.
        raise ConflictError(
            _("导入期间家庭档案被他人修改（例如文件中的某人刚被登记），本次未导入任何数据；请重新上传文件。")
        ) from exc
    report.imported = True
    return report
