from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from minzheng.registry.idnumber import IdCheck, age_on, parse_id_number

# Exit statuses: 0 every number valid, 1 some number invalid, 2 the command was used wrongly (as argparse does).
EXIT_INVALID = 1
EXIT_USAGE = 2


class Command(BaseCommand):
    help = _("公民身份号码：minzheng idcard check NUMBER... 校验号码并给出出生日期、性别、年龄")
    # Pure arithmetic on the numbers given: no database, no system checks to wait for.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help=_("校验一个或多个号码(15 位旧号码同时给出 18 位号码)"))
        # nargs="*" rather than "+" so an empty list reaches handle() and exits 2 the same way however the
        # command is called (argparse would raise CommandError with status 1 under call_command).
        check.add_argument("numbers", nargs="*", metavar="NUMBER")
        check.add_argument("--json", action="store_true", help=_("每个号码输出一行 JSON"))
        check.add_argument("--today", help=_("按此日期(YYYY-MM-DD)计算年龄，默认今天"))

    def handle(self, *args: Any, **options: Any) -> None:
        numbers: list[str] = options["numbers"]
        if not numbers:
            raise CommandError(_("请至少给出一个身份证号码"), returncode=EXIT_USAGE)
        today = self._today(options["today"])
        invalid = 0
        for raw in numbers:
            result = parse_id_number(raw, today=today)
            if not result.valid:
                invalid += 1
            if options["json"]:
                self.stdout.write(json.dumps(_as_json(raw, result, today), ensure_ascii=False))
            else:
                self._write_text(result, today)
        if invalid:
            raise CommandError(
                _("%(invalid)s 个号码无效(共 %(total)s 个)") % {"invalid": invalid, "total": len(numbers)},
                returncode=EXIT_INVALID,
            )

    def _today(self, raw: str | None) -> date:
        if raw is None:
            return timezone.localdate()
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise CommandError(
                _("日期格式应为 YYYY-MM-DD:%(raw)s") % {"raw": raw}, returncode=EXIT_USAGE
            ) from None

    def _write_text(self, result: IdCheck, today: date) -> None:
        # A valid IdCheck always carries its birth date; testing both keeps the type checker informed.
        if not result.valid or result.birth_date is None:
            self.stdout.write(_("%(input)s:无效") % {"input": result.original})
            for problem in result.errors:
                self.stdout.write(f"  {problem.message}")
        else:
            self.stdout.write(_("%(input)s:有效") % {"input": result.original})
            if result.upgraded_from_15:
                self.stdout.write(_("  旧版 15 位号码，18 位号码为 %(number)s") % {"number": result.number})
            self.stdout.write(
                _("  出生日期 %(birth)s，%(sex)s，%(age)s 周岁")
                % {
                    "birth": result.birth_date.isoformat(),
                    "sex": _("男") if result.sex == "male" else _("女"),
                    "age": age_on(result.birth_date, today),
                }
            )
        for problem in result.warnings:
            self.stdout.write(_("  提示：%(message)s") % {"message": problem.message})


def _as_json(raw: str, result: IdCheck, today: date) -> dict[str, Any]:
    return {
        "input": raw,
        "valid": result.valid,
        "number": result.number,
        "birth_date": result.birth_date.isoformat() if result.birth_date else None,
        "sex": result.sex,
        "age": age_on(result.birth_date, today) if result.birth_date else None,
        "upgraded_from_15": result.upgraded_from_15,
        "errors": [{"code": p.code, "message": p.message} for p in result.errors],
        "warnings": [{"code": p.code, "message": p.message} for p in result.warnings],
    }
