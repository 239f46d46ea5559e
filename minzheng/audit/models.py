"""The one append-only audit log, chained by SHA-256 so that an edit behind the ORM's back is detected."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from minzheng.core.indexes import search_index
from minzheng.core.scope import RegionScopedModel, RegionScopedQuerySet


class AppendOnlyError(RuntimeError):
    pass


class AuditEventQuerySet(RegionScopedQuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events are append-only")


class AuditEvent(RegionScopedModel):
    region_scope_path: ClassVar[str] = "region"

    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    occurred_at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("区域"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    event_code = models.CharField(_("事件"), max_length=64)
    target_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    target_id = models.CharField(_("对象标识"), max_length=64, blank=True)
    target_repr = models.CharField(_("对象"), max_length=200, blank=True)
    old_values = models.JSONField(_("原值"), null=True, blank=True)
    new_values = models.JSONField(_("新值"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            # filtered by equality and by prefix ("registry." for every registry event)
            search_index("event_code", name="audit_event_code"),
        ]
        # A constraint, not unique=True: that would add a pattern-matching twin index no query reads.
        constraints = [models.UniqueConstraint(fields=["hash"], name="audit_hash_unique")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.event_code}"

    @property
    def label(self) -> str:
        """The event's Chinese name (from the codes the apps define)."""
        from minzheng.audit.events import label_for

        return label_for(self.event_code)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events are append-only")


class AuditChainHead(models.Model):
    """A single row holding the chain's last hash; locking it serialises appends on every database."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    # Events from this sequence number on are hashed with the secret key (HMAC-SHA256); those before it with plain
    # SHA-256 (written before the key existed). None: not switched over yet — the next append records the switch.
    keyed_from_seq = models.PositiveBigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"#{self.last_seq} {self.last_hash[:12]}"
