"""Benefits paid on a schedule (YF-11): a quarterly or yearly 义务兵家庭优待金 on every quarter's or year's roster at
its period's amount, a one-off grant once and then ended, and the payment policy refusing unknown program codes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from minzheng.audit.models import AuditEvent
from minzheng.cases import services as cases
from minzheng.cases.models import Benefit
from minzheng.cases.selectors import public_roll
from minzheng.cases.tests.factories import poor_household, submit, to_notice_ended
from minzheng.core.errors import ConflictError, ValidationFailed
from minzheng.core.months import add_months
from minzheng.core.testing.personas import COUNTY, TOWNSHIP_A, VILLAGE_A1
from minzheng.payments import services
from minzheng.payments.checks import run_checks
from minzheng.payments.models import PayCycle, RosterLine
from minzheng.payments.tests.factories import account_number, approved_cycle, approved_temporary, set_account
from minzheng.policy.services import policy_version_create
from minzheng.regions.models import Region
from minzheng.reports.indicators import in_force

pytestmark = pytest.mark.django_db

PHONE = {"procedure.complaint_phone": "0830-8888888"}


def county_policy(personas: dict[str, Any], **values: Any) -> None:
    policy_version_create(
        actor=personas["county_admin"],
        region_code=COUNTY,
        effective_from=date(2025, 1, 1),
        values={**PHONE, **values},
        note="优待金发放方式",
    )


def conscript_family(personas: dict[str, Any], *, decided: date = date(2025, 3, 20)) -> Benefit:
    """A conscript's household (18000 元 a year by default) through the whole procedure, with a bank account."""
    household = poor_household(personas, VILLAGE_A1)
    set_account(personas, household, account_number())
    case = to_notice_ended(
        personas,
        submit(
            personas,
            household,
            program="conscript_family",
            request_data={"conscript_name": "王小兵", "enlistment_date": "2024-09-10"},
        ),
    )
    cases.application_decide(actor=personas["county_approver"], application=case, approve=True, today=decided)
    return Benefit.objects.get(application=case)


def roster(
    personas: dict[str, Any], month: date, programs: tuple[str, ...] = ("conscript_family",)
) -> PayCycle:
    return services.cycle_generate(
        actor=personas["township_a_clerk"],
        region_code=TOWNSHIP_A,
        programs=list(programs),
        period_start=month,
    )


def paid(cycle: PayCycle, benefit: Benefit) -> Decimal | None:
    line = RosterLine.objects.filter(cycle=cycle, benefit=benefit).first()
    return line.amount if line is not None else None


def test_a_quarterly_allowance_is_on_every_quarterly_roster_at_a_quarters_amount(
    personas: dict[str, Any],
) -> None:
    county_policy(
        personas,
        **{
            "veterans.conscript_family_frequency": "quarterly",
            "payments.quarterly_programs": ["conscript_family"],
        },
    )
    benefit = conscript_family(personas)
    assert (benefit.period, benefit.amount, benefit.first_month) == (
        "quarterly",
        Decimal("4500"),
        date(2025, 4, 1),
    )
    assert benefit.amount_unit == "元/季"
    # 18000 ÷ 4 = 4500 each quarter, on each quarter's roster, not once
    amounts = [
        paid(approved_cycle(personas, date(2025, m, 1), programs=("conscript_family",)), benefit)
        for m in (4, 7, 10)
    ]
    assert amounts == [Decimal("4500.00")] * 3
    assert (
        Benefit.objects.get(pk=benefit.pk).state == Benefit.State.ACTIVE
    )  # recurring: never ended by a roster


def test_a_quarterly_allowance_on_monthly_rosters_is_paid_every_third_month(personas: dict[str, Any]) -> None:
    county_policy(personas, **{"veterans.conscript_family_frequency": "quarterly"})
    benefit = conscript_family(personas)
    amounts = {m: paid(roster(personas, date(2025, m, 1)), benefit) for m in range(4, 11)}
    assert amounts == {
        4: Decimal("4500.00"),
        5: None,
        6: None,
        7: Decimal("4500.00"),
        8: None,
        9: None,
        10: Decimal("4500.00"),
    }


