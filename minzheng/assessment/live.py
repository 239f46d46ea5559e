"""The live household, read from the registry, as the plain snapshot the rules take (ORM stays on this side)."""

from __future__ import annotations

from datetime import date

from minzheng.registry.models import Household, Member
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
