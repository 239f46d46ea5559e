"""Benefits that follow people's lives: history, events that propose changes, applying them from a month, standard
changes previewed and approved as one batch (DB-43..DB-48, TK-02, TK-10, GL-04, YF-04)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db import transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from minzheng.accounts.roles import Capability, Role
from minzheng.assessment.cases import Case, decide, decision_json
from minzheng.assessment.live import (
    household_snapshot_values,
    household_snapshots,
    registry_request,
    with_hukou,
)
from minzheng.audit.events import define
from minzheng.audit.services import EventSpec, audit_record, audit_record_many
from minzheng.benefits.amounts import amount_for_month
from minzheng.benefits.models import BenefitChange, ChangeKind, Recheck, Recovery
from minzheng.benefits.spans import spans_refresh
from minzheng.cases.models import Benefit, Notice, Period
from minzheng.core.batch import many_ids, without_cyclic_gc
from minzheng.core.errors import ConflictError, DomainError, PermissionDeniedError, ValidationFailed
from minzheng.core.money import ZERO, round_money
from minzheng.core.months import add_months, next_month
from minzheng.core.scope import covers, scope_code_for
from minzheng.policy.models import PolicyVersion
from minzheng.policy.resolve import PolicySet, resolve
from minzheng.policy.selectors import policy_for, policy_memo
from minzheng.registry.idnumber import age_on
from minzheng.registry.models import Household, Member
from minzheng.rules import serialize
from minzheng.rules.common import fraction_text, times
from minzheng.rules.i18n import one_language
from minzheng.rules.programs import PROGRAMS

BENEFIT_STARTED = define("benefits.started", _("开始享受待遇"))
BENEFIT_CHANGED = define("benefits.changed", _("待遇变动"))
RECHECK_OPENED = define("benefits.recheck_opened", _("提示复核"))
RECHECK_RESOLVED = define("benefits.recheck_resolved", _("处理复核提示"))
STANDARD_APPLIED = define("benefits.standard_applied", _("标准调整批量执行"))

LIVE = (Benefit.State.ACTIVE, Benefit.State.TAPERING)


def _require(actor: Any, capability: str, region_code: str) -> None:
    if not actor.can(capability) or not covers(scope_code_for(actor), region_code):
        raise PermissionDeniedError(_("您无权办理该待遇。"))
    # DB-03 / DB-46: the county decides increases, reductions and stops unless the policy delegates it
    if capability == Capability.DECIDE_CASES and actor.role == Role.TOWNSHIP_HEAD:
        level = policy_for(region_code, timezone.localdate()).get("dibao").confirmation_level
        if level != "township_delegated":
            raise PermissionDeniedError(_("审核确认权限在县级民政部门(当地未下放乡镇)"))


def benefit_started(benefit: Benefit, actor: Any) -> BenefitChange:
    """The first line of a benefit's history (called by the approval, inside its transaction)."""
    change = BenefitChange.objects.create(
        benefit=benefit,
        region_id=benefit.region_id,
        kind=ChangeKind.STARTED,
        effective_month=benefit.first_month,
        new_amount=benefit.amount,
        reason=_("审核确认"),
        decision=benefit.decision,
        actor=actor,
    )
    spans_refresh([benefit.pk])
    return change


def _change(
    benefit: Benefit,
    *,
    kind: str,
    month: date,
    reason: str,
    actor: Any,
    new_amount: Decimal | None = None,
    decision: dict[str, Any] | None = None,
) -> BenefitChange:
    """Record one change and apply it to the benefit row (locked by the caller's transaction). A stop cancels every
    change dated after it (a taper month, a standard change): nothing can resume a stopped payment by accident."""
    old = benefit.amount
    if kind == ChangeKind.STOPPED:
        later = BenefitChange.objects.filter(benefit=benefit, effective_month__gte=month)
        cancelled = [f"{c.effective_month:%Y-%m} {c.kind} {c.new_amount}" for c in later]
        if cancelled:
            later.delete()
            reason = f"{reason}({_('撤销其后已排定的变动')}：{'；'.join(cancelled)})"
        benefit.state = Benefit.State.STOPPED
    elif kind in {ChangeKind.ADJUSTED, ChangeKind.RESUMED} and new_amount is not None:
        benefit.amount = new_amount
        benefit.state = Benefit.State.ACTIVE
    elif kind == ChangeKind.TAPER:
        benefit.state = Benefit.State.TAPERING
    elif kind == ChangeKind.SUSPENDED:
        benefit.state = Benefit.State.SUSPENDED
    if decision is not None:
        benefit.decision = decision
    benefit.save(update_fields=["amount", "state", "decision"])
    change = BenefitChange.objects.create(
        benefit=benefit,
        region_id=benefit.region_id,
        kind=kind,
        effective_month=month,
        old_amount=old,
        new_amount=new_amount if new_amount is not None else (ZERO if kind == ChangeKind.STOPPED else old),
        reason=reason,
        decision=decision,
        actor=actor,
    )
    spans_refresh([benefit.pk])
    audit_record(
        event_code=BENEFIT_CHANGED,
        actor=actor,
        region_code=benefit.region_id,
        target=benefit,
        target_repr=f"{benefit.pk} {benefit.program}",
        old={"amount": str(old)},
        new={"kind": kind, "amount": str(change.new_amount), "from": month.isoformat(), "reason": reason},
    )
    return change


