"""The monthly change list (变动名册) the clerk keys into the provincial system: 新增, 变更 and 停发 of a month with
the old and the new amount, built from the benefits' history through the real services; on the page (IDs shown as
the reader's role may see them) and as a workbook whose text stays text; in scope only."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from minzheng.audit.models import AuditEvent
from minzheng.benefits import services as benefits
from minzheng.benefits.models import Recheck
from minzheng.cases.models import Benefit
from minzheng.cases.tests.factories import poor_household
from minzheng.core.testing.personas import COUNTY, TOWNSHIP_A, TOWNSHIP_B, VILLAGE_A1
from minzheng.payments.tests.factories import approved_dibao
from minzheng.registry import services as registry
from minzheng.registry.idnumber import mask_id_number
from minzheng.registry.models import Relation
from minzheng.reports.changes import change_list
from minzheng.reports.tests.test_program_forms_more import _medical

pytestmark = pytest.mark.django_db
JUNE = date(2025, 6, 1)
URL = "reports:changes"


@pytest.fixture
def june(personas: dict[str, Any], django_capture_on_commit_callbacks: Any) -> dict[str, Benefit]:
    """Four 低保 households of village A1 at 840 a month. ``kept``, ``smaller`` and ``stopped`` from April; in June
    ``smaller`` gets 260 (the son died: 2 × 580 − 900), ``stopped`` stops (=income over the line), and ``new``
    (decided in May) starts."""
    approver = personas["county_approver"]
    kept, smaller, stopped = (approved_dibao(personas) for _i in range(3))
    new = approved_dibao(personas, decided=date(2025, 5, 20))
    son = smaller.household.members.get(relation=Relation.SON)
    with django_capture_on_commit_callbacks(execute=True):
        registry.member_record_death(
            actor=personas["township_a_clerk"], member=son, date_of_death=date(2025, 5, 10)
        )
    recheck = Recheck.objects.get(benefit=smaller, state=Recheck.State.OPEN)
    benefits.recheck_apply(actor=approver, recheck=recheck, month=JUNE, today=date(2025, 5, 12))
    benefits.benefit_stop(actor=approver, benefit=stopped, reason="=收入超过低保标准", month=JUNE)
    return {"kept": kept, "smaller": smaller, "stopped": stopped, "new": new}


def _head(benefit: Benefit) -> Any:
    return benefit.household.members.get(relation=Relation.HEAD)


def test_the_june_list_has_who_started_changed_and_stopped_with_old_and_new_amounts(
    june: dict[str, Benefit],
) -> None:
    rows = change_list(region=TOWNSHIP_A, program="dibao", month=JUNE)
    got = [(r.kind, r.benefit_id, str(r.old_amount), str(r.new_amount)) for r in rows]
    assert got == [
        ("new", june["new"].pk, "None", "840.00"),
        ("changed", june["smaller"].pk, "840.00", "260.00"),  # as shown: to the fen
        ("stopped", june["stopped"].pk, "840.00", "0.00"),
    ]
    stop = rows[2]
    assert stop.name == _head(june["stopped"]).name and stop.id_number == _head(june["stopped"]).id_number
    assert stop.village == june["stopped"].region.name and stop.month == JUNE
    assert stop.reason.startswith("=收入超过低保标准")
    assert rows[1].members_covered == 3  # as approved
    # April: the three first households start; May: nothing changes
    april = change_list(region=TOWNSHIP_A, program="dibao", month=date(2025, 4, 1))
    assert sorted((r.kind, r.benefit_id) for r in april) == sorted(
        ("new", june[k].pk) for k in ("kept", "smaller", "stopped")
    )
    assert change_list(region=TOWNSHIP_A, program="dibao", month=date(2025, 5, 1)) == []
    assert change_list(region=TOWNSHIP_A, program="tekun", month=JUNE) == []


def test_the_old_amount_is_what_was_paid_the_month_before_not_a_figure_copied_when_scheduled(
    june: dict[str, Benefit], personas: dict[str, Any]
) -> None:
    """Two changes of ``kept`` scheduled in May for July and August: August's old amount is July's new one."""
    from minzheng.reports.tests.test_dashboard_queries import _change

    approver = personas["county_approver"]
    _change(june["kept"], "adjusted", date(2025, 7, 1), "700.00", approver)
    _change(june["kept"], "adjusted", date(2025, 8, 1), "650.00", approver)
    # two changes in one month: the later holds, the list shows the month's net change
    _change(june["smaller"], "adjusted", date(2025, 8, 1), "300.00", approver)
    _change(june["smaller"], "adjusted", date(2025, 8, 1), "280.00", approver)
    august = change_list(region=TOWNSHIP_A, program="dibao", month=date(2025, 8, 1))
    assert [(r.benefit_id, r.old_amount, r.new_amount) for r in august] == [
        (june["kept"].pk, Decimal("700.00"), Decimal("650.00")),
        (june["smaller"].pk, Decimal("260.00"), Decimal("280.00")),
    ]


def test_a_one_off_grant_is_listed_once_as_new_and_never_as_stopped(personas: dict[str, Any]) -> None:
    household = poor_household(personas)
    grant = _medical(personas, household, _head_of(household), "dibao")
    benefits.benefit_stop(
        actor=personas["county_approver"], benefit=grant, reason="已一次性发放", month=date(2025, 5, 1)
    )
    wife = household.members.get(relation=Relation.SPOUSE)
    closed_at_once = _medical(personas, household, wife, "dibao")
    benefits.benefit_stop(  # closed within its own month: still paid once, still new that month
        actor=personas["county_approver"],
        benefit=closed_at_once,
        reason="已一次性发放",
        month=date(2025, 4, 1),
    )
    april = change_list(region=TOWNSHIP_A, program="medical", month=date(2025, 4, 1))
    assert [(r.kind, r.benefit_id, r.new_amount) for r in april] == [
        ("new", grant.pk, Decimal("5600.00")),  # (20000 − 12000) × 70 %
        ("new", closed_at_once.pk, Decimal("5600.00")),
    ]
    assert change_list(region=TOWNSHIP_A, program="medical", month=date(2025, 5, 1)) == []


def _head_of(household: Any) -> Any:
    return household.members.get(relation=Relation.HEAD)


def test_the_page_shows_the_list_in_a_fixed_number_of_queries(
    june: dict[str, Benefit], client_for: Any
) -> None:
    clerk = client_for("township_a_clerk")
    counts = []
    for month in ("2025-04", "2025-05", "2025-06"):
        with CaptureQueriesContext(connection) as queries:
            page = clerk.get(reverse(URL), {"region": TOWNSHIP_A, "program": "dibao", "month": month})
        assert page.status_code == 200
        counts.append(len(queries))
    # session, user, the region, the list (one statement), the picker's villages, the menu's region (the session
    # is renewed at most once a minute, so these pages write nothing) — the same for no rows and for three
    assert counts == [6, 6, 6]
    body = page.content.decode()
    for kind in ("新增", "变更", "停发"):
        assert kind in body
    stopped = _head(june["stopped"])
    assert stopped.id_number in body  # a case worker sees whole numbers
    assert f"/registry/households/{june['stopped'].household_id}/" in body
    assert f"/registry/households/{june['kept'].household_id}/" not in body


def test_the_workbook_reads_back_with_its_rows_ids_by_role_and_text_as_text(
    june: dict[str, Benefit], client_for: Any
) -> None:
    params = {"region": TOWNSHIP_A, "program": "dibao", "month": "2025-06", "format": "xlsx"}
    response = client_for("township_a_clerk").get(reverse(URL), params)
    assert response.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "最低生活保障变动名册"
    assert str(rows[1][0]).startswith("填报单位：得胜镇") and "2025年6月" in str(rows[1][0])
    assert rows[2][:4] == ["序号", "变动类型", "姓名", "公民身份号码"]
    body = rows[3:6]
    new, smaller, stopped = (_head(june[k]) for k in ("new", "smaller", "stopped"))
    assert [r[1:4] for r in body] == [
        ["新增", new.name, new.id_number],
        ["变更", smaller.name, smaller.id_number],
        ["停发", stopped.name, stopped.id_number],
    ]
    assert [r[6:9] for r in body] == [
        ["2025-06", "", 840.0],
        ["2025-06", 840.0, 260.0],
        ["2025-06", 840.0, 0.0],
    ]
    # a reason typed with "=" is text, not a formula (a formula cell would read back as its cached value)
    assert str(body[2][9]).startswith("=收入超过低保标准")
    assert rows[6][0] == "新增：1　变更：1　停发：1"
    event = AuditEvent.objects.filter(event_code="reports.change_list_exported").get()
    assert event.new_values == {"program": "dibao", "month": "2025-06", "rows": 3, "full_ids": True}
    # the township head may not see whole numbers: masked, in the workbook and on the page
    head = client_for("township_a_head")
    masked = CalamineWorkbook.from_filelike(io.BytesIO(head.get(reverse(URL), params).content))
    assert masked.get_sheet_by_index(0).to_python()[5][3] == mask_id_number(stopped.id_number)
    page = head.get(reverse(URL), {k: v for k, v in params.items() if k != "format"}).content.decode()
    assert mask_id_number(stopped.id_number) in page and stopped.id_number not in page


def test_the_list_is_scoped_to_the_region_asked_for_and_in_the_readers_scope(
    june: dict[str, Benefit], client_for: Any
) -> None:
    assert len(change_list(region=COUNTY, program="dibao", month=JUNE)) == 3
    assert change_list(region=TOWNSHIP_B, program="dibao", month=JUNE) == []
    params = {"region": TOWNSHIP_A, "program": "dibao", "month": "2025-06"}
    assert client_for("township_b_clerk").get(reverse(URL), params).status_code == 404
    assert client_for("township_b_clerk").get(reverse(URL), {**params, "format": "xlsx"}).status_code == 404
    assert client_for("village_a1_officer").get(reverse(URL), params).status_code == 404
    own = client_for("village_a1_officer").get(reverse(URL), {**params, "region": VILLAGE_A1})
    assert own.status_code == 200 and "停发" in own.content.decode()
    other = client_for("township_b_clerk").get(reverse(URL), {**params, "region": TOWNSHIP_B})
    assert "本月没有变动" in other.content.decode()
    assert not AuditEvent.objects.filter(event_code="reports.change_list_exported").exists()


def test_an_unknown_program_is_not_found_and_a_bad_month_is_named(
    june: dict[str, Benefit], client_for: Any
) -> None:
    clerk = client_for("township_a_clerk")
    assert clerk.get(reverse(URL), {"program": "astronaut"}).status_code == 404
    assert clerk.get(reverse(URL), {"program": "elder_ability"}).status_code == 404  # not a paid program
    quarter = clerk.get(reverse(URL), {"program": "dibao", "month": "2025Q2"}).content.decode()
    assert "变动名册按月编制" in quarter
    garbled = clerk.get(reverse(URL), {"program": "dibao", "month": "June"}).content.decode()
    assert "无法识别" in garbled
