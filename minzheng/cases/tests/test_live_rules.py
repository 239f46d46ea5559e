"""The procedure hands the rules what the records say and keeps each program's own months and limits: 优抚 paid from
the month of confirmation, LS-03's limit on the whole amount, LS-05's count from history, the visit's property
finding, DB-10's single request, the notice's date, 特困's county limit (TK-09)."""

from __future__ import annotations

import dataclasses
import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.cases import services
from minzheng.cases.models import Application, Benefit, FinancialCheck, Status
from minzheng.cases.tests.factories import (
    ACCEPTED,
    poor_household,
    submit,
    to_checked,
    to_notice_ended,
    visit,
)
from minzheng.core.errors import ConflictError, PermissionDeniedError
from minzheng.core.testing.personas import COUNTY, TOWNSHIP_A
from minzheng.policy.services import policy_version_create
from minzheng.registry.documents import document_add
from minzheng.registry.models import DocumentType, Relation

pytestmark = pytest.mark.django_db


# —— 7. each program's own first month ———————————————————————————————————————————————————————


def test_a_disability_pension_is_paid_from_the_month_of_confirmation(personas: dict[str, Any]) -> None:
    household = poor_household(personas)
    head = household.members.get(relation=Relation.HEAD)
    head.veteran_category = "disabled"
    head.save(update_fields=["veteran_category"])
    case = submit(
        personas,
        household,
        program="veterans",
        subject=head,
        request_data={"disability_cause": "war", "disability_grade": 8, "needs_care": False},
    )
    to_notice_ended(personas, case)
    assert case.decision is not None and case.decision["facts"]["pays_from"] == "decision_month"
    services.application_decide(
        actor=personas["county_approver"], application=case, approve=True, today=date(2025, 3, 20)
    )
    case.refresh_from_db()
    # 军人抚恤优待条例 Art. 27: from the month of approval, not 低保's next month (DB-29)
    assert case.first_payment_month == date(2025, 3, 1)
    assert Benefit.objects.get(application=case).first_month == date(2025, 3, 1)


def test_programs_whose_rule_says_nothing_keep_the_dibao_policys_next_month(personas: dict[str, Any]) -> None:
    case = to_notice_ended(personas, submit(personas, poor_household(personas)))
    assert case.decision is not None and "pays_from" not in case.decision["facts"]
    services.application_decide(
        actor=personas["county_approver"], application=case, approve=True, today=date(2025, 3, 20)
    )
    assert Application.objects.get(pk=case.pk).first_payment_month == date(2025, 4, 1)


# —— 10. LS-03 ————————————————————————————————————————————————————————————————————————————————


def _second_clerk(personas: dict[str, Any]) -> Any:
    return user_create(
        actor=personas["county_admin"],
        username="township_a_clerk2",
        password="Minzheng-Test-2025!",
        role=Role.TOWNSHIP_CLERK,
        region_code=TOWNSHIP_A,
        full_name="王二",
    )


def test_a_prepayment_is_counted_once_against_the_townships_delegated_limit(personas: dict[str, Any]) -> None:
    case = submit(
        personas,
        poor_household(personas),
        program="temporary",
        urgent=True,
        request_data={"kind": "emergency", "cause": "火灾", "amount_requested": "4000", "forms": ["cash"]},
    )
    services.application_prepay(
        actor=personas["township_a_clerk"], application=case, amount="2000", paid_on=ACCEPTED, today=ACCEPTED
    )
    to_checked(personas, case)
    services.review_record(
        actor=_second_clerk(personas), application=case, agree=True, opinion="", today=date(2025, 3, 10)
    )
    services.notice_publish(actor=personas["township_a_clerk"], application=case, today=date(2025, 3, 12))
    services.notice_close(actor=personas["township_a_clerk"], application=case, today=date(2025, 3, 19))
    case.refresh_from_db()
    assert case.proposed_amount == Decimal("4000")
    # 4000 in all (2000 of it paid first) is within the township's 5000: the head, who neither visited nor
    # reviewed, may decide it (before: 4000 + 2000 = 6000 was taken to be above the limit)
    services.application_decide(
        actor=personas["township_a_head"], application=case, approve=True, today=date(2025, 3, 20)
    )
    assert Benefit.objects.get(application=case).amount == Decimal("2000")  # the rest after the prepayment