def test_a_yearly_allowance_is_paid_once_a_year(personas: dict[str, Any]) -> None:
    county_policy(
        personas,
        **{
            "veterans.conscript_family_frequency": "annual",
            "payments.quarterly_programs": ["conscript_family"],
        },
    )
    benefit = conscript_family(personas)
    assert (benefit.period, benefit.amount, benefit.amount_unit) == ("yearly", Decimal("18000"), "元/年")
    quarters = [add_months(date(2025, 4, 1), 3 * n) for n in range(5)]  # 2025 Q2 … 2026 Q2
    amounts = [paid(roster(personas, q), benefit) for q in quarters]
    assert amounts == [Decimal("18000.00"), None, None, None, Decimal("18000.00")]


def test_a_stopped_quarterly_allowance_is_not_paid_in_its_next_quarter(personas: dict[str, Any]) -> None:
    county_policy(personas, **{"veterans.conscript_family_frequency": "quarterly"})
    benefit = conscript_family(personas)
    assert paid(roster(personas, date(2025, 4, 1)), benefit) == Decimal("4500.00")
    from minzheng.benefits.services import benefit_stop

    benefit_stop(
        actor=personas["county_approver"], benefit=benefit, reason="退出现役", month=date(2025, 6, 1)
    )
    for month in (5, 6, 7):
        assert paid(roster(personas, date(2025, month, 1)), benefit) is None


def test_a_quarterly_allowance_approved_after_its_months_roster_gets_that_quarter_as_back_pay(
    personas: dict[str, Any],
) -> None:
    county_policy(personas, **{"veterans.conscript_family_frequency": "quarterly"})
    roster(personas, date(2025, 3, 1))
    roster(personas, date(2025, 4, 1))  # made before the allowance was confirmed for April
    benefit = conscript_family(personas, decided=date(2025, 3, 20))
    may = RosterLine.objects.get(cycle=roster(personas, date(2025, 5, 1)), benefit=benefit)
    assert (may.regular_amount, may.arrears_amount, may.amount) == (0, Decimal("4500.00"), Decimal("4500.00"))
    assert "2025-04" in may.note
    assert paid(roster(personas, date(2025, 6, 1)), benefit) is None
    assert paid(roster(personas, date(2025, 7, 1)), benefit) == Decimal("4500.00")


def test_a_monthly_allowance_is_still_paid_every_month(personas: dict[str, Any]) -> None:
    benefit = conscript_family(personas)
    assert (benefit.period, benefit.amount) == ("monthly", Decimal("1500"))
    assert [paid(roster(personas, date(2025, m, 1)), benefit) for m in (4, 5)] == [Decimal("1500.00")] * 2


def test_a_family_with_a_recurring_allowance_cannot_apply_again(personas: dict[str, Any]) -> None:
    county_policy(personas, **{"veterans.conscript_family_frequency": "quarterly"})
    benefit = conscript_family(personas)
    with pytest.raises(ConflictError, match="正在享受"):
        submit(
            personas,
            benefit.household,
            program="conscript_family",
            request_data={"conscript_name": "王小兵", "enlistment_date": "2024-09-10"},
        )


def _grant(personas: dict[str, Any]) -> Benefit:
    return approved_temporary(personas)


def test_a_one_off_grant_ends_when_the_roster_that_pays_it_is_approved(personas: dict[str, Any]) -> None:
    grant = _grant(personas)
    assert grant.period == "one_off" and grant.first_month == date(2025, 4, 1)
    village = Region.objects.get(code=VILLAGE_A1)
    assert any(row["amount"] == grant.amount for row in public_roll(village))
    draft = roster(personas, date(2025, 4, 1), ("temporary",))
    assert (
        paid(draft, grant) == grant.amount and Benefit.objects.get(pk=grant.pk).state == "active"
    )  # a draft pays nothing yet
    approved_cycle(personas, date(2025, 4, 1), programs=("temporary",))
    grant.refresh_from_db()
    assert grant.state == Benefit.State.ENDED and grant.amount == Decimal(
        "3000"
    )  # what was granted stays on record
    change = grant.changes.order_by("-pk").first()
    assert change is not None and (change.kind, change.effective_month, change.new_amount) == (
        "stopped",
        date(2025, 5, 1),
        0,
    )
    # in force in its own month only; off the public roll; never paid again
    assert in_force("temporary", date(2025, 4, 1)).filter(pk=grant.pk).exists()
    assert not in_force("temporary", date(2025, 5, 1)).filter(pk=grant.pk).exists()
    assert not public_roll(village)
    assert paid(roster(personas, date(2025, 5, 1), ("temporary",)), grant) is None
    assert AuditEvent.objects.filter(
        event_code="benefits.changed", target_type="cases.benefit", target_id=str(grant.pk)
    ).exists()


