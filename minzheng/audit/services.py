"""Writing and verifying the audit chain."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from minzheng.audit.events import AUDIT_CHAIN_KEYED, EVENT_LABELS
from minzheng.audit.keys import audit_key, existing_audit_key, key_id, keyed_digest
from minzheng.audit.models import AuditChainHead, AuditEvent
from minzheng.core.bulk import BackgroundWriter, insert_rows

GENESIS = "0" * 64


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _normalise(values: dict[str, Any] | None) -> dict[str, Any] | None:
    """Round-trip through JSON so what we hash is exactly what the database stores and returns."""
    if values is None:
        return None
    result: dict[str, Any] = json.loads(json.dumps(values, default=_json_default, ensure_ascii=False))
    return result


def compute_hash(*, prev_hash: str, seq: int, fields: dict[str, Any], key: bytes | None = None) -> str:
    """SHA-256 of the event's canonical JSON; HMAC-SHA256 with `key` for events after the switch-over."""
    payload = json.dumps(
        {"prev": prev_hash, "seq": seq, **fields}, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return _digester(key)(payload.encode("utf-8"))


def _digester(key: bytes | None) -> Callable[[bytes], str]:
    if key is None:
        return lambda payload: hashlib.sha256(payload).hexdigest()
    base = hmac.new(key, digestmod=hashlib.sha256)  # the key's pads computed once, copied per event

    def digest(payload: bytes) -> str:
        mac = base.copy()
        mac.update(payload)
        return mac.hexdigest()

    return digest


def _hash_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "occurred_at": event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "region": event.region_id,
        "event_code": event.event_code,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_repr": event.target_repr,
        "old": event.old_values,
        "new": event.new_values,
        "ip": event.ip_address,
    }


@dataclass
class EventSpec:
    """One event to append: what happened, to what, by whom, where."""

    event_code: str
    actor: Any = None
    region_code: str | None = None
    target: models.Model | None = None
    target_type: str = ""
    target_id: str = ""
    target_repr: str = ""
    old: dict[str, Any] | None = None
    new: dict[str, Any] | None = None
    ip_address: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _build(spec: EventSpec, *, seq: int, prev_hash: str, now: datetime, key: bytes | None) -> AuditEvent:
    if spec.event_code not in EVENT_LABELS:
        raise ValueError(f"unknown audit event code {spec.event_code!r}: define it in audit/events.py first")
    target_type, target_id, target_repr = spec.target_type, spec.target_id, spec.target_repr
    if spec.target is not None:
        target_type = target_type or spec.target._meta.label_lower
        target_id = target_id or str(spec.target.pk)
        target_repr = target_repr or str(spec.target)[:200]
    actor = spec.actor if getattr(spec.actor, "is_authenticated", False) else None
    event = AuditEvent(
        seq=seq,
        occurred_at=now,
        actor=actor,
        actor_name=(getattr(actor, "username", "") if actor else "")[:150],
        region_id=spec.region_code or None,
        event_code=spec.event_code,
        target_type=target_type,
        target_id=target_id,
        target_repr=target_repr,
        old_values=_normalise(spec.old),
        new_values=_normalise(spec.new),
        ip_address=spec.ip_address,
        prev_hash=prev_hash,
    )
    event.hash = compute_hash(prev_hash=prev_hash, seq=seq, fields=_hash_fields(event), key=key)
    return event


def _insert_events(events: list[AuditEvent]) -> None:
    # bulk_create prepares each of 15 values through the field API (~50 µs an event); insert_rows does not.
    fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    ids = insert_rows(
        AuditEvent,
        [f.name for f in fields],
        [[getattr(event, f.attname) for f in fields] for event in events],
        returning=True,
    )
    for event, pk in zip(events, ids, strict=True):
        event.pk = pk
        event._state.adding = False
        event._state.db = "default"


def _locked_head(now: datetime) -> tuple[AuditChainHead, bytes]:
    """Lock the chain head and return it with the key; the first append after the upgrade records the switch-over
    (an event hashed with the key, after which every event is) so the events already written keep their hashes."""
    head, _created = AuditChainHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"keyed_from_seq": 1}
    )
    key = audit_key()
    if head.keyed_from_seq is not None:
        return head, key
    if head.last_seq == 0:
        head.keyed_from_seq = 1  # nothing written before the key: the whole chain is keyed
    else:
        switch = _build(
            EventSpec(
                event_code=AUDIT_CHAIN_KEYED,
                target_type="audit.chain",
                target_id=str(head.last_seq + 1),
                new={"key_id": key_id(key), "unkeyed_events": head.last_seq},
            ),
            seq=head.last_seq + 1,
            prev_hash=head.last_hash,
            now=now,
            key=key,
        )
        _insert_events([switch])
        head.keyed_from_seq, head.last_seq, head.last_hash = switch.seq, switch.seq, switch.hash
    AuditChainHead.objects.filter(pk=1).update(
        keyed_from_seq=head.keyed_from_seq, last_seq=head.last_seq, last_hash=head.last_hash
    )
    return head, key


