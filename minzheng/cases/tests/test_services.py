"""The procedure end to end through its services: happy paths, the objection loop, refusal, the clock, separation
of duties, concurrency and quotas (DB-08..DB-31, TK-09, LS-03..LS-05)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from minzheng.audit.models import AuditEvent
from minzheng.cases import services
from minzheng.cases.models import Application, Benefit, FinancialCheck, Notice, Status
from minzheng.cases.tests.factories import (
    ACCEPTED,
    poor_household,
    submit,
    to_checked,
    to_notice,
    to_notice_ended,
    visit,
)
from minzheng.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from minzheng.core.testing.personas import COUNTY, VILLAGE_A1
from minzheng.registry.models import Relation

pytestmark = pytest.mark.django_db


def test_dibao_happy_path_from_application_to_benefit(personas: dict[str, Any]) -> None:
    case = submit(personas, poor_household(personas))
    to_notice_ended(personas, case)
    assert case.decision is not None and case.proposed_amount == Decimal("840")  # 3 × 580 − 900 (WE-01)
    services.application_decide(
        actor=personas["county_approver"], application=case, approve=True, today=date(2025, 3, 20)
    )
    case.refresh_from_db()
    assert case.status == Status.APPROVED and case.approved_amount == Decimal("840")
    assert case.first_payment_month == date(2025, 4, 1)  # DB-29: the month after the decision (WE-01)
    benefit = Benefit.objects.get(application=case)
    assert (benefit.amount, benefit.first_month, benefit.members_covered) == (
        Decimal("840"),
        date(2025, 4, 1),
        3,
    )
    assert benefit.review_due == date(2025, 9, 30)  # six-monthly: the end of the 6th month (WE-01)
    codes = list(
        AuditEvent.objects.filter(target_type="cases.application", target_id=str(case.pk))
        .order_by("seq")
        .values_list("event_code", flat=True)
    )
    assert codes == [
        "cases.submitted",
        "cases.accepted",
        "cases.investigated",
        "cases.checked",
        "cases.reviewed",
        "cases.published",
        "cases.notice_closed",
        "cases.approved",
    ]


def test_acceptance_needs_the_signed_statement_and_authorisation(personas: dict[str, Any]) -> None:
    case = submit(personas, poor_household(personas, materials=False))
    with pytest.raises(ValidationFailed, match="收入财产声明") as info:
        services.application_accept(actor=personas["township_a_clerk"], application=case)
    assert "核对授权书" in str(info.value.message)
    services.application_request_materials(
        actor=personas["township_a_clerk"], application=case, extra=["残疾人证"]
    )
    case.refresh_from_db()
    assert case.status == Status.INCOMPLETE
    assert case.missing_materials == [
        "身份证或户口簿",
        "收入财产声明",
        "核对授权书",
        "残疾人证",
    ]  # one list (DB-10)


def test_a_proxy_application_needs_the_entrustment(personas: dict[str, Any]) -> None:
    household = poor_household(personas)
    with pytest.raises(ValidationFailed, match="委托书"):
        submit(personas, household, on_behalf=True, proxy_name="王村长", proxy_relation="村委会")
    document = household.documents.first()
    case = submit(
        personas,
        household,
        on_behalf=True,
        proxy_name="王村长",
        proxy_relation="村委会",
        proxy_document=document,
    )
    assert case.on_behalf and case.proxy_document == document


def test_one_open_case_per_program_and_person(personas: dict[str, Any]) -> None:
    household = poor_household(personas)
    submit(personas, household)
    with pytest.raises(ConflictError, match="正在办理的同类申请"):
        submit(personas, household)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"staff": "one"}, "至少 2 名"),
        ({"member_signed": False}, "签字"),
        ({"remote": True}, "电话或视频"),
        ({"methods": []}, "调查方式"),
    ],
)
def test_a_home_visit_needs_two_staff_a_signature_and_no_remote_outside_emergencies(
    personas: dict[str, Any], change: dict[str, Any], message: str
) -> None:
    case = submit(personas, poor_household(personas))
    services.application_accept(actor=personas["township_a_clerk"], application=case, today=ACCEPTED)
    data = visit(personas)
    fields = {**data.__dict__, **change}
    if change.get("staff") == "one":
        fields["staff"] = [personas["township_a_clerk"], personas["township_a_clerk"]]
    with pytest.raises(ValidationFailed, match=message):
        services.investigation_record(
            actor=personas["township_a_clerk"], application=case, data=services.VisitData(**fields)
        )
    assert not case.investigations.exists()


def test_objection_pauses_the_case_and_loops_back_to_a_new_notice(personas: dict[str, Any]) -> None:
    case = to_notice(personas, submit(personas, poor_household(personas)))
    notice = case.notices.get()

    now = datetime(2025, 3, 14, 10, 0, tzinfo=UTC)
    services.objection_submit(
        notice=notice, contact="13900000000", text="该户有一辆货车未申报", ip_address="10.0.0.9", now=now
    )
    case.refresh_from_db()
    notice.refresh_from_db()
    assert case.status == Status.OBJECTED and notice.state == Notice.State.OBJECTED and case.complained
    with pytest.raises(ConflictError, match="已结束或已中止"):
        services.objection_submit(notice=notice, contact="x", text="再提一次异议内容", now=now)
    services.objection_resolve(actor=personas["township_a_clerk"], application=case, route="reinvestigate")
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED
    clerk = personas["township_a_clerk"]
    services.investigation_record(actor=clerk, application=case, data=visit(personas))
    services.check_record(
        actor=clerk,
        application=case,
        checked_on=date(2025, 3, 20),
        result=FinancialCheck.Result.CONSISTENT,
        summary="货车已报废",
    )
    services.review_record(actor=personas["township_a_head"], application=case, agree=True, opinion="")
    second = services.notice_publish(actor=clerk, application=case, today=date(2025, 3, 24))
    assert (
        second is not None and second.round == 2 and second.ends_on == date(2025, 3, 30)
    )  # a new 7-day notice
    # a complained-about case needs the county's own home visit before approval (DB-50)
    services.notice_close(actor=clerk, application=case, today=date(2025, 3, 31))
    with pytest.raises(ConflictError, match="县级入户核查"):
        services.application_decide(actor=personas["county_approver"], application=case, approve=True)


def test_objection_may_route_to_a_village_appraisal_with_quorum(personas: dict[str, Any]) -> None:
    case = to_notice(personas, submit(personas, poor_household(personas)))

    services.objection_submit(
        notice=case.notices.get(),
        contact="村民",
        text="家里有人在外务工收入高",
        now=datetime(2025, 3, 13, 9, tzinfo=UTC),
    )
    services.objection_resolve(actor=personas["township_a_clerk"], application=case, route="appraisal")
    case.refresh_from_db()
    assert case.status == Status.CHECKED and case.appraisal_required
    with pytest.raises(ConflictError, match="民主评议"):
        services.review_record(actor=personas["township_a_head"], application=case, agree=True, opinion="")
    with pytest.raises(ValidationFailed, match="三分之二"):
        services.appraisal_record(
            actor=personas["township_a_clerk"],
            application=case,
            held_on=date(2025, 3, 20),
            entitled=30,
            present=19,
            agree=19,
        )
    appraisal = services.appraisal_record(
        actor=personas["township_a_clerk"],
        application=case,
        held_on=date(2025, 3, 20),
        entitled=30,
        present=20,
        agree=14,
    )
    assert appraisal.passed  # 14 × 3 = 42 ≥ 20 × 2
    services.review_record(actor=personas["township_a_head"], application=case, agree=True, opinion="")


def test_refusal_needs_reasons_and_its_letter_is_due_in_three_working_days(personas: dict[str, Any]) -> None:
    case = to_notice_ended(personas, submit(personas, poor_household(personas)))
    with pytest.raises(ValidationFailed, match="写明理由"):
        services.application_decide(actor=personas["county_approver"], application=case, approve=False)
    services.application_decide(
        actor=personas["county_approver"],
        application=case,
        approve=False,
        reasons="核查发现家庭有未申报的经营收入，人均收入高于低保标准。",
        today=date(2025, 4, 3),
    )
    case.refresh_from_db()
    assert case.status == Status.REFUSED and not Benefit.objects.filter(application=case).exists()
    assert case.next_due == date(2025, 4, 9)  # 4/4–4/6 Qingming: 4/7, 4/8, 4/9 (DB-29)
    services.refusal_notify(actor=personas["township_a_clerk"], application=case, today=date(2025, 4, 7))
    case.refresh_from_db()
    assert case.next_due is None


def test_the_overall_limit_crosses_qingming_and_can_be_extended_with_a_reason(
    personas: dict[str, Any],
) -> None:
    case = submit(personas, poor_household(personas))
    case = services.application_accept(actor=personas["township_a_clerk"], application=case, today=ACCEPTED)
    steps = {d.step: d.due for d in services.case_clock(case)}
    assert steps["开始入户调查"] == date(2025, 3, 6)  # +3 WD (WE-08)
    assert steps["办结(30 个工作日)"] == date(2025, 4, 15)  # +30 WD, 4/4 Qingming (WE-08)
    with pytest.raises(ValidationFailed, match="理由"):
        services.application_extend(actor=personas["township_a_clerk"], application=case, reason=" ")
    services.application_extend(
        actor=personas["township_a_clerk"], application=case, reason="需补充调查外地收入"
    )
    steps = {d.step: d.due for d in services.case_clock(Application.objects.get(pk=case.pk))}
    assert steps["办结(45 个工作日)"] == date(2025, 5, 8)  # +45 WD across the May holiday (WE-08)


def test_the_reviewer_may_not_have_visited_and_the_approver_may_not_have_reviewed(
    personas: dict[str, Any],
) -> None:
    case = to_checked(personas, submit(personas, poor_household(personas)))
    with pytest.raises(PermissionDeniedError, match="分离职责"):
        services.review_record(actor=personas["township_a_clerk"], application=case, agree=True, opinion="")
    services.review_record(actor=personas["township_a_head"], application=case, agree=True, opinion="")
    assert Application.objects.get(pk=case.pk).status == Status.REVIEWED


def test_a_township_head_decides_only_where_confirmation_is_delegated(personas: dict[str, Any]) -> None:
    case = to_notice_ended(personas, submit(personas, poor_household(personas)))
    with pytest.raises(PermissionDeniedError):
        services.application_decide(actor=personas["township_b_clerk"], application=case, approve=True)
    # the township head reviewed this case: forbidden twice over; a delegated policy still keeps duties apart
    with pytest.raises(PermissionDeniedError):
        services.application_decide(actor=personas["township_a_head"], application=case, approve=True)


def test_overriding_the_computed_amount_needs_a_written_reason(personas: dict[str, Any]) -> None:
    case = to_checked(personas, submit(personas, poor_household(personas)))
    with pytest.raises(ValidationFailed, match="写明理由"):
        services.review_record(
            actor=personas["township_a_head"], application=case, agree=True, opinion="", amount="900"
        )
    services.review_record(
        actor=personas["township_a_head"],
        application=case,
        agree=True,
        opinion="儿子重病，酌情提高",
        amount="900",
    )
    case.refresh_from_db()
    assert case.proposed_amount == Decimal("900") and case.review_override


def test_two_people_acting_at_once_make_one_transition(personas: dict[str, Any]) -> None:
    case = submit(personas, poor_household(personas))
    stale = Application.objects.get(pk=case.pk)  # the second clerk's page was loaded before the first acted
    services.application_accept(actor=personas["township_a_clerk"], application=case)
    with pytest.raises(ConflictError, match="已由他人办理"):
        services.application_accept(actor=personas["township_a_clerk"], application=stale)
    assert AuditEvent.objects.filter(event_code="cases.accepted", target_id=str(case.pk)).count() == 1


def test_quota_full_blocks_approval_until_an_exit_is_recorded(personas: dict[str, Any]) -> None:
    services.quota_set(
        actor=personas["county_admin"], region_code=VILLAGE_A1, program="dibao", limit=1, note="总量控制"
    )
    first = to_notice_ended(personas, submit(personas, poor_household(personas)))
    services.application_decide(actor=personas["county_approver"], application=first, approve=True)
    second = to_notice_ended(personas, submit(personas, poor_household(personas)))
    with pytest.raises(ConflictError, match="名额已满"):
        services.application_decide(actor=personas["county_approver"], application=second, approve=True)
    services.benefit_stop(
        actor=personas["county_approver"], benefit=first.benefit, reason="收入超过标准，退出"
    )
    services.application_decide(actor=personas["county_approver"], application=second, approve=True)
    assert Application.objects.get(pk=second.pk).status == Status.APPROVED


def test_a_tekun_minor_is_never_published(personas: dict[str, Any]) -> None:
    household = poor_household(personas)
    son = household.members.get(relation=Relation.SON)
    son.birth_date = date(2012, 3, 1)
    son.save(update_fields=["birth_date"])
    case = submit(personas, household, program="tekun", subject=son, request_data={"support_form": "home"})
    to_checked(personas, case)
    services.review_record(
        actor=personas["township_a_head"], application=case, agree=False, opinion="有父母，不符合"
    )
    assert services.notice_publish(actor=personas["township_a_clerk"], application=case) is None
    case.refresh_from_db()
    assert case.status == Status.NOTICE_ENDED and not case.notices.exists()


def test_urgent_temporary_assistance_is_paid_first_and_the_paperwork_is_due_in_five_working_days(
    personas: dict[str, Any],
) -> None:
    household = poor_household(personas)
    case = submit(
        personas,
        household,
        program="temporary",
        urgent=True,
        request_data={"kind": "emergency", "cause": "火灾", "amount_requested": "3000", "forms": ["cash"]},
    )
    clock = {d.step: d for d in services.case_clock(case)}
    assert "先行救助(48 小时内)" in clock
    services.application_prepay(
        actor=personas["township_a_clerk"], application=case, amount="2000", paid_on=date(2025, 3, 28)
    )
    steps = {d.step: d.due for d in services.case_clock(Application.objects.get(pk=case.pk))}
    assert steps["补齐审批手续"] == date(2025, 4, 7)  # 3/31, 4/1, 4/2, 4/3, (Qingming 4/4–4/6) 4/7
    with pytest.raises(ConflictError, match="已于"):
        services.application_prepay(actor=personas["township_a_clerk"], application=case, amount="100")


def test_no_one_is_put_on_the_roll_without_the_procedure(personas: dict[str, Any]) -> None:
    case = submit(personas, poor_household(personas))
    with pytest.raises(ConflictError):
        services.application_decide(actor=personas["county_approver"], application=case, approve=True)
    assert not Benefit.objects.exists()


def test_objections_are_throttled_per_address(personas: dict[str, Any]) -> None:

    now = datetime(2025, 3, 13, 9, tzinfo=UTC)
    notices = []
    for _ in range(6):
        case = to_notice(personas, submit(personas, poor_household(personas)))
        notices.append(case.notices.get())
    for notice in notices[:5]:
        services.objection_submit(
            notice=notice, contact="x", text="有异议有异议", ip_address="10.0.0.1", now=now
        )
    with pytest.raises(ConflictError, match="过于频繁"):
        services.objection_submit(
            notice=notices[5], contact="x", text="有异议有异议", ip_address="10.0.0.1", now=now
        )


def test_quota_is_set_only_by_the_county_admin(personas: dict[str, Any]) -> None:
    with pytest.raises(PermissionDeniedError):
        services.quota_set(
            actor=personas["township_a_clerk"], region_code=COUNTY, program="dibao", limit=5, note="x"
        )


def test_a_spot_checked_case_needs_the_county_visit(personas: dict[str, Any]) -> None:
    from minzheng.policy.services import policy_version_create

    policy_version_create(
        actor=personas["county_admin"],
        region_code=COUNTY,
        effective_from=date(2025, 1, 1),
        values={"procedure.complaint_phone": "0830-8888888", "procedure.spot_check_ratio": "1"},
        note="县级抽查全部",
    )
    case = to_notice_ended(personas, submit(personas, poor_household(personas)))
    assert case.spot_check
    with pytest.raises(ConflictError, match="县级入户核查"):
        services.application_decide(actor=personas["county_approver"], application=case, approve=True)
    data = services.VisitData(
        **{**visit(personas).__dict__, "staff": [personas["county_approver"], personas["county_admin"]]}
    )
    services.county_visit_record(actor=personas["county_approver"], application=case, data=data)
    services.application_decide(actor=personas["county_approver"], application=case, approve=True)


def test_no_spot_checks_by_default(personas: dict[str, Any]) -> None:
    case = to_notice_ended(personas, submit(personas, poor_household(personas)))
    assert not case.spot_check


def _elder_alone(personas: dict[str, Any]) -> Any:
    """WE-11-like: a widower of 68 living alone, pension 143 (central, excluded) + 30."""
    import io

    from minzheng.cases.tests.factories import setup_policy
    from minzheng.registry.documents import document_add
    from minzheng.registry.models import DocumentType, HukouType
    from minzheng.registry.services import HouseholdData, household_create, income_add
    from minzheng.registry.tests.factories import member_data

    setup_policy()
    clerk = personas["township_a_clerk"]
    household = household_create(
        actor=clerk,
        data=HouseholdData(region_code=VILLAGE_A1, address="五组 3 号", hukou_type=HukouType.RURAL),
        head=member_data("王老汉", Relation.HEAD, date(1957, 3, 15)),
        members=[],
    ).obj
    head = household.members.get()
    for category, amount, exclusion in (("transfer", "143", "central_basic_pension"), ("transfer", "30", "")):
        income_add(
            actor=clerk,
            household=household,
            category=category,
            monthly_amount=Decimal(amount),
            source="养老金",
            member=head,
            exclusion=exclusion,
        )
    for kind in (DocumentType.ID_CARD, DocumentType.STATEMENT, DocumentType.AUTHORISATION):
        document_add(
            actor=clerk,
            household=household,
            upload=io.BytesIO(b"%PDF-1.4 x"),
            original_name="a.pdf",
            doc_type=kind,
        )
    return household


def test_tekun_happy_path_for_an_adult_uses_its_own_clock(personas: dict[str, Any]) -> None:
    household = _elder_alone(personas)
    case = submit(personas, household, program="tekun", request_data={"support_form": "home"})
    case = to_checked(personas, case)
    steps = {d.step: d.due for d in services.case_clock(case)}
    assert steps["乡镇调查、初审"] == date(2025, 3, 24)  # +15 WD from Monday 3 March (TK-09)
    services.review_record(actor=personas["township_a_head"], application=case, agree=True, opinion="")
    case.refresh_from_db()
    assert (
        case.decision is not None and case.decision["eligible"] and case.proposed_amount == Decimal("754.00")
    )
    notice = services.notice_publish(
        actor=personas["township_a_clerk"], application=case, today=date(2025, 3, 12)
    )
    assert notice is not None and notice.public_members == 1  # an adult 特困 person is published
    services.notice_close(actor=personas["township_a_clerk"], application=case, today=date(2025, 3, 19))
    services.application_decide(actor=personas["county_approver"], application=case, approve=True)
    benefit = Benefit.objects.get(application=case)
    assert (
        benefit.member is not None and benefit.member.name == "王老汉" and benefit.amount == Decimal("754.00")
    )


def test_temporary_assistance_runs_the_same_machine_and_small_amounts_stay_in_the_township(
    personas: dict[str, Any],
) -> None:
    household = poor_household(personas)
    case = submit(
        personas,
        household,
        program="temporary",
        request_data={"kind": "expenditure", "cause": "重病", "assessed_need": "3000", "forms": ["cash"]},
    )
    case = to_notice_ended(personas, case)
    assert case.proposed_amount == Decimal("3000")
    # the township may decide a small amount (LS-03); here its head reviewed the case, so duties keep him out
    with pytest.raises(PermissionDeniedError, match="分离职责"):
        services.application_decide(actor=personas["township_a_head"], application=case, approve=True)
    services.application_decide(actor=personas["county_approver"], application=case, approve=True)
    assert Benefit.objects.get(application=case).period == "one_off"


def test_the_notice_publishes_the_reviewed_amount_even_from_a_stale_copy(personas: dict[str, Any]) -> None:
    case = to_checked(personas, submit(personas, poor_household(personas)))
    stale = Application.objects.get(pk=case.pk)  # loaded before the review
    services.review_record(actor=personas["township_a_head"], application=case, agree=True, opinion="")
    notice = services.notice_publish(actor=personas["township_a_clerk"], application=stale)
    assert notice is not None and (notice.public_amount, notice.public_members) == (Decimal("840"), 3)
