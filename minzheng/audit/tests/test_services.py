from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from minzheng.audit import events
from minzheng.audit.models import AppendOnlyError, AuditEvent
from minzheng.audit.services import EventSpec, audit_append, audit_record, audit_record_many, audit_verify
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


def test_appended_events_chain_and_read_back_like_recorded_ones(personas: dict[str, Any]) -> None:
    clerk = personas["township_a_clerk"]
    _write(2, actor=clerk)
    specs = [
        EventSpec(
            event_code=events.CALENDAR_DAY_SET,
            actor=clerk if i % 2 else None,
            region_code=VILLAGE_A1 if i % 3 else None,
            target_type="t",
            target_id=str(i),
            target_repr=f"第 {i} 个",
            old={"amount": Decimal("1.10")} if i % 2 else None,
            new={"amount": Decimal(i) / 3, "名": "张三", "list": (1, "二"), 5: True},  # type: ignore[dict-item]
            ip_address="10.0.0.1" if i == 4 else None,
        )
        for i in range(25)
    ]
    with transaction.atomic():
        assert audit_append(specs=specs) == 25
    _write(1)
    result = audit_verify()
    assert result.ok, result.reason
    appended = list(AuditEvent.objects.filter(target_type="t").order_by("seq"))[2:27]
    assert [e.target_id for e in appended] == [str(i) for i in range(25)]
    fifth = appended[5]
    assert (fifth.actor, fifth.actor_name, fifth.region_id, fifth.target_repr) == (
        clerk,
        clerk.username,
        VILLAGE_A1,
        "第 5 个",
    )
    assert fifth.old_values == {"amount": "1.10"}
    assert fifth.new_values == {"amount": str(Decimal(5) / 3), "名": "张三", "list": [1, "二"], "5": True}
    assert (
        appended[4].ip_address == "10.0.0.1" and appended[0].actor is None and appended[0].region_id is None
    )


def test_append_hashes_plain_values_as_audit_verify_recomputes_them(
    personas: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Values a JSON round trip keeps as they are take a quicker path to the same hash: mixed with others in one
    batch, with text that needs escaping, nested unsorted keys, big integers, booleans and empty values."""
    clerk = personas["township_a_clerk"]
    odd = 'say "hi"\\ \n\t\u0001 张 \U0001f600 </script>'
    plain_values: list[dict[str, Any] | None] = [
        {"z": 1, "a": [odd, {"y": None, "b": -25, "a": True}], "名": "李四"},
        {"members": ["张三", "李秀英"], "row": 7, "imported_from": "户籍.xlsx"},
        {},
        None,
        {"x": 0, "big": 10**30, "t": False, "f": [1.5]},  # the float sends this one the long way
    ]
    specs = [
        EventSpec(
            event_code=events.CALENDAR_DAY_SET,
            actor=clerk if i % 2 else None,
            region_code=VILLAGE_A1 if i % 3 else None,
            target_type="t" + odd,
            target_id=str(i),
            target_repr=odd,
            old=plain_values[(i + 1) % 5],
            new=plain_values[i % 5] if i != 6 else {"amount": Decimal("2.50")},
            ip_address="10.0.0.1" if i == 4 else None,
        )
        for i in range(12)
    ]
    from minzheng.audit import services

    slow: list[int] = []
    hashed = services.compute_hash

    def counted(**kwargs: Any) -> str:
        slow.append(kwargs["seq"])
        return hashed(**kwargs)

    monkeypatch.setattr(services, "compute_hash", counted)
    with transaction.atomic():
        assert audit_append(specs=specs) == 12
    # the long way: the event with a Decimal, and those with the float among their old or new values
    assert len(slow) == 1 + sum(1 for i in range(12) if i != 6 and 4 in (i % 5, (i + 1) % 5))
    monkeypatch.undo()
    result = audit_verify()
    assert result.ok, result.reason
    stored = list(AuditEvent.objects.filter(target_repr=odd).order_by("seq"))
    assert [e.new_values for e in stored] == [
        plain_values[i % 5] if i != 6 else {"amount": "2.50"} for i in range(12)
    ]
    assert stored[3].target_repr == odd


def test_append_refuses_what_record_many_refuses(db: None) -> None:
    with pytest.raises(ValueError, match="unknown audit event code"), transaction.atomic():
        audit_append(specs=[EventSpec(event_code="nobody.defined_this")])
