"""CASE.json → a case the rules engine can decide, and a decision → JSON or a Chinese explanation.

The format is documented in docs/assess.md and docs/assess.schema.json (generated from the same dataclasses by
:func:`case_schema`, and checked by a test to be current).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minzheng.core.errors import ValidationFailed
from minzheng.policy.presets import preset as get_preset
from minzheng.policy.resolve import PARAMETERS, Layer, PolicySet, resolve
from minzheng.registry.idnumber import parse_id_number
from minzheng.rules import serialize
from minzheng.rules.common import Decision, HouseholdSnapshot, PersonSnapshot, Program
from minzheng.rules.programs import PROGRAMS
from minzheng.rules.serialize import ISO_DATE

CASE_KEYS = {"program", "date", "policy", "household", "request"}
POLICY_KEYS = {"preset", "region", "overrides"}


@dataclass(frozen=True)
class Case:
    program: Program
    on: date
    policy: PolicySet
    household: HouseholdSnapshot
    request: Any


def _fail(path: str, message: str) -> ValidationFailed:
    return ValidationFailed(
        _("%(path)s：%(message)s") % {"path": path, "message": message}, fields={path: [message]}
    )


def program_for(code: Any) -> Program:
    if not isinstance(code, str) or code not in PROGRAMS:
        return_list = "、".join(PROGRAMS)
        raise _fail("program", _("应为以下项目之一：%(codes)s") % {"codes": return_list})
    return PROGRAMS[code]


def policy_from(data: Any, on: date, *, region_layers: Any = None) -> PolicySet:
    """The ``policy`` object of a case: a preset and/or a region (read from the database), then overrides."""
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise _fail("policy", _("应为对象(键值对)"))
    unknown = sorted(set(data) - POLICY_KEYS)
    if unknown:
        raise _fail(f"policy.{unknown[0]}", _("没有这个字段"))
    layers: list[Layer] = []
    if "region" in data and data["region"] not in (None, ""):
        if not isinstance(data["region"], str):
            raise _fail("policy.region", _("应为地区代码(文字)"))
        if region_layers is None:
            from minzheng.regions.models import Region

            if not Region.objects.filter(code=data["region"]).exists():
                raise _fail("policy.region", _("没有这个地区：%(code)s") % {"code": data["region"]})
    if data.get("region"):
        if region_layers is None:
            from minzheng.policy.selectors import policy_layers

            region_layers = policy_layers
        layers.extend(region_layers(str(data["region"]), on))
    if data.get("preset"):
        chosen = get_preset(str(data["preset"]))
        layers.append(Layer(origin=_("预设：%(label)s") % {"label": chosen.label}, values=chosen.values))
    overrides = data.get("overrides") or {}
    if not isinstance(overrides, Mapping):
        raise _fail("policy.overrides", _("应为对象(键值对)"))
    if overrides:
        layers.append(Layer(origin=_("本案例指定"), values=overrides))
    return resolve(layers)


def _member_data(raw: Any, index: int, on: date) -> Any:
    """Fill birth date and sex from the ID number when only the number is given (ID-04), and check they agree."""
    path = f"household.members[{index}]"
    if not isinstance(raw, Mapping):
        raise _fail(path, _("应为对象(键值对)"))
    data = dict(raw)
    number = data.get("id_number")
    if number is not None and not isinstance(number, str):
        # As a number, an ID loses its leading zeros and its X, and JSON readers round it: text only.
        raise _fail(f"{path}.id_number", _("身份证号应为文字(加引号)"))
    if number:
        check = parse_id_number(number, today=on)
        if not check.valid:
            raise _fail(f"{path}.id_number", "；".join(str(e.message) for e in check.errors))
        data["id_number"] = check.number
        born = check.birth_date.isoformat() if check.birth_date else None
        if data.get("birth_date") and data["birth_date"] != born:
            raise _fail(
                f"{path}.birth_date",
                _("与身份证号中的出生日期 %(born)s 不一致") % {"born": born},
            )
        data["birth_date"] = born
        if data.get("sex") and data["sex"] != check.sex:
            raise _fail(f"{path}.sex", _("与身份证号推算的性别不一致"))
        data["sex"] = check.sex
    elif not data.get("birth_date"):
        raise _fail(f"{path}.birth_date", _("请填写出生日期或身份证号"))
    return data


def case_from_json(data: Any, *, region_layers: Any = None) -> Case:
    """A whole CASE.json object to a Case; every problem raises ValidationFailed naming the field."""
    if not isinstance(data, Mapping):
        raise _fail("CASE", _("应为 JSON 对象"))
    unknown = sorted(set(data) - CASE_KEYS)
    if unknown:
        raise _fail(unknown[0], _("没有这个字段"))
    program = program_for(data.get("program"))
    raw_date = data.get("date", "")
    if not isinstance(raw_date, str) or not ISO_DATE.fullmatch(raw_date):
        raise _fail("date", _("日期应为文字，格式 YYYY-MM-DD"))
    try:
        on = date.fromisoformat(raw_date)
    except ValueError:
        raise _fail("date", _("日期格式应为 YYYY-MM-DD")) from None
    household_raw = data.get("household")
    if not isinstance(household_raw, Mapping):
        raise _fail("household", _("必须填写家庭情况"))
    household_data = dict(household_raw)
    members = household_data.get("members")
    if not isinstance(members, list) or not members:
        raise _fail("household.members", _("至少要有一名家庭成员"))
    household_data["members"] = [_member_data(m, i, on) for i, m in enumerate(members)]
    household = serialize.build(HouseholdSnapshot, household_data, path="household")
    for index, person in enumerate(household.members):
        if person.birth_date > on:
            raise _fail(f"household.members[{index}].birth_date", _("出生日期晚于测算日期"))
    for index, item in enumerate(household.incomes):
        if item.monthly_amount < 0 or item.monthly_amount >= Decimal("1000000000000"):
            raise _fail(
                f"household.incomes[{index}].monthly_amount",
                _("月均金额应在 0 到 999,999,999,999.99 元之间；支出请按 DB-14 在转移净收入中扣减后填写"),
            )
    request = serialize.build(program.request, data.get("request") or {}, path="request")
    policy = policy_from(data.get("policy"), on, region_layers=region_layers)
    return Case(program=program, on=on, policy=policy, household=household, request=request)


def decide(case: Case, *, explain: bool = True) -> Decision:
    """Run the program's rule on the case with the policy in force. ``explain=False`` asks for the amount and
    eligibility only: a rule that can (``Program.explains_lazily``) then skips writing its sentences, and the
    decision is the same but for its empty ``lines``."""
    policy = case.policy.get(case.program.policy_key)
    options = {} if explain or not case.program.explains_lazily else {"explain": False}
    decision: Decision = case.program.assess(
        case.household, case.request, policy, case.on, dibao=case.policy.get("dibao"), **options
    )
    return decision


def decision_json(decision: Decision, case: Case) -> dict[str, Any]:
    """The decision as CASE.json's answer: money as strings, every line with its rules and source."""
    namespace = case.program.policy_key
    national = _("全国默认")
    used = case.policy.json_values(namespace)
    return {
        "program": decision.program,
        "program_label": str(case.program.label),
        "date": case.on.isoformat(),
        "subject": decision.subject,
        "eligible": decision.eligible,
        "near_dibao": decision.near_dibao,
        "amount": str(decision.amount),
        "period": decision.period,
        "zero_after_rounding": decision.zero_after_rounding,
        "review_months": decision.review_months,
        "lines": [
            {"text": line.text, "rules": list(line.rules), "source": line.source} for line in decision.lines
        ],
        "warnings": list(decision.warnings),
        "needs_verification": list(decision.needs_verification),
        "facts": serialize.to_json(decision.facts),
        "policy": {
            "values": used,
            "origins": {
                key: case.policy.origins[key] for key in used if case.policy.origins[key] != national
            },
        },
    }


