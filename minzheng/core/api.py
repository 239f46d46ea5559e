"""What every JSON endpoint shares: reading a request body safely, and failures in the API's error shape."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.csrf import csrf_failure as django_csrf_failure

from minzheng.core.errors import ValidationFailed

#: deeper than any CASE.json (about 5 levels); a body nested deeper is refused before anything walks it
MAX_JSON_DEPTH = 32


class BadJson(ValidationFailed):
    code = "bad_json"


def _depth(value: Any) -> int:
    """The nesting depth, counted without recursion (a hostile body must not exhaust the stack)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level > MAX_JSON_DEPTH:
                return level
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def read_json(request: HttpRequest) -> Any:
    """The request body as JSON, or BadJson (400 in the API's shape): not UTF-8, not JSON, or nested too deep."""
    try:
        data = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BadJson(_("请求内容不是有效的 JSON。")) from None
    except RecursionError:
        raise BadJson(_("JSON 嵌套层数过多(最多 %(n)s 层)。") % {"n": MAX_JSON_DEPTH}) from None
    if _depth(data) > MAX_JSON_DEPTH:
        raise BadJson(_("JSON 嵌套层数过多(最多 %(n)s 层)。") % {"n": MAX_JSON_DEPTH})
    return data


def api_error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "fields": {}}, status=status)


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the API's JSON shape under /api/, Django's page elsewhere."""
    if is_api(request):
        return api_error(
            "csrf_failed",
            _("CSRF 校验失败：使用登录会话调用 API 时须带 X-CSRFToken 请求头；脚本请使用 API 令牌。"),
            403,
        )
    return django_csrf_failure(request, reason=reason)
