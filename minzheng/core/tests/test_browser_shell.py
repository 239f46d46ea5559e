"""The shell as a village officer sees it on a phone: the real app (migrate, demo, serve) driven by headless Chromium.

The server runs in subprocesses on a temporary SQLite database, exactly as a user starts it, so the shared test
database and its personas are never touched (no live_server, no flush).
"""

from __future__ import annotations

import contextlib
import csv
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from minzheng.demo.services import DEMO_PASSWORD, DEMO_REGIONS_FILE

pytestmark = pytest.mark.browser

OFFICER = "baixiang_officer"
OFFICER_NAME = "李信息员"
OFFICER_ROLE = "村级信息员"
OFFICER_VILLAGE_CODE = "510521103222"
OFFICER_VILLAGE = "白象村民委员会"
OTHER_VILLAGE_CODE = "510521103224"
OTHER_VILLAGE = "仁和村民委员会"
SITE_NAME = "民政业务系统"
PHONE = {"width": 390, "height": 844}
STARTUP_TIMEOUT = 30.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _app_env(var_dir: Path) -> dict[str, str]:
    """The defaults a fresh install has: no MINZHENG_* from the test machine (database URL, language, site name,
    allowed hosts, debug) and no LANGUAGE that could turn the server English."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINZHENG_") and k != "LANGUAGE"}
    env["MINZHENG_VAR_DIR"] = str(var_dir)
    env["MINZHENG_SECURE_COOKIES"] = "0"
    env["DJANGO_SETTINGS_MODULE"] = "minzheng.settings"
    return env


def _cli(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "minzheng.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"minzheng {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"


def _wait_healthy(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    last_error = ""
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"minzheng serve exited with {server.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own local server
                if response.status == 200:
                    return
                last_error = f"HTTP {response.status}"
        except (urllib.error.URLError, OSError) as exc:
            last_error = str(exc)
        time.sleep(0.25)
    pytest.fail(
        f"{url} not healthy after {STARTUP_TIMEOUT:.0f}s ({last_error}):\n{log.read_text(errors='replace')}"
    )


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.terminate()  # serve forwards SIGTERM to its gunicorn and waits for it
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)
    # gunicorn runs in the session we started for serve; make sure nothing of ours outlives the test
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(server.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """migrate + demo + serve on a temporary SQLite database; yields the base URL and always stops the server."""
    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        pytest.skip("browser test runs in the SQLite pass")
    var_dir = tmp_path_factory.mktemp("minzheng-var")
    env = _app_env(var_dir)
    _cli(env, "migrate", "--noinput", "-v", "0")
    _cli(env, "demo")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = var_dir / "serve.log"
    with log.open("wb") as log_file:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "minzheng.cli",
                "serve",
                "--port",
                str(port),
                "--no-worker",
                "--workers",
                "1",
            ],
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_healthy(f"{base}/healthz", server, log)
            yield base
        finally:
            _stop(server)


@pytest.fixture
def phone(app_url: str, browser: Any) -> Iterator[Any]:
    # app_url first: in the PostgreSQL pass its skip wins before the browser fixture is even asked for
    context = browser.new_context(
        viewport=PHONE,
        locale="zh-CN",
        is_mobile=True,
        has_touch=True,
        reduced_motion="reduce",  # Bootstrap skips its collapse/fade transitions: screenshots show the settled page
        base_url=app_url,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def _log_in(page: Any, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_load_state()


def _names_outside_scope() -> list[str]:
    """Every demo region that is neither the officer's village nor one of its ancestors."""
    with DEMO_REGIONS_FILE.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [
        row["name"]
        for row in rows
        if not OFFICER_VILLAGE_CODE.startswith(row["code"]) and row["name"] not in OFFICER_VILLAGE
    ]


