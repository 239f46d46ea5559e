"""A township's report for a period as submitted: a frozen snapshot the county aggregates (later edits to the data
never change it); returned with a reason, reopened and submitted again, each step audited. And the year's budget of a
program for a county or township, which the dashboard sets the funds paid against."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from minzheng.core.scope import RegionScopedModel, RegionScopedQuerySet


class SubmissionState(models.TextChoices):
    DRAFT = "draft", _("填报中")
    SUBMITTED = "submitted", _("已上报")
    RETURNED = "returned", _("已退回")


class ReportSubmission(RegionScopedModel):
    region_scope_path: ClassVar[str] = "region"

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    form = models.CharField(_("报表"), max_length=40)
    period = models.CharField(_("期间"), max_length=10)
    state = models.CharField(_("状态"), max_length=10, choices=SubmissionState.choices)
    #: the table as submitted: {"rows": [[label, [value, …]], …], "columns": [indicator, …]}
    snapshot = models.JSONField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "form", "period"]
        constraints = [
            models.UniqueConstraint(fields=["region", "form", "period"], name="report_one_per_region_period")
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.form} {self.period} {self.state}"


class Budget(RegionScopedModel):
    """The year's budget of one program's funds for a county or a township (资金预算), set by hand."""

    region_scope_path: ClassVar[str] = "region"

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    program = models.CharField(_("救助项目"), max_length=30)
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = models.DecimalField(_("预算金额(元)"), max_digits=16, decimal_places=2)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        ordering = ["year", "region_id", "program"]
        constraints = [
            models.UniqueConstraint(fields=["region", "program", "year"], name="budget_one_per_program_year"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="budget_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.program} {self.year} {self.amount}"
