"""Excel in and out: the import template, the all-or-nothing import with its error workbook, and the export."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from typing import Any

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_verify
from minzheng.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from minzheng.core.testing.personas import VILLAGE_A1, VILLAGE_A2, VILLAGE_B1
from minzheng.registry.excel import COLUMNS, error_workbook, import_template, registry_export, registry_import
from minzheng.registry.idnumber import check_character, mask_id_number
from minzheng.registry.models import Household, HukouType, Member, NonCoresidentReason, Relation
from minzheng.registry.services import HouseholdData, household_create
from minzheng.registry.signals import household_changed
from minzheng.registry.validation import MemberData

TODAY = date(2025, 9, 1)
HEADERS = [str(c.header) for c in COLUMNS]


def make_id(birth: str, order: int) -> str:
    """510521 + YYYYMMDD + 3-digit order (odd for men) + check character."""
    body = f"510521{birth}{order:03d}"
    return body + check_character(body)


HEAD_ID = make_id("19700115", 11)
SPOUSE_ID = make_id("19720501", 22)
SON_ID = make_id("20050301", 31)
SECOND_HEAD_ID = make_id("19600202", 41)
SECOND_WIFE_ID = make_id("19620303", 42)


def person(
    key: Any, village: Any, name: str, id_number: Any, relation: str = "户主", **extra: Any
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "户编号": key,
        "所属村代码": village,
        "住址": f"{key} 组 1 号",
        "户籍类型": "农村",
        "姓名": name,
        "公民身份号码": id_number,
        "与户主关系": relation,
    }
    row.update(extra)
    return row


def xlsx(rows: list[dict[str, Any]], headers: list[str] = HEADERS) -> bytes:
    """A workbook as a clerk would save it: text where typed as text, numbers where typed as numbers."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, headers)
    for r, row in enumerate(rows, start=1):
        for c, header in enumerate(headers):
            value = row.get(header, "")
            if isinstance(value, int | float):
                sheet.write_number(r, c, value)
            elif value != "":
                sheet.write_string(r, c, str(value))
    workbook.close()
    return buffer.getvalue()


def csv_bytes(rows: list[dict[str, Any]], encoding: str) -> bytes:
    lines = [",".join(HEADERS)] + [",".join(str(row.get(h, "")) for h in HEADERS) for row in rows]
    return "\r\n".join(lines).encode(encoding)


def good_rows() -> list[dict[str, Any]]:
    return [
        person(
            "1",
            VILLAGE_A1,
            "张三丰",
            HEAD_ID,
            家庭电话="0830-1234567",
            开户银行="泸县农商银行",
            账户户名="张三丰",
            银行账号="6228480402564890018",
        ),
        person(
            "1",
            VILLAGE_A1,
            "李秀英",
            SPOUSE_ID,
            "配偶",
            残疾类别="肢体",
            残疾等级="2",
            残疾人证号=SPOUSE_ID + "42",
        ),
        person(
            "1", VILLAGE_A1, "张小明", SON_ID, "子", 是否共同生活="否", 不计入原因="在监狱服刑", 外出务工="是"
        ),
        person("2", VILLAGE_A2, "单雄信", SECOND_HEAD_ID, 户籍类型="城镇", 优抚对象类别="参战退役军人"),
        person(
            "2",
            VILLAGE_A2,
            "曾小红",
            SECOND_WIFE_ID,
            "配偶",
            住址="",
            户籍类型="",
            性别="女",
            出生日期="1962-03-03",
        ),
    ]


def load(actor: Any, source: bytes, *, filename: str = "户籍.xlsx", dry_run: bool = False) -> Any:
    return registry_import(actor=actor, source=source, filename=filename, dry_run=dry_run, today=TODAY)


def errors_by_row(report: Any) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = {}
    for issue in report.errors:
        found.setdefault(issue.row, []).append((issue.column, issue.message))
    return found


# --- the template ---------------------------------------------------------------------------------------------


