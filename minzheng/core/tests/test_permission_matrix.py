"""Every registered route × every persona × every target: 200 in scope, 404 out of scope, 403 wrong role,
login (or 401 for the API) when anonymous. Apps register their routes in <app>/tests/routes.py."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import minzheng
from minzheng.core.testing.matrix import EXEMPT, ROUTES, RouteCase, Target, allowed_roles
from minzheng.core.testing.personas import ALL_PERSONAS, PERSONA_SPECS


def _load_route_modules() -> None:
    for module in pkgutil.iter_modules(minzheng.__path__):
        try:
            importlib.import_module(f"minzheng.{module.name}.tests.routes")
        except ModuleNotFoundError as exc:
            if exc.name not in {f"minzheng.{module.name}.tests", f"minzheng.{module.name}.tests.routes"}:
                raise


_load_route_modules()
SCOPES = {spec.key: spec.region for spec in PERSONA_SPECS}
ROLES = {spec.key: spec.role for spec in PERSONA_SPECS}


def _cases() -> list[Any]:
    params = []
    for case in sorted(ROUTES.values(), key=lambda c: c.key):
        targets: tuple[Target | None, ...] = case.targets or (None,)
        for target in targets:
            for persona in ALL_PERSONAS:
                label = f"{case.key}|{target.label if target else '-'}|{persona}"
                params.append(pytest.param(case, target, persona, id=label))
    return params


def _expected(case: RouteCase, target: Target | None, persona: str) -> str:
    roles = allowed_roles(case)
    if roles is None:
        return "ok"
    if persona == "anonymous":
        return "login"
    if ROLES[persona] not in roles:
        return "forbidden"
    if target is not None and not target.region.startswith(SCOPES[persona]):
        return "not_found"
    return "ok"


@pytest.mark.parametrize(("case", "target", "persona"), _cases())
def test_route_answers_by_role_and_scope(
    case: RouteCase, target: Target | None, persona: str, personas: dict[str, Any], client_for: Any
) -> None:
    kwargs = dict(case.extra_kwargs)
    if target is not None:
        kwargs.update(target.kwargs(personas))
    url = reverse(case.url_name, kwargs=kwargs or None)
    client = client_for(persona)
    data = case.data(personas) if case.data else {}
    response = client.post(url, data) if case.method == "POST" else client.get(url)
    expected = _expected(case, target, persona)
    if expected == "ok":
        assert response.status_code in case.ok_status, (url, persona, response.status_code)
        if response.status_code == 302:
            assert "/accounts/login/" not in response["Location"] or case.url_name == "accounts:logout"
    elif expected == "login":
        if case.api:
            assert response.status_code == 401
        else:
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], (
                url,
                response.status_code,
            )
    elif expected == "forbidden":
        assert response.status_code == 403, (url, persona, response.status_code)
    else:
        assert response.status_code == 404, (url, persona, response.status_code)


def _url_names(patterns: list[Any], namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _url_names(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_url_is_in_the_permission_matrix() -> None:
    registered = {case.url_name for case in ROUTES.values()}
    missing = sorted(_url_names(get_resolver().url_patterns) - registered - set(EXEMPT))
    assert missing == [], f"register these routes in <app>/tests/routes.py: {missing}"


def test_matrix_covers_every_persona_and_out_of_scope_targets() -> None:
    assert len(ALL_PERSONAS) >= 9
    scoped = [c for c in ROUTES.values() if c.targets]
    assert scoped, "at least one object route must be checked in and out of scope"
    for case in scoped:
        regions = {t.region for t in case.targets}
        assert any(r.startswith("510521105") for r in regions), f"{case.key} needs a target in township B"
