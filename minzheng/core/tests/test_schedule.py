"""The schedule the worker keeps, on a fake clock: the monthly scan on the 1st, the audit checkpoint every day, each
period once however many workers and restarts, a missed day caught up, the backup only when a destination is set."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minzheng.core.models import ScheduledRun
from minzheng.core.schedule import schedule_tick

pytestmark = pytest.mark.django_db

OFFICE = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=OFFICE)


@pytest.fixture(autouse=True)
def schedule_settings(settings: Any, tmp_path: Path) -> Path:
    settings.MINZHENG_SCAN_TIME = time(2, 0)
    settings.MINZHENG_CHECKPOINT_TIME = time(1, 0)
    settings.MINZHENG_BACKUP_DIR = ""
    settings.MINZHENG_CHECKPOINT_FILE = tmp_path / "checkpoints.txt"
    return settings.MINZHENG_CHECKPOINT_FILE


def ran(runs: list[ScheduledRun], task: str) -> list[str]:
    return [run.period for run in runs if run.task == task]


def test_the_monthly_scan_runs_on_the_first_once_its_time_has_come(personas: dict[str, Any]) -> None:
    schedule_tick(
        now=at(11, 30, 12), worker="w:1"
    )  # November's (a first start catches up the month it is in)

    assert ran(schedule_tick(now=at(12, 1, 1, 59), worker="w:1"), "benefits.monthly_scan") == []
    runs = schedule_tick(now=at(12, 1, 2, 0), worker="w:1")

    assert ran(runs, "benefits.monthly_scan") == ["2026-12"]
    scan = ScheduledRun.objects.get(task="benefits.monthly_scan", period="2026-12")
    assert scan.status == ScheduledRun.Status.DONE
    # what `minzheng benefits scan` reports, for the month the 1st prepares (the next roster's)
    assert scan.result is not None and scan.result["month"] == "2027-01"
    assert {"adjusted", "rechecks", "reviews"} <= set(scan.result)


def test_a_second_worker_or_a_restart_does_not_run_the_same_period_again(personas: dict[str, Any]) -> None:
    first = schedule_tick(now=at(12, 1, 3), worker="host-a:1")
    assert ran(first, "benefits.monthly_scan") == ["2026-12"] and ran(first, "audit.checkpoint") == [
        "2026-12-01"
    ]

    assert schedule_tick(now=at(12, 1, 3, 1), worker="host-b:2") == []  # another worker, same moment
    later = schedule_tick(now=at(12, 20, 9), worker="host-a:3")  # restarted weeks later
    assert ran(later, "benefits.monthly_scan") == [] and ran(later, "audit.checkpoint") == ["2026-12-20"]
    assert ScheduledRun.objects.filter(task="benefits.monthly_scan").count() == 1


def test_a_missed_day_is_caught_up_when_the_worker_comes_back(
    personas: dict[str, Any], schedule_settings: Path
) -> None:
    schedule_tick(now=at(12, 3, 1, 30), worker="w:1")
    # the worker was down all of the 4th; it comes back on the 5th before that day's checkpoint time
    runs = schedule_tick(now=at(12, 5, 0, 30), worker="w:2")
    assert ran(runs, "audit.checkpoint") == ["2026-12-04"]
    assert schedule_tick(now=at(12, 5, 0, 45), worker="w:2") == []
    assert len(schedule_settings.read_text(encoding="utf-8").splitlines()) == 2  # 3rd and 4th, signed lines

    # the scan of a 1st the worker missed runs when it is back, for that month
    schedule_tick(now=at(12, 31, 23), worker="w:2")
    back = schedule_tick(now=at(1, 3, 8, year=2027), worker="w:3")
    assert ran(back, "benefits.monthly_scan") == ["2027-01"]


def test_a_run_whose_worker_died_is_marked_failed_and_run_once_more(personas: dict[str, Any]) -> None:
    dead = ScheduledRun.objects.create(
        task="benefits.monthly_scan", period="2026-12", worker="lost-host:7", started_at=at(12, 1, 2)
    )
    runs = schedule_tick(now=at(12, 1, 2) + timedelta(days=1), worker="w:1")

    assert ran(runs, "benefits.monthly_scan") == ["2026-12"]
    dead.refresh_from_db()
    assert (dead.status, dead.attempts, dead.worker) == (ScheduledRun.Status.DONE, 2, "w:1")


def test_the_nightly_backup_runs_only_when_a_destination_is_set(
    personas: dict[str, Any], settings: Any, tmp_path: Any
) -> None:
    assert ran(schedule_tick(now=at(12, 2, 4), worker="w:1"), "backup.nightly") == []

    settings.MINZHENG_BACKUP_DIR = str(tmp_path / "nightly")
    runs = schedule_tick(now=at(12, 3, 4), worker="w:1")

    assert ran(runs, "backup.nightly") == ["2026-12-03"]
    backup = ScheduledRun.objects.get(task="backup.nightly")
    assert backup.status == ScheduledRun.Status.DONE, backup.error
    archives = list((tmp_path / "nightly").glob("minzheng-backup-*.tar.gz"))
    assert len(archives) == 1 and (backup.result or {}).get("file") == str(archives[0])


def test_the_county_administrator_sees_the_schedule_and_its_runs_in_a_fixed_number_of_queries(
    personas: dict[str, Any], client_for: Any, django_assert_max_num_queries: Any
) -> None:
    schedule_tick(now=at(12, 1, 3), worker="w:1")
    client = client_for("county_admin")
    client.get(reverse("core:worker"))  # warm the session

    with django_assert_max_num_queries(12):
        page = client.get(reverse("core:worker")).content.decode()

    assert "2026-12" in page and "2026-12-01" in page and "已完成" in page
    assert "每月 1 日 02:00" in page and "未设置(未启用)" in page  # the backup has no destination yet
    # results read as named figures, not a Python dict
    assert "月份：" in page and "审计事件序号：" in page and "{&#x27;" not in page and "{'" not in page


def test_a_round_with_nothing_due_only_reads(personas: dict[str, Any]) -> None:
    """The worker asks every few seconds: on SQLite a write, even a refused one, would take the single write lock."""
    schedule_tick(now=at(12, 1, 3), worker="w:1")

    with CaptureQueriesContext(connection) as queries:
        assert schedule_tick(now=at(12, 1, 3, 5), worker="w:1") == []
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in queries.captured_queries)
