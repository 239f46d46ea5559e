"""One service per transition of the procedure: lock the case, check its state and the rules, change it, audit it.

Two people acting at once: the second waits for the row lock, then finds the state changed and gets a ConflictError
that says what happened — never a second transition.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from random import SystemRandom
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minzheng.accounts.roles import Capability, Role
from minzheng.assessment.cases import decision_json
from minzheng.assessment.services import assess_household
from minzheng.audit.services import EventSpec, audit_record, audit_record_many
from minzheng.benefits.models import BenefitChange, ChangeKind
from minzheng.benefits.services import benefit_started
from minzheng.benefits.spans import spans_refresh
from minzheng.cases import clock, events
from minzheng.cases.models import (
    OPEN_STATUSES,
    Application,
    Appraisal,
    Benefit,
    FinancialCheck,
    Investigation,
    Notice,
    Objection,
    Quota,
    Status,
)
from minzheng.cases.transitions import TRANSITIONS, allowed
from minzheng.core.errors import ConflictError, DomainError, PermissionDeniedError, ValidationFailed
from minzheng.core.money import to_decimal
from minzheng.core.scope import covers, scope_code_for
from minzheng.core.workdays import load_calendar
from minzheng.policy.resolve import PolicySet
from minzheng.policy.selectors import policy_for, policy_memo
from minzheng.registry.idnumber import age_on
from minzheng.registry.models import Document, DocumentType, Household, Member
from minzheng.rules import serialize
from minzheng.rules.programs import PROGRAMS

_RANDOM = SystemRandom()
ACTION_LABELS = {
    "request_materials": _("一次性告知补正材料"),
    "accept": _("受理"),
    "prepay": _("先行救助"),
    "investigate": _("记录入户调查"),
    "county_visit": _("记录县级入户核查"),
    "check": _("记录核对结果"),
    "check_objection": _("申请人对核对结果有异议，复查"),
    "appraise": _("记录民主评议"),
    "review": _("乡镇初审"),
    "publish": _("张榜公示"),
    "object": _("提出异议"),
    "reinvestigate": _("异议：重新调查"),
    "to_appraisal": _("异议：民主评议"),
    "close_notice": _("公示期满，报送审核确认"),
    "approve": _("确认"),
    "refuse": _("不予确认"),
    "notify_refusal": _("书面告知不予确认"),
    "extend": _("延长办理期限"),
    "withdraw": _("撤回申请"),
}
#: DB-09: a case cannot be accepted without these (the household's ID papers, the signed statement and authorisation)
REQUIRED_MATERIALS = (DocumentType.ID_CARD, DocumentType.STATEMENT, DocumentType.AUTHORISATION)
VISIT_METHODS = {
    "home_visit": _("入户调查"),
    "neighbours": _("邻里访问"),
    "letters": _("信函索证"),
    "data_check": _("信息核查"),
    "public_appraisal": _("群众评议"),
}


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _require(actor: Any, capability: str, region_code: str) -> None:
    if not actor.can(capability) or not covers(scope_code_for(actor), region_code):
        raise PermissionDeniedError(_("您无权办理该申请。"))


def _locked(application: Application, action: str) -> Application:
    """The case row, locked for this transaction, in a state the action may start from."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if not allowed(action, locked.status):
        raise ConflictError(
            _("该申请当前为“%(status)s”，不能%(action)s(可能已由他人办理，请刷新页面)")
            % {"status": locked.get_status_display(), "action": ACTION_LABELS[action]}
        )
    return locked


def _move(
    actor: Any,
    case: Application,
    action: str,
    event: str,
    *,
    today: date,
    new: dict[str, Any] | None = None,
    fields: Iterable[str] = (),
) -> Application:
    """Apply the transition's target state, refresh the clock and write the audit event (inside the transaction)."""
    old_status = case.status
    target = TRANSITIONS[action][1]
    if target is not None:
        case.status = target
    refresh_clock(case, today=today)
    case.save(update_fields=["status", "next_due", "next_step", "updated_at", *fields])
    audit_record(
        event_code=event,
        actor=actor,
        region_code=case.region_id,
        target=case,
        target_repr=_case_repr(case),
        old={"status": old_status},
        new={"status": case.status, **(new or {})},
    )
    return case


def _case_repr(case: Application) -> str:
    program = PROGRAMS.get(case.program)
    return f"{case.pk} {program.label if program else case.program}"


def case_policy(case: Application, on: date | None = None) -> PolicySet:
    return policy_for(case.region_id, on or case.filed_on)


def case_dates(case: Application, policy: PolicySet | None = None) -> clock.CaseDates:
    investigation = case.investigations.filter(by_county=False).order_by("-visited_on").first()
    notice = case.notices.order_by("-round").first()
    objection = Objection.objects.filter(notice__application=case).order_by("-submitted_at").first()
    return clock.CaseDates(
        program=case.program,
        status=case.status,
        filed_on=case.filed_on,
        accepted_on=case.accepted_on,
        investigated_on=investigation.visited_on if investigation else None,
        reviewed_on=case.reviewed_on,
        notice_starts=notice.starts_on if notice else None,
        notice_ends=notice.ends_on if notice and notice.state == Notice.State.ENDED else None,
        objected_on=timezone.localdate(objection.submitted_at) if objection else None,
        decided_on=case.decided_on,
        refused=case.status == Status.REFUSED,
        refusal_notified_on=case.refusal_notified_on,
        extended=case.extended,
        urgent=case.urgent,
        filed_at=case.created_at,
        prepaid_on=case.prepaid_on,
        # TK-09 / DB-25: a case that is never published (a 特困 minor, an unpublished program) has no notice end;
        # its county limit runs from the township's review
        published=_publishable(case, case.reviewed_on or case.filed_on, policy),
    )


def case_clock(case: Application) -> list[clock.Deadline]:
    policy = case_policy(case)
    return clock.deadlines(case_dates(case, policy), policy, load_calendar())


def refresh_clock(case: Application, *, today: date) -> None:
    """Store the earliest open deadline on the case (待办 sorts by it)."""
    if case.status not in OPEN_STATUSES and case.status != Status.REFUSED:
        case.next_due, case.next_step = None, ""
        return
    if case.pk is None:
        return
    pending = clock.next_deadline(case_clock(case))
    if pending is None or pending.due is None:
        case.next_due, case.next_step = None, ""
        return
    due = timezone.localdate(pending.due) if isinstance(pending.due, datetime) else pending.due
    case.next_due, case.next_step = due, pending.step[:60]


# —— filing ————————————————————————————————————————————————————————————————————————————————


