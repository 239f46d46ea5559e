"""A roster build whose worker died (kill -9, a lost machine) does not stay "进行中" and "生成中" for ever: the reaper
queues it once more (a build is idempotent), or marks it failed with the reason after that, and the page can
generate the cycle again; the roster then equals a clean build."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from minzheng.core.jobs import job_claim, job_create, jobs_reap, worker_id
from minzheng.core.models import Job
from minzheng.core.testing.personas import TOWNSHIP_A
from minzheng.payments import services
from minzheng.payments.models import CycleState, PayCycle, RosterLine
from minzheng.payments.tasks import build_cycle_task
from minzheng.payments.tests.factories import approved_dibao

pytestmark = pytest.mark.django_db

MAY = date(2025, 5, 1)


class WorkerKilled(Exception):
    pass


def _die_after_first_chunk(done: int, total: int) -> None:
    raise WorkerKilled


def _half_built_by_a_dead_worker(personas: dict[str, Any], *, attempts: int = 0) -> tuple[PayCycle, Job]:
    """The page queued a build; a worker on another machine took it, wrote the first chunk and was killed."""
    clerk = personas["township_a_clerk"]
    cycle = services.cycle_claim(actor=clerk, region_code=TOWNSHIP_A, programs=["dibao"], period_start=MAY)
    job = job_create(actor=clerk, kind="payments.build", label="build", params={"cycle": cycle.pk}, total=1)
    Job.objects.filter(pk=job.pk).update(attempts=attempts)
    assert job_claim(job.pk, worker="lost-host:4242", now=timezone.now())
    with pytest.raises(WorkerKilled):
        services.cycle_build(actor=clerk, cycle=cycle, progress=_die_after_first_chunk, chunk=1)
    cycle.refresh_from_db()
    assert cycle.state == CycleState.BUILDING and RosterLine.objects.filter(cycle=cycle).count() == 1
    return cycle, job


def _lines(cycle: PayCycle) -> list[tuple[int, str]]:
    return sorted((line.benefit_id, str(line.amount)) for line in RosterLine.objects.filter(cycle=cycle))


def _silence(seconds: int = 1) -> Any:
    from django.conf import settings

    return timezone.now() + timedelta(seconds=settings.MINZHENG_JOB_STALE_SECONDS + seconds)


def test_a_build_whose_worker_went_silent_is_queued_again_once_and_ends_as_a_clean_build(
    personas: dict[str, Any],
) -> None:
    approved_dibao(personas)
    approved_dibao(personas)
    cycle, job = _half_built_by_a_dead_worker(personas)

    assert jobs_reap(now=_silence()) == [job.pk]
    job.refresh_from_db()
    assert (job.status, job.worker, job.attempts) == (Job.Status.QUEUED, "", 1)
    assert DBTaskResult.objects.filter(args_kwargs__args=[job.pk]).count() == 1  # queued for the worker again

    build_cycle_task.call(job.pk)  # what the worker does
    job.refresh_from_db()
    cycle.refresh_from_db()
    assert job.status == Job.Status.DONE and cycle.state == CycleState.DRAFT
    retried = _lines(cycle)

    clean = services.cycle_generate(
        actor=personas["township_a_clerk"], region_code=TOWNSHIP_A, programs=["dibao"], period_start=MAY
    )
    assert len(retried) == 2 and retried == _lines(clean)
    assert cycle.line_count == clean.line_count and cycle.total == clean.total


def test_a_build_that_died_again_fails_with_the_reason_and_the_page_generates_it_again(
    personas: dict[str, Any], client_for: Any
) -> None:
    approved_dibao(personas)
    approved_dibao(personas)
    cycle, job = _half_built_by_a_dead_worker(personas, attempts=1)  # this was already its retry

    assert jobs_reap(now=_silence()) == [job.pk]
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "无心跳" in job.error
    assert not DBTaskResult.objects.filter(args_kwargs__args=[job.pk]).exists()

    # the cycle is still "生成中", but nobody is building it: the page's 重新生成 starts it again
    response = client_for("township_a_clerk").post(
        reverse("payments:cycle", args=[cycle.pk]), {"action": "regenerate"}
    )
    again = Job.objects.order_by("-pk").first()
    assert again is not None and again.pk != job.pk
    assert response["Location"] == reverse("core:job", kwargs={"pk": again.pk})
    build_cycle_task.call(again.pk)
    cycle.refresh_from_db()
    assert cycle.state == CycleState.DRAFT and len(_lines(cycle)) == 2


def test_a_job_whose_worker_is_alive_or_recently_heard_from_is_left_alone(personas: dict[str, Any]) -> None:
    clerk = personas["township_a_clerk"]
    here = job_create(actor=clerk, kind="payments.build", label="a", params={}, total=1)
    elsewhere = job_create(actor=clerk, kind="payments.build", label="b", params={}, total=1)
    now = timezone.now()
    job_claim(here.pk, worker=worker_id(), now=now - timedelta(days=1))  # a live process on this machine
    job_claim(elsewhere.pk, worker="other-host:1", now=now)  # a heartbeat just now

    assert jobs_reap(now=now + timedelta(seconds=5)) == []
    assert set(Job.objects.values_list("status", flat=True)) == {Job.Status.RUNNING}


def test_a_job_on_this_machine_whose_process_is_gone_is_reaped_at_once(personas: dict[str, Any]) -> None:
    clerk = personas["township_a_clerk"]
    job = job_create(actor=clerk, kind="registry.export", label="x", params={}, total=1)
    gone = f"{worker_id().partition(':')[0]}:{2**22 + 1}"  # above any pid this machine hands out
    job_claim(job.pk, worker=gone, now=timezone.now())

    assert jobs_reap() == [job.pk]  # no waiting for the heartbeat to go stale
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED  # a kind with no safe retry fails
