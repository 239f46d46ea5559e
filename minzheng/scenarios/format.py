"""SCENARIO.json: the dataclasses of the file format, parsed by the rules' one converter (unknown fields refused).

The format is documented in docs/scenarios.md; its JSON Schema (docs/scenario.schema.json) is generated from these
dataclasses by :func:`scenario_schema`, and a test checks it is current. Each step is an object with its ``date``
and exactly one kind (``{"date": "2025-03-02", "submit": {...}}``), so a step of the wrong shape is refused with
the path of the bad field, as CASE.json is.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from minzheng.core.errors import ValidationFailed
from minzheng.registry.models import (
    DisabilityCategory,
    HukouStatus,
    HukouType,
    IncomeCategory,
    IncomeExclusion,
    NonCoresidentReason,
    Relation,
    Schooling,
    VeteranCategory,
    WorkCapacity,
)
from minzheng.rules import serialize
from minzheng.rules.programs import PROGRAMS


def _choices(values: Any) -> dict[str, Any]:
    return {"choices": {str(v): v for v in values}}


def _label(text: str, **more: Any) -> dict[str, Any]:
    return {"label": text, **more}


@dataclass(frozen=True)
class Member:
    """A household member. Without ``id_number`` one is made up from ``birth_date`` and ``sex`` (county 510521)."""

    name: str
    relation: str = field(metadata=_choices(Relation.values))
    id_number: str = ""
    birth_date: dt.date | None = None
    sex: str = field(default="", metadata=_choices(["", "male", "female"]))
    hukou_status: str = field(default=HukouStatus.LOCAL, metadata=_choices(HukouStatus.values))
    is_coresident: bool = True
    non_coresident_reason: str = field(default="", metadata=_choices(NonCoresidentReason.values))
    away_for_work: bool = False
    work_capacity: str = field(default=WorkCapacity.FULL, metadata=_choices(WorkCapacity.values))
    schooling: str = field(default="", metadata=_choices(Schooling.values))
    serious_illness: str = ""
    disability_category: str = field(default="", metadata=_choices(DisabilityCategory.values))
    disability_grade: int | None = None
    disability_certificate: str = ""
    veteran_category: str = field(default="", metadata=_choices(VeteranCategory.values))
    is_orphan: bool = field(default=False, metadata=_label("孤儿(TK-03、CJ-02)"))


@dataclass(frozen=True)
class Income:
    """An income line of the registry (DB-14 category; a DB-15 exclusion code where one applies)."""

    category: str = field(metadata=_choices(IncomeCategory.values))
    monthly_amount: Decimal
    source: str
    member: str = field(default="", metadata=_label("成员姓名；空 = 家庭整体的收入(如种养殖、转移收入)"))
    exclusion: str = field(default="", metadata=_choices(IncomeExclusion.values))
    period_start: dt.date | None = None
    period_end: dt.date | None = None


@dataclass(frozen=True)
class Household:
    """The household as the registry holds it when the scenario starts."""

    members: tuple[Member, ...]
    hukou_type: str = field(default=HukouType.RURAL, metadata=_choices(HukouType.values))
    village: str = field(default="510521103222", metadata=_label("村(社区)代码，须在泸县的区划内"))
    address: str = "1 组 1 号"
    bank_name: str = "泸县农村商业银行"
    account_number: str = field(default="", metadata=_label("空 = 生成一个有效的卡号"))
    incomes: tuple[Income, ...] = ()


@dataclass(frozen=True)
class PolicyRow:
    """A policy version (政策参数) of a region from a date: a preset and/or values, as 政策参数 → 新增政策版本."""

    region: str
    effective_from: dt.date
    preset: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    note: str = "情景设定"


@dataclass(frozen=True)
class CaseRef:
    """Which application a procedure step acts on: the household's latest one of ``program`` (for ``subject``)."""

    program: str = field(default="", metadata=_label("空 = 最近提出的申请"))
    subject: str = field(default="", metadata=_label("按人申请的项目：对象姓名"))


@dataclass(frozen=True)
class Submit:
    """提出申请 (by the village officer)."""

    program: str = field(metadata=_choices(PROGRAMS))
    applicant: str = field(default="", metadata=_label("申请人姓名；空 = 户主"))
    subject: str = field(default="", metadata=_label("按人申请的项目：对象姓名；空 = 申请人"))
    request: dict[str, Any] = field(
        default_factory=dict, metadata=_label("该项目的申请事项(与 CASE.json 的 request 相同)")
    )
    reason: str = "生活困难"
    urgent: bool = field(default=False, metadata=_label("急难(临时救助可先行救助)"))


@dataclass(frozen=True)
class Procedure:
    """The whole procedure with the usual spacing: submit, accept (same day), visit (+1), check (+2), review (+3),
    publish (+5), close the notice when it ends, decide (the next day). Each step is the real service."""

    program: str = field(metadata=_choices(PROGRAMS))
    applicant: str = ""
    subject: str = ""
    request: dict[str, Any] = field(default_factory=dict)
    reason: str = "生活困难"
    urgent: bool = False
    approve: bool | None = field(
        default=None, metadata=_label("空 = 按初审测算：符合条件则确认，否则不予确认")
    )
    reasons: str = ""


