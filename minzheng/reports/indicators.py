"""The indicator catalogue: what each number of a report means, and the records behind it.

An indicator is computed for a region (a code prefix) and a period by SQL aggregation over live data — benefits in
force at the period's end (their history, not their current amount), entries and exits in the period, roster lines
paid in it. Every value has its list: ``records`` returns the rows that were counted (the drill-through of a report
cell). A *cut* restricts both: one value of a *dimension* — the household's 户籍 ("urban", "rural") or, written
``"category:martyr_survivor"``, a fact recorded in the benefit's decision (the 优抚 category, the 医疗救助 recipient
class, the 殡葬补贴 group).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, DecimalField, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from minzheng.benefits.models import BenefitChange, BenefitSpan, ChangeKind
from minzheng.cases.models import Benefit
from minzheng.cases.models import Period as BenefitPeriod
from minzheng.core.money import ZERO, round_money
from minzheng.core.scope import code_range
from minzheng.payments.models import CycleState, PaymentStatus, RosterLine
from minzheng.registry.models import HukouType, Member
from minzheng.reports.periods import Period
from minzheng.rules.funeral_subsidy import GROUP_LABELS, SPECIAL_GROUPS
from minzheng.rules.medical import CLASSES as MEDICAL_CLASSES
from minzheng.rules.programs import PROGRAMS
from minzheng.rules.tekun import CARE_LEVELS, SUPPORT_FORMS
from minzheng.rules.temporary import KINDS
from minzheng.rules.veterans.policy import CATEGORY_LABELS

PAID_STATES = (CycleState.APPROVED, CycleState.EXPORTED, CycleState.RECONCILED, CycleState.CLOSED)

#: cuts: a name → (label, the household's 户籍 type)
CUTS: dict[str, tuple[Promise, str]] = {
    "urban": (_("城市"), HukouType.URBAN),
    "rural": (_("农村"), HukouType.RURAL),
}


@dataclass(frozen=True)
class Dimension:
    """What a report's rows break its numbers down by: the values (cut key → label) and where each record keeps it."""

    code: str
    values: Mapping[str, Any]
    #: "household": ``<household_path>hukou_type``; otherwise a key of the benefit's decision facts
    fact: str = ""

    def cut(self, value: str) -> str:
        return value if self is HUKOU else f"{self.code}:{value}"


HUKOU = Dimension("hukou", {cut: label for cut, (label, _hukou) in CUTS.items()})
VETERAN_CATEGORY = Dimension("category", CATEGORY_LABELS, fact="veteran_category")
#: 医疗救助: the class the rule decided the person under (特困, 低保, 低保边缘, 其他)
MEDICAL_CLASS = Dimension("class", MEDICAL_CLASSES, fact="recipient_class")
#: 殡葬补贴: 一般群体 or 特殊群体, as the rule decided the deceased's caps
FUNERAL_GROUP = Dimension("group", GROUP_LABELS, fact="group")
DIMENSIONS = {d.code: d for d in (HUKOU, VETERAN_CATEGORY, MEDICAL_CLASS, FUNERAL_GROUP)}


def parse_cut(cut: str) -> tuple[Dimension, str]:
    """The dimension and value a cut names; KeyError for one that names none (the page answers 404)."""
    code, _sep, value = cut.rpartition(":")
    dimension = DIMENSIONS[code] if code else HUKOU
    if value not in dimension.values:
        raise KeyError(cut)
    return dimension, value


def cut_label(cut: str) -> Any:
    if not cut:
        return _("合计")
    dimension, value = parse_cut(cut)
    return dimension.values[value]


@contextmanager
def without_jit() -> Iterator[None]:
    """Report statements with PostgreSQL's JIT compiler off (as the roster build runs): their correlated lookups
    push the estimated cost over ``jit_above_cost``, and compiling took 30–200 ms a statement in the benchmark,
    more than most of them then ran for. ``SET LOCAL`` lasts to the end of the (outermost) transaction."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield


def in_force(program: str, month: date) -> QuerySet[Benefit]:
    """Benefits of the program paying something in ``month``: those with a span (``benefits.spans``, kept with the
    history) covering the month. Equal to ``in_force_from_history`` (tested), read from a small table instead of a
    probe of each benefit's history."""
    spans = BenefitSpan.objects.filter(program=program, start__lte=month).filter(
        Q(until__isnull=True) | Q(until__gt=month)
    )
    return Benefit.objects.filter(program=program, pk__in=spans.values("benefit_id"))


