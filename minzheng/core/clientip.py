"""The client's address: the peer's, or — when the peer is one of our own proxies — the one it forwarded."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    networks = _networks(tuple(settings.MINZHENG_TRUSTED_PROXIES))
    return any(address.version == net.version and address in net for net in networks)


def client_ip(request: HttpRequest | None) -> str | None:
    """REMOTE_ADDR, unless it is a trusted proxy (MINZHENG_TRUSTED_PROXIES): then the right-most address of
    X-Forwarded-For that is not itself a trusted proxy. A header from anyone else is ignored, so a client
    cannot choose its own address for the lockout, the audit log or the objection throttle."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    peer = _parse(remote) if remote else None
    if peer is None or not _trusted(peer):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop for hop in (part.strip() for part in forwarded.split(",")) if hop]
    if not hops and request.META.get("HTTP_X_REAL_IP"):
        hops = [request.META["HTTP_X_REAL_IP"].strip()]
    client = remote
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            break  # a malformed hop: trust nothing to its left
        client = str(address)
        if not _trusted(address):
            break
    return client
