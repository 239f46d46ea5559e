from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from minzheng.core.errors import DomainError
from minzheng.policy.presets import preset, presets
from minzheng.policy.selectors import policy_for
from minzheng.policy.services import policy_version_create
from minzheng.rules import serialize


class Command(BaseCommand):
    help = _("政策参数：presets 列出预设 / show 地区代码 [--date] / apply-preset 地区代码 预设 --from 日期")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("presets", help=_("列出随软件提供的政策预设"))
        show = sub.add_parser("show", help=_("某地区某日执行的全部参数(JSON)"))
        show.add_argument("region")
        show.add_argument("--date", help=_("执行日期 YYYY-MM-DD，默认今天"))
        apply = sub.add_parser("apply-preset", help=_("让某地区从某日起采用一个预设"))
        apply.add_argument("region")
        apply.add_argument("preset")
        apply.add_argument("--from", dest="start", help=_("生效日期，默认为预设自带的日期"))
        apply.add_argument("--note", default="", help=_("依据文件，默认为预设名称"))

    def _date(self, raw: str | None) -> date | None:
        if raw is None:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise CommandError(_("日期格式应为 YYYY-MM-DD：%(raw)s") % {"raw": raw}) from None

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "presets":
                for name, item in presets().items():
                    start = item.effective_from.isoformat() if item.effective_from else "-"
                    self.stdout.write(f"{name}\t{start}\t{item.label}")
            elif action == "show":
                on = self._date(options["date"]) or timezone.localdate()
                policy = policy_for(options["region"], on)
                out = {
                    key: {"value": serialize.to_json(value), "origin": policy.origins[key]}
                    for key, value in policy.values.items()
                }
                self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            else:
                chosen = preset(options["preset"])
                effective = self._date(options["start"]) or chosen.effective_from
                if effective is None:
                    raise CommandError(_("该预设没有自带生效日期，请用 --from 指定"))
                version = policy_version_create(
                    actor=None,
                    region_code=options["region"],
                    effective_from=effective,
                    values={},
                    preset=chosen.name,
                    note=options["note"] or chosen.label,
                )
                self.stdout.write(
                    _("%(region)s 自 %(date)s 起采用预设“%(label)s”")
                    % {"region": version.region.name, "date": effective.isoformat(), "label": chosen.label}
                )
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
