"""The chain keyed with a secret outside the database, the switch-over from the plain chain, and checkpoints."""

from __future__ import annotations

import stat
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from minzheng.audit import events
from minzheng.audit.keys import audit_key, key_id
from minzheng.audit.models import AuditChainHead, AuditEvent
from minzheng.audit.services import (
    GENESIS,
    EventSpec,
    _build,
    _hash_fields,
    _insert_events,
    audit_append,
    audit_checkpoint,
    audit_record,
    audit_verify,
    compute_hash,
)

TABLE = AuditEvent._meta.db_table


def _write(n: int, label: str = "x") -> list[AuditEvent]:
    with transaction.atomic():
        return [
            audit_record(
                event_code=events.CALENDAR_DAY_SET, target_type="t", target_id=f"{label}{i}", new={"i": i}
            )
            for i in range(n)
        ]


def _rehash_from(seq: int, *, key: bytes | None = None) -> None:
    """What an attacker with database access and the app's own function does after an edit: recompute every hash
    from `seq` on and move the head along."""
    prev = AuditEvent.objects.get(seq=seq - 1).hash if seq > 1 else GENESIS
    last = seq - 1
    for event in AuditEvent.objects.filter(seq__gte=seq).order_by("seq"):
        digest = compute_hash(prev_hash=prev, seq=event.seq, fields=_hash_fields(event), key=key)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {TABLE} SET prev_hash = %s, hash = %s WHERE seq = %s",  # noqa: S608 - table from the model
                [prev, digest, event.seq],
            )
        prev, last = digest, event.seq
    AuditChainHead.objects.filter(pk=1).update(last_seq=last, last_hash=prev)


def _cut_after(seq: int) -> None:
    """Delete the events after `seq` and point the head at it (no trace left in the database)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq > %s", [seq])  # noqa: S608
    last = AuditEvent.objects.get(seq=seq)
    AuditChainHead.objects.filter(pk=1).update(last_seq=last.seq, last_hash=last.hash)


def test_an_edit_rehashed_with_the_apps_own_function_is_detected(personas: dict[str, Any]) -> None:
    victim = _write(5)[2]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET target_repr = %s WHERE seq = %s", ["altered", victim.seq])  # noqa: S608
    _rehash_from(victim.seq)  # SHA-256 without the key, as the chain was hashed before
    result = audit_verify()
    assert not result.ok and result.broken_seq == victim.seq and "altered" in result.reason


def test_a_chain_shortened_since_a_checkpoint_is_detected(personas: dict[str, Any], tmp_path: Path) -> None:
    written = _write(5)
    checkpoint = audit_checkpoint()
    assert checkpoint.seq == written[-1].seq and checkpoint.hash == written[-1].hash
    _cut_after(written[2].seq)
    assert audit_verify().ok  # the database alone cannot tell
    result = audit_verify(checkpoints=[checkpoint])
    assert not result.ok and "events removed" in result.reason
    file = tmp_path / "checkpoints.jsonl"
    call_command("audit", "checkpoint", "--output", str(file))  # the head now: still consistent with itself
    file.with_name("old.jsonl").write_text(checkpoint.as_line() + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match="events removed"):
        call_command("audit", "verify", "--checkpoints", str(file.with_name("old.jsonl")))
    call_command("audit", "verify", "--checkpoints", str(file))


def test_a_chain_rewritten_since_a_checkpoint_is_detected(personas: dict[str, Any]) -> None:
    written = _write(5)
    checkpoint = audit_checkpoint()
    _cut_after(written[1].seq)
    _write(3, label="rewritten")  # the same length again, through the app itself
    assert audit_verify().ok
    result = audit_verify(checkpoints=[checkpoint])
    assert not result.ok and result.broken_seq == checkpoint.seq and "rewritten" in result.reason


def test_a_checkpoint_not_signed_with_the_key_is_refused(personas: dict[str, Any], tmp_path: Path) -> None:
    _write(2)
    checkpoint = audit_checkpoint(now=timezone.now() - timedelta(days=1))
    forged = checkpoint.as_line().replace(checkpoint.signature, "0" * 64)
    file = tmp_path / "forged.jsonl"
    file.write_text(forged + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match="not signed"):
        call_command("audit", "verify", "--checkpoints", str(file))
    file.write_text("not json\n", encoding="utf-8")
    with pytest.raises(CommandError, match="检查点文件"):
        call_command("audit", "verify", "--checkpoints", str(file))


def _legacy_chain(n: int) -> None:
    """The chain as the version before keying wrote it: plain SHA-256 and a head with no switch-over."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
    now = timezone.now()
    prev, built = GENESIS, []
    for i in range(n):
        event = _build(
            EventSpec(
                event_code=events.CALENDAR_DAY_SET, target_type="t", target_id=f"legacy{i}", new={"i": i}
            ),
            seq=i + 1,
            prev_hash=prev,
            now=now,
            key=None,
        )
        prev = event.hash
        built.append(event)
    _insert_events(built)
    AuditChainHead.objects.update_or_create(
        pk=1, defaults={"last_seq": n, "last_hash": prev, "keyed_from_seq": None}
    )


