"""Login: argon2, lockout per account and per address, idle expiry, audit of every outcome."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from minzheng.accounts.models import LoginFailure
from minzheng.audit.models import AuditEvent
from minzheng.core.testing.personas import PASSWORD


def _login(client: Client, username: str, password: str, ip: str = "10.9.8.7") -> Any:
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_passwords_are_hashed_with_argon2(personas: dict[str, Any]) -> None:
    assert personas["township_a_clerk"].password.startswith("argon2")


def test_good_login_lands_on_the_home_page_and_is_audited(personas: dict[str, Any]) -> None:
    client = Client()
    response = _login(client, "township_a_clerk", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    body = client.get(reverse("core:home")).content.decode()
    assert "我的待办" in body and "得胜镇" in body and "乡镇民政助理" in body
    assert AuditEvent.objects.filter(event_code="auth.login", actor=personas["township_a_clerk"]).exists()


def test_wrong_password_is_explained_without_saying_which_part(personas: dict[str, Any]) -> None:
    response = _login(Client(), "township_a_clerk", "wrong-password")
    assert response.status_code == 400
    assert "用户名或密码不正确" in response.content.decode()
    response = _login(Client(), "nobody-like-this", "wrong-password")
    assert "用户名或密码不正确" in response.content.decode()
    assert AuditEvent.objects.filter(event_code="auth.login_failed").count() == 2


def test_account_locks_after_repeated_failures_even_with_the_right_password(personas: dict[str, Any]) -> None:
    for i in range(settings.MINZHENG_LOCKOUT_MAX_PER_USER):
        _login(Client(), "village_a1_officer", "wrong-password", ip=f"10.0.0.{i}")
    response = _login(Client(), "village_a1_officer", PASSWORD, ip="10.0.1.1")
    assert response.status_code == 429
    assert "已暂时锁定" in response.content.decode()
    assert AuditEvent.objects.filter(event_code="auth.locked_out").exists()
    # Other accounts are not affected.
    assert _login(Client(), "village_a2_officer", PASSWORD, ip="10.0.1.1").status_code == 302


def test_lock_lifts_after_the_window(personas: dict[str, Any]) -> None:
    long_ago = timezone.now() - timedelta(minutes=settings.MINZHENG_LOCKOUT_WINDOW_MINUTES + 1)
    LoginFailure.objects.bulk_create(
        [
            LoginFailure(username="village_a1_officer", ip_address="10.0.0.1", created_at=long_ago)
            for _ in range(10)
        ]
    )
    assert _login(Client(), "village_a1_officer", PASSWORD).status_code == 302


def test_one_address_trying_many_accounts_is_locked(personas: dict[str, Any], settings: Any) -> None:
    settings.MINZHENG_LOCKOUT_MAX_PER_IP = 3
    for name in ("a", "b", "c"):
        _login(Client(), name, "wrong-password", ip="10.1.1.1")
    assert _login(Client(), "township_b_clerk", PASSWORD, ip="10.1.1.1").status_code == 429
    assert _login(Client(), "township_b_clerk", PASSWORD, ip="10.1.1.2").status_code == 302


def test_idle_session_expires(personas: dict[str, Any]) -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client = Client()
    assert _login(client, "township_a_clerk", PASSWORD).status_code == 302
    assert client.get(reverse("regions:index")).status_code == 200
    # 31 minutes without a request: the stored session has passed its expiry.
    Session.objects.update(expire_date=timezone.now() - timedelta(minutes=1))
    response = client.get(reverse("regions:index"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_a_request_renews_the_idle_timer(personas: dict[str, Any]) -> None:
    # renewed at most once a minute (minzheng/core/tests/test_session_refresh.py): this request is 2 minutes later
    client = Client()
    _login(client, "township_a_clerk", PASSWORD)
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=3))
    later = timezone.now() + timedelta(minutes=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        client.get(reverse("regions:index"))
    session = Session.objects.get(session_key=client.session.session_key)
    assert session.expire_date > timezone.now() + timedelta(minutes=29)


def test_logout_needs_post_and_csrf(personas: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["township_a_clerk"])
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 403  # no CSRF token


def test_open_redirects_are_refused(personas: dict[str, Any]) -> None:
    response = Client().post(
        reverse("accounts:login") + "?next=https://evil.example/",
        {"username": "township_a_clerk", "password": PASSWORD},
    )
    assert response["Location"] == reverse("core:home")


@pytest.mark.parametrize("flag", ["SESSION_COOKIE_HTTPONLY"])
def test_cookie_flags(flag: str) -> None:
    assert getattr(settings, flag) is True


def _login_via_proxy(username: str, password: str, *, client_address: str, peer: str = "127.0.0.1") -> Any:
    """A login as nginx on the same machine passes it on: every request comes from 127.0.0.1."""
    return Client().post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=peer,
        HTTP_X_FORWARDED_FOR=client_address,
    )


def test_behind_the_proxy_a_flood_of_random_names_from_one_address_keeps_no_one_else_out(
    personas: dict[str, Any], settings: Any
) -> None:
    settings.MINZHENG_TRUSTED_PROXIES = ["127.0.0.1", "::1"]
    for i in range(settings.MINZHENG_LOCKOUT_MAX_PER_IP + 5):
        _login_via_proxy(f"random-{i}", "wrong-password", client_address="203.0.113.9")
    assert _login_via_proxy("township_a_clerk", PASSWORD, client_address="203.0.113.9").status_code == 429
    assert _login_via_proxy("township_a_clerk", PASSWORD, client_address="10.20.0.5").status_code == 302
    failed = AuditEvent.objects.filter(event_code="auth.login_failed").first()
    assert failed is not None and failed.ip_address == "203.0.113.9"


def test_failures_against_one_account_from_one_address_lock_it_at_that_address_only(
    personas: dict[str, Any], settings: Any
) -> None:
    settings.MINZHENG_TRUSTED_PROXIES = ["127.0.0.1"]
    for _i in range(settings.MINZHENG_LOCKOUT_MAX_PER_USER * 3):
        _login_via_proxy("township_b_clerk", "wrong-password", client_address="203.0.113.9")
    assert _login_via_proxy("township_b_clerk", PASSWORD, client_address="203.0.113.9").status_code == 429
    assert _login_via_proxy("township_b_clerk", PASSWORD, client_address="10.20.0.6").status_code == 302


def test_a_forwarded_address_from_a_peer_that_is_not_a_trusted_proxy_is_ignored(
    personas: dict[str, Any], settings: Any
) -> None:
    settings.MINZHENG_TRUSTED_PROXIES = ["127.0.0.1"]
    settings.MINZHENG_LOCKOUT_MAX_PER_IP = 3
    # The attacker names a new address with every request; the lockout still counts its real one.
    for i in range(3):
        _login_via_proxy(f"x{i}", "wrong-password", client_address=f"10.0.9.{i}", peer="198.51.100.7")
    assert (
        _login_via_proxy(
            "township_b_clerk", PASSWORD, client_address="10.0.9.99", peer="198.51.100.7"
        ).status_code
        == 429
    )
    assert set(LoginFailure.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}
