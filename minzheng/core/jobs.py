"""Background jobs with progress: a Job row the worker updates and a page that polls it (htmx, no inline script).

A service that may run long takes a ``progress(done, total)`` callback; its task wraps it with :func:`job_run`.
Each progress call is also the job's heartbeat: a running job whose worker process is gone (or silent for
``MINZHENG_JOB_STALE_SECONDS``) is reaped by :func:`jobs_reap`, which the worker runs on every round.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from minzheng.core.errors import DomainError
from minzheng.core.models import Job


def job_create(*, actor: Any, kind: str, label: str, params: dict[str, Any], total: int) -> Job:
    return Job.objects.create(kind=kind, label=label, created_by=actor, params=params, total=total)


def job_get_for(*, user: Any, pk: int) -> Job:
    """A job is its creator's: anyone else gets 404."""
    job = Job.objects.filter(pk=pk, created_by_id=getattr(user, "pk", None)).first()
    if job is None:
        raise Http404
    return job


logger = logging.getLogger(__name__)


def worker_id() -> str:
    """This process, as host:pid (how the reaper tells whether a job's worker is still there)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def process_alive(worker: str) -> bool | None:
    """True/False for a process on this machine; None when it runs elsewhere (only its heartbeat can tell)."""
    host, _sep, pid = worker.partition(":")
    if not worker or host != socket.gethostname():
        return None
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def job_claim(job_id: int, *, worker: str | None = None, now: datetime | None = None) -> bool:
    """Take a queued job (a job delivered twice runs once), stamping who runs it and a first heartbeat."""
    return bool(
        Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
            status=Job.Status.RUNNING,
            worker=worker or worker_id(),
            heartbeat_at=now or timezone.now(),
            attempts=F("attempts") + 1,
        )
    )


def job_run(job_id: int, work: Callable[[Job, Callable[[int, int], None]], dict[str, Any]]) -> dict[str, Any]:
    """Run ``work`` for the job, recording progress, the result or the failure (never a half-recorded state)."""
    if not job_claim(job_id):
        return {"skipped": True}
    job = Job.objects.select_related("created_by").get(pk=job_id)
    me = job.worker

    def progress(done: int, total: int) -> None:
        # outside the work's own transaction, so the waiting page sees it at once; the heartbeat goes with it
        # (only while this worker still holds the job: a reaped job is not brought back to life)
        Job.objects.filter(pk=job_id, worker=me, status=Job.Status.RUNNING).update(
            done=done, total=total, heartbeat_at=timezone.now()
        )

    try:
        result = work(job, progress)
    except DomainError as exc:
        Job.objects.filter(pk=job_id, worker=me).update(
            status=Job.Status.FAILED, error=str(exc.message), finished_at=timezone.now()
        )
        return {"error": str(exc.message)}
    except Exception:
        # anything else: the page must stop waiting; the worker logs the traceback
        Job.objects.filter(pk=job_id, worker=me).update(
            status=Job.Status.FAILED,
            error=_("后台任务出错，已记录，请联系管理员"),
            finished_at=timezone.now(),
        )
        raise
    Job.objects.filter(pk=job_id, worker=me).update(
        status=Job.Status.DONE, result=result, finished_at=timezone.now()
    )
    return result


@dataclass(frozen=True)
class Recovery:
    """What the reaper does with a dead job of one kind: ``release`` frees what it held (a cycle's build) so the page
    can start it again; ``retry`` (a task) queues it once more, for work that is safe to run twice."""

    release: Callable[[Job], None] | None = None
    retry: Any = None


_RECOVERY: dict[str, Recovery] = {}

#: a dead job is queued again at most this many times in all (then it fails with the reason)
MAX_ATTEMPTS = 2


def job_recovery(kind: str, *, release: Callable[[Job], None] | None = None, retry: Any = None) -> None:
    """Register how a dead job of ``kind`` is recovered (apps call it in their tasks module)."""
    _RECOVERY[kind] = Recovery(release=release, retry=retry)


def worker_gone(worker: str, heartbeat: datetime | None, *, now: datetime) -> bool:
    """Whether the process that holds a job is gone: on this machine its pid tells at once; elsewhere, a heartbeat
    older than ``MINZHENG_JOB_STALE_SECONDS``."""
    alive = process_alive(worker)
    if alive is not None:
        return not alive
    stale = timedelta(seconds=settings.MINZHENG_JOB_STALE_SECONDS)
    return heartbeat is None or now - heartbeat > stale


def jobs_reap(*, now: datetime | None = None) -> list[int]:
    """Mark running jobs whose worker is gone failed with the reason, or queue them once more where safe."""
    autodiscover_modules("tasks")  # each app's tasks module registers its recoveries
    now = now or timezone.now()
    reaped = []
    for job in Job.objects.filter(status=Job.Status.RUNNING).select_related("created_by"):
        if not worker_gone(job.worker, job.heartbeat_at or job.created_at, now=now):
            continue
        recovery = _RECOVERY.get(job.kind, Recovery())
        retry = recovery.retry is not None and job.attempts < MAX_ATTEMPTS
        fields: dict[str, Any] = (
            {"status": Job.Status.QUEUED, "worker": "", "heartbeat_at": None}
            if retry
            else {
                "status": Job.Status.FAILED,
                "finished_at": now,
                "error": _("后台任务进程已停止(%(s)s 秒无心跳)，任务未完成，请重新发起")
                % {"s": settings.MINZHENG_JOB_STALE_SECONDS},
            }
        )
        # conditional on the worker we judged dead: a job that moved on meanwhile is left alone
        if not Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, worker=job.worker).update(**fields):
            continue
        if recovery.release is not None:
            recovery.release(job)
        if retry:
            recovery.retry.enqueue(job.pk)
        logger.warning("reaped job %s (%s) of worker %s: %s", job.pk, job.kind, job.worker, fields["status"])
        reaped.append(job.pk)
    return reaped
