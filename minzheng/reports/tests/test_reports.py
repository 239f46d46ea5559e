"""Indicators equal hand-counted fixtures; a report's numbers lead to their records; the workbook reads back with
its merged headers; a township sees only its own numbers."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from minzheng.benefits import services as benefits
from minzheng.core.errors import ValidationFailed
from minzheng.core.testing.personas import COUNTY, TOWNSHIP_A, TOWNSHIP_B
from minzheng.payments.tests.factories import approved_cycle, approved_dibao
from minzheng.registry.models import Member, Relation
from minzheng.reports.definitions import FORMS, compute
from minzheng.reports.indicators import CATALOGUE
from minzheng.reports.periods import parse_period

pytestmark = pytest.mark.django_db
Q2 = parse_period("2025Q2")


@pytest.fixture
def quarter(personas: dict[str, Any]) -> list[Any]:
    """Three 低保 households (3 people each, rural) from April; the third stops from June; April's roster is
    approved (3 × 840); one child of 13 and one elder of 75 among them."""
    b1, b2, b3 = (approved_dibao(personas) for _i in range(3))
    Member.objects.filter(household=b1.household, relation=Relation.SON).update(birth_date=date(2012, 3, 1))
    Member.objects.filter(household=b2.household, relation=Relation.HEAD).update(birth_date=date(1950, 1, 1))
    benefits.benefit_stop(
        actor=personas["county_approver"], benefit=b3, reason="收入超标", month=date(2025, 6, 1)
    )
    approved_cycle(personas, date(2025, 4, 1))
    return [b1, b2, b3]


def test_indicators_equal_the_hand_count(quarter: list[Any]) -> None:
    expected = {
        "dibao.households": 2,  # the third stopped from June, the quarter's last month
        "dibao.persons": 6,
        "dibao.persons_elderly": 1,
        "dibao.persons_minors": 1,
        "dibao.entries": 3,
        "dibao.exits": 1,
        "dibao.funds": Decimal("2520.00"),  # April's approved roster; May and June were not made
    }
    assert {code: CATALOGUE[code].value(TOWNSHIP_A, Q2) for code in expected} == expected
    assert CATALOGUE["dibao.households"].value(TOWNSHIP_A, parse_period("2025-05")) == 3
    assert CATALOGUE["dibao.households"].value(TOWNSHIP_A, parse_period("2025-03")) == 0
    table = compute(FORMS["dibao"], TOWNSHIP_A, Q2)
    rows = {str(label): [c.value for c in cells] for label, cells in table.rows}
    assert rows["城市"] == [0, 0, 0, 0, 0, 0, 0, 0, Decimal("0.00")]
    assert rows["农村"] == rows["合计"] == [2, 6, 1, 1, 0, 0, 3, 1, Decimal("2520.00")]


def test_a_township_sees_its_own_numbers_and_the_county_the_sum(quarter: list[Any], client_for: Any) -> None:
    assert CATALOGUE["dibao.households"].value(COUNTY, Q2) == 2
    assert CATALOGUE["dibao.households"].value(TOWNSHIP_B, Q2) == 0
    url = reverse("reports:report", args=["dibao"])
    assert (
        client_for("township_b_clerk").get(url, {"region": TOWNSHIP_A, "period": "2025Q2"}).status_code == 404
    )
    assert (
        client_for("village_a1_officer").get(url, {"region": TOWNSHIP_A, "period": "2025Q2"}).status_code
        == 404
    )
    page = client_for("county_approver").get(url, {"region": COUNTY, "period": "2025Q2"}).content.decode()
    assert "城乡最低生活保障情况统计表" in page and "2520.00" in page


def test_every_number_links_to_the_records_it_counted(quarter: list[Any], client_for: Any) -> None:
    clerk = client_for("township_a_clerk")
    page = clerk.get(reverse("reports:report", args=["dibao"]), {"region": TOWNSHIP_A, "period": "2025Q2"})
    link = (
        reverse("reports:drill", args=["dibao.households"])
        + f"?region={TOWNSHIP_A}&amp;period=2025Q2&amp;cut=rural"
    )
    assert link in page.content.decode()
    drill = clerk.get(
        reverse("reports:drill", args=["dibao.households"]),
        {"region": TOWNSHIP_A, "period": "2025Q2", "cut": "rural"},
    ).content.decode()
    b1, b2, b3 = quarter
    assert (
        f"/registry/households/{b1.household_id}/" in drill
        and f"/registry/households/{b2.household_id}/" in drill
    )
    assert f"/registry/households/{b3.household_id}/" not in drill  # stopped in June: not counted, not listed
    exits = clerk.get(
        reverse("reports:drill", args=["dibao.exits"]), {"region": TOWNSHIP_A, "period": "2025Q2"}
    ).content.decode()
    assert "收入超标" in exits


def test_the_workbook_reads_back_with_its_title_merged_headers_and_totals(
    quarter: list[Any], client_for: Any
) -> None:
    response = client_for("township_a_clerk").get(
        reverse("reports:report", args=["dibao"]),
        {"region": TOWNSHIP_A, "period": "2025Q2", "format": "xlsx"},
    )
    assert response.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    rows = sheet.to_python()
    assert rows[0][0] == "城乡最低生活保障情况统计表"
    assert rows[1][0] == "填报单位：得胜镇" and any("2025年第2季度" in str(c) for c in rows[1])
    assert rows[3][1] == "保障对象" and rows[4][1:3] == ["户数(件)", "人数"]
    assert rows[7][0] == "合计" and rows[7][1:3] == [2.0, 6.0] and rows[7][9] == 2520.0
    merged = {(m[0][0], m[0][1], m[1][0], m[1][1]) for m in sheet.merged_cell_ranges or []}
    assert (3, 1, 3, 2) in merged and (3, 0, 4, 0) in merged and (0, 0, 0, 9) in merged
    assert str(rows[-1][0]).startswith("填表人：")


def test_a_period_that_cannot_be_read_is_named() -> None:
    assert parse_period("2025q4").first == date(2025, 10, 1)
    assert parse_period("2025-02").label == "2025年2月"
    with pytest.raises(ValidationFailed, match="2026Q4"):
        parse_period("2025Q5")


def test_the_township_summary_counts_applications_and_links_them(
    personas: dict[str, Any], client_for: Any
) -> None:
    from minzheng.cases.tests.factories import poor_household, submit

    approved_dibao(personas)  # filed and decided in March 2025
    submit(personas, poor_household(personas))  # filed, still open
    q1 = parse_period("2025Q1")
    values = {code: CATALOGUE[code].value(TOWNSHIP_A, q1) for code in FORMS["summary"].indicators}
    assert values["procedure.received"] == 2 and values["procedure.decided"] == 1
    assert values["procedure.objections"] == 0
    drill = client_for("township_a_clerk").get(
        reverse("reports:drill", args=["procedure.received"]), {"region": TOWNSHIP_A, "period": "2025Q1"}
    )
    assert drill.status_code == 200 and drill.content.decode().count("/cases/") >= 2
    page = client_for("township_a_clerk").get(
        reverse("reports:report", args=["summary"]), {"region": TOWNSHIP_A, "period": "2025Q1"}
    )
    assert "乡镇民政业务季度工作汇总表" in page.content.decode()


def test_the_pdf_prints_the_form_with_the_font_embedded(
    quarter: list[Any], client_for: Any, tmp_path: Any
) -> None:
    import shutil
    import subprocess

    response = client_for("township_a_clerk").get(
        reverse("reports:report", args=["dibao"]), {"region": TOWNSHIP_A, "period": "2025Q2", "format": "pdf"}
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils is not installed (CI installs it)")
    path = tmp_path / "r.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout  # noqa: S603, S607
    assert "城乡最低生活保障情况统计表" in text and "2520.00" in text and "老年人" in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607
    assert "NotoSansSC" in fonts and " yes " in fonts  # embedded
