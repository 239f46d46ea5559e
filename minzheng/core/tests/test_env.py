from datetime import time
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from minzheng.env import database_from_url, env_bool, env_int, env_time, secret_key


def test_postgres_url(tmp_path: Path) -> None:
    db = database_from_url("postgres://mz:p%40ss@127.0.0.1:5433/minzheng?sslmode=disable", base_dir=tmp_path)
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "minzheng",
        "mz",
        "p@ss",
        "127.0.0.1",
        "5433",
    )
    assert db["OPTIONS"] == {"sslmode": "disable"}


def test_sqlite_url_is_configured_for_a_small_office(tmp_path: Path) -> None:
    db = database_from_url("sqlite:///var/x.sqlite3", base_dir=tmp_path)
    assert db["NAME"] == str(tmp_path / "var" / "x.sqlite3")
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


@pytest.mark.parametrize("url", ["mysql://x/y", "postgres://host/", "sqlite://"])
def test_bad_database_urls_fail_loudly(url: str, tmp_path: Path) -> None:
    with pytest.raises(ImproperlyConfigured):
        database_from_url(url, base_dir=tmp_path)


def test_typed_readers_fail_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MZ_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("MZ_FLAG", False)
    monkeypatch.setenv("MZ_NUM", "ten")
    with pytest.raises(ImproperlyConfigured):
        env_int("MZ_NUM", 1)
    monkeypatch.setenv("MZ_NUM", "0")
    with pytest.raises(ImproperlyConfigured):
        env_int("MZ_NUM", 1, minimum=1)
    monkeypatch.setenv("MZ_FLAG", "Yes")
    assert env_bool("MZ_FLAG", False) is True


def test_secret_key_is_generated_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MINZHENG_SECRET_KEY", raising=False)
    first = secret_key(tmp_path)
    assert len(first) >= 50 and secret_key(tmp_path) == first
    monkeypatch.setenv("MINZHENG_SECRET_KEY", "short")
    with pytest.raises(ImproperlyConfigured):
        secret_key(tmp_path)


@pytest.mark.parametrize("raw", ["25:00", "2am", "02:00:00", "12"])
def test_a_schedule_time_that_is_not_hh_mm_fails_loudly(raw: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MINZHENG_SCAN_TIME", raw)
    with pytest.raises(ImproperlyConfigured, match="HH:MM"):
        env_time("MINZHENG_SCAN_TIME", "02:00")


def test_a_schedule_time_reads_as_a_time_of_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MINZHENG_SCAN_TIME", "23:30")
    assert env_time("MINZHENG_SCAN_TIME", "02:00") == time(23, 30)
    monkeypatch.delenv("MINZHENG_SCAN_TIME")
    assert env_time("MINZHENG_SCAN_TIME", "02:00") == time(2, 0)
