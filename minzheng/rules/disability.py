"""残疾人两项补贴 (国发〔2015〕52号): 困难残疾人生活补贴 and 重度残疾人护理补贴, decided per person per month.

CJ-01 [K] (living subsidy: disabled people in 低保 households, extendable to other households in difficulty;
nursing subsidy: grade 1–2 needing long-term care, extendable to non-severe intellectual/psychiatric disability;
both may be received together), CJ-02 [K][L] (孤儿 on 孤儿基本生活保障 get no living subsidy; 重庆: neither subsidy
with 特困供养 or 工伤护理费), CJ-03 [L] (provincial rates; 重庆 2026 by default), CJ-04 [K] (categories and grades
1–4 for validation; a 多重残疾 certificate carries the most severe grade).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext_lazy

from minzheng.core.errors import ValidationFailed
from minzheng.rules import dibao
from minzheng.rules.common import (
    GUOFA_2015_52,
    LOCAL,
    Decision,
    HouseholdSnapshot,
    Line,
    PersonSnapshot,
    Program,
    money_text,
    param,
)
from minzheng.rules.i18n import gettext as _

CATEGORIES = {
    "visual": gettext_lazy("视力残疾"),
    "hearing": gettext_lazy("听力残疾"),
    "speech": gettext_lazy("言语残疾"),
    "physical": gettext_lazy("肢体残疾"),
    "intellectual": gettext_lazy("智力残疾"),
    "psychiatric": gettext_lazy("精神残疾"),
    "multiple": gettext_lazy("多重残疾"),
}
GRADES = {1: gettext_lazy("一级"), 2: gettext_lazy("二级"), 3: gettext_lazy("三级"), 4: gettext_lazy("四级")}
STATUSES = {
    "dibao": gettext_lazy("低保家庭成员"),
    "near_dibao": gettext_lazy("低保边缘家庭成员"),
    "tekun": gettext_lazy("特困人员"),
}
# CJ-01 may extend the nursing subsidy to "non-severe intellectual or psychiatric" disability; we read 多重 as
# not included, since its certificate does not say whether the intellectual/psychiatric part is the grade-3 one.
GRADE3_NURSING_CATEGORIES = ("intellectual", "psychiatric")
SOURCE_COVERAGE = GUOFA_2015_52 + " 补贴对象"
SOURCE_COMBINATION = GUOFA_2015_52 + " 政策衔接"


@dataclass(frozen=True)
class Policy:
    """The [L] parameters of the two subsidies (CJ-03: 重庆 from 2026-01-01 by default)."""

    living_amounts: dict[str, Decimal] = param(
        {"dibao": Decimal("100")},
        gettext_lazy(
            "困难残疾人生活补贴标准(元/月)，按家庭救助身份：dibao 低保、near_dibao 边缘、tekun 特困；未列出的不覆盖"
        ),
        rules=("CJ-01", "CJ-03"),
    )
    living_severe_unemployed: bool = param(
        False, gettext_lazy("生活补贴扩大到重度(一、二级)残疾且无业的人员"), rules=("CJ-01", "CJ-03")
    )
    living_severe_unemployed_amount: Decimal = param(
        Decimal("0"), gettext_lazy("重残无业人员生活补贴标准(元/月)"), rules=("CJ-03",)
    )
    nursing_amounts: dict[str, Decimal] = param(
        {"1": Decimal("110"), "2": Decimal("100")},
        gettext_lazy("重度残疾人护理补贴标准(元/月)，按残疾等级"),
        rules=("CJ-01", "CJ-03"),
    )
    nursing_extends_to_grade3_intellectual_psychiatric: bool = param(
        False, gettext_lazy("护理补贴扩大到三级智力、精神残疾人"), rules=("CJ-01", "CJ-03")
    )
    nursing_grade3_intellectual_psychiatric_amount: Decimal = param(
        Decimal("0"), gettext_lazy("三级智力、精神残疾人护理补贴标准(元/月)"), rules=("CJ-03",)
    )
    no_combination_with_tekun: bool = param(
        False, gettext_lazy("两项补贴均不与特困供养同时享受"), rules=("CJ-02",)
    )
    no_combination_with_work_injury_care: bool = param(
        False, gettext_lazy("护理补贴不与工伤保险生活护理费同时享受"), rules=("CJ-02",)
    )


@dataclass(frozen=True)
class Request:
    #: the disabled person (member name or ID number)
    subject: str = param("", gettext_lazy("残疾人(姓名或公民身份号码)"))
    #: 无业 (no job): for the 重残无业 extension of the living subsidy (上海)
    unemployed: bool = param(False, gettext_lazy("无业"))
    #: CJ-01: the nursing subsidy is for those who need long-term care
    needs_long_term_care: bool = param(True, gettext_lazy("需要长期照护"))
    #: receives 工伤保险生活护理费 (CJ-02, 重庆)
    work_injury_care: bool = param(False, gettext_lazy("已享受工伤保险生活护理费"))


def _subject(household: HouseholdSnapshot, subject: str) -> PersonSnapshot:
    return household.subject(subject, missing=_("请指定申领残疾人补贴的家庭成员"))


def _check_policy(policy: Policy) -> None:
    amounts = [
        *policy.living_amounts.values(),
        *policy.nursing_amounts.values(),
        policy.living_severe_unemployed_amount,
        policy.nursing_grade3_intellectual_psychiatric_amount,
    ]
    if any(a < 0 for a in amounts):
        raise ValidationFailed(_("残疾人两项补贴标准不能为负数"))
    if policy.living_severe_unemployed and policy.living_severe_unemployed_amount <= 0:
        raise ValidationFailed(_("已将生活补贴扩大到重残无业人员，但未设置其补贴标准"))
    if (
        policy.nursing_extends_to_grade3_intellectual_psychiatric
        and policy.nursing_grade3_intellectual_psychiatric_amount <= 0
    ):
        raise ValidationFailed(_("已将护理补贴扩大到三级智力、精神残疾人，但未设置其补贴标准"))


class _Context:
    """What both subsidies establish first: the person, their certificate, and whether they were alive."""

    def __init__(
        self, program: str, household: HouseholdSnapshot, request: Request, policy: Policy, on: date
    ) -> None:
        _check_policy(policy)
        self.program = program
        self.person = _subject(household, request.subject)
        self.status = household.assistance_status
        self.lines: list[Line] = []
        self.warnings: list[str] = []
        self.needs: list[str] = ["CJ-01", "CJ-04"]
        person = self.person
        category, grade = person.disability_category, person.disability_grade
        # CJ-04: grade 1 (most severe) … 4 in every category (GB/T 26341-2010); anything else is a data error.
        if category and category not in CATEGORIES:
            raise ValidationFailed(
                _(
                    "%(name)s 的残疾类别“%(category)s”无法识别(应为视力、听力、言语、肢体、智力、精神或多重残疾)"
                )
                % {"name": person.name, "category": category}
            )
        if grade is not None and grade not in GRADES:
            raise ValidationFailed(
                _("%(name)s 的残疾等级 %(grade)s 无效(应为一至四级)") % {"name": person.name, "grade": grade}
            )
        self.category = category
        self.grade = grade
        self.refusal: Line | None = None
        if grade is None:
            self.refusal = Line(
                _("%(name)s 未持有第二代残疾人证(无残疾等级)，不能申领残疾人补贴") % {"name": person.name},
                ("CJ-01", "CJ-04"),
                SOURCE_COVERAGE,
            )
            return
        if not category:
            self.warnings.append(_("%(name)s 的残疾类别未登记，须按残疾人证核对") % {"name": person.name})
        self.lines.append(
            Line(
                _("%(name)s 持有残疾人证：%(category)s%(grade)s")
                % {
                    "name": person.name,
                    "category": CATEGORIES[category] if category else _("类别未登记，"),
                    "grade": GRADES[grade],
                },
                ("CJ-04",),
                _("残疾人残疾分类和分级(GB/T 26341-2010)"),
            )
        )
        first = on.replace(day=1)
        if person.date_of_death is not None and person.date_of_death < first:
            next_month = (person.date_of_death.replace(day=1) + timedelta(days=32)).replace(day=1)
            self.refusal = Line(
                _("%(name)s 已于 %(death)s 死亡，%(month)s 起停发")
                % {
                    "name": person.name,
                    "death": person.date_of_death.isoformat(),
                    "month": f"{next_month.year}-{next_month.month:02d}",
                },
                ("CJ-01",),
                LOCAL,
            )

    def decide(self, amount: Decimal | None, facts: dict[str, object]) -> Decision:
        return Decision(
            self.program,
            amount is not None,
            amount if amount is not None else Decimal("0"),
            tuple(self.lines),
            tuple(self.warnings),
            period="monthly",
            subject=self.person.name,
            needs_verification=tuple(dict.fromkeys(self.needs)),
            facts={
                "disability_category": self.category,
                "disability_grade": self.grade,
                "assistance_status": self.status,
                **facts,
            },
        )

    def refuse(self, line: Line | None = None) -> Decision:
        if line is not None:
            self.lines.append(line)
        return self.decide(None, {})


def _tekun_excluded(ctx: _Context, policy: Policy, what: str) -> Line | None:
    if policy.no_combination_with_tekun and ctx.status == "tekun":
        ctx.needs.append("CJ-02")
        return Line(
            _("%(name)s 为特困供养人员，当地规定%(what)s不与特困供养同时享受")
            % {"name": ctx.person.name, "what": what},
            ("CJ-02",),
            LOCAL,
        )
    return None


def assess_living(
    household: HouseholdSnapshot, request: Request, policy: Policy, on: date, *, dibao: dibao.Policy
) -> Decision:
    """困难残疾人生活补贴 for one person for the month that contains ``on``."""
    del dibao  # the rates are set by the province, not derived from the 低保 standard here
    ctx = _Context("disability_living", household, request, policy, on)
    if ctx.refusal is not None or ctx.grade is None:
        return ctx.refuse(ctx.refusal)
    person, grade = ctx.person, ctx.grade
    ctx.needs.append("CJ-02")  # the 孤儿 rule below is quoted, not read in the original
    if person.is_orphan:
        return ctx.refuse(
            Line(
                _("%(name)s 享受孤儿基本生活保障，不享受困难残疾人生活补贴") % {"name": person.name},
                ("CJ-02",),
                SOURCE_COMBINATION,
            )
        )
    excluded = _tekun_excluded(ctx, policy, _("生活补贴"))
    if excluded is not None:
        return ctx.refuse(excluded)

    # Several routes may apply (上海: 低保 household 450, 重残无业 450, 边缘 household 320): the highest is paid.
    routes: list[tuple[Decimal, Line]] = []
    if ctx.status in policy.living_amounts:
        rate = policy.living_amounts[ctx.status]
        routes.append(
            (
                rate,
                Line(
                    _("%(name)s 为%(status)s：困难残疾人生活补贴 %(amount)s 元/月")
                    % {
                        "name": person.name,
                        "status": STATUSES.get(ctx.status, ctx.status),
                        "amount": money_text(rate),
                    },
                    ("CJ-01", "CJ-03"),
                    SOURCE_COVERAGE if ctx.status == "dibao" else LOCAL,
                ),
            )
        )
    if policy.living_severe_unemployed and grade <= 2 and request.unemployed:
        rate = policy.living_severe_unemployed_amount
        routes.append(
            (
                rate,
                Line(
                    _("%(name)s 为%(grade)s重度残疾且无业：困难残疾人生活补贴 %(amount)s 元/月")
                    % {"name": person.name, "grade": GRADES[grade], "amount": money_text(rate)},
                    ("CJ-01", "CJ-03"),
                    LOCAL,
                ),
            )
        )
    if not routes:
        covered = "、".join(
            f"{STATUSES.get(key, key)} {money_text(value)} 元" for key, value in policy.living_amounts.items()
        )
        if policy.living_severe_unemployed:
            covered += ("、" if covered else "") + _("重残无业人员 %(amount)s 元") % {
                "amount": money_text(policy.living_severe_unemployed_amount)
            }
        return ctx.refuse(
            Line(
                _("%(name)s 不属于当地困难残疾人生活补贴覆盖对象(%(covered)s)，不享受")
                % {"name": person.name, "covered": covered or _("当地未设置")},
                ("CJ-01", "CJ-03"),
                SOURCE_COVERAGE,
            )
        )
    amount, line = max(routes, key=lambda route: route[0])
    ctx.lines.append(line)
    if len(routes) > 1:
        ctx.lines.append(
            Line(
                _("同时符合 %(n)s 种情形，按最高标准 %(amount)s 元/月发放，不叠加")
                % {"n": len(routes), "amount": money_text(amount)},
                ("CJ-03",),
                LOCAL,
            )
        )
    return ctx.decide(amount, {})


def assess_nursing(
    household: HouseholdSnapshot, request: Request, policy: Policy, on: date, *, dibao: dibao.Policy
) -> Decision:
    """重度残疾人护理补贴 for one person for the month that contains ``on``."""
    del dibao  # the rates are set by the province, not derived from the 低保 standard here
    ctx = _Context("disability_nursing", household, request, policy, on)
    if ctx.refusal is not None or ctx.grade is None:
        return ctx.refuse(ctx.refusal)
    person, grade, category = ctx.person, ctx.grade, ctx.category
    excluded = _tekun_excluded(ctx, policy, _("护理补贴"))
    if excluded is not None:
        return ctx.refuse(excluded)
    if policy.no_combination_with_work_injury_care and request.work_injury_care:
        ctx.needs.append("CJ-02")
        return ctx.refuse(
            Line(
                _("%(name)s 已享受工伤保险生活护理费，当地规定不再享受重度残疾人护理补贴")
                % {"name": person.name},
                ("CJ-02",),
                LOCAL,
            )
        )

    rate: Decimal | None = policy.nursing_amounts.get(str(grade))
    if rate is not None:
        line = Line(
            _("%(name)s 为%(grade)s残疾：重度残疾人护理补贴 %(amount)s 元/月")
            % {"name": person.name, "grade": GRADES[grade], "amount": money_text(rate)},
            ("CJ-01", "CJ-03"),
            SOURCE_COVERAGE,
        )
    elif (
        policy.nursing_extends_to_grade3_intellectual_psychiatric
        and grade == 3
        and category in GRADE3_NURSING_CATEGORIES
    ):
        rate = policy.nursing_grade3_intellectual_psychiatric_amount
        line = Line(
            _("%(name)s 为三级%(category)s，当地将护理补贴扩大到三级智力、精神残疾人：%(amount)s 元/月")
            % {"name": person.name, "category": CATEGORIES[category], "amount": money_text(rate)},
            ("CJ-01", "CJ-03"),
            LOCAL,
        )
    else:
        who = "、".join(str(GRADES[g]) for g in sorted(GRADES) if str(g) in policy.nursing_amounts)
        if policy.nursing_extends_to_grade3_intellectual_psychiatric:
            who += _("及三级智力、精神")
        return ctx.refuse(
            Line(
                _("%(name)s 为%(grade)s残疾，重度残疾人护理补贴限于%(who)s残疾人，不享受")
                % {"name": person.name, "grade": GRADES[grade], "who": who or _("(当地未设置)")},
                ("CJ-01",),
                SOURCE_COVERAGE,
            )
        )
    if not request.needs_long_term_care:
        return ctx.refuse(
            Line(
                _("%(name)s 经评估不需要长期照护，不享受重度残疾人护理补贴") % {"name": person.name},
                ("CJ-01",),
                SOURCE_COVERAGE,
            )
        )
    ctx.lines.append(line)
    if person.is_orphan:
        ctx.needs.append("CJ-02")
        ctx.lines.append(
            Line(
                _("享受孤儿基本生活保障的残疾儿童不享受生活补贴，但可享受护理补贴"),
                ("CJ-02",),
                SOURCE_COMBINATION,
            )
        )
    return ctx.decide(rate, {})


PROGRAMS: tuple[Program, ...] = (
    Program(
        code="disability_living",
        label=gettext_lazy("困难残疾人生活补贴"),
        policy_key="disability",
        policy=Policy,
        request=Request,
        assess=assess_living,
        per_person=True,
    ),
    Program(
        code="disability_nursing",
        label=gettext_lazy("重度残疾人护理补贴"),
        policy_key="disability",
        policy=Policy,
        request=Request,
        assess=assess_nursing,
        per_person=True,
    ),
)