def test_template_has_chinese_headers_instructions_and_dropdowns() -> None:
    content = import_template()
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    assert workbook.sheet_names[0] == "家庭成员"
    assert "说明" in workbook.sheet_names
    rows = list(workbook.get_sheet_by_index(0).iter_rows())
    assert rows[0][:3] == ["户编号", "所属村代码", "住址"]
    assert "公民身份号码" in rows[0] and "与户主关系" in rows[0]
    notes = [cell for row in workbook.get_sheet_by_name("说明").iter_rows() for cell in row]
    assert "公民身份号码" in notes
    lists = workbook.get_sheet_by_name("代码表").iter_rows()
    options = [cell for row in lists for cell in row]
    assert {"户主", "配偶", "农村", "在监狱服刑", "肢体", "是", "否"} <= set(options)
    visibility = {sheet.name: str(sheet.visible) for sheet in workbook.sheets_metadata}
    assert "Hidden" in visibility["代码表"]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    coded = sum(1 for c in COLUMNS if c.kind in ("choice", "bool", "sex", "grade"))
    assert f'<dataValidations count="{coded}">' in sheet_xml


def test_template_round_trips_as_an_empty_import(personas: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed):
        load(personas["township_a_clerk"], import_template())
    assert Household.objects.count() == 0


# --- a good file ----------------------------------------------------------------------------------------------