def benefit_stop(*, actor: Any, benefit: Benefit, reason: str, month: date | None = None) -> Benefit:
    """停止 with written reasons (DB-46), from a month (default next month); frees a quota place (先退后进)."""
    _require(actor, Capability.DECIDE_CASES, benefit.region_id)
    if not reason.strip():
        raise ValidationFailed(_("停止保障须写明理由"), fields={"reason": [_("必须填写")]})
    with transaction.atomic():
        locked = Benefit.objects.select_for_update().get(pk=benefit.pk)
        if locked.state == Benefit.State.STOPPED:
            raise ConflictError(_("该待遇已停止"))
        if locked.state == Benefit.State.ENDED:
            raise ConflictError(
                _("该一次性待遇已于 %(month)s 发放完毕，无需停止；如系骗取，请按追回办理")
                % {"month": f"{locked.first_month:%Y-%m}"}
            )
        _change(
            locked,
            kind=ChangeKind.STOPPED,
            month=month or next_month(timezone.localdate()),
            reason=reason.strip(),
            actor=actor,
        )
    return locked


# —— events ————————————————————————————————————————————————————————————————————————————————————


def _decide(benefit: Benefit, snapshot: Any, policy: PolicySet, on: date) -> tuple[Any, dict[str, Any]]:
    member = benefit.member.name if benefit.member is not None else ""
    # what the registry knows of the person (GL-02 户籍) over what was typed when the case was filed
    request = registry_request(
        PROGRAMS[benefit.program],
        dict(benefit.application.request_data or {}),
        [benefit.member] if benefit.member is not None else [],
        subject=member,
    )
    return _decide_for(benefit.program, request, member, snapshot, policy, on)


def _decide_for(
    program_code: str,
    request_data: dict[str, Any] | None,
    member: str,
    snapshot: Any,
    policy: PolicySet,
    on: date,
) -> tuple[Any, dict[str, Any]]:
    """The program's rule on a household snapshot, with the case's own request (and its person)."""
    case = _case_for(program_code, request_data, member, snapshot, policy, on)
    decision = decide(case)
    return decision, decision_json(decision, case)


def _case_for(
    program_code: str,
    request_data: dict[str, Any] | None,
    member: str,
    snapshot: Any,
    policy: PolicySet,
    on: date,
) -> Case:
    program = PROGRAMS[program_code]
    return Case(
        program=program,
        on=on,
        policy=policy,
        household=snapshot,
        request=_request_for(program, request_data, member),
    )


def _request_for(program: Any, request_data: dict[str, Any] | None, member: str) -> Any:
    """The case's own request (and its person) as the program's Request dataclass (immutable: may be shared)."""
    data = dict(request_data or {})
    hints = serialize.field_hints(program.request)
    if program.per_person and member and "subject" in hints:
        data["subject"] = member
    if "continuing" in hints:
        data["continuing"] = (
            True  # recomputing a benefit already granted (特困 past 18 while in school, TK-02)
        )
    return serialize.build(program.request, data, path="request")


def _open_recheck(
    benefit: Benefit | None,
    household: Household,
    *,
    trigger: str,
    reason: str,
    month: date,
    program: str = "",
    new_amount: Decimal | None = None,
    new_eligible: bool | None = None,
    new_decision: dict[str, Any] | None = None,
) -> Recheck:
    """One open recheck per benefit (or per household suggestion and program): a newer event refreshes it."""
    existing = (
        Recheck.objects.select_for_update()
        .filter(
            household=household,
            benefit=benefit,
            program=program or (benefit.program if benefit else ""),
            trigger=trigger,
            state=Recheck.State.OPEN,
        )
        .first()
    )
    values = {
        "trigger": trigger,
        "reason": reason,
        "region_id": household.region_id,
        "old_amount": benefit.amount if benefit else None,
        "new_amount": new_amount,
        "new_eligible": new_eligible,
        "new_decision": new_decision,
        "effective_month": month,
    }
    if existing is not None:
        for key, value in values.items():
            setattr(existing, key, value)
        existing.save()
        return existing
    created = Recheck.objects.create(
        household=household,
        benefit=benefit,
        program=program or (benefit.program if benefit else ""),
        **values,
    )
    audit_record(
        event_code=RECHECK_OPENED,
        region_code=household.region_id,
        target=created,
        target_repr=str(created),
        new={
            "trigger": trigger,
            "reason": reason,
            "new_amount": str(new_amount) if new_amount is not None else None,
        },
    )
    return created


