"""Background jobs of payments: building a roster and writing a bank file, with progress on the job page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from minzheng.core.jobs import job_recovery, job_run
from minzheng.core.models import Job
from minzheng.payments import bankfiles, services
from minzheng.payments.models import BankTemplate, CycleState, PayCycle


def _build(job: Job, progress: Any) -> dict[str, Any]:
    cycle = PayCycle.objects.get(pk=job.params["cycle"])
    cycle = services.cycle_build(actor=job.created_by, cycle=cycle, progress=progress)
    return {
        "summary": _("已生成 %(n)s 笔，合计 %(t)s 元；%(b)s 个问题须处理")
        % {"n": cycle.line_count, "t": cycle.total, "b": cycle.checks.get("blocking", 0)},
        "return_url": reverse("payments:cycle", args=[cycle.pk]),
    }


@task()
def build_cycle_task(job_id: int) -> dict[str, Any]:
    """生成发放名册."""
    return job_run(job_id, _build)


def _export(job: Job, progress: Any) -> dict[str, Any]:
    cycle = PayCycle.objects.get(pk=job.params["cycle"])
    template = BankTemplate.objects.get(pk=job.params["template"])
    record = bankfiles.bank_file_export(
        actor=job.created_by, cycle=cycle, template=template, progress=progress
    )
    return {
        "summary": _("银行文件已生成：%(n)s 笔，合计 %(t)s 元") % {"n": record.row_count, "t": record.total},
        "return_url": reverse("payments:cycle", args=[cycle.pk]),
    }


def _release_cycle(job: Job) -> None:
    """A dead build lets its cycle go: the page (or the retry) can generate it again at once."""
    PayCycle.objects.filter(pk=job.params.get("cycle"), state=CycleState.BUILDING).update(
        builder="", heartbeat_at=None
    )


# a roster build is idempotent (it clears what a dead build left and starts over): safe to retry once
job_recovery("payments.build", release=_release_cycle, retry=build_cycle_task)


@task()
def export_task(job_id: int) -> dict[str, Any]:
    """导出银行发放文件."""
    return job_run(job_id, _export)


def _check(job: Job, progress: Any) -> dict[str, Any]:
    cycle = PayCycle.objects.get(pk=job.params["cycle"])
    progress(0, 1)
    cycle = services.cycle_confirm_checked(actor=job.created_by, cycle=cycle)
    return {
        "summary": _("核对无误，已报县级审批：%(n)s 笔，合计 %(t)s 元")
        % {"n": cycle.line_count, "t": cycle.total},
        "return_url": reverse("payments:cycle", args=[cycle.pk]),
    }


@task()
def check_task(job_id: int) -> dict[str, Any]:
    """核对发放名册 (the checks run again over every line: on a large cycle, a background job)."""
    return job_run(job_id, _check)