def application_submit(
    *,
    actor: Any,
    household: Household,
    program: str,
    applicant: Member,
    subject: Member | None = None,
    on_behalf: bool = False,
    proxy_name: str = "",
    proxy_relation: str = "",
    proxy_document: Document | None = None,
    proactive: bool = False,
    near_relative: bool = False,
    urgent: bool = False,
    request_data: dict[str, Any] | None = None,
    reason: str = "",
    today: date | None = None,
) -> Application:
    """File an application for a household (by the applicant, on their behalf, or opened by staff)."""
    _require(actor, Capability.SUBMIT_APPLICATION, household.region_id)
    if program not in PROGRAMS:
        raise ValidationFailed(_("没有这个救助项目：%(p)s") % {"p": program}, fields={"program": [_("无效")]})
    if applicant.household_id != household.pk or applicant.date_of_death is not None:
        raise ValidationFailed(_("申请人须为该户在世的家庭成员"), fields={"applicant": [_("无效")]})
    if subject is not None and (
        subject.household_id != household.pk
        # the funeral subsidy is for a member who died: the survivors file it naming the deceased (BZ-01); so are
        # the 优抚 funeral grant and death payments (YF-04, YF-07)
        or (
            subject.date_of_death is not None
            and not (PROGRAMS[program].for_the_deceased or PROGRAMS[program].may_name_the_deceased)
        )
    ):
        raise ValidationFailed(_("救助对象须为该户在世的家庭成员"), fields={"subject": [_("无效")]})
    if on_behalf and not proxy_name.strip():
        raise ValidationFailed(_("委托申请须填写受托人"), fields={"proxy_name": [_("必须填写")]})
    if on_behalf and proxy_document is None:
        raise ValidationFailed(
            _("委托申请须上传委托书(委托手续)"), fields={"proxy_document": [_("必须上传")]}
        )
    if proxy_document is not None and proxy_document.household_id != household.pk:
        raise ValidationFailed(_("委托书须是该户档案中的材料"), fields={"proxy_document": [_("无效")]})
    data = request_data or {}
    serialize.build(PROGRAMS[program].request, data, path="request")  # the program's own fields, checked now
    today = _today(today)
    with transaction.atomic():
        Household.objects.select_for_update().get(pk=household.pk)  # one open case per program at a time
        same = {"household": household, "program": program}
        if PROGRAMS[program].per_person:
            same["subject"] = subject or applicant
        open_case = Application.objects.filter(**same, status__in=OPEN_STATUSES).first()
        if open_case is not None:
            raise ConflictError(
                _("该户已有一件正在办理的同类申请(编号 %(pk)s)") % {"pk": open_case.pk},
                details={"application": open_case.pk},
            )
        live = {"household": household, "program": program}
        if PROGRAMS[program].per_person:
            live["member"] = subject or applicant
        if (
            program != "temporary"
            and Benefit.objects.filter(
                **live, state__in=[Benefit.State.ACTIVE, Benefit.State.TAPERING, Benefit.State.SUSPENDED]
            ).exists()
        ):
            raise ConflictError(_("该户(人)正在享受此项待遇；情况变化请通过动态管理复核调整"))
        case = Application.objects.create(
            household=household,
            region_id=household.region_id,
            program=program,
            applicant=applicant,
            subject=subject or applicant,
            on_behalf=on_behalf,
            proxy_name=proxy_name.strip(),
            proxy_relation=proxy_relation.strip(),
            proxy_document=proxy_document,
            proactive=proactive,
            near_relative=near_relative,
            urgent=urgent,
            request_data=data,
            reason=reason,
            filed_by=actor,
            filed_on=today,
        )
        audit_record(
            event_code=events.SUBMITTED,
            actor=actor,
            region_code=case.region_id,
            target=case,
            target_repr=_case_repr(case),
            new={
                "program": program,
                "applicant": applicant.name,
                "on_behalf": on_behalf,
                "proactive": proactive,
                "near_relative": near_relative,
            },
        )
    return case


def missing_materials(case: Application) -> list[str]:
    """DB-09: what the household file still lacks for acceptance (the 一次性告知 list, DB-10)."""
    present = set(case.household.documents.values_list("doc_type", flat=True))
    missing = [str(DocumentType(t).label) for t in REQUIRED_MATERIALS if t not in present]
    if case.on_behalf and case.proxy_document_id is None:
        missing.append(_("委托书"))
    return missing


def application_request_materials(
    *, actor: Any, application: Application, extra: list[str] | None = None, today: date | None = None
) -> Application:
    """一次性告知 (DB-10): record, once, the complete list of what to add; the letter prints from it."""
    _require(actor, Capability.PROCESS_CASES, application.region_id)
    items = [*missing_materials(application), *[e.strip() for e in extra or [] if e.strip()]]
    if not items:
        raise ValidationFailed(_("材料齐全，无需补正，可直接受理"))
    with transaction.atomic():
        case = _locked(application, "request_materials")
        asked = case.materials_requested_at
        if (
            case.status == Status.INCOMPLETE
            and asked is not None
            and not case.household.documents.filter(uploaded_at__gt=asked).exists()
        ):
            # DB-10: one complete list; a second only once the household has answered the first
            raise ConflictError(
                _("已于 %(d)s 一次性告知补正材料，申请人补交材料前不能再次要求补正(DB-10)")
                % {"d": timezone.localdate(asked).isoformat()},
                code="materials_already_requested",
            )
        case.missing_materials = items
        case.materials_requested_at = timezone.now()
        return _move(
            actor,
            case,
            "request_materials",
            events.MATERIALS_REQUESTED,
            today=_today(today),
            new={"missing": items},
            fields=["missing_materials", "materials_requested_at"],
        )


def application_accept(*, actor: Any, application: Application, today: date | None = None) -> Application:
    """受理: only with the signed statement and authorisation on file (DB-09); starts the clock (DB-21, DB-30)."""
    _require(actor, Capability.PROCESS_CASES, application.region_id)
    missing = missing_materials(application)
    if missing:
        raise ValidationFailed(
            _("材料不齐，不能受理：缺 %(items)s。请一次性告知申请人补正") % {"items": "、".join(missing)},
            code="materials_missing",
            details={"missing": missing},
        )
    today = _today(today)
    with transaction.atomic():
        case = _locked(application, "accept")
        case.accepted_on = today
        case.missing_materials = []
        return _move(
            actor, case, "accept", events.ACCEPTED, today=today, fields=["accepted_on", "missing_materials"]
        )


