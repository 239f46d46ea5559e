"""The registry's services: one person one record, scope on both sides, every change audited and announced."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction

from minzheng.audit.models import AuditEvent
from minzheng.core.errors import PermissionDeniedError, ValidationFailed
from minzheng.core.testing.personas import VILLAGE_A1, VILLAGE_A2, VILLAGE_B1
from minzheng.registry import services
from minzheng.registry.models import Household, Member, Relation
from minzheng.registry.selectors import household_timeline, member_search
from minzheng.registry.services import DuplicatePerson, HouseholdData, MemberValidationFailed
from minzheng.registry.signals import household_changed
from minzheng.registry.tests.factories import make_household, make_id, member_data


@pytest.fixture
def announced() -> Any:
    calls: list[dict[str, Any]] = []

    def receiver(sender: Any, **kwargs: Any) -> None:
        calls.append(kwargs)

    household_changed.connect(receiver)
    yield calls
    household_changed.disconnect(receiver)


def test_village_officer_creates_a_household_with_three_members(
    personas: dict[str, Any], django_capture_on_commit_callbacks: Any, announced: list[dict[str, Any]]
) -> None:
    officer = personas["village_a1_officer"]
    with django_capture_on_commit_callbacks(execute=True):
        household = make_household(officer, VILLAGE_A1, others=2)
    assert household.members.count() == 3
    head = household.head
    assert head is not None and head.relation == Relation.HEAD and head.name == "张三丰"
    assert head.birth_date == date(1970, 1, 15) and head.sex == "male"
    assert (head.name_initials, head.name_pinyin) == ("zsf", "zhangsanfeng")
    assert head.region_id == VILLAGE_A1
    event = AuditEvent.objects.get(event_code="registry.household_created", target_id=str(household.pk))
    assert event.actor == officer and event.region_id == VILLAGE_A1
    assert announced and announced[-1]["household_ids"] == [household.pk]


def test_a_person_can_be_in_only_one_household_anywhere(personas: dict[str, Any]) -> None:
    household = make_household(personas["township_b_clerk"], VILLAGE_B1)
    taken = household.head
    assert taken is not None
    clone = member_data("重复", Relation.SON, date(1990, 1, 1))
    clone.id_number = taken.id_number
    # In scope: the message says where.
    other = make_household(personas["township_b_clerk"], VILLAGE_B1, head="王五")
    with pytest.raises(DuplicatePerson, match=f"档案号 {household.pk}"):
        services.member_add(actor=personas["township_b_clerk"], household=other, data=clone)
    # Out of scope: the message does not leak the household or village.
    mine = make_household(personas["village_a1_officer"], VILLAGE_A1, head="赵六")
    with pytest.raises(DuplicatePerson) as excinfo:
        services.member_add(actor=personas["village_a1_officer"], household=mine, data=clone)
    assert "县内其他地方" in str(excinfo.value.message) and "坳田" not in str(excinfo.value.message)


def test_the_database_itself_refuses_a_second_record(personas: dict[str, Any]) -> None:
    from django.db import IntegrityError

    household = make_household(personas["township_a_clerk"], VILLAGE_A1)
    head = household.head
    assert head is not None
    copy = Member(
        household=household,
        region_id=VILLAGE_A1,
        name="x",
        name_initials="x",
        name_pinyin="x",
        id_number=head.id_number,
        id_last4="0000",
        id_last6="000000",
        birth_date=date(1970, 1, 1),
        sex="male",
        relation="other",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id_number": "510521197001150011"}, "校验码"),
        ({"sex": "female"}, "性别与身份证号"),
        ({"birth_date": date(1971, 1, 1)}, "不一致"),
        ({"is_coresident": False}, "必须注明原因"),
        ({"disability_category": "physical", "disability_grade": 5}, "一至四级"),
        ({"name": ""}, "姓名不能为空"),
    ],
)
def test_bad_member_data_is_explained_and_nothing_is_saved(
    personas: dict[str, Any], change: dict[str, Any], message: str
) -> None:
    head = member_data("张三", Relation.HEAD, date(1970, 1, 15))
    for key, value in change.items():
        setattr(head, key, value)
    before = Household.objects.count()
    with pytest.raises(MemberValidationFailed, match=message):
        services.household_create(
            actor=personas["township_a_clerk"], data=HouseholdData(VILLAGE_A1, "地址", "rural"), head=head
        )
    assert Household.objects.count() == before


def test_fifteen_digit_ids_are_upgraded_and_kept(personas: dict[str, Any]) -> None:
    head = member_data("老张", Relation.HEAD, date(1967, 4, 1))
    head.id_number = "130503670401001"
    result = services.household_create(
        actor=personas["township_a_clerk"], data=HouseholdData(VILLAGE_A1, "地址", "rural"), head=head
    )
    person = result.obj.head
    assert person.id_number == "130503196704010016" and person.id_number_original == "130503670401001"


def test_bank_account_luhn_failure_only_warns(personas: dict[str, Any]) -> None:
    data = HouseholdData(
        VILLAGE_A1,
        "地址",
        "rural",
        bank_name="农商银行",
        account_holder="张三",
        account_number="6221 5588 1234 5678 900",
    )
    result = services.household_create(
        actor=personas["township_a_clerk"],
        data=data,
        head=member_data("张三", Relation.HEAD, date(1970, 1, 15)),
    )
    assert result.obj.account_number == "6221558812345678900"
    assert any("Luhn" in w for w in result.warnings)
    with pytest.raises(ValidationFailed, match="12 至 19 位"):
        services.household_create(
            actor=personas["township_a_clerk"],
            data=HouseholdData(VILLAGE_A1, "地址", "rural", bank_name="x", account_number="1234"),
            head=member_data("李四", Relation.HEAD, date(1970, 1, 15)),
        )


def test_village_officer_cannot_create_in_another_village(personas: dict[str, Any]) -> None:
    with pytest.raises(PermissionDeniedError):
        make_household(personas["village_a1_officer"], VILLAGE_A2)
    with pytest.raises(PermissionDeniedError):
        make_household(personas["county_approver"], VILLAGE_A1)  # role may not edit


def test_move_checks_scope_on_both_sides_and_shows_on_both_timelines(personas: dict[str, Any]) -> None:
    clerk = personas["township_a_clerk"]
    source = make_household(clerk, VILLAGE_A1)
    target = make_household(clerk, VILLAGE_A2, head="王大")
    spouse = source.members.get(relation=Relation.SPOUSE)
    # A village officer of A1 cannot move someone into a household of village A2.
    with pytest.raises(PermissionDeniedError):
        services.member_move(
            actor=personas["village_a1_officer"], member=spouse, to_household=target, relation=Relation.SPOUSE
        )
    moved = services.member_move(actor=clerk, member=spouse, to_household=target, relation=Relation.SPOUSE)
    assert moved.household_id == target.pk and moved.region_id == VILLAGE_A2
    assert [e.label for e in household_timeline(household=source)][0] == "成员迁出"
    assert [e.label for e in household_timeline(household=target)][0] == "成员迁入"
    with pytest.raises(ValidationFailed, match="户主"):
        services.member_move(actor=clerk, member=source.head, to_household=target, relation=Relation.OTHER)  # type: ignore[arg-type]


def test_split_merge_and_change_head(personas: dict[str, Any]) -> None:
    clerk = personas["township_a_clerk"]
    household = make_household(clerk, VILLAGE_A1, others=3)
    sons = list(household.members.filter(relation=Relation.SON))
    new = services.household_split(
        actor=clerk,
        household=household,
        member_ids=[s.pk for s in sons],
        new_head_id=sons[0].pk,
        address="二组 3 号",
    )
    assert set(new.members.values_list("pk", flat=True)) == {s.pk for s in sons}
    assert new.head_id == sons[0].pk and Member.objects.get(pk=sons[0].pk).relation == Relation.HEAD
    spouse = household.members.get(relation=Relation.SPOUSE)
    services.household_change_head(
        actor=clerk, household=household, new_head=spouse, old_head_relation=Relation.SPOUSE
    )
    household.refresh_from_db()
    assert household.head_id == spouse.pk
    merged = services.household_merge(actor=clerk, source=new, target=household)
    assert merged.members.count() == 4 and not Household.objects.filter(pk=new.pk).exists()
    codes = set(
        AuditEvent.objects.filter(target_id__in=[str(household.pk), str(new.pk)]).values_list(
            "event_code", flat=True
        )
    )
    assert {
        "registry.household_split",
        "registry.head_changed",
        "registry.household_merged",
        "registry.household_removed",
    } <= codes


def test_merge_needs_both_households_in_scope(personas: dict[str, Any]) -> None:
    mine = make_household(personas["township_a_clerk"], VILLAGE_A1)
    theirs = make_household(personas["township_b_clerk"], VILLAGE_B1, head="外乡人")
    with pytest.raises(PermissionDeniedError):
        services.household_merge(actor=personas["township_a_clerk"], source=mine, target=theirs)
    assert Household.objects.filter(pk=mine.pk).exists()


def test_recording_a_death_keeps_the_person_and_announces_the_household(
    personas: dict[str, Any], django_capture_on_commit_callbacks: Any, announced: list[dict[str, Any]]
) -> None:
    clerk = personas["township_a_clerk"]
    household = make_household(clerk, VILLAGE_A1)
    spouse = household.members.get(relation=Relation.SPOUSE)
    with django_capture_on_commit_callbacks(execute=True):
        services.member_record_death(actor=clerk, member=spouse, date_of_death=date(2026, 10, 3))
    spouse.refresh_from_db()
    assert spouse.is_deceased and Member.objects.filter(pk=spouse.pk).exists()
    assert announced[-1] == {
        "household_ids": [household.pk],
        "reason": "registry.member_died",
        "actor": clerk,
        "signal": household_changed,
    }
    with pytest.raises(ValidationFailed, match="已于 2026-10-03 登记死亡"):
        services.member_record_death(actor=clerk, member=spouse, date_of_death=date(2026, 10, 3))
    with pytest.raises(ValidationFailed, match="已故人员不能担任户主"):
        services.household_change_head(actor=clerk, household=household, new_head=spouse)


def test_member_edit_is_audited_with_old_and_new_values(personas: dict[str, Any]) -> None:
    clerk = personas["township_a_clerk"]
    household = make_household(clerk, VILLAGE_A1)
    spouse = household.members.get(relation=Relation.SPOUSE)
    data = member_data(spouse.name, Relation.SPOUSE, spouse.birth_date, male=False)
    data.id_number = spouse.id_number
    data.disability_category, data.disability_grade = "physical", 2
    services.member_update(actor=clerk, member=spouse, data=data)
    entry = household_timeline(household=household)[0]
    assert entry.label == "修改家庭成员"
    assert ("残疾类别", "", "肢体") in entry.changes and ("残疾等级", "", "2") in entry.changes


def test_income_and_asset_are_decimal_and_audited(personas: dict[str, Any]) -> None:
    clerk = personas["township_a_clerk"]
    household = make_household(clerk, VILLAGE_A1)
    item = services.income_add(
        actor=clerk,
        household=household,
        member=household.head,
        category="wage",
        monthly_amount="900.005",
        source="务工",
    )
    assert item.monthly_amount == Decimal("900.01")
    excluded = services.income_add(
        actor=clerk,
        household=household,
        category="transfer",
        monthly_amount=Decimal("10"),
        source="计生奖励",
        exclusion="family_planning",
    )
    assert not excluded.counted
    with pytest.raises(ValidationFailed, match="不是有效数字"):
        services.income_add(
            actor=clerk, household=household, category="wage", monthly_amount="九百", source="x"
        )
    with pytest.raises(ValidationFailed, match="负数"):
        services.asset_add(
            actor=clerk, household=household, category="deposit", description="存款", value="-1"
        )
    assert (
        AuditEvent.objects.filter(event_code="registry.income_added", target_id=str(household.pk)).count()
        == 2
    )


def test_reveal_is_audited_and_refused_to_auditors(personas: dict[str, Any]) -> None:
    household = make_household(personas["township_a_clerk"], VILLAGE_A1)
    head = household.head
    assert head is not None
    assert services.member_reveal_id(actor=personas["township_a_head"], member=head) == head.id_number
    assert AuditEvent.objects.filter(
        event_code="registry.id_revealed", actor=personas["township_a_head"]
    ).exists()
    with pytest.raises(PermissionDeniedError):
        services.member_reveal_id(actor=personas["auditor"], member=head)
    with pytest.raises(PermissionDeniedError):
        services.member_reveal_id(actor=personas["village_a2_officer"], member=head)


def test_search_by_pinyin_initials_surnames_id_tail_and_phone(personas: dict[str, Any]) -> None:
    clerk = personas["township_a_clerk"]
    household = make_household(clerk, VILLAGE_A1)
    shan = services.member_add(
        actor=clerk, household=household, data=member_data("单雄信", Relation.SON, date(1995, 2, 2))
    ).obj
    zeng = services.member_add(
        actor=clerk, household=household, data=member_data("曾国藩", Relation.SON, date(1996, 2, 2))
    ).obj
    head = household.head
    assert head is not None
    assert list(member_search(user=clerk, query="zsf")) == [head]
    assert shan in member_search(user=clerk, query="sxx") and shan in member_search(
        user=clerk, query="shanxiong"
    )
    assert zeng in member_search(user=clerk, query="zgf")
    assert list(member_search(user=clerk, query=head.id_number)) == [head]
    assert head in member_search(user=clerk, query=head.id_number[-4:])
    assert head in member_search(user=clerk, query=head.id_number[-6:])
    assert head in member_search(user=clerk, query="张三")
    assert head in member_search(user=clerk, query="1380000")
    # Scope: the same search by township B finds nothing.
    assert not member_search(user=personas["township_b_clerk"], query="zsf").exists()


def test_make_id_builds_valid_numbers() -> None:
    from minzheng.registry.idnumber import parse_id_number

    number = make_id(date(1980, 2, 29), male=False)
    check = parse_id_number(number)
    assert check.valid and check.sex == "female" and check.birth_date == date(1980, 2, 29)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("name", "张\u202e三"),  # a right-to-left override: shown reversed on notices and lists
        ("name", "张\t三"),
        ("name", "\u200b张三"),  # a zero-width space: looks like 张三, is not
        ("phone", "13800000000\x00"),
        ("serious_illness", "尿毒症\u2066"),
    ],
)
def test_a_person_with_control_or_bidirectional_characters_is_refused(
    personas: dict[str, Any], key: str, value: str
) -> None:
    head = member_data("张三", Relation.HEAD, date(1970, 1, 15))
    setattr(head, key, value)
    before = Household.objects.count()
    with pytest.raises(MemberValidationFailed, match="不可见的控制字符") as caught:
        services.household_create(
            actor=personas["township_a_clerk"], data=HouseholdData(VILLAGE_A1, "地址", "rural"), head=head
        )
    assert key in caught.value.fields
    assert Household.objects.count() == before


@pytest.mark.parametrize(
    "name",
    [
        "𡘙琳",  # CJK Extension B (U+21619)
        "𠀀明",  # Extension B, its first character
        "李𪜀",  # Extension C (U+2A700)
        "王𫝀",  # Extension D (U+2B740)
        "张𫠠",  # Extension E (U+2B820)
        "陈𬺰",  # Extension F (U+2CEB0)
    ],
)
def test_a_name_with_rare_characters_beyond_the_basic_plane_is_kept_whole_and_found(
    personas: dict[str, Any], name: str
) -> None:
    clerk = personas["township_a_clerk"]
    household = make_household(clerk, VILLAGE_A1, head=name)
    head = Member.objects.get(pk=household.members.get(relation=Relation.HEAD).pk)
    assert head.name == name
    assert list(member_search(user=clerk, query=name)) == [head]


def test_a_rare_name_with_a_bidirectional_override_is_still_refused(personas: dict[str, Any]) -> None:
    head = member_data("𡘙\u202e琳", Relation.HEAD, date(1970, 1, 15))
    with pytest.raises(MemberValidationFailed, match="U\\+202E") as caught:
        services.household_create(
            actor=personas["township_a_clerk"], data=HouseholdData(VILLAGE_A1, "地址", "rural"), head=head
        )
    assert "name" in caught.value.fields


@pytest.mark.parametrize("key", ["address", "account_holder", "bank_name"])
def test_a_household_text_with_an_override_is_refused(personas: dict[str, Any], key: str) -> None:
    household = make_household(personas["township_a_clerk"], VILLAGE_A1)
    data = HouseholdData(VILLAGE_A1, "一组 12 号", "rural", bank_name="农商银行", account_holder="张三丰")
    setattr(data, key, getattr(data, key) + "\u202e")
    with pytest.raises(ValidationFailed, match="U\\+202E") as caught:
        services.household_update(actor=personas["township_a_clerk"], household=household, data=data)
    assert key in caught.value.fields
    household.refresh_from_db()
    assert "\u202e" not in household.address + household.account_holder + household.bank_name
