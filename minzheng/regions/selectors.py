from __future__ import annotations

from typing import Any

from django.db.models import Count

from minzheng.core.scope import get_visible_or_404, scope_code_for
from minzheng.regions.models import Region


def region_root_for_user(*, user: Any) -> Region | None:
    scope = scope_code_for(user)
    return Region.objects.filter(code=scope).first() if scope else None


def region_children(*, user: Any, parent: Region) -> list[Region]:
    """Children of a region the user may see, each with how many units sit under it."""
    return list(
        Region.objects.visible_to(user)
        .filter(parent=parent)
        .annotate(child_count=Count("children"))
        .order_by("code")
    )


def region_get(*, user: Any, code: str) -> Region:
    return get_visible_or_404(Region.objects.select_related("parent"), user, code=code)


def region_choices(*, user: Any, levels: tuple[str, ...]) -> list[Region]:
    """Regions for dropdowns: only the user's subtree."""
    return list(Region.objects.visible_to(user).filter(level__in=levels).order_by("code"))


def region_ancestors(region: Region) -> list[Region]:
    codes = region.ancestor_codes()
    by_code = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return [by_code[c] for c in codes if c in by_code]
