"""`minzheng worker`: the background worker — queued jobs (django-tasks' db_worker), the reaper of jobs whose worker
died, and the schedule. `minzheng serve` starts it and restarts it if it dies."""

from __future__ import annotations

import logging
import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.db import close_old_connections
from django.utils.translation import gettext as _
from django_tasks_db.management.commands import db_worker

from minzheng.core.jobs import jobs_reap
from minzheng.core.schedule import schedule_tick

logger = logging.getLogger(__name__)


class _QuietBatchEnd(logging.Filter):
    """Each round drains the queue in batch mode; its start and "no more tasks" lines would fill the log every few
    seconds (the worker says once that it started)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(("No more tasks to run", "Starting worker"))


class ScheduledWorker(db_worker.Worker):
    def run(self) -> None:
        while self.running:
            close_old_connections()
            try:
                jobs_reap()
                schedule_tick()
            except Exception:
                # a broken round must not stop the queue: it is logged and tried again next round
                logger.exception("worker housekeeping failed")
            super().run()  # batch mode: run what is queued, then come back here
            close_old_connections()
            if self.running:
                time.sleep(self.interval)


class Command(db_worker.Command):
    help = _("后台任务进程：执行排队的任务、回收进程已停止的任务、按时运行定时任务(每月检查、每日审计检查点)")

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(interval=settings.MINZHENG_WORKER_INTERVAL, reload=False)

    def handle(self, *args: Any, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        db_worker.logger.addFilter(_QuietBatchEnd())
        worker = ScheduledWorker(
            queue_names=options["queue_name"].split(","),
            interval=options["interval"],
            batch=True,
            backend_name=options["backend_name"],
            startup_delay=False,
            max_tasks=None,
            worker_id=options["worker_id"],
            excluded_queue_names=[],
        )
        worker.configure_signals()
        self.stdout.write(
            _("后台任务进程已启动(每 %(s)s 秒查看一次任务和定时任务)") % {"s": f"{options['interval']:g}"}
        )
        self.stdout.flush()
        worker.run()
