from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

View = Callable[..., HttpResponseBase]


def capability_required(capability: str) -> Callable[[View], View]:
    """Logged in (else the login page, or 401 JSON under /api/) and the role may do this (else 403)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if not user.is_authenticated:
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"code": "not_authenticated", "message": _("请先登录。"), "fields": {}}, status=401
                    )
                return redirect_to_login(request.get_full_path())
            if not user.can(capability):
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"code": "permission_denied", "message": _("您的角色无权进行此操作。"), "fields": {}},
                        status=403,
                    )
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.required_capability = capability  # type: ignore[attr-defined]
        return wrapper

    return decorator
