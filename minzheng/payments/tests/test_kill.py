"""The drill the issue asks for: kill the process (SIGKILL) in the middle of a roster generation and of a bank-file
export, then run again. Nothing partial is visible or approvable, the rerun completes, no line is duplicated and
the totals match the roster computed the slow way. Runs the real CLI on its own demo database."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

from minzheng.core.testing.browser import DEMO_ARGS, app_env, cli


def _month_after(day: date) -> str:
    first = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    return f"{first:%Y-%m}"


def _probe(env: dict[str, str], call: str) -> dict[str, Any]:
    result = subprocess.run(  # noqa: S603 - our own CLI with fixed arguments
        [
            sys.executable,
            "-m",
            "minzheng.cli",
            "shell",
            "-c",
            f"from minzheng.payments.tests import drill; drill.{call}",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _kill_after_first_step(env: dict[str, str], *args: str) -> None:
    """Start the command, wait for its first progress line (the first chunk committed), then SIGKILL it."""
    process = subprocess.Popen(  # noqa: S603 - our own CLI with fixed arguments
        [sys.executable, "-m", "minzheng.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert "/" in first, (
            f"no progress from {args}: {first!r} {process.stderr.read() if process.stderr else ''}"
        )
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL


def test_a_killed_generation_and_a_killed_export_leave_nothing_half_done(tmp_path: Path) -> None:
    env = app_env(tmp_path)
    cli(env, "migrate", "--noinput", "-v", "0")
    cli(env, "demo", *DEMO_ARGS)
    month = _month_after(timezone.localdate())
    generate = (
        "payments",
        "generate",
        "--user",
        "desheng_clerk",
        "--region",
        "510521103",
        "--program",
        "dibao",
    )

    _kill_after_first_step(env, *generate, "--month", month, "--chunk", "2", "--pause", "2")
    killed = _probe(env, "state()")
    assert killed["state"] == "building" and not killed["approvable"]
    assert killed["lines"] > 0  # the first chunk was in: lines exist, but no roster shows them

    cli(env, *generate, "--month", month)
    done = _probe(env, "state()")
    want = _probe(env, f"expected({month!r})")
    assert done["state"] == "draft"
    assert done["lines"] == done["benefits"] == done["line_count"] == want["lines"] > 20
    assert done["sum"] == done["total"] == want["sum"]

    _probe(env, "fix_accounts()")
    cli(env, *generate, "--month", month)
    ids = _probe(env, "approve()")
    export = (
        "payments",
        "export",
        "--user",
        "desheng_clerk",
        "--cycle",
        str(ids["cycle"]),
        "--template",
        str(ids["template"]),
    )
    _kill_after_first_step(env, *export, "--step", "1", "--pause", "2")
    half = _probe(env, "exports()")
    assert half["state"] == "approved" and half["finished"] == [] and half["complete_files"] == []
    # xlsxwriter keeps its rows in temporary files until close: a killed export may leave no .part file at all
    assert half["unfinished"] == 1 and len(half["partial_files"]) <= 1

    cli(env, *export)
    full = _probe(env, "exports()")
    assert full["state"] == "exported" and len(full["complete_files"]) == 1
    assert full["finished"] == [[full["line_count"], full["cycle_total"]]]
    assert full["file_rows"] == full["line_count"] and full["file_sum"] == full["cycle_total"]
