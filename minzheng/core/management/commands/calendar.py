from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from minzheng.core.workdays import CalendarDataMissing, load_calendar


class Command(BaseCommand):
    help = _("工作日历：minzheng calendar add-workdays 2025-03-03 30")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add-workdays", help=_("某日之后第 N 个工作日"))
        add.add_argument("date")
        add.add_argument("n", type=int)
        between = sub.add_parser("between", help=_("两日之间的工作日数(不含起始日，含截止日)"))
        between.add_argument("start")
        between.add_argument("end")

    def _date(self, raw: str) -> date:
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise CommandError(_("日期格式应为 YYYY-MM-DD:%(raw)s") % {"raw": raw}) from None

    def handle(self, *args: Any, **options: Any) -> None:
        calendar = load_calendar()
        try:
            if options["action"] == "add-workdays":
                self.stdout.write(
                    calendar.add_working_days(self._date(options["date"]), options["n"]).isoformat()
                )
            else:
                self.stdout.write(
                    str(
                        calendar.working_days_between(
                            self._date(options["start"]), self._date(options["end"])
                        )
                    )
                )
        except CalendarDataMissing as exc:
            raise CommandError(str(exc.message)) from exc
