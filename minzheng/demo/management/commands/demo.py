from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from minzheng.demo.cases import demo_cases_load
from minzheng.demo.households import demo_households_count, demo_households_load, demo_members_count
from minzheng.demo.services import DEMO_PASSWORD, DEMO_USERS, demo_load


class Command(BaseCommand):
    help = _("加载演示县(四川省泸州市泸县)的行政区划、演示用户和合成的演示家庭；重复运行不会产生重复数据。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--households",
            type=int,
            default=3000,
            help=_("演示县应有的演示家庭户数(默认 3000)；已有这么多户时不再生成。"),
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help=_("随机种子(默认 2026)：同一种子生成同样的家庭。")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        quiet = options["verbosity"] == 0
        result = demo_load()
        if not quiet:
            self.stdout.write(
                _("行政区划：新增 %(c)s 个，更名 %(r)s 个，未变 %(u)s 个。")
                % {"c": result.regions.created, "r": result.regions.renamed, "u": result.regions.unchanged}
            )
        created = demo_households_load(households=options["households"], seed=options["seed"])
        cases = demo_cases_load()
        if quiet:
            return
        total = demo_households_count()
        people = demo_members_count()
        self.stdout.write(
            _("演示家庭：新增 %(created)s 户；演示县现有演示家庭 %(total)s 户，家庭成员 %(people)s 人。")
            % {"created": created, "total": total, "people": people}
        )
        if cases:
            self.stdout.write(_("演示申请：新增 %(n)s 件(得胜镇白象村、仁和村)。") % {"n": cases})
        self.stdout.write(_("演示用户(密码均为 %(pw)s):") % {"pw": DEMO_PASSWORD})
        for spec in DEMO_USERS:
            self.stdout.write(f"  {spec.username:<18} {spec.description}")
