"""API tokens: created once (the secret is shown one time), stored as a hash, sent as ``Authorization: Bearer``."""

from __future__ import annotations

import hashlib
import secrets
import string
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minzheng.accounts.models import ApiToken, User
from minzheng.audit.events import define
from minzheng.audit.services import audit_record
from minzheng.core.errors import NotFoundError

TOKEN_CREATED = define("accounts.token_created", gettext_lazy("创建 API 令牌"))
TOKEN_REVOKED = define("accounts.token_revoked", gettext_lazy("吊销 API 令牌"))


_ALPHABET = string.ascii_letters + string.digits


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(*, user: User, name: str, actor: Any = None) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the row and the secret, which is never stored or shown again."""
    # letters and digits only: a prefix never starts with "-" (which a command line would take for an option)
    secret = "mz_" + "".join(secrets.choice(_ALPHABET) for _position in range(43))
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name, prefix=secret[3:11], key_hash=_hash(secret))
        audit_record(
            event_code=TOKEN_CREATED,
            actor=actor,
            region_code=user.region_id,
            target=token,
            target_repr=str(token),
            new={"user": user.username, "name": name, "prefix": token.prefix},
        )
    return token, secret


def api_token_revoke(*, prefix: str, actor: Any = None) -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(prefix=prefix, revoked_at__isnull=True).first()
        if token is None:
            raise NotFoundError(_("没有前缀为 %(prefix)s 的有效令牌") % {"prefix": prefix})
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            event_code=TOKEN_REVOKED,
            actor=actor,
            region_code=token.user.region_id,
            target=token,
            target_repr=str(token),
            new={"revoked": True},
        )
    return token


def user_for_token(secret: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


class ApiTokenMiddleware:
    """``Authorization: Bearer mz_…`` on /api/ authenticates that request only (no session, no CSRF: a token is
    not an ambient credential a browser sends by itself). A bad token is a 401, never a fall-back to the session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = request.headers.get("Authorization", "")
        if request.path.startswith("/api/") and header.startswith("Bearer "):
            user = user_for_token(header.removeprefix("Bearer ").strip())
            if user is None:
                return JsonResponse(
                    {"code": "not_authenticated", "message": _("API 令牌无效或已吊销。"), "fields": {}},
                    status=401,
                )
            request.user = user
            request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
        return self.get_response(request)
