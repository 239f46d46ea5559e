from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from minzheng.accounts.models import User
from minzheng.core.errors import DomainError
from minzheng.payments import bankfiles, services
from minzheng.payments.models import BankExport, BankTemplate, PayCycle


def _month(raw: str) -> date:
    try:
        year, month = (int(x) for x in raw.split("-"))
        return date(year, month, 1)
    except ValueError:
        raise CommandError(_("月份格式应为 YYYY-MM：%(raw)s") % {"raw": raw}) from None


class Command(BaseCommand):
    help = _(
        "待遇发放：generate 生成名册；export 导出银行文件；return 导入银行回盘(均以 --user 指定的用户身份办理)"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        generate = sub.add_parser("generate", help=_("生成(或重新生成草稿)发放名册"))
        generate.add_argument("--user", required=True)
        generate.add_argument("--region", required=True, help=_("区划代码"))
        generate.add_argument("--program", action="append", required=True, help=_("项目代码，可重复"))
        generate.add_argument("--month", required=True, help="YYYY-MM")
        generate.add_argument("--chunk", type=int, default=None, help=_("每个事务的待遇数"))
        # for failure drills: wait after each step so the process can be killed in the middle
        generate.add_argument("--pause", type=float, default=0.0, help=_("每步之后暂停的秒数(演练中断用)"))
        export = sub.add_parser("export", help=_("导出银行文件"))
        export.add_argument("--user", required=True)
        export.add_argument("--cycle", type=int, required=True)
        export.add_argument("--template", type=int, required=True)
        export.add_argument("--pause", type=float, default=0.0, help=_("每步之后暂停的秒数(演练中断用)"))
        export.add_argument("--step", type=int, default=50_000, help=_("每写多少行报告一次进度"))
        drill = sub.add_parser(
            "drill-return", help=_("演练用：按已导出的 Excel 银行文件生成一份回盘，前 N 笔失败")
        )
        drill.add_argument("--export", type=int, required=True)
        drill.add_argument("--fail", type=int, default=3)
        drill.add_argument("out")
        back = sub.add_parser("return", help=_("导入银行回盘文件"))
        back.add_argument("--user", required=True)
        back.add_argument("--cycle", type=int, required=True)
        back.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "drill-return":
            record = BankExport.objects.filter(pk=options["export"]).first()
            if record is None:
                raise CommandError(_("银行文件不存在"))
            try:
                Path(options["out"]).write_bytes(bankfiles.drill_return(record, options["fail"]))
            except DomainError as exc:
                raise CommandError(str(exc.message)) from None
            self.stdout.write(options["out"])
            return
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(_("用户不存在：%(u)s") % {"u": options["user"]})
        pause = float(options.get("pause") or 0)

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"{done}/{total}")
            self.stdout.flush()
            if pause:
                time.sleep(pause)

        try:
            if options["action"] == "generate":
                extra = {"chunk": options["chunk"]} if options["chunk"] else {}
                cycle = services.cycle_generate(
                    actor=user,
                    region_code=options["region"],
                    programs=options["program"],
                    period_start=_month(options["month"]),
                    progress=progress,
                    **extra,
                )
                self.stdout.write(
                    _("名册 %(pk)s：%(n)s 笔，合计 %(t)s 元，%(b)s 个问题须处理")
                    % {"pk": cycle.pk, "n": cycle.line_count, "t": cycle.total, "b": cycle.checks["blocking"]}
                )
            elif options["action"] == "export":
                cycle = PayCycle.objects.get(pk=options["cycle"])
                template = BankTemplate.objects.get(pk=options["template"])
                record = bankfiles.bank_file_export(
                    actor=user, cycle=cycle, template=template, progress=progress, step=options["step"]
                )
                self.stdout.write(
                    _("银行文件 %(f)s：%(n)s 笔，合计 %(t)s 元")
                    % {
                        "f": bankfiles.exports_dir() / record.stored_name,
                        "n": record.row_count,
                        "t": record.total,
                    }
                )
            else:
                cycle = PayCycle.objects.get(pk=options["cycle"])
                path = Path(options["file"])
                result = bankfiles.bank_return_import(
                    actor=user, cycle=cycle, file_name=path.name, content=path.read_bytes()
                )
                self.stdout.write(
                    _("回盘已导入：成功 %(p)s 笔，失败 %(f)s 笔")
                    % {"p": result.paid_count, "f": result.failed_count}
                )
        except (PayCycle.DoesNotExist, BankTemplate.DoesNotExist):
            raise CommandError(_("批次或模板不存在")) from None
        except DomainError as exc:
            details = "；".join(str(x) for problems in (exc.fields or {}).values() for x in problems)
            raise CommandError(f"{exc.message}{('：' + details) if details else ''}") from None