def application_prepay(
    *,
    actor: Any,
    application: Application,
    amount: Any,
    paid_on: date | None = None,
    today: date | None = None,
) -> Application:
    """先行救助 (LS-04): an urgent 临时救助 is paid first, the paperwork follows within 5 working days."""
    _require(actor, Capability.PROCESS_CASES, application.region_id)
    if application.program != "temporary" or not application.urgent:
        raise ValidationFailed(_("只有急难型临时救助可以先行救助"))
    value = to_decimal(amount)
    if value <= 0:
        raise ValidationFailed(_("先行救助金额须大于 0"), fields={"amount": [_("须大于 0")]})
    today = _today(today)
    with transaction.atomic():
        case = _locked(application, "prepay")
        if case.prepaid_on is not None:
            raise ConflictError(_("该申请已于 %(d)s 先行救助") % {"d": case.prepaid_on.isoformat()})
        case.prepaid_amount, case.prepaid_on = value, paid_on or today
        return _move(
            actor,
            case,
            "prepay",
            events.PREPAID,
            today=today,
            new={"amount": str(value), "paid_on": case.prepaid_on.isoformat()},
            fields=["prepaid_amount", "prepaid_on"],
        )


# —— investigation ——————————————————————————————————————————————————————————————————————————


@dataclass(frozen=True)
class VisitData:
    visited_on: date
    staff: list[Any]
    methods: list[str]
    members_present: str
    member_signed: bool
    findings: str
    remote: bool = False
    document: Document | None = None
    #: the visitors' finding on the property (DB-19): True within the limits, False over them, None not judged
    property_ok: bool | None = None


def check_visit(case: Application, data: VisitData, policy: PolicySet, *, county: bool) -> None:
    staff = {u.pk: u for u in data.staff}
    if len(staff) < 2:
        raise ValidationFailed(_("入户调查须至少 2 名工作人员(不同的人)"), fields={"staff": [_("至少 2 人")]})
    # township visits: staff of the village's township; county visits (DB-50): the county's own staff too
    reach = case.region_id[:6] if county else case.region_id
    for user in staff.values():
        if not user.is_active or not covers(scope_code_for(user), reach):
            raise ValidationFailed(
                _("%(name)s 不是该村所在辖区的工作人员") % {"name": user.display_name},
                fields={"staff": [_("不在辖区")]},
            )
    if not data.member_signed:
        raise ValidationFailed(_("入户调查表须由在场家庭成员签字"), fields={"member_signed": [_("须签字")]})
    if not data.members_present.strip():
        raise ValidationFailed(_("请填写在场家庭成员"), fields={"members_present": [_("必须填写")]})
    unknown = [m for m in data.methods if m not in VISIT_METHODS]
    if not data.methods or unknown:
        raise ValidationFailed(_("请选择调查方式"), fields={"methods": [_("无效")]})
    if data.remote and not policy.get("procedure").remote_visits_allowed:
        raise ValidationFailed(
            _("只有在重大突发事件期间(当地已开启)才可以电话或视频方式调查"), fields={"remote": [_("未开启")]}
        )
    if not data.findings.strip():
        raise ValidationFailed(_("请填写调查情况"), fields={"findings": [_("必须填写")]})


def _record_date(case: Application, day: date, field: str, today: date | None = None) -> None:
    """A step's date lies between acceptance and today: a back-dated visit must not meet DB-21 on paper."""
    today = _today(today)
    if day > today or (case.accepted_on is not None and day < case.accepted_on):
        raise ValidationFailed(
            _("日期应在受理日期(%(a)s)与今天之间") % {"a": case.accepted_on or "—"},
            fields={field: [_("日期无效")]},
        )


def _own_document(case: Application, document: Document | None) -> None:
    if document is not None and document.household_id != case.household_id:
        raise ValidationFailed(_("所选材料不属于该户档案"), fields={"document": [_("无效")]})


def save_visit(case: Application, actor: Any, data: VisitData, *, county: bool) -> Investigation:
    _own_document(case, data.document)
    visit = Investigation.objects.create(
        application=case,
        by_county=county,
        visited_on=data.visited_on,
        methods=data.methods,
        remote=data.remote,
        members_present=data.members_present.strip(),
        property_ok=data.property_ok,
        member_signed=data.member_signed,
        findings=data.findings.strip(),
        document=data.document,
        recorded_by=actor,
    )
    visit.staff.set(data.staff)
    return visit


def investigation_record(
    *, actor: Any, application: Application, data: VisitData, today: date | None = None
) -> Investigation:
    """入户调查 (DB-20, DB-22) by the township: two distinct staff, members' signature, methods used."""
    _require(actor, Capability.PROCESS_CASES, application.region_id)
    _record_date(application, data.visited_on, "visited_on", today)
    check_visit(application, data, case_policy(application), county=False)
    with transaction.atomic():
        case = _locked(application, "investigate")
        visit = save_visit(case, actor, data, county=False)
        _move(
            actor,
            case,
            "investigate",
            events.INVESTIGATED,
            today=_today(today),
            new={"visited_on": data.visited_on.isoformat(), "staff": [u.display_name for u in data.staff]},
        )
    return visit


def county_visit_record(
    *, actor: Any, application: Application, data: VisitData, today: date | None = None
) -> Investigation:
    """县级入户核查 (DB-08, DB-50): required before approval for near-relative and complained-about cases."""
    _require(actor, Capability.DECIDE_CASES, application.region_id)
    if actor.role != Role.COUNTY_APPROVER:
        raise PermissionDeniedError(_("县级入户核查须由县级审批人员进行"))
    check_visit(application, data, case_policy(application), county=True)
    with transaction.atomic():
        case = _locked(application, "county_visit")
        visit = save_visit(case, actor, data, county=True)
        _move(actor, case, "county_visit", events.COUNTY_VISITED, today=_today(today))
    return visit


def check_record(
    *,
    actor: Any,
    application: Application,
    checked_on: date,
    result: str,
    summary: str,
    document: Document | None = None,
    today: date | None = None,
) -> FinancialCheck:
    """家庭经济状况核对 (DB-23): the result as a summary (and the report document)."""
    _require(actor, Capability.PROCESS_CASES, application.region_id)
    if result not in FinancialCheck.Result.values:
        raise ValidationFailed(_("请选择核对结果"), fields={"result": [_("无效")]})
    if not summary.strip():
        raise ValidationFailed(_("请填写核对情况"), fields={"summary": [_("必须填写")]})
    _record_date(application, checked_on, "checked_on", today)
    _own_document(application, document)
    with transaction.atomic():
        case = _locked(application, "check")
        check = FinancialCheck.objects.create(
            application=case,
            checked_on=checked_on,
            result=result,
            summary=summary.strip(),
            document=document,
            recorded_by=actor,
        )
        _move(actor, case, "check", events.CHECKED, today=_today(today), new={"result": result})
    return check


