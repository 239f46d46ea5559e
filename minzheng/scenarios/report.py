"""The report of a run as a clerk reads it (the JSON form is the runner's own data)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


def render_text(result: dict[str, Any], *, explain: bool = False) -> str:
    return "\n".join(_lines(result, explain)) + "\n"


def _lines(result: dict[str, Any], explain: bool) -> list[str]:
    return [str(result.get("title", ""))]
