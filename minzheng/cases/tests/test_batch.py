"""Batch work: a village's reviewed cases published together; a county's batch approved in the background with a
progress bar, one audit event per case, each refused case listed with its reason."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from minzheng.audit.models import AuditEvent
from minzheng.cases.models import Application, Benefit, Status
from minzheng.cases.tasks import approve_batch_task
from minzheng.cases.tests.factories import poor_household, submit, to_checked, to_notice_ended
from minzheng.core.models import Job

pytestmark = pytest.mark.django_db


def test_a_county_approves_a_batch_in_the_background(personas: dict[str, Any], client_for: Any) -> None:
    ready = [to_notice_ended(personas, submit(personas, poor_household(personas))) for _ in range(3)]
    early = submit(
        personas, poor_household(personas)
    )  # not through the procedure: must be skipped, not approved
    client = client_for("county_approver")
    response = client.post(reverse("cases:batch_approve"), {"case": [c.pk for c in [*ready, early]]})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("core:job", kwargs={"pk": job.pk})
    assert job.status == Job.Status.QUEUED and job.total == 4
    approve_batch_task.call(job.pk)  # what the worker does
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.done == 4 and job.result is not None
    assert sorted(job.result["approved"]) == sorted(c.pk for c in ready)
    assert [row[0] for row in job.result["rows"]] == [f"编号 {early.pk}"]
    assert Benefit.objects.count() == 3 and Application.objects.get(pk=early.pk).status == Status.APPLIED
    assert AuditEvent.objects.filter(event_code="cases.approved").count() == 3
    page = client.get(reverse("core:job", kwargs={"pk": job.pk})).content.decode()
    assert "已确认 3 件，未确认 1 件" in page and "<progress" in page
    assert client_for("township_a_clerk").get(reverse("core:job", kwargs={"pk": job.pk})).status_code == 404


def test_a_clerk_publishes_a_villages_reviewed_cases_together(
    personas: dict[str, Any], client_for: Any
) -> None:
    from minzheng.cases import services

    cases = []
    for _ in range(2):
        case = to_checked(personas, submit(personas, poor_household(personas)))
        services.review_record(actor=personas["township_a_head"], application=case, agree=True, opinion="")
        cases.append(case)
    response = client_for("township_a_clerk").post(
        reverse("cases:batch_publish"), {"case": [c.pk for c in cases]}
    )
    assert response.status_code == 302
    assert all(Application.objects.get(pk=c.pk).status == Status.NOTICE for c in cases)
    assert AuditEvent.objects.filter(event_code="cases.published").count() == 2


def test_a_batch_skips_cases_outside_scope_and_keeps_duties_apart(personas: dict[str, Any]) -> None:
    from minzheng.cases import services
    from minzheng.cases.services import applications_approve_batch
    from minzheng.core.testing.personas import VILLAGE_B1
    from minzheng.registry.models import Relation

    reviewed_by_head = to_notice_ended(personas, submit(personas, poor_household(personas)))
    household_b = poor_household(personas, VILLAGE_B1)
    elsewhere = services.application_submit(
        actor=personas["township_b_clerk"],
        household=household_b,
        program="dibao",
        applicant=household_b.members.get(relation=Relation.HEAD),
    )
    result = applications_approve_batch(
        actor=personas["township_a_head"], application_ids=[reviewed_by_head.pk, elsewhere.pk]
    )
    reasons = dict(result["skipped"])
    assert result["approved"] == []
    assert "不在您的管辖范围" in reasons[elsewhere.pk]
    assert "县级" in reasons[reviewed_by_head.pk] or "分离职责" in reasons[reviewed_by_head.pk]


def test_a_township_quota_counts_across_its_villages_in_one_batch(personas: dict[str, Any]) -> None:
    from minzheng.cases import services
    from minzheng.cases.services import applications_approve_batch
    from minzheng.core.testing.personas import TOWNSHIP_A, VILLAGE_A2

    services.quota_set(
        actor=personas["county_admin"], region_code=TOWNSHIP_A, program="dibao", limit=1, note="名额"
    )
    first = to_notice_ended(personas, submit(personas, poor_household(personas)))
    household = poor_household(personas, VILLAGE_A2)
    from minzheng.registry.models import Relation

    second = services.application_submit(
        actor=personas["township_a_clerk"],
        household=household,
        program="dibao",
        applicant=household.members.get(relation=Relation.HEAD),
    )
    to_notice_ended(personas, second)
    result = applications_approve_batch(
        actor=personas["county_approver"], application_ids=[first.pk, second.pk]
    )
    assert len(result["approved"]) == 1 and "名额已满" in result["skipped"][0][1]
