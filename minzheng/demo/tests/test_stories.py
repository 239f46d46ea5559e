"""Issue 15's "done when" in the demo: built once for the module, relative to today, through the real services."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.benefits.models import BenefitChange, ChangeKind
from minzheng.cases.models import Application, Benefit, Period
from minzheng.core.months import months_between, next_month
from minzheng.demo.cases import demo_cases_load
from minzheng.demo.services import demo_load
from minzheng.demo.stories import CONSCRIPT, DEATH, DISABLED, INCOME, TOWNSHIP, quarters_so_far, story_benefit
from minzheng.payments.bankfiles import bank_file_export, bank_return_import, templates_for
from minzheng.payments.models import PayCycle, PaymentStatus, RosterLine
from minzheng.payments.reconciliation import default_period, household_figures, scope_differences


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    # the demo's cases take seconds: built once, rolled back after the module
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        demo_load()
        assert demo_cases_load() > 0
        yield
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo: None, db: None) -> None:
    return None


def _history(benefit: Benefit) -> list[tuple[str, Any, Decimal | None]]:
    return [
        (c.kind, c.effective_month, c.new_amount)
        for c in BenefitChange.objects.filter(benefit=benefit).order_by("effective_month", "pk")
    ]


def benefit_figures_in(benefit: Benefit, first: Any, last: Any) -> list[Any]:
    return [
        f
        for f in household_figures(household_id=benefit.household_id, first=first, last=last)
        if f.benefit_id == benefit.pk
    ]


def months_apart(a: Any, b: Any) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


def _line(benefit: Benefit, month: Any) -> Decimal:
    return RosterLine.objects.get(benefit=benefit, cycle__period_start=month).amount


def test_the_disabled_son_of_a_dibao_household_gets_the_living_subsidy_through_the_procedure(
    loaded: None,
) -> None:
    case = Application.objects.get(program="disability_living", subject__name=DISABLED.member)
    assert case.status == "approved"
    assert case.decision is not None and case.decision["facts"]["assistance_status"] == "dibao"
    assert case.investigations.exists() and case.checks.exists()
    benefit = Benefit.objects.get(application=case)
    assert benefit.state == Benefit.State.ACTIVE and benefit.member is not None
    assert benefit.member.disability_grade == 2 and benefit.amount > 0
    paid = RosterLine.objects.filter(benefit=benefit).order_by("cycle__period_start")
    assert [line.cycle.period_start for line in paid] == months_between(
        benefit.first_month, timezone.localdate().replace(day=1)
    )
    assert {line.amount for line in paid} == {benefit.amount}


def test_the_household_whose_head_died_is_paid_two_times_580_from_the_month_after(loaded: None) -> None:
    benefit = story_benefit(DEATH)
    head = benefit.household.members.get(name=DEATH.member)
    assert head.date_of_death is not None
    changed = next_month(head.date_of_death + timedelta(days=2))
    assert _history(benefit) == [
        (ChangeKind.STARTED, benefit.first_month, Decimal("840.00")),  # 3 × 580 − 900
        (ChangeKind.ADJUSTED, changed, Decimal("1160.00")),  # 2 × 580: his wage ended with him
    ]
    this_month = timezone.localdate().replace(day=1)
    assert _line(benefit, this_month) == Decimal("1160.00")
    assert benefit.household.head is not None and benefit.household.head.name == DEATH.case.spouse


def test_the_household_whose_wife_found_work_is_paid_the_new_amount(loaded: None) -> None:
    benefit = story_benefit(INCOME)
    assert [amount for _kind, _month, amount in _history(benefit)] == [
        Decimal("1140.00"),  # 3 × 580 − 600
        Decimal("640.00"),  # 3 × 580 − (600 + 500)
    ]
    assert _line(benefit, timezone.localdate().replace(day=1)) == Decimal("640.00")


def test_the_quarterly_conscript_family_is_on_each_quarterly_roster_of_this_year(loaded: None) -> None:
    benefit = story_benefit(CONSCRIPT, "conscript_family")
    assert benefit.period == Period.QUARTERLY
    lines = RosterLine.objects.filter(benefit=benefit).select_related("cycle").order_by("cycle__period_start")
    assert [(line.cycle.period_start, line.cycle.months, line.amount) for line in lines] == [
        (quarter, 3, Decimal("4500.00"))
        for quarter in quarters_so_far(timezone.localdate())  # 18000 ÷ 4
    ]


def test_the_quarterly_family_is_due_and_paid_in_every_third_month_of_the_year(loaded: None) -> None:
    benefit = story_benefit(CONSCRIPT, "conscript_family")
    first, last = default_period(TOWNSHIP, timezone.localdate())
    (figures,) = benefit_figures_in(benefit, first, last)
    due_months = [m.month for m in figures.months if m.due]
    assert due_months == [
        q for q in months_between(first, last) if months_apart(benefit.first_month, q) % 3 == 0
    ]
    assert len(due_months) == len(quarters_so_far(timezone.localdate()))
    assert all((m.due, m.issued) == (Decimal("4500.00"), Decimal("4500.00")) for m in figures.months if m.due)
    assert figures.difference == 0


def test_desheng_reconciles_and_a_failed_return_line_makes_one_difference(loaded: None) -> None:
    today = timezone.localdate()
    first, last = default_period(TOWNSHIP, today)
    assert last == today.replace(day=1)
    assert scope_differences(region_code=TOWNSHIP, first=first, last=last) == []

    clerk = User.objects.get(username="desheng_clerk")
    cycle = PayCycle.objects.get(region_id=TOWNSHIP, programs="dibao", period_start=last)
    template = next(t for t in templates_for(TOWNSHIP) if t.file_format == "csv")
    bank_file_export(actor=clerk, cycle=cycle, template=template)
    failing = story_benefit(DEATH)
    rows = ["流水号,金额,结果,失败原因"]
    for line in RosterLine.objects.filter(cycle=cycle).order_by("pk"):
        failed = line.benefit_id == failing.pk
        rows.append(
            f"{line.pk},{line.amount:.2f},{'失败' if failed else '成功'},{'账户已销户' if failed else ''}"
        )
    bank_return_import(
        actor=clerk, cycle=cycle, file_name="回盘.csv", content="\n".join(rows).encode("utf-8")
    )
    assert RosterLine.objects.get(cycle=cycle, benefit=failing).status == PaymentStatus.FAILED

    differences = scope_differences(region_code=TOWNSHIP, first=first, last=last)
    assert [(f.benefit_id, [m.month for m in f.differing], f.difference) for f in differences] == [
        (failing.pk, [last], Decimal("1160.00"))
    ]


def test_loading_the_demo_cases_again_adds_nothing(loaded: None) -> None:
    applications, lines = Application.objects.count(), RosterLine.objects.count()
    assert demo_cases_load() == 0
    assert (Application.objects.count(), RosterLine.objects.count()) == (applications, lines)