def household_events(
    *, household_ids: list[int], reason: str, actor: Any = None, today: date | None = None
) -> int:
    """React to a registry change: deaths stop the person's own benefits from next month (automatically, as the
    rules say); every other live benefit of the households is recomputed and, where the decision changes, a
    recheck shows old and new side by side. Returns the number of rechecks opened or refreshed."""
    today = today or timezone.localdate()
    month = next_month(today)
    # most registry changes touch households with no benefit (an import of new families): find out cheaply first
    concerned: set[int] = set()
    for start in range(0, len(household_ids), 50_000):
        # The keys as one parameter (many_ids): an import announces 100,000 households at once.
        part = household_ids[start : start + 50_000]
        concerned |= set(
            Benefit.objects.filter(household_id__in=many_ids(part), state__in=LIVE).values_list(
                "household_id", flat=True
            )
        )
        if reason == "registry.member_died":
            concerned |= set(
                Member.objects.filter(
                    household_id__in=many_ids(part), date_of_death__isnull=False
                ).values_list("household_id", flat=True)
            )
    if not concerned:
        return 0
    household_ids = sorted(concerned)
    opened = 0
    with transaction.atomic():
        households = {h.pk: h for h in Household.objects.filter(pk__in=household_ids)}
        benefits = list(
            Benefit.objects.select_for_update(of=("self",))
            .filter(household_id__in=household_ids, state__in=LIVE)
            .select_related("member", "application")
        )
        for benefit in benefits:
            member = benefit.member
            if benefit.for_the_deceased:
                continue  # a grant for the person's funeral, not a payment that ends with the life (BZ-01, YF-04)
            if member is not None and member.date_of_death is not None:
                if benefit.program == "veterans":
                    try:
                        with transaction.atomic():
                            _suggest_funeral_grant(
                                benefit, households[benefit.household_id], member.date_of_death
                            )
                    except DomainError as exc:
                        _open_recheck(
                            None,
                            households[benefit.household_id],
                            trigger=Recheck.Trigger.SUGGESTION,
                            reason=_("优抚对象死亡：丧葬补助须补充资料后计算(%(m)s)") % {"m": exc.message},
                            month=next_month(member.date_of_death),
                            program="veterans_funeral",
                        )
                    opened += 1
                _change(
                    benefit,
                    kind=ChangeKind.STOPPED,
                    month=next_month(member.date_of_death),
                    reason=_("%(name)s 于 %(d)s 死亡，次月起停发")
                    % {"name": member.name, "d": member.date_of_death},
                    actor=actor,
                )
        dead = (
            Member.objects.select_related("household").filter(
                household_id__in=household_ids, date_of_death__isnull=False
            )
            if reason == "registry.member_died"
            else Member.objects.none()
        )
        for person in dead:
            suggestion = _("%(name)s 于 %(d)s 死亡：可为其家属办理基本殡葬服务补贴") % {
                "name": person.name,
                "d": person.date_of_death,
            }
            if not Recheck.objects.filter(
                household_id=person.household_id, program="funeral_subsidy", reason=suggestion
            ).exists():
                Recheck.objects.create(  # one suggestion per person who died, never merged with another's
                    household=households[person.household_id],
                    region_id=person.household.region_id,
                    trigger=Recheck.Trigger.SUGGESTION,
                    reason=suggestion,
                    program="funeral_subsidy",
                    effective_month=month,
                )
                opened += 1
        live = [
            b for b in benefits if b.state in LIVE and (b.member is None or b.member.date_of_death is None)
        ]
        snapshots = household_snapshots(list(households.values()), month)
        policies = policy_memo()
        trigger = Recheck.Trigger.DEATH if reason == "registry.member_died" else Recheck.Trigger.HOUSEHOLD
        for benefit in live:
            policy = policies(benefit.region_id, month)
            try:
                decision, snapshot = _decide(benefit, snapshots[benefit.household_id], policy, month)
            except ValidationFailed as exc:
                _open_recheck(
                    benefit,
                    households[benefit.household_id],
                    trigger=trigger,
                    reason=_("无法重新测算：%(m)s") % {"m": exc.message},
                    month=month,
                )
                opened += 1
                continue
            if decision.eligible == (benefit.state in LIVE) and decision.amount == benefit.amount:
                continue
            text = (
                _("家庭情况变化后重新测算：%(old)s 元 → %(new)s 元")
                % {"old": f"{benefit.amount:.2f}", "new": f"{decision.amount:.2f}"}
                if decision.eligible
                else _("家庭情况变化后重新测算：已不符合条件")
            )
            _open_recheck(
                benefit,
                households[benefit.household_id],
                trigger=trigger,
                reason=text,
                month=month,
                new_amount=decision.amount,
                new_eligible=decision.eligible,
                new_decision=snapshot,
            )
            opened += 1
    return opened


def _suggest_funeral_grant(benefit: Benefit, household: Household, died: date) -> None:
    """YF-04: a 优抚 recipient's death brings a one-off funeral grant of months of the monthly amount: computed by
    the veterans rule from the amount received, offered to the clerk (it is paid to the survivors)."""
    snapshots = household_snapshot_values([household.pk], died)
    request = dict(benefit.application.request_data or {})
    request["monthly_amount_received"] = str(benefit.amount)
    decision, snapshot = _decide_for(
        "veterans",
        request,
        benefit.member.name if benefit.member else "",
        snapshots[household.pk],
        policy_for(benefit.region_id, died),
        died,
    )
    _open_recheck(
        None,
        household,
        trigger=Recheck.Trigger.SUGGESTION,
        reason=_("优抚对象死亡：一次性丧葬补助 %(amount)s 元(按生前月领取金额计算)")
        % {"amount": f"{decision.amount:.2f}"},
        month=next_month(died),
        program="veterans_funeral",
        new_amount=decision.amount,
        new_decision=snapshot,
    )