def check_objection_record(
    *, actor: Any, application: Application, note: str, today: date | None = None
) -> Application:
    """DB-24: the applicant disputes the data-matching result with evidence; the township re-checks (复查)."""
    _require(actor, Capability.PROCESS_CASES, application.region_id)
    if not note.strip():
        raise ValidationFailed(_("请写明申请人的异议和提供的证据"), fields={"note": [_("必须填写")]})
    with transaction.atomic():
        case = _locked(application, "check_objection")
        last = case.checks.order_by("-pk").first()
        if last is None or last.result != FinancialCheck.Result.INCONSISTENT:
            raise ConflictError(_("核对结果与申报一致，无需复查"))
        last.applicant_objected = True
        last.save(update_fields=["applicant_objected"])
        return _move(
            actor, case, "check_objection", events.CHECK_OBJECTED, today=_today(today), new={"note": note}
        )


def appraisal_record(
    *,
    actor: Any,
    application: Application,
    held_on: date,
    entitled: int,
    present: int,
    agree: int,
    document: Document | None = None,
    today: date | None = None,
) -> Appraisal:
    """民主评议 (DB-27): valid with ≥ 2/3 of those entitled present; passes with ≥ 2/3 of those present agreeing."""
    _require(actor, Capability.PROCESS_CASES, application.region_id)
    if not (0 < present <= entitled and 0 <= agree <= present):
        raise ValidationFailed(
            _("人数有误：应 0 < 实到 ≤ 应到，且 0 ≤ 同意 ≤ 实到"), fields={"present": [_("人数有误")]}
        )
    if present * 3 < entitled * 2:
        raise ValidationFailed(
            _("实到 %(p)s 人，不足应到 %(e)s 人的三分之二，评议无效") % {"p": present, "e": entitled},
            fields={"present": [_("不足三分之二")]},
        )
    passed = agree * 3 >= present * 2
    _record_date(application, held_on, "held_on", today)
    _own_document(application, document)
    with transaction.atomic():
        case = _locked(application, "appraise")
        appraisal = Appraisal.objects.create(
            application=case,
            held_on=held_on,
            entitled=entitled,
            present=present,
            agree=agree,
            passed=passed,
            document=document,
            recorded_by=actor,
        )
        case.appraisal_required = False
        _move(
            actor,
            case,
            "appraise",
            events.APPRAISED,
            today=_today(today),
            new={"entitled": entitled, "present": present, "agree": agree, "passed": passed},
            fields=["appraisal_required"],
        )
    return appraisal


# —— review and notice ————————————————————————————————————————————————————————————————————


def _visitors(case: Application) -> set[int]:
    return set(
        Investigation.staff.through.objects.filter(investigation__application=case).values_list(
            "user_id", flat=True
        )
    )


def review_record(
    *,
    actor: Any,
    application: Application,
    agree: bool,
    opinion: str,
    amount: Any = None,
    today: date | None = None,
) -> Application:
    """乡镇初审: the rules engine's decision on the live household is snapshotted; the reviewer agrees or overrides."""
    _require(actor, Capability.REVIEW_CASES, application.region_id)
    if actor.pk in _visitors(application):
        raise PermissionDeniedError(_("参与入户调查的工作人员不能同时进行初审(分离职责)"))
    today = _today(today)
    policy = case_policy(application, today)
    case_, decision = assess_household(
        household=application.household,
        program_code=application.program,
        on=today,
        request={
            **application.request_data,
            **_subject_request(application),
            **_history_request(application, today),
        },
        property_ok=_property_finding(application),
    )
    snapshot = decision_json(decision, case_)
    proposed = decision.amount
    override = not agree
    if amount not in (None, ""):
        proposed = to_decimal(amount)
        override = override or proposed != decision.amount
    if proposed < 0:
        raise ValidationFailed(_("金额不能为负数"), fields={"amount": [_("不能为负数")]})
    if override and not opinion.strip():
        raise ValidationFailed(
            _("初审意见与测算结果不一致时，须写明理由"), fields={"opinion": [_("必须写明理由")]}
        )
    with transaction.atomic():
        case = _locked(application, "review")
        mode = policy.get("dibao").democratic_review_mode
        if (mode == "always" and not case.appraisals.exists()) or case.appraisal_required:
            raise ConflictError(_("须先进行民主评议，再作初审"))
        if not case.checks.exists() or not case.investigations.filter(by_county=False).exists():
            raise ConflictError(_("须有入户调查和核对记录，才能初审"))
        case.decision = snapshot
        case.proposed_amount = proposed if (agree or amount not in (None, "")) else Decimal("0")
        case.review_override = override
        case.review_opinion = opinion.strip() or _("同意测算结果")
        case.reviewed_by = actor
        case.reviewed_on = today
        return _move(
            actor,
            case,
            "review",
            events.REVIEWED,
            today=today,
            new={
                "eligible": decision.eligible,
                "computed": str(decision.amount),
                "proposed": str(case.proposed_amount),
                "override": override,
                "opinion": case.review_opinion,
            },
            fields=[
                "decision",
                "proposed_amount",
                "review_override",
                "review_opinion",
                "reviewed_by",
                "reviewed_on",
            ],
        )


#: request fields the procedure reads from the records at the review (``_history_request``), never typed when filing
FROM_HISTORY: dict[str, frozenset[str]] = {"temporary": frozenset({"prior_grants_same_cause"})}


def _property_finding(case: Application) -> bool | None:
    """The latest township visit's finding on the property (DB-19), or None when the visitors did not judge it."""
    visit = case.investigations.filter(by_county=False).order_by("-visited_on", "-pk").first()
    return visit.property_ok if visit is not None else None


def _history_request(case: Application, today: date) -> dict[str, Any]:
    """What the request's history fields are, read from the records rather than typed: LS-05's grants for the same
    cause in the calendar year of the decision (approved 临时救助 of the household, this case excluded)."""
    if case.program != "temporary":
        return {}
    cause = str(case.request_data.get("cause") or "").strip()
    if not cause:
        return {}
    earlier = (
        Application.objects.filter(
            household_id=case.household_id,
            program="temporary",
            status=Status.APPROVED,
            decided_on__year=today.year,
        )
        .exclude(pk=case.pk)
        .values_list("request_data", flat=True)
    )
    return {
        "prior_grants_same_cause": sum(1 for data in earlier if str(data.get("cause") or "").strip() == cause)
    }


def _subject_request(case: Application) -> dict[str, Any]:
    program = PROGRAMS[case.program]
    if program.per_person and "subject" in {f for f in serialize.field_hints(program.request)}:
        return {"subject": case.subject.name if case.subject else case.applicant.name}
    return {}


