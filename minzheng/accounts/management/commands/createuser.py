from __future__ import annotations

import getpass
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.core.errors import ValidationFailed


class Command(BaseCommand):
    help = _("创建用户：minzheng createuser USERNAME --role township_clerk --region 510521103")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, help=", ".join(Role.values))
        parser.add_argument("--region", required=True, help=_("管辖区域代码，如 510521103"))
        parser.add_argument("--full-name", default="")
        parser.add_argument("--phone", default="")
        parser.add_argument(
            "--password-env",
            default="",
            help=_("从该环境变量读取密码(不填则交互输入)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["password_env"]:
            password = os.environ.get(options["password_env"], "")
            if not password:
                raise CommandError(_("环境变量 %(name)s 为空") % {"name": options["password_env"]})
        else:
            password = getpass.getpass(_("密码："))
            if password != getpass.getpass(_("再次输入密码：")):
                raise CommandError(_("两次输入的密码不一致"))
        try:
            user = user_create(
                actor=None,
                username=options["username"],
                password=password,
                role=options["role"],
                region_code=options["region"],
                full_name=options["full_name"],
                phone=options["phone"],
            )
        except ValidationFailed as exc:
            details = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.fields.items())
            raise CommandError(details or str(exc.message)) from exc
        self.stdout.write(
            _("已创建用户 %(u)s(%(role)s,%(region)s)")
            % {"u": user.username, "role": user.get_role_display(), "region": user.region_id}
        )
