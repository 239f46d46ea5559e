from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from minzheng.audit.services import audit_verify


class Command(BaseCommand):
    help = _("审计日志：minzheng audit verify 校验整条哈希链")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help=_("从第一条起校验哈希链，报告第一处断点"))

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify()
        if not result.ok:
            raise CommandError(
                _("审计链在第 %(seq)s 条处断开：%(reason)s(此前 %(n)s 条完好)")
                % {"seq": result.broken_seq, "reason": result.reason, "n": result.checked}
            )
        self.stdout.write(_("审计链完整：已校验 %(n)s 条记录。") % {"n": result.checked})
