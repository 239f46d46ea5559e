"""Validating one member's data (forms, Excel rows and the API alike), and bank accounts. Pure: no ORM."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minzheng.core.validators import hidden_character, hidden_character_message, is_ascii_digits
from minzheng.registry.idnumber import age_on, parse_id_number
from minzheng.registry.models import (
    DisabilityCategory,
    HukouStatus,
    NonCoresidentReason,
    Relation,
    Schooling,
    VeteranCategory,
    WorkCapacity,
)

SELF_CARE_KEYS = ("can_eat", "can_dress", "can_transfer", "can_toilet", "can_walk_indoors", "can_bathe")


@dataclass
class MemberData:
    """What a clerk types about one person. Derived fields (birth date, sex) come from the ID number."""

    name: str
    id_number: str
    relation: str
    phone: str = ""
    sex: str = ""  # optional: checked against the ID when given
    birth_date: date | None = None  # optional: checked against the ID when given
    hukou_status: str = HukouStatus.LOCAL
    is_coresident: bool = True
    non_coresident_reason: str = ""
    away_for_work: bool = False
    work_capacity: str = WorkCapacity.FULL
    schooling: str = ""
    serious_illness: str = ""
    disability_category: str = ""
    disability_grade: int | None = None
    disability_certificate: str = ""
    self_care: dict[str, bool | None] = field(default_factory=dict)
    veteran_category: str = ""
    is_orphan: bool = False
    date_of_death: date | None = None


@dataclass
class CleanMember:
    data: MemberData
    id_number: str
    id_number_original: str
    birth_date: date
    sex: str
    warnings: list[str]

    def model_fields(self) -> dict[str, Any]:
        return dict(zip(MODEL_FIELD_NAMES, self.model_values(), strict=True))

    def model_values(self) -> tuple[Any, ...]:
        """The Member field values in MODEL_FIELD_NAMES order (an import keeps 300,000 of these: tuples, not dicts)."""
        d = self.data
        care = d.self_care
        return (
            d.name.strip(),
            self.id_number,
            self.id_number_original,
            self.id_number[-4:],
            self.id_number[-6:],
            self.birth_date,
            self.sex,
            d.relation,
            d.phone.strip(),
            d.hukou_status,
            d.is_coresident,
            "" if d.is_coresident else d.non_coresident_reason,
            d.away_for_work,
            d.work_capacity,
            d.schooling,
            d.serious_illness.strip(),
            d.disability_category,
            d.disability_grade if d.disability_category else None,
            d.disability_certificate.strip() if d.disability_category else "",
            d.veteran_category,
            d.is_orphan,
            d.date_of_death,
            *((care.get(key) for key in SELF_CARE_KEYS) if care else _NO_SELF_CARE),
        )


#: the Member fields CleanMember.model_values gives, in its order
MODEL_FIELD_NAMES: tuple[str, ...] = (
    "name",
    "id_number",
    "id_number_original",
    "id_last4",
    "id_last6",
    "birth_date",
    "sex",
    "relation",
    "phone",
    "hukou_status",
    "is_coresident",
    "non_coresident_reason",
    "away_for_work",
    "work_capacity",
    "schooling",
    "serious_illness",
    "disability_category",
    "disability_grade",
    "disability_certificate",
    "veteran_category",
    "is_orphan",
    "date_of_death",
    *SELF_CARE_KEYS,
)
_NO_SELF_CARE = (None,) * len(SELF_CARE_KEYS)


class MemberInvalid(Exception):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(m for msgs in errors.values() for m in msgs))
        self.errors = errors


# Labels for messages, made once (not on every call for each of 300,000 people in an import).
_RELATION = gettext_lazy("与户主关系")
_HUKOU_STATUS = gettext_lazy("户籍状况")
_WORK_CAPACITY = gettext_lazy("劳动能力")
_SCHOOLING = gettext_lazy("在学情况")
_DISABILITY_CATEGORY = gettext_lazy("残疾类别")
_VETERAN_CATEGORY = gettext_lazy("优抚对象类别")
_NON_CORESIDENT_REASON = gettext_lazy("不计入原因")


#: DB-12 reasons that say only "they live elsewhere": a DB-11 member is counted whatever the address
LIVING_APART_REASONS = frozenset({NonCoresidentReason.LIVES_APART})
_CHILDREN = frozenset({Relation.SON, Relation.DAUGHTER})
#: DB-11 (3): full-time education at undergraduate level or below
_IN_SCHOOL = frozenset(
    {
        Schooling.PRESCHOOL,
        Schooling.COMPULSORY,
        Schooling.HIGH_SCHOOL,
        Schooling.VOCATIONAL,
        Schooling.UNIVERSITY,
    }
)


def mandatory_member_class(relation: str, age: int, schooling: str) -> str:
    """DB-11's class of a member counted in the household whoever lives where ("" when none applies): the head's
    spouse, a minor child, or a child in full-time education at undergraduate level or below."""
    if relation == Relation.SPOUSE:
        return str(_("户主的配偶"))
    if relation in _CHILDREN and age < 18:
        return str(_("户主的未成年子女"))
    if relation in _CHILDREN and schooling in _IN_SCHOOL:
        return str(_("在校就读的子女(本科及以下)"))
    return ""


def living_apart_refusal(name: str, relation: str, age: int, schooling: str, reason: str) -> str:
    """DB-11: why this person cannot be left out of the household for living apart ("" when they may be)."""
    if reason not in LIVING_APART_REASONS:
        return ""  # a DB-12 reason (prison, declared missing …) takes out even a spouse or a child
    mandatory = mandatory_member_class(relation, age, schooling)
    if not mandatory:
        return ""
    return _(
        "%(name)s 是%(class)s，属于必须计入的共同生活家庭成员(DB-11)，不能以“不共同生活”为由不计入；"
        "只有服刑、强制隔离戒毒、宣告失踪等法定情形(DB-12)可以不计入"
    ) % {"name": name, "class": mandatory}


@cache
def _values(choices: Any) -> frozenset[str]:
    # TextChoices.values rebuilds its list (and every label) on each access: ~9 µs, six times per person.
    return frozenset(choices.values)


def _choice(
    errors: dict[str, list[str]], key: str, value: str, choices: Any, label: Any, *, blank: bool
) -> None:
    if value == "" and blank:
        return
    if value not in _values(choices):
        errors.setdefault(key, []).append(_("%(label)s“%(value)s”无效") % {"label": label, "value": value})


#: a person's typed text: none may carry control characters or bidirectional overrides (a name shown reversed)
PERSON_TEXT_FIELDS = ("name", "phone", "serious_illness", "disability_certificate")


def clean_member(data: MemberData, *, today: date) -> CleanMember:
    """Check one person; raise MemberInvalid with every problem by field, or return the cleaned values."""
    errors: dict[str, list[str]] = {}
    warnings: list[str] = []
    for key in PERSON_TEXT_FIELDS:
        code = hidden_character(getattr(data, key))
        if code is not None:
            errors.setdefault(key, []).append(hidden_character_message(code))
    name = data.name.strip()
    if not name:
        errors.setdefault("name", []).append(_("姓名不能为空"))
    elif len(name) > 50:
        errors.setdefault("name", []).append(_("姓名不能超过 50 个字"))
    check = parse_id_number(data.id_number, today=today)
    if not check.valid:
        errors.setdefault("id_number", []).extend(p.message for p in check.errors)
    warnings.extend(p.message for p in check.warnings)
    if check.valid and check.birth_date and data.birth_date and data.birth_date != check.birth_date:
        errors.setdefault("birth_date", []).append(
            _("出生日期 %(typed)s 与身份证号中的 %(id)s 不一致")
            % {"typed": data.birth_date.isoformat(), "id": check.birth_date.isoformat()}
        )
    if check.valid and data.sex and data.sex != check.sex:
        errors.setdefault("sex", []).append(_("性别与身份证号第 17 位不一致(奇数为男，偶数为女)"))
    _choice(errors, "relation", data.relation, Relation, _RELATION, blank=False)
    _choice(errors, "hukou_status", data.hukou_status, HukouStatus, _HUKOU_STATUS, blank=False)
    _choice(errors, "work_capacity", data.work_capacity, WorkCapacity, _WORK_CAPACITY, blank=False)
    _choice(errors, "schooling", data.schooling, Schooling, _SCHOOLING, blank=True)
    _choice(
        errors,
        "disability_category",
        data.disability_category,
        DisabilityCategory,
        _DISABILITY_CATEGORY,
        blank=True,
    )
    _choice(errors, "veteran_category", data.veteran_category, VeteranCategory, _VETERAN_CATEGORY, blank=True)
    if not data.is_coresident:
        if not data.non_coresident_reason:
            errors.setdefault("non_coresident_reason", []).append(_("不计入共同生活家庭成员时，必须注明原因"))
        else:
            _choice(
                errors,
                "non_coresident_reason",
                data.non_coresident_reason,
                NonCoresidentReason,
                _NON_CORESIDENT_REASON,
                blank=False,
            )
    if not data.is_coresident and check.birth_date:
        refusal = living_apart_refusal(
            name or str(_("该成员")),
            data.relation,
            age_on(check.birth_date, today),
            data.schooling,
            data.non_coresident_reason,
        )
        if refusal:
            errors.setdefault("is_coresident", []).append(refusal)
    if data.disability_category:
        if data.disability_grade not in (1, 2, 3, 4):
            errors.setdefault("disability_grade", []).append(_("残疾等级应为一至四级(1-4)"))
    elif data.disability_grade is not None:
        errors.setdefault("disability_category", []).append(_("填写了残疾等级，请同时填写残疾类别"))
    unknown = set(data.self_care) - set(SELF_CARE_KEYS) if data.self_care else None
    if unknown:
        errors.setdefault("self_care", []).append(
            _("未知的自理能力项目：%(items)s") % {"items": ", ".join(sorted(unknown))}
        )
    if data.date_of_death:
        if data.date_of_death > today:
            errors.setdefault("date_of_death", []).append(_("死亡日期不能晚于今天"))
        elif check.birth_date and data.date_of_death < check.birth_date:
            errors.setdefault("date_of_death", []).append(_("死亡日期不能早于出生日期"))
    phone = data.phone.strip()
    if phone and not is_ascii_digits(phone.replace("-", "")):
        errors.setdefault("phone", []).append(_("电话号码只能包含数字和“-”"))
    if errors:
        raise MemberInvalid(errors)
    assert check.number and check.birth_date and check.sex  # noqa: S101 - guaranteed by check.valid
    return CleanMember(
        data=data if data.name == name else replace(data, name=name),
        id_number=check.number,
        id_number_original=data.id_number.strip() if check.upgraded_from_15 else "",
        birth_date=check.birth_date,
        sex=check.sex,
        warnings=warnings,
    )


#: a digit's byte value (48 + digit) -> the digit, and -> the digit doubled with its digits added (Luhn)
_PLAIN = {48 + d: d for d in range(10)}
_DOUBLED = {48 + d: (2 * d - 9 if d > 4 else 2 * d) for d in range(10)}


def _luhn_sum(digits: str, *, double_first: bool) -> int:
    """Luhn sum from the right; every second digit doubled, starting with the rightmost when `double_first`."""
    if not digits.isascii():  # other Unicode digits ("６"): the long way, as int() reads them
        digits = "".join(str(int(char)) for char in digits)
    data = digits.encode("ascii")[::-1]
    first, second = (_DOUBLED, _PLAIN) if double_first else (_PLAIN, _DOUBLED)
    return sum(map(first.__getitem__, data[::2])) + sum(map(second.__getitem__, data[1::2]))


def luhn_ok(number: str) -> bool:
    """The UnionPay (Luhn) check of a card number."""
    return _luhn_sum(number, double_first=False) % 10 == 0


def luhn_check_digit(payload: str) -> str:
    """The digit that makes payload + digit pass the Luhn check."""
    return str((10 - _luhn_sum(payload, double_first=True) % 10) % 10)


def check_account_number(raw: str) -> tuple[str, list[str], list[str]]:
    """(normalised number, errors, warnings): digits only, 12-19 long; a failed UnionPay Luhn check only warns."""
    number = raw.replace(" ", "").replace("-", "")
    if not number:
        return "", [], []
    if not is_ascii_digits(number):
        return number, [_("银行账号只能包含数字")], []
    if not 12 <= len(number) <= 19:
        return number, [_("银行账号应为 12 至 19 位数字，实际为 %(n)s 位") % {"n": len(number)}], []
    warnings = (
        [] if luhn_ok(number) else [_("银行账号未通过银联卡号校验(Luhn)，请核对；存折账号可忽略此提示")]
    )
    return number, [], warnings
