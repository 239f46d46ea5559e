"""公民身份号码 (GB 11643-1999): parse, check, upgrade 15 -> 18, derive birth date, sex and age, mask.

Pure Python, no ORM: DOMAIN.md 11.1 (ID-01..ID-05). We keep our own implementation rather than python-stdnum
because stdnum rejects valid numbers whose county code it does not know (ID-06), and ID-03 says those are legal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from operator import mul
from typing import Literal

from django.utils import timezone
from django.utils.translation import gettext as _

Sex = Literal["male", "female"]

# ID-02: weight of position i (1-based) is 2^(18-i) mod 11.
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"

# ID-03: province-level codes of GB/T 2260, plus 81/82/83 for the residence permits of Hong Kong, Macau and
# Taiwan residents. 71 (台湾省) is a GB/T 2260 code but no 公民身份号码 is issued with it, so it is not accepted.
PROVINCE_CODES = frozenset(
    [f"{n}" for n in range(11, 16)]
    + [f"{n}" for n in range(21, 24)]
    + [f"{n}" for n in range(31, 38)]
    + [f"{n}" for n in range(41, 47)]
    + [f"{n}" for n in range(50, 55)]
    + [f"{n}" for n in range(61, 66)]
    + ["81", "82", "83"]
)

# ID-03 [P]: earlier birth dates pass, but with a warning.
EARLIEST_PLAUSIBLE_BIRTH = date(1900, 1, 1)

_WHITESPACE = re.compile(r"\s+")
#: the common case, 18 ASCII characters as they should be: no spaces to remove, no characters to explain
_PLAIN_18 = re.compile(r"[0-9]{17}[0-9Xx]")
#: the digits' byte values are the digits plus 48 (b"0"); the weights add up to 100, so the sum is off by 4,800
_ASCII_OFFSET = 48 * sum(WEIGHTS)


@dataclass(frozen=True)
class IdProblem:
    """One reason a number fails (error) or needs a second look (warning); `code` is stable, `message` translated."""

    code: str
    message: str


@dataclass(frozen=True)
class IdCheck:
    """The outcome of parse_id_number.

    `number`, `birth_date` and `sex` are filled only when the number is valid, so nobody stores or derives
    an age from a number that failed the check; `errors` say why it failed.
    """

    valid: bool
    original: str
    number: str | None = None
    upgraded_from_15: bool = False
    birth_date: date | None = None
    sex: Sex | None = None
    errors: list[IdProblem] = field(default_factory=list)
    warnings: list[IdProblem] = field(default_factory=list)


def check_character(first17: str) -> str:
    """The 18th character for 17 digits: ISO 7064 MOD 11-2 (GB 11643-1999, ID-02)."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError(f"expected 17 ASCII digits, got {first17!r}")
    # Byte values instead of int() per digit: an import checks 300,000 numbers.
    total = sum(map(mul, WEIGHTS, first17.encode("ascii"))) - _ASCII_OFFSET
    return CHECK_CHARACTERS[total % 11]


