from decimal import Decimal

import pytest

from minzheng.core.money import ceil_yuan, money_sum, round_money, to_decimal


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        ("550.50", "yuan", Decimal("551")),  # WE-05(b): 1551 - 1000.50 = 550.50 -> half up to the yuan
        ("550.50", "jiao", Decimal("550.5")),
        ("1364.005", "fen", Decimal("1364.01")),
        ("-2.345", "fen", Decimal("-2.35")),  # half up means away from zero
        (Decimal("1364"), "fen", Decimal("1364.00")),
    ],
)
def test_round_money(value: str, unit: str, expected: Decimal) -> None:
    result = round_money(value, unit)  # type: ignore[arg-type]
    assert result == expected
    assert str(result) == str(expected)


def test_ceil_yuan_for_derived_standards() -> None:
    # WE-05(c): 特困 base = ceil(788 x 1.3) = ceil(1024.4) = 1025; 580 x 1.3 = 754 exactly
    assert ceil_yuan(Decimal("788") * Decimal("1.3")) == Decimal("1025")
    assert ceil_yuan(Decimal("580") * Decimal("1.3")) == Decimal("754")


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        to_decimal(0.1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        round_money(True)


def test_unknown_unit_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown rounding unit"):
        round_money("1", "li")  # type: ignore[arg-type]


def test_empty_sum_is_decimal_zero() -> None:
    assert money_sum([]) == Decimal("0.00") and isinstance(money_sum([]), Decimal)
    assert money_sum([Decimal("0.10"), Decimal("0.20")]) == Decimal("0.30")
