"""The working-day calendar's data: which years are known, and the days that differ from a plain week."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarSource(models.TextChoices):
    SEED = "seed", _("系统预置")
    ADMIN = "admin", _("管理员录入")


class CalendarYear(models.Model):
    """A year whose State Council holiday notice is on file. Deadlines in other years are refused."""

    year = models.PositiveSmallIntegerField(_("年度"), primary_key=True)
    notice = models.CharField(_("依据文件"), max_length=200, blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=CalendarSource.choices)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("日历年度")
        verbose_name_plural = _("日历年度")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日(休)")
    WORKDAY = "workday", _("调休工作日(班)")


class CalendarDay(models.Model):
    """A day that differs from Monday-to-Friday: a holiday on a weekday or a make-up workday on a weekend.

    Holidays that fall on a weekend are stored too (so the calendar page can show the whole festival).
    """

    date = models.DateField(_("日期"), primary_key=True)
    year = models.ForeignKey(
        CalendarYear, verbose_name=_("年度"), on_delete=models.CASCADE, related_name="days"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("名称"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class Job(models.Model):
    """A long piece of work run by the background worker, with its progress for the page that waits on it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("类型"), max_length=40)
    label = models.CharField(_("名称"), max_length=100)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    params = models.JSONField(default=dict)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    #: host:pid of the worker running it and its last sign of life: a job whose worker is gone is reaped
    worker = models.CharField(max_length=100, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")

    def __str__(self) -> str:
        return f"{self.pk} {self.kind} {self.status}"


class ScheduledRun(models.Model):
    """One run of a scheduled task for one period (a month, a day): the unique row is the claim, so a period runs
    once however many workers there are and however often they restart."""

    class Status(models.TextChoices):
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    task = models.CharField(_("任务"), max_length=40)
    period = models.CharField(_("期间"), max_length=10)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    worker = models.CharField(max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(default=1)
    started_at = models.DateTimeField(_("开始时间"))
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("定时任务记录")
        verbose_name_plural = _("定时任务记录")
        constraints = [
            models.UniqueConstraint(fields=["task", "period"], name="scheduled_run_once_per_period")
        ]
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.task} {self.period} {self.status}"
