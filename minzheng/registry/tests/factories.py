"""Building registry state for tests through the real services (never rows by hand)."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from minzheng.registry.idnumber import check_character
from minzheng.registry.models import Household, HukouType, Member, Relation
from minzheng.registry.services import HouseholdData, household_create
from minzheng.registry.validation import MemberData

_serial = itertools.count(1)


def make_id(birth: date, *, male: bool, county: str = "510521") -> str:
    """A valid resident ID with a fresh order code (so tests never collide)."""
    order = next(_serial) % 500 * 2 + (1 if male else 0)
    body = f"{county}{birth:%Y%m%d}{order:03d}"
    return body + check_character(body)


def member_data(name: str, relation: str, birth: date, *, male: bool = True, **extra: Any) -> MemberData:
    return MemberData(name=name, id_number=make_id(birth, male=male), relation=relation, **extra)


def make_household(
    actor: Any, region: str, *, head: str = "张三丰", others: int = 2, address: str = "一组 12 号"
) -> Household:
    """A household created by `actor` (who must be able to edit `region`): head, spouse, then children."""
    members = [member_data("李秀英", Relation.SPOUSE, date(1972, 5, 1), male=False)]
    members += [
        member_data(f"张小{i}", Relation.SON, date(2005 + i, 3, 1)) for i in range(max(0, others - 1))
    ]
    result = household_create(
        actor=actor,
        data=HouseholdData(
            region_code=region, address=address, hukou_type=HukouType.RURAL, phone="13800000000"
        ),
        head=member_data(head, Relation.HEAD, date(1970, 1, 15)),
        members=members[:others],
    )
    household: Household = result.obj
    return household


def first_member(household: Household, relation: str) -> Member:
    return household.members.get(relation=relation)
