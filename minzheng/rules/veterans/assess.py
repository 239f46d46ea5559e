"""assess_veterans: who one 抚恤优待对象 is (YF-01), YF-10 suspension, then the monthly sum or a death payment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from minzheng.core.errors import ValidationFailed
from minzheng.core.money import money_sum
from minzheng.rules import dibao
from minzheng.rules.common import Decision, HouseholdSnapshot, PersonSnapshot, money_text
from minzheng.rules.i18n import gettext as _
from minzheng.rules.veterans.death import death_payments, funeral_grant
from minzheng.rules.veterans.monthly import (
    care_allowance,
    disability_facts,
    disability_pension,
    living_subsidy,
    survivor_pension,
)
from minzheng.rules.veterans.notes import Notes, base_facts, check_choice, means_test_line, not_eligible
from minzheng.rules.veterans.policy import (
    CANCELLING,
    CAUSE_CHOICES,
    DEATH_CAUSE_CHOICES,
    DEATH_NATURE_CHOICES,
    HONOUR_CHOICES,
    LEGAL_STATUS_CHOICES,
    LIVING_SUBSIDY_GROUPS,
    PAYMENT_CHOICES,
    PENSION_GRADES,
    RELATION_CHOICES,
    SURVIVOR_GROUPS,
    SUSPENDING,
    Policy,
    Request,
)


def _validate(request: Request) -> None:
    check_choice(request.payment, PAYMENT_CHOICES, _("办理事项"))
    check_choice(request.legal_status, LEGAL_STATUS_CHOICES, _("中止或取消情形"))
    check_choice(request.relation_to_deceased, RELATION_CHOICES, _("与牺牲(病故)军人的关系"))
    check_choice(request.disability_cause, CAUSE_CHOICES, _("致残性质"))
    check_choice(request.death_cause, DEATH_CAUSE_CHOICES, _("死亡原因"))
    check_choice(request.death_nature, DEATH_NATURE_CHOICES, _("军人死亡性质"))
    check_choice(request.highest_honour, HONOUR_CHOICES, _("功勋荣誉表彰"))
    if request.monthly_amount_received is not None and request.monthly_amount_received < 0:
        raise ValidationFailed(_("生前每月领取金额不能为负数"))
    if request.basic_monthly_salary is not None and request.basic_monthly_salary < 0:
        raise ValidationFailed(_("月基本工资不能为负数"))


def _subject(household: HouseholdSnapshot, name: str) -> PersonSnapshot:
    if not name:
        raise ValidationFailed(_("请指明本次办理优抚事项的家庭成员"), fields={"subject": [_("必须填写")]})
    try:
        return household.member(name)
    except KeyError:
        raise ValidationFailed(
            _("“%(name)s”不是该户成员") % {"name": name}, fields={"subject": [_("不是该户成员")]}
        ) from None


def _legal_status(person: PersonSnapshot, request: Request, notes: Notes) -> Decision | None:
    """YF-10 (Art. 59): a suspending or cancelling status decides on its own."""
    status = request.legal_status
    if status in SUSPENDING:
        base_facts(notes, "suspended")
        notes.add(
            _("%(name)s %(why)s期间：中止发放抚恤金、补助金")
            % {"name": person.name, "why": SUSPENDING[status]},
            ("YF-10",),
            "第五十九条第一款",
        )
    elif status in CANCELLING:
        base_facts(notes, "cancelled")
        notes.add(
            _("%(name)s %(why)s：取消其抚恤优待资格") % {"name": person.name, "why": CANCELLING[status]},
            ("YF-10",),
            "第五十九条第一款",
        )
    else:
        return None
    notes.add(
        _("由省级人民政府退役军人工作主管部门按照国家有关规定中止或者取消，报国务院退役军人工作主管部门备案"),
        ("YF-10",),
        "第五十九条第二款",
    )
    return not_eligible(person, notes)


def assess_veterans(
    household: HouseholdSnapshot, request: Request, policy: Policy, on: date, *, dibao: dibao.Policy
) -> Decision:
    """Decide what the county pays one 抚恤优待对象 for the month of ``on`` (or the one-off sum asked for)."""
    del dibao  # 优抚 standards do not depend on the 低保 standard
    _validate(request)
    person = _subject(household, request.subject)
    notes = Notes()
    category = person.veteran_category
    notes.facts["veteran_category"] = category

    stopped = _legal_status(person, request, notes)
    if stopped is not None:
        return stopped
    if request.payment == "death_payment":
        return death_payments(person, request, policy, notes)
    if person.date_of_death is not None and person.date_of_death <= on:
        return funeral_grant(person, person.date_of_death, household, request, policy, notes)

    base_facts(notes, "active")
    components: dict[str, Decimal] = {}
    if category in LIVING_SUBSIDY_GROUPS:
        amount = living_subsidy(person, household, request, policy, on, notes)
        if amount is not None:
            components["living_subsidy"] = amount
    elif category in SURVIVOR_GROUPS:
        amount = survivor_pension(person, request, policy, on, notes)
        if amount is not None:
            components["survivor_pension"] = amount
    elif category == "disabled":
        pension = disability_pension(person, request, policy, on, notes)
        if pension is not None:
            components["disability_pension"] = pension
        # Art. 34 care is paid only to those whose grade also carries a pension (grades 1–6 at most)
        cause, grade = disability_facts(request)
        if grade <= PENSION_GRADES[cause]:
            care = care_allowance(person, request, policy, notes)
            if care is not None:
                components["care_allowance"] = care
    else:
        _no_regular_payment(person, notes)

    if request.approval_date is not None and request.approval_date > on:
        notes.warnings.append(
            _("批准(审核确认)日期 %(d)s 晚于评估日期 %(on)s")
            % {"d": request.approval_date.isoformat(), "on": on.isoformat()}
        )
    notes.facts["components"] = dict(components)
    if not components:
        means_test_line(notes)
        return not_eligible(person, notes)

    total = money_sum(list(components.values()))
    if len(components) > 1:
        notes.add(
            _("每月合计 %(parts)s = %(total)s 元/月")
            % {"parts": " + ".join(money_text(v) for v in components.values()), "total": money_text(total)},
            ("YF-05", "YF-06"),
            "第二十四条",
        )
    means_test_line(notes)
    notes.add(
        _("享受定期抚恤补助的对象实行年度确认：每12个月确认一次"),
        ("YF-10",),
        "第八条第二款",
    )
    notes.facts["annual_confirmation_required"] = True
    return Decision(
        "veterans",
        True,
        total,
        tuple(notes.lines),
        tuple(notes.warnings),
        review_months=12,
        period="monthly",
        subject=person.name,
        facts=notes.facts,
    )


def _no_regular_payment(person: PersonSnapshot, notes: Notes) -> None:
    category = person.veteran_category
    if category == "serving":
        text = _("%(name)s 为现役军人：抚恤待遇由军队发给，本县无按月发放的抚恤补助")
        article = "第二条"
    elif category == "military_family":
        text = _("%(name)s 为军属：家庭优待金按义务兵家庭优待金办理，本人无按月发放的抚恤补助")
        article = "第四十二条第一款"
    elif category == "veteran":
        text = _("%(name)s 为退役军人，但不属于定期生活补助的任何一类对象")
        article = "第六十二条第一款"
    else:
        text = _("%(name)s 未登记为抚恤优待对象")
        article = "第二条"
    notes.add(text % {"name": person.name}, ("YF-01", "YF-02"), article)