def _publishable(case: Application, today: date, policy: PolicySet | None = None) -> bool:
    """DB-25 / LS-03: only the programs the policy lists are published (a disability or medical program's name
    would itself disclose a condition); DB-34 / TK-09: a 特困 minor is never published."""
    policy = policy or case_policy(case, today)
    if case.program not in policy.get("procedure").published_programs:
        return False
    subject = case.subject or case.applicant
    minor = age_on(subject.birth_date, today) < 18 if subject else False
    return not (case.program == "tekun" and minor and not policy.get("tekun").publish_minors)


def _notice_fields(case: Application, policy: PolicySet, today: date) -> dict[str, Any]:
    members = 1
    facts = (case.decision or {}).get("facts", {})
    if isinstance(facts.get("members"), int):
        members = facts["members"]
    # DB-34: a minor's name is never published, only the count
    minor = age_on(case.applicant.birth_date, today) < 18
    return {
        "public_name": _("(未成年人)") if minor else case.applicant.name,
        "public_members": members,
        "public_amount": case.proposed_amount,
        "complaint_phone": policy.get("procedure").complaint_phone,
    }


def notice_publish(*, actor: Any, application: Application, today: date | None = None) -> Notice | None:
    """公示 for 7 calendar days in the village (DB-25); a 特困 minor is not published (TK-09): None."""
    _require(actor, Capability.PROCESS_CASES, application.region_id)
    today = _today(today)
    policy = case_policy(application, today)
    if not policy.get("procedure").complaint_phone:
        raise ValidationFailed(
            _("请先在政策参数中设置乡镇监督举报电话(公示须载明)"), fields={"complaint_phone": [_("未设置")]}
        )
    with transaction.atomic():
        case = _locked(application, "publish")
        # what is published comes from the locked row (the review's amount), never from the caller's copy
        fields = _notice_fields(case, policy, today)
        if not _publishable(case, today, policy):
            case.status = Status.NOTICE_ENDED
            refresh_clock(case, today=today)
            case.save(update_fields=["status", "next_due", "next_step", "updated_at"])
            audit_record(
                event_code=events.NOTICE_CLOSED,
                actor=actor,
                region_code=case.region_id,
                target=case,
                target_repr=_case_repr(case),
                new={"status": case.status, "published": False},
            )
            return None
        notice = _publish(case, actor, fields, policy, today)
        _move(
            actor,
            case,
            "publish",
            events.PUBLISHED,
            today=today,
            new={"round": notice.round, "ends_on": notice.ends_on.isoformat()},
        )
    return notice


def _publish(case: Application, actor: Any, fields: dict[str, Any], policy: PolicySet, today: date) -> Notice:
    days = policy.get("dibao").publicity_days
    round_ = (case.notices.order_by("-round").values_list("round", flat=True).first() or 0) + 1
    return Notice.objects.create(
        application=case,
        region_id=case.region_id,
        round=round_,
        starts_on=today,
        ends_on=today + timedelta(days=days - 1),
        published_by=actor,
        **fields,
    )


def notices_publish_batch(
    *, actor: Any, applications: list[Application], today: date | None = None
) -> list[Notice]:
    """Publish the reviewed cases of a village together: set-based, one audit event per case."""
    today = _today(today)
    published: list[Notice] = []
    specs: list[EventSpec] = []
    with transaction.atomic():
        cases = list(
            Application.objects.select_for_update(of=("self",))
            .select_related("applicant", "subject")
            .filter(pk__in=[a.pk for a in applications])
            .order_by("pk")
        )
        for case in cases:
            _require(actor, Capability.PROCESS_CASES, case.region_id)
            if case.status != Status.REVIEWED:
                raise ConflictError(
                    _("申请 %(pk)s 当前为“%(status)s”，不能公示")
                    % {"pk": case.pk, "status": case.get_status_display()}
                )
        policies = policy_memo()
        for case in cases:
            policy = policies(case.region_id, today)
            fields = _notice_fields(case, policy, today)
            if not fields["complaint_phone"]:
                raise ValidationFailed(_("请先在政策参数中设置乡镇监督举报电话(公示须载明)"))
            if not _publishable(case, today, policy):
                raise ValidationFailed(
                    _("申请 %(pk)s 不公示(特困未成年人或无须公示的项目)，请单独办理") % {"pk": case.pk}
                )
            notice = _publish(case, actor, fields, policy, today)
            case.status = Status.NOTICE
            refresh_clock(case, today=today)
            published.append(notice)
            specs.append(
                EventSpec(
                    event_code=events.PUBLISHED,
                    actor=actor,
                    region_code=case.region_id,
                    target=case,
                    target_repr=_case_repr(case),
                    old={"status": Status.REVIEWED},
                    new={
                        "status": Status.NOTICE,
                        "round": notice.round,
                        "ends_on": notice.ends_on.isoformat(),
                    },
                )
            )
        Application.objects.bulk_update(cases, ["status", "next_due", "next_step"])
        audit_record_many(specs=specs)
    return published


def objection_submit(
    *,
    notice: Notice,
    contact: str,
    text: str,
    name: str = "",
    ip_address: str | None = None,
    actor: Any = None,
    now: datetime | None = None,
) -> Objection:
    """异议 from the public page (anyone, name optional) or taken down by staff; it pauses the case (DB-26)."""
    now = now or timezone.now()
    if not contact.strip():
        raise ValidationFailed(_("请留下联系方式，便于核实和答复"), fields={"contact": [_("必须填写")]})
    if len(text.strip()) < 5:
        raise ValidationFailed(_("请写明异议的具体内容(至少 5 个字)"), fields={"text": [_("内容太短")]})
    if len(text) > 2000 or len(contact) > 50 or len(name) > 50:
        raise ValidationFailed(_("内容过长"), fields={"text": [_("过长")]})
    limit = case_policy(notice.application).get("procedure").objections_per_hour_per_ip
    if ip_address and (
        Objection.objects.filter(ip_address=ip_address, submitted_at__gte=now - timedelta(hours=1)).count()
        >= limit
    ):
        raise ConflictError(_("提交过于频繁，请稍后再试或直接拨打监督电话"), code="throttled", status=429)
    today = timezone.localdate(now)
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if locked.state != Notice.State.OPEN or not (locked.starts_on <= today <= locked.ends_on):
            raise ConflictError(_("该公示已结束或已中止，不能再提出异议；如有问题请拨打监督电话"))
        if locked.kind == Notice.Kind.TERMINATION:
            return _termination_objection(locked, name, contact, text, ip_address, actor, today)
        case = _locked(locked.application, "object")
        objection = Objection.objects.create(
            notice=locked,
            name=name.strip(),
            contact=contact.strip(),
            text=text.strip(),
            ip_address=ip_address,
        )
        locked.state = Notice.State.OBJECTED
        locked.save(update_fields=["state"])
        case.complained = True
        _move(
            actor,
            case,
            "object",
            events.OBJECTED,
            today=today,
            new={"notice": locked.pk, "objection": objection.pk},
            fields=["complained"],
        )
    return objection