def test_an_amount_above_the_delegated_limit_still_goes_to_the_county(personas: dict[str, Any]) -> None:
    case = submit(
        personas,
        poor_household(personas),
        program="temporary",
        request_data={"kind": "emergency", "cause": "火灾", "amount_requested": "6000", "forms": ["cash"]},
    )
    to_checked(personas, case)
    services.review_record(
        actor=_second_clerk(personas), application=case, agree=True, opinion="", today=date(2025, 3, 10)
    )
    services.notice_publish(actor=personas["township_a_clerk"], application=case, today=date(2025, 3, 12))
    services.notice_close(actor=personas["township_a_clerk"], application=case, today=date(2025, 3, 19))
    with pytest.raises(PermissionDeniedError, match="县级"):
        services.application_decide(actor=personas["township_a_head"], application=case, approve=True)


# —— 16. LS-05 from history, the property finding, DB-10, the notice's date ————————————————————————


def _temporary(personas: dict[str, Any], household: Any, cause: str) -> Application:
    return submit(
        personas,
        household,
        program="temporary",
        request_data={
            "kind": "emergency",
            "cause": cause,
            "amount_requested": "1000",
            "forms": ["cash"],
            "prior_grants_same_cause": 0,  # typed as none: the history says otherwise
        },
    )


def test_ls05_counts_the_households_earlier_grants_for_the_same_cause_this_year(
    personas: dict[str, Any],
) -> None:
    household = poor_household(personas)
    first = to_notice_ended(personas, _temporary(personas, household, "火灾"))
    services.application_decide(
        actor=personas["county_approver"], application=first, approve=True, today=date(2025, 3, 20)
    )
    again = to_checked(personas, _temporary(personas, household, "火灾"))
    services.review_record(
        actor=personas["township_a_head"], application=again, agree=True, opinion="", today=date(2025, 3, 25)
    )
    again.refresh_from_db()
    assert again.decision is not None and not again.decision["eligible"]
    assert any("已因同一事由(火灾)救助 1 次" in line["text"] for line in again.decision["lines"])
    services.application_withdraw(actor=personas["township_a_clerk"], application=again, reason="重复申请")
    other = to_checked(personas, _temporary(personas, household, "重病"))
    services.review_record(
        actor=personas["township_a_head"], application=other, agree=True, opinion="", today=date(2025, 3, 25)
    )
    other.refresh_from_db()
    assert other.decision is not None and other.decision["eligible"]  # another cause is not a repeat


def test_the_visitors_finding_of_excess_property_refuses_at_the_review(personas: dict[str, Any]) -> None:
    clerk = personas["township_a_clerk"]
    case = submit(personas, poor_household(personas))
    services.application_accept(actor=clerk, application=case, today=ACCEPTED)
    services.investigation_record(
        actor=clerk,
        application=case,
        data=dataclasses.replace(visit(personas), property_ok=False, findings="家有小轿车一辆，价值超过规定"),
        today=date(2025, 3, 5),
    )
    services.check_record(
        actor=clerk,
        application=case,
        checked_on=date(2025, 3, 7),
        result=FinancialCheck.Result.CONSISTENT,
        summary="与申报一致",
        today=date(2025, 3, 7),
    )
    services.review_record(
        actor=personas["township_a_head"], application=case, agree=True, opinion="", today=date(2025, 3, 10)
    )
    case.refresh_from_db()
    assert case.decision is not None and not case.decision["eligible"]
    assert case.proposed_amount == 0


