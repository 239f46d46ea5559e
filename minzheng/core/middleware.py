from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from minzheng.core.api import api_error, is_api
from minzheng.core.errors import DomainError

LANGUAGE_COOKIE = "django_language"


class LanguageMiddleware:
    """zh-Hans unless the user chose otherwise (cookie set by the language switch); browsers' Accept-Language is
    ignored on purpose: a clerk's English-language browser must not turn the office system English."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME or LANGUAGE_COOKIE, "")
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class NoStoreMiddleware:
    """Pages and files for a logged-in user (or an API token) hold personal data: no cache, shared or the browser's
    own, keeps a copy (Cache-Control: no-store). Public pages and static files are left cacheable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private; Expires now
        return response


class RequestSizeMiddleware:
    """Refuse a request body larger than MINZHENG_MAX_REQUEST_BYTES before anything reads it (413).

    nginx does the same with client_max_body_size; this holds when the app is reached without it. Django itself
    caps only non-file fields: a 3 GB upload would otherwise be spooled to disk before any view saw it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit: int = settings.MINZHENG_MAX_REQUEST_BYTES
        if length > limit:
            error = DomainError(
                _("上传的内容过大(超过 %(mb)s MB)，未接收。") % {"mb": limit // (1024 * 1024)},
                code="request_too_large",
                status=413,
            )
            if request.path.startswith("/api/"):
                return JsonResponse(error.as_dict(), status=413)
            return HttpResponse(str(error.message), status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class DomainErrorMiddleware:
    """Map a DomainError that escaped a view once: JSON for the API, a page for everything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return self._api_failure(request, exception) if is_api(request) else None
        if is_api(request):
            return JsonResponse(exception.as_dict(), status=exception.status)
        return render(request, "core/error.html", {"error": exception}, status=exception.status)

    @staticmethod
    def _api_failure(request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """Django's own refusals, in the API's JSON shape rather than an HTML page."""
        if isinstance(exception, RequestDataTooBig):
            return api_error(
                "too_large",
                _("请求内容过大(上限 %(n)s 字节)。") % {"n": settings.DATA_UPLOAD_MAX_MEMORY_SIZE},
                413,
            )
        if isinstance(exception, SuspiciousOperation):
            return api_error("bad_request", _("请求无效。"), 400)
        if isinstance(exception, Http404):
            return api_error("not_found", _("未找到。"), 404)
        if isinstance(exception, PermissionDenied):
            return api_error("permission_denied", _("您的角色无权进行此操作。"), 403)
        return None


SESSION_REFRESHED_KEY = "_minzheng_refreshed"
SESSION_REFRESH_SECONDS = 60


def stamp_session_refresh(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """At login the session is written anyway: record the refresh there, so the first pages after it write nothing."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SESSION_REFRESHED_KEY] = int(timezone.now().timestamp())


class SessionRefreshMiddleware:
    """Idle expiry without a database write per request: the session's expiry (SESSION_COOKIE_AGE, the idle
    timeout) is pushed forward at most once a minute for a logged-in user, by marking the session modified; the
    rest of the time the session is only read. On SQLite every write takes the single write lock (issue 17), so
    SESSION_SAVE_EVERY_REQUEST is off. A session idle past the timeout still expires: its last save set the expiry,
    and the idle clock is at most a minute generous."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if session is not None and user is not None and user.is_authenticated and not session.is_empty():
            now = int(timezone.now().timestamp())
            last = session.get(SESSION_REFRESHED_KEY)
            if not isinstance(last, int) or now - last > SESSION_REFRESH_SECONDS or now < last:
                session[SESSION_REFRESHED_KEY] = now  # marks the session modified: SessionMiddleware saves it
        return response
