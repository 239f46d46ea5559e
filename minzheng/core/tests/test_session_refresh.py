"""Sessions: the idle timer is renewed at most once a minute, not written on every request (issue 17)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any
from unittest import mock

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from minzheng.core.testing.personas import PASSWORD

SESSION_TABLE = Session._meta.db_table


def _logged_in(username: str = "township_a_clerk") -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _session_writes(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("regions:index")).status_code == 200
    return sum(
        1
        for query in queries.captured_queries
        if SESSION_TABLE in query["sql"] and query["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    )


@contextmanager
def _clock_moved(by: timedelta) -> Iterator[None]:
    moved = timezone.now() + by
    with mock.patch("django.utils.timezone.now", return_value=moved):
        yield


def _expiry(client: Client) -> Any:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_sessions_are_not_saved_on_every_request() -> None:
    assert not settings.SESSION_SAVE_EVERY_REQUEST


def test_requests_within_a_minute_of_the_login_do_not_write_the_session(personas: dict[str, Any]) -> None:
    client = _logged_in()
    assert _session_writes(client) == 0
    assert _session_writes(client) == 0


def test_the_first_request_after_a_minute_writes_the_session_once(personas: dict[str, Any]) -> None:
    client = _logged_in()
    before = _expiry(client)
    with _clock_moved(timedelta(seconds=61)):
        assert _session_writes(client) == 1
        assert _session_writes(client) == 0
    assert _expiry(client) >= before + timedelta(seconds=61)


def test_a_request_after_a_minute_renews_the_idle_timeout(personas: dict[str, Any]) -> None:
    client = _logged_in()
    with _clock_moved(timedelta(minutes=20)):
        assert _session_writes(client) == 1
    # 40 minutes after the login but only 20 after the last request: still logged in.
    with _clock_moved(timedelta(minutes=40)):
        assert client.get(reverse("regions:index")).status_code == 200


def test_a_session_idle_past_the_timeout_is_logged_out(personas: dict[str, Any]) -> None:
    client = _logged_in()
    assert client.get(reverse("regions:index")).status_code == 200
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE + 1)
    with _clock_moved(idle):
        response = client.get(reverse("regions:index"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_anonymous_requests_do_not_create_sessions(db: None) -> None:
    client = Client()
    client.get(reverse("accounts:login"))
    assert not Session.objects.exists()
