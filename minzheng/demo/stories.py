"""Issue 15 in the demo: four 得胜镇 families whose amounts the live file must get right, played through the real
services relative to the day the demo is loaded (T):

* 马德全's household (白象村), on 低保 for a year: his son 马小军 holds a 二级肢体残疾 certificate and gets the
  困难残疾人生活补贴 through the procedure (filed T − 60 days), because the household is a 低保 household (CJ-01),
  and is paid it on 得胜镇's monthly 生活补贴 rosters;
* 许国华's household (白象村), on 低保 at 3 × 580 − 900 = 840: he died about three months ago, his 900 wage ended
  with him, and the recheck applied from the month after: 2 × 580 = 1160 (defect 4);
* 邱正明's household (仁和村), on 低保 at 3 × 580 − 600 = 1140: his wife found work (500) about two months ago and
  the recheck applied: 3 × 580 − 1100 = 640;
* 雷建军's family (仁和村): their son serves as a conscript; 得胜镇 pays the 义务兵家庭优待金 by quarter (YF-11), so
  the family is on each quarterly roster of this year so far, 18000 ÷ 4 = 4500 a quarter.

They run before the demo's monthly payroll is generated, so the rosters pay the new amounts and the reconciliation
(应发 vs 实发) has nothing to report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from minzheng.accounts.models import User
from minzheng.benefits.models import Recheck
from minzheng.benefits.services import household_events, recheck_apply, recheck_dismiss
from minzheng.cases import services
from minzheng.cases.models import Application, Benefit
from minzheng.core.months import months_between, next_month
from minzheng.policy.services import policy_version_create
from minzheng.registry import events as registry_events
from minzheng.registry.models import Household, Member, Relation
from minzheng.registry.services import (
    HouseholdData,
    household_change_head,
    household_update,
    income_add,
    member_add,
    member_record_death,
)
from minzheng.registry.validation import MemberData

from .cases import DemoCase, _household, _id, carry

TOWNSHIP = "510521103"
BAIXIANG, RENHE = "510521103222", "510521103224"


@dataclass(frozen=True)
class Story:
    case: DemoCase
    serial: int
    #: the member the story is about
    member: str


DISABLED = Story(
    DemoCase(BAIXIANG, "baixiang_officer", "马德全", "黄秀芝", "马小林", "900", "approved"), 40, "马小军"
)
DEATH = Story(
    DemoCase(BAIXIANG, "baixiang_officer", "许国华", "邓桂兰", "许小东", "900", "approved"), 41, "许国华"
)
INCOME = Story(
    DemoCase(RENHE, "renhe_officer", "邱正明", "罗春燕", "邱小梅", "600", "approved"), 42, "罗春燕"
)
CONSCRIPT = Story(
    DemoCase(RENHE, "renhe_officer", "雷建军", "汪丽琼", "雷小雨", "1500", "approved"), 43, "雷小兵"
)
STORIES = (DISABLED, DEATH, INCOME, CONSCRIPT)
#: stored as the resolution of a duplicate recheck (data, like the demo's names)
_SETTLED = "同一变化已复核调整"


def quarters_so_far(today: date) -> list[date]:
    """The first months of this year's quarters up to the one ``today`` is in."""
    return [date(today.year, m, 1) for m in (1, 4, 7, 10) if m <= today.month]


def _submit(
    story: Story,
    household: Household,
    users: dict[str, User],
    start: date,
    *,
    program: str = "dibao",
    reason: str = "",
    subject: Member | None = None,
    request_data: dict[str, Any] | None = None,
) -> Application:
    officer = users[story.case.officer]
    case = services.application_submit(
        actor=officer,
        household=household,
        program=program,
        applicant=household.members.get(relation=Relation.HEAD),
        subject=subject,
        reason=reason or story.case.reason,
        request_data=request_data,
        today=start,
    )
    present = "、".join(n for n in (story.case.head, story.case.spouse) if n)
    return carry(
        case, stage="approved", officer=officer, users=users, start=start, today=start, present=present
    )


def _on_dibao(
    story: Story, users: dict[str, User], today: date, extra: tuple[MemberData, ...] = ()
) -> Household:
    clerk = users["desheng_clerk"]
    household = _household(story.case, story.serial, clerk, today)
    for data in extra:
        member_add(actor=clerk, household=household, data=data)
    _submit(story, household, users, today - timedelta(days=400))
    return household


def _apply_recheck(household: Household, users: dict[str, User], day: date, reason: str) -> None:
    """What the county does with the recheck the change opened: take the new amount from the next month."""
    household_events(household_ids=[household.pk], reason=reason, actor=users["desheng_clerk"], today=day)
    trigger = Recheck.Trigger.DEATH if reason == registry_events.MEMBER_DIED else Recheck.Trigger.HOUSEHOLD
    open_ = Recheck.objects.filter(household=household, benefit__program="dibao", state=Recheck.State.OPEN)
    recheck = open_.get(trigger=trigger)
    recheck_apply(actor=users["approver"], recheck=recheck, month=next_month(day), today=day)
    # the same change seen again (the head's change, or the registry's own announcement after commit) is settled
    for other in open_.exclude(pk=recheck.pk):
        recheck_dismiss(actor=users["approver"], recheck=other, reason=_SETTLED)


