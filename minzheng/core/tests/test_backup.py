"""`minzheng backup` and `minzheng restore`: the round trip on SQLite and PostgreSQL in child processes (a fresh
site each side, as on a new machine), refusals of a non-empty target and of a damaged archive, rotation, and what
the archive holds of the audit key."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from minzheng.audit.models import AuditEvent
from minzheng.core.backup import BACKUP_CREATED, MANIFEST, backup_archives, backup_create

ROOT = Path(__file__).resolve().parents[3]
PG_URL = os.environ.get("MINZHENG_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/minzheng")


def _env(var: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINZHENG_")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "minzheng.settings",
            "MINZHENG_VAR_DIR": str(var),
            "LANGUAGE": "zh-hans",
            "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p),
        }
    )
    if database_url:
        env["MINZHENG_DATABASE_URL"] = database_url
    return env


def run(env: dict[str, str], *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", *args], env=env, capture_output=True, text=True, check=False, cwd=ROOT
    )
    if ok:
        assert done.returncode == 0, done.stderr[-3000:]
    return done


def minzheng(env: dict[str, str], *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    return run(env, "minzheng.cli", *args, ok=ok)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _pg_admin() -> Any:
    import psycopg

    u = urlsplit(PG_URL)
    return psycopg.connect(
        host=u.hostname,
        port=u.port or 5432,
        user=u.username or "postgres",
        password=u.password or "",
        dbname="postgres",
        connect_timeout=3,
        autocommit=True,
    )


def _pg_url(name: str) -> str:
    u = urlsplit(PG_URL)
    return urlunsplit((u.scheme, u.netloc, f"/{name}", "", ""))


@pytest.fixture(params=["sqlite", "postgresql"])
def sites(request: Any, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A source site (migrated, seeded through the services) and an empty target, on one kind of database."""
    if request.param == "sqlite":
        yield {"source": _env(tmp_path / "src", None), "target": _env(tmp_path / "dst", None)}
        return
    try:
        admin = _pg_admin()
    except Exception as exc:  # noqa: BLE001 - any failure to connect means "not here"
        reason = f"PostgreSQL {PG_URL} is not reachable ({exc}); set MINZHENG_TEST_POSTGRES_URL"
        print(f"SKIPPED: {reason}")  # noqa: T201 - the brief asks for the reason in the output
        pytest.skip(reason)
    names = ("mz_backup_src", "mz_backup_dst")
    with admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield {
                "source": _env(tmp_path / "src", _pg_url(names[0])),
                "target": _env(tmp_path / "dst", _pg_url(names[1])),
            }
        finally:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _seeded(env: dict[str, str]) -> dict[str, Any]:
    minzheng(env, "migrate", "-v", "0")
    seeded: dict[str, Any] = json.loads(run(env, "minzheng.core.tests.backup_seed").stdout)
    assert seeded["documents"] and seeded["exports"]
    return seeded


def test_a_backup_restores_into_an_empty_site_whose_audit_verifies_and_whose_files_match(
    sites: dict[str, Any], tmp_path: Path
) -> None:
    source, target = sites["source"], sites["target"]
    seeded = _seeded(source)
    dest = tmp_path / "backups"
    out = minzheng(source, "backup", str(dest)).stdout
    assert "已含审计密钥 var/audit.key" in out
    (archive,) = backup_archives(dest)

    with tarfile.open(archive, "r:gz") as tar:
        names = set(tar.getnames())
        manifest = json.loads(tar.extractfile(MANIFEST).read())  # type: ignore[union-attr]
    dump = (
        "database/minzheng.sqlite3"
        if source.get("MINZHENG_DATABASE_URL") is None
        else "database/minzheng.dump"
    )
    expected = {
        MANIFEST,
        dump,
        "var/audit.key",
        "var/secret_key",
        *(f"var/documents/{n}" for n in seeded["documents"]),
        *(f"var/exports/{n}" for n in seeded["exports"]),
    }
    assert names == expected
    assert manifest["audit_key"] == "file"
    assert manifest["files"]["var/audit.key"]["sha256"] == sha256(
        Path(source["MINZHENG_VAR_DIR"]) / "audit.key"
    )

    done = minzheng(target, "restore", str(archive))
    assert f"{len(seeded['documents'])} 份档案材料哈希一致" in done.stdout
    assert "1 个银行发放文件" in done.stdout
    assert "审计链完整" in minzheng(target, "audit", "verify").stdout
    restored = Path(target["MINZHENG_VAR_DIR"])
    for name, digest in seeded["documents"].items():
        assert sha256(restored / "documents" / name) == digest
    for name in seeded["exports"]:
        original = Path(source["MINZHENG_VAR_DIR"]) / "exports" / name
        assert (restored / "exports" / name).read_bytes() == original.read_bytes()

    again = minzheng(target, "restore", str(archive), ok=False)
    assert again.returncode != 0
    assert "恢复目标不是空的" in again.stderr and "数据库中已有" in again.stderr


