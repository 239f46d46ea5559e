from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from minzheng.accounts.models import ApiToken, User
from minzheng.accounts.tokens import api_token_create, api_token_revoke
from minzheng.core.errors import DomainError


class Command(BaseCommand):
    help = _("API 令牌：create 用户名 --name 用途 / list 用户名 / revoke 前缀")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help=_("为用户创建令牌(只显示一次)"))
        create.add_argument("username")
        create.add_argument("--name", required=True, help=_("令牌用途，如“县民政局统计系统”"))
        listing = sub.add_parser("list", help=_("列出用户的令牌"))
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help=_("按前缀吊销令牌"))
        revoke.add_argument("prefix")

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("没有用户 %(name)s") % {"name": username})
        return user

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "create":
                _token, secret = api_token_create(user=self._user(options["username"]), name=options["name"])
                self.stdout.write(secret)
                self.stderr.write(_("请妥善保存：令牌只显示这一次。"))
            elif action == "list":
                for token in ApiToken.objects.filter(user=self._user(options["username"])).order_by("pk"):
                    state = _("已吊销") if token.revoked_at else _("有效")
                    self.stdout.write(f"{token.prefix}\t{token.name}\t{state}\t{token.last_used_at or '-'}")
            else:
                api_token_revoke(prefix=options["prefix"])
                self.stdout.write(_("已吊销"))
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
