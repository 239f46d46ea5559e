"""Pay cycles (发放批次), their roster lines (发放名册), bank file templates, exports and bank returns (退票).

A roster line is a snapshot: payee, account, amount and the benefit change it came from are copied when the cycle is
generated, so later edits to the registry or to benefits never change a generated roster (they show up next cycle).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from minzheng.core.scope import RegionScopedModel, RegionScopedQuerySet


def program_label(code: str) -> str:
    from minzheng.rules.programs import PROGRAMS

    return str(PROGRAMS[code].label) if code in PROGRAMS else code


class CycleState(models.TextChoices):
    BUILDING = "building", _("生成中")
    DRAFT = "draft", _("草稿")
    CHECKED = "checked", _("已核对")
    NOTICED = "noticed", _("已公示")
    APPROVED = "approved", _("已审批")
    EXPORTED = "exported", _("已导出银行文件")
    RECONCILED = "reconciled", _("已对账")
    CLOSED = "closed", _("已结束")


class PayCycle(RegionScopedModel):
    """One program (or a group paid together) for one period (a month or a quarter) in one region."""

    region_scope_path: ClassVar[str] = "region"

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    #: program codes paid together, comma-separated in a fixed order (e.g. "dibao" or "disability_living,…")
    programs = models.CharField(_("救助项目"), max_length=200)
    period_start = models.DateField(_("发放期间起"))
    months = models.PositiveSmallIntegerField(_("月数"), default=1)
    state = models.CharField(
        _("状态"), max_length=12, choices=CycleState.choices, default=CycleState.BUILDING, db_index=True
    )
    #: who builds it now ("host:pid") and when it last showed life: a build whose process is gone may be taken over
    builder = models.CharField(max_length=100, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    line_count = models.PositiveIntegerField(_("笔数"), default=0)
    total = models.DecimalField(_("合计金额"), max_digits=16, decimal_places=2, default=0)
    #: what the checks found when they last ran: {"problems": [...], "villages": [...], "blocking": n}
    checks = models.JSONField(default=dict, blank=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    generated_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "region_id", "programs"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "programs", "period_start"], name="paycycle_one_per_region_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.programs} {self.period_start:%Y-%m}"

    @property
    def program_list(self) -> list[str]:
        return self.programs.split(",")

    @property
    def programs_label(self) -> str:
        return "、".join(program_label(code) for code in self.program_list)


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("待银行回盘")
    PAID = "paid", _("已到账")
    FAILED = "failed", _("发放失败")


class Reissue(models.TextChoices):
    NONE = "", _("—")
    NEXT_CYCLE = "next", _("下期补发")
    MANUAL = "manual", _("已人工发放")
    REISSUED = "reissued", _("已在后续批次补发")


class RosterLine(RegionScopedModel):
    """One payee's line of a cycle: the regular amount for the period, back pay, a reissue of a failed earlier line
    and any deduction, each kept apart so the clerk sees how the total was made."""

    region_scope_path: ClassVar[str] = "region"

    cycle = models.ForeignKey(PayCycle, on_delete=models.CASCADE, related_name="lines")
    benefit = models.ForeignKey("cases.Benefit", on_delete=models.PROTECT, related_name="roster_lines")
    #: the benefit change in force for the period: the decision this line came from
    change = models.ForeignKey(
        "benefits.BenefitChange", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    program = models.CharField(_("救助项目"), max_length=30)
    payee_name = models.CharField(_("领款人"), max_length=50)
    payee_id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    bank_name = models.CharField(_("开户银行"), max_length=100, blank=True)
    account_holder = models.CharField(_("账户户名"), max_length=50, blank=True)
    account_number = models.CharField(_("银行账号"), max_length=32, blank=True)
    members_covered = models.PositiveSmallIntegerField(_("保障人数"), default=1)
    #: the months this line pays for (arrears included): the next cycle starts after ``months_to``
    months_from = models.DateField(_("所属月份起"))
    months_to = models.DateField(_("所属月份止"))
    regular_amount = models.DecimalField(_("本期金额"), max_digits=14, decimal_places=2, default=0)
    arrears_amount = models.DecimalField(_("补发金额"), max_digits=14, decimal_places=2, default=0)
    reissue_amount = models.DecimalField(_("退票重发"), max_digits=14, decimal_places=2, default=0)
    deduction_amount = models.DecimalField(_("抵扣追回款"), max_digits=14, decimal_places=2, default=0)
    amount = models.DecimalField(_("实发金额"), max_digits=14, decimal_places=2)
    note = models.TextField(_("说明"), blank=True)
    recovery = models.ForeignKey(
        "benefits.Recovery", on_delete=models.PROTECT, null=True, blank=True, related_name="deductions"
    )
    status = models.CharField(
        _("发放结果"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    failure_reason = models.CharField(_("失败原因"), max_length=200, blank=True)
    reissue = models.CharField(_("失败处理"), max_length=10, choices=Reissue.choices, blank=True, default="")
    reissued_in = models.ForeignKey(
        PayCycle, on_delete=models.SET_NULL, null=True, blank=True, related_name="reissued_lines"
    )

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        ordering = ["cycle_id", "region_id", "household_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "benefit"], name="rosterline_one_per_benefit"),
        ]
        indexes = [
            models.Index(fields=["benefit", "months_to"], name="rosterline_benefit_months"),
            models.Index(fields=["household"], name="rosterline_household"),
            models.Index(fields=["status", "reissue"], name="rosterline_failed"),
            # reports: a program's funds in a quarter read only that quarter's cycles' lines, from the index alone
            models.Index(
                fields=["cycle", "program"],
                include=["status", "region", "household", "amount"],
                name="rosterline_cycle_program",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle_id} {self.payee_name} {self.amount}"

    @property
    def program_label(self) -> str:
        return program_label(self.program)


class FileFormat(models.TextChoices):
    XLSX = "xlsx", _("Excel (.xlsx)")
    CSV = "csv", _("CSV 文本")


class Encoding(models.TextChoices):
    GB18030 = "gb18030", _("GB18030(多数银行系统)")
    UTF8_BOM = "utf-8-sig", _("UTF-8 带 BOM")


class BankTemplate(RegionScopedModel):
    """A bank's import layout: which columns, in which order, under which headers; the format and encoding."""

    region_scope_path: ClassVar[str] = "region"

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("模板名称"), max_length=100)
    file_format = models.CharField(_("文件格式"), max_length=5, choices=FileFormat.choices)
    encoding = models.CharField(
        _("编码(CSV)"), max_length=10, choices=Encoding.choices, default=Encoding.GB18030
    )
    #: [[column key, header], …] in file order; keys from payments.bankfiles.COLUMNS
    columns = models.JSONField(_("列"))
    totals_row = models.BooleanField(_("末行合计"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="banktemplate_unique_name")]

    def __str__(self) -> str:
        return self.name


class BankExport(RegionScopedModel):
    """One bank file written for a cycle: where it is, and the control totals to compare with the bank's."""

    region_scope_path: ClassVar[str] = "cycle__region"

    cycle = models.ForeignKey(PayCycle, on_delete=models.CASCADE, related_name="exports")
    template = models.ForeignKey(BankTemplate, on_delete=models.PROTECT, related_name="+")
    #: file name under VAR_DIR/exports (random); empty until the file is complete
    stored_name = models.CharField(max_length=100, blank=True)
    download_name = models.CharField(max_length=200)
    row_count = models.PositiveIntegerField(default=0)
    total = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.download_name


class BankReturn(RegionScopedModel):
    """A bank's result file (回盘) as imported: how many lines it confirmed paid and failed."""

    region_scope_path: ClassVar[str] = "cycle__region"

    cycle = models.ForeignKey(PayCycle, on_delete=models.CASCADE, related_name="returns")
    file_name = models.CharField(max_length=200)
    paid_count = models.PositiveIntegerField(default=0)
    paid_total = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    failed_count = models.PositiveIntegerField(default=0)
    failed_total = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.file_name