def in_force_from_history(program: str, month: date) -> QuerySet[Benefit]:
    """The definition: benefits of the program whose first month has come and whose latest change on or before
    ``month`` (by month, then id) pays something (a stop is a change to 0)."""
    amount = Subquery(
        BenefitChange.objects.filter(benefit=OuterRef("pk"), effective_month__lte=month)
        .order_by("-effective_month", "-pk")
        .values("new_amount")[:1],
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )
    return (
        Benefit.objects.filter(program=program, first_month__lte=month)
        .annotate(month_amount=amount)
        .filter(month_amount__gt=0)
    )


@dataclass(frozen=True)
class Indicator:
    code: str
    name: Any  # lazily translated text
    definition: Any
    unit: Any
    #: the records counted for a period (before region and cut)
    source: Callable[[Period], QuerySet[Any]]
    #: how one record adds up: "count" or Sum of a field
    measure: str = "count"
    #: the path from a record to its household (for cuts) and to its region
    household_path: str = "household__"
    region_path: str = "region_id"
    #: the path from a record to its benefit ("" when the record is one), for cuts on the decision's facts
    benefit_path: str = ""
    #: a sum of a decision fact (e.g. 受困人数) instead of ``measure``
    fact_sum: str = ""
    #: a condition on the source's records (the records are ``source`` filtered by it)
    where: Callable[[Period], Q] | None = None
    #: indicators with the same batch share ``source`` and paths and differ only by ``where`` and measure: a form
    #: computes them together, one statement with a filtered aggregate each
    batch: str = ""
    #: count the distinct values of this field (e.g. the person of a per-person grant) instead of ``measure``
    distinct: str = ""

    @property
    def money(self) -> bool:
        return self.measure != "count" and self.unit == _("元")

    def _field(self, dimension: Dimension) -> str:
        if dimension is HUKOU:
            return f"{self.household_path}hukou_type"
        return f"{self.benefit_path}decision__facts__{dimension.fact}"

    def _aggregate(self, condition: Q | None = None) -> Any:
        if self.fact_sum:
            fact = Cast(KT(f"{self.benefit_path}decision__facts__{self.fact_sum}"), IntegerField())
            return Sum(fact, filter=condition)
        if self.distinct:
            return Count(self.distinct, distinct=True, filter=condition)
        return (
            Count("pk", filter=condition) if self.measure == "count" else Sum(self.measure, filter=condition)
        )

    def _finish(self, raw: Any) -> Decimal | int:
        return round_money(raw or ZERO) if self.money else int(raw or 0)

    def records(self, region: str, period: Period, cut: str = "") -> QuerySet[Any]:
        """The rows counted for the region (code prefix), the period and the cut: the list behind the number."""
        query = self._base(region, period)
        if self.where is not None:
            query = query.filter(self.where(period))
        if cut:
            dimension, value = parse_cut(cut)
            query = query.filter(**{self._field(dimension): value})
        return query

    def _base(self, region: str, period: Period) -> QuerySet[Any]:
        low, high = code_range(region)
        return self.source(period).filter(
            **{f"{self.region_path}__gte": low, f"{self.region_path}__lt": high}
        )

    def value(self, region: str, period: Period, cut: str = "") -> Decimal | int:
        query = self.records(region, period, cut)
        with without_jit():
            if self.measure == "count" and not self.fact_sum and not self.distinct:
                return query.count()
            return self._finish(query.aggregate(v=self._aggregate())["v"])

    def values_by_cut(
        self, region: str, period: Period, dimension: Dimension | None = None
    ) -> dict[str, Decimal | int]:
        """Every cut of the dimension (户籍 by default) and the whole ("") in one GROUP BY."""
        dimension = dimension or HUKOU
        key = self._field(dimension)
        with without_jit():
            found = {
                row[key]: row["v"]
                for row in self.records(region, period).values(key).annotate(v=self._aggregate())
            }
        out = self._by_cut(found, dimension)
        if self.distinct:  # one person may be counted under two cuts: the whole is counted again, not summed
            out[""] = self.value(region, period)
        return out

    def _by_cut(self, found: dict[Any, Any], dimension: Dimension) -> dict[str, Decimal | int]:
        out = {dimension.cut(value): self._finish(found.get(value)) for value in dimension.values}
        out[""] = self._finish(sum((v for v in found.values() if v is not None), 0))
        return out


