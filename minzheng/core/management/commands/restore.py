from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from minzheng.core.backup import backup_restore
from minzheng.core.errors import DomainError


class Command(BaseCommand):
    help = _("恢复：把 minzheng backup 写的归档恢复到空的数据库和空的数据目录，并校验档案材料和审计链")
    # The checks would open the database before the restore has put it in place.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help=_("备份文件(minzheng-backup-….tar.gz)"))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_restore(archive=options["archive"])
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            _("恢复完成：%(d)s 份档案材料哈希一致，%(e)s 个银行发放文件，审计链 %(n)s 条记录校验通过。")
            % {"d": result.documents, "e": result.exports, "n": result.audit_events}
        )
        for note in result.notes:
            self.stdout.write(note)
