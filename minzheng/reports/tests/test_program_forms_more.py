"""The forms of issue 15: 医疗救助 by recipient class, 殡葬补贴 by group, 义务兵家庭优待金 families and funds. Every
benefit is decided through the real procedure, so the facts the forms read are the ones the rules wrote; the
expected numbers are counted by hand. Each form drills down to its records, exports to .xlsx and prints to PDF."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from minzheng.benefits import services as benefits
from minzheng.cases.models import Benefit
from minzheng.cases.tests.factories import poor_household
from minzheng.core.testing.personas import COUNTY, TOWNSHIP_A, TOWNSHIP_B, VILLAGE_A1
from minzheng.payments.models import RosterLine
from minzheng.payments.tests.factories import approved_cycle, set_account
from minzheng.policy.services import policy_version_create
from minzheng.registry.models import Relation
from minzheng.reports.definitions import FORMS, compute
from minzheng.reports.indicators import CATALOGUE
from minzheng.reports.periods import parse_period
from minzheng.reports.tests.test_program_forms import _alone, _decided

pytestmark = pytest.mark.django_db
Q2 = parse_period("2025Q2")  # every benefit below is decided on 2025-03-20: its month is April


def _rows(form: str, region: str = TOWNSHIP_A, period: Any = Q2) -> dict[str, list[Any]]:
    table = compute(FORMS[form], region, period)
    return {str(label): [c.value for c in cells] for label, cells in table.rows}


def _medical(personas: dict[str, Any], household: Any, person: Any, recipient_class: str) -> Benefit:
    """A hospital bill of 20000 of which insurance paid 12000, for ``person`` as ``recipient_class``."""
    return _decided(
        personas,
        household,
        "medical",
        subject=person,
        request_data={
            "subject": person.name,
            "total_costs": "20000",
            "basic_insurance_paid": "12000",
            "recipient_class": recipient_class,
        },
    )


def _granted(*grants: Benefit) -> Decimal:
    return sum((b.application.approved_amount or Decimal(0) for b in grants), Decimal(0))


@pytest.fixture
def medical(personas: dict[str, Any]) -> list[Benefit]:
    """Three grants in April: the head of a 低保 household twice (as 低保, then — his first grant closed — as 低保边缘)
    and his wife once as 低保. Paid by April's approved roster."""
    household = poor_household(personas)
    set_account(personas, household, "6228480402564890018")
    head = household.members.get(relation=Relation.HEAD)
    wife = household.members.get(relation=Relation.SPOUSE)
    first = _medical(personas, household, head, "dibao")
    # the procedure takes one claim per person at a time: the first grant is closed before the second
    benefits.benefit_stop(
        actor=personas["county_approver"], benefit=first, reason="已一次性发放", month=date(2025, 5, 1)
    )
    second = _medical(personas, household, head, "near_dibao")
    third = _medical(personas, household, wife, "dibao")
    return [first, second, third]


def test_medical_assistance_counts_cases_persons_and_amounts_by_recipient_class(
    medical: list[Benefit], personas: dict[str, Any]
) -> None:
    first, second, third = medical
    assert [b.decision["facts"]["recipient_class"] for b in medical] == ["dibao", "near_dibao", "dibao"]
    assert all(b.first_month == date(2025, 4, 1) for b in medical)
    dibao, near = _granted(first, third), _granted(second)
    # (20000 − 12000) × 70 % for each 低保 member, × 50 % for the 低保边缘 one (the policy's default ratios)
    assert (dibao, near) == (Decimal("11200.00"), Decimal("4000.00"))
    rows = _rows("medical")
    # 件数, 人数 | 救助金额, 发放金额 (no roster approved yet)
    assert rows["低保家庭成员"] == [2, 2, dibao, Decimal("0.00")]
    assert rows["低保边缘家庭成员"] == [1, 1, near, Decimal("0.00")]
    assert rows["特困人员"] == rows["其他人员"] == [0, 0, Decimal("0.00"), Decimal("0.00")]
    # the head was helped twice, under two classes: three cases, two persons
    assert rows["合计"] == [3, 2, dibao + near, Decimal("0.00")]
    assert CATALOGUE["medical.persons"].value(TOWNSHIP_A, Q2) == 2
    assert CATALOGUE["medical.persons"].values_by_cut(TOWNSHIP_A, Q2, FORMS["medical"].dimension)[""] == 2
    # paid once, by the first roster that reaches April; the next quarter granted nothing
    cycle = approved_cycle(personas, date(2025, 4, 1), programs=("medical",))
    paid = sum(RosterLine.objects.filter(cycle=cycle).values_list("amount", flat=True), Decimal(0))
    assert paid == dibao + near
    assert _rows("medical")["合计"][3] == paid
    assert _rows("medical", period=parse_period("2025Q3"))["合计"] == [0, 0, Decimal("0.00"), Decimal("0.00")]
    assert _rows("medical", TOWNSHIP_B)["合计"][0] == 0


