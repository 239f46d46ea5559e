"""What every program's rule takes and returns: plain snapshots in, a decision that explains itself out.

Pure data: no ORM, no settings. A rule module (``dibao.py``, ``tekun.py`` …) defines

* ``Policy`` — a frozen dataclass of the [L] parameters it needs, every field declared with :func:`param`
  (default = the national default of DOMAIN.md §13, a Chinese label, the rule IDs). The policy app stores these
  fields as versioned rows per region; ``minzheng assess`` lets a CASE.json override any of them.
* ``Request`` — a frozen dataclass of what the case adds to the household (the costs of a funeral, the cause of a
  temporary hardship …), also built from JSON.
* ``assess(household, request, policy, on, *, dibao)`` returning a :class:`Decision`. ``dibao`` is the 低保 policy
  in force, because several programs are defined relative to the 低保 standard (特困 1.3 ×, 临时救助 caps …).

Field types are kept to a small vocabulary so one converter can read and write them as JSON and one form can edit
them: ``Decimal``, ``int``, ``bool``, ``str`` (with ``choices``), ``Fraction``, ``date``, ``X | None``,
``tuple[X, ...]``, ``dict[str, X]`` and nested frozen dataclasses.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from minzheng.registry.idnumber import age_on

#: the legal texts the rules cite (DOMAIN.md §0.2)
S1 = "社会救助暂行办法"
S2 = "军人抚恤优待条例(2024)"
S4 = "殡葬管理条例"
S6 = "老年人权益保障法"
S7 = "城市居民最低生活保障条例"
S8 = "浙江省社会救助条例(2020)"
S12 = "最低生活保障审核确认办法(民发〔2021〕57号)"
S13 = "特困人员认定办法(民发〔2021〕43号)"
GUOFA_2015_52 = "国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见(国发〔2015〕52号)"
OPINION_2020 = "中办国办《关于改革完善社会救助制度的意见》(2020)"
GBT_42195 = "老年人能力评估规范(GB/T 42195-2022)"
LOCAL = "当地政策规定"


def param(
    default: Any,
    label: Any,
    *,
    rules: tuple[str, ...] = (),
    choices: Mapping[str, Any] | None = None,
    help_text: Any = "",
) -> Any:
    """Declare one policy parameter: its default (national, DOMAIN.md §13), Chinese label and rule IDs."""
    metadata = {"label": label, "rules": rules, "choices": dict(choices or {}), "help": help_text}
    if isinstance(default, dict):
        frozen = dict(default)
        return field(default_factory=lambda: dict(frozen), metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class Line:
    """One sentence of the breakdown, with the rule IDs of DOMAIN.md and the article it rests on."""

    text: str
    rules: tuple[str, ...]
    source: str = ""


class Explanation:
    """The sentences of a decision as it is built — or none, when only the amount and eligibility are wanted.

    A rule adds each sentence as a function that writes it (``say(lambda: Line(...))``), so the arithmetic runs the
    same way in both modes and only the formatting (translation, money text, joins: most of a decision's cost) is
    skipped when ``explain`` is False. A standard change recomputes tens of thousands of decisions and shows only
    their amounts; the sentences of the rows it stores are written when they are stored, by a second, explained run."""

    __slots__ = ("explain", "lines")

    def __init__(self, *, explain: bool = True) -> None:
        self.explain = explain
        self.lines: list[Line] = []

    def __call__(self, make: Callable[[], Line]) -> None:
        if self.explain:
            self.lines.append(make())

    def done(self) -> tuple[Line, ...]:
        return tuple(self.lines)


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
    #: "monthly" (元/月), "quarterly" (元/季) or "yearly" (元/年) — the amount of one period, recurring — "one_off"
    #: (元, once) or "none" (an assessment without money, e.g. elder ability level)
    period: str = "monthly"
    #: whom the decision is about, for programs decided per person (高龄津贴, 特困 …)
    subject: str = ""
    #: rule IDs marked [K] in DOMAIN.md that this decision relied on: encoded as commonly quoted, to verify
    needs_verification: tuple[str, ...] = ()
    #: program-specific results a later step uses (self-care level, age band, care tier …); JSON-friendly values
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SelfCare:
    """TK-12: the six self-care items; True = can do it alone, False = cannot, None = not assessed."""

    eat: bool | None = None
    dress: bool | None = None
    transfer: bool | None = None  # 自主上下床
    toilet: bool | None = None
    walk_indoors: bool | None = None
    bathe: bool | None = None


@dataclass(frozen=True)
class PersonSnapshot:
    name: str
    birth_date: date
    sex: str = ""  # male / female
    id_number: str = ""
    relation: str = ""  # registry.Relation values: head, spouse, son …
    is_coresident: bool = True
    non_coresident_reason: str = ""
    work_capacity: str = "full"  # full / partial / none
    schooling: str = ""  # "", preschool, compulsory, high_school, vocational, university, postgraduate
    serious_illness: str = ""  # the diagnosis when a locally recognised 重特大疾病, else ""
    disability_category: str = ""  # visual, hearing, speech, physical, intellectual, psychiatric, multiple
    disability_grade: int | None = None  # 1 (most severe) … 4
    self_care: SelfCare | None = None
    veteran_category: str = ""  # registry.VeteranCategory values
    is_orphan: bool = False  # receives 孤儿基本生活保障 (TK-03, CJ-02)
    date_of_death: date | None = None

    def age_on(self, on: date) -> int:
        """Age in 周岁 (ID-04)."""
        return age_on(self.birth_date, on)

    def dead_on(self, on: date) -> bool:
        return self.date_of_death is not None and self.date_of_death <= on


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
    hukou_type: str = "rural"  # urban / rural: picks the 低保 standard
    #: what the household already receives: "dibao", "near_dibao", "tekun" or "" (CJ-01, BZ-03 special groups)
    assistance_status: str = ""
    region_code: str = ""

    def member(self, name: str) -> PersonSnapshot:
        """The member called ``name`` (or with that ID number); KeyError when there is none."""
        for person in self.members:
            if name in (person.name, person.id_number) and name:
                return person
        raise KeyError(name)

    def living(self, on: date) -> tuple[PersonSnapshot, ...]:
        return tuple(p for p in self.members if not p.dead_on(on))

    def counted(self, on: date) -> tuple[PersonSnapshot, ...]:
        """DB-11/DB-12: the members a household means test counts on ``on``: living and co-resident."""
        return tuple(p for p in self.members if p.is_coresident and not p.dead_on(on))

    def owner(self, item: IncomeSnapshot) -> PersonSnapshot | None:
        """The member an income line names (by name or ID number); None for a household-level line (member "")
        or a name that is not a member's."""
        if not item.member:
            return None
        try:
            return self.member(item.member)
        except KeyError:
            return None

    def subject(self, name: str, *, missing: str) -> PersonSnapshot:
        """The person a per-person case is about: the member named (or with that ID number), or the only member
        when none is named; ValidationFailed (on the ``subject`` field) otherwise, ``missing`` saying what to name."""
        from minzheng.core.errors import ValidationFailed
        from minzheng.rules.i18n import gettext as _

        if not name:
            if len(self.members) == 1:
                return self.members[0]
            raise ValidationFailed(missing, fields={"subject": [_("必填")]})
        try:
            return self.member(name)
        except KeyError:
            raise ValidationFailed(
                _("%(name)s 不是本户家庭成员") % {"name": name}, fields={"subject": [_("不是本户家庭成员")]}
            ) from None


@dataclass(frozen=True)
class NoRequest:
    """For programs decided from the household alone (低保)."""


def money_text(value: Decimal) -> str:
    """Amounts as written in a sentence: 900.00 keeps its fen, a whole-yuan standard like 580 stays 580."""
    exponent = value.as_tuple().exponent
    return f"{value:.2f}" if isinstance(exponent, int) and exponent < 0 else str(value)


def fraction_text(value: Fraction) -> str:
    """1/4 stays 1/4, 13/10 reads 1.3, 3/2 reads 1.5: how a policy document writes a ratio."""
    if value.denominator == 1:
        return str(value.numerator)
    decimal = Decimal(value.numerator) / Decimal(value.denominator)
    if decimal == decimal.quantize(Decimal("0.0001")):
        return format(decimal.normalize(), "f")
    return f"{value.numerator}/{value.denominator}"


def times(amount: Decimal, ratio: Fraction) -> Decimal:
    """amount × ratio exactly (a ratio is a Fraction: 13/10, 1/6 …); the caller rounds, once, at the end."""
    product = Fraction(amount) * ratio
    return Decimal(product.numerator) / Decimal(product.denominator)


@dataclass(frozen=True)
class Program:
    """One program the engine can decide: its GLOSSARY code, its label and its rule module's pieces."""

    code: str
    label: Any
    policy_key: str  # the namespace of its parameters in the policy (usually the module name)
    policy: type
    request: type
    assess: Callable[..., Decision]
    per_person: bool = False
    #: its person is someone who has died (the funeral subsidy): the application names the deceased member
    for_the_deceased: bool = False
    #: its rule also decides for a person who has died (优抚: the funeral grant and one-off death payments, YF-04,
    #: YF-07), so an application may name a deceased member; such a grant is paid to the household
    may_name_the_deceased: bool = False
    #: its assess() takes ``explain=False`` (the amount and eligibility without the sentences, see Explanation)
    explains_lazily: bool = False
