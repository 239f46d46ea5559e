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


def test_auditor_finds_every_duplicate_check_of_one_id_number_by_typing_it(
    personas: dict[str, Any], client_for: Any
) -> None:
    from minzheng.registry.idnumber import mask_id_number
    from minzheng.registry.models import Relation
    from minzheng.registry.services import DuplicatePerson, member_add
    from minzheng.registry.tests.test_excel import _register, make_id
    from minzheng.registry.validation import MemberData

    probed, other = make_id("19500505", 53), make_id("19510505", 55)
    _register(personas["village_a1_officer"], VILLAGE_A1, "王老五", probed)
    _register(personas["village_a1_officer"], VILLAGE_A1, "赵六", other)
    clerk_b = personas["township_b_clerk"]
    household = _register(clerk_b, VILLAGE_B1, "李四", make_id("19600606", 61))
    for number in (probed, other, probed):
        with pytest.raises(DuplicatePerson):
            member_add(actor=clerk_b, household=household, data=MemberData("某人", number, Relation.OTHER))
    page = client_for("auditor").get(reverse("audit:event_list"), {"id_number": probed}).content.decode()
    table = page.split('data-testid="audit-table"')[1]
    assert table.count("registry.id_found_elsewhere") == 2 and table.count(mask_id_number(probed)) == 2
    assert mask_id_number(other) not in table and probed not in table