PERIOD_UNITS = {
    "monthly": gettext_lazy("元/月"),
    "quarterly": gettext_lazy("元/季"),
    "yearly": gettext_lazy("元/年"),
    "one_off": gettext_lazy("元"),
    "none": "",
}


def explain(decision: Decision, case: Case) -> str:
    """The breakdown a clerk reads: the conclusion, then each step with its rule and article."""
    unit = PERIOD_UNITS.get(decision.period, "")
    about = f"({decision.subject})" if decision.subject else ""
    out = [f"{case.program.label}{about} · {case.on.isoformat()}"]
    if decision.period == "none":
        verdict = _("结论：%(result)s") % {"result": decision.facts.get("level_label", "") or _("已评估")}
    elif decision.eligible:
        verdict = _("结论：符合条件，金额 %(amount)s %(unit)s") % {"amount": decision.amount, "unit": unit}
    else:
        verdict = _("结论：不符合条件")
        if decision.near_dibao:
            verdict += _("(属于低保边缘家庭)")
    out.append(verdict)
    out.append(_("计算过程："))
    for number, line in enumerate(decision.lines, start=1):
        basis = "；".join(part for part in (", ".join(line.rules), line.source) if part)
        out.append(f"  {number}. {line.text}" + (f"  〔{basis}〕" if basis else ""))
    if decision.review_months:
        out.append(_("复核周期：每 %(m)s 个月") % {"m": decision.review_months})
    for warning in decision.warnings:
        out.append(_("提示：%(w)s") % {"w": warning})
    if decision.needs_verification:
        out.append(
            _("以下规则依据尚待核实原文(needs_verification)：%(ids)s")
            % {"ids": "、".join(decision.needs_verification)}
        )
    return "\n".join(out) + "\n"


