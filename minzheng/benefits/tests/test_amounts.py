"""The amount a benefit pays in a month has one definition (``benefits.amounts``): the monthly scan, the roster, back
pay and the reconciliation read the same figure from the same history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from minzheng.benefits import services
from minzheng.benefits.amounts import amount_for_month, amount_in
from minzheng.payments import reconciliation
from minzheng.payments.models import RosterLine
from minzheng.payments.tests.factories import approved_cycle, approved_dibao

HISTORY = [(date(2025, 4, 1), Decimal("840")), (date(2025, 6, 1), None), (date(2025, 8, 1), Decimal("260"))]


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        (date(2025, 3, 1), "0"),  # before the first change
        (date(2025, 4, 1), "840"),
        (date(2025, 5, 1), "840"),
        (date(2025, 6, 1), "0"),  # a change with no new amount pays 0, as the roster's statement reads it
        (date(2025, 7, 1), "0"),
        (date(2025, 8, 1), "260"),
    ],
)
def test_the_amount_in_force_is_the_latest_change_on_or_before_the_month(month: date, expected: str) -> None:
    assert amount_in(HISTORY, month) == Decimal(expected)


@pytest.mark.django_db
def test_the_benefit_services_amount_is_what_the_roster_pays_each_month(personas: dict[str, Any]) -> None:
    benefit = approved_dibao(personas)  # 840 from 2025-04
    services.benefit_stop(
        actor=personas["county_approver"], benefit=benefit, reason="已迁出本县", month=date(2025, 6, 1)
    )
    assert services.amount_for_month is amount_for_month  # one definition, reached from the services too
    for month in (4, 5, 6, 7):
        cycle = approved_cycle(personas, date(2025, month, 1))
        line = RosterLine.objects.filter(cycle=cycle, benefit=benefit).first()
        assert amount_for_month(benefit, date(2025, month, 1)) == (line.regular_amount if line else 0)
    figures = reconciliation.benefit_figures(
        benefit_id=benefit.pk, first=date(2025, 4, 1), last=date(2025, 7, 1)
    )
    assert [m.due for m in figures.months] == [amount_for_month(benefit, m.month) for m in figures.months]
    assert [m.due for m in figures.months] == [Decimal("840")] * 2 + [0, 0]
