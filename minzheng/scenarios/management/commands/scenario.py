from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from minzheng.core.errors import DomainError


def read_json(source: str) -> Any:
    try:
        text = Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(
            _("无法读取 %(path)s：%(error)s") % {"path": source, "error": exc.strerror}
        ) from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CommandError(
            _("%(path)s 不是有效的 JSON(第 %(line)s 行第 %(col)s 列)")
            % {"path": source, "line": exc.lineno, "col": exc.colno}
        ) from exc


class Command(BaseCommand):
    help = _(
        "情景推演：minzheng scenario run FILE.json [--explain] [--json] 在临时数据库中按日期走完一户的经历并输出结果；"
        "minzheng scenario schema 输出情景文件的 JSON Schema"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help=_("推演一个情景文件"))
        run.add_argument("file", help=_("情景文件(JSON)"))
        run.add_argument("--json", action="store_true", help=_("输出 JSON(稳定格式，可与预期结果比较)"))
        run.add_argument("--explain", action="store_true", help=_("每个决定附上完整的计算过程"))
        run.add_argument(
            "--write-expected",
            action="store_true",
            help=_("把结果写入同名的 .expected.json(供人工逐项核对后提交)"),
        )
        sub.add_parser("schema", help=_("输出情景文件的 JSON Schema"))
        # the child process's own commands (see scenarios/scratch.py); they refuse to run on any other database
        prepare = sub.add_parser("_prepare")
        prepare.set_defaults()
        play = sub.add_parser("_play")
        play.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "schema":
                from minzheng.scenarios.format import scenario_schema

                self.stdout.write(json.dumps(scenario_schema(), ensure_ascii=False, indent=2))
            elif action == "run":
                self._run(options)
            elif action == "_prepare":
                self._prepare()
            elif action == "_play":
                self._play(options["file"])
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc

    def _run(self, options: dict[str, Any]) -> None:
        from minzheng.scenarios.format import scenario_from_json
        from minzheng.scenarios.report import render_text
        from minzheng.scenarios.scratch import run_in_scratch

        data = read_json(options["file"])
        scenario_from_json(data)  # refuse a bad file here, before starting anything
        result = run_in_scratch(data, cache_dir=Path(settings.VAR_DIR) / "scenario-cache")
        text = json.dumps(result, ensure_ascii=False, indent=2) + "\n"
        if options["write_expected"]:
            target = Path(options["file"]).with_suffix(".expected.json")
            target.write_text(text, encoding="utf-8")
            self.stderr.write(_("已写入 %(p)s：请逐项核对金额、月份和规则编号后再提交。") % {"p": target})
        if options["json"]:
            self.stdout.write(text, ending="")
        else:
            self.stdout.write(render_text(result, explain=options["explain"]), ending="")

    def _prepare(self) -> None:
        from django.core.management import call_command

        from minzheng.scenarios.scratch import assert_scratch
        from minzheng.scenarios.setup import prepare

        assert_scratch()
        call_command("migrate", verbosity=0, interactive=False)
        prepare()

    def _play(self, source: str) -> None:
        from minzheng.scenarios.format import scenario_from_json
        from minzheng.scenarios.runner import play
        from minzheng.scenarios.scratch import assert_scratch

        assert_scratch()
        scenario = scenario_from_json(read_json(source))
        self.stdout.write(json.dumps(play(scenario), ensure_ascii=False))
