"""What every program's rule returns: a decision that explains itself, line by line, with its sources.

Pure data: no ORM, no settings. A rule takes a plain snapshot of the household, the policy in force and the date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

#: the legal texts the rules cite (DOMAIN.md §0.2)
S1 = "社会救助暂行办法"
S12 = "最低生活保障审核确认办法(民发〔2021〕57号)"


@dataclass(frozen=True)
class Line:
    """One sentence of the breakdown, with the rule IDs of DOMAIN.md and the article it rests on."""

    text: str
    rules: tuple[str, ...]
    source: str = ""


@dataclass(frozen=True)
class Decision:
    program: str
    eligible: bool
    amount: Decimal
    lines: tuple[Line, ...]
    warnings: tuple[str, ...] = ()
    near_dibao: bool = False
    zero_after_rounding: bool = False
    review_months: int | None = None


@dataclass(frozen=True)
class PersonSnapshot:
    name: str
    birth_date: date
    is_coresident: bool = True
    non_coresident_reason: str = ""
    work_capacity: str = "full"  # full / partial / none
    is_deceased: bool = False


@dataclass(frozen=True)
class IncomeSnapshot:
    category: str  # wage / business / property / transfer (DB-14)
    monthly_amount: Decimal
    source: str
    exclusion: str = ""  # a DB-15 reason, or "" when counted
    exclusion_label: str = ""
    member: str = ""


@dataclass(frozen=True)
class HouseholdSnapshot:
    members: tuple[PersonSnapshot, ...]
    incomes: tuple[IncomeSnapshot, ...] = ()
    #: None = property not assessed (an officer decides); False = over the local limits (DB-19)
    property_ok: bool | None = True
    extra: dict[str, str] = field(default_factory=dict)


def money_text(value: Decimal) -> str:
    """Amounts as written in a sentence: 900.00 keeps its fen, a whole-yuan standard like 580 stays 580."""
    exponent = value.as_tuple().exponent
    return f"{value:.2f}" if isinstance(exponent, int) and exponent < 0 else str(value)
