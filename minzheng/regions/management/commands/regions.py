from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from minzheng.core.errors import ValidationFailed
from minzheng.regions.services import RegionImportError, regions_import


class Command(BaseCommand):
    help = _("行政区划：minzheng regions import FILE(统计局格式的 .csv 或 .xlsx)")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help=_("导入或更新区划文件"))
        imp.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("找不到文件：%(path)s") % {"path": path})
        try:
            result = regions_import(actor=None, source=path, filename=path.name)
        except RegionImportError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(str(exc.message)) from exc
        except ValidationFailed as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            _("导入完成：新增 %(c)s 个，更名 %(r)s 个，未变 %(u)s 个。")
            % {"c": result.created, "r": result.renamed, "u": result.unchanged}
        )