def _disabled(users: dict[str, User], today: date) -> None:
    number = _id(date(2001, 4, 12), DISABLED.serial + 200, male=True)
    son = MemberData(
        name=DISABLED.member,
        id_number=number,
        relation=Relation.SON,
        work_capacity="none",
        disability_category="physical",
        disability_grade=2,
        disability_certificate=number + "42",  # 第二代残疾人证: the ID, then category 4 (肢体) and grade 2
    )
    household = _on_dibao(DISABLED, users, today, (son,))
    subject = household.members.get(name=DISABLED.member)
    _submit(
        DISABLED,
        household,
        users,
        today - timedelta(days=60),
        program="disability_living",
        subject=subject,
        reason="二级肢体残疾，低保家庭",
    )
    # paid monthly from its first month, on 得胜镇's 生活补贴 roster
    first = Benefit.objects.get(program="disability_living", member=subject).first_month
    _pay(users, "disability_living", months_between(first, today.replace(day=1)))


def _death(users: dict[str, User], today: date) -> None:
    clerk = users["desheng_clerk"]
    household = _on_dibao(DEATH, users, today)
    died = today - timedelta(days=100)
    recorded = died + timedelta(days=2)
    head = household.members.get(relation=Relation.HEAD)
    member_record_death(actor=clerk, member=head, date_of_death=died)
    widow = household.members.get(relation=Relation.SPOUSE)
    household = household_change_head(
        actor=clerk, household=household, new_head=widow, old_head_relation=Relation.SPOUSE
    )
    household_update(
        actor=clerk,
        household=household,
        data=HouseholdData(
            region_code=household.region_id,
            address=household.address,
            hukou_type=household.hukou_type,
            phone=household.phone,
            bank_name=household.bank_name,
            account_holder=widow.name,
            account_number=household.account_number,
            note=household.note,
        ),
    )
    _apply_recheck(household, users, recorded, registry_events.MEMBER_DIED)


def _income(users: dict[str, User], today: date) -> None:
    household = _on_dibao(INCOME, users, today)
    day = today - timedelta(days=70)
    income_add(
        actor=users["desheng_clerk"],
        household=household,
        category="wage",
        monthly_amount=Decimal("500"),
        source="妻子在镇上餐馆务工",
        member=household.members.get(name=INCOME.member),
        period_start=day.replace(day=1),
    )
    _apply_recheck(household, users, day + timedelta(days=2), registry_events.INCOME_ADDED)


def _conscript(users: dict[str, User], today: date) -> None:
    clerk = users["desheng_clerk"]
    # 得胜镇 pays the 优待金 once a quarter (YF-11), on its own quarterly roster
    policy_version_create(
        actor=None,
        region_code=TOWNSHIP,
        effective_from=date(today.year - 2, 1, 1),
        values={
            "veterans.conscript_family_frequency": "quarterly",
            "payments.quarterly_programs": ["conscript_family"],
        },
        note="得胜镇义务兵家庭优待金按季发放",
    )
    household = _household(CONSCRIPT.case, CONSCRIPT.serial, clerk, today)
    son_born = today.replace(day=1) - timedelta(days=int(20.5 * 365))
    member_add(
        actor=clerk,
        household=household,
        data=MemberData(
            name=CONSCRIPT.member,
            id_number=_id(son_born, CONSCRIPT.serial, male=True),
            relation=Relation.SON,
            veteran_category="serving",
        ),
    )
    start = today - timedelta(days=400)
    _submit(
        CONSCRIPT,
        household,
        users,
        start,
        program="conscript_family",
        request_data={
            "conscript_name": CONSCRIPT.member,
            "enlistment_date": (start - timedelta(days=30)).isoformat(),
        },
        reason="儿子应征入伍，服现役",
    )
    _pay(users, "conscript_family", quarters_so_far(today))


def _pay(users: dict[str, User], program: str, periods: list[date]) -> None:
    """Rosters of ``program`` for 得胜镇, generated, checked and approved through the payment services."""
    from minzheng.payments import services as payments
    from minzheng.policy.selectors import policy_for

    clerk, approver = users["desheng_clerk"], users["approver"]
    for period in periods:
        cycle = payments.cycle_generate(
            actor=clerk, region_code=TOWNSHIP, programs=[program], period_start=period
        )
        cycle = payments.cycle_confirm_checked(actor=clerk, cycle=cycle)
        if policy_for(TOWNSHIP, period).get("payments").publish_roster:
            cycle = payments.cycle_mark_noticed(actor=clerk, cycle=cycle)
        payments.cycle_approve(actor=approver, cycle=cycle)


def demo_stories_load(*, users: dict[str, User], today: date) -> int:
    """Play the four families (once); return how many applications they made."""
    if Household.objects.filter(region_id=DISABLED.case.village, head__name=DISABLED.case.head).exists():
        return 0
    _disabled(users, today)
    _death(users, today)
    _income(users, today)
    _conscript(users, today)
    return len(STORIES) + 1  # three 低保, the 优待金, and the disabled son's 生活补贴


def story_benefit(story: Story, program: str = "dibao") -> Benefit:
    """The story's benefit of ``program`` (the death story's household is now headed by the widow)."""
    return Benefit.objects.get(
        region_id=story.case.village, program=program, household__members__name=story.case.head
    )