def test_the_keyed_chain_starts_at_a_recorded_switch_over_and_old_events_keep_their_hashes(
    personas: dict[str, Any],
) -> None:
    _legacy_chain(3)
    old_hashes = list(AuditEvent.objects.order_by("seq").values_list("hash", flat=True))
    assert audit_verify().ok  # after the migration, before anything is written
    with transaction.atomic():  # the bulk path switches over as the single-event path does
        audit_append(specs=[EventSpec(event_code=events.CALENDAR_DAY_SET, target_type="t", target_id="new")])
    _write(2)
    chain = list(AuditEvent.objects.order_by("seq"))
    assert [e.hash for e in chain[:3]] == old_hashes
    switch = chain[3]
    key = audit_key()
    assert switch.event_code == "audit.chain_keyed" and switch.new_values == {
        "key_id": key_id(key),
        "unkeyed_events": 3,
    }
    assert AuditChainHead.objects.get(pk=1).keyed_from_seq == switch.seq
    result = audit_verify()
    assert result.ok and result.checked == 7, result.reason
    # an edit after the switch-over, rehashed the old way, is found
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET target_repr = %s WHERE seq = 6", ["altered"])  # noqa: S608
    _rehash_from(6)
    assert audit_verify().broken_seq == 6


def test_removing_the_switch_over_to_fall_back_to_plain_hashes_is_detected(personas: dict[str, Any]) -> None:
    _legacy_chain(2)
    _write(2)
    AuditChainHead.objects.filter(pk=1).update(keyed_from_seq=None)
    _rehash_from(3)
    result = audit_verify()
    assert not result.ok and result.broken_seq == 3 and "switch-over" in result.reason


def test_without_the_key_verify_checks_the_part_before_the_switch_over_only(
    personas: dict[str, Any], settings: Any, tmp_path: Path
) -> None:
    _legacy_chain(3)
    _write(1)
    settings.MINZHENG_AUDIT_KEY = ""
    settings.VAR_DIR = tmp_path / "restored-without-the-key"
    result = audit_verify()
    assert not result.ok and result.checked == 3 and "audit key is missing" in result.reason
    assert not (settings.VAR_DIR / "audit.key").exists()  # verify never makes a new key


def test_without_a_configured_key_one_is_generated_once_into_the_var_dir(
    settings: Any, tmp_path: Path
) -> None:
    settings.MINZHENG_AUDIT_KEY = ""
    settings.VAR_DIR = tmp_path
    first = audit_key()
    assert len(first) >= 32
    path = tmp_path / "audit.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert audit_key() == first == path.read_text(encoding="utf-8").encode()


def test_a_short_configured_key_fails_loudly(settings: Any) -> None:
    settings.MINZHENG_AUDIT_KEY = "too-short"
    with pytest.raises(ImproperlyConfigured):
        audit_key()
