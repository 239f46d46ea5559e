"""One archive holding everything a site needs to come back: the database, the scanned documents, the bank files,
the audit key and the secret key; and its restore into an empty site, checked before the site is used.

The archive is a gzip-compressed tar (`minzheng-backup-YYYYMMDD-HHMMSS.tar.gz`, readable with `tar tzf`):

    MANIFEST.json            format, time, database vendor, audit chain head, SHA-256 and size of every member
    database/minzheng.sqlite3   (SQLite, written with the online backup API) or
    database/minzheng.dump      (PostgreSQL, `pg_dump --format=custom`)
    var/documents/…  var/exports/…  var/audit.key  var/secret_key

The calendar, users, policy and everything else are rows of the database. The database is copied first and the
files after it: a document's file is written before its row and never deleted, and a bank file is renamed into place
before its row names it, so every row in the copy finds its file (files newer than the copy are harmless extras).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minzheng.audit.events import define
from minzheng.core.errors import DomainError, ValidationFailed
from minzheng.core.files import private_dir, var_dir

FORMAT = "minzheng-backup/1"
MANIFEST = "MANIFEST.json"
ARCHIVE_PATTERN = re.compile(r"^minzheng-backup-\d{8}-\d{6}\.tar\.gz$")
#: folders under VAR_DIR copied whole (a `.part` file is an unfinished export and is left out)
FILE_DIRS = ("documents", "exports")
AUDIT_KEY_FILE = "audit.key"
SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a secret
_CHUNK = 1024 * 1024

BACKUP_CREATED = define("core.backup_created", _("创建备份"))
BACKUP_RESTORED = define("core.backup_restored", _("从备份恢复"))


class BackupError(DomainError):
    """A backup could not be written, or an archive cannot be restored (the message says why, in Chinese)."""

    code = "backup_failed"


@dataclass
class BackupResult:
    path: Path
    size: int
    sha256: str
    files: int
    audit_key: str  # "file", "environment" (included on request), "omitted" or "none"
    removed: list[Path] = field(default_factory=list)


@dataclass
class RestoreResult:
    documents: int
    exports: int
    audit_events: int
    audit_key: str
    notes: list[str] = field(default_factory=list)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _database() -> dict[str, Any]:
    return dict(connection.settings_dict)


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db: dict[str, Any]) -> list[str]:
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return [*args, "--no-password"]


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            _(
                "找不到 %(tool)s：请安装 PostgreSQL 客户端(Debian: apt-get install postgresql-client，版本与服务器一致)"
            )
            % {"tool": name}
        )
    return found


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - fixed tool
    if done.returncode != 0:
        raise BackupError(
            _("%(what)s失败：%(error)s")
            % {"what": what, "error": (done.stderr or done.stdout).strip()[-1500:]}
        )


def _dump_database(folder: Path) -> tuple[str, Path]:
    """A consistent copy of the live database into ``folder``: its vendor and the file."""
    db = _database()
    if connection.vendor == "sqlite":
        target = folder / "minzheng.sqlite3"
        # A connection of its own (read-only): the online backup API copies a committed snapshot page by page while
        # the site keeps writing; Django's connection may be inside a transaction.
        copy = sqlite3.connect(target)
        try:
            if connection.is_in_memory_db():  # type: ignore[attr-defined]
                # The test database exists only inside this connection, in the test's open transaction, where the
                # backup API would wait forever for the write lock: its SQL text is copied instead.
                connection.ensure_connection()
                copy.executescript("\n".join(connection.connection.iterdump()))
            else:
                source = sqlite3.connect(f"file:{db['NAME']}?mode=ro", uri=True)
                try:
                    source.backup(copy)
                finally:
                    source.close()
        finally:
            copy.close()
        return "sqlite", target
    if connection.vendor == "postgresql":
        target = folder / "minzheng.dump"
        # pg_dump reads one snapshot (a repeatable-read transaction) of the whole database.
        _run(
            [_pg_tool("pg_dump"), "--format=custom", "--file", str(target), *_pg_args(db), str(db["NAME"])],
            _pg_env(db),
            "pg_dump ",
        )
        return "postgresql", target
    raise BackupError(_("不支持备份这种数据库：%(vendor)s") % {"vendor": connection.vendor})


def _var_files() -> Iterator[tuple[str, Path]]:
    var = Path(settings.VAR_DIR)
    for name in FILE_DIRS:
        folder = var / name
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.endswith(".part"):
                yield f"var/{path.relative_to(var).as_posix()}", path


def _audit_head() -> dict[str, Any] | None:
    from minzheng.audit.models import AuditEvent

    last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
    return dict(last) if last else None


def _archive_name(now: datetime) -> str:
    return f"minzheng-backup-{timezone.localtime(now).strftime('%Y%m%d-%H%M%S')}.tar.gz"


def backup_archives(dest: Path) -> list[Path]:
    """The archives in ``dest``, oldest first (the name carries the time)."""
    if not dest.is_dir():
        return []
    return sorted(p for p in dest.iterdir() if p.is_file() and ARCHIVE_PATTERN.match(p.name))


def backup_create(
    *,
    dest: Path | str | None = None,
    now: datetime | None = None,
    keep: int | None = None,
    include_env_audit_key: bool = False,
    omit_audit_key: bool = False,
) -> BackupResult:
    """Write one archive of the site into ``dest`` (default MINZHENG_BACKUP_DIR) and keep the newest ``keep``
    (default MINZHENG_BACKUP_KEEP) archives there."""
    from minzheng.audit.services import audit_record

    now = now or timezone.now()
    raw_dest = dest if dest is not None else settings.MINZHENG_BACKUP_DIR
    if not raw_dest:
        raise BackupError(_("没有备份目的地：请给出目录，或设置 MINZHENG_BACKUP_DIR"))
    target_dir = private_dir(Path(raw_dest).expanduser().resolve())
    keep = keep if keep is not None else settings.MINZHENG_BACKUP_KEEP
    if keep < 1:
        raise ValidationFailed(_("保留的备份份数至少为 1"))
    var = Path(settings.VAR_DIR)
    final = target_dir / _archive_name(now)
    if final.exists():
        raise BackupError(_("备份文件已存在：%(path)s") % {"path": final})

    members: list[tuple[str, Path]] = []
    with tempfile.TemporaryDirectory(dir=var_dir("tmp"), prefix="backup-") as tmp:
        vendor, dumped = _dump_database(Path(tmp))
        head = _audit_head()  # read after the copy: the copy holds at least this much of the chain
        members.append((f"database/{dumped.name}", dumped))
        members.extend(_var_files())
        audit_key = "none"
        if settings.MINZHENG_AUDIT_KEY:
            audit_key = "omitted"
            if include_env_audit_key and not omit_audit_key:
                key_copy = Path(tmp) / AUDIT_KEY_FILE
                key_copy.write_text(settings.MINZHENG_AUDIT_KEY, encoding="utf-8")
                members.append((f"var/{AUDIT_KEY_FILE}", key_copy))
                audit_key = "environment"
        elif (var / AUDIT_KEY_FILE).is_file():
            audit_key = "omitted"
            if not omit_audit_key:
                members.append((f"var/{AUDIT_KEY_FILE}", var / AUDIT_KEY_FILE))
                audit_key = "file"
        if "MINZHENG_SECRET_KEY" not in os.environ and (var / SECRET_KEY_FILE).is_file():
            members.append((f"var/{SECRET_KEY_FILE}", var / SECRET_KEY_FILE))

        files = {name: {"sha256": _sha256(path), "size": path.stat().st_size} for name, path in members}
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "database": vendor,
            "audit_head": head,
            "audit_key": audit_key,
            "files": files,
        }
        partial = target_dir / f".{final.name}.part"
        try:
            with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
                data = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(now.timestamp()), 0o600
                tar.addfile(info, io.BytesIO(data))
                for name, path in members:
                    tar.add(path, arcname=name, recursive=False)
            os.replace(partial, final)
        finally:
            partial.unlink(missing_ok=True)

    removed = []
    for old in backup_archives(target_dir)[:-keep]:
        old.unlink()
        removed.append(old)
    size, digest = final.stat().st_size, _sha256(final)
    with transaction.atomic():
        audit_record(
            event_code=BACKUP_CREATED,
            target_type="core.backup",
            target_id=final.name,
            target_repr=final.name,
            new={"file": final.name, "size": size, "sha256": digest, "audit_key": audit_key},
            now=now,
        )
    return BackupResult(final, size, digest, len(members), audit_key, removed)


# --------------------------------------------------------------------------------------------------- restore


def _corrupt(reason: str) -> BackupError:
    return BackupError(_("备份文件已损坏或不完整，未恢复任何内容：%(reason)s") % {"reason": reason})


def _read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = tar.getmember(MANIFEST)
        handle = tar.extractfile(member)
        if handle is None:
            raise KeyError(MANIFEST)
        manifest: dict[str, Any] = json.loads(handle.read().decode("utf-8"))
    except KeyError:
        raise _corrupt(_("没有清单文件 MANIFEST.json")) from None
    except (ValueError, UnicodeDecodeError):
        raise _corrupt(_("清单文件无法读取")) from None
    if manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), dict):
        raise _corrupt(_("不是 minzheng 的备份文件"))
    return manifest


def _unpack(archive: Path, staging: Path) -> dict[str, Any]:
    """Every member checked against the manifest (name, SHA-256, size) while it is unpacked into ``staging``."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            manifest = _read_manifest(tar)
            expected: dict[str, dict[str, Any]] = manifest["files"]
            seen: set[str] = set()
            for member in tar:
                if member.name == MANIFEST:
                    continue
                spec = expected.get(member.name)
                # Only names the manifest lists, as plain files: no links, no absolute or '..' paths.
                if spec is None or not member.isfile() or member.name in seen:
                    raise _corrupt(_("含有清单以外的内容：%(name)s") % {"name": member.name})
                parts = Path(member.name).parts
                if Path(member.name).is_absolute() or ".." in parts or parts[0] not in ("database", "var"):
                    raise _corrupt(_("含有不安全的路径：%(name)s") % {"name": member.name})
                source = tar.extractfile(member)
                if source is None:
                    raise _corrupt(member.name)
                target = staging / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest, size = hashlib.sha256(), 0
                with target.open("wb") as out:
                    for block in iter(lambda src=source: src.read(_CHUNK), b""):  # type: ignore[misc]
                        digest.update(block)
                        size += len(block)
                        out.write(block)
                if digest.hexdigest() != spec.get("sha256") or size != spec.get("size"):
                    raise _corrupt(_("%(name)s 的校验值不符") % {"name": member.name})
                seen.add(member.name)
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        if isinstance(exc, BackupError):  # pragma: no cover - BackupError is not an OSError
            raise
        raise _corrupt(str(exc)) from None
    missing = sorted(set(expected) - seen)
    if missing:
        raise _corrupt(_("缺少 %(names)s") % {"names": "、".join(missing)})
    return manifest


