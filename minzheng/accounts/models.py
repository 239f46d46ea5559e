from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from minzheng.accounts.roles import Role, role_can
from minzheng.core.scope import RegionScopedModel, RegionScopedQuerySet


class ScopedUserManager(UserManager["User"]):
    def get_queryset(self) -> RegionScopedQuerySet[User]:
        return RegionScopedQuerySet(self.model, using=self._db)

    def visible_to(self, user: object) -> RegionScopedQuerySet[User]:
        return self.get_queryset().visible_to(user)


class User(RegionScopedModel, AbstractUser):
    """A staff member. Their region is their scope; their role says what they may do there."""

    region_scope_path: ClassVar[str] = "region"

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("管辖区域"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
    )

    objects = ScopedUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def can(self, capability: str) -> bool:
        return self.is_active and role_can(self.role, capability)


class LoginFailure(models.Model):
    """One failed login, kept for the lockout window (per account and per client address)."""

    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, db_index=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("登录失败记录")

    def __str__(self) -> str:
        return f"{self.username} {self.ip_address} {self.created_at:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """A bearer token for the JSON API (scripts, the county's other systems). Only its SHA-256 is stored."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("用途"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"
