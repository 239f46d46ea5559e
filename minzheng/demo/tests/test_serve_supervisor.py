"""`minzheng serve` keeps the site up when the background worker dies: it restarts the worker (with a back-off) and
exits non-zero only when the web server itself stops. Real processes, with short stand-ins for gunicorn and the
worker so each test is quick and bounded."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from minzheng.core.testing.browser import app_env

BOUND = 60  # seconds: a safety net so a broken supervisor fails the test instead of hanging it


def _serve(tmp_path: Path, *, web: str, worker: str) -> subprocess.Popen[str]:
    env = app_env(tmp_path / "var")
    env["MINZHENG_PLAIN_STATIC"] = "1"
    return subprocess.Popen(  # noqa: S603 - our own CLI with fixed arguments
        [
            sys.executable,
            "-m",
            "minzheng.cli",
            "serve",
            "--web-command",
            web,
            "--worker-command",
            worker,
            "--restart-delay",
            "0.2",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _python(code: str) -> str:
    return f"{sys.executable} -c {code!r}"


def _wait_for(condition: object, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + BOUND
    while not condition():  # type: ignore[operator]
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.1)


def test_a_worker_that_keeps_dying_is_restarted_and_the_site_stays_up(tmp_path: Path) -> None:
    starts = tmp_path / "starts.txt"
    web_alive = tmp_path / "web.txt"
    # the worker dies at once, every time (like a kill -9 in the middle of a roster build)
    worker = _python(f"open({str(starts)!r}, 'a').write('start\\n'); raise SystemExit(9)")
    web = _python(f"import time; open({str(web_alive)!r}, 'w').write('up'); time.sleep({BOUND})")
    serve = _serve(tmp_path, web=web, worker=worker)
    try:
        _wait_for(
            lambda: web_alive.exists() and starts.exists() and starts.read_text().count("start") >= 3, serve
        )
        assert serve.poll() is None  # the site was never stopped for the worker
        assert web_alive.read_text() == "up"
        serve.send_signal(signal.SIGTERM)
        _out, err = serve.communicate(timeout=BOUND)
    finally:
        if serve.poll() is None:
            serve.kill()
    assert serve.returncode == 0  # stopped on purpose
    assert "秒后重启" in err


def test_serve_exits_non_zero_when_the_web_server_cannot_run(tmp_path: Path) -> None:
    worker_pid = tmp_path / "worker.pid"
    worker = _python(
        f"import os, time; open({str(worker_pid)!r}, 'w').write(str(os.getpid())); time.sleep({BOUND})"
    )
    script = tmp_path / "web.py"
    # the web server fails (a port taken, a broken config) once the worker is up
    script.write_text(
        f"import pathlib, time\np = pathlib.Path({str(worker_pid)!r})\n"
        "while not p.exists():\n    time.sleep(0.05)\nraise SystemExit(3)\n"
    )
    web = f"{sys.executable} {script}"
    serve = _serve(tmp_path, web=web, worker=worker)
    try:
        _out, err = serve.communicate(timeout=BOUND)
    finally:
        if serve.poll() is None:
            serve.kill()
    assert serve.returncode == 3, err
    # and the worker was stopped with it (nothing left running)
    pid = int(worker_pid.read_text())
    assert subprocess.run(
        ["ps", "-p", str(pid), "-o", "stat="], capture_output=True, text=True, check=False
    ).stdout.strip() in {"", "Z"}
