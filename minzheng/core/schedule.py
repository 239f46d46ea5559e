"""The schedule the background worker keeps: the monthly scan on the 1st, the daily audit checkpoint and (when a
destination is set) the nightly backup. Nobody in a township runs cron.

Each run is one ``ScheduledRun`` row, unique per (task, period): the insert is the claim, so a period runs once
however many workers there are and however often they restart. The period due is the latest slot not after ``now``,
so a worker that was down on the day runs the missed period when it comes back; a run whose worker died, or that
failed, is tried once more.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from minzheng.core.jobs import worker_gone, worker_id
from minzheng.core.models import ScheduledRun
from minzheng.core.months import next_month

logger = logging.getLogger(__name__)

#: a scheduled period is tried at most this many times in all
MAX_ATTEMPTS = 2


def _monthly_scan(now: datetime, period: str) -> dict[str, Any]:
    # what `minzheng benefits scan` does when typed on the 1st (a late run scans what the 1st would have)
    from minzheng.benefits.services import monthly_scan

    month = next_month(date.fromisoformat(f"{period}-01"))
    return {"month": f"{month:%Y-%m}", **monthly_scan(month=month)}


def _audit_checkpoint(now: datetime, period: str) -> dict[str, Any]:
    # what `minzheng audit checkpoint --output FILE` does: one signed chain head a line, appended
    from minzheng.audit.services import audit_checkpoint

    line = audit_checkpoint(now=now).as_line()
    path = settings.MINZHENG_CHECKPOINT_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
    return {"line": line, "file": str(path)}


def _nightly_backup(now: datetime, period: str) -> dict[str, Any]:
    """The nightly backup into MINZHENG_BACKUP_DIR, keeping MINZHENG_BACKUP_KEEP archives (core.backup)."""
    from minzheng.core.backup import backup_create

    made = backup_create(now=now)
    return {"file": str(made.path), "removed": len(made.removed)}


@dataclass(frozen=True)
class Scheduled:
    name: str
    label: Promise
    at: Callable[[], time]
    run: Callable[[datetime, str], dict[str, Any]]
    monthly: bool = False
    enabled: Callable[[], bool] = field(default=lambda: True)


SCHEDULE: tuple[Scheduled, ...] = (
    Scheduled(
        "audit.checkpoint",
        _("审计链每日检查点"),
        at=lambda: settings.MINZHENG_CHECKPOINT_TIME,
        run=_audit_checkpoint,
    ),
    Scheduled(
        "benefits.monthly_scan",
        _("每月动态管理检查(年龄段调整、年龄变化、到期复核)"),
        at=lambda: settings.MINZHENG_SCAN_TIME,
        run=_monthly_scan,
        monthly=True,
    ),
    Scheduled(
        "backup.nightly",
        _("每晚备份"),
        at=lambda: settings.MINZHENG_BACKUP_TIME,
        run=_nightly_backup,
        enabled=lambda: bool(settings.MINZHENG_BACKUP_DIR),
    ),
)

LABELS = {entry.name: entry.label for entry in SCHEDULE}


def due_period(entry: Scheduled, now: datetime) -> str:
    """The latest period whose slot (the 1st or the day, at the set time, office time) is not after ``now``."""
    local = timezone.localtime(now)
    at = entry.at()
    if entry.monthly:
        slot = local.replace(day=1, hour=at.hour, minute=at.minute, second=0, microsecond=0)
        if local < slot:
            slot = (slot - timedelta(days=1)).replace(day=1)
        return f"{slot:%Y-%m}"
    slot = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    if local < slot:
        slot -= timedelta(days=1)
    return f"{slot:%Y-%m-%d}"


def _claim(name: str, period: str, *, worker: str, now: datetime) -> ScheduledRun | None:
    # a read first: the worker asks every few seconds, and on SQLite even a refused insert takes the write lock
    seen = ScheduledRun.objects.filter(task=name, period=period).values_list("status", "attempts").first()
    if seen is not None and (seen[0] != ScheduledRun.Status.FAILED or seen[1] >= MAX_ATTEMPTS):
        return None
    try:
        with transaction.atomic():
            return ScheduledRun.objects.create(
                task=name, period=period, worker=worker, started_at=now, heartbeat_at=now
            )
    except IntegrityError:
        pass  # claimed already: done, running, or failed and perhaps worth one more try
    again = ScheduledRun.objects.filter(
        task=name, period=period, status=ScheduledRun.Status.FAILED, attempts__lt=MAX_ATTEMPTS
    ).update(
        status=ScheduledRun.Status.RUNNING,
        worker=worker,
        attempts=F("attempts") + 1,
        started_at=now,
        heartbeat_at=now,
        finished_at=None,
        error="",
    )
    return ScheduledRun.objects.get(task=name, period=period) if again else None


def _reap(now: datetime) -> None:
    for run in ScheduledRun.objects.filter(status=ScheduledRun.Status.RUNNING):
        if worker_gone(run.worker, run.heartbeat_at, now=now):
            ScheduledRun.objects.filter(pk=run.pk, status=run.status, worker=run.worker).update(
                status=ScheduledRun.Status.FAILED,
                finished_at=now,
                error=str(_("执行该任务的后台进程已停止，任务未完成")),
            )


def schedule_tick(*, now: datetime | None = None, worker: str | None = None) -> list[ScheduledRun]:
    """Run every scheduled task whose period is due and not yet run (or failed once); return the runs made."""
    now = now or timezone.now()
    worker = worker or worker_id()
    _reap(now)
    made = []
    for entry in SCHEDULE:
        if not entry.enabled():
            continue
        run = _claim(entry.name, due_period(entry, now), worker=worker, now=now)
        if run is None:
            continue
        try:
            result = entry.run(now, run.period)
        except Exception as exc:
            logger.exception("scheduled %s %s failed", entry.name, run.period)
            ScheduledRun.objects.filter(pk=run.pk).update(
                status=ScheduledRun.Status.FAILED, finished_at=timezone.now(), error=str(exc)[:2000]
            )
        else:
            ScheduledRun.objects.filter(pk=run.pk).update(
                status=ScheduledRun.Status.DONE, finished_at=timezone.now(), result=result
            )
        run.refresh_from_db()
        made.append(run)
    return made


def schedule_rows() -> list[dict[str, Any]]:
    """The schedule as the status page shows it: what, when, and whether it is on."""
    return [
        {
            "name": entry.name,
            "label": entry.label,
            "when": (_("每月 1 日 %(t)s") if entry.monthly else _("每天 %(t)s"))
            % {"t": f"{entry.at():%H:%M}"},
            "enabled": entry.enabled(),
        }
        for entry in SCHEDULE
    ]