def _target_contents() -> list[str]:
    """What already lives in the target (empty list: safe to restore into)."""
    found = []
    tables = connection.introspection.table_names()
    if tables:
        found.append(_("数据库中已有 %(n)s 张表") % {"n": len(tables)})
    var = Path(settings.VAR_DIR)
    for name in FILE_DIRS:
        folder = var / name
        if folder.is_dir() and any(p.is_file() for p in folder.rglob("*")):
            found.append(_("数据目录的 %(name)s/ 中已有文件") % {"name": name})
    if (var / AUDIT_KEY_FILE).exists():
        found.append(_("数据目录中已有审计密钥 %(name)s") % {"name": AUDIT_KEY_FILE})
    return found


def _restore_database(vendor: str, dumped: Path) -> None:
    db = _database()
    if vendor == "sqlite":
        connections.close_all()
        path = Path(db["NAME"])
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".restore")
        shutil.copyfile(dumped, partial)
        for stale in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            stale.unlink(missing_ok=True)  # an empty database's journal must not be replayed over the copy
        os.replace(partial, path)
        return
    connections.close_all()
    _run(
        [
            _pg_tool("pg_restore"),
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            *_pg_args(db),
            "--dbname",
            str(db["NAME"]),
            str(dumped),
        ],
        _pg_env(db),
        "pg_restore ",
    )


