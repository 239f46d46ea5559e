"""What the registry records for the rules in live use (issue 15): a death ends the person's income lines, DB-11
members cannot be put outside the household, TK-05's exclusion codes and the orphan flag (TK-03, CJ-02)."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from minzheng.audit.models import AuditEvent
from minzheng.core.testing.personas import VILLAGE_A1
from minzheng.registry import services
from minzheng.registry.excel import registry_export
from minzheng.registry.forms import MemberForm
from minzheng.registry.models import IncomeExclusion, IncomeItem, Member, NonCoresidentReason, Relation
from minzheng.registry.services import MemberValidationFailed
from minzheng.registry.tests.factories import make_household, member_data
from minzheng.registry.tests.test_excel import errors_by_row, load, person, xlsx
from minzheng.registry.tests.test_excel import make_id as excel_id

pytestmark = pytest.mark.django_db


def test_a_death_ends_the_persons_income_lines_on_the_day_and_the_old_end_stays_in_the_log(
    personas: dict[str, Any],
) -> None:
    clerk = personas["township_a_clerk"]
    household = make_household(clerk, VILLAGE_A1)
    head = household.members.get(relation=Relation.HEAD)
    wage = services.income_add(
        actor=clerk, household=household, category="wage", monthly_amount="900", source="务工", member=head
    )
    contract = services.income_add(
        actor=clerk,
        household=household,
        category="wage",
        monthly_amount="300",
        source="合同工",
        member=head,
        period_end=date(2026, 12, 1),
    )
    farm = services.income_add(
        actor=clerk, household=household, category="business", monthly_amount="100", source="种植"
    )
    services.member_record_death(actor=clerk, member=head, date_of_death=date(2025, 5, 10))
    ends = dict(IncomeItem.objects.values_list("pk", "period_end"))
    assert ends == {wage.pk: date(2025, 5, 10), contract.pk: date(2025, 5, 10), farm.pk: None}
    logged = AuditEvent.objects.filter(event_code="registry.income_ended").order_by("pk")
    assert [
        (
            (e.old_values or {})["source"],
            (e.old_values or {})["period_end"],
            (e.new_values or {})["period_end"],
        )
        for e in logged
    ] == [
        ("务工", None, "2025-05-10"),
        ("合同工", "2026-12-01", "2025-05-10"),
    ]


@pytest.mark.parametrize(
    ("relation", "birth", "schooling"),
    [
        (Relation.SPOUSE, date(1972, 5, 1), ""),
        (Relation.SON, date(2012, 3, 1), ""),  # a minor
        (Relation.DAUGHTER, date(2003, 3, 1), "university"),  # in full-time education
    ],
)
def test_a_db11_member_cannot_be_marked_as_living_apart(
    personas: dict[str, Any], relation: str, birth: date, schooling: str
) -> None:
    clerk = personas["township_a_clerk"]
    household = make_household(clerk, VILLAGE_A1, others=0)
    data = member_data(
        "王某",
        relation,
        birth,
        schooling=schooling,
        is_coresident=False,
        non_coresident_reason=NonCoresidentReason.LIVES_APART,
    )
    with pytest.raises(MemberValidationFailed, match=r"王某.*DB-11") as refused:
        services.member_add(actor=clerk, household=household, data=data)
    assert str(refused.value.message).count("王某") == 1  # named once, not "王某:王某 是…"
    added = services.member_add(
        actor=clerk, household=household, data=dataclasses.replace(data, is_coresident=True)
    ).obj
    with pytest.raises(MemberValidationFailed, match="DB-11"):
        services.member_update(actor=clerk, member=added, data=data)
    # DB-12's own reasons still take a spouse or child out (serving a sentence …)
    services.member_update(
        actor=clerk,
        member=added,
        data=dataclasses.replace(data, non_coresident_reason=NonCoresidentReason.IN_PRISON),
    )
    assert Member.objects.get(pk=added.pk).is_coresident is False


def test_an_adult_child_out_of_school_may_live_apart(personas: dict[str, Any]) -> None:
    clerk = personas["township_a_clerk"]
    household = make_household(clerk, VILLAGE_A1, others=0)
    data = member_data(
        "王大儿",
        Relation.SON,
        date(1995, 3, 1),
        is_coresident=False,
        non_coresident_reason=NonCoresidentReason.LIVES_APART,
    )
    assert services.member_add(actor=clerk, household=household, data=data).obj.is_coresident is False


def test_the_member_form_shows_the_db11_refusal_on_its_field(personas: dict[str, Any]) -> None:
    form = MemberForm(
        data={
            "name": "李秀英",
            "id_number": excel_id("19720501", 22),
            "relation": Relation.SPOUSE,
            "hukou_status": "local",
            "work_capacity": "full",
            "non_coresident_reason": NonCoresidentReason.LIVES_APART,
            "is_orphan": "",
        }
    )
    assert form.is_valid(), form.errors
    household = make_household(personas["township_a_clerk"], VILLAGE_A1, others=0)
    with pytest.raises(MemberValidationFailed) as refused:
        services.member_add(actor=personas["township_a_clerk"], household=household, data=form.to_data())
    assert "DB-11" in refused.value.fields["is_coresident"][0]


def test_the_import_refuses_a_spouse_living_apart_and_reads_the_orphan_column(
    personas: dict[str, Any],
) -> None:
    clerk = personas["county_admin"]
    head, spouse, child = excel_id("19700115", 111), excel_id("19720501", 122), excel_id("20150301", 131)
    rows = [
        person("1", VILLAGE_A1, "张三", head),
        person(
            "1",
            VILLAGE_A1,
            "李四",
            spouse,
            "配偶",
            是否共同生活="否",
            不计入原因="不共同生活(如已分户的子女)",
        ),
    ]
    report = load(clerk, xlsx(rows))
    assert any("DB-11" in message for _column, message in errors_by_row(report)[3])
    rows = [
        person("1", VILLAGE_A1, "张三", head),
        person("1", VILLAGE_A1, "张孤", child, "孙子女/外孙子女", 孤儿="是"),
    ]
    load(clerk, xlsx(rows))
    assert Member.objects.get(id_number=child).is_orphan is True
    sheet = CalamineWorkbook.from_filelike(_export(clerk)).get_sheet_by_index(1).to_python()
    orphan_at = sheet[0].index("孤儿")
    assert [row[orphan_at] for row in sheet[1:] if row[3] == "张孤"] == ["是"]


def _export(user: Any) -> Any:
    import io

    buffer = io.BytesIO()
    registry_export(user=user, out=buffer)
    buffer.seek(0)
    return buffer


def test_tk05_exclusion_codes_can_be_recorded_on_any_income_line(personas: dict[str, Any]) -> None:
    clerk = personas["township_a_clerk"]
    household = make_household(clerk, VILLAGE_A1, others=0)
    for code in ("elderly_allowance", "social_insurance"):
        item = services.income_add(
            actor=clerk,
            household=household,
            category="transfer",
            monthly_amount="300",
            source=code,
            exclusion=code,
        )
        assert item.get_exclusion_display() == IncomeExclusion(code).label


def test_the_household_page_shows_each_incomes_period(personas: dict[str, Any], client_for: Any) -> None:
    from django.urls import reverse

    clerk = personas["township_a_clerk"]
    household = make_household(clerk, VILLAGE_A1, others=0)
    services.income_add(
        actor=clerk,
        household=household,
        category="wage",
        monthly_amount="900",
        source="务工",
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 1),
    )
    page = client_for("township_a_clerk").get(
        reverse("registry:household_detail", kwargs={"pk": household.pk})
    )
    assert "2025-01–2025-12" in page.content.decode()


def test_removing_a_member_ends_their_income_instead_of_leaving_it_to_the_household(
    personas: dict[str, Any],
) -> None:
    clerk = personas["township_a_clerk"]
    household = make_household(clerk, VILLAGE_A1)
    son = household.members.get(relation=Relation.SON)
    wage = services.income_add(
        actor=clerk,
        household=household,
        category="wage",
        monthly_amount="2000",
        source="儿子务工",
        member=son,
    )
    services.member_remove(actor=clerk, member=son, reason="迁往外县")
    wage.refresh_from_db()
    assert wage.member is None and wage.period_end is not None
    assert AuditEvent.objects.filter(
        event_code="registry.income_ended", new_values__income_id=wage.pk
    ).exists()


def test_moving_a_person_living_apart_in_as_a_spouse_is_refused(personas: dict[str, Any]) -> None:
    clerk = personas["township_a_clerk"]
    source = make_household(clerk, VILLAGE_A1, others=0)
    apart = services.member_add(
        actor=clerk,
        household=source,
        data=member_data(
            "刘远",
            Relation.SON,
            date(1990, 3, 1),
            is_coresident=False,
            non_coresident_reason=NonCoresidentReason.LIVES_APART,
        ),
    ).obj
    target = make_household(clerk, VILLAGE_A1, head="陈某", others=0)
    with pytest.raises(MemberValidationFailed, match=r"刘远.*DB-11"):
        services.member_move(actor=clerk, member=apart, to_household=target, relation=Relation.SPOUSE)
    services.member_move(actor=clerk, member=apart, to_household=target, relation=Relation.SIBLING)
    assert Member.objects.get(pk=apart.pk).household_id == target.pk