def test_good_file_creates_households_members_heads_and_pinyin(
    personas: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    announced: list[dict[str, Any]] = []

    def receiver(**kwargs: Any) -> None:
        announced.append(kwargs)

    household_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            report = load(personas["township_a_clerk"], xlsx(good_rows()))
    finally:
        household_changed.disconnect(receiver)

    assert report.ok and report.imported
    assert (report.households, report.members) == (2, 5)
    assert report.villages == {VILLAGE_A1: 1, VILLAGE_A2: 1}
    first = Household.objects.get(region_id=VILLAGE_A1)
    assert first.head is not None and first.head.name == "张三丰"
    assert first.head.relation == Relation.HEAD
    assert (first.address, first.hukou_type, first.phone) == ("1 组 1 号", HukouType.RURAL, "0830-1234567")
    assert first.account_number == "6228480402564890018"
    spouse = Member.objects.get(id_number=SPOUSE_ID)
    assert (spouse.relation, spouse.sex, spouse.disability_category, spouse.disability_grade) == (
        Relation.SPOUSE,
        "female",
        "physical",
        2,
    )
    son = Member.objects.get(id_number=SON_ID)
    assert (son.is_coresident, son.non_coresident_reason, son.away_for_work) == (
        False,
        NonCoresidentReason.IN_PRISON,
        True,
    )
    assert son.region_id == VILLAGE_A1 and son.household_id == first.pk
    assert (son.id_last4, son.id_last6) == (SON_ID[-4:], SON_ID[-6:])
    assert son.birth_date == date(2005, 3, 1)
    head = Member.objects.get(name="张三丰")
    assert (head.name_pinyin, head.name_initials) == ("zhangsanfeng", "zsf")
    second = Household.objects.get(region_id=VILLAGE_A2)
    assert second.hukou_type == HukouType.URBAN
    assert second.head is not None and second.head.name_initials == "sxx"
    assert second.head.veteran_category == "combat_veteran"

    created = AuditEvent.objects.filter(event_code="registry.household_created").order_by("seq")
    assert [e.target_id for e in created] == [str(first.pk), str(second.pk)]
    assert created[0].new_values == {
        "imported_from": "户籍.xlsx",
        "row": 2,
        "members": ["张三丰", "李秀英", "张小明"],
    }
    assert created[0].target_type == "registry.household" and created[0].region_id == VILLAGE_A1
    summary = AuditEvent.objects.get(event_code="registry.imported")
    assert summary.actor == personas["township_a_clerk"]
    assert summary.new_values is not None and summary.new_values["households"] == 2
    assert announced and sorted(announced[0]["household_ids"]) == sorted([first.pk, second.pk])
    assert announced[0]["reason"] == "registry.imported"
    assert audit_verify().ok  # the import's events continue the one chain


def test_account_failing_luhn_is_a_warning_not_an_error(personas: dict[str, Any]) -> None:
    rows = [person("1", VILLAGE_A1, "张三丰", HEAD_ID, 开户银行="农商银行", 银行账号="6228480402564890019")]
    report = load(personas["township_a_clerk"], xlsx(rows))
    assert report.ok and report.imported
    assert [(w.row, w.column) for w in report.warnings] == [(2, "银行账号")]
    assert "Luhn" in report.warnings[0].message


def test_dry_run_checks_everything_and_changes_nothing(personas: dict[str, Any]) -> None:
    report = load(personas["township_a_clerk"], xlsx(good_rows()), dry_run=True)
    assert report.ok and not report.imported
    assert (report.households, report.members) == (2, 5)
    assert Household.objects.count() == 0 and Member.objects.count() == 0
    assert not AuditEvent.objects.filter(event_code__startswith="registry.").exists()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_csv_in_utf8_with_bom_and_gb18030_imports(personas: dict[str, Any], encoding: str) -> None:
    report = load(personas["township_a_clerk"], csv_bytes(good_rows(), encoding), filename="户籍.csv")
    assert report.ok, report.errors
    assert Member.objects.filter(name="曾小红", household__head__name="单雄信").exists()


def test_headers_may_be_in_any_order_and_carry_notes(personas: dict[str, Any]) -> None:
    headers = list(reversed(HEADERS))
    headers[headers.index("性别")] = "性别(可空)"
    rows = [{("性别(可空)" if k == "性别" else k): v for k, v in row.items()} for row in good_rows()]
    report = load(personas["township_a_clerk"], xlsx(rows, headers))
    assert report.ok, report.errors
    assert Member.objects.count() == 5


def test_county_admin_imports_anywhere_in_the_county(personas: dict[str, Any]) -> None:
    rows = [person("1", VILLAGE_A1, "张三丰", HEAD_ID), person("2", VILLAGE_B1, "单雄信", SECOND_HEAD_ID)]
    report = load(personas["county_admin"], xlsx(rows))
    assert report.imported
    assert Household.objects.count() == 2


# --- a bad file -----------------------------------------------------------------------------------------------


def _register(actor: Any, village: str, name: str, id_number: str) -> Household:
    result = household_create(
        actor=actor,
        data=HouseholdData(region_code=village, address="老宅", hukou_type=HukouType.RURAL),
        head=MemberData(name=name, id_number=id_number, relation=Relation.HEAD),
    )
    household: Household = result.obj
    return household


def test_bad_file_changes_nothing_and_the_error_workbook_explains_every_bad_row(
    personas: dict[str, Any],
) -> None:
    existing_id = make_id("19500505", 51)
    existing = _register(personas["village_a1_officer"], VILLAGE_A1, "王老五", existing_id)
    bad_check = HEAD_ID[:-1] + ("0" if HEAD_ID[-1] != "0" else "1")
    rows = [
        person("1", VILLAGE_A1, "张三丰", HEAD_ID),  # 2: fine, but duplicated by row 4
        person("1", VILLAGE_A1, "李秀英", bad_check, "配偶"),  # 3: wrong check character
        person("1", VILLAGE_A1, "张小明", HEAD_ID, "子"),  # 4: same ID as row 2
        person("2", VILLAGE_A1, "王五", existing_id),  # 5: already on file
        person("3", VILLAGE_B1, "赵六", make_id("19800808", 61)),  # 6: township B
        person("4", VILLAGE_A2, "钱七", make_id("19810909", 71)),  # 7: first head
        person("4", VILLAGE_A2, "孙八", make_id("19821010", 81)),  # 8: second head
        person("5", VILLAGE_A2, "周九", make_id("19831111", 91), "配偶"),  # 9: household without head
        person("6", VILLAGE_A2, "吴十", make_id("19841212", 13), "老板"),  # 10: not a relation
        person(
            "6", VILLAGE_A2, "郑一", make_id("19850101", 15), "户主", 住址="别处"
        ),  # 11: address disagrees
    ]
    before = (Household.objects.count(), Member.objects.count(), AuditEvent.objects.count())
    report = load(personas["township_a_clerk"], xlsx(rows))

    assert not report.ok and not report.imported
    assert (Household.objects.count(), Member.objects.count(), AuditEvent.objects.count()) == before
    found = errors_by_row(report)
    assert found[3] == [("公民身份号码", f"第 18 位校验码应为 {HEAD_ID[-1]}，实际为 {bad_check[-1]}")]
    assert ("公民身份号码", "与第 4 行的身份证号重复，同一人只能登记一次") in found[2]
    assert found[4] == [("公民身份号码", "与第 2 行的身份证号重复，同一人只能登记一次")]
    assert found[5] == [
        (
            "公民身份号码",
            f"身份证号 {mask_id_number(existing_id)} 已登记在 白象村民委员会 王老五 户（档案号 {existing.pk}），"
            "同一人只能在一户中登记",
        )
    ]
    assert found[6] == [("所属村代码", f"{VILLAGE_B1} 不在您的管辖范围内，不能导入")]
    assert 7 not in found
    assert found[8] == [("与户主关系", "户编号 4 的户主已在第 7 行，一户只能有一位户主")]
    assert found[9] == [("与户主关系", "户编号 5 没有户主：请把其中一位成员的与户主关系填为“户主”")]
    assert found[10][0][0] == "与户主关系" and found[10][0][1].startswith(
        "“老板”不是有效的与户主关系；可填：户主、配偶"
    )
    assert found[11] == [("住址", "同一户（户编号 6）的“住址”应一致：第 10 行填的是“6 组 1 号”")]
    assert report.error_count == len(report.errors)

    sheet = CalamineWorkbook.from_filelike(io.BytesIO(error_workbook(report))).get_sheet_by_index(0)
    table: list[list[Any]] = list(sheet.iter_rows())
    assert table[0] == ["行号", "列", "值", "错误说明"]
    assert [(int(r[0]), r[1], r[3]) for r in table[1:]] == [
        (e.row, e.column, e.message) for e in report.errors
    ]
    listed_rows = {int(r[0]) for r in table[1:]}
    assert listed_rows == {2, 3, 4, 5, 6, 8, 9, 10, 11}
    values = {int(r[0]): r[2] for r in table[1:] if r[1] == "公民身份号码"}
    assert values[3] == bad_check  # the value as typed, as text


def test_someone_registering_a_person_during_the_import_leaves_nothing_written(
    personas: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer looks every ID up just before inserting; a person registered in between (by another connection,
    on PostgreSQL) makes the insert fail on the unique ID, and everything the import wrote goes with it."""
    from minzheng.registry.excel import importing

    insert = importing.insert_rows

    def race_then_insert(model: Any, names: Any, rows: Any, **kwargs: Any) -> Any:
        if model is Member:
            # ... someone registers the first person of the file, under another record, before our insert:
            intruder = list(rows[0])
            intruder[0] += 1_000_000
            insert(model, names, [intruder], **kwargs)
        return insert(model, names, rows, **kwargs)

    monkeypatch.setattr(importing, "insert_rows", race_then_insert)
    before = (Household.objects.count(), Member.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ConflictError):
        load(personas["township_a_clerk"], xlsx(good_rows()))
    assert (Household.objects.count(), Member.objects.count(), AuditEvent.objects.count()) == before
    assert Member.objects.filter(id_number=SPOUSE_ID).count() == 0


# --- writing while reading ------------------------------------------------------------------------------------
# The real import hands people to the writer every STREAM_ROWS rows; with 2 rows per hand-over these small files
# are written in many rounds, households straddle them and their village or head may come rounds later.


@pytest.fixture
def two_row_rounds(monkeypatch: pytest.MonkeyPatch) -> None:
    from minzheng.registry.excel import importing

    monkeypatch.setattr(importing, "STREAM_ROWS", 2)


def straddling_rows() -> list[dict[str, Any]]:
    """Household 1's village is first given on its third row; household 2's head comes after its spouse and after
    a row of household 1, and brings the household's phone; household 3 is one person."""
    return [
        person("1", "", "李秀英", SPOUSE_ID, "配偶", 住址="", 户籍类型=""),
        person("2", VILLAGE_A2, "曾小红", SECOND_WIFE_ID, "配偶"),
        person("1", "", "张小明", SON_ID, "子", 住址="", 户籍类型=""),
        person("1", VILLAGE_A1, "张三丰", HEAD_ID),
        person("2", VILLAGE_A2, "单雄信", SECOND_HEAD_ID, 家庭电话="0830-7654321"),
        person("3", VILLAGE_A1, "王老五", make_id("19500505", 53)),
    ]


def test_households_straddling_rounds_get_their_village_head_and_members(
    personas: dict[str, Any], two_row_rounds: None
) -> None:
    report = load(personas["township_a_clerk"], xlsx(straddling_rows()))
    assert report.imported, report.errors
    households = {h.head.name: h for h in Household.objects.select_related("head", "region") if h.head}
    assert {name: sorted(m.name for m in h.members.all()) for name, h in households.items()} == {
        "张三丰": sorted(["张小明", "张三丰", "李秀英"]),
        "单雄信": sorted(["单雄信", "曾小红"]),
        "王老五": ["王老五"],
    }
    assert {name: h.region_id for name, h in households.items()} == {
        "张三丰": VILLAGE_A1,
        "单雄信": VILLAGE_A2,
        "王老五": VILLAGE_A1,
    }
    assert {name: h.phone for name, h in households.items()} == {
        "张三丰": "",
        "单雄信": "0830-7654321",
        "王老五": "",
    }
    assert all(m.region_id == m.household.region_id for m in Member.objects.select_related("household"))
    assert all(h.head and h.head.household_id == h.pk for h in households.values())
    # exactly as many ids as rows, drawn as they were handed over: no gap before the next record
    pks = sorted(h.pk for h in households.values())
    assert pks == list(range(pks[0], pks[0] + 3))
    member_ids = sorted(Member.objects.values_list("id", flat=True))
    assert member_ids == list(range(member_ids[0], member_ids[0] + 6))
    assert (
        _register(personas["village_a1_officer"], VILLAGE_A1, "赵六", make_id("19900101", 61)).pk
        == pks[-1] + 1
    )
    event = AuditEvent.objects.get(
        event_code="registry.household_created", target_id=str(households["张三丰"].pk)
    )
    assert event.new_values == {
        "imported_from": "户籍.xlsx",
        "row": 2,
        "members": ["李秀英", "张小明", "张三丰"],
    }
    assert event.target_repr == "张三丰 户"
    audit_verify()


def test_an_error_after_people_were_written_rolls_them_back_and_every_row_is_explained(
    personas: dict[str, Any], two_row_rounds: None
) -> None:
    rows = [
        *straddling_rows(),
        person("4", VILLAGE_A1, "赵六", "51052119800101001X"),
    ]  # wrong check character
    rows += [person("5", VILLAGE_A1, "钱七", SON_ID)]  # the son again
    before = (Household.objects.count(), Member.objects.count(), AuditEvent.objects.count())
    report = load(personas["township_a_clerk"], xlsx(rows))
    assert not report.imported
    assert sorted(errors_by_row(report)) == [4, 8, 9]
    assert "校验" in errors_by_row(report)[8][0][1]
    assert (Household.objects.count(), Member.objects.count(), AuditEvent.objects.count()) == before


def test_someone_registered_found_in_a_later_round_is_explained_and_nothing_stays(
    personas: dict[str, Any], two_row_rounds: None
) -> None:
    existing_id = make_id("19500505", 53)  # 王老五, on the file's last row, already has a record
    _register(personas["village_a1_officer"], VILLAGE_A1, "王老五", existing_id)
    before = (Household.objects.count(), Member.objects.count(), AuditEvent.objects.count())
    report = load(personas["township_a_clerk"], xlsx(straddling_rows()))
    assert not report.imported
    [(row, [(column, message)])] = errors_by_row(report).items()
    assert (row, column) == (7, "公民身份号码")
    assert message.startswith(f"身份证号 {mask_id_number(existing_id)} 已登记在 ")
    assert (Household.objects.count(), Member.objects.count(), AuditEvent.objects.count()) == before


def _indexes_of_members() -> set[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, Member._meta.db_table))


def test_a_first_load_rebuilds_the_search_indexes_and_a_failed_one_keeps_them(
    personas: dict[str, Any], two_row_rounds: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file with at least as many rows as people on file drops the search indexes while it writes and builds them
    again before the commit; searching works right after, and a failed import leaves them as they were."""
    from minzheng.registry.excel import importing
    from minzheng.registry.selectors import member_search

    monkeypatch.setattr(importing, "REBUILD_MIN_ROWS", 1)
    drops: list[list[str]] = []
    drop = importing.drop_indexes

    def counted(model: Any, names: list[str], **kwargs: Any) -> list[str]:
        drops.append(names)
        return drop(model, names, **kwargs)

    monkeypatch.setattr(importing, "drop_indexes", counted)
    before = _indexes_of_members()
    assert set(importing.REBUILT_INDEXES) <= before
    bad = [*straddling_rows(), person("4", VILLAGE_A1, "赵六", "51052119800101001X")]
    assert not load(personas["township_a_clerk"], xlsx(bad)).imported
    assert _indexes_of_members() == before
    assert load(personas["township_a_clerk"], xlsx(straddling_rows())).imported
    assert _indexes_of_members() == before
    assert drops == [importing.REBUILT_INDEXES] * 2
    assert [m.name for m in member_search(user=personas["township_a_clerk"], query="zsf")] == ["张三丰"]
    # now there are people on file: a file with fewer rows than that keeps the indexes up as it goes
    assert load(
        personas["township_a_clerk"], xlsx([person("9", VILLAGE_A1, "钱七", make_id("19880808", 71))])
    ).imported
    assert len(drops) == 2


def test_duplicate_outside_scope_says_registered_elsewhere_without_details(personas: dict[str, Any]) -> None:
    existing_id = make_id("19500505", 53)
    _register(personas["village_a1_officer"], VILLAGE_A1, "王老五", existing_id)
    report = load(personas["township_b_clerk"], xlsx([person("1", VILLAGE_B1, "王五", existing_id)]))
    [error] = report.errors
    assert error.message == (
        f"身份证号 {mask_id_number(existing_id)} 已在县内其他地方登记，同一人只能在一户中登记；如需迁入请联系其所在乡镇"
    )
    assert "白象" not in error.message and "王老五" not in error.message


def test_township_b_clerk_cannot_import_into_township_a(personas: dict[str, Any]) -> None:
    report = load(personas["township_b_clerk"], xlsx([person("1", VILLAGE_A1, "张三丰", HEAD_ID)]))
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (2, "所属村代码", f"{VILLAGE_A1} 不在您的管辖范围内，不能导入")
    ]
    assert Household.objects.count() == 0


def test_region_codes_must_name_existing_villages(personas: dict[str, Any]) -> None:
    rows = [
        person("1", "510521103", "张三丰", HEAD_ID),
        person("2", "510521103999", "单雄信", SECOND_HEAD_ID),
        person("3", "510521103000", "曾小红", SECOND_WIFE_ID),
    ]
    report = load(personas["county_admin"], xlsx(rows))
    assert [(e.row, e.message) for e in report.errors] == [
        (2, "所属村代码应为 12 位数字的村（社区）区划代码"),
        (3, "区划代码 510521103999 不存在"),
        (4, "区划代码 510521103000 不存在"),
    ]


@pytest.mark.parametrize("persona", ["village_a1_officer", "township_a_head", "county_approver", "auditor"])
def test_roles_without_import_capability_are_refused(personas: dict[str, Any], persona: str) -> None:
    with pytest.raises(PermissionDeniedError):
        load(personas[persona], xlsx(good_rows()))
    assert Household.objects.count() == 0


def test_missing_required_columns_are_named(personas: dict[str, Any]) -> None:
    headers = [h for h in HEADERS if h != "公民身份号码"]
    with pytest.raises(ValidationFailed) as excinfo:
        load(personas["township_a_clerk"], xlsx(good_rows(), headers))
    assert "公民身份号码" in str(excinfo.value)


# --- numbers typed as numbers ---------------------------------------------------------------------------------


def test_numbers_typed_as_numbers_are_read_where_safe_and_refused_where_digits_are_lost(
    personas: dict[str, Any],
) -> None:
    rows = [
        # Household key, village code, phone: numbers Excel holds exactly, read back without ".0".
        person(
            1, float(VILLAGE_A1), "张三丰", HEAD_ID, 家庭电话=13800000000.0, 残疾类别="视力", 残疾等级=1.0
        ),
        person(1, float(VILLAGE_A1), "李秀英", SPOUSE_ID, "配偶", 出生日期="19720501"),
    ]
    report = load(personas["township_a_clerk"], xlsx(rows))
    assert report.ok, report.errors
    household = Household.objects.get()
    assert (household.region_id, household.phone) == (VILLAGE_A1, "13800000000")
    assert Member.objects.get(name="张三丰").disability_grade == 1


def test_an_id_typed_as_a_number_is_refused_with_advice_to_use_text(personas: dict[str, Any]) -> None:
    rows = [
        person(
            "1", VILLAGE_A1, "张三丰", float(HEAD_ID), 开户银行="农商银行", 银行账号=6228480402564890018.0
        ),
    ]
    report = load(personas["township_a_clerk"], xlsx(rows))
    by_column = {e.column: e.message for e in report.errors}
    assert set(by_column) == {"公民身份号码", "银行账号"}
    assert "身份证号被存成了数字" in by_column["公民身份号码"] and "“文本”格式" in by_column["公民身份号码"]
    assert "超过 15 位的数字" in by_column["银行账号"]
    assert Household.objects.count() == 0


def test_an_id_in_scientific_notation_from_a_csv_is_refused(personas: dict[str, Any]) -> None:
    rows = [person("1", VILLAGE_A1, "张三丰", "5.10521E+17")]
    report = load(personas["township_a_clerk"], csv_bytes(rows, "utf-8-sig"), filename="a.csv")
    [error] = report.errors
    assert error.column == "公民身份号码" and "科学计数法" in error.message


# --- the export -----------------------------------------------------------------------------------------------


def _export(user: Any, village: str = "") -> tuple[int, dict[str, list[list[Any]]]]:
    buffer = io.BytesIO()
    count = registry_export(user=user, out=buffer, village=village)
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue()))
    return count, {name: list(workbook.get_sheet_by_name(name).iter_rows()) for name in workbook.sheet_names}


@pytest.fixture
def county(personas: dict[str, Any]) -> None:
    rows = good_rows() + [
        person(
            "3",
            VILLAGE_B1,
            "赵六",
            make_id("19800808", 61),
            开户银行="农商银行",
            银行账号="6228480402564890018",
        )
    ]
    report = load(personas["county_admin"], xlsx(rows))
    assert report.imported, report.errors


def test_export_for_a_township_clerk_holds_only_township_a_with_full_ids(
    personas: dict[str, Any], county: None
) -> None:
    count, sheets = _export(personas["township_a_clerk"])
    assert count == 2
    households, members = sheets["家庭"], sheets["成员"]
    assert households[0][:3] == ["档案号", "所属村代码", "所属村"]
    assert {row[1] for row in households[1:]} == {VILLAGE_A1, VILLAGE_A2}
    assert len(members) == 1 + 5
    ids = {row[3]: row[4] for row in members[1:]}
    assert ids["张三丰"] == HEAD_ID and isinstance(ids["张三丰"], str)
    assert "赵六" not in ids
    assert households[1][10] == "6228480402564890018"
    event = AuditEvent.objects.get(event_code="registry.exported")
    assert event.actor == personas["township_a_clerk"]
    assert event.new_values == {"households": 2, "members": 5, "village": "", "full_ids": True}


def test_export_masks_ids_and_accounts_for_a_township_head(personas: dict[str, Any], county: None) -> None:
    _count, sheets = _export(personas["township_a_head"])
    ids = {row[3]: row[4] for row in sheets["成员"][1:]}
    assert ids["张三丰"] == mask_id_number(HEAD_ID) == HEAD_ID[:6] + "********" + HEAD_ID[-4:]
    assert all(isinstance(v, str) and "********" in v for v in ids.values())
    head_row = next(row for row in sheets["家庭"][1:] if row[5] == "张三丰")
    assert head_row[6] == mask_id_number(HEAD_ID)
    assert head_row[10] == "*" * 15 + "0018"
    spouse = next(row for row in sheets["成员"][1:] if row[3] == "李秀英")
    assert spouse[17] == "*" * 16 + (SPOUSE_ID + "42")[-4:] and SPOUSE_ID[6:14] not in spouse[17]


def test_export_can_be_narrowed_to_one_village(personas: dict[str, Any], county: None) -> None:
    count, sheets = _export(personas["county_admin"], village=VILLAGE_A2)
    assert count == 1
    assert {row[3] for row in sheets["成员"][1:]} == {"单雄信", "曾小红"}
    event = AuditEvent.objects.get(event_code="registry.exported")
    assert event.region_id == VILLAGE_A2 and event.new_values is not None
    assert event.new_values["village"] == VILLAGE_A2


def test_export_runs_in_a_fixed_number_of_queries(
    personas: dict[str, Any], county: None, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(8):
        _export(personas["county_admin"])


def test_village_officers_cannot_export(personas: dict[str, Any]) -> None:
    with pytest.raises(PermissionDeniedError):
        registry_export(user=personas["village_a1_officer"], out=io.BytesIO())
    assert not AuditEvent.objects.filter(event_code="registry.exported").exists()


def test_an_import_row_with_an_override_in_a_name_or_address_is_refused(personas: dict[str, Any]) -> None:
    rows = good_rows()
    rows[0]["姓名"] = "张\u202e三丰"
    rows[0]["住址"] = "一组\u202e"
    report = registry_import(
        actor=personas["township_a_clerk"], source=xlsx(rows), filename="x.xlsx", dry_run=True, today=TODAY
    )
    assert not report.ok
    found = {(e.column, e.row) for e in report.errors if "U+202E" in e.message}
    assert found == {("姓名", 2), ("住址", 2)}
