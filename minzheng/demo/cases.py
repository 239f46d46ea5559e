"""Demo cases: a handful of 低保 applications in 得胜镇's two demo villages, carried by the real services to every
stage (approved, in public notice, reviewed, accepted, just filed), so the case list, 待办 and the public pages have
something to show. Idempotent: nothing is added when the demo villages already have cases."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.cases import services
from minzheng.cases.models import Application, FinancialCheck
from minzheng.policy.models import PolicyVersion
from minzheng.policy.services import policy_version_create
from minzheng.registry.documents import document_add
from minzheng.registry.idnumber import check_character
from minzheng.registry.models import DocumentType, Household, HukouType, Relation
from minzheng.registry.services import HouseholdData, household_create, income_add
from minzheng.registry.validation import MemberData, luhn_check_digit

DEMO_COUNTY = "510521"
#: the demo case households' IDs carry 江阳区's code (first issued there), so they never meet the generator's numbers
ID_COUNTY = "510502"


@dataclass(frozen=True)
class DemoCase:
    village: str
    officer: str
    head: str
    spouse: str
    child: str
    income: str
    stage: str  # approved / notice / reviewed / accepted / applied / none
    program: str = "dibao"
    #: a person living alone: their age in years today (default: a couple with a child, the head born in 1975)
    alone_aged: int = 0
    #: what the application says (the program's request fields)
    request: tuple[tuple[str, object], ...] = ()
    #: more facts about the head in the registry (e.g. the 优抚 category)
    head_facts: tuple[tuple[str, object], ...] = ()
    reason: str = "收入低，子女上学"


CASES = (
    DemoCase("510521103222", "baixiang_officer", "赵德明", "孙玉兰", "赵小峰", "900", "approved"),
    DemoCase("510521103222", "baixiang_officer", "钱国富", "周春梅", "钱小雨", "600", "notice"),
    DemoCase("510521103222", "baixiang_officer", "孙建华", "吴桂香", "孙小龙", "1200", "reviewed"),
    DemoCase("510521103224", "renhe_officer", "李长庚", "郑秀珍", "李小花", "500", "approved"),
    DemoCase("510521103224", "renhe_officer", "周永福", "王翠兰", "周小军", "800", "notice"),
    DemoCase("510521103224", "renhe_officer", "吴德胜", "冯素芬", "吴小红", "700", "accepted"),
    DemoCase("510521103224", "renhe_officer", "郑大山", "陈玉梅", "郑小明", "1000", "applied"),
    # no case yet: the household a village officer files for in the browser walk
    DemoCase("510521103222", "baixiang_officer", "冯友才", "何秀兰", "冯小丽", "650", "none"),
    # an elder on 高龄津贴 who turns 90 in a few weeks: the monitoring list shows the coming band change
    DemoCase(
        "510521103224",
        "renhe_officer",
        "高德寿",
        "",
        "",
        "0",
        "approved",
        "elderly_allowance",
        90,
        reason="年满80周岁",
    ),
    # one of each other program on the county's reports: a widower of 72 supported at home (特困), a combat veteran
    # (优抚), a family whose house burnt down (急难型临时救助)
    DemoCase(
        "510521103222",
        "baixiang_officer",
        "罗守仁",
        "",
        "",
        "0",
        "approved",
        "tekun",
        72,
        request=(("support_form", "home"),),
        reason="无劳动能力、无生活来源、无赡养人",
    ),
    DemoCase(
        "510521103224",
        "renhe_officer",
        "韩卫国",
        "",
        "",
        "0",
        "approved",
        "veterans",
        74,
        head_facts=(("veteran_category", "combat_veteran"),),
        reason="参战退役军人定期生活补助",
    ),
    DemoCase(
        "510521103222",
        "baixiang_officer",
        "唐明远",
        "曹金凤",
        "唐小川",
        "1500",
        "approved",
        "temporary",
        request=(
            ("kind", "emergency"),
            ("cause", "住房失火"),
            ("amount_requested", "3000"),
            ("forms", ["cash"]),
        ),
        reason="住房失火，生活陷入困境",
    ),
)

_SURNAMES = "陈林黄何罗唐许邓韩曹彭曾萧田董袁潘蒋蔡余杜叶程魏苏"
_GIVEN = ("志强", "建国", "德华", "永红", "海波", "国庆", "长春", "光明", "明亮", "家富", "天佑", "顺利")
_WIVES = ("秀英", "桂芳", "春兰", "玉珍", "淑华", "凤英", "翠萍", "素珍", "丽华", "金凤", "小琴", "美兰")
#: 低保 households on the payroll of the two demo villages: what December's roster is made of
PAYROLL = tuple(
    DemoCase(
        "510521103222" if n % 2 == 0 else "510521103224",
        "baixiang_officer" if n % 2 == 0 else "renhe_officer",
        _SURNAMES[n] + _GIVEN[n % len(_GIVEN)],
        _SURNAMES[(n + 7) % len(_SURNAMES)] + _WIVES[n % len(_WIVES)],
        _SURNAMES[n] + "小" + "宇涛婷杰洋敏"[n % 6],
        str(300 + (n * 137) % 1000),
        "approved",
    )
    for n in range(24)
)
#: two of them whose bank accounts the roster's checks flag: none on file, and one typed in before the registry
#: checked account numbers (the registry refuses it today, so the demo writes it as an old import would have)
NO_ACCOUNT, LEGACY_ACCOUNT = PAYROLL[3].head, PAYROLL[10].head
LEGACY_ACCOUNT_NUMBER = "6228 4804 0256 489O 018"


def _account(serial: int) -> str:
    payload = f"622848040256{serial:06d}"
    return payload + luhn_check_digit(payload)


def _id(birth: date, serial: int, *, male: bool) -> str:
    order = serial * 2 + (1 if male else 0)
    body = f"{ID_COUNTY}{birth:%Y%m%d}{order:03d}"
    return body + check_character(body)


def _household(spec: DemoCase, serial: int, clerk: User, today: date) -> Household:
    if not spec.spouse:
        born = today.replace(year=today.year - spec.alone_aged) + timedelta(days=20)
        result = household_create(
            actor=clerk,
            data=HouseholdData(
                region_code=spec.village,
                address=f"{serial + 1} 组 {serial + 8} 号",
                hukou_type=HukouType.RURAL,
            ),
            head=MemberData(
                name=spec.head,
                id_number=_id(born, serial, male=True),
                relation=Relation.HEAD,
                **dict(spec.head_facts),  # type: ignore[arg-type]
            ),
            members=[],
        )
        household: Household = result.obj
        _papers(household, clerk)
        return household
    result = household_create(
        actor=clerk,
        data=HouseholdData(
            region_code=spec.village,
            address=f"{serial + 1} 组 {serial + 8} 号",
            hukou_type=HukouType.RURAL,
            bank_name="泸县农村商业银行",
            account_holder=spec.head,
            account_number=_account(serial),
        ),
        head=MemberData(
            name=spec.head,
            id_number=_id(date(1975, 3, 1) + timedelta(days=serial), serial, male=True),
            relation=Relation.HEAD,
        ),
        members=[
            MemberData(
                name=spec.spouse,
                id_number=_id(date(1977, 6, 1) + timedelta(days=serial), serial, male=False),
                relation=Relation.SPOUSE,
            ),
            MemberData(
                name=spec.child,
                id_number=_id(date(2012, 9, 1) + timedelta(days=serial), serial + 100, male=serial % 2 == 0),
                relation=Relation.SON if serial % 2 == 0 else Relation.DAUGHTER,
                schooling="compulsory",
            ),
        ],
    )
    household = result.obj
    head = household.members.get(relation=Relation.HEAD)
    income_add(
        actor=clerk,
        household=household,
        category="wage",
        monthly_amount=Decimal(spec.income),
        source="务工收入",
        member=head,
    )
    _papers(household, clerk)
    return household


def _papers(household: Household, clerk: User) -> None:
    for kind in (DocumentType.ID_CARD, DocumentType.STATEMENT, DocumentType.AUTHORISATION):
        document_add(
            actor=clerk,
            household=household,
            upload=io.BytesIO(b"%PDF-1.4\n% demo scan\n"),
            original_name=f"{DocumentType(kind).label}.pdf",
            doc_type=kind,
        )


def carry(
    case: Application,
    *,
    stage: str,
    officer: User,
    users: dict[str, User],
    start: date,
    today: date,
    present: str,
) -> Application:
    """Take a filed application through the real procedure to ``stage`` (accepted / reviewed / notice / approved),
    each step a day or two after ``start``; an approval is decided ten days after its notice went up."""
    clerk, head, approver = users["desheng_clerk"], users["desheng_head"], users["approver"]
    if stage == "applied":
        return case
    case = services.application_accept(actor=clerk, application=case, today=start)
    if stage == "accepted":
        return case
    services.investigation_record(
        actor=clerk,
        application=case,
        data=services.VisitData(
            visited_on=start + timedelta(days=1),
            staff=[clerk, officer],
            methods=["home_visit", "neighbours"],
            members_present=present,
            member_signed=True,
            findings="住房为自建砖房，无车辆，户主在附近打零工，收入不固定。",
        ),
        today=start + timedelta(days=1),
    )
    services.check_record(
        actor=clerk,
        application=case,
        checked_on=start + timedelta(days=2),
        result=FinancialCheck.Result.CONSISTENT,
        summary="核对结果与申报一致。",
        today=start + timedelta(days=2),
    )
    services.review_record(
        actor=head, application=case, agree=True, opinion="", today=start + timedelta(days=3)
    )
    if stage == "reviewed":
        return case
    notice_day = today - timedelta(days=2) if stage == "notice" else start + timedelta(days=5)
    services.notice_publish(actor=clerk, application=case, today=notice_day)
    if stage == "notice":
        return case
    case.refresh_from_db()
    if case.status == "notice":  # 高龄津贴 and other unpublished programs go straight to the county
        services.notice_close(actor=clerk, application=case, today=notice_day + timedelta(days=8))
    services.application_decide(
        actor=approver, application=case, approve=True, today=notice_day + timedelta(days=10)
    )
    case.refresh_from_db()
    return case


#: the township whose payroll the demo pays month by month
PAYROLL_TOWNSHIP = "510521103"


def _payroll_history(clerk: User, approver: User, today: date) -> None:
    """The last twelve months' 低保 rosters of 得胜镇 (this month's included), generated, checked and approved through
    the payment services, so the dashboard has funds by month; and this year's budget to set them against."""
    from minzheng.core.months import add_months
    from minzheng.payments import services as payments
    from minzheng.policy.selectors import policy_for
    from minzheng.reports.services import budget_set

    this_month = today.replace(day=1)
    for offset in range(11, -1, -1):
        month = add_months(this_month, -offset)
        cycle = payments.cycle_generate(
            actor=clerk, region_code=PAYROLL_TOWNSHIP, programs=["dibao"], period_start=month
        )
        cycle = payments.cycle_confirm_checked(actor=clerk, cycle=cycle)
        if policy_for(PAYROLL_TOWNSHIP, month).get("payments").publish_roster:
            cycle = payments.cycle_mark_noticed(actor=clerk, cycle=cycle)
        cycle = payments.cycle_approve(actor=approver, cycle=cycle)
    budget_set(actor=clerk, region_code=PAYROLL_TOWNSHIP, program="dibao", year=today.year, amount="300000")


