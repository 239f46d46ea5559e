"""Region scope, enforced in the data layer.

A user's scope is a region-code prefix: a village officer's is the 12-digit village code, a township clerk's the
9-digit township code, a county user's the 6-digit county code. Every scoped model names the path to its region
(`region_scope_path`) and uses `RegionScopedQuerySet`; selectors call `.visible_to(user)`. Views never filter by
region themselves. Out-of-scope objects answer 404, exactly like objects that do not exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from django.db import models
from django.http import Http404

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from minzheng.accounts.models import User

M = TypeVar("M", bound=models.Model)

#: every model that is region-scoped, so the scope test harness can check them all
SCOPED_MODELS: list[type[models.Model]] = []


def scope_code_for(user: User | AnonymousUser | None) -> str | None:
    """The code prefix a user may see, or None for nobody (anonymous, inactive, no region)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    region_id = getattr(user, "region_id", None)
    return str(region_id) if region_id else None


def code_range(code: str) -> tuple[str, str]:
    """[code, next) — every region code that starts with ``code``, as a range both databases answer from an index
    (SQLite's LIKE never uses a plain one).

    Codes are digits, and strings of digits sort digit by digit under every collation, so `next` is the code with
    its last digit raised, carrying past 9s: 510521 → 510522, 5105219 → 510522. (The bound "510521:" that was used
    here holds only under the C collation: ICU and glibc's locales sort ':' before the digits, which left every
    village and township outside their county's range on such a database.)"""
    stem = code.rstrip("9")
    if not code.isdigit() or not code.isascii() or not stem:
        raise ValueError(f"not a region code prefix: {code!r}")
    return code, stem[:-1] + str(int(stem[-1]) + 1)


def covers(scope: str | None, region_code: str) -> bool:
    """True when the scope prefix covers the region code."""
    return scope is not None and region_code.startswith(scope)


def region_lookup(model: type[models.Model]) -> str:
    path: str = getattr(model, "region_scope_path", "")
    # Region itself is scoped by its own code; everything else by the code of the region it points to.
    # The FK targets Region.code (the primary key), so Django trims the join: the filter runs on the FK column.
    return "code__startswith" if path == "" else f"{path}__code__startswith"


class RegionScopedQuerySet(models.QuerySet[M]):
    def visible_to(self, user: Any) -> RegionScopedQuerySet[M]:
        scope = scope_code_for(user)
        if scope is None:
            return self.none()
        return self.filter(**{region_lookup(self.model): scope})

    def within(self, region_code: str) -> RegionScopedQuerySet[M]:
        return self.filter(**{region_lookup(self.model): region_code})


class RegionScopedModel(models.Model):
    """Abstract base: subclasses set `region_scope_path` (e.g. "region" or "household__region")."""

    region_scope_path: ClassVar[str] = "region"

    class Meta:
        abstract = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        meta = cls.__dict__.get("Meta")
        if not getattr(meta, "abstract", False):
            SCOPED_MODELS.append(cls)


def get_visible_or_404(queryset: models.QuerySet[M], user: Any, **lookup: Any) -> M:
    """Fetch one object the user may see; out of scope and missing look the same (404)."""
    if not isinstance(queryset, RegionScopedQuerySet):
        raise TypeError(f"{queryset.model.__name__} is not region-scoped; use RegionScopedQuerySet")
    try:
        return queryset.visible_to(user).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None
