"""The monthly scan rechecks benefits paid on a schedule too (a quarterly 优待金 whose conscript left service is
proposed to stop), and a stop is refused for a one-off grant already paid out (已发放完毕)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from minzheng.benefits import services
from minzheng.benefits.models import Recheck
from minzheng.cases import services as cases
from minzheng.cases.models import Benefit
from minzheng.cases.tests.factories import poor_household, submit, to_notice_ended
from minzheng.core.errors import ConflictError
from minzheng.core.testing.personas import VILLAGE_A1
from minzheng.payments.tests.factories import account_number, approved_cycle, bank_result, set_account
from minzheng.payments.tests.test_schedules import _grant, county_policy

pytestmark = pytest.mark.django_db


def quarterly_family(personas: dict[str, Any], *, discharge: str) -> Benefit:
    county_policy(personas, **{"veterans.conscript_family_frequency": "quarterly"})
    household = poor_household(personas, VILLAGE_A1)
    set_account(personas, household, account_number())
    case = to_notice_ended(
        personas,
        submit(
            personas,
            household,
            program="conscript_family",
            request_data={
                "conscript_name": "王小兵",
                "enlistment_date": "2024-09-10",
                "discharge_date": discharge,
            },
        ),
    )
    cases.application_decide(
        actor=personas["county_approver"], application=case, approve=True, today=date(2025, 3, 20)
    )
    return Benefit.objects.get(application=case)


def test_the_scan_proposes_stopping_a_quarterly_allowance_once_the_conscript_has_left_service(
    personas: dict[str, Any],
) -> None:
    benefit = quarterly_family(personas, discharge="2025-08-15")
    assert (benefit.period, benefit.amount) == ("quarterly", Decimal("4500"))
    services.monthly_scan(month=date(2025, 8, 1))  # still serving on 1 August
    assert not Recheck.objects.filter(benefit=benefit).exists()
    assert services.monthly_scan(month=date(2025, 9, 1))["rechecks"] == 1
    recheck = Recheck.objects.get(benefit=benefit, state=Recheck.State.OPEN)
    assert recheck.new_eligible is False and recheck.effective_month == date(2025, 9, 1)
    assert "服役情况" in recheck.reason and "不再符合条件" in recheck.reason


def test_the_scan_leaves_a_serving_conscripts_quarterly_allowance_alone(personas: dict[str, Any]) -> None:
    benefit = quarterly_family(personas, discharge="2026-09-10")
    # 5 months from its first: not a month it is paid in, and the amount in force is still the quarter's
    assert services.monthly_scan(month=date(2025, 9, 1))["rechecks"] == 0
    assert not Recheck.objects.filter(benefit=benefit).exists()


def test_a_one_off_grant_paid_out_cannot_be_stopped(personas: dict[str, Any]) -> None:
    grant = _grant(personas)
    approved_cycle(personas, date(2025, 4, 1), programs=("temporary",))
    grant.refresh_from_db()
    assert grant.state == Benefit.State.ENDED
    with pytest.raises(ConflictError, match="已于 2025-04 发放完毕"):
        services.benefit_stop(
            actor=personas["county_approver"], benefit=grant, reason="误操作", month=date(2025, 6, 1)
        )
    assert grant.changes.count() == 2  # started, ended: nothing added


def test_fraud_recovery_of_a_paid_out_grant_recovers_it_and_leaves_it_ended(personas: dict[str, Any]) -> None:
    grant = _grant(personas)
    bank_result(personas, approved_cycle(personas, date(2025, 4, 1), programs=("temporary",)))
    recovery = services.benefit_stop_for_fraud(
        actor=personas["county_approver"],
        benefit=grant,
        since=date(2025, 4, 1),
        reason="虚报火灾损失",
        today=date(2025, 6, 10),
    )
    grant.refresh_from_db()
    assert recovery.amount == Decimal("3000.00") and grant.state == Benefit.State.ENDED
    assert grant.changes.count() == 2  # no second stop on a grant already closed