def case_schema() -> dict[str, Any]:
    """JSON Schema of CASE.json, from the very dataclasses the engine reads (docs/assess.schema.json)."""
    defs: dict[str, Any] = {}
    serialize.definitions(HouseholdSnapshot, defs)
    request_refs = []
    for program in PROGRAMS.values():
        serialize.definitions(program.request, defs)
        key = serialize.def_key(program.request)
        request_refs.append(
            {
                "if": {"properties": {"program": {"const": program.code}}},
                "then": {"properties": {"request": {"$ref": f"#/$defs/{key}"}}},
            }
        )
    member_key = serialize.def_key(PersonSnapshot)
    # birth_date may be left out when id_number is given (it is derived, ID-04)
    defs[member_key]["required"] = [r for r in defs[member_key].get("required", []) if r != "birth_date"]
    defs[member_key]["anyOf"] = [{"required": ["birth_date"]}, {"required": ["id_number"]}]
    overrides = {
        key: serialize.schema_for(
            p.hint, p.choices, f"{p.label} ({', '.join(p.rules)})" if p.rules else str(p.label)
        )
        for key, p in PARAMETERS.items()
    }
    for key, schema in overrides.items():
        for cls in serialize._nested(PARAMETERS[key].hint):
            serialize.definitions(cls, defs)
        overrides[key] = schema
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/minzheng/minzheng/docs/assess.schema.json",
        "title": "minzheng assess CASE.json",
        "type": "object",
        "additionalProperties": False,
        "required": ["program", "date", "household"],
        "properties": {
            "program": {"enum": list(PROGRAMS), "description": "GLOSSARY identifier of the program"},
            "date": {"type": "string", "format": "date", "description": "the day the decision is for"},
            "policy": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "preset": {"type": "string", "description": "a preset name: minzheng policy presets"},
                    "region": {"type": "string", "description": "a region code whose policy rows apply"},
                    "overrides": {"type": "object", "additionalProperties": False, "properties": overrides},
                },
            },
            "household": {"$ref": f"#/$defs/{serialize.def_key(HouseholdSnapshot)}"},
            "request": {"type": "object"},
        },
        "allOf": request_refs,
        "$defs": dict(sorted(defs.items())),
    }