def test_an_ended_grant_no_longer_takes_a_quota_place(personas: dict[str, Any]) -> None:
    cases.quota_set(
        actor=personas["county_admin"], region_code=VILLAGE_A1, program="temporary", limit=1, note="总量控制"
    )
    _grant(personas)
    quota, used = cases.quota_room(region_code=VILLAGE_A1, program="temporary")
    assert quota is not None and used == 1
    approved_cycle(personas, date(2025, 4, 1), programs=("temporary",))
    assert cases.quota_room(region_code=VILLAGE_A1, program="temporary")[1] == 0


def test_quarterly_programs_accept_only_real_program_codes(personas: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed, match="veterans_monthly”无效") as caught:
        county_policy(personas, **{"payments.quarterly_programs": ["veterans_monthly"]})
    assert "payments.quarterly_programs" in caught.value.fields
    county_policy(personas, **{"payments.quarterly_programs": ["veterans", "conscript_family"]})


def test_the_payment_policys_program_choices_are_every_program() -> None:
    from minzheng.rules.payments import PROGRAM_CHOICES
    from minzheng.rules.programs import PROGRAMS

    assert set(PROGRAM_CHOICES) == set(PROGRAMS)


def test_the_migration_makes_allowances_recorded_as_one_offs_recurring(personas: dict[str, Any]) -> None:
    import importlib

    from django.apps import apps

    county_policy(personas, **{"veterans.conscript_family_frequency": "quarterly"})
    benefit = conscript_family(personas)
    Benefit.objects.filter(pk=benefit.pk).update(
        period="one_off"
    )  # as recorded before periods were schedules
    migration = importlib.import_module("minzheng.cases.migrations.0006_recurring_conscript_allowances")
    migration.forward(apps, None)
    assert Benefit.objects.get(pk=benefit.pk).period == "quarterly"
    migration.backward(apps, None)
    assert Benefit.objects.get(pk=benefit.pk).period == "one_off"


def test_the_migration_ends_grants_paid_before_approval_ended_them(personas: dict[str, Any]) -> None:
    import importlib

    from django.apps import apps

    from minzheng.benefits.spans import spans_refresh

    grant = _grant(personas)
    approved_cycle(personas, date(2025, 4, 1), programs=("temporary",))
    # as it was before approvals ended one-offs: still active, its span open
    grant.changes.filter(kind="stopped").delete()
    Benefit.objects.filter(pk=grant.pk).update(state="active")
    spans_refresh([grant.pk])
    assert in_force("temporary", date(2025, 9, 1)).filter(pk=grant.pk).exists()
    migration = importlib.import_module("minzheng.cases.migrations.0007_end_paid_one_off_grants")
    migration.forward(apps, None)
    assert Benefit.objects.get(pk=grant.pk).state == Benefit.State.ENDED
    assert not in_force("temporary", date(2025, 5, 1)).filter(pk=grant.pk).exists()
    assert in_force("temporary", date(2025, 4, 1)).filter(pk=grant.pk).exists()
    migration.backward(apps, None)
    assert Benefit.objects.get(pk=grant.pk).state == Benefit.State.ACTIVE
    assert in_force("temporary", date(2025, 9, 1)).filter(pk=grant.pk).exists()