def values_by_cut_batched(
    indicators: list[Indicator], region: str, period: Period, dimension: Dimension | None = None
) -> dict[str, dict[str, Decimal | int]]:
    """Several indicators of one batch (same source, different conditions) in ONE GROUP BY statement: the source's
    records for the region, an aggregate per indicator filtered by its condition. Equal to each indicator's own
    ``values_by_cut`` (tested), at the cost of one pass over the records instead of one per indicator."""
    if len(indicators) == 1:
        return {indicators[0].code: indicators[0].values_by_cut(region, period, dimension)}
    dimension = dimension or HUKOU
    first = indicators[0]
    if not all(i.batch == first.batch != "" for i in indicators):
        raise ValueError("values_by_cut_batched: indicators of one batch only")
    key = first._field(dimension)
    aggregates = {
        f"v{index}": indicator._aggregate(indicator.where(period) if indicator.where else None)
        for index, indicator in enumerate(indicators)
    }
    # distinct counts (persons) do not add up over the cuts: their wholes come from one more statement
    wholes = {name: aggregates[name] for name, i in zip(aggregates, indicators, strict=True) if i.distinct}
    with without_jit():
        rows = list(first._base(region, period).values(key).annotate(**aggregates))
        whole = first._base(region, period).aggregate(**wholes) if wholes else {}
    out = {
        indicator.code: indicator._by_cut({row[key]: row[f"v{index}"] for row in rows}, dimension)
        for index, indicator in enumerate(indicators)
    }
    for index, indicator in enumerate(indicators):
        if f"v{index}" in whole:
            out[indicator.code][""] = indicator._finish(whole[f"v{index}"])
    return out


def _members_in_force(program: str) -> Callable[[Period], QuerySet[Any]]:
    """The living members of the households with the program in force at the period's end."""

    def source(period: Period) -> QuerySet[Any]:
        households = in_force(program, period.last).values("household_id")
        return Member.objects.filter(household_id__in=households, date_of_death__isnull=True)

    return source


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


#: programs granted once (their numbers are what was granted in the period, not what is in force at its end)
ONE_OFF_PROGRAMS = frozenset({"temporary", "medical", "funeral_subsidy"})


def granted(program: str) -> Callable[[Period], QuerySet[Any]]:
    """A one-off program's grants of the period: the benefits whose (only) month is in it."""

    def source(period: Period) -> QuerySet[Any]:
        return Benefit.objects.filter(program=program, first_month__range=(period.first, period.last))

    return source


def in_period(program: str, period: Period) -> QuerySet[Benefit]:
    """Benefits of the program paying something in some month of the period (a span overlapping it): for programs
    paid by the quarter or the year, where "in force at the period's end" would miss a family paid earlier in it."""
    spans = BenefitSpan.objects.filter(program=program, start__lte=period.last).filter(
        Q(until__isnull=True) | Q(until__gt=period.first)
    )
    return Benefit.objects.filter(program=program, pk__in=spans.values("benefit_id"))