@pytest.fixture(scope="module")
def sqlite_archive(tmp_path_factory: Any) -> Path:
    """One SQLite site's archive, shared by the refusal tests (they never change it)."""
    base = tmp_path_factory.mktemp("backup-source")
    env = _env(base / "src", None)
    _seeded(env)
    minzheng(env, "backup", str(base / "backups"))
    (archive,) = backup_archives(base / "backups")
    return archive


def _empty_site_refuses(tmp_path: Path, archive: Path, message: str) -> None:
    target = _env(tmp_path / "dst", None)
    done = minzheng(target, "restore", str(archive), ok=False)
    assert done.returncode != 0
    assert "备份文件已损坏或不完整，未恢复任何内容" in done.stderr and message in done.stderr
    var = Path(target["MINZHENG_VAR_DIR"])
    assert not (var / "audit.key").exists()
    assert not list(var.glob("documents/*")) and not list(var.glob("exports/*"))
    db = var / "minzheng.sqlite3"
    if db.exists():
        with closing(sqlite3.connect(db)) as check:
            assert check.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


def test_restore_refuses_a_site_that_already_holds_data(sqlite_archive: Path, tmp_path: Path) -> None:
    target = _env(tmp_path / "dst", None)
    minzheng(target, "migrate", "-v", "0")
    done = minzheng(target, "restore", str(sqlite_archive), ok=False)
    assert done.returncode != 0
    assert "恢复目标不是空的(数据库中已有" in done.stderr
    assert not list((tmp_path / "dst").glob("documents/*"))


def test_restore_refuses_a_truncated_archive_and_restores_nothing(
    sqlite_archive: Path, tmp_path: Path
) -> None:
    broken = tmp_path / sqlite_archive.name
    data = sqlite_archive.read_bytes()
    broken.write_bytes(data[: len(data) // 2])
    _empty_site_refuses(tmp_path, broken, "")


def test_restore_refuses_an_archive_whose_document_was_changed(sqlite_archive: Path, tmp_path: Path) -> None:
    """A well-formed archive whose member no longer matches the manifest's SHA-256 (a tampered scan)."""
    tampered = tmp_path / sqlite_archive.name
    changed = ""
    with tarfile.open(sqlite_archive, "r:gz") as src, tarfile.open(tampered, "w:gz") as out:
        for member in src:
            content = src.extractfile(member).read()  # type: ignore[union-attr]
            if member.name.startswith("var/documents/") and not changed:
                content = content.replace(b"%PDF", b"%PDX", 1)
                changed = member.name
            member.size = len(content)
            out.addfile(member, io.BytesIO(content))
    _empty_site_refuses(tmp_path, tampered, f"{changed} 的校验值不符")


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    other = tmp_path / "notes.tar.gz"
    other.write_bytes(gzip.compress(b"not a tar file at all" * 100))
    _empty_site_refuses(tmp_path, other, "")


# ------------------------------------------------------------------------------------------ in this process


@pytest.mark.django_db
def test_rotation_keeps_the_newest_archives_and_leaves_other_files_alone(
    settings: Any, tmp_path: Path
) -> None:
    settings.MINZHENG_BACKUP_DIR = str(tmp_path / "nightly")
    settings.MINZHENG_BACKUP_KEEP = 2
    (tmp_path / "nightly").mkdir()
    (tmp_path / "nightly" / "README.txt").write_text("kept", encoding="utf-8")
    made = [backup_create(now=datetime(2026, 12, day, 18, 0, tzinfo=UTC)) for day in (1, 2, 3)]
    assert [p.name for p in backup_archives(tmp_path / "nightly")] == [
        "minzheng-backup-20261203-020000.tar.gz",
        "minzheng-backup-20261204-020000.tar.gz",
    ]
    assert made[2].removed == [made[0].path]
    assert (tmp_path / "nightly" / "README.txt").exists()
    event = AuditEvent.objects.filter(event_code=BACKUP_CREATED).order_by("-seq").first()
    assert event is not None and event.new_values is not None
    assert event.new_values["sha256"] == made[2].sha256


@pytest.mark.django_db
def test_a_key_from_the_environment_stays_out_of_the_archive_unless_asked(tmp_path: Path) -> None:
    """conftest sets MINZHENG_AUDIT_KEY, as a site that keeps its key in the environment would."""
    from django.conf import settings

    plain = backup_create(dest=tmp_path / "a", now=datetime(2026, 12, 1, tzinfo=UTC))
    asked = backup_create(
        dest=tmp_path / "b", now=datetime(2026, 12, 1, tzinfo=UTC), include_env_audit_key=True
    )
    with tarfile.open(plain.path) as tar:
        assert "var/audit.key" not in tar.getnames()
        assert json.loads(tar.extractfile(MANIFEST).read())["audit_key"] == "omitted"  # type: ignore[union-attr]
    with tarfile.open(asked.path) as tar:
        key = tar.extractfile("var/audit.key").read().decode()  # type: ignore[union-attr]
    assert key == settings.MINZHENG_AUDIT_KEY and asked.audit_key == "environment"


def test_backup_without_a_destination_says_how_to_set_one(tmp_path: Path) -> None:
    env = _env(tmp_path / "site", None)
    done = minzheng(env, "backup", ok=False)
    assert done.returncode != 0 and "MINZHENG_BACKUP_DIR" in done.stderr
