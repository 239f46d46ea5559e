"""The live household as the rules see it: the batch reader (plain values, one parameter for all keys) gives
exactly the snapshots the model-object reader gives, incomes current on the date included and past ones left out."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from minzheng.assessment.live import household_snapshot, household_snapshot_values, household_snapshots
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


def test_the_orphan_flag_and_member_names_of_income_lines_reach_every_builder(
    personas: dict[str, Any],
) -> None:
    clerk = personas["township_a_clerk"]
    household = make_household(clerk, VILLAGE_A1, head="孙大树", others=0)
    orphan = registry.member_add(
        actor=clerk,
        household=household,
        data=member_data("孙小苗", Relation.GRANDCHILD, date(2015, 4, 1), is_orphan=True),
    ).obj
    head = household.members.get(relation=Relation.HEAD)
    registry.income_add(
        actor=clerk, household=household, category="wage", monthly_amount="900", source="务工", member=head
    )
    registry.income_add(
        actor=clerk, household=household, category="business", monthly_amount="200", source="种植"
    )
    on = date(2025, 7, 1)
    for snapshot in (
        household_snapshot(household, on),
        household_snapshots([household], on)[household.pk],
        household_snapshot_values([household.pk], on)[household.pk],
    ):
        assert snapshot.member(orphan.name).is_orphan is True
        assert snapshot.member("孙大树").is_orphan is False
        assert {i.source: i.member for i in snapshot.incomes} == {"务工": "孙大树", "种植": ""}


def test_after_the_head_dies_the_snapshot_has_no_wage_line_of_his(personas: dict[str, Any]) -> None:
    clerk = personas["township_a_clerk"]
    household = make_household(clerk, VILLAGE_A1, head="钱老大")
    head = household.members.get(relation=Relation.HEAD)
    registry.income_add(
        actor=clerk, household=household, category="wage", monthly_amount="900", source="务工", member=head
    )
    registry.income_add(
        actor=clerk, household=household, category="business", monthly_amount="100", source="种植"
    )
    registry.member_record_death(actor=clerk, member=head, date_of_death=date(2025, 5, 10))
    before = household_snapshot(household, date(2025, 4, 30))
    after = household_snapshot(household, date(2025, 6, 1))
    assert {i.source for i in before.incomes} == {"务工", "种植"}
    assert {i.source for i in after.incomes} == {"种植"}  # the household's own line stays
    assert household_snapshot_values([household.pk], date(2025, 6, 1))[household.pk] == after


def _assess_dibao(household: Any, on: date) -> Any:
    from minzheng.assessment.services import assess_household
    from minzheng.cases.tests.factories import setup_policy

    setup_policy()
    return assess_household(household=household, program_code="dibao", on=on)[1]


def test_a_what_if_on_income_that_ended_before_the_month_says_it_is_stale(personas: dict[str, Any]) -> None:
    clerk = personas["township_a_clerk"]
    household = make_household(clerk, VILLAGE_A1, head="周老二")
    head = household.members.get(relation=Relation.HEAD)
    registry.income_add(
        actor=clerk,
        household=household,
        category="wage",
        monthly_amount="900",
        source="务工",
        member=head,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 1),
    )
    current = _assess_dibao(household, date(2025, 6, 15))
    assert "income_check" not in current.facts and "DB-14" not in current.needs_verification
    stale = _assess_dibao(household, date(2026, 3, 15))
    assert stale.facts["income_check"] == "stale" and "DB-14" in stale.needs_verification
    assert any("2025-12" in w and "核实" in w for w in stale.warnings)


def test_a_what_if_with_no_income_for_an_able_adult_says_income_is_missing(personas: dict[str, Any]) -> None:
    household = make_household(personas["township_a_clerk"], VILLAGE_A1, head="吴壮年", others=0)
    decision = _assess_dibao(household, date(2025, 6, 15))
    assert decision.facts["income_check"] == "missing"
    assert any("吴壮年" in w for w in decision.warnings)


def test_the_elderly_allowance_follows_the_registered_hukou_not_a_typed_box(personas: dict[str, Any]) -> None:
    from minzheng.assessment.services import assess_household
    from minzheng.cases.tests.factories import setup_policy

    setup_policy()
    clerk = personas["township_a_clerk"]
    household = make_household(clerk, VILLAGE_A1, head="郑寿", others=0)
    elder = registry.member_add(
        actor=clerk,
        household=household,
        data=member_data(
            "郑老太", Relation.PARENT, date(1935, 2, 1), male=False, hukou_status="out_of_province"
        ),
    ).obj
    request = {"subject": elder.name, "local_hukou": True}
    _case, decision = assess_household(
        household=household, program_code="elderly_allowance", on=date(2025, 6, 15), request=request
    )
    assert not decision.eligible and any("GL-02" in line.rules for line in decision.lines)
    local = registry.member_add(
        actor=clerk,
        household=make_household(clerk, VILLAGE_A1, head="郑二", others=0),
        data=member_data("郑老汉", Relation.PARENT, date(1935, 3, 1)),
    ).obj
    _case, decision = assess_household(
        household=local.household,
        program_code="elderly_allowance",
        on=date(2025, 6, 15),
        request={"subject": local.name, "local_hukou": False},
    )
    assert decision.eligible


def test_the_what_if_page_says_loudly_that_income_is_stale(personas: dict[str, Any], client_for: Any) -> None:
    from django.urls import reverse

    from minzheng.cases.tests.factories import setup_policy

    setup_policy()
    clerk = personas["township_a_clerk"]
    household = make_household(clerk, VILLAGE_A1, head="冯旧账", others=0)
    registry.income_add(
        actor=clerk,
        household=household,
        category="wage",
        monthly_amount="900",
        source="务工",
        period_start=date(2025, 1, 1),
        period_end=date(2025, 6, 1),
    )
    url = reverse("assessment:household", kwargs={"pk": household.pk})
    page = client_for("township_a_clerk").post(url, {"program": "dibao", "on": "2026-02-10"})
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="income-check"' in html and "收入信息已过期" in html


def test_the_township_review_records_that_the_income_on_file_is_stale(personas: dict[str, Any]) -> None:
    from minzheng.cases import services as cases
    from minzheng.cases.tests.factories import add_papers, setup_policy, submit, to_checked

    setup_policy()
    clerk = personas["township_a_clerk"]
    household = make_household(clerk, VILLAGE_A1, head="蒋去年")
    registry.income_add(
        actor=clerk,
        household=household,
        category="wage",
        monthly_amount="900",
        source="务工",
        member=household.members.get(relation=Relation.HEAD),
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 1),
    )
    add_papers(clerk, household)
    case = to_checked(personas, submit(personas, household))
    reviewed = cases.review_record(
        actor=personas["township_a_head"], application=case, agree=True, opinion="", today=date(2025, 3, 10)
    )
    decision = reviewed.decision or {}
    assert decision["facts"]["income_check"] == "stale" and "DB-14" in decision["needs_verification"]
    assert any("2024-12" in warning for warning in decision["warnings"])


def test_the_what_if_page_uses_the_status_on_file_unless_one_is_typed(
    personas: dict[str, Any], client_for: Any
) -> None:
    from django.urls import reverse

    from minzheng.cases.tests.factories import setup_policy

    setup_policy()
    household = make_household(personas["township_a_clerk"], VILLAGE_A1, head="韩某", others=0)
    url = reverse("assessment:household", kwargs={"pk": household.pk})
    client = client_for("township_a_clerk")
    on_file = client.post(url, {"program": "dibao", "on": "2025-06-10"}).content.decode()
    assert 'data-testid="status-used">已享受的救助：无(按档案)' in on_file
    typed = client.post(
        url, {"program": "dibao", "on": "2025-06-10", "assistance_status": "tekun"}
    ).content.decode()
    assert 'data-testid="status-used">已享受的救助：特困<' in typed
