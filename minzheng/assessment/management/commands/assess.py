from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from minzheng.assessment.cases import case_schema, decision_json, explain
from minzheng.assessment.services import assess_case
from minzheng.core.errors import DomainError


class Command(BaseCommand):
    help = _(
        "按政策测算：minzheng assess CASE.json(或 - 从标准输入读取)，输出 JSON；--explain 输出中文计算过程"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("case", nargs="?", help=_("CASE.json 文件路径，- 表示标准输入"))
        parser.add_argument("--explain", action="store_true", help=_("输出给人看的中文计算过程"))
        parser.add_argument("--schema", action="store_true", help=_("输出 CASE.json 的 JSON Schema"))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schema"]:
            self.stdout.write(json.dumps(case_schema(), ensure_ascii=False, indent=2))
            return
        source = options["case"]
        if not source:
            raise CommandError(_("请给出 CASE.json 文件路径，或用 - 从标准输入读取"), returncode=2)
        try:
            if source == "-":
                text = sys.stdin.read()
            else:
                with open(source, encoding="utf-8") as handle:
                    text = handle.read()
        except OSError as exc:
            raise CommandError(
                _("无法读取 %(path)s：%(error)s") % {"path": source, "error": exc.strerror}
            ) from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(
                _("CASE.json 不是有效的 JSON(第 %(line)s 行第 %(col)s 列)")
                % {"line": exc.lineno, "col": exc.colno}
            ) from exc
        try:
            case, decision = assess_case(data)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        if options["explain"]:
            self.stdout.write(explain(decision, case), ending="")
        else:
            self.stdout.write(json.dumps(decision_json(decision, case), ensure_ascii=False, indent=2))
