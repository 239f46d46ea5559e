"""The procedure (审核确认程序) of every program: one Application workflow, its steps as records, its public notices.

The state machine is `Status` with the allowed transitions in `transitions.py`; every change goes through one
service in `services.py` that locks the row, checks the state and writes the audit event in the same transaction.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from minzheng.assessment.cases import PERIOD_UNITS
from minzheng.core.scope import RegionScopedModel, RegionScopedQuerySet


class Status(models.TextChoices):
    APPLIED = "applied", _("待受理")
    INCOMPLETE = "incomplete", _("待补正材料")
    ACCEPTED = "accepted", _("已受理，待入户调查")
    INVESTIGATED = "investigated", _("已入户调查，待核对")
    CHECKED = "checked", _("已核对，待初审")
    REVIEWED = "reviewed", _("已初审，待公示")
    NOTICE = "notice", _("公示中")
    OBJECTED = "objected", _("公示有异议，待复查")
    NOTICE_ENDED = "notice_ended", _("公示期满，待审核确认")
    APPROVED = "approved", _("已确认")
    REFUSED = "refused", _("不予确认")
    WITHDRAWN = "withdrawn", _("已撤回")


OPEN_STATUSES = frozenset(Status.values) - {Status.APPROVED, Status.REFUSED, Status.WITHDRAWN}


class Application(RegionScopedModel):
    """One application for one program by one household (or one person of it), from filing to decision."""

    region_scope_path: ClassVar[str] = "region"

    household = models.ForeignKey(
        "registry.Household", verbose_name=_("家庭"), on_delete=models.PROTECT, related_name="applications"
    )
    region = models.ForeignKey("regions.Region", verbose_name=_("所属村(社区)"), on_delete=models.PROTECT)
    program = models.CharField(_("救助项目"), max_length=30, db_index=True)
    applicant = models.ForeignKey(
        "registry.Member", verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="applications"
    )
    #: for per-person programs (特困, 高龄 …): whom the case is about; for household programs the applicant
    subject = models.ForeignKey(
        "registry.Member", verbose_name=_("救助对象"), on_delete=models.PROTECT, related_name="+", null=True
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.APPLIED, db_index=True
    )
    #: DB-06: filed by someone else on the household's behalf (委托), with the entrustment document
    on_behalf = models.BooleanField(_("委托申请"), default=False)
    proxy_name = models.CharField(_("受托人"), max_length=50, blank=True)
    proxy_relation = models.CharField(_("受托人与申请人关系"), max_length=50, blank=True)
    proxy_document = models.ForeignKey(
        "registry.Document",
        verbose_name=_("委托书"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    #: DB-06 / TK-07: opened by staff for someone who appears eligible (主动发现)
    proactive = models.BooleanField(_("主动发现"), default=False)
    #: DB-08: applicant or member is a near relative of social-assistance or village staff
    near_relative = models.BooleanField(_("近亲属备案"), default=False)
    #: DB-50: complaints or reports received about the case
    complained = models.BooleanField(_("有投诉举报"), default=False)
    urgent = models.BooleanField(_("急难情形"), default=False)
    #: drawn for the county's own check when the notice ends (policy procedure.spot_check_ratio)
    spot_check = models.BooleanField(_("县级抽查"), default=False)
    #: the program's Request (rules) as JSON: the cause of a hardship, costs …
    request_data = models.JSONField(_("申请事项"), default=dict, blank=True)
    reason = models.TextField(_("申请理由"), blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_on = models.DateField(_("申请日期"))
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    #: DB-30: extended to 45 working days in special cases, with the reason
    extended = models.BooleanField(_("延长办理期限"), default=False)
    extension_reason = models.CharField(_("延长理由"), max_length=200, blank=True)
    #: DB-10: the one complete list of what to add (一次性告知), and when it was given: a second list only after
    #: the household answered the first (a document added to its file since)
    missing_materials = models.JSONField(_("需补正的材料"), default=list, blank=True)
    materials_requested_at = models.DateTimeField(_("告知补正时间"), null=True, blank=True)
    #: DB-27: a village appraisal is due (policy says always, or chosen after an objection)
    appraisal_required = models.BooleanField(_("需民主评议"), default=False)
    #: township review (初审): the rules engine's decision snapshotted, and the reviewer's opinion
    decision = models.JSONField(_("初审测算结果"), null=True, blank=True)
    proposed_amount = models.DecimalField(
        _("拟保障金额"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    review_override = models.BooleanField(_("初审意见与测算不一致"), default=False)
    review_opinion = models.TextField(_("初审意见"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_on = models.DateField(_("初审日期"), null=True, blank=True)
    #: county decision (审核确认) — or the township's where delegated (DB-03)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_on = models.DateField(_("确认日期"), null=True, blank=True)
    approved_amount = models.DecimalField(
        _("确认金额"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    first_payment_month = models.DateField(_("起始发放月份"), null=True, blank=True)
    refusal_reasons = models.TextField(_("不予确认理由"), blank=True)
    refusal_notified_on = models.DateField(_("不予确认告知日期"), null=True, blank=True)
    #: 临时救助 先行救助 (LS-04): paid before the paperwork
    prepaid_amount = models.DecimalField(
        _("先行救助金额"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    prepaid_on = models.DateField(_("先行救助日期"), null=True, blank=True)
    #: the next deadline of the case (indexed: 待办 sorts by it), recomputed by every transition
    next_due = models.DateField(_("下一期限"), null=True, blank=True, db_index=True)
    next_step = models.CharField(_("下一步"), max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("申请")
        verbose_name_plural = _("申请")
        ordering = ["-pk"]
        indexes = [models.Index(fields=["region", "status"], name="case_region_status")]

    def __str__(self) -> str:
        return f"{self.pk} {self.program_label}"

    @property
    def program_label(self) -> str:
        from minzheng.rules.programs import PROGRAMS  # rules are pure; imported late to keep models light

        program = PROGRAMS.get(self.program)
        return str(program.label) if program else self.program


class Investigation(models.Model):
    """入户调查 (DB-20, DB-22): at least two distinct staff; the members present sign; remote only in emergencies."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="investigations")
    by_county = models.BooleanField(_("县级入户核查"), default=False)  # DB-08 / DB-50
    visited_on = models.DateField(_("调查日期"))
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("调查人员"), related_name="+")
    methods = models.JSONField(_("调查方式"), default=list)
    remote = models.BooleanField(_("电话或视频方式"), default=False)
    members_present = models.CharField(_("在场家庭成员"), max_length=200)
    #: DB-19: the visitors' finding on the household's property (None: not judged, the rules decide from the file);
    #: the township review passes it to the engine, so excess property refuses instead of warning
    property_ok = models.BooleanField(_("家庭财产符合规定"), null=True, blank=True)
    member_signed = models.BooleanField(_("在场成员已签字"), default=False)
    findings = models.TextField(_("调查情况"))
    document = models.ForeignKey(
        "registry.Document",
        verbose_name=_("入户调查表"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.application_id} {self.visited_on}"


class FinancialCheck(models.Model):
    """家庭经济状况核对 (DB-23, DB-24): the result as a document and a summary; an objection loops back."""

    class Result(models.TextChoices):
        CONSISTENT = "consistent", _("核对结果与申报一致")
        INCONSISTENT = "inconsistent", _("核对发现未申报的收入或财产")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="checks")
    checked_on = models.DateField(_("核对日期"))
    result = models.CharField(_("核对结果"), max_length=20, choices=Result.choices)
    summary = models.TextField(_("核对情况"))
    document = models.ForeignKey(
        "registry.Document",
        verbose_name=_("核对报告"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    applicant_objected = models.BooleanField(_("申请人对核对结果有异议"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.application_id} {self.checked_on}"


class Appraisal(models.Model):
    """民主评议 (DB-27): quorum ≥ 2/3 of those entitled, and ≥ 2/3 of those present agree."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="appraisals")
    held_on = models.DateField(_("评议日期"))
    entitled = models.PositiveIntegerField(_("应到人数"))
    present = models.PositiveIntegerField(_("实到人数"))
    agree = models.PositiveIntegerField(_("同意人数"))
    passed = models.BooleanField(_("评议通过"))
    document = models.ForeignKey(
        "registry.Document",
        verbose_name=_("评议记录"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.application_id} {self.held_on}"


class Notice(RegionScopedModel):
    """公示 (DB-25): 7 calendar days in the applicant's village; public without login, minimum fields only (DB-32)."""

    region_scope_path: ClassVar[str] = "region"

    class State(models.TextChoices):
        OPEN = "open", _("公示中")
        OBJECTED = "objected", _("有异议，已中止")
        ENDED = "ended", _("公示期满")

    class Kind(models.TextChoices):
        REVIEW = "review", _("初审结果公示")
        TERMINATION = "termination", _("终止供养公示")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="notices")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("公示类型"), max_length=12, choices=Kind.choices, default=Kind.REVIEW)
    #: TK-10: a 特困 termination is published before support stops; the benefit and the written reasons
    benefit = models.ForeignKey(
        "cases.Benefit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    termination_reason = models.TextField(_("终止理由"), blank=True)
    round = models.PositiveSmallIntegerField(_("公示轮次"), default=1)
    starts_on = models.DateField(_("公示开始"))
    ends_on = models.DateField(_("公示截止"))
    state = models.CharField(_("公示状态"), max_length=10, choices=State.choices, default=State.OPEN)
    #: exactly what the public page shows, frozen at publication (DB-32, DB-34, DB-35): never an ID or address
    public_name = models.CharField(_("公示姓名"), max_length=50)
    public_members = models.PositiveSmallIntegerField(_("保障人数"))
    public_amount = models.DecimalField(
        _("拟保障金额"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    complaint_phone = models.CharField(_("监督电话"), max_length=30)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "pk"]
        indexes = [models.Index(fields=["region", "state"], name="notice_region_state")]

    def __str__(self) -> str:
        return f"{self.application_id} #{self.round}"

    @property
    def amount_unit(self) -> str:
        """The unit of the published amount, from the decision's period: 元/月, 元/季, 元/年, or 元 for a one-off
        grant (a 临时救助); a decision recorded before periods were kept is monthly."""
        period = (self.application.decision or {}).get("period") or Period.MONTHLY
        return str(PERIOD_UNITS.get(period) or PERIOD_UNITS[Period.ONE_OFF])


class Objection(models.Model):
    """异议 during a notice (DB-26): from the public page (name optional) or taken down by staff."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="objections")
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    contact = models.CharField(_("联系方式"), max_length=50)
    text = models.TextField(_("异议内容"))
    submitted_at = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    resolution = models.CharField(
        _("处理方式"),
        max_length=20,
        blank=True,
        choices=[("reinvestigate", _("重新调查")), ("appraisal", _("民主评议"))],
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.notice_id} {self.submitted_at:%Y-%m-%d}"


class Quota(RegionScopedModel):
    """总量控制: at most ``limit`` active benefits of a program within a region (进一退一, 先退后进)."""

    region_scope_path: ClassVar[str] = "region"

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("地区"), on_delete=models.PROTECT, related_name="+"
    )
    program = models.CharField(_("救助项目"), max_length=30)
    limit = models.PositiveIntegerField(_("名额"))
    note = models.CharField(_("依据"), max_length=200)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "program"], name="quota_one_per_region_program")
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.program} {self.limit}"


class Period(models.TextChoices):
    """How often a benefit pays its amount (YF-11: 优抚 may be paid by quarter or year)."""

    MONTHLY = "monthly", _("按月")
    QUARTERLY = "quarterly", _("按季")
    YEARLY = "yearly", _("按年")
    ONE_OFF = "one_off", _("一次性")


#: months between two payments of a recurring benefit
PERIOD_MONTHS: dict[str, int] = {Period.MONTHLY: 1, Period.QUARTERLY: 3, Period.YEARLY: 12}


class Benefit(RegionScopedModel):
    """What an approved case grants: the record payments and re-reviews build on (issue: dynamic management)."""

    region_scope_path: ClassVar[str] = "region"

    class State(models.TextChoices):
        ACTIVE = "active", _("享受中")
        SUSPENDED = "suspended", _("暂停")
        TAPERING = "tapering", _("渐退期")
        STOPPED = "stopped", _("已停止")
        #: a one-off grant once the roster that pays it is approved: no longer live, counted, or on the public roll
        ENDED = "ended", _("已发放完毕")

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="benefit")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="benefits")
    member = models.ForeignKey(
        "registry.Member", on_delete=models.PROTECT, null=True, related_name="benefits"
    )
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    program = models.CharField(_("救助项目"), max_length=30, db_index=True)
    #: the amount of one period: a month, a quarter or a year (paid every 3 or 12 months from the first month), or
    #: the whole of a one-off grant; the history (BenefitChange.new_amount) holds amounts of the same period
    amount = models.DecimalField(_("金额"), max_digits=14, decimal_places=2)
    period = models.CharField(_("发放周期"), max_length=10, choices=Period.choices, default=Period.MONTHLY)
    members_covered = models.PositiveSmallIntegerField(_("保障人数"), default=1)
    decision = models.JSONField(_("决定依据"))
    first_month = models.DateField(_("起始月份"))
    review_due = models.DateField(_("下次复核"), null=True, blank=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=State.choices, default=State.ACTIVE, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        indexes = [
            # the dashboard's "reviews due" (and the monthly scan's): live benefits by due date, counted from the
            # index alone for any region prefix
            models.Index(
                fields=["review_due", "region"],
                condition=models.Q(state__in=["active", "tapering"]),
                name="benefit_review_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.program} {self.amount}"

    @property
    def amount_unit(self) -> str:
        """元/月, 元/季, 元/年 or 元 (a one-off grant)."""
        return str(PERIOD_UNITS.get(self.period, _("元")))

    @property
    def for_the_deceased(self) -> bool:
        """A grant for someone's death (殡葬补贴; 优抚 丧葬补助 and one-off death payments): it names the person who
        died, is paid to the household (its head, the account holder), and no registry event ends it. The same test
        is written in SQL in payments.generation (the roster's payee)."""
        from minzheng.rules.programs import PROGRAMS  # rules are pure; imported late to keep models light

        if PROGRAMS[self.program].for_the_deceased:
            return True
        member = self.member
        return self.period == "one_off" and member is not None and member.date_of_death is not None