def test_medical_cells_drill_down_to_the_grants_of_their_class(
    medical: list[Benefit], client_for: Any
) -> None:
    first, second, third = medical
    clerk = client_for("township_a_clerk")
    page = clerk.get(reverse("reports:report", args=["medical"]), {"region": TOWNSHIP_A, "period": "2025Q2"})
    assert page.status_code == 200
    assert "cut=class:near_dibao" in page.content.decode()
    drill = clerk.get(
        reverse("reports:drill", args=["medical.cases"]),
        {"region": TOWNSHIP_A, "period": "2025Q2", "cut": "class:near_dibao"},
    )
    body = drill.content.decode()
    assert drill.status_code == 200 and "低保边缘家庭成员" in body
    assert body.count(f"/registry/households/{second.household_id}/") == 1  # the one grant, not the other two
    everyone = clerk.get(
        reverse("reports:drill", args=["medical.persons"]), {"region": TOWNSHIP_A, "period": "2025Q2"}
    )
    assert everyone.content.decode().count(f"/registry/households/{first.household_id}/") == 3
    bad = clerk.get(
        reverse("reports:drill", args=["medical.cases"]),
        {"region": TOWNSHIP_A, "period": "2025Q2", "cut": "class:astronaut"},
    )
    assert bad.status_code == 404


def _funeral(personas: dict[str, Any], household: Any, person: Any, died: date) -> Benefit:
    return _decided(
        personas,
        household,
        "funeral_subsidy",
        subject=person,
        request_data={
            "subject": person.name,
            "date_of_death": died.isoformat(),
            "items": [{"code": "cremation", "amount": "190"}, {"code": "transport", "amount": "200"}],
        },
    )


def test_funeral_subsidy_counts_cases_and_amounts_by_group(personas: dict[str, Any], client_for: Any) -> None:
    ordinary_household = poor_household(personas)
    ordinary = _funeral(
        personas,
        ordinary_household,
        ordinary_household.members.get(relation=Relation.SPOUSE),
        date(2025, 3, 1),
    )
    disabled_household = _alone(
        personas, "刘德明", date(1960, 2, 1), disability_category="physical", disability_grade=1
    )
    disabled = _funeral(personas, disabled_household, disabled_household.members.get(), date(2025, 3, 2))
    assert ordinary.decision["facts"]["group"] == "general"
    assert disabled.decision["facts"]["group"] == "special"
    assert disabled.decision["facts"]["special_groups"] == ["severe_disability"]
    general, special = _granted(ordinary), _granted(disabled)
    # cremation 190 + transport 200, each within its item's cap and the group's total
    assert general == special == Decimal("390.00")
    rows = _rows("funeral_subsidy")
    # 件数 | 优抚, 低保, 低保边缘, 特困, 失独, 重度残疾, 百岁 | 补贴金额, 发放金额
    zeros = [0] * 7
    assert rows["一般群体"] == [1, *zeros, general, Decimal("0.00")]
    assert rows["特殊群体"] == [1, 0, 0, 0, 0, 0, 1, 0, special, Decimal("0.00")]
    assert rows["合计"] == [2, 0, 0, 0, 0, 0, 1, 0, general + special, Decimal("0.00")]
    # "dibao" is not found inside "near_dibao", nor the other way round
    assert CATALOGUE["funeral_subsidy.dibao"].value(COUNTY, Q2) == 0
    clerk = client_for("township_a_clerk")
    drill = clerk.get(
        reverse("reports:drill", args=["funeral_subsidy.severe_disability"]),
        {"region": TOWNSHIP_A, "period": "2025Q2"},
    ).content.decode()
    assert f"/registry/households/{disabled_household.pk}/" in drill
    assert f"/registry/households/{ordinary_household.pk}/" not in drill
    general_only = clerk.get(
        reverse("reports:drill", args=["funeral_subsidy.cases"]),
        {"region": TOWNSHIP_A, "period": "2025Q2", "cut": "group:general"},
    ).content.decode()
    assert f"/registry/households/{ordinary_household.pk}/" in general_only
    assert f"/registry/households/{disabled_household.pk}/" not in general_only


