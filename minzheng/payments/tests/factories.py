"""Benefits built through the real procedure, with bank accounts, for the payment tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from minzheng.cases import services as cases
from minzheng.cases.models import Benefit
from minzheng.cases.tests.factories import poor_household, submit, to_notice_ended
from minzheng.core.testing.personas import TOWNSHIP_A, VILLAGE_A1
from minzheng.payments import services as payments
from minzheng.payments.models import PayCycle
from minzheng.registry.models import Household
from minzheng.registry.services import HouseholdData, household_update
from minzheng.registry.validation import luhn_check_digit

_accounts = iter(range(1, 10_000))


def account_number() -> str:
    """A fresh 19-digit UnionPay-style number that passes the Luhn check."""
    payload = f"622848040256{next(_accounts):06d}"
    return payload + luhn_check_digit(payload)


def set_account(personas: dict[str, Any], household: Household, number: str) -> None:
    household_update(
        actor=personas["township_a_clerk"],
        household=household,
        data=HouseholdData(
            region_code=household.region_id,
            address=household.address,
            hukou_type=household.hukou_type,
            phone=household.phone,
            bank_name="泸县农商银行",
            account_holder=household.head.name if household.head else "",
            account_number=number,
        ),
    )


def approved_dibao(
    personas: dict[str, Any], *, decided: date = date(2025, 3, 20), account: str | None = None
) -> Benefit:
    """WE-01's household (3 people, 900 a month): 840 元 a month from the month after ``decided``."""
    household = poor_household(personas, VILLAGE_A1)
    set_account(personas, household, account if account is not None else account_number())
    case = to_notice_ended(personas, submit(personas, household))
    cases.application_decide(actor=personas["county_approver"], application=case, approve=True, today=decided)
    return Benefit.objects.get(application=case)


def approved_temporary(personas: dict[str, Any], *, account: str | None = None) -> Benefit:
    """An 急难型临时救助 grant for a fire (3000 asked), decided on 2025-03-20: a one-off paid from April."""
    household = poor_household(personas, VILLAGE_A1)
    set_account(personas, household, account if account is not None else account_number())
    request = {"kind": "emergency", "cause": "火灾", "amount_requested": "3000", "forms": ["cash"]}
    case = to_notice_ended(personas, submit(personas, household, program="temporary", request_data=request))
    cases.application_decide(
        actor=personas["county_approver"], application=case, approve=True, today=date(2025, 3, 20)
    )
    return Benefit.objects.get(application=case)


def approved_cycle(
    personas: dict[str, Any], month: date, *, region: str = TOWNSHIP_A, programs: tuple[str, ...] = ("dibao",)
) -> PayCycle:
    """The township's roster for the month, generated, checked and approved through the services."""
    cycle = payments.cycle_generate(
        actor=personas["township_a_clerk" if region == TOWNSHIP_A else "township_b_clerk"],
        region_code=region,
        programs=list(programs),
        period_start=month,
    )
    payments.cycle_confirm_checked(
        actor=personas["township_a_clerk" if region == TOWNSHIP_A else "township_b_clerk"], cycle=cycle
    )
    return payments.cycle_approve(actor=personas["county_approver"], cycle=cycle)


def bank_result(
    personas: dict[str, Any], cycle: PayCycle, *, failed: frozenset[int] | set[int] = frozenset()
) -> PayCycle:
    """Export the approved cycle's bank file and import the bank's result through the services: every line paid
    but those of the benefits in ``failed`` (account frozen)."""
    from minzheng.payments import bankfiles
    from minzheng.payments.models import RosterLine

    clerk = personas["township_a_clerk" if cycle.region_id.startswith(TOWNSHIP_A) else "township_b_clerk"]
    template = bankfiles.templates_for(cycle.region_id)[0]
    bankfiles.bank_file_export(actor=clerk, cycle=cycle, template=template)
    rows = ["流水号,金额,结果,失败原因"]
    for pk, benefit_id, amount in RosterLine.objects.filter(cycle=cycle).values_list(
        "pk", "benefit_id", "amount"
    ):
        rows.append(f"{pk},{amount},失败,账户已冻结" if benefit_id in failed else f"{pk},{amount},成功,")
    bankfiles.bank_return_import(
        actor=clerk, cycle=cycle, file_name="回盘.csv", content="\n".join(rows).encode("utf-8")
    )
    cycle.refresh_from_db()
    return cycle
