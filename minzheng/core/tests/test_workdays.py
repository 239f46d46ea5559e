"""The working-day calendar against DOMAIN.md WE-08, the 2027 "no data" refusal, and admin-added years."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from minzheng.audit.models import AuditEvent
from minzheng.core import services
from minzheng.core.errors import PermissionDeniedError, ValidationFailed
from minzheng.core.models import DayKind
from minzheng.core.workdays import (
    CalendarDataMissing,
    add_working_days,
    load_calendar,
    weekends_only,
    working_days_between,
)

# WE-08: a 低保 application accepted on Monday 2025-03-03 (day 0); (n, weekends_only, cn_official_2025)
WE08 = [
    (3, date(2025, 3, 6), date(2025, 3, 6)),  # start investigation, DB-21
    (10, date(2025, 3, 17), date(2025, 3, 17)),
    (30, date(2025, 4, 14), date(2025, 4, 15)),  # DB-30: 4/4 Qingming is a holiday
    (45, date(2025, 5, 5), date(2025, 5, 8)),  # extension: 5/1-5/5 off, Sunday 4/27 a make-up workday
]


@pytest.mark.parametrize(("n", "weekends", "official"), WE08)
def test_we08_deadlines_from_2025_03_03(db: None, n: int, weekends: date, official: date) -> None:
    start = date(2025, 3, 3)
    assert weekends_only().add_working_days(start, n) == weekends
    assert add_working_days(start, n) == official


def test_we08_second_fixture_across_national_day(db: None) -> None:
    start = date(2025, 9, 1)
    assert weekends_only().add_working_days(start, 30) == date(2025, 10, 13)
    assert add_working_days(start, 30) == date(2025, 10, 17)  # 9/28 and 10/11 are workdays, 10/1-10/8 off


def test_we08_publicity_window_moves_the_limit(db: None) -> None:
    calendar = load_calendar()
    # 公示 3/12-3/18 (7 calendar days) contains 5 working days; 2025-04-15 + 5 WD = 2025-04-22.
    inside = calendar.working_days_in(date(2025, 3, 12), date(2025, 3, 18))
    assert inside == 5
    assert calendar.add_working_days(date(2025, 4, 15), inside) == date(2025, 4, 22)


def test_make_up_workday_counts_and_holiday_does_not(db: None) -> None:
    calendar = load_calendar()
    assert calendar.is_working_day(date(2026, 2, 14))  # Saturday 调休 (WD-01)
    assert not calendar.is_working_day(date(2025, 10, 1))
    assert not calendar.is_working_day(date(2025, 3, 8))  # plain Saturday


def test_between_is_the_inverse_of_add(db: None) -> None:
    calendar = load_calendar()
    start = date(2025, 1, 20)
    for n in (0, 1, 7, 30, 45, 120):
        assert calendar.working_days_between(start, calendar.add_working_days(start, n)) == n
    assert working_days_between(date(2025, 4, 15), date(2025, 3, 3)) == -30


def test_negative_counts_go_backwards(db: None) -> None:
    assert add_working_days(date(2025, 4, 15), -30) == date(2025, 3, 3)


def test_a_deadline_in_2027_is_refused_with_a_clear_message(db: None) -> None:
    with pytest.raises(CalendarDataMissing) as excinfo:
        add_working_days(date(2026, 12, 20), 30)
    assert "2027 年的节假日安排尚未录入" in str(excinfo.value.message)
    with pytest.raises(CommandError, match="2027"):
        call_command("calendar", "add-workdays", "2026-12-20", "30")


def test_admin_added_2027_holiday_is_respected(personas: dict[str, Any]) -> None:
    admin = personas["county_admin"]
    services.calendar_year_add(actor=admin, year=2027, notice="国办发明电〔2026〕X号")
    # Before the 2027 holidays are entered, 2027-01-01 (a Friday) is an ordinary working day.
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 1)
    services.calendar_day_set(actor=admin, day=date(2027, 1, 1), kind=DayKind.HOLIDAY, name="元旦")
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    services.calendar_day_set(actor=admin, day=date(2027, 1, 2), kind=DayKind.WORKDAY, name="调休")
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 2)
    codes = list(AuditEvent.objects.filter(actor=admin).values_list("event_code", flat=True))
    assert codes.count("calendar.day_set") == 2 and "calendar.year_added" in codes


def test_only_county_admin_edits_the_calendar(personas: dict[str, Any]) -> None:
    with pytest.raises(PermissionDeniedError):
        services.calendar_year_add(actor=personas["township_a_clerk"], year=2027, notice="x")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"day": date(2030, 5, 1), "kind": DayKind.HOLIDAY}, "请先新增 2030 年度"),
        ({"day": date(2025, 5, 6), "kind": DayKind.WORKDAY}, "本来就是工作日"),
        ({"day": date(2025, 5, 6), "kind": "party"}, "类型只能是"),
    ],
)
def test_bad_calendar_input_is_explained(
    personas: dict[str, Any], kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationFailed, match=message):
        services.calendar_day_set(actor=personas["county_admin"], name="", **kwargs)


def test_duplicate_year_is_refused_and_nothing_changes(personas: dict[str, Any]) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed, match="已经存在"):
        services.calendar_year_add(actor=personas["county_admin"], year=2025, notice="again")
    assert AuditEvent.objects.count() == before


def test_deadline_calculator_page(personas: dict[str, Any], client_for: Any) -> None:
    body = (
        client_for("village_a1_officer")
        .get(reverse("core:calendar"), {"start": "2025-03-03", "days": 30})
        .content.decode()
    )
    assert "2025-04-15" in body and "2025-04-14" in body
    body = (
        client_for("village_a1_officer")
        .get(reverse("core:calendar"), {"start": "2026-12-20", "days": 30})
        .content.decode()
    )
    assert "2027 年的节假日安排尚未录入" in body


def test_admin_adds_a_year_and_a_day_through_the_pages(personas: dict[str, Any], client_for: Any) -> None:
    client = client_for("county_admin")
    response = client.post(
        reverse("core:calendar_year_add"), {"year": 2027, "notice": "国办发明电〔2026〕X号"}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("core:calendar_year", kwargs={"year": 2027}),
        {"date": "2027-10-01", "kind": "holiday", "name": "国庆节"},
    )
    assert response.status_code == 302
    assert not load_calendar().is_working_day(date(2027, 10, 1))
    response = client.post(
        reverse("core:calendar_year", kwargs={"year": 2027}), {"date": "2027-10-01", "remove": "1"}
    )
    assert response.status_code == 302
    assert load_calendar().is_working_day(date(2027, 10, 1))


def test_clerk_cannot_post_calendar_days(personas: dict[str, Any], client_for: Any) -> None:
    response = client_for("township_a_clerk").post(
        reverse("core:calendar_year", kwargs={"year": 2025}), {"date": "2025-05-06", "kind": "holiday"}
    )
    assert response.status_code == 403
