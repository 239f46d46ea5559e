"""Dynamic management (动态管理): what happened to each benefit, month by month, and what waits for a decision.

The benefit itself (cases.Benefit) holds its current amount and state; `BenefitChange` is its history with the month
each change takes effect (payments read the amount in force for a month from it); `Recheck` is a proposed change
that a person must confirm — nothing changes silently.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from minzheng.core.scope import RegionScopedModel, RegionScopedQuerySet


class ChangeKind(models.TextChoices):
    STARTED = "started", _("开始享受")
    ADJUSTED = "adjusted", _("调整金额")
    STOPPED = "stopped", _("停止")
    SUSPENDED = "suspended", _("暂停")
    RESUMED = "resumed", _("恢复")
    TAPER = "taper", _("进入渐退期")
    REVIEWED = "reviewed", _("复核(金额不变)")


class BenefitChange(RegionScopedModel):
    region_scope_path: ClassVar[str] = "region"

    benefit = models.ForeignKey("cases.Benefit", on_delete=models.PROTECT, related_name="changes")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("变动"), max_length=12, choices=ChangeKind.choices)
    effective_month = models.DateField(_("起始月份"))
    old_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    new_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    reason = models.TextField(_("理由"))
    decision = models.JSONField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        ordering = ["benefit_id", "effective_month", "pk"]
        indexes = [
            # The change in force in a month is the benefit's latest on or before it (reports' in_force, the roster
            # build): one probe of this index, newest first, its amount read from the index alone on PostgreSQL.
            models.Index(
                fields=["benefit", "-effective_month", "-id"],
                include=["new_amount"],
                name="benefit_change_latest",
            )
        ]

    def __str__(self) -> str:
        return f"{self.benefit_id} {self.kind} {self.effective_month:%Y-%m}"


class Recheck(RegionScopedModel):
    """A decision to take: the old and new decision side by side, from an event (death, household change, age,
    a standard change or a due review); the clerk applies it (from a month) or dismisses it with a reason."""

    region_scope_path: ClassVar[str] = "region"

    class Trigger(models.TextChoices):
        DEATH = "death", _("家庭成员死亡")
        HOUSEHOLD = "household", _("家庭情况变化")
        AGE = "age", _("年龄变化")
        REVIEW = "review", _("定期复核到期")
        STANDARD = "standard", _("标准调整")
        SUGGESTION = "suggestion", _("建议办理")

    class State(models.TextChoices):
        OPEN = "open", _("待处理")
        APPLIED = "applied", _("已调整")
        DISMISSED = "dismissed", _("维持不变")

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="rechecks")
    benefit = models.ForeignKey(
        "cases.Benefit", on_delete=models.PROTECT, null=True, blank=True, related_name="rechecks"
    )
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    trigger = models.CharField(_("原因"), max_length=12, choices=Trigger.choices)
    reason = models.TextField(_("说明"))
    program = models.CharField(_("救助项目"), max_length=30, blank=True)
    old_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    new_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    new_eligible = models.BooleanField(null=True)
    new_decision = models.JSONField(null=True, blank=True)
    effective_month = models.DateField(_("拟自何月起"))
    #: a periodic review is a short re-run of the procedure: its home visit and financial check (DB-43)
    visit = models.ForeignKey(
        "cases.Investigation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    financial_check = models.ForeignKey(
        "cases.FinancialCheck", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=State.choices, default=State.OPEN, db_index=True
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]
        indexes = [models.Index(fields=["region", "state"], name="recheck_region_state")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.trigger} {self.state}"


class Recovery(RegionScopedModel):
    """追回 (DB-47): what was paid since a false statement, and the fine range of S1 Art. 68 (1–3 ×)."""

    region_scope_path: ClassVar[str] = "region"

    benefit = models.ForeignKey("cases.Benefit", on_delete=models.PROTECT, related_name="recoveries")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    since_month = models.DateField(_("起算月份"))
    until_month = models.DateField(_("截止月份"))
    amount = models.DecimalField(_("应追回金额"), max_digits=14, decimal_places=2)
    fine_min = models.DecimalField(_("罚款下限"), max_digits=14, decimal_places=2)
    fine_max = models.DecimalField(_("罚款上限"), max_digits=14, decimal_places=2)
    reason = models.TextField(_("事实和依据"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RegionScopedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.benefit_id} {self.amount}"


class BenefitSpan(models.Model):
    """A stretch of months in which a benefit pays more than 0, derived from its history (a read model for the
    dashboard: persons in force month by month without walking the history each time). Maintained by
    ``benefits.spans.spans_refresh`` in the transaction of every write to the history; ``spans_rebuild`` makes
    it again from scratch; a test keeps it equal to ``in_force``."""

    benefit = models.ForeignKey("cases.Benefit", on_delete=models.CASCADE, related_name="+")
    program = models.CharField(max_length=30)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False)
    persons = models.PositiveSmallIntegerField()
    #: first month paid, and the first month no longer paid by this stretch (None: still paying)
    start = models.DateField()
    until = models.DateField(null=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["program", "region"], include=["start", "until", "persons"], name="span_scope"
            )
        ]

    def __str__(self) -> str:
        return f"{self.benefit_id} {self.start:%Y-%m}–{self.until or ''}"