def _termination_objection(
    notice: Notice, name: str, contact: str, text: str, ip_address: str | None, actor: Any, today: date
) -> Objection:
    """TK-10: an objection to a termination stops the clock on it; the township investigates within 15 working days
    and decides again (a recheck on the benefit carries it to the clerk)."""
    from minzheng.benefits.models import Recheck

    objection = Objection.objects.create(
        notice=notice, name=name.strip(), contact=contact.strip(), text=text.strip(), ip_address=ip_address
    )
    notice.state = Notice.State.OBJECTED
    notice.save(update_fields=["state"])
    benefit = notice.benefit
    if benefit is not None:
        Recheck.objects.create(
            household_id=benefit.household_id,
            benefit=benefit,
            region_id=benefit.region_id,
            program=benefit.program,
            trigger=Recheck.Trigger.HOUSEHOLD,
            reason=_("终止供养公示期间有异议：15 个工作日内调查核实后重新决定(TK-10)。异议：%(text)s")
            % {"text": text.strip()[:200]},
            old_amount=benefit.amount,
            new_eligible=False,
            effective_month=today.replace(day=1),
        )
    audit_record(
        event_code=events.OBJECTED,
        actor=actor,
        region_code=notice.region_id,
        target=notice,
        target_repr=f"{notice.pk} {notice.get_kind_display()}",
        new={"notice": notice.pk, "objection": objection.pk, "kind": notice.kind},
    )
    return objection


def objection_resolve(
    *, actor: Any, application: Application, route: str, note: str = "", today: date | None = None
) -> Application:
    """DB-26: re-investigate or hold a 民主评议; then a new review and a new 7-day notice."""
    _require(actor, Capability.PROCESS_CASES, application.region_id)
    if route not in {"reinvestigate", "appraisal"}:
        raise ValidationFailed(_("请选择处理方式：重新调查或民主评议"), fields={"route": [_("无效")]})
    now = timezone.now()
    with transaction.atomic():
        case = _locked(application, "reinvestigate" if route == "reinvestigate" else "to_appraisal")
        Objection.objects.filter(notice__application=case, resolution="").update(
            resolution=route, resolved_by=actor, resolved_at=now
        )
        if route == "appraisal":
            case.appraisal_required = True
        return _move(
            actor,
            case,
            "reinvestigate" if route == "reinvestigate" else "to_appraisal",
            events.OBJECTION_RESOLVED,
            today=_today(today),
            new={"route": route, "note": note},
            fields=["appraisal_required"],
        )


def notice_close(*, actor: Any, application: Application, today: date | None = None) -> Application:
    """公示期满 without objection: the case goes to the county (or the delegated township) for its decision."""
    _require(actor, Capability.PROCESS_CASES, application.region_id)
    today = _today(today)
    with transaction.atomic():
        case = _locked(application, "close_notice")
        notice = case.notices.select_for_update().order_by("-round").first()
        if notice is None or notice.state != Notice.State.OPEN:
            raise ConflictError(_("没有正在进行的公示"))
        if today <= notice.ends_on:
            raise ConflictError(_("公示至 %(d)s 期满，期满后才能报送") % {"d": notice.ends_on.isoformat()})
        notice.state = Notice.State.ENDED
        notice.save(update_fields=["state"])
        # county spot checks: drawn by an unpredictable draw, so no one can tell in advance which case is checked
        ratio = case_policy(case, today).get("procedure").spot_check_ratio
        case.spot_check = ratio > 0 and Fraction(_RANDOM.randrange(1_000_000), 1_000_000) < ratio
        return _move(
            actor,
            case,
            "close_notice",
            events.NOTICE_CLOSED,
            today=today,
            new={"spot_check": case.spot_check},
            fields=["spot_check"],
        )


# —— decision ——————————————————————————————————————————————————————————————————————————————


def _may_decide(actor: Any, case: Application, policy: PolicySet, *, amount: Decimal | None = None) -> None:
    _require(actor, Capability.DECIDE_CASES, case.region_id)
    if actor.role == Role.TOWNSHIP_HEAD:
        delegated = policy.get("dibao").confirmation_level == "township_delegated"
        # LS-03: the amount decided is the whole assistance; a 先行救助 prepayment is part of it (LS-04), not extra
        value = amount if amount is not None else case.proposed_amount
        small = (
            case.program == "temporary"
            and value is not None
            and value <= policy.get("temporary").township_delegated_limit
        )
        if not (delegated or small):
            raise PermissionDeniedError(_("审核确认权限在县级民政部门(当地未下放乡镇)"))
    if case.reviewed_by_id == actor.pk:
        raise PermissionDeniedError(_("初审人员不能同时审核确认(分离职责)"))
    if actor.pk in _visitors(case) and case.investigations.filter(by_county=False, staff=actor).exists():
        raise PermissionDeniedError(_("参与入户调查的工作人员不能审核确认(分离职责)"))


def quota_room(*, region_code: str, program: str) -> tuple[Quota | None, int]:
    """The tightest quota covering the region for the program, and the active benefits counted against it."""
    prefixes = [region_code[:n] for n in (6, 9, 12) if n <= len(region_code)]
    quotas = list(Quota.objects.filter(region_id__in=prefixes, program=program))
    best: tuple[Quota | None, int] = (None, 0)
    for quota in quotas:
        used = (
            Benefit.objects.filter(program=program, state__in=[Benefit.State.ACTIVE, Benefit.State.TAPERING])
            .within(quota.region_id)
            .count()
        )
        if best[0] is None or quota.limit - used < best[0].limit - best[1]:
            best = (quota, used)
    return best


def _first_month(decided_on: date, decision: dict[str, Any], policy: PolicySet) -> date:
    """The first month paid (DB-29): what the program's own rule says (its decision's fact ``pays_from``: a month,
    or "decision_month" / "next_month" — e.g. 优抚 from the month of confirmation, 军人抚恤优待条例 Art. 19 and 27),
    else the 低保 policy's ``payment_start``."""
    first = decided_on.replace(day=1)
    stated = (decision.get("facts") or {}).get("pays_from")
    if stated in (None, ""):
        stated = "decision_month" if policy.get("dibao").payment_start == "same_month" else "next_month"
    if stated == "decision_month":
        return first
    if stated == "next_month":
        return (first + timedelta(days=32)).replace(day=1)
    try:
        return date.fromisoformat(str(stated)).replace(day=1)
    except ValueError:
        raise ValidationFailed(
            _("测算结果的起始发放月份无法识别：%(v)s") % {"v": stated}, fields={"amount": [_("无效")]}
        ) from None


