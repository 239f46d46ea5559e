"""Users and logins: creation with role/level checks, password changes, and lockout after repeated failures."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from minzheng.accounts.models import LoginFailure, User
from minzheng.accounts.roles import ROLE_LEVELS, Capability, Role
from minzheng.audit import events
from minzheng.audit.services import audit_record
from minzheng.core.clientip import client_ip
from minzheng.core.errors import DomainError, PermissionDeniedError, ValidationFailed
from minzheng.regions.models import Level, Region


class LockedOut(DomainError):
    code = "locked_out"
    status = 429


class InvalidCredentials(DomainError):
    code = "invalid_credentials"
    status = 400


def user_create(
    *,
    actor: Any,
    username: str,
    password: str,
    role: str,
    region_code: str,
    full_name: str = "",
    phone: str = "",
) -> User:
    """Create a staff user attached to a region at the level their role works at. `actor=None` is the CLI."""
    if actor is not None and not actor.can(Capability.MANAGE_USERS):
        raise PermissionDeniedError(_("只有县级管理员可以创建用户。"))
    username = username.strip()
    errors: dict[str, list[str]] = {}
    if role not in Role.values:
        errors["role"] = [
            _("未知角色 %(role)s；可选：%(roles)s") % {"role": role, "roles": ", ".join(Role.values)}
        ]
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        errors["region"] = [_("区划代码 %(code)s 不存在") % {"code": region_code}]
    elif role in ROLE_LEVELS and region.level not in ROLE_LEVELS[role]:
        errors["region"] = [
            _("%(role)s 应属于%(levels)s区划，而 %(code)s 是%(level)s")
            % {
                "role": Role(role).label,
                "levels": "/".join(str(Level(lv).label) for lv in ROLE_LEVELS[role]),
                "code": region_code,
                "level": region.get_level_display(),
            }
        ]
    if actor is not None and region is not None and not region.code.startswith(actor.region_id):
        errors["region"] = [_("区划 %(code)s 不在您的管辖范围内") % {"code": region_code}]
    if not username:
        errors["username"] = [_("用户名不能为空")]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("用户名 %(username)s 已被使用") % {"username": username}]
    candidate = User(username=username, full_name=full_name, role=role)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        errors["password"] = [str(m) for m in exc.messages]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, fields=errors)
    with transaction.atomic():
        user = User(
            username=username, full_name=full_name.strip(), phone=phone.strip(), role=role, region=region
        )
        user.set_password(password)
        user.save()
        audit_record(
            event_code=events.USER_CREATED,
            actor=actor,
            region_code=region_code,
            target=user,
            new={"username": username, "role": role, "region": region_code, "full_name": user.full_name},
        )
    return user


def _window_start(now: datetime) -> datetime:
    return now - timedelta(minutes=settings.MINZHENG_LOCKOUT_WINDOW_MINUTES)


def login_is_locked(*, username: str, ip: str | None, now: datetime | None = None) -> bool:
    """Locked for this account at this address when: this address failed too often (any names), this account
    failed too often from this address, or this account failed from too many different addresses. Failures from
    one address never lock an account at another address, so a flood of guesses cannot keep the staff out."""
    now = now or timezone.now()
    since = _window_start(now)
    recent = LoginFailure.objects.filter(created_at__gte=since)
    if ip and recent.filter(ip_address=ip).count() >= settings.MINZHENG_LOCKOUT_MAX_PER_IP:
        return True
    mine = recent.filter(username__iexact=username)
    if mine.filter(ip_address=ip).count() >= settings.MINZHENG_LOCKOUT_MAX_PER_USER:
        return True
    addresses = mine.exclude(ip_address=None).values("ip_address").distinct().count()
    return addresses >= settings.MINZHENG_LOCKOUT_MAX_ADDRESSES_PER_USER


def login_attempt(*, request: HttpRequest, username: str, password: str, now: datetime | None = None) -> User:
    """Authenticate, or raise LockedOut / InvalidCredentials. Every outcome is audited."""
    now = now or timezone.now()
    username = username.strip()
    ip = client_ip(request)
    if login_is_locked(username=username, ip=ip, now=now):
        with transaction.atomic():
            audit_record(
                event_code=events.AUTH_LOCKED_OUT,
                target_type="accounts.user",
                target_id=username[:64],
                target_repr=username[:200],
                ip_address=ip,
                now=now,
            )
        raise LockedOut(
            _("登录失败次数过多，已暂时锁定。请 %(minutes)s 分钟后再试，或联系县级管理员。")
            % {"minutes": settings.MINZHENG_LOCKOUT_WINDOW_MINUTES}
        )
    user = authenticate(request, username=username, password=password)
    if user is None or not isinstance(user, User):
        # Committed before raising: the failure must count towards the lockout.
        with transaction.atomic():
            LoginFailure.objects.create(username=username[:150], ip_address=ip, created_at=now)
            audit_record(
                event_code=events.AUTH_LOGIN_FAILED,
                target_type="accounts.user",
                target_id=username[:64],
                target_repr=username[:200],
                ip_address=ip,
                now=now,
            )
        raise InvalidCredentials(_("用户名或密码不正确。"))
    with transaction.atomic():
        LoginFailure.objects.filter(username__iexact=username).delete()
        audit_record(
            event_code=events.AUTH_LOGIN,
            actor=user,
            region_code=user.region_id,
            target=user,
            ip_address=ip,
            now=now,
        )
    return user


def login_failures_prune(*, now: datetime | None = None) -> int:
    """Forget failures older than the window (run by the worker; the table stays small)."""
    deleted, _detail = LoginFailure.objects.filter(
        created_at__lt=_window_start(now or timezone.now())
    ).delete()
    return deleted