def review_visit_record(
    *,
    actor: Any,
    recheck: Recheck,
    visit: Any,
    result: str,
    summary: str,
    today: date | None = None,
) -> Recheck:
    """定期复核 (DB-43): the home visit and the financial check of a review, then the rules engine on the live data —
    the recheck then shows the old decision beside the new one, to continue, adjust from next month, or stop."""
    from minzheng.cases import services as procedure
    from minzheng.cases.models import FinancialCheck

    _require(actor, Capability.PROCESS_CASES, recheck.region_id)
    if recheck.trigger != Recheck.Trigger.REVIEW or recheck.benefit_id is None:
        raise ConflictError(_("这不是定期复核"))
    if result not in FinancialCheck.Result.values:
        raise ValidationFailed(_("请选择核对结果"), fields={"result": [_("无效")]})
    if not summary.strip():
        raise ValidationFailed(_("请填写核对情况"), fields={"summary": [_("必须填写")]})
    today = today or timezone.localdate()
    month = next_month(today)
    with transaction.atomic():
        locked = Recheck.objects.select_for_update().get(pk=recheck.pk)
        if locked.state != Recheck.State.OPEN or locked.benefit_id is None:
            raise ConflictError(_("该提示已处理"))
        benefit = Benefit.objects.select_related("application", "member", "household").get(
            pk=locked.benefit_id
        )
        case = benefit.application
        procedure.check_visit(case, visit, policy_for(benefit.region_id, today), county=False)
        record = procedure.save_visit(case, actor, visit, county=False)
        check = FinancialCheck.objects.create(
            application=case, checked_on=today, result=result, summary=summary.strip(), recorded_by=actor
        )
        snapshot = household_snapshots([benefit.household], month)[benefit.household_id]
        decision, decision_snapshot = _decide(benefit, snapshot, policy_for(benefit.region_id, month), month)
        locked.visit, locked.financial_check = record, check
        locked.new_amount, locked.new_eligible, locked.new_decision = (
            decision.amount,
            decision.eligible,
            decision_snapshot,
        )
        locked.effective_month = month
        locked.reason = (
            _("定期复核：入户调查和核对已完成，重新测算 %(old)s 元 → %(new)s 元")
            % {"old": f"{benefit.amount:.2f}", "new": f"{decision.amount:.2f}"}
            if decision.eligible
            else _("定期复核：入户调查和核对已完成，已不符合条件")
        )
        locked.save()
        audit_record(
            event_code=RECHECK_OPENED,
            actor=actor,
            region_code=locked.region_id,
            target=locked,
            target_repr=str(locked),
            new={
                "review_visit": record.pk,
                "check": check.pk,
                "eligible": decision.eligible,
                "amount": str(decision.amount),
            },
        )
    return locked


def _next_review(benefit: Benefit) -> None:
    """DB-43: the next review one interval after this one (the decision's review months)."""
    months = int((benefit.decision or {}).get("review_months") or 12)
    base = (benefit.review_due or timezone.localdate()).replace(day=1)
    benefit.review_due = add_months(base, months + 1) - timedelta(days=1)
    benefit.save(update_fields=["review_due"])


def recheck_apply(
    *,
    actor: Any,
    recheck: Recheck,
    reason: str = "",
    month: date | None = None,
    taper: bool = False,
    today: date | None = None,
    expected: str | None = None,
) -> Recheck:
    """Take the proposed decision from its month: a new amount, or a stop with written reasons (DB-46) — or, when
    work income lifted the household above the line, a gradual exit (渐退, DB-48) on the policy's schedule."""
    _require(actor, Capability.DECIDE_CASES, recheck.region_id)
    with transaction.atomic():
        locked = Recheck.objects.select_for_update().get(pk=recheck.pk)
        if locked.state != Recheck.State.OPEN:
            raise ConflictError(_("该提示已处理"))
        if locked.benefit_id is None:
            raise ConflictError(_("这是办理建议，请按建议提出新的申请"))
        eligible_text = {True: "1", False: "0", None: ""}[locked.new_eligible]
        shown = f"{eligible_text}:{'' if locked.new_amount is None else locked.new_amount}"
        if expected is not None and expected != shown:
            raise ConflictError(_("重新测算的结果已更新，请核对后再调整"))
        if locked.trigger == Recheck.Trigger.REVIEW and locked.visit_id is None:
            raise ConflictError(_("定期复核须先完成入户调查和核对"))
        benefit = Benefit.objects.select_for_update().get(pk=locked.benefit_id)
        # never rewrite a month that may already be paid: from next month at the earliest
        start = max(month or locked.effective_month, next_month(today or timezone.localdate()))
        # the proposal is already in force (another recheck of the same event was applied first): nothing to write
        in_force = (
            locked.new_eligible is not False
            and locked.new_amount is not None
            and locked.new_amount == benefit.amount
            and benefit.state in LIVE
        )
        stale = locked.old_amount is not None and locked.old_amount != benefit.amount
        if stale and not in_force:
            # computed against an amount that has changed since: applying it would undo or mix up that change
            raise ConflictError(
                _(
                    "该提示是按 %(old)s 元测算的，待遇现为 %(now)s 元，测算结果已过时：请维持不变，"
                    "需要调整的按现在的家庭情况重新核定"
                )
                % {"old": f"{locked.old_amount:.2f}", "now": f"{benefit.amount:.2f}"}
            )

        if in_force and locked.trigger != Recheck.Trigger.REVIEW:
            pass  # never a no-op change "1160.00 → 1160.00" in the history
        elif in_force:
            BenefitChange.objects.create(  # DB-43: the review's outcome is on record, as when it is kept
                benefit=benefit,
                region_id=benefit.region_id,
                kind=ChangeKind.REVIEWED,
                effective_month=start,
                old_amount=benefit.amount,
                new_amount=benefit.amount,
                reason=reason.strip() or locked.reason,
                actor=actor,
            )
            spans_refresh([benefit.pk])
        elif locked.new_eligible is False:
            if not reason.strip():
                raise ValidationFailed(_("停止保障须写明理由"), fields={"reason": [_("必须填写")]})
            if taper:
                _taper(benefit, start=start, reason=reason.strip(), actor=actor)
            elif benefit.program == "tekun" and locked.trigger != Recheck.Trigger.DEATH:
                termination_publish(actor=actor, benefit=benefit, reason=reason.strip())
            else:
                _change(benefit, kind=ChangeKind.STOPPED, month=start, reason=reason.strip(), actor=actor)
        elif locked.new_amount is not None:
            _change(
                benefit,
                kind=ChangeKind.ADJUSTED,
                month=start,
                reason=reason.strip() or locked.reason,
                actor=actor,
                new_amount=locked.new_amount,
                decision=locked.new_decision,
            )
        else:
            raise ConflictError(_("没有可执行的新测算结果"))
        if locked.trigger == Recheck.Trigger.REVIEW and locked.new_eligible is not False:
            benefit.refresh_from_db()
            _next_review(benefit)  # from the new decision's review interval
        locked.state, locked.resolved_by, locked.resolution = Recheck.State.APPLIED, actor, reason.strip()
        locked.save(update_fields=["state", "resolved_by", "resolution"])
        audit_record(
            event_code=RECHECK_RESOLVED,
            actor=actor,
            region_code=locked.region_id,
            target=locked,
            target_repr=str(locked),
            new={"state": locked.state, "from": start.isoformat()},
        )
    return locked


