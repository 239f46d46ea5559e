"""The client's address: X-Forwarded-For counts only when the peer is a configured trusted proxy."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from minzheng.core.clientip import client_ip
from minzheng.env import env_networks


def _request(peer: str, forwarded: str | None = None, real_ip: str | None = None) -> Any:
    extra: dict[str, Any] = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    if real_ip is not None:
        extra["HTTP_X_REAL_IP"] = real_ip
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_peer_is_the_client(settings: Any) -> None:
    settings.MINZHENG_TRUSTED_PROXIES = []
    assert client_ip(_request("127.0.0.1", "203.0.113.9")) == "127.0.0.1"


def test_a_trusted_proxy_names_the_client(settings: Any) -> None:
    settings.MINZHENG_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    assert client_ip(_request("127.0.0.1", "203.0.113.9")) == "203.0.113.9"
    assert client_ip(_request("127.0.0.1", real_ip="203.0.113.8")) == "203.0.113.8"
    # A client's own X-Forwarded-For entries lie to the left of what our proxies appended: they are not read.
    assert client_ip(_request("127.0.0.1", "1.2.3.4, 203.0.113.9, 10.1.1.1")) == "203.0.113.9"


def test_a_malformed_forwarded_hop_stops_the_walk(settings: Any) -> None:
    settings.MINZHENG_TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_ip(_request("127.0.0.1", "203.0.113.9, not-an-address")) == "127.0.0.1"


def test_an_untrusted_peer_cannot_choose_its_address(settings: Any) -> None:
    settings.MINZHENG_TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_ip(_request("198.51.100.7", "10.0.0.1")) == "198.51.100.7"


def test_trusted_proxies_setting_fails_loudly_on_a_bad_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MZ_PROXIES", "127.0.0.1, nginx.local")
    with pytest.raises(ImproperlyConfigured):
        env_networks("MZ_PROXIES", [])
    monkeypatch.setenv("MZ_PROXIES", "127.0.0.1, 10.0.0.0/8")
    assert env_networks("MZ_PROXIES", []) == ["127.0.0.1", "10.0.0.0/8"]