def _approval_blockers(case: Application, *, approve: bool) -> None:
    """DB-31 (the whole record before a decision) and DB-08/DB-50 (the county's own visit before approval)."""
    missing = [
        label
        for label, ok in (
            (_("受理"), case.accepted_on is not None),
            (_("入户调查"), case.investigations.filter(by_county=False).exists()),
            (_("核对"), case.checks.exists()),
            (_("初审"), case.reviewed_on is not None),
        )
        if not ok
    ]
    if missing:  # DB-31: no one is put on the roll without the whole procedure
        raise ConflictError(_("缺少%(steps)s记录，不能审核确认") % {"steps": "、".join(missing)})
    needs_county_visit = approve and (case.near_relative or case.complained or case.spot_check)
    if needs_county_visit and not case.investigations.filter(by_county=True).exists():
        raise ConflictError(_("近亲属备案、有投诉举报或被抽查的申请，须县级入户核查后才能确认(DB-08、DB-50)"))


def _quota_check(case: Application, in_batch: dict[int, int] | None = None) -> list[int]:
    """总量控制: lock every quota covering the village (so two approvers cannot both take the last place), count
    the live benefits under each (plus this batch's approvals so far); returns the quotas' ids."""
    prefixes = [case.region_id[:n] for n in (6, 9, 12) if n <= len(case.region_id)]
    quotas = list(
        Quota.objects.select_for_update(of=("self",))
        .select_related("region")
        .filter(region_id__in=prefixes, program=case.program)
        .order_by("region_id")
    )
    for quota in quotas:
        used = Benefit.objects.within(quota.region_id).filter(
            program=case.program, state__in=[Benefit.State.ACTIVE, Benefit.State.TAPERING]
        ).count() + (in_batch or {}).get(quota.pk, 0)
        if used >= quota.limit:
            raise ConflictError(
                _("%(region)s 的名额已满(%(used)s/%(limit)s)：先办理退出，再确认新对象(先退后进)")
                % {"region": quota.region.name, "used": used, "limit": quota.limit},
                code="quota_full",
            )
    return [q.pk for q in quotas]