def test_a_funeral_subsidy_names_the_deceased_member_and_is_paid_to_the_household_once(
    personas: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    from minzheng.registry import services as registry
    from minzheng.registry.models import Relation

    household = poor_household(personas, VILLAGE_A1)
    set_account(personas, household, account_number())
    spouse = household.members.get(relation=Relation.SPOUSE)
    with django_capture_on_commit_callbacks(execute=True):
        registry.member_record_death(
            actor=personas["township_a_clerk"], member=spouse, date_of_death=date(2025, 3, 1)
        )
    spouse.refresh_from_db()
    case = to_notice_ended(
        personas,
        submit(
            personas,
            household,
            program="funeral_subsidy",
            subject=spouse,  # the survivors file it for the member who died
            request_data={"subject": spouse.name, "items": [{"code": "cremation", "amount": "190"}]},
        ),
    )
    decision = case.decision or {}
    assert decision["eligible"] and "逝者 " + spouse.name in decision["lines"][0]["text"]
    cases.application_decide(
        actor=personas["county_approver"], application=case, approve=True, today=date(2025, 3, 20)
    )
    grant = Benefit.objects.get(application=case)
    # a later registry change does not stop it as if it were the deceased's own monthly benefit
    with django_capture_on_commit_callbacks(execute=True):
        registry.income_add(
            actor=personas["township_a_clerk"],
            household=household,
            category="wage",
            monthly_amount=Decimal("100"),
            source="零工",
        )
    grant.refresh_from_db()
    assert grant.state == Benefit.State.ACTIVE and grant.member == spouse
    cycle = roster(personas, date(2025, 4, 1), programs=("funeral_subsidy",))
    line = RosterLine.objects.get(cycle=cycle, benefit=grant)
    head = household.members.get(relation=Relation.HEAD)
    assert (line.payee_name, line.amount) == (head.name, Decimal("190.00"))
    assert run_checks(cycle)["blocking"] == 0  # the deceased is not the payee


def test_a_veterans_funeral_grant_names_the_veteran_who_died_and_is_paid_to_the_household_once(
    personas: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    """YF-04: the survivors file the 优抚 丧葬补助 naming the combat veteran who died (6 × the 850 he received); the
    one-off grant is paid to the head of the household once, the roster's checks do not block on a dead payee, and a
    later registry change does not end it as if it were his own monthly benefit."""
    import io

    from minzheng.cases.tests.factories import setup_policy
    from minzheng.registry import services as registry
    from minzheng.registry.documents import document_add
    from minzheng.registry.models import DocumentType, Relation
    from minzheng.registry.services import HouseholdData
    from minzheng.registry.tests.factories import member_data

    setup_policy()
    clerk = personas["township_a_clerk"]
    household = registry.household_create(
        actor=clerk,
        data=HouseholdData(region_code=VILLAGE_A1, address="二组 2 号", hukou_type="rural"),
        head=member_data("王秀英", Relation.HEAD, date(1952, 5, 1), male=False),
        members=[member_data("老兵", Relation.SPOUSE, date(1950, 5, 1), veteran_category="combat_veteran")],
    ).obj
    set_account(personas, household, account_number())
    for kind in (DocumentType.ID_CARD, DocumentType.STATEMENT, DocumentType.AUTHORISATION):
        document_add(
            actor=clerk,
            household=household,
            upload=io.BytesIO(b"%PDF-1.4"),
            original_name="a.pdf",
            doc_type=kind,
        )
    veteran = household.members.get(relation=Relation.SPOUSE)
    with django_capture_on_commit_callbacks(execute=True):
        registry.member_record_death(actor=clerk, member=veteran, date_of_death=date(2025, 2, 20))
    veteran.refresh_from_db()
    case = to_notice_ended(
        personas,
        submit(
            personas,
            household,
            program="veterans",
            subject=veteran,
            request_data={"subject": veteran.name, "monthly_amount_received": "850"},
        ),
    )
    decision = case.decision or {}
    assert decision["eligible"] and decision["period"] == "one_off" and decision["amount"] == "5100.00"
    cases.application_decide(
        actor=personas["county_approver"], application=case, approve=True, today=date(2025, 3, 20)
    )
    grant = Benefit.objects.get(application=case)
    assert grant.member == veteran and grant.for_the_deceased
    with django_capture_on_commit_callbacks(execute=True):
        registry.income_add(
            actor=clerk, household=household, category="wage", monthly_amount=Decimal("100"), source="零工"
        )
    grant.refresh_from_db()
    assert grant.state == Benefit.State.ACTIVE
    cycle = roster(personas, grant.first_month, programs=("veterans",))
    line = RosterLine.objects.get(cycle=cycle, benefit=grant)
    assert (line.payee_name, line.amount) == ("王秀英", Decimal("5100.00"))
    assert run_checks(cycle)["blocking"] == 0
    later = roster(personas, add_months(grant.first_month, 1), programs=("veterans",))
    assert not RosterLine.objects.filter(cycle=later, benefit=grant).exists()  # paid once
