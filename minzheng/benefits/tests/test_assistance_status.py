"""The household's assistance status (低保, 特困, 低保边缘) read from its benefits and 低保 findings, and reaching the
rules in live use: the township review, the monthly scan, a standard change and the 测算 (issue 15, defect 1)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from minzheng.assessment.live import household_snapshot, household_snapshot_values, household_snapshots
from minzheng.assessment.services import assess_household
from minzheng.benefits import services
from minzheng.benefits.models import Recheck
from minzheng.benefits.selectors import household_assistance_status, household_assistance_statuses
from minzheng.cases import services as cases
from minzheng.cases.models import Application, Benefit
from minzheng.cases.tests.factories import poor_household, submit, to_checked, to_notice_ended
from minzheng.core.testing.personas import COUNTY
from minzheng.registry import services as registry
from minzheng.registry.models import Household, Relation
from minzheng.registry.tests.factories import member_data

pytestmark = pytest.mark.django_db
DECIDED = date(2025, 3, 20)  # 低保 confirmed; it pays from 2025-04 (DB-29)


def _dibao(personas: dict[str, Any], household: Household) -> Benefit:
    case = to_notice_ended(personas, submit(personas, household))
    cases.application_decide(actor=personas["county_approver"], application=case, approve=True, today=DECIDED)
    return Benefit.objects.get(application=case)


def _disabled_member(personas: dict[str, Any], household: Household) -> Any:
    return registry.member_add(
        actor=personas["township_a_clerk"],
        household=household,
        data=member_data(
            "张残",
            Relation.SON,
            date(1995, 6, 1),
            disability_category="physical",
            disability_grade=2,
            work_capacity="none",
        ),
    ).obj


def _disability_case(personas: dict[str, Any], household: Household, subject: Any) -> Application:
    head = household.members.get(relation=Relation.HEAD)
    case = cases.application_submit(
        actor=personas["village_a1_officer"],
        household=household,
        program="disability_living",
        applicant=head,
        subject=subject,
        today=date(2025, 3, 3),
    )
    return to_checked(personas, case)


def test_a_household_is_dibao_from_its_confirmation_while_the_benefit_pays_and_not_after_it_stops(
    personas: dict[str, Any],
) -> None:
    household = poor_household(personas)
    assert household_assistance_status(household_id=household.pk, on=DECIDED) == ""
    benefit = _dibao(personas, household)
    assert household_assistance_status(household_id=household.pk, on=date(2025, 3, 19)) == ""
    # confirmed, paying from next month: already a 低保 household
    assert household_assistance_status(household_id=household.pk, on=DECIDED) == "dibao"
    assert household_assistance_status(household_id=household.pk, on=date(2025, 6, 15)) == "dibao"
    services.benefit_stop(
        actor=personas["county_approver"], benefit=benefit, reason="收入增加", month=date(2025, 9, 1)
    )
    assert household_assistance_status(household_id=household.pk, on=date(2025, 8, 31)) == "dibao"
    assert household_assistance_status(household_id=household.pk, on=date(2025, 9, 1)) == ""


def test_a_refused_dibao_that_found_an_edge_family_makes_the_household_near_dibao(
    personas: dict[str, Any],
) -> None:
    household = poor_household(personas)
    clerk = personas["township_a_clerk"]
    registry.income_add(
        actor=clerk, household=household, category="wage", monthly_amount="1100", source="妻务工"
    )  # 2000 for 3: above the 低保 standard, within 1.5 × (LI-01)
    case = to_notice_ended(personas, submit(personas, household))
    assert (case.decision or {})["near_dibao"] is True
    cases.application_decide(
        actor=personas["county_approver"],
        application=case,
        approve=False,
        reasons="人均收入高于低保标准",
        today=DECIDED,
    )
    other = poor_household(personas)
    statuses = household_assistance_statuses(household_ids=[household.pk, other.pk], on=date(2025, 4, 1))
    assert statuses == {household.pk: "near_dibao", other.pk: ""}
    assert household_assistance_status(household_id=household.pk, on=date(2025, 3, 19)) == ""


def test_every_snapshot_builder_fills_the_status_and_the_batch_readers_stay_constant_in_queries(
    personas: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    from minzheng.assessment.live import ASSISTANCE_STATUS_READERS

    assert [
        household_assistance_statuses
    ] == ASSISTANCE_STATUS_READERS  # the one source, registered at start-up
    households = [poor_household(personas) for _ in range(3)]
    _dibao(personas, households[0])
    on = date(2025, 5, 1)
    assert household_snapshot(households[0], on).assistance_status == "dibao"
    assert household_snapshot(households[0], on, assistance_status="tekun").assistance_status == "tekun"
    with django_assert_max_num_queries(6):
        values = household_snapshot_values([h.pk for h in households], on)
    with django_assert_max_num_queries(6):
        objects = household_snapshots(households, on)
    assert values == objects
    assert [values[h.pk].assistance_status for h in households] == ["dibao", "", ""]


def test_a_disabled_member_of_a_dibao_household_is_eligible_for_the_living_subsidy_at_township_review(
    personas: dict[str, Any],
) -> None:
    household = poor_household(personas)
    disabled = _disabled_member(personas, household)
    _dibao(personas, household)
    case = _disability_case(personas, household, disabled)
    reviewed = cases.review_record(
        actor=personas["township_a_head"], application=case, agree=True, opinion="", today=date(2025, 4, 10)
    )
    decision = reviewed.decision or {}
    assert decision["eligible"] is True
    assert decision["facts"]["assistance_status"] == "dibao"
    assert Decimal(decision["amount"]) > 0


def test_the_monthly_scan_and_a_standard_change_keep_a_granted_disability_subsidy(
    personas: dict[str, Any],
) -> None:
    household = poor_household(personas)
    disabled = _disabled_member(personas, household)
    _dibao(personas, household)
    case = _disability_case(personas, household, disabled)
    cases.review_record(
        actor=personas["township_a_head"], application=case, agree=True, opinion="", today=date(2025, 4, 10)
    )
    case.refresh_from_db()
    if case.status == "reviewed":
        cases.notice_publish(actor=personas["township_a_clerk"], application=case, today=date(2025, 4, 11))
        case.refresh_from_db()
    if case.status == "notice":
        cases.notice_close(actor=personas["township_a_clerk"], application=case, today=date(2025, 4, 21))
    cases.application_decide(
        actor=personas["county_approver"], application=case, approve=True, today=date(2025, 4, 22)
    )
    subsidy = Benefit.objects.get(application=case)
    services.monthly_scan(month=date(2025, 6, 1))
    assert not Recheck.objects.filter(benefit=subsidy).exists()
    rows = services.standard_change_preview(
        region_code=COUNTY, program="disability_living", month=date(2025, 7, 1)
    )
    assert [(row.eligible, row.new) for row in rows if row.benefit_id == subsidy.pk] == [
        (True, subsidy.amount)
    ]


def test_a_dibao_deceased_gets_the_special_funeral_group(personas: dict[str, Any]) -> None:
    household = poor_household(personas)
    _dibao(personas, household)
    spouse = household.members.get(relation=Relation.SPOUSE)
    registry.member_record_death(
        actor=personas["township_a_clerk"], member=spouse, date_of_death=date(2025, 5, 2)
    )
    _case, decision = assess_household(
        household=household,
        program_code="funeral_subsidy",
        on=date(2025, 5, 6),
        request={"subject": spouse.name, "items": [{"code": "cremation", "amount": "190"}]},
    )
    assert decision.facts["group"] == "special" and "dibao" in decision.facts["special_groups"]
    _case, general = assess_household(
        household=household,
        program_code="funeral_subsidy",
        on=date(2025, 5, 6),
        request={"subject": spouse.name, "items": [{"code": "cremation", "amount": "190"}]},
        assistance_status="",  # the 测算 page's what-if still overrides
    )
    assert general.facts["group"] == "general"


def test_an_elder_of_a_dibao_household_gets_the_low_income_rate(personas: dict[str, Any]) -> None:
    from minzheng.policy.services import policy_version_create

    household = poor_household(personas)
    policy_version_create(
        actor=None,
        region_code=COUNTY,
        effective_from=date(2025, 1, 1),
        values={
            "procedure.complaint_phone": "0830-8888888",
            "elderly_allowance.bands": [
                {"min_age": 80, "max_age": 89, "amount": "100", "amount_low_income": "200"},
                {"min_age": 90, "max_age": None, "amount": "300"},
            ],
        },
        note="GL-03 低收入档",
    )
    elder = registry.member_add(
        actor=personas["township_a_clerk"],
        household=household,
        data=member_data("张太公", Relation.PARENT, date(1940, 2, 1)),
    ).obj
    request = {"subject": elder.name}
    _case, before = assess_household(
        household=household, program_code="elderly_allowance", on=date(2025, 3, 10), request=request
    )
    assert before.amount == Decimal("100") and not before.facts["low_income_rate"]
    _dibao(personas, household)
    _case, after = assess_household(
        household=household, program_code="elderly_allowance", on=date(2025, 5, 10), request=request
    )
    assert after.amount == Decimal("200") and after.facts["low_income_rate"] is True


def test_an_elder_whose_hukou_moves_away_is_no_longer_eligible_in_the_scan_or_a_standard_change(
    personas: dict[str, Any],
) -> None:
    from minzheng.benefits.tests.test_services import _elder
    from minzheng.registry.validation import MemberData

    benefit = _elder(personas, date(1940, 2, 1))
    elder = benefit.member
    assert elder is not None
    registry.member_update(
        actor=personas["township_a_clerk"],
        member=elder,
        data=MemberData(
            name=elder.name,
            id_number=elder.id_number,
            relation=elder.relation,
            hukou_status="out_of_province",
        ),
    )
    rows = services.standard_change_preview(
        region_code=COUNTY, program="elderly_allowance", month=date(2025, 7, 1)
    )
    assert [row.eligible for row in rows if row.benefit_id == benefit.pk] == [False]
    services.monthly_scan(month=date(2025, 7, 1))
    assert Recheck.objects.filter(benefit=benefit, new_eligible=False).exists()