def _taper(benefit: Benefit, *, start: date, reason: str, actor: Any) -> None:
    """DB-48: the policy's months at the schedule's shares of the current amount, then the stop — all in the history
    now, so each month's amount is known in advance and the benefit shows its remaining taper months."""
    if benefit.program != "dibao":
        raise ValidationFailed(_("渐退只适用于低保"))
    policy = policy_for(benefit.region_id, start).get("dibao")
    schedule = list(policy.taper_schedule)[: policy.taper_months]
    if not schedule:
        raise ValidationFailed(_("当地未设置渐退期"))
    base = benefit.amount
    unit = policy.payment_rounding
    for index, share in enumerate(schedule):
        amount = round_money(times(base, share), unit)
        month = add_months(start, index)
        _change(
            benefit,
            kind=ChangeKind.TAPER,
            month=month,
            reason=_("渐退期第 %(i)s/%(n)s 个月：%(base)s × %(share)s = %(amount)s 元；%(reason)s")
            % {
                "i": index + 1,
                "n": len(schedule),
                "base": base,
                "share": fraction_text(share),
                "amount": amount,
                "reason": reason,
            },
            actor=actor,
            new_amount=amount,
        )
    _change(
        benefit,
        kind=ChangeKind.STOPPED,
        month=add_months(start, len(schedule)),
        reason=_("渐退期满，停止保障"),
        actor=actor,
    )
    benefit.state = Benefit.State.TAPERING
    benefit.save(update_fields=["state"])


def taper_months_left(benefit: Benefit, month: date) -> int:
    """How many taper months remain from ``month`` on (shown on the household page)."""
    return BenefitChange.objects.filter(
        benefit=benefit, kind=ChangeKind.TAPER, effective_month__gte=month
    ).count()


def termination_publish(
    *, actor: Any, benefit: Benefit, reason: str, today: date | None = None
) -> Notice | None:
    """TK-10: a 特困 termination is published for 7 days before support stops (a minor's is not published: it stops
    from next month at once). Returns the notice, or None for a minor."""
    today = today or timezone.localdate()
    person = benefit.member
    if Notice.objects.filter(benefit=benefit, kind=Notice.Kind.TERMINATION, state=Notice.State.OPEN).exists():
        raise ConflictError(_("该对象已有一个正在进行的终止供养公示"))
    if person is None or age_on(person.birth_date, today) < 18:
        _change(benefit, kind=ChangeKind.STOPPED, month=next_month(today), reason=reason, actor=actor)
        _suggest_after_exit(benefit, next_month(today))
        return None
    policy = policy_for(benefit.region_id, today)
    phone = policy.get("procedure").complaint_phone
    if not phone:
        raise ValidationFailed(_("请先在政策参数中设置乡镇监督举报电话(公示须载明)"))
    days = policy.get("dibao").publicity_days
    round_ = Notice.objects.filter(application_id=benefit.application_id).count() + 1
    notice = Notice.objects.create(
        application_id=benefit.application_id,
        region_id=benefit.region_id,
        kind=Notice.Kind.TERMINATION,
        benefit=benefit,
        termination_reason=reason,
        round=round_,
        starts_on=today,
        ends_on=today + timedelta(days=days - 1),
        public_name=person.name,
        public_members=1,
        public_amount=None,
        complaint_phone=phone,
        published_by=actor,
    )
    audit_record(
        event_code=BENEFIT_CHANGED,
        actor=actor,
        region_code=benefit.region_id,
        target=benefit,
        target_repr=f"{benefit.pk} {benefit.program}",
        new={"termination_notice": notice.pk, "ends_on": notice.ends_on.isoformat(), "reason": reason},
    )
    return notice


def termination_close(*, actor: Any, notice: Any, today: date | None = None) -> Benefit:
    """TK-10: the termination notice ended without objection: support stops from the next month."""
    _require(actor, Capability.DECIDE_CASES, notice.region_id)
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if locked.kind != Notice.Kind.TERMINATION or locked.benefit_id is None:
            raise ConflictError(_("这不是终止供养公示"))
        if locked.state != Notice.State.OPEN:
            raise ConflictError(_("该公示有异议或已办结，不能据此终止"))
        if today <= locked.ends_on:
            raise ConflictError(_("公示至 %(d)s 期满，期满后才能终止") % {"d": locked.ends_on.isoformat()})
        locked.state = Notice.State.ENDED
        locked.save(update_fields=["state"])
        benefit = Benefit.objects.select_for_update().get(pk=locked.benefit_id)
        stop = next_month(
            locked.ends_on
        )  # TK-10: from the month after the notice ends, however late it is closed
        _change(
            benefit,
            kind=ChangeKind.STOPPED,
            month=max(stop, next_month(today)),
            reason=_("终止供养公示期满无异议：%(reason)s") % {"reason": locked.termination_reason},
            actor=actor,
        )
        _suggest_after_exit(benefit, stop)
    return benefit


