"""Cases built through the real services, step by step, so tests start from any state honestly."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

from minzheng.cases import services
from minzheng.cases.models import Application, FinancialCheck
from minzheng.core.testing.personas import COUNTY, VILLAGE_A1, VILLAGE_A2
from minzheng.policy.models import PolicyVersion
from minzheng.policy.services import policy_version_create
from minzheng.registry import services as registry
from minzheng.registry.documents import document_add
from minzheng.registry.models import DocumentType, Household, Relation
from minzheng.registry.tests.factories import make_household

ACCEPTED = date(2025, 3, 3)  # a Monday (DOMAIN.md WE-08)


def setup_policy() -> None:
    if not PolicyVersion.objects.filter(region_id="5105").exists():
        policy_version_create(
            actor=None,
            region_code="5105",
            effective_from=date(2024, 7, 1),
            values={},
            preset="luzhou-2024",
            note="泸州",
        )
    if not PolicyVersion.objects.filter(region_id=COUNTY).exists():
        policy_version_create(
            actor=None,
            region_code=COUNTY,
            effective_from=date(2024, 7, 1),
            values={"procedure.complaint_phone": "0830-8888888"},
            note="监督电话",
        )


def poor_household(
    personas: dict[str, Any], region: str = VILLAGE_A1, *, materials: bool = True, head_name: str = "张三丰"
) -> Household:
    """WE-01-like: head earns 900 a month, spouse and one son; with the papers acceptance needs (DB-09)."""
    setup_policy()
    clerk = personas["township_a_clerk" if region.startswith("510521103") else "township_b_clerk"]
    household = make_household(clerk, region, others=2, head=head_name)
    head = household.members.get(relation=Relation.HEAD)
    registry.income_add(
        actor=clerk,
        household=household,
        category="wage",
        monthly_amount=Decimal("900"),
        source="务工",
        member=head,
    )
    if materials:
        add_papers(clerk, household)
    return household


def add_papers(clerk: Any, household: Household) -> None:
    """The papers acceptance needs (DB-09): ID card, statement, authorisation, as scanned PDFs."""
    for kind in (DocumentType.ID_CARD, DocumentType.STATEMENT, DocumentType.AUTHORISATION):
        document_add(
            actor=clerk,
            household=household,
            upload=io.BytesIO(b"%PDF-1.4 scanned"),
            original_name=f"{kind}.pdf",
            doc_type=kind,
        )


def submit(
    personas: dict[str, Any], household: Household, program: str = "dibao", **extra: Any
) -> Application:
    head = household.members.get(relation=Relation.HEAD)
    return services.application_submit(
        actor=personas["village_a1_officer"],
        household=household,
        program=program,
        applicant=head,
        today=ACCEPTED,
        **extra,
    )


def visit(personas: dict[str, Any], region: str = VILLAGE_A1) -> services.VisitData:
    officer = personas["village_a2_officer" if region == VILLAGE_A2 else "village_a1_officer"]
    return services.VisitData(
        visited_on=date(2025, 3, 5),
        staff=[personas["township_a_clerk"], officer],
        methods=["home_visit", "neighbours"],
        members_present="张三丰、李秀英",
        member_signed=True,
        findings="家中无大额财产，户主打零工。",
    )


def to_checked(personas: dict[str, Any], case: Application) -> Application:
    clerk = personas["township_a_clerk"]
    services.application_accept(actor=clerk, application=case, today=ACCEPTED)
    services.investigation_record(
        actor=clerk, application=case, data=visit(personas, case.region_id), today=date(2025, 3, 5)
    )
    services.check_record(
        actor=clerk,
        application=case,
        checked_on=date(2025, 3, 7),
        result=FinancialCheck.Result.CONSISTENT,
        summary="与申报一致",
        today=date(2025, 3, 7),
    )
    case.refresh_from_db()
    return case


def to_notice(personas: dict[str, Any], case: Application) -> Application:
    to_checked(personas, case)
    services.review_record(
        actor=personas["township_a_head"], application=case, agree=True, opinion="", today=date(2025, 3, 10)
    )
    services.notice_publish(actor=personas["township_a_clerk"], application=case, today=date(2025, 3, 12))
    case.refresh_from_db()
    return case


def to_notice_ended(personas: dict[str, Any], case: Application) -> Application:
    to_notice(personas, case)
    if case.status == "notice":  # programs and minors that are not published skip the wait (DB-25, TK-09)
        services.notice_close(actor=personas["township_a_clerk"], application=case, today=date(2025, 3, 19))
    case.refresh_from_db()
    return case
