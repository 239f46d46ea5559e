from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from minzheng.accounts.models import User
from minzheng.accounts.services import user_create
from minzheng.audit.models import AuditEvent
from minzheng.core.errors import PermissionDeniedError, ValidationFailed
from minzheng.core.testing.personas import TOWNSHIP_A, VILLAGE_A1, VILLAGE_B1


def test_createuser_command(
    db: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NEW_PW", "Str0ng-enough-pw")
    call_command(
        "createuser",
        "new_clerk",
        "--role",
        "township_clerk",
        "--region",
        TOWNSHIP_A,
        "--password-env",
        "NEW_PW",
    )
    user = User.objects.get(username="new_clerk")
    assert user.region_id == TOWNSHIP_A and user.check_password("Str0ng-enough-pw")
    assert AuditEvent.objects.filter(event_code="accounts.user_created", target_id=str(user.pk)).exists()
    assert "已创建用户" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("role", "region", "password", "message"),
    [
        ("township_clerk", VILLAGE_A1, "Str0ng-enough-pw", "应属于乡级区划"),
        ("village_officer", "999999999999", "Str0ng-enough-pw", "不存在"),
        ("township_clerk", TOWNSHIP_A, "short", "密码"),
        ("mayor", TOWNSHIP_A, "Str0ng-enough-pw", "未知角色"),
    ],
)
def test_createuser_explains_bad_input(
    db: None, monkeypatch: pytest.MonkeyPatch, role: str, region: str, password: str, message: str
) -> None:
    monkeypatch.setenv("NEW_PW", password)
    with pytest.raises((CommandError, SystemExit)) as excinfo:
        call_command("createuser", "someone", "--role", role, "--region", region, "--password-env", "NEW_PW")
    if isinstance(excinfo.value, CommandError):
        assert message in str(excinfo.value)
    assert not User.objects.filter(username="someone").exists()


def test_only_county_admin_creates_users(personas: dict[str, Any]) -> None:
    with pytest.raises(PermissionDeniedError):
        user_create(
            actor=personas["township_a_clerk"],
            username="x1",
            password="Str0ng-enough-pw",
            role="village_officer",
            region_code=VILLAGE_A1,
        )


def test_duplicate_username_is_refused(personas: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed, match="已被使用"):
        user_create(
            actor=personas["county_admin"],
            username="Township_A_Clerk",
            password="Str0ng-enough-pw",
            role="township_clerk",
            region_code=TOWNSHIP_A,
        )


def test_user_pages_create_and_list(personas: dict[str, Any], client_for: Any) -> None:
    client = client_for("county_admin")
    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "b1_officer",
            "full_name": "王五",
            "role": "village_officer",
            "region": VILLAGE_B1,
            "password": "Str0ng-enough-pw",
        },
    )
    assert response.status_code == 302
    body = client.get(reverse("accounts:user_list")).content.decode()
    assert "b1_officer" in body and "王五" in body
    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "bad",
            "full_name": "x",
            "role": "township_clerk",
            "region": VILLAGE_B1,
            "password": "Str0ng-enough-pw",
        },
    )
    assert response.status_code == 400 and "应属于乡级区划" in response.content.decode()