def _program_indicators(program: str) -> list[Indicator]:
    label = PROGRAMS[program].label
    per_person = PROGRAMS[program].per_person
    unit = _("人") if per_person else _("户")
    indicators = [
        Indicator(
            f"{program}.households",
            format_lazy(_("{p}人数(在保)") if per_person else _("{p}户数"), p=label),
            format_lazy(
                _("期末在保(当月按决定发放金额大于 0)的{p}待遇数(按户保障的为户数，按人保障的为人数)"),
                p=label,
            ),
            unit,
            lambda period: in_force(program, period.last),
            batch=f"{program}.in_force",
        ),
        Indicator(
            f"{program}.persons",
            format_lazy(_("{p}人数"), p=label),
            _("期末在保待遇的保障人数之和"),
            _("人"),
            lambda period: in_force(program, period.last),
            measure="members_covered",
            batch=f"{program}.in_force",
        ),
        Indicator(
            f"{program}.entries",
            format_lazy(_("{p}新增"), p=label),
            _("起始发放月份在本期内的待遇数"),
            unit,
            lambda period: Benefit.objects.filter(
                program=program, first_month__range=(period.first, period.last)
            ),
        ),
        Indicator(
            f"{program}.exits",
            format_lazy(_("{p}退出"), p=label),
            _("停止发放月份在本期内的待遇数(一次性发放的补助发放完毕不算退出)"),
            unit,
            # a one-off grant (the 优抚 丧葬补助, a 临时救助) closes with a change to 0 once paid: paid out, not an exit
            lambda period: BenefitChange.objects.filter(
                benefit__program=program,
                kind=ChangeKind.STOPPED,
                effective_month__range=(period.first, period.last),
            ).exclude(benefit__period=BenefitPeriod.ONE_OFF),
            household_path="benefit__household__",
            benefit_path="benefit__",
        ),
        Indicator(
            f"{program}.funds",
            format_lazy(_("{p}发放资金"), p=label),
            _("本期发放批次(已审批)中未退票的实发金额之和"),
            _("元"),
            lambda period: RosterLine.objects.filter(
                program=program,
                cycle__state__in=PAID_STATES,
                cycle__period_start__range=(period.first, period.last),
            ).exclude(status=PaymentStatus.FAILED),
            measure="amount",
            benefit_path="benefit__",
        ),
    ]
    if program in ONE_OFF_PROGRAMS:
        return [i for i in indicators if i.code.endswith(".funds")]
    return indicators


def _tekun_indicators() -> list[Indicator]:
    """特困: in force by support form (集中/分散) and by self-care level (the decision's facts)."""

    def in_force_tekun(period: Period) -> QuerySet[Any]:
        return in_force("tekun", period.last)

    def by_fact(prefix: str, fact: str, choices: Mapping[str, Any], definition: Any) -> list[Indicator]:
        """One column per value of a decision fact (``definition`` has a ``{f}`` for the value's label)."""

        def where(value: str) -> Callable[[Period], Q]:
            return lambda period: Q(**{f"decision__facts__{fact}": value})

        return [
            Indicator(
                f"tekun.{prefix}{value}",
                format_lazy(_("特困人员({f})"), f=label),
                format_lazy(definition, f=label),
                _("人"),
                in_force_tekun,
                where=where(value),
                batch="tekun.in_force",
            )
            for value, label in choices.items()
        ]

    forms = by_fact("", "support_form", SUPPORT_FORMS, _("期末在保特困人员中供养形式为{f}的人数"))
    levels = by_fact(
        "care_", "self_care_level", CARE_LEVELS, _("期末在保特困人员中生活自理能力评估为{f}的人数")
    )
    unassessed = Indicator(
        "tekun.care_unknown",
        _("特困人员(自理能力未评估)"),
        _("期末在保特困人员中生活自理能力未评估完整、尚未确定照料护理等级的人数"),
        _("人"),
        in_force_tekun,
        where=lambda period: ~Q(decision__facts__self_care_level__in=list(CARE_LEVELS)),
        batch="tekun.in_force",
    )
    return [*forms, *levels, unassessed]


def _temporary_indicators() -> list[Indicator]:
    """临时救助 is granted once: cases and person-times decided in the period, by type, and the amounts granted."""

    def granted(period: Period) -> QuerySet[Any]:
        return Benefit.objects.filter(program="temporary", first_month__range=(period.first, period.last))

    def of_kind(kind: str) -> Callable[[Period], Q]:
        return lambda period: Q(decision__facts__kind=kind)

    by_kind = [
        Indicator(
            f"temporary.{kind}",
            format_lazy(_("{k}临时救助"), k=label),
            format_lazy(_("本期内确认的{k}临时救助件数"), k=label),
            _("件"),
            granted,
            where=of_kind(kind),
            batch="temporary.granted",
        )
        for kind, label in KINDS.items()
    ]
    return [
        Indicator(
            "temporary.cases",
            _("临时救助件数"),
            _("本期内确认(起始发放月份在本期内)的临时救助件数"),
            _("件"),
            granted,
            batch="temporary.granted",
        ),
        Indicator(
            "temporary.person_times",
            _("临时救助人次"),
            _("本期内确认的临时救助所救助的受困人数之和"),
            _("人次"),
            granted,
            fact_sum="persons_affected",
            batch="temporary.granted",
        ),
        *by_kind,
        Indicator(
            "temporary.amount",
            _("临时救助金额"),
            _("本期内确认的临时救助金额之和(含先行救助)"),
            _("元"),
            granted,
            measure="application__approved_amount",
            batch="temporary.granted",
        ),
    ]