def test_materials_are_asked_for_once_until_the_household_answers(personas: dict[str, Any]) -> None:
    clerk = personas["township_a_clerk"]
    household = poor_household(personas, materials=False)
    case = submit(personas, household)
    services.application_request_materials(actor=clerk, application=case, today=ACCEPTED)
    with pytest.raises(ConflictError, match="DB-10"):
        services.application_request_materials(
            actor=clerk, application=case, extra=["户口簿"], today=ACCEPTED
        )
    document_add(
        actor=clerk,
        household=household,
        upload=io.BytesIO(b"%PDF-1.4 scanned"),
        original_name="id.pdf",
        doc_type=DocumentType.ID_CARD,
    )
    # answered in part: what is still missing may be asked for again
    services.application_request_materials(actor=clerk, application=case, today=ACCEPTED)
    case.refresh_from_db()
    assert case.status == Status.INCOMPLETE and str(DocumentType.ID_CARD.label) not in case.missing_materials


def test_the_notice_judges_a_minor_on_the_day_it_is_published(personas: dict[str, Any]) -> None:
    household = poor_household(personas)
    head = household.members.get(relation=Relation.HEAD)
    head.birth_date = date(
        2007, 6, 1
    )  # 17 when published in March 2025, an adult by the time anyone reads this
    head.save(update_fields=["birth_date"])
    case = to_checked(personas, submit(personas, household))
    services.review_record(
        actor=personas["township_a_head"], application=case, agree=True, opinion="", today=date(2025, 3, 10)
    )
    notice = services.notice_publish(
        actor=personas["township_a_clerk"], application=case, today=date(2025, 3, 12)
    )
    assert notice is not None and notice.public_name == "(未成年人)"


# —— 14. 特困's county limit ————————————————————————————————————————————————————————————————————


def _tekun_minor(personas: dict[str, Any]) -> Application:
    household = poor_household(personas)
    son = household.members.get(relation=Relation.SON)
    son.birth_date = date(2012, 3, 1)
    son.save(update_fields=["birth_date"])
    case = submit(personas, household, program="tekun", subject=son, request_data={"support_form": "home"})
    to_checked(personas, case)
    services.review_record(
        actor=personas["township_a_head"],
        application=case,
        agree=False,
        opinion="有父母，不符合",
        today=date(2025, 3, 10),
    )
    return case


def test_a_tekun_minors_county_limit_runs_from_the_township_review(personas: dict[str, Any]) -> None:
    case = _tekun_minor(personas)
    assert (
        services.notice_publish(actor=personas["township_a_clerk"], application=case, today=date(2025, 3, 12))
        is None
    )
    steps = {d.step: d.due for d in services.case_clock(Application.objects.get(pk=case.pk))}
    # 15 working days (DOMAIN.md §13) from the review on Monday 10 March
    assert steps["初审后县级确认(不公示)"] == date(2025, 3, 31)
    assert Application.objects.get(pk=case.pk).next_due == date(2025, 3, 31)


def test_a_tekun_minor_is_published_where_the_policy_says_so(personas: dict[str, Any]) -> None:
    policy_version_create(
        actor=personas["county_admin"],
        region_code=COUNTY,
        effective_from=date(2025, 1, 1),
        values={"procedure.complaint_phone": "0830-8888888", "tekun.publish_minors": True},
        note="公示未成年人",
    )
    case = _tekun_minor(personas)
    notice = services.notice_publish(
        actor=personas["township_a_clerk"], application=case, today=date(2025, 3, 12)
    )
    assert notice is not None
    services.notice_close(actor=personas["township_a_clerk"], application=case, today=date(2025, 3, 19))
    steps = {d.step: d.due for d in services.case_clock(Application.objects.get(pk=case.pk))}
    # from the notice's end (18 March), 15 working days across Qingming (4–6 April)
    assert steps["公示后县级确认"] == date(2025, 4, 9)