@dataclass(frozen=True)
class Prepay:
    """先行救助 (LS-04) of an urgent 临时救助 application (by the township clerk)."""

    amount: Decimal
    program: str = "temporary"
    subject: str = ""


@dataclass(frozen=True)
class ChangeHead:
    """户主变更 (e.g. after the head died): the new head, the old head's new relation; the bank account holder
    becomes the new head."""

    member: str
    old_head_relation: str = field(default="other", metadata=_choices(Relation.values))


@dataclass(frozen=True)
class Visit:
    """入户调查 by the two visitors (a township clerk and the village officer)."""

    program: str = ""
    subject: str = ""
    findings: str = "住房为自建砖房，无车辆，收入情况与申报一致。"
    property_ok: bool | None = field(
        default=None,
        metadata=_label("调查人员对家庭财产的认定(DB-19)：true 未超过规定，false 超过，空 = 未认定"),
    )


@dataclass(frozen=True)
class Check:
    """经济状况核对 (by the township clerk)."""

    program: str = ""
    subject: str = ""
    result: str = field(default="consistent", metadata=_choices(["consistent", "inconsistent", "pending"]))
    summary: str = "核对结果与申报一致。"


@dataclass(frozen=True)
class Review:
    """乡镇初审 (by the township head): agree with the rules' decision, or override with an opinion."""

    program: str = ""
    subject: str = ""
    agree: bool = True
    opinion: str = ""
    amount: Decimal | None = None


@dataclass(frozen=True)
class Decide:
    """审核确认 (by the county approver; ``by: township`` = the township's deputy head, where the policy delegates
    it, e.g. small 临时救助 amounts, LS-03)."""

    program: str = ""
    subject: str = ""
    by: str = field(default="county", metadata=_choices(["county", "township"]))
    approve: bool = True
    reasons: str = ""
    amount: Decimal | None = None


@dataclass(frozen=True)
class MonthEnd:
    """Month end: the roster of the month for each program the household has a benefit of (generated and checked by
    the township clerk, published where the policy says, approved by the county), exported, and the bank's return
    (named payees' lines fail); failed lines go to the next roster (``reissue``). Then the monthly scan for the
    next month (reviews due, age changes)."""

    month: dt.date | None = field(default=None, metadata=_label("发放月份；空 = 本步日期所在月"))
    programs: tuple[str, ...] = field(default=(), metadata=_choices(PROGRAMS))
    fail: tuple[str, ...] = field(default=(), metadata=_label("回盘失败的领款人姓名"))
    failure_reason: str = "账户已冻结"
    reissue: str = field(default="next", metadata=_choices(["next", "manual", ""]))
    scan: bool = True


@dataclass(frozen=True)
class Death:
    """登记死亡 (by the township clerk); benefits follow through the registry's announcement."""

    member: str
    date_of_death: dt.date | None = field(default=None, metadata=_label("空 = 本步日期"))


@dataclass(frozen=True)
class Birth:
    """A new member (a birth, or someone moving in)."""

    member: Member


@dataclass(frozen=True)
class IncomeChange:
    """An income changes: the member's lines of the category are removed, then the new line added (amount 0 = gone)."""

    category: str = field(metadata=_choices(IncomeCategory.values))
    monthly_amount: Decimal
    member: str = ""
    source: str = "收入变化"
    exclusion: str = field(default="", metadata=_choices(IncomeExclusion.values))
    replace: bool = True


@dataclass(frozen=True)
class RecheckStep:
    """Act on the household's open rechecks of ``program``: apply the new decision (from next month at the earliest),
    or keep the benefit unchanged (dismiss); by the county approver."""

    program: str = ""
    subject: str = ""
    action: str = field(default="apply", metadata=_choices(["apply", "dismiss"]))
    reason: str = ""
    taper: bool = False


@dataclass(frozen=True)
class ReviewVisit:
    """定期复核: the visit and check of an open review recheck (opened by a month end's scan)."""

    program: str = ""
    subject: str = ""
    result: str = field(default="consistent", metadata=_choices(["consistent", "inconsistent", "pending"]))
    summary: str = "复核：家庭情况无变化。"


@dataclass(frozen=True)
class StandardChange:
    """A new standard: a policy row from ``effective_from`` (a month start, after the step's month), then the
    county's standard-change batch for ``program`` in the household's township (preview, then apply)."""

    region: str
    effective_from: dt.date
    values: dict[str, Any] = field(default_factory=dict)
    preset: str = ""
    program: str = field(default="dibao", metadata=_choices(PROGRAMS))
    note: str = "标准调整"


@dataclass(frozen=True)
class Fraud:
    """骗取保障的认定 (DB-47): stop from next month and recover what was obtained since ``since``."""

    since: dt.date
    program: str = ""
    subject: str = ""
    reason: str = "隐瞒家庭收入骗取保障"