def _medical_indicators() -> list[Indicator]:
    """医疗救助 is granted claim by claim: cases, the persons helped and the amounts granted in the period; the form
    breaks them down by the recipient class the rule decided (``MEDICAL_CLASS``)."""
    source = granted("medical")
    return [
        Indicator(
            "medical.cases",
            _("医疗救助件数"),
            _("本期内确认(起始发放月份在本期内)的医疗救助件数"),
            _("件"),
            source,
            batch="medical.granted",
        ),
        Indicator(
            "medical.persons",
            _("医疗救助人数"),
            _("本期内获得医疗救助的人数(同一人多次救助计一人)"),
            _("人"),
            source,
            distinct="member_id",
            batch="medical.granted",
        ),
        Indicator(
            "medical.amount",
            _("医疗救助金额"),
            _("本期内确认的医疗救助金额之和"),
            _("元"),
            source,
            measure="application__approved_amount",
            batch="medical.granted",
        ),
    ]


def _funeral_indicators() -> list[Indicator]:
    """殡葬补贴: cases and amounts granted in the period; the form's rows are 一般/特殊群体 (``FUNERAL_GROUP``), its
    columns the special groups the deceased belonged to (one case may be in several)."""
    source = granted("funeral_subsidy")

    def in_group(group: str) -> Callable[[Period], Q]:
        # the decision keeps a list of group codes; its JSON text holds '"dibao"' exactly when the list does (the
        # quotes keep "dibao" from matching "near_dibao"). Text (``icontains`` of a key is a text match), not JSON containment, which SQLite lacks.
        return lambda period: Q(decision__facts__special_groups__icontains=f'"{group}"')

    by_group = [
        Indicator(
            f"funeral_subsidy.{group}",
            format_lazy(_("殡葬补贴({g})"), g=label),
            format_lazy(_("本期内确认的基本殡葬服务补贴中逝者属于{g}的件数"), g=label),
            _("件"),
            source,
            where=in_group(group),
            batch="funeral_subsidy.granted",
        )
        for group, label in SPECIAL_GROUPS.items()
    ]
    return [
        Indicator(
            "funeral_subsidy.cases",
            _("殡葬补贴件数"),
            _("本期内确认(起始发放月份在本期内)的基本殡葬服务补贴件数"),
            _("件"),
            source,
            batch="funeral_subsidy.granted",
        ),
        *by_group,
        Indicator(
            "funeral_subsidy.amount",
            _("殡葬补贴金额"),
            _("本期内确认的基本殡葬服务补贴金额之和"),
            _("元"),
            source,
            measure="application__approved_amount",
            batch="funeral_subsidy.granted",
        ),
    ]


def _conscript_indicators() -> list[Indicator]:
    """义务兵家庭优待金 may be paid monthly, quarterly or yearly: the families counted are those with the allowance
    in force in some month of the period (not only at its end), the funds what the approved rosters paid."""
    return [
        Indicator(
            "conscript_family.families",
            _("义务兵家庭优待金户数(本期享受)"),
            _("本期内任一月份享受义务兵家庭优待金(按决定发放金额大于 0)的家庭户数"),
            _("户"),
            lambda period: in_period("conscript_family", period),
        )
    ]


#: the age bands of the 高龄津贴 report (周岁 at the period's end; None = no upper limit)
AGE_BANDS = ((80, 89), (90, 99), (100, None))


