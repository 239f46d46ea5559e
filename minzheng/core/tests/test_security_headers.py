"""Headers that keep personal data out of caches and logs, and HTTPS insisted on behind TLS."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from gunicorn.config import Config
from gunicorn.glogging import Logger, SafeAtoms

from minzheng.demo.management.commands.serve import ACCESS_LOG_FORMAT

ROOT = Path(__file__).resolve().parents[3]


def test_logged_in_pages_are_not_stored_by_any_cache(client_for: Any) -> None:
    response = client_for("township_a_clerk").get(reverse("registry:index"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_public_pages_stay_cacheable(db: None) -> None:
    response = Client().get(reverse("accounts:login"))
    assert "no-store" not in response.get("Cache-Control", "")


def test_hsts_is_sent_on_https_behind_the_tls_proxy(db: None, settings: Any) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31536000
    response = Client().get(reverse("accounts:login"), HTTP_X_FORWARDED_PROTO="https")
    assert response["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in Client().get(reverse("accounts:login"))


def _settings_value(name: str, **env: str) -> str:
    environment = {**os.environ, "MINZHENG_VAR_DIR": os.environ.get("MINZHENG_VAR_DIR", "/tmp"), **env}  # noqa: S108
    environment["PYTHONPATH"] = str(ROOT)
    code = f"import minzheng.settings as s; print(s.{name})"
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.mark.parametrize(("behind", "seconds"), [("1", "31536000"), ("0", "0")])
def test_hsts_follows_the_tls_proxy_setting(tmp_path: Path, behind: str, seconds: str) -> None:
    value = _settings_value(
        "SECURE_HSTS_SECONDS", MINZHENG_BEHIND_TLS_PROXY=behind, MINZHENG_VAR_DIR=str(tmp_path)
    )
    assert value == seconds


def test_the_access_log_keeps_no_query_string_or_referer() -> None:
    number = "510521197001150011"
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/registry/households/?q={number}",
        "PATH_INFO": "/registry/households/",
        "QUERY_STRING": f"q={number}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": f"https://mz.example/registry/households/?phone=13900001111&q={number}",
        "HTTP_USER_AGENT": "Firefox",
    }
    request = SimpleNamespace(headers=[("X-FORWARDED-FOR", "203.0.113.9")])
    response = SimpleNamespace(status="200 OK", headers=[], sent=512)
    logger = Logger(Config())
    line = ACCESS_LOG_FORMAT % SafeAtoms(logger.atoms(response, request, environ, timedelta(milliseconds=7)))
    assert number not in line and "13900001111" not in line
    assert (
        line.startswith("203.0.113.9 127.0.0.1 ") and '"GET /registry/households/ HTTP/1.1" 200 512' in line
    )
