"""The audit chain's secret: kept outside the database, so that whoever can write to the database cannot
recompute the chain after an edit. MINZHENG_AUDIT_KEY, or a key generated once into var/audit.key (0600).

Losing the key does not lose the log, but `minzheng audit verify` can then check only the part of the chain
written before the switch-over to keyed hashes."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_FILE = "audit.key"
_MIN_LENGTH = 32

_cache: dict[str, bytes] = {}


def key_path() -> Path:
    return Path(settings.VAR_DIR) / KEY_FILE


def audit_key() -> bytes:
    """The key (the variable's, else the file's); a missing file is generated."""
    key = _key(create=True)
    if key is None:  # pragma: no cover - _key(create=True) returns a key or raises
        raise ImproperlyConfigured("no audit key")
    return key


def existing_audit_key() -> bytes | None:
    """The key if there is one; never makes one (verify must not replace a lost key with a new one)."""
    return _key(create=False)


def _key(*, create: bool) -> bytes | None:
    configured = getattr(settings, "MINZHENG_AUDIT_KEY", "")
    if configured:
        if len(configured) < _MIN_LENGTH:
            raise ImproperlyConfigured(f"MINZHENG_AUDIT_KEY must be at least {_MIN_LENGTH} characters long")
        return str(configured).encode("utf-8")
    path = key_path()
    cached = _cache.get(str(path))
    if cached is not None:
        return cached
    if path.exists():
        key = path.read_text(encoding="utf-8").strip().encode("utf-8")
    elif not create:
        return None
    else:
        key = _generate(path)
    if len(key) < _MIN_LENGTH:
        raise ImproperlyConfigured(f"{path}: the audit key must be at least {_MIN_LENGTH} characters long")
    _cache[str(path)] = key
    return key


def _generate(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(32)
    # O_EXCL: two processes starting at once must not each write a different key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip().encode("utf-8")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value)
    return value.encode("utf-8")


def key_id(key: bytes) -> str:
    """A public fingerprint of the key (recorded at the switch-over), from which the key cannot be recovered."""
    return hmac.new(key, b"minzheng audit key id", hashlib.sha256).hexdigest()[:16]


def keyed_digest(key: bytes, purpose: bytes, text: str) -> str:
    """An HMAC of `text` for one purpose (checkpoint signatures, hashed ID numbers): one key, separate uses."""
    return hmac.new(key, purpose + b"\x00" + text.encode("utf-8"), hashlib.sha256).hexdigest()


#: the target type under which duplicate-ID answers are audited, by the keyed hash of the number
ID_NUMBER_TARGET = "registry.id_number"


def id_number_hash(number: str) -> str:
    """The keyed hash under which every check of one ID number is audited (the number itself is not stored)."""
    return keyed_digest(audit_key(), b"minzheng id number", number.strip().upper())