def _elderly_bands() -> list[Indicator]:
    def in_force_elderly(period: Period) -> QuerySet[Any]:
        return in_force("elderly_allowance", period.last)

    def band(low: int, high: int | None) -> Callable[[Period], Q]:
        def condition(period: Period) -> Q:
            aged = Q(member__birth_date__lte=_years_before(period.end, low))
            if high is not None:
                aged &= Q(member__birth_date__gt=_years_before(period.end, high + 1))
            return aged

        return condition

    out = []
    for low, high in AGE_BANDS:
        label = format_lazy(_("{a}–{b}周岁"), a=low, b=high) if high else format_lazy(_("{a}周岁以上"), a=low)
        out.append(
            Indicator(
                f"elderly_allowance.age_{low}",
                format_lazy(_("高龄津贴({b})"), b=label),
                format_lazy(_("期末在保高龄津贴领取人中期末年龄为{b}的人数"), b=label),
                _("人"),
                in_force_elderly,
                where=band(low, high),
                batch="elderly_allowance.in_force",
            )
        )
    return out


def _dibao_members() -> list[Indicator]:
    def older(period: Period) -> Q:
        return Q(birth_date__lte=_years_before(period.end, 60))

    def minor(period: Period) -> Q:
        return Q(birth_date__gt=_years_before(period.end, 18))

    classes = [
        ("elderly", _("低保老年人"), _("在保低保家庭中期末年满 60 周岁的成员"), older),
        ("minors", _("低保未成年人"), _("在保低保家庭中期末未满 18 周岁的成员"), minor),
        (
            "disabled",
            _("低保残疾人"),
            _("在保低保家庭中持残疾人证的成员"),
            lambda p: ~Q(disability_category=""),
        ),
        ("ill", _("低保重病患者"), _("在保低保家庭中登记重特大疾病的成员"), lambda p: ~Q(serious_illness="")),
    ]
    return [
        Indicator(
            f"dibao.persons_{key}",
            name,
            definition,
            _("人"),
            _members_in_force("dibao"),
            where=condition,
            batch="dibao.members",
        )
        for key, name, definition, condition in classes
    ]


def _procedure_indicators() -> list[Indicator]:
    """The township's quarter summary: applications received and decided, overdue, objections, reviews done."""
    from minzheng.benefits.models import Recheck
    from minzheng.cases.models import OPEN_STATUSES, Application, Objection

    return [
        Indicator(
            "procedure.received",
            _("受理申请"),
            _("申请日期在本期内的申请件数(各救助项目)"),
            _("件"),
            lambda p: Application.objects.filter(filed_on__range=(p.first, p.end)),
        ),
        Indicator(
            "procedure.decided",
            _("办结申请"),
            _("确认或不予确认日期在本期内的申请件数"),
            _("件"),
            lambda p: Application.objects.filter(decided_on__range=(p.first, p.end)),
        ),
        Indicator(
            "procedure.overdue",
            _("逾期未办结"),
            _("期末仍在办理、下一期限已过的申请件数"),
            _("件"),
            lambda p: Application.objects.filter(status__in=OPEN_STATUSES, next_due__lt=p.end),
        ),
        Indicator(
            "procedure.objections",
            _("公示异议"),
            _("本期内在公示期间收到的异议件数"),
            _("件"),
            lambda p: Objection.objects.filter(submitted_at__date__range=(p.first, p.end)),
            household_path="notice__application__household__",
            region_path="notice__region_id",
        ),
        Indicator(
            "procedure.reviews",
            _("完成复核"),
            _("本期内办结(调整、停止或维持)的定期复核件数"),
            _("件"),
            lambda p: Recheck.objects.filter(
                trigger=Recheck.Trigger.REVIEW,
                state__in=(Recheck.State.APPLIED, Recheck.State.DISMISSED),
                effective_month__range=(p.first, p.last),
            ),
        ),
    ]


PAID_PROGRAMS = (
    "dibao",
    "tekun",
    "temporary",
    "medical",
    "funeral_subsidy",
    "elderly_allowance",
    "disability_living",
    "disability_nursing",
    "veterans",
    "conscript_family",
)

CATALOGUE: dict[str, Indicator] = {
    indicator.code: indicator
    for program in PAID_PROGRAMS
    if program in PROGRAMS
    for indicator in _program_indicators(program)
} | {
    indicator.code: indicator
    for indicator in (
        *_dibao_members(),
        *_tekun_indicators(),
        *_temporary_indicators(),
        *_medical_indicators(),
        *_funeral_indicators(),
        *_conscript_indicators(),
        *_elderly_bands(),
        *_procedure_indicators(),
    )
}