def _suggest_after_exit(benefit: Benefit, month: date) -> None:
    """TK-10: someone who loses 特困 but may qualify for 低保 or 临时救助 is pointed there."""
    if benefit.program != "tekun":
        return
    _open_recheck(
        None,
        benefit.household,
        trigger=Recheck.Trigger.SUGGESTION,
        reason=_("特困供养终止：请核查是否符合低保或临时救助条件，符合的转入办理"),
        month=month,
        program="dibao",
    )


def benefit_stop_for_fraud(
    *, actor: Any, benefit: Benefit, since: date, reason: str, today: date | None = None
) -> Recovery:
    """DB-47 / S1 Art. 68: stop from next month, recover what was paid since the false statement, and record the
    fine range (1–3 × the amount obtained); the recovery becomes a payments item."""
    _require(actor, Capability.DECIDE_CASES, benefit.region_id)
    if not reason.strip():
        raise ValidationFailed(_("请写明骗取保障的事实和依据"), fields={"reason": [_("必须填写")]})
    today = today or timezone.localdate()
    since = since.replace(day=1)
    if since > today:
        raise ValidationFailed(_("起算月份不能晚于今天"), fields={"since": [_("无效")]})
    with transaction.atomic():
        locked = Benefit.objects.select_for_update().get(pk=benefit.pk)
        months = []
        month = max(since, locked.first_month)
        while month <= today.replace(day=1):
            months.append(month)
            month = add_months(month, 1)
        # what the household actually received for these months (roster lines the bank confirmed, failed lines
        # paid by hand or reissued), never what was scheduled: DB-47 recovers money obtained, not money owed
        from minzheng.payments.reconciliation import paid_for  # payments reads benefits: imported when used

        paid = paid_for(benefit_id=locked.pk, first=months[0], last=months[-1]) if months else ZERO
        if locked.state not in (
            Benefit.State.STOPPED,
            Benefit.State.ENDED,
        ):  # a paid-out grant has nothing to stop
            _change(
                locked, kind=ChangeKind.STOPPED, month=next_month(today), reason=reason.strip(), actor=actor
            )
        recovery = Recovery.objects.create(
            benefit=locked,
            region_id=locked.region_id,
            since_month=since,
            until_month=today.replace(day=1),
            amount=paid,
            fine_min=paid,
            fine_max=paid * 3,
            reason=reason.strip(),
            actor=actor,
        )
        audit_record(
            event_code=BENEFIT_CHANGED,
            actor=actor,
            region_code=locked.region_id,
            target=locked,
            target_repr=f"{locked.pk} {locked.program}",
            new={
                "fraud": True,
                "recover": str(paid),
                "months": len(months),
                "fine": [str(paid), str(paid * 3)],
            },
        )
    return recovery


def recheck_dismiss(*, actor: Any, recheck: Recheck, reason: str) -> Recheck:
    """Keep the benefit as it is (DB-43: unchanged circumstances keep the amount), with the reason on record."""
    keeps_against_decision = recheck.trigger != Recheck.Trigger.REVIEW and (
        recheck.new_eligible is False
        or (
            recheck.new_amount is not None
            and recheck.old_amount is not None
            and recheck.new_amount != recheck.old_amount
        )
    )
    _require(
        actor,
        Capability.DECIDE_CASES if keeps_against_decision else Capability.PROCESS_CASES,
        recheck.region_id,
    )
    if not reason.strip():
        raise ValidationFailed(_("请写明维持不变的理由"), fields={"reason": [_("必须填写")]})
    with transaction.atomic():
        locked = Recheck.objects.select_for_update().get(pk=recheck.pk)
        if locked.state != Recheck.State.OPEN:
            raise ConflictError(_("该提示已处理"))
        if locked.trigger == Recheck.Trigger.REVIEW and locked.visit_id is None:
            raise ConflictError(_("定期复核须先完成入户调查和核对"))
        locked.state, locked.resolved_by, locked.resolution = Recheck.State.DISMISSED, actor, reason.strip()
        locked.save(update_fields=["state", "resolved_by", "resolution"])
        if locked.trigger == Recheck.Trigger.REVIEW and locked.benefit_id is not None:
            # DB-43: circumstances unchanged, the amount stays; the next review is one interval later
            benefit = Benefit.objects.select_for_update().get(pk=locked.benefit_id)
            _next_review(benefit)
            BenefitChange.objects.create(
                benefit=benefit,
                region_id=benefit.region_id,
                kind=ChangeKind.REVIEWED,
                effective_month=locked.effective_month,
                old_amount=benefit.amount,
                new_amount=benefit.amount,
                reason=reason.strip(),
                actor=actor,
            )
            spans_refresh([benefit.pk])
        audit_record(
            event_code=RECHECK_RESOLVED,
            actor=actor,
            region_code=locked.region_id,
            target=locked,
            target_repr=str(locked),
            new={"state": locked.state, "reason": reason.strip()},
        )
    return locked


# —— standard changes ——————————————————————————————————————————————————————————————————————————


