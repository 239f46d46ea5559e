"""The amount a benefit pays in a month, read from its history: the one definition the roster build, back pay, the
reconciliation, fraud recovery and the monthly scan use (payments import it from here; benefits never import
payments).

The amount in force in month M is the ``new_amount`` of the latest change dated on or before M (by month, then
id); before the first change it is 0. A change with no new amount pays 0, as the roster's statement
(``COALESCE(new_amount, 0)``) and the benefit spans read it; the services never write one (a change that keeps
the amount records it)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from minzheng.benefits.models import BenefitChange
from minzheng.cases.models import Benefit
from minzheng.core.money import ZERO


def amount_in(history: Sequence[tuple[date, Decimal | None]], month: date) -> Decimal:
    """The amount in force in ``month`` from a benefit's (month, amount) history in date order."""
    amount: Decimal = ZERO
    for effective, value in history:
        if effective > month:
            break
        amount = value if value is not None else ZERO
    return amount


def amount_for_month(benefit: Benefit, month: date) -> Decimal:
    """What the benefit pays for a month, from its history (payments read this, never the current amount)."""
    history = list(
        BenefitChange.objects.filter(benefit=benefit, effective_month__lte=month)
        .order_by("effective_month", "pk")
        .values_list("effective_month", "new_amount")
    )
    return amount_in(history, month)
