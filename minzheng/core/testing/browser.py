"""Serving the real app for browser tests: migrate, demo and serve in subprocesses on a temporary SQLite database,
so the shared test database and its personas are never touched (no live_server, no flush)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

PHONE = {"width": 390, "height": 844}
STARTUP_TIMEOUT = 30.0
#: small demo county for browser tests: enough households to search, quick to generate
DEMO_ARGS = ("--households", "150")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def app_env(var_dir: Path) -> dict[str, str]:
    """The defaults a fresh install has: no MINZHENG_* from the test machine (database URL, language, site name,
    allowed hosts, debug) and no LANGUAGE that could turn the server English."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINZHENG_") and k != "LANGUAGE"}
    env["MINZHENG_VAR_DIR"] = str(var_dir)
    env["MINZHENG_SECURE_COOKIES"] = "0"
    env["DJANGO_SETTINGS_MODULE"] = "minzheng.settings"
    return env


def cli(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(  # noqa: S603 - our own CLI with fixed arguments
        [sys.executable, "-m", "minzheng.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"minzheng {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"


def wait_healthy(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    last_error = ""
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"minzheng serve exited with {server.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own local server
                if response.status == 200:
                    return
                last_error = f"HTTP {response.status}"
        except (urllib.error.URLError, OSError) as exc:
            last_error = str(exc)
        time.sleep(0.25)
    pytest.fail(
        f"{url} not healthy after {STARTUP_TIMEOUT:.0f}s ({last_error}):\n{log.read_text(errors='replace')}"
    )


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.terminate()  # serve forwards SIGTERM to its gunicorn and waits for it
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)
    # gunicorn runs in the session we started for serve; make sure nothing of ours outlives the test
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(server.pid, signal.SIGKILL)


@contextlib.contextmanager
def serve_demo(var_dir: Path) -> Iterator[str]:
    """migrate + demo + serve; yields the base URL and always stops the server."""
    env = app_env(var_dir)
    cli(env, "migrate", "--noinput", "-v", "0")
    cli(env, "demo", *DEMO_ARGS)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = var_dir / "serve.log"
    with log.open("wb") as log_file:
        server = subprocess.Popen(  # noqa: S603 - our own CLI
            [
                sys.executable,
                "-m",
                "minzheng.cli",
                "serve",
                "--port",
                str(port),
                "--no-worker",
                "--workers",
                "1",
            ],
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_healthy(f"{base}/healthz", server, log)
            yield base
        finally:
            stop(server)


def log_in(page: Any, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_load_state()