STEP_KINDS: dict[str, type] = {
    "submit": Submit,
    "accept": CaseRef,
    "prepay": Prepay,
    "visit": Visit,
    "check": Check,
    "review": Review,
    "publish": CaseRef,
    "close_notice": CaseRef,
    "decide": Decide,
    "procedure": Procedure,
    "month_end": MonthEnd,
    "death": Death,
    "birth": Birth,
    "change_head": ChangeHead,
    "income": IncomeChange,
    "recheck": RecheckStep,
    "review_visit": ReviewVisit,
    "policy": PolicyRow,
    "standard_change": StandardChange,
    "fraud": Fraud,
}


@dataclass(frozen=True)
class Step:
    """One dated step: ``date`` and exactly one of the kinds (submit, accept, …)."""

    date: dt.date
    note: str = ""
    submit: Submit | None = None
    accept: CaseRef | None = None
    prepay: Prepay | None = None
    visit: Visit | None = None
    check: Check | None = None
    review: Review | None = None
    publish: CaseRef | None = None
    close_notice: CaseRef | None = None
    decide: Decide | None = None
    procedure: Procedure | None = None
    month_end: MonthEnd | None = None
    death: Death | None = None
    birth: Birth | None = None
    change_head: ChangeHead | None = None
    income: IncomeChange | None = None
    recheck: RecheckStep | None = None
    review_visit: ReviewVisit | None = None
    policy: PolicyRow | None = None
    standard_change: StandardChange | None = None
    fraud: Fraud | None = None

    @property
    def kind(self) -> str:
        return next(name for name in STEP_KINDS if getattr(self, name) is not None)

    @property
    def action(self) -> Any:
        return getattr(self, self.kind)


@dataclass(frozen=True)
class Scenario:
    """One household's life: the policy rows, the household, then dated steps in order."""

    household: Household
    steps: tuple[Step, ...]
    title: str = ""
    description: str = field(default="", metadata=_label("这个情景说明什么，正确的结果应是什么"))
    policy: tuple[PolicyRow, ...] = field(
        default=(), metadata=_label("情景开始前已有的政策版本；泸州市 2024 标准(luzhou-2024)总是先载入")
    )


assert set(STEP_KINDS) <= {f.name for f in dataclasses.fields(Step)}  # noqa: S101 - a typo here is a bug


def _fail(path: str, message: str) -> ValidationFailed:
    return ValidationFailed(
        _("%(path)s：%(message)s") % {"path": path, "message": message}, fields={path: [message]}
    )


def scenario_from_json(data: Any) -> Scenario:
    """A SCENARIO.json object to a Scenario; every problem raises ValidationFailed naming the field (in Chinese)."""
    if not isinstance(data, Mapping):
        raise _fail("SCENARIO", _("应为 JSON 对象"))
    scenario: Scenario = serialize.build(Scenario, data)
    if not scenario.household.members:
        raise _fail("household.members", _("至少要有一名家庭成员"))
    names = [m.name for m in scenario.household.members]
    for index, member in enumerate(scenario.household.members):
        if not member.id_number and (member.birth_date is None or not member.sex):
            raise _fail(f"household.members[{index}]", _("请填写身份证号，或填写出生日期和性别"))
        if names.count(member.name) > 1:
            raise _fail(
                f"household.members[{index}].name", _("同一户内姓名不能重复：%(n)s") % {"n": member.name}
            )
    if sum(1 for m in scenario.household.members if m.relation == Relation.HEAD) != 1:
        raise _fail("household.members", _("须有且只有一名户主(relation 为 head)"))
    previous: dt.date | None = None
    for index, step in enumerate(scenario.steps):
        given = [name for name in STEP_KINDS if getattr(step, name) is not None]
        if len(given) != 1:
            raise _fail(
                f"steps[{index}]",
                _("每一步须有且只有一种操作(%(kinds)s 之一)，这里有 %(n)s 种")
                % {"kinds": "、".join(STEP_KINDS), "n": len(given)},
            )
        if previous is not None and step.date < previous:
            raise _fail(f"steps[{index}].date", _("步骤须按日期先后排列(早于上一步 %(d)s)") % {"d": previous})
        previous = step.date
        action = step.action
        for key in ("request",):
            request = getattr(action, key, None)
            if request is not None:
                serialize.build(
                    PROGRAMS[action.program].request, request, path=f"steps[{index}].{step.kind}.request"
                )
    return scenario


def scenario_schema() -> dict[str, Any]:
    """JSON Schema of SCENARIO.json, from these dataclasses (docs/scenario.schema.json)."""
    defs: dict[str, Any] = {}
    serialize.definitions(Scenario, defs)
    step = defs[serialize.def_key(Step)]
    step["oneOf"] = [{"required": [name]} for name in STEP_KINDS]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/minzheng/minzheng/docs/scenario.schema.json",
        "title": "minzheng scenario run SCENARIO.json",
        "$ref": f"#/$defs/{serialize.def_key(Scenario)}",
        "$defs": dict(sorted(defs.items())),
    }
