from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from minzheng.audit import events
from minzheng.audit.models import AppendOnlyError, AuditEvent
from minzheng.audit.services import EventSpec, audit_record, audit_record_many, audit_verify
from minzheng.core.testing.personas import VILLAGE_A1


def _write(n: int, actor: Any = None) -> list[AuditEvent]:
    with transaction.atomic():
        return audit_record_many(
            specs=[
                EventSpec(
                    event_code=events.CALENDAR_DAY_SET,
                    actor=actor,
                    region_code=VILLAGE_A1,
                    target_type="t",
                    target_id=str(i),
                    old={"amount": Decimal("1.10")},
                    new={"amount": Decimal(i) / 3, "名": "张三"},
                )
                for i in range(n)
            ]
        )


def test_chain_verifies_after_many_writes(personas: dict[str, Any]) -> None:
    _write(250, actor=personas["township_a_clerk"])
    for _ in range(5):
        _write(3)
    result = audit_verify()
    assert result.ok, result.reason
    assert result.checked == AuditEvent.objects.count()


def test_each_event_links_to_the_previous_hash(personas: dict[str, Any]) -> None:
    first, second = _write(2)
    assert second.prev_hash == first.hash
    assert second.seq == first.seq + 1


def test_tampering_behind_the_orms_back_is_detected(personas: dict[str, Any]) -> None:
    written = _write(10)
    victim = written[4]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEvent._meta.db_table} SET target_repr = %s WHERE seq = %s",  # noqa: S608 - table name from the model
            ["altered", victim.seq],
        )
    result = audit_verify()
    assert not result.ok
    assert result.broken_seq == victim.seq
    with pytest.raises(CommandError, match=str(victim.seq)):
        call_command("audit", "verify")


def test_removed_last_event_is_detected(personas: dict[str, Any]) -> None:
    written = _write(3)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE seq = %s", [written[-1].seq])  # noqa: S608
    assert not audit_verify().ok


def test_orm_refuses_updates_and_deletes(personas: dict[str, Any]) -> None:
    event = _write(1)[0]
    event.target_repr = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(target_repr="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_events_must_be_written_inside_the_changes_transaction() -> None:
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit_record(event_code=events.CALENDAR_DAY_SET)


def test_unknown_event_codes_are_refused(db: None) -> None:
    with pytest.raises(ValueError, match="unknown audit event code"), transaction.atomic():
        audit_record(event_code="nobody.defined_this")


def test_a_failed_change_leaves_no_event(personas: dict[str, Any]) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        audit_record(event_code=events.CALENDAR_DAY_SET, region_code=VILLAGE_A1)
        _ = 1 / 0
    assert AuditEvent.objects.count() == before
    assert audit_verify().ok


def test_verify_command_reports_a_whole_chain(
    personas: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    _write(3)
    call_command("audit", "verify")
    assert "审计链完整" in capsys.readouterr().out