def test_village_officer_shell_on_a_phone(phone: Any, app_url: str, artifacts_dir: str) -> None:
    from playwright.sync_api import expect

    page = phone
    _log_in(page, OFFICER, DEMO_PASSWORD)
    expect(page).to_have_url(f"{app_url}/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")

    # The Chinese shell: brand, greeting, the 待办 area.
    expect(page.locator(".navbar-brand")).to_have_text(SITE_NAME)
    expect(page.get_by_role("heading", level=1)).to_contain_text(OFFICER_NAME)
    expect(page.get_by_role("heading", name="我的待办")).to_be_visible()
    expect(page.get_by_test_id("todo-list")).to_be_visible()
    page.screenshot(path=os.path.join(artifacts_dir, "browser-village-officer-home.png"), full_page=True)

    # At phone width the menu (待办， sections, user menu) is folded behind the toggler.
    user_menu = page.get_by_test_id("user-menu")
    expect(user_menu).to_be_hidden()
    toggler = page.locator(".navbar-toggler")
    expect(toggler).to_be_visible()
    toggler.click()
    expect(page.locator("#mainnav")).to_have_class(re.compile(r"\bshow\b"))
    expect(user_menu).to_be_visible()
    expect(page.locator("#mainnav").get_by_role("link", name="待办", exact=True)).to_be_visible()
    expect(user_menu).to_contain_text(OFFICER_NAME)
    expect(user_menu).to_contain_text(OFFICER_ROLE)
    expect(page.get_by_test_id("user-scope")).to_have_text(OFFICER_VILLAGE)
    user_menu.click()
    expect(page.locator(".dropdown-menu")).to_contain_text(OFFICER_VILLAGE_CODE)
    expect(page.locator(".dropdown-menu").get_by_role("button", name="退出登录")).to_be_visible()
    page.screenshot(path=os.path.join(artifacts_dir, "browser-village-officer-menu.png"), full_page=True)
    user_menu.click()  # close the dropdown again

    # 行政区划： only their own village is the root.
    page.locator("#mainnav").get_by_role("link", name="行政区划", exact=True).click()
    page.wait_for_url("**/regions/")
    expect(page.get_by_test_id("region-name")).to_have_text(OFFICER_VILLAGE)
    main_text = page.locator("main").inner_text()
    leaked = [name for name in _names_outside_scope() if name in main_text]
    assert leaked == [], f"regions outside the officer's village shown on /regions/: {leaked}"
    assert OTHER_VILLAGE not in main_text
    page.screenshot(path=os.path.join(artifacts_dir, "browser-village-officer-regions.png"), full_page=True)

    # Another village of the same township is simply not there.
    response = page.goto(f"/regions/{OTHER_VILLAGE_CODE}/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="找不到页面")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(OTHER_VILLAGE)
    page.screenshot(path=os.path.join(artifacts_dir, "browser-village-officer-404.png"), full_page=True)


def test_front_and_login_pages_in_chinese(phone: Any, artifacts_dir: str) -> None:
    from playwright.sync_api import expect

    page = phone
    response = page.goto("/")
    assert response is not None and response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator(".navbar-brand")).to_have_text(SITE_NAME)
    expect(page.get_by_role("heading", level=1)).to_have_text(SITE_NAME)
    page.screenshot(path=os.path.join(artifacts_dir, "browser-anonymous-front.png"), full_page=True)

    page.get_by_role("link", name="工作人员登录").click()
    page.wait_for_url("**/accounts/login/")
    expect(page.get_by_role("heading", name="工作人员登录")).to_be_visible()
    expect(page.get_by_label("用户名")).to_be_visible()
    expect(page.get_by_label("密码")).to_be_visible()
    expect(page.get_by_role("button", name="登录", exact=True)).to_be_visible()

    _log_in(page, OFFICER, "not-the-password-2026")
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码不正确")
    expect(page.get_by_test_id("user-menu")).to_have_count(0)
    page.screenshot(path=os.path.join(artifacts_dir, "browser-login-wrong-password.png"), full_page=True)
