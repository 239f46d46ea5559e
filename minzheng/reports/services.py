"""Submitting a township's quarter: freeze, return with a reason, reopen, submit again; setting a year's budget —
each audited."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minzheng.accounts.roles import Capability
from minzheng.audit.events import define
from minzheng.audit.services import audit_record
from minzheng.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from minzheng.core.money import round_money, to_decimal
from minzheng.core.scope import covers, scope_code_for
from minzheng.regions.models import Region
from minzheng.reports.definitions import FORMS, compute
from minzheng.reports.indicators import PAID_PROGRAMS
from minzheng.reports.models import Budget, ReportSubmission, SubmissionState
from minzheng.reports.periods import parse_period
from minzheng.rules.programs import PROGRAMS

REPORT_SUBMITTED = define("reports.submitted", _("上报统计报表"))
REPORT_RETURNED = define("reports.returned", _("退回统计报表"))
REPORT_REOPENED = define("reports.reopened", _("撤回重填统计报表"))
BUDGET_SET = define("reports.budget_set", _("填报年度资金预算"))
CHANGE_LIST_EXPORTED = define("reports.change_list_exported", _("导出变动名册"))


def _require(actor: Any, capability: str, region_code: str) -> None:
    if not actor.can(capability) or not covers(scope_code_for(actor), region_code):
        raise PermissionDeniedError(_("您无权办理该报表。"))


def _locked(region_code: str, form: str, period: str) -> ReportSubmission:
    """The submission row, created as a draft if the township has none yet, locked for this transaction."""
    if form not in FORMS:
        raise ValidationFailed(_("没有这张报表"))
    period_code = parse_period(period).code
    region = Region.objects.filter(code=region_code, level="township").first()
    if region is None:
        raise ValidationFailed(_("报表由乡镇(街道)上报"))
    row, _created = ReportSubmission.objects.get_or_create(
        region=region, form=form, period=period_code, defaults={"state": SubmissionState.DRAFT}
    )
    return ReportSubmission.objects.select_for_update().get(pk=row.pk)


def report_submit(*, actor: Any, region_code: str, form: str, period: str) -> ReportSubmission:
    """Freeze the township's numbers as they are now and send them to the county."""
    _require(actor, Capability.SUBMIT_REPORTS, region_code)
    with transaction.atomic():
        row = _locked(region_code, form, period)
        if row.state == SubmissionState.SUBMITTED:
            raise ConflictError(_("该报表已上报；如需修改，请先撤回或等待县级退回"))
        table = compute(FORMS[form], region_code, parse_period(period))
        row.snapshot = {
            "columns": FORMS[form].indicators,
            "rows": [
                [cut, [str(c.value) for c in cells]]
                for (cut, _label), (_l, cells) in zip(FORMS[form].rows, table.rows, strict=True)
            ],
        }
        old = row.state
        row.state = SubmissionState.SUBMITTED
        row.submitted_by, row.submitted_at = actor, timezone.now()
        row.return_reason = ""
        row.save()
        audit_record(
            event_code=REPORT_SUBMITTED,
            actor=actor,
            region_code=region_code,
            target=row,
            target_repr=str(row),
            old={"state": old},
            new={"state": row.state, "snapshot": row.snapshot},
        )
    return row


def report_reopen(*, actor: Any, region_code: str, form: str, period: str) -> ReportSubmission:
    """The township takes its submitted report back to correct it (the county sees it as 填报中 again)."""
    _require(actor, Capability.SUBMIT_REPORTS, region_code)
    with transaction.atomic():
        row = _locked(region_code, form, period)
        if row.state != SubmissionState.SUBMITTED:
            raise ConflictError(_("只有已上报的报表可以撤回"))
        row.state = SubmissionState.DRAFT
        row.save(update_fields=["state", "updated_at"])
        audit_record(
            event_code=REPORT_REOPENED,
            actor=actor,
            region_code=region_code,
            target=row,
            target_repr=str(row),
            old={"state": SubmissionState.SUBMITTED},
            new={"state": row.state},
        )
    return row


def report_return(*, actor: Any, submission: ReportSubmission, reason: str) -> ReportSubmission:
    """The county sends a submitted report back with the reason."""
    _require(actor, Capability.RETURN_REPORTS, submission.region_id)
    if not reason.strip():
        raise ValidationFailed(_("请写明退回原因"), fields={"reason": [_("必须填写")]})
    with transaction.atomic():
        row = ReportSubmission.objects.select_for_update().get(pk=submission.pk)
        if row.state != SubmissionState.SUBMITTED:
            raise ConflictError(_("只有已上报的报表可以退回"))
        row.state = SubmissionState.RETURNED
        row.return_reason = reason.strip()
        row.save(update_fields=["state", "return_reason", "updated_at"])
        audit_record(
            event_code=REPORT_RETURNED,
            actor=actor,
            region_code=row.region_id,
            target=row,
            target_repr=str(row),
            old={"state": SubmissionState.SUBMITTED},
            new={"state": row.state, "reason": row.return_reason},
        )
    return row


def budget_set(*, actor: Any, region_code: str, program: str, year: int | str, amount: Any) -> Budget | None:
    """Set (or, with an empty amount, remove) a county's or township's budget of one program for a year."""
    _require(actor, Capability.MANAGE_BUDGETS, region_code)
    errors: dict[str, list[str]] = {}
    region = Region.objects.filter(code=region_code, level__in=("county", "township")).first()
    if region is None:
        errors["region"] = [_("预算按县或乡镇(街道)填报")]
    if program not in PAID_PROGRAMS or program not in PROGRAMS:
        errors["program"] = [_("没有这个发放项目")]
    try:
        year_number = int(str(year).strip())
        if not 2000 <= year_number <= 2100:
            raise ValueError
    except ValueError:
        errors["year"] = [_("年度应为四位数字，如 2026")]
    text = str(amount if amount is not None else "").strip()
    value: Decimal | None = None
    if text:
        try:
            value = round_money(to_decimal(text))
            if value < 0:
                errors["amount"] = [_("预算金额不能为负数")]
        except (InvalidOperation, ValueError, TypeError):
            errors["amount"] = [_("预算金额应为数字(元)，如 1200000 或 1,200,000.00")]
    if errors:
        raise ValidationFailed(_("预算未保存：请修正标出的项目"), fields=errors)
    with transaction.atomic():
        row = (
            Budget.objects.select_for_update()
            .filter(region_id=region_code, program=program, year=year_number)
            .first()
        )
        old = {"amount": str(row.amount)} if row else None
        if value is None:  # an empty amount removes the budget
            if row is None:
                return None
            audit_record(
                event_code=BUDGET_SET, actor=actor, region_code=region_code, target=row, old=old, new=None
            )
            row.delete()
            return None
        if row is None:
            row = Budget(region_id=region_code, program=program, year=year_number)
        row.amount, row.updated_by = value, actor
        row.save()
        audit_record(
            event_code=BUDGET_SET,
            actor=actor,
            region_code=region_code,
            target=row,
            old=old,
            new={"amount": str(value)},
        )
    return row
