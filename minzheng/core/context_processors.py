from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from minzheng.core.navigation import sections_for


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "site_name": settings.MINZHENG_SITE_NAME or settings.MINZHENG_DEFAULT_SITE_NAME,
        "nav_sections": sections_for(user),
    }
