from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from minzheng.core.backup import backup_create
from minzheng.core.errors import DomainError


class Command(BaseCommand):
    help = _("备份：把数据库、档案材料、银行发放文件、审计密钥写入一个归档文件(.tar.gz)，并只保留最新的 N 份")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dest", nargs="?", help=_("存放备份的目录(默认 MINZHENG_BACKUP_DIR)"))
        parser.add_argument("--keep", type=int, help=_("目录中保留的备份份数(默认 MINZHENG_BACKUP_KEEP)"))
        parser.add_argument(
            "--include-env-audit-key",
            action="store_true",
            help=_("审计密钥来自 MINZHENG_AUDIT_KEY 时也写入备份(默认不写)"),
        )
        parser.add_argument(
            "--without-audit-key",
            action="store_true",
            help=_("不把审计密钥写入备份(密钥另行保管)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_create(
                dest=options.get("dest"),
                keep=options.get("keep"),
                include_env_audit_key=options["include_env_audit_key"],
                omit_audit_key=options["without_audit_key"],
            )
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        key = {
            "file": _("已含审计密钥 var/audit.key"),
            "environment": _("已含 MINZHENG_AUDIT_KEY 的审计密钥"),
            "omitted": _("未含审计密钥：请另行保管"),
            "none": _("尚无审计密钥"),
        }[result.audit_key]
        self.stdout.write(
            _("备份完成：%(path)s(%(size)s 字节，%(n)s 个文件；SHA-256 %(sha)s；%(key)s)")
            % {"path": result.path, "size": result.size, "n": result.files, "sha": result.sha256, "key": key}
        )
        for old in result.removed:
            self.stdout.write(_("已删除较早的备份：%(path)s") % {"path": old})
