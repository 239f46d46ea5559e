"""Calendar months as the first day of the month: the unit benefits, rosters and reports count in."""

from __future__ import annotations

from datetime import date


def add_months(month: date, n: int) -> date:
    """The first day of the month ``n`` months after (or before, for negative n) the month of ``month``."""
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def next_month(day: date) -> date:
    return add_months(day, 1)


def months_between(first: date, last: date) -> list[date]:
    """Every first-of-month from ``first`` to ``last`` inclusive."""
    out: list[date] = []
    month = first.replace(day=1)
    while month <= last:
        out.append(month)
        month = add_months(month, 1)
    return out