def _check_restored(var: Path) -> tuple[int, int, list[str]]:
    """Every document's file matches the hash its row recorded; every finished bank file is there."""
    from minzheng.payments.models import BankExport
    from minzheng.registry.models import Document

    problems = []
    documents = 0
    for stored_name, sha in Document.objects.values_list("stored_name", "sha256").iterator():
        path = var / "documents" / stored_name
        if not path.is_file():
            problems.append(_("档案材料 %(name)s 缺失") % {"name": stored_name})
        elif _sha256(path) != sha:
            problems.append(_("档案材料 %(name)s 的哈希值不符") % {"name": stored_name})
        else:
            documents += 1
    exports = 0
    for stored_name in BankExport.objects.exclude(stored_name="").values_list("stored_name", flat=True):
        if (var / "exports" / stored_name).is_file():
            exports += 1
        else:
            problems.append(_("银行发放文件 %(name)s 缺失") % {"name": stored_name})
    return documents, exports, problems


def backup_restore(*, archive: Path | str, now: datetime | None = None) -> RestoreResult:
    """Restore ``archive`` into this site's database and var directory, which must be empty; then check every
    document's hash, every bank file and the audit chain."""
    from minzheng.audit.keys import _cache as key_cache
    from minzheng.audit.keys import existing_audit_key
    from minzheng.audit.models import AuditChainHead
    from minzheng.audit.services import audit_record, audit_verify

    path = Path(archive)
    if not path.is_file():
        raise BackupError(_("找不到备份文件：%(path)s") % {"path": path})
    existing = _target_contents()
    if existing:
        raise BackupError(
            _("恢复目标不是空的(%(what)s)：只能恢复到新建的空数据库和空的数据目录，以免覆盖现有数据")
            % {"what": "；".join(existing)}
        )
    var = Path(settings.VAR_DIR)
    with tempfile.TemporaryDirectory(dir=var_dir("tmp"), prefix="restore-") as tmp:
        staging = Path(tmp)
        manifest = _unpack(path, staging)
        vendor = manifest.get("database")
        if vendor != connection.vendor:
            raise BackupError(
                _("备份来自 %(source)s 数据库，本系统使用 %(target)s：请在同类数据库上恢复")
                % {"source": vendor, "target": connection.vendor}
            )
        dumps = [name for name in manifest["files"] if name.startswith("database/")]
        if len(dumps) != 1:
            raise _corrupt(_("应恰好含有一份数据库"))
        _restore_database(vendor, staging / dumps[0])
        for name in manifest["files"]:
            if not name.startswith("var/"):
                continue
            target = var / name.removeprefix("var/")
            private_dir(target.parent)
            shutil.move(staging / name, target)
            os.chmod(target, 0o600)
    key_cache.clear()

    notes = []
    documents, exports, problems = _check_restored(var)
    if problems:
        raise BackupError(_("恢复后的检查未通过：%(problems)s") % {"problems": "；".join(problems)})
    key = str(manifest.get("audit_key", "none"))
    checked = 0
    keyed = AuditChainHead.objects.filter(pk=1, keyed_from_seq__isnull=False).exists()
    if keyed and existing_audit_key() is None:
        # Verifying now could only report the missing key, and writing an event would generate a new key that
        # breaks the chain: the clerk puts the key back first (README, the restore drill).
        notes.append(
            _(
                "备份中不含审计密钥：请设置 MINZHENG_AUDIT_KEY 或放回 var/audit.key，再运行 minzheng audit verify"
            )
        )
    else:
        result = audit_verify()
        if not result.ok:
            raise BackupError(
                _("恢复后审计链在第 %(seq)s 条处断开：%(reason)s")
                % {"seq": result.broken_seq, "reason": result.reason}
            )
        checked = result.checked
        with transaction.atomic():
            audit_record(
                event_code=BACKUP_RESTORED,
                target_type="core.backup",
                target_id=path.name,
                target_repr=path.name,
                new={"file": path.name, "created_at": manifest.get("created_at"), "documents": documents},
                now=now,
            )
    return RestoreResult(documents, exports, checked, key, notes)
