"""A one-off grant closed after payment is not an exit (停发/退出): not in a form's exits, not in the change list —
whatever its program (the 优抚 丧葬补助 is a one-off of the 优抚 program, whose form counts exits)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from minzheng.benefits import services as benefits
from minzheng.cases import services as cases
from minzheng.cases.models import Benefit
from minzheng.cases.tests.factories import setup_policy, submit, to_notice_ended
from minzheng.core.testing.personas import TOWNSHIP_A, VILLAGE_A1
from minzheng.payments.tests.factories import account_number, set_account
from minzheng.registry import services as registry
from minzheng.registry.documents import document_add
from minzheng.registry.models import DocumentType, Relation
from minzheng.registry.services import HouseholdData, household_create
from minzheng.registry.tests.factories import member_data
from minzheng.reports.changes import change_list
from minzheng.reports.indicators import CATALOGUE
from minzheng.reports.periods import parse_period

pytestmark = pytest.mark.django_db


def veterans_funeral_grant(personas: dict[str, Any], django_capture_on_commit_callbacks: Any) -> Benefit:
    """YF-04: a combat veteran died on 3 March 2025; his widow is granted the one-off 丧葬补助 (6 × 850)."""
    setup_policy()
    clerk = personas["township_a_clerk"]
    household = household_create(
        actor=clerk,
        data=HouseholdData(region_code=VILLAGE_A1, address="二组 2 号", hukou_type="rural"),
        head=member_data("老伴", Relation.HEAD, date(1952, 5, 1)),
        members=[member_data("老兵", Relation.SPOUSE, date(1950, 5, 1), veteran_category="combat_veteran")],
    ).obj
    for kind in (DocumentType.ID_CARD, DocumentType.STATEMENT, DocumentType.AUTHORISATION):
        document_add(
            actor=clerk,
            household=household,
            upload=io.BytesIO(b"%PDF-1.4"),
            original_name="a.pdf",
            doc_type=kind,
        )
    set_account(personas, household, account_number())
    case = submit(
        personas,
        household,
        program="veterans",
        subject=household.members.get(name="老兵"),
        request_data={"monthly_amount_received": "850"},
    )
    with django_capture_on_commit_callbacks(execute=True):  # he dies while his case is being handled
        registry.member_record_death(
            actor=clerk, member=household.members.get(name="老兵"), date_of_death=date(2025, 3, 3)
        )
    case = to_notice_ended(personas, case)
    cases.application_decide(
        actor=personas["county_approver"], application=case, approve=True, today=date(2025, 3, 20)
    )
    return Benefit.objects.get(application=case)


def test_a_paid_veterans_funeral_grant_is_not_an_exit(
    personas: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    grant = veterans_funeral_grant(personas, django_capture_on_commit_callbacks)
    assert (grant.program, grant.period, grant.amount) == ("veterans", "one_off", Decimal("5100.00"))
    # closed after payment (the roster would refuse it: its payee, the deceased, is the survivor's to change — so
    # the clerk closes it as paid by hand; the same change to 0 from May that a roster's approval writes)
    benefits.benefit_stop(
        actor=personas["county_approver"], benefit=grant, reason="已一次性发放", month=date(2025, 5, 1)
    )
    q2 = parse_period("2025Q2")
    assert CATALOGUE["veterans.entries"].value(TOWNSHIP_A, q2) == 1
    assert CATALOGUE["veterans.exits"].value(TOWNSHIP_A, q2) == 0
    assert change_list(region=TOWNSHIP_A, program="veterans", month=date(2025, 5, 1)) == []
    april = change_list(region=TOWNSHIP_A, program="veterans", month=date(2025, 4, 1))
    assert [(r.kind, r.new_amount) for r in april] == [("new", Decimal("5100.00"))]
