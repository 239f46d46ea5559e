"""Pay cycles from generation to closing: each transition one service that checks who may, locks, and audits.

draft → checked → (noticed, where the policy has rosters published) → approved → exported → reconciled → closed.
Generating again replaces a draft (or a checked one), never an approved roster.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minzheng.accounts.roles import Capability
from minzheng.audit.events import define
from minzheng.audit.services import EventSpec, audit_record, audit_record_many
from minzheng.benefits.models import BenefitChange, ChangeKind
from minzheng.benefits.services import BENEFIT_CHANGED
from minzheng.benefits.spans import spans_refresh
from minzheng.cases.models import Benefit, Period
from minzheng.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from minzheng.core.money import ZERO
from minzheng.core.months import add_months
from minzheng.core.scope import covers, scope_code_for
from minzheng.payments import checks, generation
from minzheng.payments.models import CycleState, PayCycle, PaymentStatus, Reissue, RosterLine
from minzheng.policy.selectors import policy_for
from minzheng.regions.models import Region
from minzheng.rules.programs import PROGRAMS

CYCLE_GENERATED = define("payments.cycle_generated", _("生成发放名册"))
CYCLE_CHECKED = define("payments.cycle_checked", _("核对发放名册"))
CYCLE_NOTICED = define("payments.cycle_noticed", _("发放名册已公示"))
CYCLE_APPROVED = define("payments.cycle_approved", _("审批发放名册"))
CYCLE_CLOSED = define("payments.cycle_closed", _("发放批次结束"))
FAILURE_HANDLED = define("payments.failure_handled", _("处理退票"))

#: a build that has not shown life for this long is taken to be dead (its process gone with no trace)
STALE_AFTER = timedelta(minutes=10)

REGENERABLE = {CycleState.BUILDING, CycleState.DRAFT, CycleState.CHECKED, CycleState.NOTICED}


def require(actor: Any, capability: str, region_code: str) -> None:
    if not actor.can(capability) or not covers(scope_code_for(actor), region_code):
        raise PermissionDeniedError(_("您无权办理该发放批次。"))


def _me() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def builder_alive(cycle: PayCycle, now: Any = None) -> bool:
    """Whether someone is still building the cycle: a live process on this machine, or a recent heartbeat."""
    now = now or timezone.now()
    recent = cycle.heartbeat_at is not None and now - cycle.heartbeat_at < STALE_AFTER
    host, _sep, rest = cycle.builder.partition(":")
    if cycle.builder and host == socket.gethostname():
        try:
            os.kill(int(rest), 0)
        except (ValueError, ProcessLookupError):
            return False
        except PermissionError:
            return recent
        return recent or cycle.heartbeat_at is None
    return recent


def programs_key(programs: list[str]) -> str:
    unknown = [p for p in programs if p not in PROGRAMS]
    if not programs or unknown:
        raise ValidationFailed(
            _("未知的救助项目：%(p)s") % {"p": "、".join(unknown) or "—"}, fields={"programs": [_("无效")]}
        )
    return ",".join(sorted(set(programs), key=list(PROGRAMS).index))


def cycle_months(region_code: str, programs: list[str], period_start: date) -> int:
    """1, or 3 where the policy pays these programs quarterly (YF-11); a quarter starts in Jan, Apr, Jul or Oct."""
    quarterly = set(policy_for(region_code, period_start).get("payments").quarterly_programs)
    kinds = {p in quarterly for p in programs}
    if len(kinds) > 1:
        raise ValidationFailed(_("按月发放与按季发放的项目不能合并在同一批次"))
    if kinds == {True}:
        if period_start.month % 3 != 1:
            raise ValidationFailed(
                _("按季发放的项目，发放期间须从季度首月(1、4、7、10 月)开始"),
                fields={"period": [_("无效")]},
            )
        return 3
    return 1


def _overlapping(region_code: str, key: str, period_start: date, months: int) -> list[PayCycle]:
    """Other cycles paying any of these programs for any of these months in a region inside or around this one."""
    programs = set(key.split(","))
    end = generation.add_months(period_start, months - 1)
    near = PayCycle.objects.filter(
        period_start__gte=generation.add_months(period_start, -2), period_start__lte=end
    ).exclude(region_id=region_code, programs=key, period_start=period_start)
    return [
        c
        for c in near
        if (c.region_id.startswith(region_code) or region_code.startswith(c.region_id))
        and programs & set(c.program_list)
        and generation.add_months(c.period_start, c.months - 1) >= period_start
    ]


def cycle_claim(*, actor: Any, region_code: str, programs: list[str], period_start: date) -> PayCycle:
    """Create the cycle (or take its draft back) in the state `building`; the build itself runs after.

    Two people generating at once get one cycle: the unique (region, programs, period) row, locked here."""
    require(actor, Capability.PREPARE_PAYMENTS, region_code)
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise ValidationFailed(_("行政区划不存在"), fields={"region": [_("无效")]})
    period_start = period_start.replace(day=1)
    key = programs_key(programs)
    months = cycle_months(region_code, key.split(","), period_start)
    clash = _overlapping(region_code, key, period_start, months)
    if clash:
        other = clash[0]
        raise ConflictError(
            _("与已有的发放批次重叠：%(r)s %(m)s %(p)s(同一对象同一月份只能发放一次)")
            % {"r": other.region_id, "m": f"{other.period_start:%Y-%m}", "p": other.programs}
        )
    later = (
        PayCycle.objects.filter(region_id=region_code, programs=key, period_start__gt=period_start)
        .exclude(state=CycleState.BUILDING)
        .order_by("period_start")
        .first()
    )
    if later is not None:
        raise ConflictError(
            _("已有更晚期间(%(m)s)的发放名册，不能再生成更早的名册") % {"m": f"{later.period_start:%Y-%m}"}
        )
    now = timezone.now()
    for _attempt in range(2):
        try:
            with transaction.atomic():
                cycle = (
                    PayCycle.objects.select_for_update()
                    .filter(region_id=region_code, programs=key, period_start=period_start)
                    .first()
                )
                if cycle is None:
                    cycle = PayCycle.objects.create(
                        region=region,
                        programs=key,
                        period_start=period_start,
                        months=months,
                        state=CycleState.BUILDING,
                        heartbeat_at=now,
                        generated_by=actor,
                    )
                    return cycle
                if cycle.state not in REGENERABLE:
                    raise ConflictError(
                        _("该名册已%(state)s，不能重新生成；变动将在下期名册中体现")
                        % {"state": cycle.get_state_display()}
                    )
                if cycle.state == CycleState.BUILDING and builder_alive(cycle, now):
                    raise ConflictError(_("该名册正在由他人生成，请稍候刷新查看"))
                cycle.state = CycleState.BUILDING
                cycle.builder = ""
                cycle.heartbeat_at = now
                cycle.months = months
                cycle.generated_by = actor
                cycle.checks = {}
                cycle.save(
                    update_fields=["state", "builder", "heartbeat_at", "months", "generated_by", "checks"]
                )
                return cycle
        except IntegrityError:
            continue  # someone created it between our read and our insert: take theirs
    raise ConflictError(_("该名册正在由他人生成，请稍候刷新查看"))


def _plan(cycle: PayCycle) -> generation.Plan:
    policy = policy_for(cycle.region_id, cycle.period_start).get("payments")
    window = generation.add_months(cycle.period_start, -int(policy.arrears_max_months))
    first = (
        PayCycle.objects.filter(programs=cycle.programs)
        .exclude(pk=cycle.pk)
        .exclude(state=CycleState.BUILDING)
        .order_by("period_start")
        .values_list("region_id", "period_start")
    )
    cutover = next(
        (
            start
            for code, start in first
            if code.startswith(cycle.region_id) or cycle.region_id.startswith(code)
        ),
        None,
    )
    return generation.Plan(
        cycle_id=cycle.pk,
        region=cycle.region_id,
        programs=tuple(cycle.program_list),
        period_start=cycle.period_start,
        months=cycle.months,
        arrears_window=window,
        arrears_floor=max(window, cutover) if cutover is not None else None,
        recovery_deduction=bool(policy.recovery_deduction),
    )


def cycle_build(
    *,
    actor: Any,
    cycle: PayCycle,
    progress: Callable[[int, int], None] | None = None,
    chunk: int = generation.CHUNK,
) -> PayCycle:
    """Build a claimed cycle's roster: take the build (one builder at a time), clear what a dead build left, insert
    the lines chunk by chunk, then total, check and hand it over as a draft."""
    require(actor, Capability.PREPARE_PAYMENTS, cycle.region_id)
    me = _me()
    with transaction.atomic():
        locked = PayCycle.objects.select_for_update().get(pk=cycle.pk)
        if locked.state != CycleState.BUILDING:
            raise ConflictError(_("该名册不在生成中(状态：%(s)s)") % {"s": locked.get_state_display()})
        if locked.builder and locked.builder != me and builder_alive(locked):
            raise ConflictError(_("该名册正在由他人生成，请稍候刷新查看"))
        locked.builder = me
        locked.heartbeat_at = timezone.now()
        locked.save(update_fields=["builder", "heartbeat_at"])
        # what a previous (dead) build or the replaced draft left: its lines and the reissues it had taken
        RosterLine.objects.filter(reissued_in=locked).update(reissued_in=None)
        RosterLine.objects.filter(cycle=locked).delete()
    plan = _plan(locked)

    def heartbeat() -> None:
        PayCycle.objects.filter(pk=locked.pk, builder=me).update(heartbeat_at=timezone.now())

    generation.build(plan, heartbeat=heartbeat, progress=progress or (lambda done, total: None), chunk=chunk)
    with transaction.atomic():
        locked = PayCycle.objects.select_for_update().get(pk=cycle.pk)
        if locked.builder != me or locked.state != CycleState.BUILDING:
            raise ConflictError(_("生成过程中名册被他人接手，本次结果作废"))
        count, total = generation.cycle_totals(locked)
        locked.line_count, locked.total = count, total
        locked.checks = checks.run_checks(locked)
        locked.state = CycleState.DRAFT
        locked.builder = ""
        locked.generated_by = actor
        locked.generated_at = timezone.now()
        locked.save()
        audit_record(
            event_code=CYCLE_GENERATED,
            actor=actor,
            region_code=locked.region_id,
            target=locked,
            target_repr=str(locked),
            new={"lines": count, "total": str(total), "blocking": locked.checks["blocking"]},
        )
    return locked


def cycle_generate(
    *,
    actor: Any,
    region_code: str,
    programs: list[str],
    period_start: date,
    progress: Callable[[int, int], None] | None = None,
    chunk: int = generation.CHUNK,
) -> PayCycle:
    """Claim and build in one go (the command line; the page claims, then builds in the background)."""
    cycle = cycle_claim(actor=actor, region_code=region_code, programs=programs, period_start=period_start)
    return cycle_build(actor=actor, cycle=cycle, progress=progress, chunk=chunk)


def _transition(
    *, actor: Any, cycle: PayCycle, capability: str, allowed: set[CycleState], to: str, event: str
) -> PayCycle:
    require(actor, capability, cycle.region_id)
    blocking = 0
    with transaction.atomic():
        locked = PayCycle.objects.select_for_update().get(pk=cycle.pk)
        if locked.state not in allowed:
            raise ConflictError(
                _("名册当前状态为“%(s)s”，不能办理此操作(可能已由他人办理)")
                % {"s": locked.get_state_display()}
            )
        old = locked.state
        updates = ["state"]
        if to == CycleState.CHECKED:
            locked.checks = checks.run_checks(locked)
            updates.append("checks")
            blocking = locked.checks["blocking"]
        if blocking:
            # keep what this run found (the page lists it) and change nothing else; refuse after the commit
            locked.save(update_fields=["checks"])
        else:
            if to == CycleState.APPROVED:
                locked.approved_by, locked.approved_at = actor, timezone.now()
                updates += ["approved_by", "approved_at"]
            locked.state = to
            locked.save(update_fields=updates)
            if to == CycleState.APPROVED:
                _end_paid_one_offs(locked, actor)
            audit_record(
                event_code=event,
                actor=actor,
                region_code=locked.region_id,
                target=locked,
                target_repr=str(locked),
                old={"state": old},
                new={"state": to, "lines": locked.line_count, "total": str(locked.total)},
            )
    if blocking:
        raise ValidationFailed(
            _("还有 %(n)s 个必须处理的问题(账号缺失或有误、领款人已死亡)，处理后重新生成名册")
            % {"n": blocking}
        )
    return locked


def _end_paid_one_offs(cycle: PayCycle, actor: Any) -> int:
    """One-off grants (临时救助, funeral and other one-off payments) this approved roster pays end here: they leave the
    live benefits (quota, public roll, reports in force) with a change to 0 from the month after their own, so a
    grant is in force in its month only. A failed line is still reissued (reissues do not need a live benefit).
    Set-based: one UPDATE, one bulk insert, one batch of audit events."""
    benefits = list(
        Benefit.objects.select_for_update(of=("self",))
        .filter(
            pk__in=RosterLine.objects.filter(cycle=cycle, regular_amount__gt=0).values("benefit_id"),
            period=Period.ONE_OFF,
        )
        .exclude(state__in=[Benefit.State.STOPPED, Benefit.State.ENDED])
        .order_by("pk")
    )
    if not benefits:
        return 0
    reason = _("一次性发放：已列入审批的发放名册(%(period)s)") % {"period": f"{cycle.period_start:%Y-%m}"}
    BenefitChange.objects.bulk_create(
        [
            BenefitChange(
                benefit=b,
                region_id=b.region_id,
                kind=ChangeKind.STOPPED,
                effective_month=add_months(b.first_month, 1),
                old_amount=b.amount,
                new_amount=ZERO,
                reason=reason,
                actor=actor,
            )
            for b in benefits
        ]
    )
    ids = [b.pk for b in benefits]
    Benefit.objects.filter(pk__in=ids).update(state=Benefit.State.ENDED)
    spans_refresh(ids)
    audit_record_many(
        specs=[
            EventSpec(
                event_code=BENEFIT_CHANGED,
                actor=actor,
                region_code=b.region_id,
                target=b,
                target_repr=f"{b.pk} {b.program}",
                old={"amount": str(b.amount), "state": b.state},
                new={
                    "kind": ChangeKind.STOPPED,
                    "state": Benefit.State.ENDED,
                    "amount": "0.00",
                    "from": add_months(b.first_month, 1).isoformat(),
                    "reason": reason,
                    "cycle": cycle.pk,
                },
            )
            for b in benefits
        ]
    )
    return len(benefits)


def cycle_confirm_checked(*, actor: Any, cycle: PayCycle) -> PayCycle:
    """The clerk has gone through the checks: nothing blocking is left (they are run again now)."""
    return _transition(
        actor=actor,
        cycle=cycle,
        capability=Capability.PREPARE_PAYMENTS,
        allowed={CycleState.DRAFT, CycleState.CHECKED},
        to=CycleState.CHECKED,
        event=CYCLE_CHECKED,
    )


def cycle_mark_noticed(*, actor: Any, cycle: PayCycle) -> PayCycle:
    """The roster has been posted where the policy requires it (DB-35)."""
    return _transition(
        actor=actor,
        cycle=cycle,
        capability=Capability.PREPARE_PAYMENTS,
        allowed={CycleState.CHECKED},
        to=CycleState.NOTICED,
        event=CYCLE_NOTICED,
    )


def cycle_approve(*, actor: Any, cycle: PayCycle) -> PayCycle:
    """The county approves the roster for payment."""
    publish = policy_for(cycle.region_id, cycle.period_start).get("payments").publish_roster
    allowed = {CycleState.NOTICED} if publish else {CycleState.CHECKED, CycleState.NOTICED}
    if publish and cycle.state == CycleState.CHECKED:
        require(actor, Capability.APPROVE_PAYMENTS, cycle.region_id)
        raise ConflictError(_("当地规定发放名册须先公示，公示后才能审批"))
    return _transition(
        actor=actor,
        cycle=cycle,
        capability=Capability.APPROVE_PAYMENTS,
        allowed=allowed,
        to=CycleState.APPROVED,
        event=CYCLE_APPROVED,
    )


def failure_handle(*, actor: Any, line: RosterLine, how: str, note: str = "") -> RosterLine:
    """A failed line goes to the next cycle's reissue list, or is recorded as paid by hand (with how)."""
    require(actor, Capability.PREPARE_PAYMENTS, line.region_id)
    if how not in (Reissue.NEXT_CYCLE, Reissue.MANUAL):
        raise ValidationFailed(_("请选择处理方式"), fields={"how": [_("无效")]})
    if how == Reissue.MANUAL and not note.strip():
        raise ValidationFailed(_("人工发放须写明发放方式和日期"), fields={"note": [_("必须填写")]})
    with transaction.atomic():
        locked = RosterLine.objects.select_for_update().get(pk=line.pk)
        if locked.status != PaymentStatus.FAILED:
            raise ConflictError(_("只有发放失败的记录需要处理"))
        if locked.reissued_in_id is not None:
            raise ConflictError(_("该笔已列入后续批次重发，不能再改"))
        old = locked.reissue
        locked.reissue = how
        if how == Reissue.MANUAL:
            locked.failure_reason = f"{locked.failure_reason}；{_('人工发放')}：{note.strip()}"[:200]
        locked.save(update_fields=["reissue", "failure_reason"])
        audit_record(
            event_code=FAILURE_HANDLED,
            actor=actor,
            region_code=locked.region_id,
            target=locked,
            target_repr=f"{locked.payee_name} {locked.amount}",
            old={"reissue": old},
            new={"reissue": how, "note": note.strip()},
        )
    return locked


def cycle_close(*, actor: Any, cycle: PayCycle) -> PayCycle:
    """Close a reconciled cycle once every failed line has a way to be paid."""
    open_failures = RosterLine.objects.filter(cycle=cycle, status=PaymentStatus.FAILED, reissue="").count()
    if open_failures:
        require(actor, Capability.PREPARE_PAYMENTS, cycle.region_id)
        raise ConflictError(_("还有 %(n)s 笔发放失败未处理(下期补发或人工发放)") % {"n": open_failures})
    return _transition(
        actor=actor,
        cycle=cycle,
        capability=Capability.PREPARE_PAYMENTS,
        allowed={CycleState.RECONCILED},
        to=CycleState.CLOSED,
        event=CYCLE_CLOSED,
    )
