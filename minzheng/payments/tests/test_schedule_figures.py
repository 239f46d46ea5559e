"""应发 vs 实发 for benefits paid on a schedule: a quarterly or yearly 优待金 is due its period's amount in the months
its schedule pays (the roster's own ``is_due``) and nothing in between, so a correctly paid one shows no difference
in any month; fraud recovery reads the same figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from minzheng.benefits import services as benefits
from minzheng.cases.models import Benefit
from minzheng.core.months import add_months
from minzheng.core.testing.personas import TOWNSHIP_A
from minzheng.payments import reconciliation
from minzheng.payments.reconciliation import SETTLED
from minzheng.payments.tests.factories import approved_cycle, bank_result
from minzheng.payments.tests.test_schedules import conscript_family, county_policy

pytestmark = pytest.mark.django_db

Q = Decimal("4500")
Q2 = Decimal("4500.00")
QUARTERLY = {
    "veterans.conscript_family_frequency": "quarterly",
    "payments.quarterly_programs": ["conscript_family"],
}


def months(benefit: Benefit, first: date, last: date) -> list[tuple[str, Decimal, Decimal, Decimal | None]]:
    figures = reconciliation.benefit_figures(benefit_id=benefit.pk, first=first, last=last)
    return [(f"{m.month:%Y-%m}", m.due, m.issued, m.difference) for m in figures.months]


def quarter_rosters(personas: dict[str, Any], *, failed: Benefit | None = None, fail_in: int = 0) -> None:
    for month in (4, 7, 10):
        cycle = approved_cycle(personas, date(2025, month, 1), programs=("conscript_family",))
        bank_result(personas, cycle, failed={failed.pk} if failed is not None and month == fail_in else set())


def differing(first: date, last: date) -> dict[int, Decimal]:
    return {
        f.benefit_id: f.difference
        for f in reconciliation.scope_differences(region_code=TOWNSHIP_A, first=first, last=last)
    }


def test_a_quarterly_allowance_paid_every_quarter_shows_no_difference_in_any_month(
    personas: dict[str, Any],
) -> None:
    county_policy(personas, **QUARTERLY)
    benefit = conscript_family(personas)  # 4500 a quarter from 2025-04
    quarter_rosters(personas)
    assert months(benefit, date(2025, 4, 1), date(2025, 12, 1)) == [
        ("2025-04", Q, Q2, 0),
        ("2025-05", 0, 0, 0),
        ("2025-06", 0, 0, 0),
        ("2025-07", Q, Q2, 0),
        ("2025-08", 0, 0, 0),
        ("2025-09", 0, 0, 0),
        ("2025-10", Q, Q2, 0),
        ("2025-11", 0, 0, 0),
        ("2025-12", 0, 0, 0),
    ]
    assert differing(date(2025, 1, 1), date(2025, 12, 1)) == {}


def test_a_quarter_returned_failed_is_a_difference_of_exactly_that_quarters_amount(
    personas: dict[str, Any],
) -> None:
    county_policy(personas, **QUARTERLY)
    benefit = conscript_family(personas)
    quarter_rosters(personas, failed=benefit, fail_in=7)
    figures = reconciliation.benefit_figures(
        benefit_id=benefit.pk, first=date(2025, 4, 1), last=date(2025, 12, 1)
    )
    assert [(f"{m.month:%Y-%m}", m.difference) for m in figures.differing] == [("2025-07", Q)]
    assert differing(date(2025, 1, 1), date(2025, 12, 1)) == {benefit.pk: Q}


def test_a_quarterly_allowance_on_monthly_rosters_lines_up_month_by_month(personas: dict[str, Any]) -> None:
    county_policy(personas, **{"veterans.conscript_family_frequency": "quarterly"})
    benefit = conscript_family(personas)
    for month in range(4, 10):
        bank_result(personas, approved_cycle(personas, date(2025, month, 1), programs=("conscript_family",)))
    figures = reconciliation.benefit_figures(
        benefit_id=benefit.pk, first=date(2025, 4, 1), last=date(2025, 9, 1)
    )
    assert [m.state for m in figures.months] == [SETTLED] * 6
    assert [(m.due, m.issued) for m in figures.months] == [(Q, Q2), (0, 0), (0, 0), (Q, Q2), (0, 0), (0, 0)]
    assert not figures.differing


def test_a_yearly_allowance_is_due_once_a_year(personas: dict[str, Any]) -> None:
    county_policy(
        personas,
        **{
            "veterans.conscript_family_frequency": "annual",
            "payments.quarterly_programs": ["conscript_family"],
        },
    )
    benefit = conscript_family(personas)  # 18000 a year from 2025-04
    for quarter in range(5):
        bank_result(
            personas,
            approved_cycle(
                personas, add_months(date(2025, 4, 1), 3 * quarter), programs=("conscript_family",)
            ),
        )
    figures = reconciliation.benefit_figures(
        benefit_id=benefit.pk, first=date(2025, 4, 1), last=date(2026, 6, 1)
    )
    assert {f"{m.month:%Y-%m}": m.due for m in figures.months if m.due} == {
        "2025-04": Decimal("18000"),
        "2026-04": Decimal("18000"),
    }
    assert figures.issued == Decimal("36000.00") and not figures.differing


def test_fraud_recovery_of_a_quarterly_allowance_recovers_the_quarters_paid_since_the_false_statement(
    personas: dict[str, Any],
) -> None:
    county_policy(personas, **QUARTERLY)
    benefit = conscript_family(personas)
    quarter_rosters(personas)  # April, July and October paid by the bank
    recovery = benefits.benefit_stop_for_fraud(
        actor=personas["county_approver"],
        benefit=benefit,
        since=date(2025, 6, 1),
        reason="隐瞒已退出现役的事实",
        today=date(2025, 11, 10),
    )
    # July's and October's quarters were obtained since June; April's was not
    assert (recovery.amount, recovery.fine_min, recovery.fine_max) == (
        Decimal("9000.00"),
        Decimal("9000.00"),
        Decimal("27000.00"),
    )