@dataclass(frozen=True)
class PreviewRow:
    benefit_id: int
    household_id: int
    old: Decimal
    new: Decimal
    eligible: bool
    case: Case

    @cached_property
    def decision(self) -> dict[str, Any]:
        """The decision as stored on the benefit, with its sentences: decided again, explained, only for the rows
        that change (the preview decides without sentences, see rules.common.Explanation)."""
        outcome = decide(self.case)
        if (outcome.amount, outcome.eligible) != (self.new, self.eligible):
            # cannot happen while both modes share one implementation; never store a letter that disagrees
            raise RuntimeError(f"benefit {self.benefit_id}: explained decision differs from the preview")
        return decision_json(outcome, self.case)

    @property
    def direction(self) -> str:
        if not self.eligible:
            return "ineligible"
        return "up" if self.new > self.old else "down" if self.new < self.old else "same"


def standard_change_preview(*, region_code: str, program: str, month: date) -> list[PreviewRow]:
    """Every live benefit of the program in the region, recomputed on live data with the policy in force from
    ``month``. Reads plain values, not model objects, and decides without sentences, so 60,000 benefits take
    seconds (bench/standard_change.py)."""
    benefits = list(
        Benefit.objects.within(region_code)
        .filter(program=program, state__in=LIVE)
        .order_by("pk")
        # the request as its JSON text: most benefits share a handful of requests, each parsed once below
        .annotate(request_text=Cast("application__request_data", TextField()))
        .values_list(
            "pk",
            "household_id",
            "region_id",
            "amount",
            "member__name",
            "request_text",
            "member__hukou_status",
        )
    )
    rows: list[PreviewRow] = []
    if not benefits:
        return rows
    policies = policy_memo()
    with one_language(), without_cyclic_gc():
        rows.extend(_preview_rows(PROGRAMS[program], benefits, policies, month))
    return rows


#: households read per round: every round is one pass over each registry table on PostgreSQL (a hash join), and the
#: snapshots stay with the rows anyway, so a larger round costs only its raw tuples (tens of MiB)
_PREVIEW_BATCH = 20_000


def _preview_rows(program: Any, benefits: list[Any], policies: Any, month: date) -> Iterator[PreviewRow]:
    requests: dict[tuple[str | None, str, str | None], Any] = {}
    for start in range(0, len(benefits), _PREVIEW_BATCH):
        part = benefits[start : start + _PREVIEW_BATCH]
        snapshots = household_snapshot_values(sorted({b[1] for b in part}), month)
        for pk, household_id, region_id, amount, member, request_text, hukou in part:
            key = (request_text, member or "", hukou)
            if key not in requests:
                data = json.loads(request_text) if request_text is not None else {}
                # the registry's 户籍 over the typed box (GL-02), as in the monthly scan
                requests[key] = _request_for(program, with_hukou(program, data or {}, hukou), member or "")
            case = Case(
                program=program,
                on=month,
                policy=policies(region_id, month),
                household=snapshots[household_id],
                request=requests[key],
            )
            decision = decide(case, explain=False)
            yield PreviewRow(pk, household_id, amount, decision.amount, decision.eligible, case)


def preview_digest(rows: list[PreviewRow]) -> str:
    """A fingerprint of what the approver saw (every benefit with its old and new amount and eligibility)."""
    import hashlib

    text = "|".join(f"{r.benefit_id}:{r.old}:{r.new}:{int(r.eligible)}" for r in rows)
    return hashlib.sha256(text.encode()).hexdigest()


def standard_change_apply(
    *,
    actor: Any,
    region_code: str,
    program: str,
    month: date,
    today: date | None = None,
    digest: str | None = None,
) -> dict[str, int]:
    """The county approves the preview as one batch: new amounts from ``month`` (never earlier); benefits that would
    no longer qualify get a recheck (a stop needs its own written reasons, DB-46). With ``digest`` (from the page),
    nothing is applied unless the recomputed preview is exactly the one the approver saw."""
    _require(actor, Capability.DECIDE_CASES, region_code)
    if month < next_month(today or timezone.localdate()):
        raise ValidationFailed(
            _("标准调整只能自下月起执行；此前的月份如需补发，按补发办理"),
            fields={"month": [_("不能早于下月")]},
        )
    rows = standard_change_preview(region_code=region_code, program=program, month=month)
    if digest is not None and digest != preview_digest(rows):
        raise ConflictError(_("测算之后数据已有变化，请重新测算后再确认执行"))
    changed = rechecks = 0
    with transaction.atomic():
        locked = {
            b.pk: b
            for b in Benefit.objects.select_for_update(of=("self",))
            .select_related("household")
            .filter(pk__in=[r.benefit_id for r in rows])
        }
        changes: list[BenefitChange] = []
        specs: list[EventSpec] = []
        for row in rows:
            benefit = locked[row.benefit_id]
            if not row.eligible:
                _open_recheck(
                    benefit,
                    benefit.household,
                    trigger=Recheck.Trigger.STANDARD,
                    reason=_("标准调整后不再符合条件"),
                    month=month,
                    new_amount=row.new,
                    new_eligible=False,
                    new_decision=row.decision,
                )
                rechecks += 1
                continue
            if row.new == benefit.amount:
                continue
            changes.append(
                BenefitChange(
                    benefit=benefit,
                    region_id=benefit.region_id,
                    kind=ChangeKind.ADJUSTED,
                    effective_month=month,
                    old_amount=benefit.amount,
                    new_amount=row.new,
                    reason=_("标准调整"),
                    decision=row.decision,
                    actor=actor,
                )
            )
            specs.append(
                EventSpec(
                    event_code=BENEFIT_CHANGED,
                    actor=actor,
                    region_code=benefit.region_id,
                    target=benefit,
                    target_repr=f"{benefit.pk} {benefit.program}",
                    old={"amount": str(benefit.amount)},
                    new={"amount": str(row.new), "from": month.isoformat(), "reason": "standard"},
                )
            )
            benefit.amount, benefit.decision = row.new, row.decision
            changed += 1
        Benefit.objects.bulk_update([locked[c.benefit_id] for c in changes], ["amount", "decision"])
        BenefitChange.objects.bulk_create(changes)
        spans_refresh(c.benefit_id for c in changes)
        specs.append(
            EventSpec(
                event_code=STANDARD_APPLIED,
                actor=actor,
                region_code=region_code,
                target_type="benefits.standard",
                target_id=f"{region_code}:{program}:{month:%Y-%m}",
                new={"program": program, "from": month.isoformat(), "changed": changed, "rechecks": rechecks},
            )
        )
        audit_record_many(specs=specs)
    return {"changed": changed, "rechecks": rechecks, "total": len(rows)}


