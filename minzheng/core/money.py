"""The one rounding helper for money. Decimal only; ROUND_HALF_UP unless a rule says otherwise."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Literal

Unit = Literal["fen", "jiao", "yuan"]

ZERO = Decimal("0.00")
_QUANTUM: dict[str, Decimal] = {"fen": Decimal("0.01"), "jiao": Decimal("0.1"), "yuan": Decimal("1")}


def to_decimal(value: Decimal | int | str) -> Decimal:
    """Accept Decimal, int or a numeric string; refuse float, whose binary value is never the amount meant."""
    if isinstance(value, (bool, float)):
        raise TypeError(f"money must not be a float or bool: {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        result = Decimal(value.strip().replace(",", ""))
    else:
        raise TypeError(f"unsupported money value: {value!r}")
    if not result.is_finite():
        raise ValueError(f"money must be finite: {value!r}")
    return result


def round_money(value: Decimal | int | str, unit: Unit = "fen", *, rounding: str = ROUND_HALF_UP) -> Decimal:
    """Round to the fen (0.01), jiao (0.1) or yuan (1), half up by default; the result keeps that many places."""
    try:
        quantum = _QUANTUM[unit]
    except KeyError:
        raise ValueError(f"unknown rounding unit {unit!r}; use fen, jiao or yuan") from None
    return to_decimal(value).quantize(quantum, rounding=rounding)


def ceil_yuan(value: Decimal | int | str) -> Decimal:
    """Round up to the whole yuan (e.g. 特困 base standard = ceil(1.3 × 低保标准), DB-40)."""
    return round_money(value, "yuan", rounding=ROUND_CEILING)


def money_sum(values: list[Decimal] | tuple[Decimal, ...]) -> Decimal:
    """Sum with a Decimal zero start, so an empty list is 0.00 and never the int 0."""
    total = ZERO
    for value in values:
        total += to_decimal(value)
    return total
