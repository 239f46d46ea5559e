"""Shared pytest fixtures: personas built once per test database, a scoped client per persona, browser setup."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from minzheng.core.testing.personas import ensure_personas


@pytest.fixture(autouse=True)
def _chinese_by_default(settings: Any, tmp_path: Any) -> None:
    """Tests read Chinese messages unless they switch language themselves, whatever LANGUAGE the machine has."""
    settings.LANGUAGE_CODE = "zh-hans"
    settings.VAR_DIR = tmp_path  # uploaded documents go to a per-test folder, never into var/
    # Tests render templates without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.utils import translation

    translation.activate("zh-hans")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    # Built once, committed outside the per-test transactions, so every test sees them without paying for argon2.
    # One audit key for the session: the personas' events, written once, are verified by every test, while each
    # test has its own VAR_DIR (where a key file would be generated).
    settings.MINZHENG_AUDIT_KEY = "test-audit-key-" + "k" * 32
    with django_db_blocker.unblock():
        ensure_personas()


@pytest.fixture
def personas(db: None) -> dict[str, Any]:
    return ensure_personas()


@pytest.fixture
def client_for(personas: dict[str, Any]) -> Any:
    def make(key: str) -> Client:
        client = Client()
        if key != "anonymous":
            client.force_login(personas[key])
        return client

    return make


def _browser_available() -> tuple[bool, str]:
    if not os.path.exists("/usr/bin/chromium"):
        return False, "Debian's chromium is not installed (/usr/bin/chromium); apt-get install chromium"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return False, "the playwright package is not installed (./run test installs it)"
    return True, ""


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    ok, reason = _browser_available()
    if not ok:
        if os.environ.get("MINZHENG_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests are required here (MINZHENG_REQUIRE_BROWSER=1) but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> str:
    path = os.path.join(settings.BASE_DIR, "test-artifacts")
    os.makedirs(path, exist_ok=True)
    return path


def pytest_report_header(config: Any) -> str:
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    chromium = (
        "yes"
        if shutil.which("chromium") or os.path.exists("/usr/bin/chromium")
        else "no (browser tests skip)"
    )
    return f"minzheng: database={engine}; chromium={chromium}"


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real app (migrate, demo, serve) on a temporary SQLite database, shared by the session's browser tests."""
    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        pytest.skip("browser test runs in the SQLite pass")
    from minzheng.core.testing.browser import serve_demo

    var_dir = tmp_path_factory.mktemp("minzheng-var")
    # a browser test that must let time pass (a 7-day notice) moves dates in the served app's own database
    os.environ["MINZHENG_BROWSER_DB"] = str(var_dir / "minzheng.sqlite3")
    with serve_demo(var_dir) as base:
        yield base


def _context(browser: Any, app_url: str, viewport: dict[str, int], *, mobile: bool) -> Any:
    context = browser.new_context(
        viewport=viewport,
        locale="zh-CN",
        is_mobile=mobile,
        has_touch=mobile,
        reduced_motion="reduce",  # Bootstrap skips its transitions: screenshots show the settled page
        base_url=app_url,
        accept_downloads=True,
    )
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def phone(app_url: str, browser: Any) -> Iterator[Any]:
    """A phone-sized page (village officers). app_url first: in the PostgreSQL pass its skip wins."""
    from minzheng.core.testing.browser import PHONE

    context = _context(browser, app_url, PHONE, mobile=True)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def desktop(app_url: str, browser: Any) -> Iterator[Any]:
    """A desktop-sized page (township and county staff)."""
    context = _context(browser, app_url, {"width": 1280, "height": 900}, mobile=False)
    try:
        yield context.new_page()
    finally:
        context.close()