def monthly_scan(*, month: date, actor: Any = None, review_ahead_days: int = 0) -> dict[str, int]:
    """What the calendar changes for ``month`` (run once a month, e.g. by `minzheng benefits scan`):

    * 高龄津贴 band changes take effect on their own (GL-04: from the month after the birthday, or the same month by
      policy) and are listed as the month's adjustments — a rule with no judgement in it;
    * every other live benefit is recomputed for the month; where age changed the decision (特困 minors turning 18
      and out of school, TK-02; members reaching 16/18/60 whose work capacity counts; a quarterly or yearly 优待金
      whose conscript left service, YF-08) a recheck opens; one-off grants are not recomputed;
    * reviews falling due within the policy's ``procedure.review_notice_days`` (or ``review_ahead_days`` if longer)
      open a review recheck (DB-43, TK-11, YF-10).
    """
    month = month.replace(day=1)
    benefits = list(
        Benefit.objects.filter(state__in=LIVE, first_month__lte=month).select_related(
            "member", "application", "household"
        )
    )
    adjusted = rechecks = reviews = 0
    policies = policy_memo()
    with transaction.atomic():
        for start in range(0, len(benefits), 2000):
            part = benefits[start : start + 2000]
            snapshots = household_snapshots([b.household for b in part], month)
            for benefit in part:
                if benefit.period == Period.ONE_OFF:
                    continue  # a grant paid once is not recomputed; a quarterly or yearly allowance is (YF-08)
                policy = policies(benefit.region_id, month)
                try:
                    decision, snapshot = _decide(benefit, snapshots[benefit.household_id], policy, month)
                except ValidationFailed:
                    continue
                if benefit.state == Benefit.State.TAPERING:
                    continue  # its months are already scheduled
                in_force = amount_for_month(benefit, month)
                if decision.eligible and decision.amount == in_force:
                    continue
                if Recheck.objects.filter(
                    benefit=benefit,
                    state=Recheck.State.DISMISSED,
                    new_amount=decision.amount,
                    new_eligible=decision.eligible,
                ).exists():
                    continue  # a person already decided to keep the amount against this very result
                band_moved = decision.facts.get("band") != (benefit.decision or {}).get("facts", {}).get(
                    "band"
                )
                if benefit.program == "elderly_allowance" and decision.eligible and band_moved:
                    locked = Benefit.objects.select_for_update().get(pk=benefit.pk)
                    _change(
                        locked,
                        kind=ChangeKind.ADJUSTED,
                        month=month,
                        reason=_("年龄段调整：%(band)s") % {"band": decision.facts.get("band", "")},
                        actor=actor,
                        new_amount=decision.amount,
                        decision=snapshot,
                    )
                    adjusted += 1
                    continue
                _open_recheck(
                    benefit,
                    benefit.household,
                    trigger=Recheck.Trigger.AGE,
                    reason=(
                        _("%(m)s 起按服役情况重新测算：%(old)s 元 → %(new)s")
                        if benefit.program == "conscript_family"
                        else _("%(m)s 起按年龄重新测算：%(old)s 元 → %(new)s")
                    )
                    % {
                        "m": f"{month:%Y-%m}",
                        "old": f"{benefit.amount:.2f}",
                        "new": f"{decision.amount:.2f} 元" if decision.eligible else _("不再符合条件"),
                    },
                    month=month,
                    new_amount=decision.amount,
                    new_eligible=decision.eligible,
                    new_decision=snapshot,
                )
                rechecks += 1
        key = "procedure.review_notice_days"
        longest = max(
            [
                review_ahead_days,
                resolve([]).values[key],
                *(int(v[key]) for v in PolicyVersion.objects.values_list("values", flat=True) if key in v),
            ]
        )
        for benefit in Benefit.objects.filter(
            state__in=LIVE, review_due__lte=month + timedelta(days=longest)
        ).select_related("household"):
            ahead = max(
                review_ahead_days, policies(benefit.region_id, month).get("procedure").review_notice_days
            )
            if benefit.review_due is None or benefit.review_due > month + timedelta(days=ahead):
                continue
            if Recheck.objects.filter(benefit=benefit, state=Recheck.State.OPEN).exists():
                continue
            Recheck.objects.create(
                household=benefit.household,
                benefit=benefit,
                region_id=benefit.region_id,
                program=benefit.program,
                trigger=Recheck.Trigger.REVIEW,
                reason=_("定期复核应于 %(d)s 前完成：入户核实后维持、调整或停止") % {"d": benefit.review_due},
                old_amount=benefit.amount,
                effective_month=add_months(month, 1),
            )
            reviews += 1
    return {"adjusted": adjusted, "rechecks": rechecks, "reviews": reviews}
