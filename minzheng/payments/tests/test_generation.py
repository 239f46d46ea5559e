"""Rosters exact to the fen: each month's amount from the benefit's history, back pay for late approvals, stops,
tapers, band changes and recoveries; generated once however often it is asked for."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from minzheng.benefits import services as benefits
from minzheng.benefits.models import Recheck
from minzheng.cases.models import Benefit
from minzheng.core.errors import ConflictError, PermissionDeniedError
from minzheng.core.testing.personas import COUNTY, TOWNSHIP_A, TOWNSHIP_B
from minzheng.payments import services
from minzheng.payments.models import CycleState, PayCycle, RosterLine
from minzheng.payments.tests.factories import (
    approved_cycle,
    approved_dibao,
    approved_temporary,
    bank_result,
    set_account,
)
from minzheng.policy.services import policy_version_create
from minzheng.registry import services as registry

pytestmark = pytest.mark.django_db


def generate(personas: dict[str, Any], month: date, region: str = TOWNSHIP_A, **kw: Any) -> PayCycle:
    return services.cycle_generate(
        actor=personas["township_a_clerk" if region.startswith(TOWNSHIP_A) else "county_admin"],
        region_code=region,
        programs=kw.pop("programs", ["dibao"]),
        period_start=month,
        **kw,
    )


def line_of(cycle: PayCycle, benefit: Benefit) -> RosterLine:
    return RosterLine.objects.get(cycle=cycle, benefit=benefit)


def test_a_month_pays_the_amount_in_force_and_nothing_before_the_first_month(
    personas: dict[str, Any],
) -> None:
    benefit = approved_dibao(personas)  # 840 from 2025-04
    march = generate(personas, date(2025, 3, 1))
    assert march.state == CycleState.DRAFT and march.line_count == 0
    april = generate(personas, date(2025, 4, 1))
    line = line_of(april, benefit)
    assert (line.regular_amount, line.arrears_amount, line.amount) == (
        Decimal("840.00"),
        0,
        Decimal("840.00"),
    )
    assert line.account_number == benefit.household.account_number
    assert benefit.household.head is not None and line.payee_name == benefit.household.head.name
    assert line.change is not None and line.change.new_amount == Decimal("840")
    assert (april.line_count, april.total) == (1, Decimal("840.00"))


def test_a_late_approval_gets_two_months_of_back_pay_with_the_months_named(personas: dict[str, Any]) -> None:
    on_time = approved_dibao(personas)
    generate(personas, date(2025, 4, 1))  # the first cycle: months before it were paid outside the system
    generate(personas, date(2025, 5, 1))
    late = approved_dibao(personas)  # decided for April too, but after April's and May's rosters were made
    june = generate(personas, date(2025, 6, 1))
    line = line_of(june, late)
    assert (line.regular_amount, line.arrears_amount, line.amount) == (
        Decimal("840.00"),
        Decimal("1680.00"),
        Decimal("2520.00"),
    )
    assert line.months_from == date(2025, 4, 1) and line.months_to == date(2025, 6, 1)
    assert "2025-04 至 2025-05 共 2 个月：840.00 + 840.00" in line.note
    assert line_of(june, on_time).arrears_amount == 0  # paid in April and May already
    assert june.total == Decimal("3360.00")


def test_the_first_cycle_pays_no_back_pay(personas: dict[str, Any]) -> None:
    benefit = approved_dibao(personas)
    june = generate(personas, date(2025, 6, 1))
    assert line_of(june, benefit).amount == Decimal("840.00")


def test_a_taper_month_and_the_stop_after_it(
    personas: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    benefit = approved_dibao(personas)
    policy_version_create(
        actor=personas["county_admin"],
        region_code=COUNTY,
        effective_from=date(2025, 1, 1),
        values={
            "procedure.complaint_phone": "0830-8888888",
            "dibao.taper_months": 2,
            "dibao.taper_schedule": ["4/5", "1/2"],
        },
        note="渐退",
    )
    with django_capture_on_commit_callbacks(execute=True):
        registry.income_add(
            actor=personas["township_a_clerk"],
            household=benefit.household,
            category="wage",
            monthly_amount=Decimal("1000"),
            source="儿子就业",
        )
    benefits.recheck_apply(
        actor=personas["county_approver"],
        recheck=Recheck.objects.get(benefit=benefit),
        reason="就业后收入超标",
        month=date(2025, 7, 1),
        taper=True,
        today=date(2025, 6, 10),
    )
    amounts = [line_of(generate(personas, date(2025, m, 1)), benefit).amount for m in (6, 7, 8)]
    assert amounts == [Decimal("840.00"), Decimal("672.00"), Decimal("420.00")]  # 840 × 4/5, 840 × 1/2
    september = generate(personas, date(2025, 9, 1))
    assert not RosterLine.objects.filter(cycle=september, benefit=benefit).exists()


def test_a_band_change_pays_the_new_band_from_its_month(personas: dict[str, Any]) -> None:
    from minzheng.benefits.tests.test_services import _elder

    benefit = _elder(personas, date(1935, 7, 15))  # 90 on 15 July 2025
    set_account(personas, benefit.household, "6228480402564890018")
    benefits.monthly_scan(month=date(2025, 8, 1))
    july = generate(personas, date(2025, 7, 1), programs=["elderly_allowance"])
    august = generate(personas, date(2025, 8, 1), programs=["elderly_allowance"])
    assert line_of(july, benefit).amount == Decimal("300.00")
    assert line_of(august, benefit).amount == Decimal("500.00")


def test_a_death_mid_month_is_paid_for_that_month_and_stopped_the_next(
    personas: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    from minzheng.benefits.tests.test_services import _elder

    benefit = _elder(personas, date(1940, 1, 1))
    set_account(personas, benefit.household, "6228480402564890018")
    assert benefit.member is not None
    with django_capture_on_commit_callbacks(execute=True):
        registry.member_record_death(
            actor=personas["township_a_clerk"], member=benefit.member, date_of_death=date(2025, 6, 14)
        )
    june = generate(personas, date(2025, 6, 1), programs=["elderly_allowance"])
    july = generate(personas, date(2025, 7, 1), programs=["elderly_allowance"])
    assert line_of(june, benefit).amount == Decimal("300.00")
    assert not RosterLine.objects.filter(cycle=july, benefit=benefit).exists()


def _household_owing_a_recovery(personas: dict[str, Any]) -> tuple[Benefit, Benefit]:
    """A 低保 household of four (4 × 580 − 900 = 1420 from April, April paid) whose disabled son also gets the
    困难残疾人生活补贴 from May; fraud in its 低保 is found on 20 May: 低保 stops from May (no approved May roster
    yet) and the 1420 paid is owed."""
    from minzheng.cases import services as cases
    from minzheng.cases.tests.factories import poor_household, submit, to_checked, to_notice_ended
    from minzheng.registry.models import Relation
    from minzheng.registry.tests.factories import member_data

    household = poor_household(personas)
    set_account(personas, household, "6228480402564890018")
    son = registry.member_add(
        actor=personas["township_a_clerk"],
        household=household,
        data=member_data(
            "张残",
            Relation.SON,
            date(1995, 6, 1),
            disability_category="physical",
            disability_grade=2,
            work_capacity="none",
        ),
    ).obj
    case = to_notice_ended(personas, submit(personas, household))
    cases.application_decide(
        actor=personas["county_approver"], application=case, approve=True, today=date(2025, 3, 20)
    )
    dibao = Benefit.objects.get(application=case)
    case = to_checked(
        personas,
        cases.application_submit(
            actor=personas["village_a1_officer"],
            household=household,
            program="disability_living",
            applicant=household.members.get(relation=Relation.HEAD),
            subject=son,
            today=date(2025, 3, 3),
        ),
    )
    case = cases.review_record(
        actor=personas["township_a_head"], application=case, agree=True, opinion="", today=date(2025, 4, 10)
    )
    if case.status == "reviewed":  # a disability program is not published (DB-25)
        cases.notice_publish(actor=personas["township_a_clerk"], application=case, today=date(2025, 4, 11))
        case.refresh_from_db()
    if case.status == "notice":
        cases.notice_close(actor=personas["township_a_clerk"], application=case, today=date(2025, 4, 21))
    cases.application_decide(
        actor=personas["county_approver"], application=case, approve=True, today=date(2025, 4, 22)
    )
    subsidy = Benefit.objects.get(application=case)
    bank_result(personas, approved_cycle(personas, date(2025, 4, 1)))  # April's 低保 paid
    recovery = benefits.benefit_stop_for_fraud(
        actor=personas["county_approver"],
        benefit=dibao,
        since=date(2025, 4, 1),
        reason="隐瞒经营收入",
        today=date(2025, 5, 20),
    )
    assert recovery.amount == Decimal("1420")  # April paid; May not rostered: stopped from May, never paid
    return dibao, subsidy


def test_a_recovery_is_deducted_where_the_policy_allows_never_below_zero(personas: dict[str, Any]) -> None:
    policy_version_create(
        actor=personas["county_admin"],
        region_code=COUNTY,
        effective_from=date(2025, 1, 1),
        values={"procedure.complaint_phone": "0830-8888888", "payments.recovery_deduction": True},
        note="追回款抵扣",
    )
    dibao, subsidy = _household_owing_a_recovery(personas)
    other = approved_dibao(personas)
    may = generate(personas, date(2025, 5, 1))
    assert not RosterLine.objects.filter(
        cycle=may, benefit=dibao
    ).exists()  # stopped from the finding's month
    assert line_of(may, other).deduction_amount == 0  # another household owes nothing
    subsidies = generate(personas, date(2025, 5, 1), programs=["disability_living"])
    line = line_of(subsidies, subsidy)
    assert line.regular_amount > 0
    # the household's other benefit pays the debt down, never below zero
    assert (line.deduction_amount, line.amount) == (line.regular_amount, Decimal("0.00"))
    assert line.recovery_id is not None and "抵扣应追回款" in line.note


def test_without_the_policy_a_recovery_is_not_deducted(personas: dict[str, Any]) -> None:
    _dibao, subsidy = _household_owing_a_recovery(personas)
    line = line_of(generate(personas, date(2025, 5, 1), programs=["disability_living"]), subsidy)
    assert line.deduction_amount == 0 and line.amount == line.regular_amount > 0


def test_generating_again_replaces_the_draft_without_duplicating_a_line(personas: dict[str, Any]) -> None:
    first = approved_dibao(personas)
    approved_dibao(personas)
    cycle = generate(personas, date(2025, 4, 1))
    again = generate(personas, date(2025, 4, 1))
    assert again.pk == cycle.pk
    assert RosterLine.objects.filter(cycle=cycle).count() == 2 and again.total == Decimal("1680.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        RosterLine.objects.create(
            cycle=cycle,
            benefit=first,
            household=first.household,
            region_id=first.region_id,
            program="dibao",
            payee_name="重复",
            months_from=date(2025, 4, 1),
            months_to=date(2025, 4, 1),
            amount=Decimal("840"),
        )


def test_a_roster_is_a_snapshot_and_an_approved_one_is_never_generated_again(
    personas: dict[str, Any],
) -> None:
    benefit = approved_dibao(personas)
    cycle = generate(personas, date(2025, 4, 1))
    before = line_of(cycle, benefit).account_number
    services.cycle_confirm_checked(actor=personas["township_a_clerk"], cycle=cycle)
    services.cycle_approve(actor=personas["county_approver"], cycle=cycle)
    set_account(personas, benefit.household, "6228480402564890026")
    assert line_of(cycle, benefit).account_number == before
    with pytest.raises(ConflictError, match="不能重新生成"):
        generate(personas, date(2025, 4, 1))


def test_two_claims_at_once_give_one_cycle_and_the_second_is_told_to_wait(personas: dict[str, Any]) -> None:
    approved_dibao(personas)
    clerk = personas["township_a_clerk"]
    first = services.cycle_claim(
        actor=clerk, region_code=TOWNSHIP_A, programs=["dibao"], period_start=date(2025, 4, 1)
    )
    first.builder = services._me()
    first.save(update_fields=["builder"])
    with pytest.raises(ConflictError, match="正在由他人生成"):
        services.cycle_claim(
            actor=clerk, region_code=TOWNSHIP_A, programs=["dibao"], period_start=date(2025, 4, 1)
        )
    assert PayCycle.objects.filter(region_id=TOWNSHIP_A, period_start=date(2025, 4, 1)).count() == 1


def test_a_county_roster_cannot_overlap_a_township_roster_of_the_same_month(personas: dict[str, Any]) -> None:
    approved_dibao(personas)
    generate(personas, date(2025, 4, 1))
    with pytest.raises(ConflictError, match="重叠"):
        generate(personas, date(2025, 4, 1), region=COUNTY)


def test_an_earlier_month_cannot_be_generated_after_a_later_one(personas: dict[str, Any]) -> None:
    approved_dibao(personas)
    generate(personas, date(2025, 5, 1))
    with pytest.raises(ConflictError, match="更晚期间"):
        generate(personas, date(2025, 4, 1))


def test_a_township_clerk_generates_only_for_their_own_township(personas: dict[str, Any]) -> None:
    with pytest.raises(PermissionDeniedError):
        services.cycle_generate(
            actor=personas["township_a_clerk"],
            region_code=TOWNSHIP_B,
            programs=["dibao"],
            period_start=date(2025, 4, 1),
        )
    for role in ("village_a1_officer", "county_approver", "auditor"):
        with pytest.raises(PermissionDeniedError):
            services.cycle_generate(
                actor=personas[role],
                region_code=TOWNSHIP_A,
                programs=["dibao"],
                period_start=date(2025, 4, 1),
            )


def test_the_county_roster_holds_every_township_and_a_township_roster_only_its_own(
    personas: dict[str, Any],
) -> None:
    benefit = approved_dibao(personas)
    county = generate(personas, date(2025, 4, 1), region=COUNTY)
    assert line_of(county, benefit).amount == Decimal("840.00")
    assert PayCycle.objects.visible_to(personas["township_b_clerk"]).filter(pk=county.pk).count() == 0
    assert RosterLine.objects.visible_to(personas["township_b_clerk"]).filter(cycle=county).count() == 0
    assert RosterLine.objects.visible_to(personas["township_a_clerk"]).filter(cycle=county).count() == 1


def test_quarterly_programs_are_paid_for_three_months_from_a_quarters_first_month(
    personas: dict[str, Any],
) -> None:
    benefit = approved_dibao(personas)
    policy_version_create(
        actor=personas["county_admin"],
        region_code=COUNTY,
        effective_from=date(2025, 1, 1),
        values={"procedure.complaint_phone": "0830-8888888", "payments.quarterly_programs": ["dibao"]},
        note="按季发放",
    )
    with pytest.raises(Exception, match="季度首月"):
        generate(personas, date(2025, 5, 1))
    q2 = generate(personas, date(2025, 4, 1))
    assert q2.months == 3
    line = line_of(q2, benefit)
    assert (line.months_from, line.months_to, line.amount) == (
        date(2025, 4, 1),
        date(2025, 6, 1),
        Decimal("2520.00"),
    )


def test_a_one_off_grant_is_paid_once_even_when_approved_after_its_months_roster(
    personas: dict[str, Any],
) -> None:

    approved_dibao(personas)
    generate(personas, date(2025, 3, 1), programs=["dibao", "temporary"])
    generate(personas, date(2025, 4, 1), programs=["dibao", "temporary"])  # made before the grant was decided
    grant = approved_temporary(personas, account="6228480402564890034")
    assert grant.period == "one_off" and grant.first_month == date(2025, 4, 1)
    may = generate(personas, date(2025, 5, 1), programs=["dibao", "temporary"])
    assert line_of(may, grant).amount == grant.amount > 0
    june = generate(personas, date(2025, 6, 1), programs=["dibao", "temporary"])
    assert not RosterLine.objects.filter(cycle=june, benefit=grant).exists()
