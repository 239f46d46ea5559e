from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from minzheng.audit.services import CheckpointFileError, audit_checkpoint, audit_verify, checkpoints_read


class Command(BaseCommand):
    help = _(
        "审计日志：minzheng audit verify 校验整条哈希链；minzheng audit checkpoint 输出签名的链头(序号、哈希、时间)"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help=_("从第一条起校验哈希链，报告第一处断点"))
        verify.add_argument(
            "--checkpoints",
            metavar="FILE",
            help=_("此前导出的检查点文件：链被截短或改写过即报告"),
        )
        checkpoint = sub.add_parser("checkpoint", help=_("输出当前链头的签名检查点，请另处保存或打印"))
        checkpoint.add_argument("--output", metavar="FILE", help=_("把检查点追加到该文件(每行一个)"))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "checkpoint":
            line = audit_checkpoint().as_line()
            if options.get("output"):
                with Path(options["output"]).open("a", encoding="utf-8") as handle:
                    handle.write(line + "\n")
            self.stdout.write(line)
            return
        marks = []
        if options.get("checkpoints"):
            path = Path(options["checkpoints"])
            try:
                marks = checkpoints_read(path.read_text(encoding="utf-8"))
            except (OSError, CheckpointFileError) as exc:
                raise CommandError(
                    _("无法读取检查点文件 %(path)s：%(error)s") % {"path": path, "error": exc}
                ) from exc
        result = audit_verify(checkpoints=marks)
        if not result.ok:
            raise CommandError(
                _("审计链在第 %(seq)s 条处断开：%(reason)s(此前 %(n)s 条完好)")
                % {"seq": result.broken_seq, "reason": result.reason, "n": result.checked}
            )
        if marks:
            self.stdout.write(
                _("审计链完整：已校验 %(n)s 条记录，与 %(m)s 个检查点一致。")
                % {"n": result.checked, "m": len(marks)}
            )
        else:
            self.stdout.write(_("审计链完整：已校验 %(n)s 条记录。") % {"n": result.checked})
