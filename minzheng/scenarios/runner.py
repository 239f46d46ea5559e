"""Play a scenario through the real services, in the scratch database this process was started on (see scratch.py).

Every step runs at its date: the services get ``today`` where they take it, and the process clock
(``django.utils.timezone.now``) is set to 10:00 Asia/Shanghai of the step's date for everything else (registry
announcements, audit times). Nothing is written by hand: the household, the procedure, month ends, life events and
their consequences are the services' own work, and what they did is read back for the report.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from minzheng.accounts.models import User
from minzheng.core.errors import DomainError
from minzheng.scenarios import format as fmt
from minzheng.scenarios.setup import ACTORS

SHANGHAI = ZoneInfo("Asia/Shanghai")
ID_COUNTY = "510521"


@contextmanager
def clock_at(day: date) -> Iterator[None]:
    """The process clock at 10:00 of ``day`` (Shanghai), a microsecond later on every reading (so order is kept)."""
    base = datetime.combine(day, time(10, 0), tzinfo=SHANGHAI).astimezone(UTC)
    ticks = itertools.count()
    original = timezone.now
    timezone.now = lambda: base + timedelta(microseconds=next(ticks))
    try:
        yield
    finally:
        timezone.now = original


def _money(value: Any) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


def _id_number(birth: date, serial: int, sex: str) -> str:
    from minzheng.registry.idnumber import check_character

    order = serial * 2 + (1 if sex == "male" else 0)
    body = f"{ID_COUNTY}{birth:%Y%m%d}{order % 1000:03d}"
    return body + check_character(body)


def _account(serial: int) -> str:
    from minzheng.registry.validation import luhn_check_digit

    payload = f"622848040256{serial:06d}"
    return payload + luhn_check_digit(payload)


class Player:
    """Plays one scenario; :meth:`play` returns the report as plain JSON data (no ids, no timestamps)."""

    def __init__(self, scenario: fmt.Scenario) -> None:
        self.scenario = scenario
        self.users = {u.username: u for u in User.objects.filter(username__in=[a.username for a in ACTORS])}
        self.household: Any = None
        self.applications: list[Any] = []
        self.serial = itertools.count(1)
        self.seen_changes = 0
        self.seen_rechecks = 0

    # —— actors ——
    @property
    def clerk(self) -> Any:
        return self.users["scenario_clerk"]

    @property
    def visitor(self) -> Any:
        return self.users["scenario_visitor"]

    @property
    def officer(self) -> Any:
        return self.users["scenario_officer"]

    @property
    def reviewer(self) -> Any:
        return self.users["scenario_reviewer"]

    @property
    def approver(self) -> Any:
        return self.users["scenario_approver"]

    @property
    def township(self) -> str:
        return str(self.scenario.household.village[:9])

    # —— the whole run ——
    def play(self) -> dict[str, Any]:
        first = self.scenario.steps[0].date if self.scenario.steps else timezone.localdate()
        steps: list[dict[str, Any]] = []
        with clock_at(first):
            # 公示 must carry a complaint phone: set at the township, so a scenario's county row cannot drop it
            self._policy_row(
                fmt.PolicyRow(
                    region=self.township,
                    effective_from=date(2000, 1, 1),
                    values={"procedure.complaint_phone": "0830-8188123"},
                    note="乡镇监督举报电话",
                )
            )
            for row in self.scenario.policy:
                self._policy_row(row)
            created: dict[str, Any] = {"date": first.isoformat(), "kind": "household"}
            steps.append(created)
            try:
                self._create_household()
            except DomainError as exc:
                _record_error(created, exc)
                created["error"] = _("建立家庭档案失败，其后各步未执行：%(m)s") % {"m": created["error"]}
        for step in self.scenario.steps if self.household is not None else ():
            with clock_at(step.date):
                steps.append(self._step(step))
        return {
            "title": self.scenario.title,
            "description": self.scenario.description,
            "steps": steps,
            "benefits": self._benefits() if self.household is not None else [],
            "roster": [line for s in steps for line in s.get("roster", [])],
        }

    def _step(self, step: fmt.Step) -> dict[str, Any]:
        out: dict[str, Any] = {"date": step.date.isoformat(), "kind": step.kind}
        if step.note:
            out["note"] = step.note
        handler: Callable[[date, Any, dict[str, Any]], None] = getattr(self, f"_do_{step.kind}")
        try:
            handler(step.date, step.action, out)
        except DomainError as exc:
            _record_error(out, exc)
        out.update(self._consequences())
        return out

    # —— setup ——
    def _policy_row(self, row: fmt.PolicyRow) -> dict[str, Any]:
        from minzheng.policy.services import policy_version_create

        policy_version_create(
            actor=None,
            region_code=row.region,
            effective_from=row.effective_from,
            values=dict(row.values),
            preset=row.preset,
            note=row.note,
        )
        return {"region": row.region, "effective_from": row.effective_from.isoformat(), "values": row.values}

    def _member_data(self, member: fmt.Member) -> Any:
        from minzheng.registry.validation import MemberData

        number = member.id_number
        if not number:
            assert member.birth_date is not None  # noqa: S101 - the format checked it
            number = _id_number(member.birth_date, next(self.serial), member.sex)
        return MemberData(
            name=member.name,
            id_number=number,
            relation=member.relation,
            hukou_status=member.hukou_status,
            is_coresident=member.is_coresident,
            non_coresident_reason=member.non_coresident_reason,
            away_for_work=member.away_for_work,
            work_capacity=member.work_capacity,
            schooling=member.schooling,
            serious_illness=member.serious_illness,
            disability_category=member.disability_category,
            disability_grade=member.disability_grade,
            disability_certificate=member.disability_certificate,
            veteran_category=member.veteran_category,
            is_orphan=member.is_orphan,
        )

    def _create_household(self) -> None:
        from minzheng.registry.documents import document_add
        from minzheng.registry.models import DocumentType, Relation
        from minzheng.registry.services import HouseholdData, household_create

        spec = self.scenario.household
        head = next(m for m in spec.members if m.relation == Relation.HEAD)
        result = household_create(
            actor=self.clerk,
            data=HouseholdData(
                region_code=spec.village,
                address=spec.address,
                hukou_type=spec.hukou_type,
                bank_name=spec.bank_name,
                account_holder=head.name,
                account_number=spec.account_number or _account(1),
            ),
            head=self._member_data(head),
            members=[self._member_data(m) for m in spec.members if m is not head],
        )
        self.household = result.obj
        for kind in (DocumentType.ID_CARD, DocumentType.STATEMENT, DocumentType.AUTHORISATION):
            document_add(
                actor=self.clerk,
                household=self.household,
                upload=io.BytesIO(b"%PDF-1.4\n% scenario scan\n"),
                original_name=f"{DocumentType(kind).label}.pdf",
                doc_type=kind,
            )
        for income in spec.incomes:
            self._income_add(
                income.category,
                income.monthly_amount,
                income.source,
                income.member,
                income.exclusion,
                income.period_start,
                income.period_end,
            )
        self._consequences()  # what creating the household triggered is not a step's doing

    def _member(self, name: str) -> Any:
        from minzheng.registry.models import Member

        found = Member.objects.filter(household=self.household, name=name).first()
        if found is None:
            raise _NoSuch(_("本户没有名为“%(n)s”的成员") % {"n": name})
        return found

    def _head(self) -> Any:
        from minzheng.registry.models import Relation

        return self.household.members.get(relation=Relation.HEAD, date_of_death__isnull=True)

    def _income_add(
        self,
        category: str,
        amount: Decimal,
        source: str,
        member: str,
        exclusion: str,
        start: date | None = None,
        end: date | None = None,
    ) -> None:
        from minzheng.registry.services import income_add

        income_add(
            actor=self.clerk,
            household=self.household,
            category=category,
            monthly_amount=amount,
            source=source,
            member=self._member(member) if member else None,
            exclusion=exclusion,
            period_start=start,
            period_end=end,
        )

    # —— the procedure ——
    def _case(self, ref: Any) -> Any:
        program, subject = getattr(ref, "program", ""), getattr(ref, "subject", "")
        for case in reversed(self.applications):
            if program and case.program != program:
                continue
            if subject and case.subject.name != subject:
                continue
            case.refresh_from_db()
            return case
        raise _NoSuch(_("没有找到要办理的申请(项目 %(p)s)") % {"p": program or "—"})

    def _do_submit(self, day: date, action: fmt.Submit | fmt.Procedure, out: dict[str, Any]) -> None:
        from minzheng.cases import services

        applicant = self._member(action.applicant) if action.applicant else self._head()
        case = services.application_submit(
            actor=self.officer,
            household=self.household,
            program=action.program,
            applicant=applicant,
            subject=self._member(action.subject) if action.subject else None,
            request_data=dict(action.request) or None,
            reason=action.reason,
            urgent=action.urgent,
            today=day,
        )
        self.applications.append(case)
        out["application"] = {
            "program": case.program,
            "applicant": applicant.name,
            "subject": case.subject.name if case.subject else "",
        }

    def _do_accept(self, day: date, ref: fmt.CaseRef, out: dict[str, Any]) -> None:
        from minzheng.cases import services

        case = services.application_accept(actor=self.clerk, application=self._case(ref), today=day)
        out["status"] = case.status

    def _do_prepay(self, day: date, action: fmt.Prepay, out: dict[str, Any]) -> None:
        from minzheng.cases import services

        case = services.application_prepay(
            actor=self.clerk, application=self._case(action), amount=action.amount, today=day
        )
        out["prepaid_amount"] = _money(case.prepaid_amount)
        out["status"] = case.status

    def _do_visit(self, day: date, action: fmt.Visit, out: dict[str, Any]) -> None:
        from minzheng.cases import services

        case = self._case(action)
        services.investigation_record(
            actor=self.visitor,
            application=case,
            data=services.VisitData(
                visited_on=day,
                staff=[self.visitor, self.officer],
                methods=["home_visit", "neighbours"],
                members_present=self._head().name,
                member_signed=True,
                findings=action.findings,
                property_ok=action.property_ok,
            ),
            today=day,
        )
        out["status"] = self._case(action).status

    def _do_check(self, day: date, action: fmt.Check, out: dict[str, Any]) -> None:
        from minzheng.cases import services

        case = services.check_record(
            actor=self.clerk,
            application=self._case(action),
            checked_on=day,
            result=action.result,
            summary=action.summary,
            today=day,
        )
        out["status"] = self._case(action).status if case is not None else ""

    def _do_review(self, day: date, action: fmt.Review, out: dict[str, Any]) -> None:
        from minzheng.cases import services

        case = services.review_record(
            actor=self.reviewer,
            application=self._case(action),
            agree=action.agree,
            opinion=action.opinion,
            amount=action.amount,
            today=day,
        )
        out["decision"] = decision_summary(case.decision)
        out["proposed_amount"] = _money(case.proposed_amount)
        out["status"] = case.status

    def _do_publish(self, day: date, ref: fmt.CaseRef, out: dict[str, Any]) -> None:
        from minzheng.cases import services

        notice = services.notice_publish(actor=self.clerk, application=self._case(ref), today=day)
        out["notice"] = notice_summary(notice)
        out["status"] = self._case(ref).status

    def _do_close_notice(self, day: date, ref: fmt.CaseRef, out: dict[str, Any]) -> None:
        from minzheng.cases import services

        case = services.notice_close(actor=self.clerk, application=self._case(ref), today=day)
        out["status"] = case.status

    def _do_decide(self, day: date, action: fmt.Decide | fmt.Procedure, out: dict[str, Any]) -> None:
        from minzheng.cases import services

        amount = getattr(action, "amount", None)
        case = self._case(action)
        approve, reasons = action.approve, action.reasons
        if approve is None:  # a procedure without a stated outcome follows the township's review
            approve = bool(case.decision and case.decision.get("eligible"))
            if not approve and not reasons:
                reasons = _("经审核不符合条件")
        by_township = getattr(action, "by", "county") == "township"
        case = services.application_decide(
            actor=self.users["scenario_deputy"] if by_township else self.approver,
            application=case,
            approve=approve,
            reasons=reasons,
            amount=amount,
            today=day,
        )
        out["status"] = case.status
        out["deadlines"] = [
            {
                "step": str(d.step),
                "due": d.due.isoformat() if d.due is not None else None,
                "done_on": d.done_on.isoformat() if d.done_on is not None else None,
                "rules": list(d.rules),
            }
            for d in services.case_clock(case)
        ]
        if approve:
            benefit = case.benefit
            out["benefit"] = {
                "program": benefit.program,
                "amount": _money(benefit.amount),
                "period": benefit.period,
                "first_month": benefit.first_month.isoformat(),
                "members_covered": benefit.members_covered,
            }
        else:
            out["refusal_reasons"] = case.refusal_reasons

    def _do_procedure(self, day: date, action: fmt.Procedure, out: dict[str, Any]) -> None:
        """submit → accept → visit → check → review → publish → close → decide, each on its own date."""
        ref = fmt.CaseRef(program=action.program, subject=action.subject)
        stages: list[dict[str, Any]] = []
        out["stages"] = stages

        def stage(kind: str, on: date, run: Callable[[dict[str, Any]], None]) -> None:
            record: dict[str, Any] = {"date": on.isoformat(), "kind": kind}
            stages.append(record)
            with clock_at(on):
                try:
                    run(record)
                except DomainError as exc:
                    _record_error(record, exc)
                    raise _Stopped from exc

        try:
            stage("submit", day, lambda r: self._do_submit(day, action, r))
            stage("accept", day, lambda r: self._do_accept(day, ref, r))
            visit = fmt.Visit(program=action.program, subject=action.subject)
            stage(
                "visit", day + timedelta(days=1), lambda r: self._do_visit(day + timedelta(days=1), visit, r)
            )
            check = fmt.Check(program=action.program, subject=action.subject)
            stage(
                "check", day + timedelta(days=2), lambda r: self._do_check(day + timedelta(days=2), check, r)
            )
            review = fmt.Review(program=action.program, subject=action.subject)
            stage(
                "review",
                day + timedelta(days=3),
                lambda r: self._do_review(day + timedelta(days=3), review, r),
            )
            published = day + timedelta(days=5)
            stage("publish", published, lambda r: self._do_publish(published, ref, r))
            case = self._case(ref)
            if case.status == "notice":
                notice = case.notices.order_by("-round").first()
                closed = notice.ends_on + timedelta(days=1) if notice is not None else published
                stage("close_notice", closed, lambda r: self._do_close_notice(closed, ref, r))
            else:
                closed = published
            decided = closed + timedelta(days=1)
            stage("decide", decided, lambda r: self._do_decide(decided, action, r))
        except _Stopped:
            out["error"] = _("办理在“%(k)s”一步被拒绝，其后各步未执行") % {"k": stages[-1]["kind"]}

    # —— months ——
    def _programs_paid(self) -> list[str]:
        from minzheng.cases.models import Benefit
        from minzheng.rules.programs import PROGRAMS

        codes = set(Benefit.objects.filter(household=self.household).values_list("program", flat=True))
        return [code for code in PROGRAMS if code in codes]

    def _do_month_end(self, day: date, action: fmt.MonthEnd, out: dict[str, Any]) -> None:
        from minzheng.benefits.services import monthly_scan
        from minzheng.core.months import next_month

        month = (action.month or day).replace(day=1)
        out["month"] = month.strftime("%Y-%m")
        out["roster"] = []
        for program in action.programs or self._programs_paid():
            out["roster"].extend(self._pay(month, program, action, out))
        if action.scan:
            out["scan"] = monthly_scan(month=next_month(month))

    def _pay(
        self, month: date, program: str, action: fmt.MonthEnd, out: dict[str, Any]
    ) -> list[dict[str, Any]]:
        from minzheng.payments import services as payments
        from minzheng.payments.bankfiles import bank_file_export, bank_return_import, templates_for
        from minzheng.payments.models import PaymentStatus, RosterLine
        from minzheng.policy.selectors import policy_for

        quarterly = program in policy_for(self.township, month).get("payments").quarterly_programs
        if quarterly and month.month % 3 != 1:
            return []  # a quarterly program (YF-11) is paid at the start of its quarter
        cycle = payments.cycle_generate(
            actor=self.clerk, region_code=self.township, programs=[program], period_start=month
        )
        lines = list(RosterLine.objects.filter(cycle=cycle).order_by("pk"))
        if not lines:
            return []
        cycle = payments.cycle_confirm_checked(actor=self.clerk, cycle=cycle)
        if policy_for(self.township, month).get("payments").publish_roster:
            cycle = payments.cycle_mark_noticed(actor=self.clerk, cycle=cycle)
        cycle = payments.cycle_approve(actor=self.approver, cycle=cycle)
        template = next(t for t in templates_for(self.township) if t.file_format == "csv")
        bank_file_export(actor=self.clerk, cycle=cycle, template=template)
        rows = ["流水号,金额,结果,失败原因"]
        for line in lines:
            failed = line.payee_name in action.fail
            reason = action.failure_reason if failed else ""
            rows.append(f"{line.pk},{line.amount:.2f},{'失败' if failed else '成功'},{reason}")
        bank_return_import(
            actor=self.clerk, cycle=cycle, file_name="回盘.csv", content="\n".join(rows).encode("utf-8")
        )
        result = []
        for line in RosterLine.objects.filter(cycle=cycle).order_by("pk"):
            if line.status == PaymentStatus.FAILED and action.reissue:
                line = payments.failure_handle(
                    actor=self.clerk,
                    line=line,
                    how=action.reissue,
                    note=_("情景：已由乡镇以现金发放") if action.reissue == "manual" else "",
                )
            result.append(roster_line(line))
        return result

    # —— life ——
    def _do_death(self, day: date, action: fmt.Death, out: dict[str, Any]) -> None:
        from minzheng.registry.services import member_record_death

        member_record_death(
            actor=self.clerk, member=self._member(action.member), date_of_death=action.date_of_death or day
        )
        out["member"] = action.member

    def _do_birth(self, day: date, action: fmt.Birth, out: dict[str, Any]) -> None:
        from minzheng.registry.services import member_add

        member_add(actor=self.clerk, household=self.household, data=self._member_data(action.member))
        out["member"] = action.member.name

    def _do_change_head(self, day: date, action: fmt.ChangeHead, out: dict[str, Any]) -> None:
        from minzheng.registry.services import HouseholdData, household_change_head, household_update

        household = household_change_head(
            actor=self.clerk,
            household=self.household,
            new_head=self._member(action.member),
            old_head_relation=action.old_head_relation,
        )
        household_update(
            actor=self.clerk,
            household=household,
            data=HouseholdData(
                region_code=household.region_id,
                address=household.address,
                hukou_type=household.hukou_type,
                phone=household.phone,
                bank_name=household.bank_name,
                account_holder=action.member,
                account_number=household.account_number,
                note=household.note,
            ),
        )
        self.household.refresh_from_db()
        out["head"] = action.member

    def _do_income(self, day: date, action: fmt.IncomeChange, out: dict[str, Any]) -> None:
        from minzheng.registry.models import IncomeItem
        from minzheng.registry.services import income_remove

        removed = []
        if action.replace:
            member = self._member(action.member) if action.member else None
            for item in IncomeItem.objects.filter(
                household=self.household, member=member, category=action.category
            ):
                removed.append(_money(item.monthly_amount))
                income_remove(actor=self.clerk, item=item)
        if action.monthly_amount:
            self._income_add(
                action.category, action.monthly_amount, action.source, action.member, action.exclusion
            )
        out["income"] = {
            "member": action.member,
            "category": action.category,
            "removed": removed,
            "monthly_amount": _money(action.monthly_amount),
        }

    def _open_rechecks(self, ref: Any, trigger: str = "") -> list[Any]:
        from minzheng.benefits.models import Recheck

        found = Recheck.objects.filter(household=self.household, state=Recheck.State.OPEN).select_related(
            "benefit__member"
        )
        if trigger:
            found = found.filter(trigger=trigger)
        if ref.program:
            found = found.filter(benefit__program=ref.program)
        if ref.subject:
            found = found.filter(benefit__member__name=ref.subject)
        return list(found.exclude(benefit=None).order_by("pk"))

    def _do_recheck(self, day: date, action: fmt.RecheckStep, out: dict[str, Any]) -> None:
        from minzheng.benefits.services import recheck_apply, recheck_dismiss

        # a review waiting for its visit is the review_visit step's business, not this one's
        rechecks = [r for r in self._open_rechecks(action) if r.trigger != "review" or r.visit_id is not None]
        if not rechecks:
            raise _NoSuch(_("没有待处理的复核提示"))
        done = []
        for recheck in rechecks:
            if action.action == "apply":
                reason = action.reason or (
                    _("情景：按重新测算结果停止") if recheck.new_eligible is False else ""
                )
                recheck_apply(
                    actor=self.approver, recheck=recheck, reason=reason, taper=action.taper, today=day
                )
            else:
                # keeping a benefit against the new decision is the county's call; otherwise the township's
                against = recheck.trigger != "review" and (
                    recheck.new_eligible is False
                    or (recheck.new_amount is not None and recheck.new_amount != recheck.old_amount)
                )
                recheck_dismiss(
                    actor=self.approver if against else self.clerk,
                    recheck=recheck,
                    reason=action.reason or _("情况无变化"),
                )
            done.append(
                {"program": recheck.benefit.program, "reason": recheck.reason, "action": action.action}
            )
        out["rechecks_handled"] = done

    def _do_review_visit(self, day: date, action: fmt.ReviewVisit, out: dict[str, Any]) -> None:
        from minzheng.benefits.models import Recheck
        from minzheng.benefits.services import review_visit_record
        from minzheng.cases.services import VisitData

        rechecks = self._open_rechecks(action, trigger=Recheck.Trigger.REVIEW)
        if not rechecks:
            raise _NoSuch(_("没有到期的定期复核"))
        for recheck in rechecks:
            done = review_visit_record(
                actor=self.visitor,
                recheck=recheck,
                visit=VisitData(
                    visited_on=day,
                    staff=[self.visitor, self.officer],
                    methods=["home_visit"],
                    members_present=self._head().name,
                    member_signed=True,
                    findings=action.summary,
                ),
                result=action.result,
                summary=action.summary,
                today=day,
            )
            out.setdefault("reviews", []).append(
                {
                    "program": recheck.benefit.program if recheck.benefit else "",
                    "old_amount": _money(done.old_amount),
                    "new_amount": _money(done.new_amount),
                    "new_eligible": done.new_eligible,
                    "decision": decision_summary(done.new_decision),
                }
            )

    def _do_policy(self, day: date, action: fmt.PolicyRow, out: dict[str, Any]) -> None:
        out["policy"] = self._policy_row(action)

    def _do_standard_change(self, day: date, action: fmt.StandardChange, out: dict[str, Any]) -> None:
        from minzheng.benefits.services import standard_change_apply, standard_change_preview

        out["policy"] = self._policy_row(
            fmt.PolicyRow(
                region=action.region,
                effective_from=action.effective_from,
                preset=action.preset,
                values=action.values,
                note=action.note,
            )
        )
        month = action.effective_from.replace(day=1)
        rows = standard_change_preview(region_code=self.township, program=action.program, month=month)
        mine = {b.pk for b in self.household.benefits.all()}
        out["preview"] = [
            {"old": _money(r.old), "new": _money(r.new), "eligible": r.eligible}
            for r in rows
            if r.benefit_id in mine
        ]
        out["applied"] = standard_change_apply(
            actor=self.approver, region_code=self.township, program=action.program, month=month, today=day
        )

    def _do_fraud(self, day: date, action: fmt.Fraud, out: dict[str, Any]) -> None:
        from minzheng.benefits.services import benefit_stop_for_fraud

        benefit = self._benefit(action)
        recovery = benefit_stop_for_fraud(
            actor=self.approver, benefit=benefit, since=action.since, reason=action.reason, today=day
        )
        out["recovery"] = {
            "program": benefit.program,
            "since": recovery.since_month.strftime("%Y-%m"),
            "until": recovery.until_month.strftime("%Y-%m"),
            "amount": _money(recovery.amount),
            "fine_min": _money(recovery.fine_min),
            "fine_max": _money(recovery.fine_max),
        }

    def _benefit(self, ref: Any) -> Any:
        found = self.household.benefits.select_related("member").order_by("-pk")
        if ref.program:
            found = found.filter(program=ref.program)
        if ref.subject:
            found = found.filter(member__name=ref.subject)
        benefit = found.first()
        if benefit is None:
            raise _NoSuch(_("本户没有该项待遇(项目 %(p)s)") % {"p": ref.program or "—"})
        return benefit

    # —— what each step caused ——
    def _consequences(self) -> dict[str, Any]:
        """Benefit changes and rechecks the step caused (through the services' own reactions), in order."""
        from minzheng.benefits.models import BenefitChange, Recheck

        out: dict[str, Any] = {}
        changes = list(
            BenefitChange.objects.filter(benefit__household=self.household, pk__gt=self.seen_changes)
            .select_related("benefit")
            .order_by("pk")
        )
        if changes:
            self.seen_changes = changes[-1].pk
            out["changes"] = [change_summary(c) for c in changes]
        rechecks = list(
            Recheck.objects.filter(household=self.household, pk__gt=self.seen_rechecks)
            .select_related("benefit")
            .order_by("pk")
        )
        if rechecks:
            self.seen_rechecks = rechecks[-1].pk
            out["rechecks"] = [recheck_summary(r) for r in rechecks]
        return out

    def _benefits(self) -> list[dict[str, Any]]:
        from minzheng.benefits.models import Recovery

        result = []
        for benefit in self.household.benefits.select_related("member").order_by("pk"):
            result.append(
                {
                    "program": benefit.program,
                    "subject": benefit.member.name if benefit.member else "",
                    "state": benefit.state,
                    "amount": _money(benefit.amount),
                    "first_month": benefit.first_month.strftime("%Y-%m"),
                    "history": [change_summary(c) for c in benefit.changes.order_by("effective_month", "pk")],
                    "recoveries": [
                        {
                            "amount": _money(r.amount),
                            "fine_min": _money(r.fine_min),
                            "fine_max": _money(r.fine_max),
                        }
                        for r in Recovery.objects.filter(benefit=benefit).order_by("pk")
                    ],
                }
            )
        return result


def _record_error(out: dict[str, Any], exc: DomainError) -> None:
    """A refusal is part of what happened: its message (and the fields it names) go into the report."""
    out["error"] = str(exc.message)
    fields = getattr(exc, "fields", None)
    if fields:
        out["error_fields"] = {k: [str(m) for m in v] for k, v in fields.items()}


class _Stopped(Exception):
    """A procedure stage was refused: the rest of the procedure is not attempted."""


class _NoSuch(DomainError):
    """A scenario names something the household does not have (a member, an application, a recheck)."""

    code = "scenario_reference"


# —— plain summaries (stable JSON: no ids, no timestamps) ——


def decision_summary(decision: dict[str, Any] | None) -> dict[str, Any] | None:
    if not decision:
        return None
    return {
        "program": decision.get("program", ""),
        "subject": decision.get("subject", ""),
        "eligible": decision.get("eligible"),
        "near_dibao": decision.get("near_dibao"),
        "amount": decision.get("amount"),
        "period": decision.get("period"),
        "lines": [{"text": line["text"], "rules": line["rules"]} for line in decision.get("lines", [])],
        "warnings": list(decision.get("warnings", [])),
        "needs_verification": list(decision.get("needs_verification", [])),
    }


def notice_summary(notice: Any) -> dict[str, Any] | None:
    if notice is None:
        return None
    return {
        "starts_on": notice.starts_on.isoformat(),
        "ends_on": notice.ends_on.isoformat(),
        "public_name": notice.public_name,
        "public_members": notice.public_members,
        "public_amount": _money(notice.public_amount),
    }


def change_summary(change: Any) -> dict[str, Any]:
    return {
        "program": change.benefit.program,
        "kind": change.kind,
        "month": change.effective_month.strftime("%Y-%m"),
        "old_amount": _money(change.old_amount),
        "new_amount": _money(change.new_amount),
        "reason": change.reason,
    }


def recheck_summary(recheck: Any) -> dict[str, Any]:
    return {
        "program": recheck.benefit.program if recheck.benefit_id else recheck.program,
        "trigger": recheck.trigger,
        "state": recheck.state,
        "reason": recheck.reason,
        "month": recheck.effective_month.strftime("%Y-%m"),
        "old_amount": _money(recheck.old_amount),
        "new_amount": _money(recheck.new_amount),
        "new_eligible": recheck.new_eligible,
    }


def roster_line(line: Any) -> dict[str, Any]:
    months = line.months_from.strftime("%Y-%m")
    if line.months_to != line.months_from:
        months += "~" + line.months_to.strftime("%Y-%m")
    return {
        "cycle": line.cycle.period_start.strftime("%Y-%m"),
        "program": line.program,
        "months": months,
        "payee": line.payee_name,
        "regular": _money(line.regular_amount),
        "arrears": _money(line.arrears_amount),
        "reissue": _money(line.reissue_amount),
        "deduction": _money(line.deduction_amount),
        "amount": _money(line.amount),
        "status": line.status,
        "failure_reason": line.failure_reason,
        "handling": line.reissue,
        "note": line.note,
    }


def play(scenario: fmt.Scenario) -> dict[str, Any]:
    """Play the scenario in the current database (the caller guarantees it is a scratch one)."""
    from minzheng.cases import services as procedure

    # the county's spot-check draw is random (unpredictable on purpose); a scenario must give the same answer every
    # time, so its draw never picks the case
    procedure._RANDOM = _NeverDrawn()  # type: ignore[assignment]
    return Player(scenario).play()


class _NeverDrawn:
    def randrange(self, stop: int) -> int:
        return stop - 1