def test_conscript_families_count_those_in_force_in_the_period_and_funds_what_was_paid(
    personas: dict[str, Any],
) -> None:
    household = poor_household(personas)  # 张小0, the son, serves
    set_account(personas, household, "6228480402564890026")
    benefit = _decided(
        personas,
        household,
        "conscript_family",
        request_data={
            "conscript_name": "张小0",
            "enlistment_date": "2024-09-01",
            "enlisted_from_this_county": True,
        },
    )
    assert benefit.amount > 0 and benefit.first_month == date(2025, 4, 1)
    # 户数 | 新增, 退出 | 发放金额: nothing paid before a roster is approved
    assert (
        _rows("conscript_family")["农村"] == _rows("conscript_family")["合计"] == [1, 1, 0, Decimal("0.00")]
    )
    cycle = approved_cycle(personas, date(2025, 4, 1), programs=("conscript_family",))
    line = RosterLine.objects.get(cycle=cycle, benefit=benefit)
    assert line.amount == benefit.amount == Decimal("1500.00")  # 18000 a year, paid monthly
    assert _rows("conscript_family")["合计"] == [1, 1, 0, line.amount]
    # discharged: no allowance from July; the family still counts in the third quarter it was paid in part of,
    # and no more in the fourth
    benefits.benefit_stop(
        actor=personas["county_approver"], benefit=benefit, reason="退出现役", month=date(2025, 8, 1)
    )
    assert _rows("conscript_family", period=parse_period("2025Q3"))["合计"][:3] == [1, 0, 1]
    assert _rows("conscript_family", period=parse_period("2025Q4"))["合计"][:3] == [0, 0, 0]
    assert _rows("conscript_family", period=parse_period("2025-09"))["合计"][0] == 0
    assert _rows("conscript_family", COUNTY)["合计"][0] == 1
    assert _rows("conscript_family", TOWNSHIP_B)["合计"][0] == 0


def test_a_quarterly_conscript_allowance_keeps_the_family_counted_in_each_quarter(
    personas: dict[str, Any],
) -> None:
    """Paid by the quarter the decision holds one quarter's amount; the family is counted in every quarter it is in
    force, however the benefit's period is stored."""
    poor = poor_household(personas)
    policy_version_create(
        actor=None,
        region_code="510521",
        effective_from=date(2025, 1, 1),
        values={
            "veterans.conscript_family_frequency": "quarterly",
            "procedure.complaint_phone": "0830-8888888",
        },
        note="按季发放",
    )
    benefit = _decided(
        personas,
        poor,
        "conscript_family",
        request_data={
            "conscript_name": "张小0",
            "enlistment_date": "2024-09-01",
            "enlisted_from_this_county": True,
        },
    )
    assert benefit.decision["facts"]["payments_per_year"] == 4
    for quarter in ("2025Q2", "2025Q3", "2026Q1"):
        assert CATALOGUE["conscript_family.families"].value(VILLAGE_A1, parse_period(quarter)) == 1, quarter
    assert CATALOGUE["conscript_family.families"].value(VILLAGE_A1, parse_period("2025Q1")) == 0


@pytest.mark.parametrize("form", ["medical", "funeral_subsidy", "conscript_family"])
def test_the_new_forms_export_to_xlsx_and_print_to_pdf(
    form: str, medical: list[Benefit], client_for: Any, tmp_path: Any
) -> None:
    clerk = client_for("township_a_clerk")
    url = reverse("reports:report", args=[form])
    title = str(FORMS[form].title)
    response = clerk.get(url, {"region": TOWNSHIP_A, "period": "2025Q2", "format": "xlsx"})
    assert response.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == title and rows[1][0] == "填报单位：得胜镇"
    table = compute(FORMS[form], TOWNSHIP_A, Q2)
    labels = [str(label) for label, _cells in table.rows]
    assert [row[0] for row in rows[5 : 5 + len(labels)]] == labels
    total = rows[4 + len(labels)]
    assert total[1:] == [float(c.value) for c in table.rows[-1][1]]
    if form == "medical":
        assert total[1:3] == [3.0, 2.0]
    pdf = clerk.get(url, {"region": TOWNSHIP_A, "period": "2025Q2", "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils is not installed (CI installs it)")
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(  # noqa: S603
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert title in text and "合计" in text


def test_other_townships_and_villages_cannot_open_the_new_forms_of_a_township(
    medical: list[Benefit], client_for: Any
) -> None:
    for form in ("medical", "funeral_subsidy", "conscript_family"):
        url = reverse("reports:report", args=[form])
        for persona in ("township_b_clerk", "village_a1_officer"):
            response = client_for(persona).get(url, {"region": TOWNSHIP_A, "period": "2025Q2"})
            assert response.status_code == 404, (form, persona)
    drill = reverse("reports:drill", args=["medical.cases"])
    assert client_for("township_b_clerk").get(drill, {"region": TOWNSHIP_A}).status_code == 404
    # the village officer sees the village's own numbers
    own = client_for("village_a1_officer").get(
        reverse("reports:report", args=["medical"]), {"region": VILLAGE_A1, "period": "2025Q2"}
    )
    assert own.status_code == 200
    assert [c.value for c in compute(FORMS["medical"], TOWNSHIP_B, Q2).rows[-1][1]][:2] == [0, 0]