@lru_cache(maxsize=65_536)
def _birth_date(digits: str) -> date | None:
    """YYYYMMDD as a date, None when there is no such day. Birthdays recur: an import sees each one many times."""
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def age_on(birth: date, on: date) -> int:
    """Age in 周岁 on a day (ID-04): a year is added on the birthday itself; a 29 February birthday counts from 1 March."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def mask_id_number(number: str) -> str:
    """First 6 + ******** + last 4 (DB-35), e.g. 110105********002X; anything not 18 characters is masked entirely."""
    compact = _WHITESPACE.sub("", number).upper()
    if len(compact) != 18:
        # A malformed value may hold a birth date anywhere; showing none of it is the only safe choice.
        return "*" * len(compact)
    return f"{compact[:6]}{'*' * 8}{compact[-4:]}"


def mask_account_number(number: str, keep: int = 4) -> str:
    """A bank account for roles that see IDs masked: only its last `keep` characters (as the registry export)."""
    compact = _WHITESPACE.sub("", number)
    if not compact:
        return ""
    return "*" * max(len(compact) - keep, 0) + compact[-keep:]


def _is_digit(char: str) -> bool:
    # str.isdigit() also accepts full-width and other Unicode digits, which are not part of an ID number.
    return "0" <= char <= "9"


def _character_errors(compact: str) -> list[IdProblem]:
    # The last character may be the check character X, except in a legacy 15-digit number, which has none.
    # Numbers of a wrong length are treated alike: "1101051949123100X" lacks a digit, its X is not the fault.
    check_position = None if len(compact) == 15 else len(compact)
    errors = []
    for position, char in enumerate(compact, start=1):
        if _is_digit(char):
            continue
        if position == check_position:
            if char not in "Xx":
                errors.append(
                    IdProblem(
                        "bad_characters",
                        _("第 %(position)s 位“%(char)s”应为数字或 X") % {"position": position, "char": char},
                    )
                )
        else:
            errors.append(
                IdProblem(
                    "bad_characters",
                    _("第 %(position)s 位“%(char)s”不是数字") % {"position": position, "char": char},
                )
            )
    return errors


def parse_id_number(raw: str, *, today: date | None = None) -> IdCheck:
    """Check a resident ID number as typed (ID-03) and derive what it says (ID-04, ID-05)."""
    original = raw.strip()
    if len(original) == 18 and _PLAIN_18.fullmatch(original):
        compact = original  # nothing to remove, every character good: skip the checks that explain bad ones
    else:
        # People type and paste numbers in groups ("110105 19491231 002X"); inner spaces carry no meaning.
        # Messages quote characters as typed, so upper-casing waits until the characters are known to be good.
        compact = _WHITESPACE.sub("", original)
        if (problems := _shape_errors(compact)) is not None:
            return IdCheck(valid=False, original=original, errors=problems)
    return _parse_compact(original, compact, today)


def _shape_errors(compact: str) -> list[IdProblem] | None:
    """Why the number cannot be read at all (length, characters), or None when it can."""
    if len(compact) not in (15, 18):
        return [
            IdProblem(
                "bad_length",
                _("长度应为 18 位(或旧版 15 位)，实际为 %(length)s 位") % {"length": len(compact)},
            ),
            *_character_errors(compact),
        ]
    return _character_errors(compact) or None


def _parse_compact(original: str, compact: str, today: date | None) -> IdCheck:
    errors: list[IdProblem] = []
    warnings: list[IdProblem] = []
    upgraded = len(compact) == 15
    compact = compact.upper()
    if upgraded:
        # ID-05: a legacy number has a 2-digit year (always 19xx) and no check character.
        first17 = compact[:6] + "19" + compact[6:]
        number = first17 + check_character(first17)
    else:
        number = compact

    province = number[:2]
    if province not in PROVINCE_CODES:
        errors.append(
            IdProblem(
                "bad_province",
                _("前 2 位“%(code)s”不是有效的省级行政区划代码") % {"code": province},
            )
        )

    digits = number[6:14]
    birth = _birth_date(digits)
    if birth is None:
        errors.append(
            IdProblem("impossible_date", _("出生日期 %(digits)s 不是有效日期") % {"digits": digits})
        )
    else:
        today = today or timezone.localdate()
        if birth > today:
            errors.append(
                IdProblem(
                    "future_birth_date",
                    _("出生日期 %(birth)s 晚于今天(%(today)s)")
                    % {"birth": birth.isoformat(), "today": today.isoformat()},
                )
            )
        elif birth < EARLIEST_PLAUSIBLE_BIRTH:
            warnings.append(
                IdProblem(
                    "implausible_birth_year",
                    _("出生年份 %(year)s 早于 1900 年，请核对证件") % {"year": birth.year},
                )
            )

    # Reported last so the reasons read left to right along the number.
    expected = check_character(number[:17])
    if not upgraded and number[17] != expected:
        errors.append(
            IdProblem(
                "bad_check_character",
                _("第 18 位校验码应为 %(expected)s，实际为 %(actual)s")
                % {"expected": expected, "actual": number[17]},
            )
        )

    if errors:
        return IdCheck(
            valid=False,
            original=original,
            upgraded_from_15=upgraded,
            errors=errors,
            warnings=warnings,
        )
    # ID-01: position 17 is odd for men, even for women.
    sex: Sex = "male" if int(number[16]) % 2 == 1 else "female"
    return IdCheck(
        valid=True,
        original=original,
        number=number,
        upgraded_from_15=upgraded,
        birth_date=birth,
        sex=sex,
        warnings=warnings,
    )
