from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from minzheng.benefits.services import monthly_scan, next_month


class Command(BaseCommand):
    help = _("动态管理：scan [--month YYYY-MM] 按月检查年龄段调整、年龄变化和到期复核(建议每月初运行)")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        scan = sub.add_parser("scan", help=_("检查某月(默认下月)"))
        scan.add_argument("--month", help="YYYY-MM")

    def handle(self, *args: Any, **options: Any) -> None:
        raw = options.get("month")
        if raw:
            try:
                year, month = (int(x) for x in raw.split("-"))
                start = date(year, month, 1)
            except ValueError:
                raise CommandError(_("月份格式应为 YYYY-MM：%(raw)s") % {"raw": raw}) from None
        else:
            start = next_month(timezone.localdate())
        result = monthly_scan(month=start)
        self.stdout.write(
            _("%(m)s：年龄段调整 %(a)s 人，提示复核 %(r)s 件，到期复核 %(v)s 件")
            % {
                "m": f"{start:%Y-%m}",
                "a": result["adjusted"],
                "r": result["rechecks"],
                "v": result["reviews"],
            }
        )
