from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyVersion(models.Model):
    """The parameters a region sets from a date on: a preset (optional) plus its own values, over its parents'.

    Rows are never edited: a change is a new row with its effective date, so the history reads like the
    documents that made it (DB-02: standards are "adjusted from time to time"). Not region-scoped for reading:
    published standards are public, and every office must read its parents' rows; writing checks the scope.
    """

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("地区"), on_delete=models.PROTECT, related_name="policy_versions"
    )
    effective_from = models.DateField(_("生效日期"))
    preset = models.CharField(_("政策预设"), max_length=40, blank=True)
    values = models.JSONField(_("本级设定的参数"), default=dict)
    note = models.CharField(_("依据文件"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("政策版本")
        verbose_name_plural = _("政策版本")
        ordering = ["region_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "effective_from"], name="policy_one_version_per_region_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.effective_from:%Y-%m-%d}"
