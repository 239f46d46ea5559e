"""Background jobs with progress: a Job row the worker updates and a page that polls it (htmx, no inline script).

A service that may run long takes a ``progress(done, total)`` callback; its task wraps it with :func:`job_run`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404
from django.utils import timezone
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


def job_run(job_id: int, work: Callable[[Job, Callable[[int, int], None]], dict[str, Any]]) -> dict[str, Any]:
    """Run ``work`` for the job, recording progress, the result or the failure (never a half-recorded state)."""
    # claim it: a job delivered twice runs once
    if not Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(status=Job.Status.RUNNING):
        return {"skipped": True}
    job = Job.objects.select_related("created_by").get(pk=job_id)

    def progress(done: int, total: int) -> None:
        # outside the work's own transaction, so the waiting page sees it at once
        Job.objects.filter(pk=job_id).update(done=done, total=total)

    try:
        result = work(job, progress)
    except DomainError as exc:
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED, error=str(exc.message), finished_at=timezone.now()
        )
        return {"error": str(exc.message)}
    except Exception:
        # anything else: the page must stop waiting; the worker logs the traceback
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED,
            error=_("后台任务出错，已记录，请联系管理员"),
            finished_at=timezone.now(),
        )
        raise
    Job.objects.filter(pk=job_id).update(status=Job.Status.DONE, result=result, finished_at=timezone.now())
    return result