def demo_cases_load(today: date | None = None) -> int:
    """Create the demo cases (once); return how many were created."""
    if Application.objects.filter(region_id__in={c.village for c in CASES}).exists():
        return 0
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["desheng_clerk", "desheng_head", "approver", "baixiang_officer", "renhe_officer"]
        )
    }
    if len(users) < 5:
        return 0
    if not PolicyVersion.objects.filter(
        region_id=DEMO_COUNTY, values__has_key="procedure.complaint_phone"
    ).exists():
        policy_version_create(
            actor=None,
            region_code=DEMO_COUNTY,
            effective_from=date(2024, 1, 1),
            values={"procedure.complaint_phone": "0830-8188123"},
            note="泸县民政局监督举报电话",
        )
    today = today or timezone.localdate()
    clerk, approver = users["desheng_clerk"], users["approver"]
    for serial, spec in enumerate(CASES + PAYROLL):
        household = _household(spec, serial, clerk, today)
        officer = users[spec.officer]
        if spec.stage == "none":
            continue
        start = today - timedelta(days=40) if spec.stage == "approved" else today - timedelta(days=8)
        if (
            spec in PAYROLL
        ):  # on the roll for a year: the dashboard has a history, December's roster a payroll
            start = today - timedelta(days=400)
        case = services.application_submit(
            actor=officer,
            household=household,
            program=spec.program,
            applicant=household.members.get(relation=Relation.HEAD),
            reason=spec.reason,
            request_data=dict(spec.request) or None,
            today=start,
        )
        carry(
            case,
            stage=spec.stage,
            officer=officer,
            users=users,
            start=start,
            today=today,
            present="、".join(n for n in (spec.head, spec.spouse) if n),
        )
    # life goes on: 李长庚's wife found work — the benefit is rechecked, old and new side by side (nothing silent)
    changed = Household.objects.filter(head__name="李长庚", region_id="510521103224").first()
    if changed is not None:
        spouse = changed.members.get(relation=Relation.SPOUSE)
        income_add(
            actor=clerk,
            household=changed,
            category="wage",
            monthly_amount=Decimal("1200"),
            source="妻子在镇上超市务工",
            member=spouse,
        )
    # issue 15's families (a disabled member's 生活补贴, a death, an income change, a quarterly 优待金), before the
    # payroll is generated so its rosters pay their new amounts
    from minzheng.demo.stories import demo_stories_load

    stories = demo_stories_load(users=users, today=today)
    _payroll_history(clerk, approver, today)
    # after a year of payments: one household's account was closed by the bank (none on file now), and one still
    # has the number typed in before the registry checked account numbers (written as an old import would have)
    villages = {c.village for c in PAYROLL}
    Household.objects.filter(head__name=NO_ACCOUNT, region_id__in=villages).update(
        bank_name="", account_holder="", account_number=""
    )
    Household.objects.filter(head__name=LEGACY_ACCOUNT, region_id__in=villages).update(
        account_number=LEGACY_ACCOUNT_NUMBER
    )
    return sum(1 for spec in CASES + PAYROLL if spec.stage != "none") + stories