def audit_record_many(*, specs: Iterable[EventSpec], now: datetime | None = None) -> list[AuditEvent]:
    """Append events in the caller's transaction (one lock on the chain head for the whole batch)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit events must be written inside the transaction of the change they record")
    now = now or timezone.now()
    head, key = _locked_head(now)
    events: list[AuditEvent] = []
    seq, prev = head.last_seq, head.last_hash
    for spec in specs:
        seq += 1
        event = _build(spec, seq=seq, prev_hash=prev, now=now, key=key)
        prev = event.hash
        events.append(event)
    if not events:
        return events
    _insert_events(events)
    AuditChainHead.objects.filter(pk=1).update(last_seq=seq, last_hash=prev)
    return events


#: the columns audit_append writes, in the order of its rows (the id comes from the table)
_APPEND_COLUMNS = (
    "seq",
    "occurred_at",
    "actor",
    "actor_name",
    "region",
    "event_code",
    "target_type",
    "target_id",
    "target_repr",
    "old_values",
    "new_values",
    "ip_address",
    "prev_hash",
    "hash",
)


def audit_append(
    *,
    specs: Iterable[EventSpec],
    now: datetime | None = None,
    writer: BackgroundWriter | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> int:
    """audit_record_many for bulk work that needs nothing back (an import's 100,000 events): the same events,
    hashes and chain, without building a model instance per event or reading the new ids back. Returns the count.

    Events must name their target by type and id (no `target` instance). With a `writer`, its thread inserts
    each batch of events while the next batch is hashed; `meanwhile` runs once the chain head is locked, before the
    hashing, so that what it hands the writer (an import's indexes) is done while the events are hashed."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit events must be written inside the transaction of the change they record")
    now = now or timezone.now()
    if writer is not None:
        writer.flush()  # the chain head is read below, on this thread
    occurred_at = now.astimezone(UTC).isoformat(timespec="microseconds")
    head, key = _locked_head(now)
    digest_of = _digester(key)
    if meanwhile is not None:
        meanwhile()
    seq, prev = head.last_seq, head.last_hash
    rows: list[tuple[Any, ...]] = []
    count = 0
    actors: dict[int, tuple[int | None, str]] = {}  # one actor usually does the whole batch
    for spec in specs:
        if spec.event_code not in EVENT_LABELS:
            raise ValueError(
                f"unknown audit event code {spec.event_code!r}: define it in audit/events.py first"
            )
        if spec.target is not None:
            raise ValueError("audit_append takes targets by target_type/target_id; use audit_record_many")
        actor = actors.get(id(spec.actor))
        if actor is None:
            user = spec.actor if getattr(spec.actor, "is_authenticated", False) else None
            actor = actors[id(spec.actor)] = (
                user.pk if user else None,
                (getattr(user, "username", "") if user else "")[:150],
            )
        actor_id, actor_name = actor
        old, old_text = _canonical(spec.old)
        new, new_text = _canonical(spec.new)
        seq += 1
        region = spec.region_code or None
        if old_text is None or new_text is None:
            # Values JSON would change (Decimals, dates, tuples, keys that are not text): hashed as audit_verify
            # recomputes them from what the database gives back.
            old, new = _normalise(old), _normalise(new)
            digest = compute_hash(
                prev_hash=prev,
                seq=seq,
                fields={
                    "occurred_at": occurred_at,
                    "actor_id": actor_id,
                    "actor_name": actor_name,
                    "region": region,
                    "event_code": spec.event_code,
                    "target_type": spec.target_type,
                    "target_id": spec.target_id,
                    "target_repr": spec.target_repr,
                    "old": old,
                    "new": new,
                    "ip": spec.ip_address,
                },
                key=key,
            )
            old_text = None if old is None else _canonical_text(old)
            new_text = None if new is None else _canonical_text(new)
        else:
            # The same text compute_hash would hash, put together from the values' canonical JSON (tested).
            payload = _PAYLOAD % (
                _json_scalar(actor_id),
                _encode_text(actor_name),
                _encode_text(spec.event_code),
                _json_scalar(spec.ip_address),
                new_text,
                _encode_text(occurred_at),
                old_text,
                _encode_text(prev),
                _json_scalar(region),
                seq,
                _encode_text(spec.target_id),
                _encode_text(spec.target_repr),
                _encode_text(spec.target_type),
            )
            digest = digest_of(payload.encode("utf-8"))
            old_text = None if old is None else old_text
            new_text = None if new is None else new_text
        rows.append(
            (
                seq,
                now,
                actor_id,
                actor_name,
                region,
                spec.event_code,
                spec.target_type,
                spec.target_id,
                spec.target_repr,
                old_text,
                new_text,
                spec.ip_address,
                prev,
                digest,
            )
        )
        prev = digest
        if len(rows) >= _APPEND_CHUNK:
            count += _append_rows(rows, writer)
            rows = []
    count += _append_rows(rows, writer)
    if writer is not None:
        writer.flush()
    if count:
        AuditChainHead.objects.filter(pk=1).update(last_seq=seq, last_hash=prev)
    return count


#: compute_hash's payload (sorted keys, no spaces) with the values' JSON put in
_PAYLOAD = (
    '{"actor_id":%s,"actor_name":%s,"event_code":%s,"ip":%s,"new":%s,"occurred_at":%s,"old":%s,"prev":%s,'
    '"region":%s,"seq":%d,"target_id":%s,"target_repr":%s,"target_type":%s}'
)
_encode_text = json.encoder.encode_basestring  # a str as JSON, as json.dumps(ensure_ascii=False) writes it


def _json_scalar(value: str | int | None) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return _encode_text(value)
    return str(int(value))


def _canonical_text(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _canonical(value: dict[str, Any] | None) -> tuple[dict[str, Any] | None, str | None]:
    """(the value, its canonical JSON) when JSON keeps it as it is ("null" for None); (value, None) otherwise."""
    if value is None:
        return None, "null"
    if not _plain(value):
        return value, None
    return value, _canonical_text(value)


def _plain(value: Any) -> bool:
    """True when a JSON round trip gives the same value back: text-keyed dicts, lists, text, ints, bools and None
    only. Floats take the long way (PostgreSQL's jsonb rewrites some of them: -0.0, 1e300)."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return True
    if kind is dict:
        return all(type(key) is str and _plain(item) for key, item in value.items())
    if kind is list:
        return all(_plain(item) for item in value)
    return False


#: events held before they are written (bounds memory, not the transaction)
_APPEND_CHUNK = 10_000


def _append_rows(rows: list[tuple[Any, ...]], writer: BackgroundWriter | None) -> int:
    if not rows:
        return 0
    # The JSON columns go as JSON text of the stored value (canonical: sorted keys, characters as they are).
    if writer is None:
        insert_rows(AuditEvent, _APPEND_COLUMNS, rows, prepared=("old_values", "new_values"))
    else:
        writer.put(AuditEvent, _APPEND_COLUMNS, rows, prepared=("old_values", "new_values"))
    return len(rows)


def audit_record(
    *,
    event_code: str,
    actor: Any = None,
    region_code: str | None = None,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    target_repr: str = "",
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    ip_address: str | None = None,
    now: datetime | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction."""
    spec = EventSpec(
        event_code=event_code,
        actor=actor,
        region_code=region_code,
        target=target,
        target_type=target_type,
        target_id=target_id,
        target_repr=target_repr,
        old=old,
        new=new,
        ip_address=ip_address,
    )
    return audit_record_many(specs=[spec], now=now)[0]


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


def _iter_events(chunk: int = 2000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        batch = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:chunk])
        if not batch:
            return
        yield from batch
        last = batch[-1].seq


@dataclass(frozen=True)
class Checkpoint:
    """The chain's head at a moment, signed with the audit key: kept away from the database, it shows later
    whether the chain was shortened or rewritten since."""

    seq: int
    hash: str
    at: str
    signature: str

    def as_line(self) -> str:
        return json.dumps(
            {"seq": self.seq, "hash": self.hash, "at": self.at, "signature": self.signature}, sort_keys=True
        )


_CHECKPOINT_PURPOSE = b"minzheng audit checkpoint"


def _checkpoint_text(seq: int, hash_: str, at: str) -> str:
    return f"{seq}|{hash_}|{at}"


def audit_checkpoint(*, now: datetime | None = None) -> Checkpoint:
    """The chain head (sequence, hash, time) signed with the audit key."""
    now = now or timezone.now()
    key = audit_key()
    head = AuditChainHead.objects.filter(pk=1).first()
    seq, hash_ = (head.last_seq, head.last_hash) if head is not None else (0, GENESIS)
    at = now.astimezone(UTC).isoformat(timespec="seconds")
    signature = keyed_digest(key, _CHECKPOINT_PURPOSE, _checkpoint_text(seq, hash_, at))
    return Checkpoint(seq=seq, hash=hash_, at=at, signature=signature)


class CheckpointFileError(ValueError):
    pass


def checkpoints_read(text: str) -> list[Checkpoint]:
    """Checkpoints from their file (one JSON object a line, as `minzheng audit checkpoint` prints them)."""
    found: list[Checkpoint] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            found.append(
                Checkpoint(
                    seq=int(raw["seq"]),
                    hash=str(raw["hash"]),
                    at=str(raw["at"]),
                    signature=str(raw["signature"]),
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise CheckpointFileError(f"line {number} is not a checkpoint") from exc
    return found


def audit_verify(*, checkpoints: Iterable[Checkpoint] = ()) -> VerifyResult:
    """Walk the chain from the start; report the first event whose hash or link does not hold. Events before the
    switch-over are checked as plain SHA-256, those from it on as HMAC with the audit key. Each checkpoint's
    signature is checked, and the event at its sequence number must still carry its hash."""
    head = AuditChainHead.objects.filter(pk=1).first()
    keyed_from = head.keyed_from_seq if head is not None else None
    key = existing_audit_key()
    marks: dict[int, Checkpoint] = {}
    for mark in checkpoints:
        signed = key is not None and hmac.compare_digest(
            mark.signature,
            keyed_digest(key, _CHECKPOINT_PURPOSE, _checkpoint_text(mark.seq, mark.hash, mark.at)),
        )
        if not signed:
            return VerifyResult(
                False,
                0,
                mark.seq,
                f"checkpoint #{mark.seq} of {mark.at} is not signed with this system's audit key",
            )
        marks[mark.seq] = mark
    if 0 in marks and marks[0].hash != GENESIS:
        return VerifyResult(False, 0, 0, "the empty-chain checkpoint does not match")
    plain, keyed = _digester(None), _digester(key) if key is not None else None
    prev, expected_seq, checked = GENESIS, 1, 0
    for event in _iter_events():
        if event.seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, f"missing event #{expected_seq}")
        if event.prev_hash != prev:
            return VerifyResult(
                False, checked, event.seq, f"event #{event.seq} does not link to #{event.seq - 1}"
            )
        is_keyed = keyed_from is not None and event.seq >= keyed_from
        if event.event_code == AUDIT_CHAIN_KEYED and event.seq != keyed_from:
            return VerifyResult(
                False,
                checked,
                event.seq,
                f"event #{event.seq} is a switch-over the chain head does not record",
            )
        if is_keyed and event.seq == keyed_from and keyed_from > 1 and event.event_code != AUDIT_CHAIN_KEYED:
            return VerifyResult(
                False, checked, event.seq, f"event #{event.seq} should be the switch-over to keyed hashes"
            )
        digest = plain
        if is_keyed:
            if keyed is None:
                return VerifyResult(
                    False,
                    checked,
                    event.seq,
                    f"the audit key is missing: events #1-#{checked} hold, "
                    f"those from #{event.seq} on cannot be checked",
                )
            digest = keyed
        payload = json.dumps(
            {"prev": prev, "seq": event.seq, **_hash_fields(event)},
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )
        if digest(payload.encode("utf-8")) != event.hash:
            return VerifyResult(False, checked, event.seq, f"event #{event.seq} was altered (hash mismatch)")
        at_mark = marks.get(event.seq)
        if at_mark is not None and at_mark.hash != event.hash:
            return VerifyResult(
                False,
                checked,
                event.seq,
                f"event #{event.seq} was rewritten since the checkpoint of {at_mark.at}",
            )
        prev, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    beyond = [mark for mark in marks.values() if mark.seq > checked]
    if beyond:
        mark = max(beyond, key=lambda m: m.seq)
        return VerifyResult(
            False,
            checked,
            checked + 1,
            f"the chain ends at #{checked}, before the checkpoint of {mark.at} (#{mark.seq}): events removed",
        )
    if head is not None and (head.last_seq != checked or head.last_hash != prev):
        return VerifyResult(
            False, checked, checked + 1, "the chain ends before its recorded head (events removed)"
        )
    if keyed_from is not None and keyed_from > checked + 1:
        return VerifyResult(
            False, checked, keyed_from, "the recorded switch-over lies beyond the end of the chain"
        )
    return VerifyResult(True, checked)
