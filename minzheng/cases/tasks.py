"""Background jobs of the procedure (run by the django-tasks database worker)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from minzheng.cases.services import applications_approve_batch
from minzheng.core.jobs import job_run
from minzheng.core.models import Job


def _approve(job: Job, progress: Any) -> dict[str, Any]:
    result = applications_approve_batch(
        actor=job.created_by, application_ids=list(job.params["ids"]), progress=progress
    )
    return {
        "summary": _("已确认 %(a)s 件，未确认 %(s)s 件")
        % {"a": len(result["approved"]), "s": len(result["skipped"])},
        "rows": [[_("编号 %(pk)s") % {"pk": pk}, reason] for pk, reason in result["skipped"]],
        "approved": result["approved"],
        "return_url": reverse("cases:index") + "?status=approved",
    }


@task()
def approve_batch_task(job_id: int) -> dict[str, Any]:
    """批量审核确认: a county's reviewed batch, with progress on the job page."""
    return job_run(job_id, _approve)
