"""The live household, read from the registry, as the plain snapshot the rules take (ORM stays on this side)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import fields
from datetime import date
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from minzheng.core.batch import many_ids
from minzheng.registry.idnumber import age_on
from minzheng.registry.models import Asset, Household, HukouStatus, IncomeExclusion, IncomeItem, Member
from minzheng.rules.common import HouseholdSnapshot, IncomeSnapshot, PersonSnapshot, Program, SelfCare

#: ``reader(household_ids=…, on=…)`` → {household id: "tekun" | "dibao" | "near_dibao" | ""}: what households
#: receive on a date. It is ``benefits.selectors.household_assistance_statuses``, registered by the benefits app when
#: it loads (as apps register their panels with core.navigation): benefits decides with these snapshots, so this
#: module cannot import it without an import running back up. With none registered every status is "".
ASSISTANCE_STATUS_READERS: list[Callable[..., dict[int, str]]] = []


def register_assistance_status_reader(reader: Callable[..., dict[int, str]]) -> None:
    """The one source of the assistance status (a second registration replaces the first: one answer per date)."""
    ASSISTANCE_STATUS_READERS[:] = [reader]


def assistance_statuses(household_ids: list[int], on: date) -> dict[int, str]:
    if not ASSISTANCE_STATUS_READERS:
        return {}
    return ASSISTANCE_STATUS_READERS[0](household_ids=household_ids, on=on)


def _self_care(member: Member) -> SelfCare | None:
    items = (
        member.can_eat,
        member.can_dress,
        member.can_transfer,
        member.can_toilet,
        member.can_walk_indoors,
        member.can_bathe,
    )
    if all(item is None for item in items):
        return None
    return SelfCare(*items)


def person_snapshot(member: Member) -> PersonSnapshot:
    return PersonSnapshot(
        name=member.name,
        birth_date=member.birth_date,
        sex=member.sex,
        id_number=member.id_number,
        relation=member.relation,
        is_coresident=member.is_coresident,
        non_coresident_reason=member.non_coresident_reason,
        work_capacity=member.work_capacity,
        schooling=member.schooling,
        serious_illness=member.serious_illness,
        disability_category=member.disability_category,
        disability_grade=member.disability_grade,
        self_care=_self_care(member),
        veteran_category=member.veteran_category,
        is_orphan=member.is_orphan,
        date_of_death=member.date_of_death,
    )


def _incomes(household: Household, names: dict[int, str], on: date) -> list[IncomeSnapshot]:
    month_start = on.replace(day=1)
    return [
        IncomeSnapshot(
            category=item.category,
            monthly_amount=item.monthly_amount,
            source=item.source,
            exclusion=item.exclusion,
            exclusion_label=item.get_exclusion_display() if item.exclusion else "",
            member=names.get(item.member_id, "") if item.member_id else "",
        )
        for item in household.incomes.all()
        if (item.period_start is None or item.period_start <= on)
        and (item.period_end is None or item.period_end >= month_start)
    ]


def household_snapshots(households: list[Household], on: date) -> dict[int, HouseholdSnapshot]:
    """Many households at once (standard changes, event rechecks): six queries whatever their number."""
    ids = [h.pk for h in households]
    statuses = assistance_statuses(ids, on)
    loaded = Household.objects.filter(pk__in=ids).prefetch_related("members", "incomes")
    with_assets = set(
        Household.objects.filter(pk__in=ids, assets__exempt=False).values_list("pk", flat=True).distinct()
    )
    result: dict[int, HouseholdSnapshot] = {}
    for household in loaded:
        members = sorted(household.members.all(), key=lambda m: m.pk)
        names = {m.pk: m.name for m in members}
        result[household.pk] = HouseholdSnapshot(
            members=tuple(person_snapshot(m) for m in members),
            incomes=tuple(sorted(_incomes(household, names, on), key=lambda i: i.source)),
            property_ok=None if household.pk in with_assets else True,
            hukou_type=household.hukou_type,
            assistance_status=statuses.get(household.pk, ""),
            region_code=household.region_id,
        )
    return result


def household_snapshot(
    household: Household,
    on: date,
    *,
    property_ok: bool | None = None,
    assistance_status: str | None = None,
) -> HouseholdSnapshot:
    """Members, the incomes current on ``on``, the property verdict and the assistance status, in five queries.

    Property: with no numeric limits set (DB-19) a household with non-exempt assets is left to the officer (None)
    unless the caller passes the officer's verdict; one with none recorded passes. The assistance status is what the
    household receives on ``on`` (benefits.selectors) unless the caller states one (the 测算 page's what-if).
    """
    if assistance_status is None:
        assistance_status = assistance_statuses([household.pk], on).get(household.pk, "")
    members = list(household.members.order_by("pk"))
    names = {m.pk: m.name for m in members}
    month_start = on.replace(day=1)
    incomes = [
        IncomeSnapshot(
            category=item.category,
            monthly_amount=item.monthly_amount,
            source=item.source,
            exclusion=item.exclusion,
            exclusion_label=item.get_exclusion_display() if item.exclusion else "",
            member=names.get(item.member_id, "") if item.member_id else "",
        )
        for item in household.incomes.order_by("pk")
        if (item.period_start is None or item.period_start <= on)
        and (item.period_end is None or item.period_end >= month_start)
    ]
    if property_ok is None and not household.assets.filter(exempt=False).exists():
        property_ok = True
    return HouseholdSnapshot(
        members=tuple(person_snapshot(m) for m in members),
        incomes=tuple(incomes),
        property_ok=property_ok,
        hukou_type=household.hukou_type,
        assistance_status=assistance_status,
        region_code=household.region_id,
    )


_MEMBER_FIELDS = (
    "pk",
    "household_id",
    "name",
    "birth_date",
    "sex",
    "id_number",
    "relation",
    "is_coresident",
    "non_coresident_reason",
    "work_capacity",
    "schooling",
    "serious_illness",
    "disability_category",
    "disability_grade",
    "can_eat",
    "can_dress",
    "can_transfer",
    "can_toilet",
    "can_walk_indoors",
    "can_bathe",
    "veteran_category",
    "date_of_death",
    "is_orphan",
)
_EXCLUSION_LABELS = dict(IncomeExclusion.choices)
_NOT_ASSESSED = (None,) * 6


def household_snapshot_values(household_ids: list[int], on: date) -> dict[int, HouseholdSnapshot]:
    """The same snapshots as :func:`household_snapshots`, read as plain values (no model objects): for batches of
    tens of thousands (a standard change), where building ORM instances would cost more than the rules."""
    month_start = on.replace(day=1)
    keys = many_ids(household_ids)
    people: dict[int, list[tuple[Any, ...]]] = {}
    names: dict[int, str] = {}
    for row in Member.objects.filter(household_id__in=keys).order_by("pk").values_list(*_MEMBER_FIELDS):
        people.setdefault(row[1], []).append(row)
        names[row[0]] = row[2]
    incomes: dict[int, list[IncomeSnapshot]] = {}
    # only the incomes current on ``on`` (the same test as _incomes): a household's past incomes stay on file,
    # and converting rows only to drop them was a good part of a standard change's reading time
    for household_id, member_id, category, amount, source, exclusion in (
        IncomeItem.objects.filter(household_id__in=keys)
        .filter(Q(period_start__isnull=True) | Q(period_start__lte=on))
        .filter(Q(period_end__isnull=True) | Q(period_end__gte=month_start))
        .order_by("source", "pk")
        .values_list("household_id", "member_id", "category", "monthly_amount", "source", "exclusion")
    ):
        incomes.setdefault(household_id, []).append(
            IncomeSnapshot(
                category=category,
                monthly_amount=amount,
                source=source,
                exclusion=exclusion,
                exclusion_label=str(_EXCLUSION_LABELS.get(exclusion, "")) if exclusion else "",
                member=names.get(member_id, "") if member_id else "",
            )
        )
    with_assets = set(
        Asset.objects.filter(household_id__in=keys, exempt=False).values_list("household_id", flat=True)
    )
    statuses = assistance_statuses(household_ids, on)
    result: dict[int, HouseholdSnapshot] = {}
    for pk, hukou, region in Household.objects.filter(pk__in=keys).values_list(
        "pk", "hukou_type", "region_id"
    ):
        members = []
        for row in people.get(pk, []):
            care = row[14:20]  # can_eat … can_bathe
            members.append(
                PersonSnapshot(
                    name=row[2],
                    birth_date=row[3],
                    sex=row[4],
                    id_number=row[5],
                    relation=row[6],
                    is_coresident=row[7],
                    non_coresident_reason=row[8],
                    work_capacity=row[9],
                    schooling=row[10],
                    serious_illness=row[11],
                    disability_category=row[12],
                    disability_grade=row[13],
                    self_care=None if care == _NOT_ASSESSED else SelfCare(*care),
                    veteran_category=row[20],
                    is_orphan=row[22],
                    date_of_death=row[21],
                )
            )
        result[pk] = HouseholdSnapshot(
            members=tuple(members),
            incomes=tuple(incomes.get(pk, [])),
            property_ok=None if pk in with_assets else True,
            hukou_type=hukou,
            assistance_status=statuses.get(pk, ""),
            region_code=region,
        )
    return result


# —— what the registry adds to a case's request ——————————————————————————————————————————————————————————————


def _named(people: Iterable[Member], subject: str) -> Member | None:
    members = list(people)
    living = [m for m in members if m.date_of_death is None]
    if not subject:
        return living[0] if len(living) == 1 else (members[0] if len(members) == 1 else None)
    return next((m for m in members if subject in (m.name, m.id_number)), None)


def registry_request(
    program: Program, data: dict[str, Any], members: Iterable[Member], *, subject: str | None = None
) -> dict[str, Any]:
    """The request as typed, with what the registry knows put over it: GL-02, whether the subject's 户籍 is local
    (Member.hukou_status), so a 高龄津贴 decided in live use follows the file, not a box ticked when it was filed.
    ``members`` is read only when the program asks for such a fact (a queryset costs nothing otherwise)."""
    if "local_hukou" not in {f.name for f in fields(program.request)}:
        return data
    person = _named(members, subject if subject is not None else str(data.get("subject") or ""))
    if person is None:
        return data  # the rule names the missing subject itself
    return with_hukou(program, data, person.hukou_status)


def with_hukou(program: Program, data: dict[str, Any], hukou_status: str | None) -> dict[str, Any]:
    """:func:`registry_request` from the subject's Member.hukou_status alone (a batch reads it as a value)."""
    if not hukou_status or "local_hukou" not in {f.name for f in fields(program.request)}:
        return data
    return {**data, "local_hukou": hukou_status == HukouStatus.LOCAL}


#: request fields the live path takes from the registry (the 测算 page does not ask for them)
REGISTRY_REQUEST_FIELDS = frozenset({"local_hukou"})


# —— income on file that does not describe the month decided (issue 15, defect 17) ————————————————————————————


def income_warnings(household: Household, on: date, *, working_age: tuple[int, int]) -> tuple[str, list[str]]:
    """Why the incomes the rules were given may not be the household's: ("stale" | "missing" | "", sentences).

    * stale: the household has income lines but none covers the month of ``on``; or a line ended before that month
      and its member (or the household, for a household-level line) has no current line of the same category:
      the rules count neither, so the result reads as if that income had stopped;
    * missing: no income line at all while a living, co-resident member of working age (the 低保 policy's DB-43
      ages) is able to work.
    A dead member's lines are not stale: they end at the death (registry.member_record_death)."""
    month = on.replace(day=1)
    lines = list(household.incomes.select_related("member").order_by("pk"))

    def current(item: IncomeItem) -> bool:
        return (item.period_start is None or item.period_start <= on) and (
            item.period_end is None or item.period_end >= month
        )

    if not lines:
        youngest, oldest = working_age
        able = [
            m.name
            for m in household.members.order_by("pk")
            if m.date_of_death is None
            and m.is_coresident
            and m.work_capacity != "none"
            and youngest <= age_on(m.birth_date, on) <= oldest
        ]
        if not able:
            return "", []
        return "missing", [
            _(
                "未登记任何收入，但 %(names)s 处于劳动年龄且有劳动能力：收入按 0 元计算的结论不可靠，须先核实收入"
            )
            % {"names": "、".join(able)}
        ]
    notes: list[str] = []
    live = [item for item in lines if current(item)]
    if not live:
        latest = max((item.period_end for item in lines if item.period_end), default=None)
        notes.append(
            _("登记的收入均不在 %(month)s(最近一项截止于 %(end)s)：未计入任何收入，须先核实并更新收入")
            % {"month": f"{month:%Y-%m}", "end": f"{latest:%Y-%m}" if latest else "—"}
        )
        return "stale", notes
    covered = {(item.member_id, item.category) for item in live}
    for item in lines:
        if item.period_end is None or item.period_end >= month:
            continue
        if item.member is not None and item.member.date_of_death is not None:
            continue
        if (item.member_id, item.category) in covered:
            continue
        notes.append(
            _("收入“%(source)s”(%(who)s)已于 %(end)s 截止，其后未登记同类收入：请核实是否已无此项收入")
            % {
                "source": item.source,
                "who": item.member.name if item.member else _("家庭"),
                "end": f"{item.period_end:%Y-%m}",
            }
        )
    return ("stale" if notes else ""), notes
