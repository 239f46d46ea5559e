"""Benefits that follow people's lives: death, income changes, birthdays, standard changes and reviews, each giving
the right amount for the right month with its reason — and nothing changing silently."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction

from minzheng.benefits import services
from minzheng.benefits.models import BenefitChange, ChangeKind, Recheck
from minzheng.cases import services as cases
from minzheng.cases.models import Benefit
from minzheng.cases.tests.factories import poor_household, submit, to_notice, to_notice_ended
from minzheng.core.errors import ConflictError
from minzheng.core.testing.personas import COUNTY, VILLAGE_A1
from minzheng.policy.services import policy_version_create
from minzheng.registry import services as registry
from minzheng.registry.models import Relation
from minzheng.registry.services import HouseholdData, household_create
from minzheng.registry.tests.factories import member_data

pytestmark = pytest.mark.django_db
DECIDED = date(2025, 3, 20)  # first payment month 2025-04


def _dibao(personas: dict[str, Any]) -> Benefit:
    case = to_notice_ended(personas, submit(personas, poor_household(personas)))
    cases.application_decide(actor=personas["county_approver"], application=case, approve=True, today=DECIDED)
    return Benefit.objects.get(application=case)


def _elder(personas: dict[str, Any], born: date) -> Benefit:
    """An elder living alone with an approved 高龄津贴 (national default bands: 80–89 300, 90–99 500)."""
    from minzheng.cases.tests.factories import setup_policy

    setup_policy()
    clerk = personas["township_a_clerk"]
    household = household_create(
        actor=clerk,
        data=HouseholdData(region_code=VILLAGE_A1, address="一组 1 号", hukou_type="rural"),
        head=member_data("高寿星", Relation.HEAD, born),
        members=[],
    ).obj
    import io

    from minzheng.registry.documents import document_add
    from minzheng.registry.models import DocumentType

    for kind in (DocumentType.ID_CARD, DocumentType.STATEMENT, DocumentType.AUTHORISATION):
        document_add(
            actor=clerk,
            household=household,
            upload=io.BytesIO(b"%PDF-1.4"),
            original_name="a.pdf",
            doc_type=kind,
        )
    case = to_notice_ended(personas, submit(personas, household, program="elderly_allowance"))
    cases.application_decide(actor=personas["county_approver"], application=case, approve=True, today=DECIDED)
    return Benefit.objects.get(application=case)


def _review_visit(personas: dict[str, Any], recheck: Recheck) -> None:
    from minzheng.cases.services import VisitData

    services.review_visit_record(
        actor=personas["township_a_clerk"],
        recheck=recheck,
        visit=VisitData(
            visited_on=date(2025, 9, 10),
            staff=[personas["township_a_clerk"], personas["village_a1_officer"]],
            methods=["home_visit"],
            members_present="户主",
            member_signed=True,
            findings="情况无变化",
        ),
        result="consistent",
        summary="与上次一致",
        today=date(2025, 9, 10),
    )


def test_approval_starts_the_history_and_the_month_amount_comes_from_it(personas: dict[str, Any]) -> None:
    benefit = _dibao(personas)
    change = BenefitChange.objects.get(benefit=benefit)
    assert (change.kind, change.effective_month, change.new_amount) == (
        ChangeKind.STARTED,
        date(2025, 4, 1),
        840,
    )
    assert services.amount_for_month(benefit, date(2025, 3, 1)) == 0
    assert services.amount_for_month(benefit, date(2025, 4, 1)) == Decimal("840")


def test_a_death_recomputes_the_household_and_suggests_the_funeral_subsidy(
    personas: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    benefit = _dibao(personas)
    son = benefit.household.members.get(relation=Relation.SON)
    with django_capture_on_commit_callbacks(execute=True):
        registry.member_record_death(
            actor=personas["township_a_clerk"], member=son, date_of_death=date(2025, 5, 10)
        )
    recheck = Recheck.objects.get(benefit=benefit, state=Recheck.State.OPEN)
    assert recheck.trigger == Recheck.Trigger.DEATH
    assert (recheck.old_amount, recheck.new_amount) == (Decimal("840"), Decimal("260"))  # 2 × 580 − 900
    assert Recheck.objects.filter(household=benefit.household, program="funeral_subsidy").exists()
    benefit.refresh_from_db()
    assert benefit.amount == Decimal("840")  # nothing changes silently: the clerk decides
    services.recheck_apply(
        actor=personas["county_approver"], recheck=recheck, month=date(2025, 6, 1), today=date(2025, 5, 12)
    )
    assert services.amount_for_month(benefit, date(2025, 5, 1)) == Decimal("840")
    assert services.amount_for_month(benefit, date(2025, 6, 1)) == Decimal("260")


def _son_dies(personas: dict[str, Any], benefit: Benefit, capture: Any) -> Recheck:
    son = benefit.household.members.get(relation=Relation.SON)
    with capture(execute=True):
        registry.member_record_death(
            actor=personas["township_a_clerk"], member=son, date_of_death=date(2025, 5, 10)
        )
    return Recheck.objects.get(benefit=benefit, trigger=Recheck.Trigger.DEATH, state=Recheck.State.OPEN)


def test_a_second_recheck_proposing_what_is_already_in_force_is_closed_without_a_no_op_change(
    personas: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    benefit = _dibao(personas)
    death = _son_dies(personas, benefit, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(
        execute=True
    ):  # the same household, a second event before applying
        registry.household_change_head(
            actor=personas["township_a_clerk"],
            household=benefit.household,
            new_head=benefit.household.members.get(relation=Relation.SPOUSE),
            old_head_relation=Relation.SPOUSE,
        )
    change = Recheck.objects.get(benefit=benefit, trigger=Recheck.Trigger.HOUSEHOLD, state=Recheck.State.OPEN)
    assert (change.old_amount, change.new_amount) == (Decimal("840"), Decimal("260"))
    approver = personas["county_approver"]
    services.recheck_apply(actor=approver, recheck=death, today=date(2025, 5, 12))
    services.recheck_apply(actor=approver, recheck=change, today=date(2025, 5, 12))
    change.refresh_from_db()
    assert change.state == Recheck.State.APPLIED
    history = [(c.kind, c.old_amount, c.new_amount) for c in benefit.changes.order_by("pk")]
    assert history == [
        (ChangeKind.STARTED, None, Decimal("840")),
        (ChangeKind.ADJUSTED, Decimal("840"), Decimal("260")),
    ]


def test_a_stale_recheck_proposing_another_amount_is_refused(
    personas: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    benefit = _dibao(personas)
    death = _son_dies(personas, benefit, django_capture_on_commit_callbacks)  # 840 → 260
    with django_capture_on_commit_callbacks(execute=True):
        registry.income_add(
            actor=personas["township_a_clerk"],
            household=benefit.household,
            category="wage",
            monthly_amount=Decimal("100"),
            source="妻子零工",
            member=benefit.household.members.get(relation=Relation.SPOUSE),
        )
    income = Recheck.objects.get(benefit=benefit, trigger=Recheck.Trigger.HOUSEHOLD, state=Recheck.State.OPEN)
    assert income.new_amount == Decimal("160")  # 2 × 580 − 1000
    services.recheck_apply(actor=personas["county_approver"], recheck=income, today=date(2025, 5, 12))
    with pytest.raises(ConflictError, match="按 840.00 元测算的，待遇现为 160.00 元"):
        services.recheck_apply(actor=personas["county_approver"], recheck=death, today=date(2025, 5, 12))
    benefit.refresh_from_db()
    assert benefit.amount == Decimal("160")
    assert benefit.changes.count() == 2


def test_the_deceased_persons_own_benefit_stops_from_the_next_month(
    personas: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    benefit = _elder(personas, date(1940, 1, 10))
    person = benefit.member
    assert person is not None
    with django_capture_on_commit_callbacks(execute=True):
        registry.member_record_death(
            actor=personas["township_a_clerk"], member=person, date_of_death=date(2025, 8, 15)
        )
    benefit.refresh_from_db()
    assert benefit.state == Benefit.State.STOPPED
    assert services.amount_for_month(benefit, date(2025, 8, 1)) == Decimal(
        "300"
    )  # the month of death is paid
    assert services.amount_for_month(benefit, date(2025, 9, 1)) == 0


def test_an_income_change_opens_a_recheck_with_old_and_new_side_by_side(
    personas: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    benefit = _dibao(personas)
    with django_capture_on_commit_callbacks(execute=True):
        registry.income_add(
            actor=personas["township_a_clerk"],
            household=benefit.household,
            category="wage",
            monthly_amount=Decimal("1000"),
            source="儿子外出务工",
        )
    recheck = Recheck.objects.get(benefit=benefit)
    assert recheck.trigger == Recheck.Trigger.HOUSEHOLD and recheck.new_eligible is False  # 1900 / 3 > 580
    with pytest.raises(Exception, match="写明理由"):
        services.recheck_apply(actor=personas["county_approver"], recheck=recheck)
    services.recheck_apply(
        actor=personas["county_approver"], recheck=recheck, reason="家庭人均收入超过低保标准"
    )
    benefit.refresh_from_db()
    assert benefit.state == Benefit.State.STOPPED


@pytest.mark.parametrize(
    ("born", "month", "expected"),
    [
        (date(1935, 7, 15), date(2025, 7, 1), "300"),  # turns 90 on 15 July: July still at 89's rate
        (date(1935, 7, 15), date(2025, 8, 1), "500"),  # from the month after the birthday (GL-04)
        (date(1936, 2, 29), date(2026, 3, 1), "300"),  # leap birthday: 90 on 1 March 2026 (mar1) …
        (date(1936, 2, 29), date(2026, 4, 1), "500"),  # … so April pays the new band
    ],
)
def test_a_band_change_takes_effect_in_the_right_month(
    personas: dict[str, Any], born: date, month: date, expected: str
) -> None:
    benefit = _elder(personas, born)
    result = services.monthly_scan(month=month)
    benefit.refresh_from_db()
    assert services.amount_for_month(benefit, month) == Decimal(expected)
    assert result["adjusted"] == (1 if expected == "500" else 0)
    if expected == "500":
        assert BenefitChange.objects.get(benefit=benefit, kind=ChangeKind.ADJUSTED).effective_month == month


def test_a_standard_change_is_previewed_then_applied_from_its_month_and_no_earlier(
    personas: dict[str, Any],
) -> None:
    benefit = _dibao(personas)
    policy_version_create(
        actor=personas["county_admin"],
        region_code=COUNTY,
        effective_from=date(2025, 7, 1),
        values={"dibao.standard_rural": "600", "procedure.complaint_phone": "0830-8888888"},
        note="泸县民发〔2025〕9号",
    )
    rows = services.standard_change_preview(region_code=COUNTY, program="dibao", month=date(2025, 7, 1))
    assert [(r.old, r.new, r.direction) for r in rows] == [
        (Decimal("840"), Decimal("900"), "up")
    ]  # 3 × 600 − 900
    with pytest.raises(Exception, match="下月起"):
        services.standard_change_apply(
            actor=personas["county_approver"],
            region_code=COUNTY,
            program="dibao",
            month=date(2025, 7, 1),
            today=date(2025, 7, 15),
        )
    result = services.standard_change_apply(
        actor=personas["county_approver"],
        region_code=COUNTY,
        program="dibao",
        month=date(2025, 7, 1),
        today=date(2025, 6, 20),
    )
    assert result == {"changed": 1, "rechecks": 0, "total": 1}
    assert services.amount_for_month(benefit, date(2025, 6, 1)) == Decimal("840")
    assert services.amount_for_month(benefit, date(2025, 7, 1)) == Decimal("900")


def test_a_review_falls_due_and_unchanged_circumstances_keep_the_amount(personas: dict[str, Any]) -> None:
    benefit = _dibao(personas)
    assert benefit.review_due == date(2025, 9, 30)
    result = services.monthly_scan(month=date(2025, 9, 1))
    assert result["reviews"] == 1
    recheck = Recheck.objects.get(benefit=benefit, trigger=Recheck.Trigger.REVIEW)
    with pytest.raises(Exception, match="入户调查和核对"):
        services.recheck_dismiss(actor=personas["township_a_clerk"], recheck=recheck, reason="情况无变化")
    _review_visit(personas, recheck)
    recheck.refresh_from_db()
    assert recheck.visit is not None and recheck.new_amount == Decimal("840")  # recomputed on the live data
    services.recheck_dismiss(
        actor=personas["township_a_clerk"], recheck=recheck, reason="入户复核，情况无变化"
    )
    benefit.refresh_from_db()
    assert benefit.amount == Decimal("840") and benefit.review_due == date(
        2026, 3, 31
    )  # six months on (DB-43)
    assert BenefitChange.objects.filter(benefit=benefit, kind=ChangeKind.REVIEWED).exists()


def test_monitoring_lists_reasons_to_act_in_scope(personas: dict[str, Any]) -> None:
    from minzheng.benefits.selectors import monitoring

    benefit = _dibao(personas)
    services.monthly_scan(month=date(2025, 9, 1))
    items = monitoring(user=personas["township_a_clerk"], today=date(2025, 9, 15))
    assert any(i.kind == "review" and i.household_id == benefit.household_id for i in items)
    assert monitoring(user=personas["township_b_clerk"], today=date(2025, 9, 15)) == []


def test_work_income_leads_to_a_gradual_exit_on_the_policys_schedule(
    personas: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    benefit = _dibao(personas)
    policy_version_create(
        actor=personas["county_admin"],
        region_code=COUNTY,
        effective_from=date(2025, 1, 1),
        values={
            "procedure.complaint_phone": "0830-8888888",
            "dibao.taper_months": 6,
            "dibao.taper_schedule": [
                "1",
                "1",
                "4/5",
                "4/5",
                "3/5",
                "3/5",
            ],  # 北京 draft: 100/100/80/80/60/60 %
        },
        note="渐退",
    )
    with django_capture_on_commit_callbacks(execute=True):
        registry.income_add(
            actor=personas["township_a_clerk"],
            household=benefit.household,
            category="wage",
            monthly_amount=Decimal("1000"),
            source="儿子就业",
        )
    recheck = Recheck.objects.get(benefit=benefit)
    services.recheck_apply(
        actor=personas["county_approver"],
        recheck=recheck,
        reason="就业后收入超标",
        month=date(2025, 7, 1),
        taper=True,
        today=date(2025, 6, 10),
    )
    amounts = [services.amount_for_month(benefit, date(2025, m, 1)) for m in range(6, 13)] + [
        services.amount_for_month(benefit, date(2026, 1, 1))
    ]
    assert amounts == [840, 840, 840, 672, 672, 504, 504, 0]  # 840 × (1, 1, 0.8, 0.8, 0.6, 0.6), then stop
    assert services.taper_months_left(benefit, date(2025, 9, 1)) == 4


def test_fraud_recovers_what_was_actually_paid_not_what_was_scheduled(personas: dict[str, Any]) -> None:
    """DB-47: six months in the fraud period, four paid by the bank, one returned failed, one not yet rostered:
    exactly the four paid months are recovered, and the 1–3 × fine range follows from them."""
    from minzheng.payments.tests.factories import approved_cycle, approved_dibao, bank_result

    benefit = approved_dibao(personas, decided=DECIDED)  # 840 a month from 2025-04, with a bank account
    for month in (4, 5, 6, 7):
        bank_result(personas, approved_cycle(personas, date(2025, month, 1)))
    bank_result(personas, approved_cycle(personas, date(2025, 8, 1)), failed={benefit.pk})
    recovery = services.benefit_stop_for_fraud(
        actor=personas["county_approver"],
        benefit=benefit,
        since=date(2025, 4, 1),
        reason="隐瞒经营收入",
        today=date(2025, 9, 20),
    )
    assert recovery.amount == Decimal(
        "3360.00"
    )  # April–July: 4 × 840; August failed, September never rostered
    assert (recovery.fine_min, recovery.fine_max) == (Decimal("3360.00"), Decimal("10080.00"))
    assert (recovery.since_month, recovery.until_month) == (date(2025, 4, 1), date(2025, 9, 1))
    benefit.refresh_from_db()
    assert benefit.state == Benefit.State.STOPPED
    assert services.amount_for_month(benefit, date(2025, 10, 1)) == 0


def test_fraud_found_before_any_payment_recovers_nothing(personas: dict[str, Any]) -> None:
    benefit = _dibao(personas)
    recovery = services.benefit_stop_for_fraud(
        actor=personas["county_approver"],
        benefit=benefit,
        since=date(2025, 5, 1),
        reason="隐瞒经营收入",
        today=date(2025, 8, 20),
    )
    assert (recovery.amount, recovery.fine_min, recovery.fine_max) == (
        0,
        0,
        0,
    )  # scheduled 3360, paid nothing
    benefit.refresh_from_db()
    assert benefit.state == Benefit.State.STOPPED


def _tekun_benefit(personas: dict[str, Any]) -> Benefit:
    from minzheng.cases.tests.test_services import _elder_alone

    household = _elder_alone(personas)
    case = to_notice_ended(
        personas, submit(personas, household, program="tekun", request_data={"support_form": "home"})
    )
    cases.application_decide(actor=personas["county_approver"], application=case, approve=True, today=DECIDED)
    return Benefit.objects.get(application=case)


def _termination_recheck(benefit: Benefit) -> Recheck:
    return Recheck.objects.create(
        household=benefit.household,
        benefit=benefit,
        region_id=benefit.region_id,
        program="tekun",
        trigger=Recheck.Trigger.HOUSEHOLD,
        reason="有了赡养人",
        new_eligible=False,
        effective_month=date(2025, 6, 1),
    )


def test_a_tekun_termination_is_published_for_seven_days_then_stops_and_points_to_dibao(
    personas: dict[str, Any],
) -> None:
    from minzheng.cases.models import Notice

    benefit = _tekun_benefit(personas)
    services.recheck_apply(
        actor=personas["county_approver"], recheck=_termination_recheck(benefit), reason="女儿回乡赡养"
    )
    notice = Notice.objects.get(benefit=benefit, kind=Notice.Kind.TERMINATION)
    benefit.refresh_from_db()
    assert (
        benefit.state == Benefit.State.ACTIVE
    )  # support continues while the termination is published (TK-10)
    with pytest.raises(Exception, match="期满后才能终止"):
        services.termination_close(actor=personas["county_approver"], notice=notice, today=notice.ends_on)
    services.termination_close(
        actor=personas["county_approver"], notice=notice, today=notice.ends_on + timedelta(days=1)
    )
    benefit.refresh_from_db()
    assert benefit.state == Benefit.State.STOPPED
    assert Recheck.objects.filter(
        household=benefit.household, program="dibao", trigger=Recheck.Trigger.SUGGESTION
    ).exists()


def test_an_objection_to_a_termination_sends_it_back_for_investigation(personas: dict[str, Any]) -> None:
    from datetime import UTC, datetime

    from minzheng.cases import services as case_services
    from minzheng.cases.models import Notice

    benefit = _tekun_benefit(personas)
    notice = services.termination_publish(
        actor=personas["county_approver"], benefit=benefit, reason="有赡养人", today=date(2025, 6, 2)
    )
    assert notice is not None
    case_services.objection_submit(
        notice=notice, contact="邻居", text="女儿常年在外并不赡养", now=datetime(2025, 6, 3, 2, tzinfo=UTC)
    )
    notice.refresh_from_db()
    assert notice.state == Notice.State.OBJECTED
    assert Recheck.objects.filter(
        benefit=benefit, state=Recheck.State.OPEN, reason__contains="TK-10"
    ).exists()
    with pytest.raises(Exception, match="有异议"):
        services.termination_close(actor=personas["county_approver"], notice=notice, today=date(2025, 6, 20))


@pytest.mark.parametrize(("schooling", "keeps"), [("high_school", True), ("", False)])
def test_an_18th_birthday_keeps_tekun_only_while_in_school(
    personas: dict[str, Any], schooling: str, keeps: bool
) -> None:
    """TK-02: a 特困 minor is supported to 18, and beyond while in school; otherwise a termination is proposed."""
    from minzheng.cases.tests.test_services import _elder_alone

    household = _elder_alone(personas)
    clerk = personas["township_a_clerk"]
    from minzheng.registry.tests.factories import make_id
    from minzheng.registry.validation import MemberData

    orphan = registry.member_add(
        actor=clerk,
        household=household,
        data=MemberData(
            name="小孤儿",
            id_number=make_id(date(2007, 8, 10), male=True),
            relation=Relation.GRANDCHILD,
            schooling=schooling,
        ),
    ).obj
    # a minor under 特困 is never published (TK-09): the notice step goes straight to the county
    case = to_notice(
        personas,
        submit(personas, household, program="tekun", subject=orphan, request_data={"support_form": "home"}),
    )
    cases.application_decide(actor=personas["county_approver"], application=case, approve=True, today=DECIDED)
    benefit = Benefit.objects.get(application=case)
    services.monthly_scan(month=date(2025, 9, 1))  # he turned 18 on 10 August 2025
    opened = Recheck.objects.filter(benefit=benefit, trigger=Recheck.Trigger.AGE, new_eligible=False).exists()
    assert opened is not keeps


def test_a_combat_veterans_death_offers_the_funeral_grant(
    personas: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    """YF-04: six months of the living subsidy he received (850 × 6 = 5100 with the illustrative standard)."""
    import io

    from minzheng.cases.tests.factories import setup_policy
    from minzheng.registry.documents import document_add
    from minzheng.registry.models import DocumentType

    setup_policy()
    clerk = personas["township_a_clerk"]
    household = household_create(
        actor=clerk,
        data=HouseholdData(region_code=VILLAGE_A1, address="二组 2 号", hukou_type="rural"),
        head=member_data("老兵", Relation.HEAD, date(1950, 5, 1), veteran_category="combat_veteran"),
        members=[],
    ).obj
    for kind in (DocumentType.ID_CARD, DocumentType.STATEMENT, DocumentType.AUTHORISATION):
        document_add(
            actor=clerk,
            household=household,
            upload=io.BytesIO(b"%PDF-1.4"),
            original_name="a.pdf",
            doc_type=kind,
        )
    case = to_notice_ended(personas, submit(personas, household, program="veterans"))
    cases.application_decide(actor=personas["county_approver"], application=case, approve=True, today=DECIDED)
    benefit = Benefit.objects.get(application=case)
    assert benefit.amount == Decimal("850.00")
    with django_capture_on_commit_callbacks(execute=True):
        registry.member_record_death(
            actor=clerk, member=household.members.get(), date_of_death=date(2025, 6, 3)
        )
    grant = Recheck.objects.get(household=household, program="veterans_funeral")
    assert grant.new_amount == Decimal("5100.00") and "丧葬补助" in grant.reason
    benefit.refresh_from_db()
    assert benefit.state == Benefit.State.STOPPED


def test_reviews_appear_as_far_ahead_as_the_policy_says(personas: dict[str, Any]) -> None:
    benefit = _dibao(personas)  # review due 2025-09-30
    assert services.monthly_scan(month=date(2025, 8, 1))["reviews"] == 0  # 30 days ahead by default
    policy_version_create(
        actor=personas["county_admin"],
        region_code=COUNTY,
        effective_from=date(2025, 1, 1),
        values={"procedure.complaint_phone": "0830-8888888", "procedure.review_notice_days": 61},
        note="提前两个月提醒复核",
    )
    assert services.monthly_scan(month=date(2025, 8, 1))["reviews"] == 1
    assert Recheck.objects.get(benefit=benefit).trigger == Recheck.Trigger.REVIEW


def test_a_stop_cancels_the_changes_scheduled_after_it(personas: dict[str, Any]) -> None:
    """A stop during a gradual exit, or before a standard change already scheduled, must not let payment resume."""
    benefit = _dibao(personas)
    with transaction.atomic():
        locked = Benefit.objects.select_for_update().get(pk=benefit.pk)
        services._taper(locked, start=date(2025, 7, 1), reason="就业", actor=personas["county_approver"])
    services.benefit_stop(
        actor=personas["county_approver"], benefit=benefit, reason="迁出本县", month=date(2025, 8, 1)
    )
    assert [services.amount_for_month(benefit, date(2025, m, 1)) for m in range(7, 13)] == [
        840,
        0,
        0,
        0,
        0,
        0,
    ]


def test_a_township_head_does_not_stop_benefits_unless_delegated(personas: dict[str, Any]) -> None:
    from minzheng.core.errors import PermissionDeniedError

    benefit = _dibao(personas)
    with pytest.raises(PermissionDeniedError):
        services.benefit_stop(actor=personas["township_a_head"], benefit=benefit, reason="x")


def test_a_standard_change_applies_only_the_preview_the_approver_saw(personas: dict[str, Any]) -> None:
    from minzheng.core.errors import ConflictError

    _dibao(personas)
    policy_version_create(
        actor=personas["county_admin"],
        region_code=COUNTY,
        effective_from=date(2025, 7, 1),
        values={"dibao.standard_rural": "600", "procedure.complaint_phone": "0830-8888888"},
        note="调标",
    )
    seen = services.preview_digest(
        services.standard_change_preview(region_code=COUNTY, program="dibao", month=date(2025, 7, 1))
    )
    _dibao(personas)  # another benefit approved after the preview was shown
    with pytest.raises(ConflictError, match="重新测算"):
        services.standard_change_apply(
            actor=personas["county_approver"],
            region_code=COUNTY,
            program="dibao",
            month=date(2025, 7, 1),
            today=date(2025, 6, 20),
            digest=seen,
        )


@pytest.mark.parametrize(
    ("standard", "direction"), [("600", "up"), ("500", "down"), ("580", "same"), ("300", "ineligible")]
)
def test_a_standard_change_previews_exactly_what_the_explained_decision_gives(
    personas: dict[str, Any], standard: str, direction: str
) -> None:
    """The preview decides without sentences (60,000 benefits in seconds); every row must carry the amount and
    eligibility of the full decision on the same data, and a changed row stores that full decision, explained."""
    from minzheng.assessment.live import household_snapshots
    from minzheng.policy.selectors import policy_for

    benefit = _dibao(personas)  # 3 people, 900 a month: 840 at the old standard of 580
    policy_version_create(
        actor=personas["county_admin"],
        region_code=COUNTY,
        effective_from=date(2025, 7, 1),
        values={"dibao.standard_rural": standard, "procedure.complaint_phone": "0830-8888888"},
        note="调标",
    )
    month = date(2025, 7, 1)
    rows = services.standard_change_preview(region_code=COUNTY, program="dibao", month=month)
    snapshot = household_snapshots([benefit.household], month)[benefit.household_id]
    full, stored = services._decide(benefit, snapshot, policy_for(benefit.region_id, month), month)
    [row] = rows
    assert (row.new, row.eligible) == (full.amount, full.eligible)
    assert row.direction == direction  # 3 × S − 900 against 840; at 300 the 300 a head is not below S
    assert row.decision == stored  # what apply stores: the explained decision
    assert row.decision["lines"] and row.decision["amount"] == str(row.new)
    assert services.preview_digest(rows) == services.preview_digest(
        [dataclasses.replace(row, new=full.amount, eligible=full.eligible)]
    )


def test_a_per_person_benefit_is_previewed_for_its_own_person(personas: dict[str, Any]) -> None:
    """高龄津贴 is decided per person: the preview passes the benefit's member as the subject, as the full path does."""
    from minzheng.assessment.live import household_snapshots
    from minzheng.policy.selectors import policy_for

    benefit = _elder(personas, date(1940, 3, 1))
    month = date(2025, 7, 1)
    [row] = services.standard_change_preview(region_code=COUNTY, program="elderly_allowance", month=month)
    snapshot = household_snapshots([benefit.household], month)[benefit.household_id]
    full, stored = services._decide(benefit, snapshot, policy_for(benefit.region_id, month), month)
    assert (row.benefit_id, row.new, row.eligible) == (benefit.pk, full.amount, full.eligible)
    assert row.decision == stored and stored["subject"] == "高寿星"
