"""Writes to the working-day calendar (county_admin only), each audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from minzheng.accounts.roles import Capability
from minzheng.audit import events
from minzheng.audit.services import audit_record
from minzheng.core.errors import PermissionDeniedError, ValidationFailed
from minzheng.core.models import CalendarDay, CalendarSource, CalendarYear, DayKind

MIN_YEAR, MAX_YEAR = 2004, 2100


def _require_calendar_editor(actor: Any) -> None:
    if not actor.can(Capability.EDIT_CALENDAR):
        raise PermissionDeniedError(_("只有县级管理员可以维护节假日安排。"))


def calendar_year_add(*, actor: Any, year: int, notice: str) -> CalendarYear:
    """Put a year's State Council holiday notice on file, so deadlines in that year can be computed."""
    _require_calendar_editor(actor)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed(
            _("年度应在 %(min)s 至 %(max)s 之间。") % {"min": MIN_YEAR, "max": MAX_YEAR},
            fields={"year": [_("年度超出范围。")]},
        )
    notice = notice.strip()
    if not notice:
        raise ValidationFailed(
            _("请填写放假安排的依据文件(如国务院办公厅通知的文号)。"), fields={"notice": [_("必填。")]}
        )
    with transaction.atomic():
        if CalendarYear.objects.filter(year=year).exists():
            raise ValidationFailed(
                _("%(year)s 年的日历已经存在。") % {"year": year}, fields={"year": [_("已存在。")]}
            )
        cal_year = CalendarYear.objects.create(year=year, notice=notice, source=CalendarSource.ADMIN)
        audit_record(
            event_code=events.CALENDAR_YEAR_ADDED,
            actor=actor,
            region_code=actor.region_id,
            target=cal_year,
            new={"year": year, "notice": notice},
        )
    return cal_year


def calendar_day_set(*, actor: Any, day: date, kind: str, name: str) -> CalendarDay:
    """Record a holiday or a make-up workday (调休) in a year already on file."""
    _require_calendar_editor(actor)
    if kind not in DayKind.values:
        raise ValidationFailed(
            _("类型只能是“法定节假日”或“调休工作日”。"), fields={"kind": [_("无效的类型。")]}
        )
    if kind == DayKind.WORKDAY and day.weekday() < 5:
        raise ValidationFailed(
            _("%(date)s 本来就是工作日，无需设为调休工作日。") % {"date": day.isoformat()},
            fields={"date": [_("不是周末。")]},
        )
    with transaction.atomic():
        cal_year = CalendarYear.objects.filter(year=day.year).first()
        if cal_year is None:
            raise ValidationFailed(
                _("请先新增 %(year)s 年度(填写放假通知文号)，再录入具体日期。") % {"year": day.year},
                fields={"date": [_("年度尚未录入。")]},
            )
        existing = CalendarDay.objects.select_for_update().filter(date=day).first()
        old = {"kind": existing.kind, "name": existing.name} if existing else None
        obj, _created = CalendarDay.objects.update_or_create(
            date=day, defaults={"year": cal_year, "kind": kind, "name": name.strip()[:50]}
        )
        audit_record(
            event_code=events.CALENDAR_DAY_SET,
            actor=actor,
            region_code=actor.region_id,
            target=obj,
            old=old,
            new={"date": day.isoformat(), "kind": kind, "name": obj.name},
        )
    return obj


def calendar_day_remove(*, actor: Any, day: date) -> None:
    _require_calendar_editor(actor)
    with transaction.atomic():
        obj = CalendarDay.objects.select_for_update().filter(date=day).first()
        if obj is None:
            raise ValidationFailed(_("%(date)s 没有特殊安排，无需删除。") % {"date": day.isoformat()})
        audit_record(
            event_code=events.CALENDAR_DAY_REMOVED,
            actor=actor,
            region_code=actor.region_id,
            target=obj,
            old={"date": day.isoformat(), "kind": obj.kind, "name": obj.name},
        )
        obj.delete()
