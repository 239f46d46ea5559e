from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minzheng.audit import events
from minzheng.audit.services import EventSpec, audit_record_many
from minzheng.core.testing.personas import VILLAGE_A1, VILLAGE_B1


def _events(region: str, n: int, code: str = events.CALENDAR_DAY_SET) -> None:
    with transaction.atomic():
        audit_record_many(
            specs=[
                EventSpec(
                    event_code=code,
                    region_code=region,
                    target_type="t",
                    target_id=f"{region}-{i}",
                    target_repr=f"对象{region}-{i}",
                )
                for i in range(n)
            ]
        )


def test_auditor_filters_by_region_and_event(personas: dict[str, Any], client_for: Any) -> None:
    _events(VILLAGE_A1, 3)
    _events(VILLAGE_B1, 2, events.REGIONS_IMPORTED)
    client = client_for("auditor")
    body = client.get(reverse("audit:event_list"), {"region": VILLAGE_B1}).content.decode()
    assert f"对象{VILLAGE_B1}-0" in body and f"对象{VILLAGE_A1}-0" not in body
    body = client.get(reverse("audit:event_list"), {"event": "calendar"}).content.decode()
    assert f"对象{VILLAGE_A1}-0" in body and f"对象{VILLAGE_B1}-0" not in body


def test_auditor_filters_by_actor(personas: dict[str, Any], client_for: Any) -> None:
    with transaction.atomic():
        audit_record_many(
            specs=[
                EventSpec(
                    event_code=events.CALENDAR_DAY_SET,
                    actor=personas["township_a_clerk"],
                    region_code=VILLAGE_A1,
                    target_repr="clerk-made",
                )
            ]
        )
    _events(VILLAGE_A1, 1)
    body = (
        client_for("auditor").get(reverse("audit:event_list"), {"actor": "township_a_clerk"}).content.decode()
    )
    assert "clerk-made" in body and f"对象{VILLAGE_A1}-0" not in body


def test_event_list_query_count_does_not_grow_with_rows(personas: dict[str, Any], client_for: Any) -> None:
    client = client_for("auditor")
    _events(VILLAGE_A1, 5)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("audit:event_list"))
    _events(VILLAGE_B1, 40)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("audit:event_list"))
    assert len(many) == len(few)


def test_township_auditor_scope_is_the_data_layers(personas: dict[str, Any]) -> None:
    from minzheng.audit.selectors import audit_event_list

    _events(VILLAGE_A1, 2)
    _events(VILLAGE_B1, 2)
    visible = audit_event_list(user=personas["township_a_clerk"])
    assert visible.exists()
    assert not visible.filter(region_id=VILLAGE_B1).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_verify_runs_as_a_background_task(personas: dict[str, Any], client_for: Any) -> None:
    # Transactional: the worker closes its database connection after a batch, as it would in production.
    _events(VILLAGE_A1, 2)
    client = client_for("auditor")
    response = client.post(reverse("audit:verify_start"))
    assert response.status_code == 302
    assert "后台正在校验" in client.get(reverse("audit:verify_status")).content.decode()
    call_command("db_worker", batch=True, no_startup_delay=True, reload=False, verbosity=0)
    body = client.get(reverse("audit:verify_status")).content.decode()
    assert "审计链完整" in body
