"""The live household as the rules see it: the batch reader (plain values, one parameter for all keys) gives
exactly the snapshots the model-object reader gives, incomes current on the date included and past ones left out."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from minzheng.assessment.live import household_snapshot_values, household_snapshots
from minzheng.core.testing.personas import VILLAGE_A1
from minzheng.registry import services as registry
from minzheng.registry.models import Relation
from minzheng.registry.tests.factories import make_household, member_data

pytestmark = pytest.mark.django_db


def test_the_batch_reader_gives_the_same_snapshots_as_the_model_reader(personas: dict[str, Any]) -> None:
    clerk = personas["township_a_clerk"]
    with_incomes = make_household(clerk, VILLAGE_A1, head="王大山")
    head = with_incomes.members.get(relation=Relation.HEAD)
    for source, start, end in (
        ("务工", None, None),
        ("去年务工", date(2024, 1, 1), date(2024, 12, 1)),  # ended before the month: left out
        ("本月起", date(2025, 7, 1), None),  # starts on the day: counted
        ("下月起", date(2025, 8, 1), None),  # not yet: left out
        ("至本月", date(2025, 1, 1), date(2025, 7, 1)),  # ends in the month: counted
        ("至上月", date(2025, 1, 1), date(2025, 6, 1)),  # ended the month before: left out
    ):
        registry.income_add(
            actor=clerk,
            household=with_incomes,
            category="wage",
            monthly_amount="300",
            source=source,
            member=head,
            period_start=start,
            period_end=end,
        )
    registry.income_add(
        actor=clerk,
        household=with_incomes,
        category="transfer",
        monthly_amount="10",
        source="奖励扶助",
        exclusion="family_planning",
    )
    with_assets = make_household(clerk, VILLAGE_A1, head="赵小河", others=0)
    registry.asset_add(
        actor=clerk, household=with_assets, category="deposit", description="存款", value="90000"
    )
    registry.member_add(
        actor=clerk,
        household=with_assets,
        data=member_data(
            "赵老汉",
            Relation.PARENT,
            date(1940, 2, 1),
            self_care={"can_eat": True, "can_bathe": False},
            disability_category="physical",
            disability_grade=2,
        ),
    )
    households = [with_incomes, with_assets]
    for on in (date(2025, 7, 1), date(2025, 7, 31)):
        values = household_snapshot_values([h.pk for h in households], on)
        assert values == household_snapshots(households, on)
        assert [i.source for i in values[with_incomes.pk].incomes] == ["务工", "奖励扶助", "本月起", "至本月"]
        assert values[with_assets.pk].property_ok is None
        assert values[with_assets.pk].members[1].self_care is not None
