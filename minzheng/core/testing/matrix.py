"""The permission matrix: every route × every persona × (object in scope / out of scope), tested automatically.

Each app registers its routes in `<app>/tests/routes.py` with `register(RouteCase(...))`. The matrix test
(core/tests/test_permission_matrix.py) imports them all, and a completeness test fails when a URL exists that no
app registered, so a new page cannot ship without its scope and role negatives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from minzheng.accounts.roles import CAPABILITIES

#: builds URL kwargs for one target object; receives the personas dict, may create rows (inside the test's transaction)
KwargsBuilder = Callable[[dict[str, Any]], dict[str, Any]]

PUBLIC = "public"  # anyone, logged in or not
LOGGED_IN = "logged_in"  # any staff role


@dataclass(frozen=True)
class Target:
    """An object the route acts on, and the region it lives in (decides 200 vs 404 per persona)."""

    label: str
    region: str
    kwargs: KwargsBuilder


@dataclass(frozen=True)
class RouteCase:
    url_name: str
    access: str  # a Capability value, PUBLIC or LOGGED_IN
    method: str = "GET"
    targets: tuple[Target, ...] = ()
    data: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    ok_status: tuple[int, ...] = (200,)
    api: bool = False
    extra_kwargs: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.method} {self.url_name}"


ROUTES: dict[str, RouteCase] = {}
#: url names deliberately outside the matrix, each with the reason
EXEMPT: dict[str, str] = {
    "set_language": "Django's language switch: a POST that only sets a cookie, identical for everyone",
}


def register(*cases: RouteCase) -> None:
    for case in cases:
        ROUTES[case.key] = case


def allowed_roles(case: RouteCase) -> frozenset[str] | None:
    """None means everyone (public); otherwise the roles that may use the route."""
    if case.access == PUBLIC:
        return None
    if case.access == LOGGED_IN:
        from minzheng.accounts.roles import ALL_ROLES

        return ALL_ROLES
    return CAPABILITIES[case.access]
