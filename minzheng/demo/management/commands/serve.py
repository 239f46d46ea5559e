from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from argparse import SUPPRESS
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

#: gunicorn's access log without the query string (%(U)s is the path alone) and without the Referer, which carries
#: the previous page's query: a search by ID number or phone must not leave the number in the log. The client is
#: the address nginx forwarded.
ACCESS_LOG_FORMAT = '%({x-forwarded-for}i)s %(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'


#: seconds before restarting a dead worker, doubling after each quick death up to the last (a worker that ran a
#: while starts from the first again): a worker that cannot start does not spin
RESTART_MAX = 60.0
#: a worker that ran this long before dying is taken to have been healthy (its next restart is quick again)
HEALTHY_AFTER = 120.0


def default_workers(cores: int | None = None) -> int:
    """gunicorn's rule of thumb, 2 x cores + 1, capped at 9 (each worker holds its own copy of the app, ~100 MB):
    5 on the 2-core office machine. Requests mostly wait on the database, so more workers than cores pay off."""
    return min(2 * (cores or os.cpu_count() or 1) + 1, 9)


class Command(BaseCommand):
    help = _(
        "启动网站(gunicorn)和一个后台任务进程(worker)；默认只监听本机 127.0.0.1:8000。"
        "后台进程停止会自动重启，不影响网站。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("MINZHENG_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("MINZHENG_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=default_workers(), help=_("gunicorn 进程数"))
        parser.add_argument("--no-worker", action="store_true", help=_("不启动后台任务进程"))
        # for tests and unusual sites: the commands that stand in for the worker and the web server
        parser.add_argument("--worker-command", default="", help=SUPPRESS)
        parser.add_argument("--web-command", default="", help=SUPPRESS)
        parser.add_argument(
            "--restart-delay",
            type=float,
            default=float(settings.MINZHENG_WORKER_RESTART_DELAY),
            help=SUPPRESS,
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("collectstatic", interactive=False, verbosity=0)
        env = os.environ.copy()
        bind = f"{options['host']}:{options['port']}"
        web_command = shlex.split(options["web_command"]) or [
            sys.executable,
            "-m",
            "gunicorn",
            "minzheng.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(options["workers"]),
            "--access-logfile",
            "-",
            "--access-logformat",
            ACCESS_LOG_FORMAT,
        ]
        worker_command = shlex.split(options["worker_command"]) or [
            sys.executable,
            "-m",
            "minzheng.cli",
            "worker",
        ]
        web = subprocess.Popen(web_command, env=env)  # noqa: S603 - our own server, fixed arguments
        self.stdout.write(_("minzheng 已启动：http://%(bind)s/ (按 Ctrl+C 停止)") % {"bind": bind})
        self.stdout.flush()
        worker = None if options["no_worker"] else _Supervised(worker_command, env, options["restart_delay"])
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while not stopping and web.poll() is None:
                if worker is not None:
                    note = worker.watch(time.monotonic())
                    if note:
                        self.stderr.write(note)
                time.sleep(0.2)
        finally:
            for proc in (worker.proc if worker else None, web):
                if proc is not None and proc.poll() is None:
                    proc.terminate()
            for proc in (worker.proc if worker else None, web):
                if proc is None:
                    continue
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        if not stopping:
            # the web server itself stopped: that is the one failure serve reports (a dead worker never is)
            self.stderr.write(
                _("网站进程(gunicorn)已退出(代码 %(code)s)，minzheng 停止") % {"code": web.returncode}
            )
            sys.exit(web.returncode if web.returncode and web.returncode > 0 else 1)


class _Supervised:
    """The background worker, restarted with a growing delay whenever it dies."""

    def __init__(self, command: list[str], env: dict[str, str], delay: float) -> None:
        self.command, self.env, self.first_delay = command, env, delay
        self.delay = delay
        self.restart_at: float | None = None
        self.proc = self._start(time.monotonic())

    def _start(self, now: float) -> subprocess.Popen[bytes]:
        self.started = now
        self.restart_at = None
        return subprocess.Popen(self.command, env=self.env)  # noqa: S603 - our own worker

    def watch(self, now: float) -> str:
        """Restart the worker if it died and its delay has passed; a line for the log when something happened."""
        if self.proc.poll() is None:
            return ""
        if self.restart_at is None:
            if now - self.started >= HEALTHY_AFTER:
                self.delay = self.first_delay
            self.restart_at = now + self.delay
            note = _("后台任务进程已退出(代码 %(code)s)，%(s)s 秒后重启；网站照常运行") % {
                "code": self.proc.returncode,
                "s": f"{self.delay:g}",
            }
            self.delay = min(self.delay * 2, RESTART_MAX)
            return note
        if now >= self.restart_at:
            self.proc = self._start(now)
            return _("后台任务进程已重启")
        return ""