def _approve(case: Application, actor: Any, value: Decimal, policy: PolicySet, today: date) -> Benefit:
    """Fix the amount and the first month (DB-29) on the case and build (not save) its benefit."""
    case.decided_by, case.decided_on = actor, today
    case.approved_amount = value
    snapshot = case.decision or {}
    case.first_payment_month = _first_month(today, snapshot, policy)
    review_months = int(snapshot.get("review_months") or 12)
    first = case.first_payment_month
    due_month = first.month - 1 + review_months
    review_due = date(first.year + due_month // 12, due_month % 12 + 1, 1) - timedelta(days=1)
    members = (snapshot.get("facts") or {}).get("members", 1)
    if case.prepaid_amount:
        # LS-04: what was paid first is part of the assistance, not on top of it
        if case.prepaid_amount > value:
            raise ValidationFailed(
                _("确认金额 %(v)s 元少于已先行救助的 %(p)s 元") % {"v": value, "p": case.prepaid_amount},
                fields={"amount": [_("少于先行救助金额")]},
            )
        value = value - case.prepaid_amount
    return Benefit(
        application=case,
        household_id=case.household_id,
        member=case.subject if PROGRAMS[case.program].per_person else None,
        region_id=case.region_id,
        program=case.program,
        amount=value,
        period=snapshot.get("period", "monthly"),
        members_covered=members if isinstance(members, int) else 1,
        decision=snapshot,
        first_month=first,
        review_due=review_due,
    )


DECISION_FIELDS = ["decided_by", "decided_on", "approved_amount", "first_payment_month", "refusal_reasons"]


def application_decide(
    *,
    actor: Any,
    application: Application,
    approve: bool,
    reasons: str = "",
    amount: Any = None,
    today: date | None = None,
) -> Application:
    """审核确认 (DB-29): approve (fixes amount and first month; creates the benefit) or refuse with reasons."""
    today = _today(today)
    policy = case_policy(application, today)
    final = to_decimal(amount) if amount not in (None, "") else application.proposed_amount
    _may_decide(actor, application, policy, amount=final)
    if not approve and not reasons.strip():
        raise ValidationFailed(_("不予确认须写明理由"), fields={"reasons": [_("必须填写")]})
    if approve and final is not None and final != application.proposed_amount and not reasons.strip():
        raise ValidationFailed(_("确认金额与初审金额不同，须写明理由"), fields={"reasons": [_("必须填写")]})
    action = "approve" if approve else "refuse"
    with transaction.atomic():
        case = _locked(application, action)
        _may_decide(
            actor, case, policy, amount=final
        )  # again on the locked row: who reviewed it may have changed
        _approval_blockers(case, approve=approve)
        if approve:
            value = to_decimal(amount) if amount not in (None, "") else case.proposed_amount
            if value is None or value < 0:
                raise ValidationFailed(_("请填写确认金额"), fields={"amount": [_("必须填写")]})
            _quota_check(case)
            benefit = _approve(case, actor, value, policy, today)
            benefit.save()
            benefit_started(benefit, actor)
        else:
            case.decided_by, case.decided_on = actor, today
            case.refusal_reasons = reasons.strip()
            case.notices.filter(state__in=[Notice.State.OPEN, Notice.State.OBJECTED]).update(
                state=Notice.State.ENDED
            )
        return _move(
            actor,
            case,
            action,
            events.APPROVED if approve else events.REFUSED,
            today=today,
            new={"amount": str(case.approved_amount) if approve else None, "reasons": case.refusal_reasons},
            fields=DECISION_FIELDS,
        )


def applications_approve_batch(
    *,
    actor: Any,
    application_ids: list[int],
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
    chunk: int = 200,
) -> dict[str, Any]:
    """Approve a reviewed batch at the proposed amounts: set-based per chunk, one audit event per case.

    A case that may not be approved (state, role, separation of duties, missing records, quota) is skipped with its
    reason; the others are approved. Cases outside the actor's scope are skipped as "not found".
    """
    today = _today(today)
    ids = sorted(set(application_ids))
    approved: list[int] = []
    skipped: list[tuple[int, str]] = []
    policies = policy_memo()
    in_batch: dict[int, int] = {}
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        with transaction.atomic():
            cases = list(
                Application.objects.visible_to(actor)
                .select_for_update(of=("self",))
                .select_related("subject")
                .filter(pk__in=part)
                .order_by("pk")
            )
            skipped.extend((pk, _("不在您的管辖范围或不存在")) for pk in set(part) - {c.pk for c in cases})
            done: list[Application] = []
            benefits: list[Benefit] = []
            specs: list[EventSpec] = []
            for case in cases:
                policy = policies(case.region_id, today)
                try:
                    if not allowed("approve", case.status):
                        raise ConflictError(_("当前为“%(s)s”") % {"s": case.get_status_display()})
                    _may_decide(actor, case, policy)
                    _approval_blockers(case, approve=True)
                    if case.proposed_amount is None or case.proposed_amount <= 0:
                        raise ValidationFailed(_("没有初审金额"))
                    if not (case.decision or {}).get("eligible") or case.review_override:
                        raise ValidationFailed(_("初审意见与测算不一致或测算不符合条件：请逐件审核确认"))
                    last_appraisal = case.appraisals.order_by("-pk").first()
                    if last_appraisal is not None and not last_appraisal.passed:
                        raise ValidationFailed(_("民主评议未通过：请逐件审核确认"))
                    quota_ids = _quota_check(case, in_batch)
                except DomainError as exc:
                    skipped.append((case.pk, str(exc.message)))
                    continue
                for quota_id in quota_ids:
                    in_batch[quota_id] = in_batch.get(quota_id, 0) + 1
                benefits.append(_approve(case, actor, case.proposed_amount, policy, today))
                case.status, case.next_due, case.next_step = Status.APPROVED, None, ""
                done.append(case)
                specs.append(
                    EventSpec(
                        event_code=events.APPROVED,
                        actor=actor,
                        region_code=case.region_id,
                        target=case,
                        target_repr=_case_repr(case),
                        old={"status": Status.NOTICE_ENDED},
                        new={"status": Status.APPROVED, "amount": str(case.approved_amount), "batch": True},
                    )
                )
            Application.objects.bulk_update(done, ["status", "next_due", "next_step", *DECISION_FIELDS])
            Benefit.objects.bulk_create(benefits)
            BenefitChange.objects.bulk_create(
                [
                    BenefitChange(
                        benefit=b,
                        region_id=b.region_id,
                        kind=ChangeKind.STARTED,
                        effective_month=b.first_month,
                        new_amount=b.amount,
                        reason=_("审核确认"),
                        decision=b.decision,
                        actor=actor,
                    )
                    for b in Benefit.objects.filter(application__in=done)
                ]
            )
            spans_refresh(Benefit.objects.filter(application__in=done).values_list("pk", flat=True))
            if specs:
                audit_record_many(specs=specs)
            approved.extend(c.pk for c in done)
        if progress is not None:
            progress(min(start + chunk, len(ids)), len(ids))
    return {"approved": approved, "skipped": sorted(skipped)}


def refusal_notify(*, actor: Any, application: Application, today: date | None = None) -> Application:
    """The refusal letter was issued (DB-29: within 3 working days, with reasons and remedies)."""
    _require(actor, Capability.PROCESS_CASES, application.region_id)
    today = _today(today)
    with transaction.atomic():
        case = _locked(application, "notify_refusal")
        if case.refusal_notified_on is not None:
            return case
        case.refusal_notified_on = today
        return _move(
            actor,
            case,
            "notify_refusal",
            events.REFUSAL_NOTIFIED,
            today=today,
            fields=["refusal_notified_on"],
        )


def application_extend(
    *, actor: Any, application: Application, reason: str, today: date | None = None
) -> Application:
    """DB-30: extend the limit to 45 working days in special cases, with the reason on record."""
    _require(actor, Capability.PROCESS_CASES, application.region_id)
    if not reason.strip():
        raise ValidationFailed(_("延长办理期限须写明理由"), fields={"reason": [_("必须填写")]})
    with transaction.atomic():
        case = _locked(application, "extend")
        if case.extended:
            raise ConflictError(_("该申请已延长过办理期限"))
        case.extended, case.extension_reason = True, reason.strip()[:200]
        return _move(
            actor,
            case,
            "extend",
            events.EXTENDED,
            today=_today(today),
            new={"reason": case.extension_reason},
            fields=["extended", "extension_reason"],
        )


def application_withdraw(
    *, actor: Any, application: Application, reason: str, today: date | None = None
) -> Application:
    _require(actor, Capability.PROCESS_CASES, application.region_id)
    if not reason.strip():
        raise ValidationFailed(_("请写明撤回原因"), fields={"reason": [_("必须填写")]})
    with transaction.atomic():
        case = _locked(application, "withdraw")
        # a withdrawn applicant leaves the public board at once
        case.notices.filter(state__in=[Notice.State.OPEN, Notice.State.OBJECTED]).update(
            state=Notice.State.ENDED
        )
        return _move(actor, case, "withdraw", events.WITHDRAWN, today=_today(today), new={"reason": reason})


def quota_set(*, actor: Any, region_code: str, program: str, limit: int, note: str) -> Quota:
    """总量控制: set (or change) a region's quota for a program."""
    _require(actor, Capability.MANAGE_QUOTAS, region_code)
    if program not in PROGRAMS:
        raise ValidationFailed(_("没有这个救助项目：%(p)s") % {"p": program})
    from minzheng.regions.models import Region

    if not Region.objects.filter(code=region_code).exists():
        raise ValidationFailed(
            _("没有这个地区：%(code)s") % {"code": region_code}, fields={"region": [_("无效")]}
        )
    if limit < 0:
        raise ValidationFailed(_("名额不能为负数"), fields={"limit": [_("不能为负数")]})
    if not note.strip():
        raise ValidationFailed(_("请填写依据"), fields={"note": [_("必须填写")]})
    with transaction.atomic():
        quota, _created = Quota.objects.update_or_create(
            region_id=region_code, program=program, defaults={"limit": limit, "note": note.strip()}
        )
        audit_record(
            event_code=events.QUOTA_SET,
            actor=actor,
            region_code=region_code,
            target=quota,
            target_repr=f"{region_code} {program}",
            new={"limit": limit, "note": note},
        )
    return quota


def benefit_stop(*, actor: Any, benefit: Benefit, reason: str) -> Benefit:
    """Record an exit from next month (the benefits app owns the history); frees a quota place (先退后进)."""
    from minzheng.benefits.services import benefit_stop as stop

    return stop(actor=actor, benefit=benefit, reason=reason)
