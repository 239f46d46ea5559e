from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from minzheng.demo.services import DEMO_PASSWORD, DEMO_USERS, demo_load


class Command(BaseCommand):
    help = _("加载演示县(四川省泸州市泸县)的行政区划和演示用户；重复运行不会产生重复数据。")

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo_load()
        self.stdout.write(
            _("行政区划：新增 %(c)s 个，更名 %(r)s 个，未变 %(u)s 个。")
            % {"c": result.regions.created, "r": result.regions.renamed, "u": result.regions.unchanged}
        )
        self.stdout.write(_("演示用户(密码均为 %(pw)s):") % {"pw": DEMO_PASSWORD})
        for spec in DEMO_USERS:
            self.stdout.write(f"  {spec.username:<18} {spec.description}")
