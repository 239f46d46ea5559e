from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

#: gunicorn's access log without the query string (%(U)s is the path alone) and without the Referer, which carries
#: the previous page's query: a search by ID number or phone must not leave the number in the log. The client is
#: the address nginx forwarded.
ACCESS_LOG_FORMAT = '%({x-forwarded-for}i)s %(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'


class Command(BaseCommand):
    help = _("启动网站(gunicorn)和一个后台任务进程(db_worker)；默认只监听本机 127.0.0.1:8000。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("MINZHENG_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("MINZHENG_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=2, help=_("gunicorn 进程数"))
        parser.add_argument("--no-worker", action="store_true", help=_("不启动后台任务进程"))

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("collectstatic", interactive=False, verbosity=0)
        env = os.environ.copy()
        procs: list[subprocess.Popen[bytes]] = []
        if not options["no_worker"]:
            procs.append(subprocess.Popen([sys.executable, "-m", "minzheng.cli", "db_worker"], env=env))  # noqa: S603
        bind = f"{options['host']}:{options['port']}"
        procs.append(
            subprocess.Popen(  # noqa: S603
                [
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
                ],
                env=env,
            )
        )
        self.stdout.write(_("minzheng 已启动：http://%(bind)s/ (按 Ctrl+C 停止)") % {"bind": bind})

        def stop(signum: int, frame: Any) -> None:
            for proc in procs:
                if proc.poll() is None:
                    proc.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while all(proc.poll() is None for proc in procs):
                time.sleep(0.5)
        finally:
            stop(signal.SIGTERM, None)
            for proc in procs:
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
