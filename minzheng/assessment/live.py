"""The live household, read from the registry, as the plain snapshot the rules take (ORM stays on this side)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q

from minzheng.core.batch import many_ids
from minzheng.registry.models import Asset, Household, IncomeExclusion, IncomeItem, Member
from minzheng.rules.common import HouseholdSnapshot, IncomeSnapshot, PersonSnapshot, SelfCare


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
    """Many households at once (standard changes, event rechecks): three queries whatever their number."""
    ids = [h.pk for h in households]
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
            region_code=household.region_id,
        )
    return result


def household_snapshot(
    household: Household,
    on: date,
    *,
    property_ok: bool | None = None,
    assistance_status: str = "",
) -> HouseholdSnapshot:
    """Members, the incomes current on ``on`` and the property verdict, in three queries.

    Property: with no numeric limits set (DB-19 defaults are null), a household with non-exempt assets is left to
    the officer (None) unless the caller passes the officer's verdict; one with none recorded passes.
    """
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
                    date_of_death=row[21],
                )
            )
        result[pk] = HouseholdSnapshot(
            members=tuple(members),
            incomes=tuple(incomes.get(pk, [])),
            property_ok=None if pk in with_assets else True,
            hukou_type=hukou,
            region_code=region,
        )
    return result
