"""The report of a run as a clerk reads it; the JSON form (``--json``) is the runner's own data, unchanged."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

KIND_LABELS = {
    "household": gettext_lazy("建立家庭档案"),
    "submit": gettext_lazy("提出申请"),
    "prepay": gettext_lazy("先行救助"),
    "change_head": gettext_lazy("变更户主"),
    "accept": gettext_lazy("受理"),
    "visit": gettext_lazy("入户调查"),
    "check": gettext_lazy("经济状况核对"),
    "review": gettext_lazy("乡镇初审"),
    "publish": gettext_lazy("公示"),
    "close_notice": gettext_lazy("公示期满"),
    "decide": gettext_lazy("审核确认"),
    "procedure": gettext_lazy("申请办理全过程"),
    "month_end": gettext_lazy("月末发放"),
    "death": gettext_lazy("登记死亡"),
    "birth": gettext_lazy("增加家庭成员"),
    "income": gettext_lazy("收入变化"),
    "recheck": gettext_lazy("处理复核提示"),
    "review_visit": gettext_lazy("定期复核"),
    "policy": gettext_lazy("政策版本"),
    "standard_change": gettext_lazy("标准调整"),
    "fraud": gettext_lazy("认定骗取保障"),
}
STATUS_LABELS = {
    "paid": gettext_lazy("已发放"),
    "failed": gettext_lazy("发放失败"),
    "pending": gettext_lazy("待发放"),
}


def _program(code: str) -> str:
    from minzheng.rules.programs import PROGRAMS

    return str(PROGRAMS[code].label) if code in PROGRAMS else code


def _state(code: str) -> str:
    from minzheng.cases.models import Benefit

    return str(Benefit.State(code).label) if code in Benefit.State.values else code


def _trigger(code: str) -> str:
    from minzheng.benefits.models import Recheck

    return str(Recheck.Trigger(code).label) if code in Recheck.Trigger.values else code


def render_text(result: dict[str, Any], *, explain: bool = False) -> str:
    """Each step with what it did, then the benefits' history and every roster line."""
    out: list[str] = []
    if result.get("title"):
        out.append(str(result["title"]))
    if result.get("description"):
        out.append(str(result["description"]))
    out.append("")
    for step in result["steps"]:
        _step(out, step, explain, indent="")
    out.append("")
    out.append(_("待遇及变动："))
    for benefit in result["benefits"]:
        about = f"({benefit['subject']})" if benefit["subject"] else ""
        out.append(
            _("  %(p)s%(s)s：%(state)s，%(a)s 元，自 %(m)s 起")
            % {
                "p": _program(benefit["program"]),
                "s": about,
                "state": _state(benefit["state"]),
                "a": benefit["amount"],
                "m": benefit["first_month"],
            }
        )
        for change in benefit["history"]:
            out.append("    " + _change(change))
        for recovery in benefit["recoveries"]:
            out.append(
                "    "
                + _("追回 %(a)s 元，罚款 %(lo)s–%(hi)s 元")
                % {"a": recovery["amount"], "lo": recovery["fine_min"], "hi": recovery["fine_max"]}
            )
    out.append("")
    out.append(_("发放名册(每月)："))
    for line in result["roster"]:
        out.append("  " + _roster(line))
    return "\n".join(out) + "\n"


def _step(out: list[str], step: dict[str, Any], explain: bool, indent: str) -> None:
    label = KIND_LABELS.get(step["kind"], step["kind"])
    head = f"{indent}{step['date']}  {label}"
    if step.get("note"):
        head += f"  ({step['note']})"
    if step.get("status"):
        head += f"  → {step['status']}"
    out.append(head)
    more = indent + "    "
    for stage in step.get("stages", []):
        _step(out, stage, explain, indent + "  ")
    if "error" in step:
        out.append(more + _("系统拒绝：%(m)s") % {"m": step["error"]})
    decision = step.get("decision")
    if decision:
        _decision(out, decision, explain, more)
    if step.get("notice"):
        n = step["notice"]
        out.append(
            more
            + _("公示 %(a)s 至 %(b)s：%(n)s，%(k)s 人，%(m)s 元")
            % {
                "a": n["starts_on"],
                "b": n["ends_on"],
                "n": n["public_name"],
                "k": n["public_members"],
                "m": n["public_amount"],
            }
        )
    for deadline in step.get("deadlines", []):
        done = deadline["done_on"] or _("未完成")
        out.append(
            more
            + _("时限：%(s)s 应于 %(due)s 前，完成于 %(done)s〔%(r)s〕")
            % {
                "s": deadline["step"],
                "due": deadline["due"] or "—",
                "done": done,
                "r": ", ".join(deadline["rules"]),
            }
        )
    if step.get("benefit"):
        b = step["benefit"]
        out.append(more + _("确认 %(a)s 元，自 %(m)s 起发放") % {"a": b["amount"], "m": b["first_month"][:7]})
    if step.get("refusal_reasons"):
        out.append(more + _("不予确认：%(r)s") % {"r": step["refusal_reasons"]})
    for review in step.get("reviews", []):
        out.append(
            more + _("复核测算：%(o)s → %(n)s 元") % {"o": review["old_amount"], "n": review["new_amount"]}
        )
        if review.get("decision"):
            _decision(out, review["decision"], explain, more + "  ")
    if step.get("recovery"):
        r = step["recovery"]
        out.append(
            more
            + _("%(s)s 至 %(u)s 应追回 %(a)s 元，罚款 %(lo)s–%(hi)s 元")
            % {"s": r["since"], "u": r["until"], "a": r["amount"], "lo": r["fine_min"], "hi": r["fine_max"]}
        )
    for line in step.get("roster", []):
        out.append(more + _roster(line))
    for change in step.get("changes", []):
        out.append(more + _change(change))
    for recheck in step.get("rechecks", []):
        amounts = ""
        if recheck["new_amount"] is not None:
            shown = [a for a in (recheck["old_amount"], recheck["new_amount"]) if a is not None]
            amounts = "  " + " → ".join(shown)
        out.append(
            more
            + _("复核提示(%(t)s，%(m)s 起)：%(r)s")
            % {"t": _trigger(recheck["trigger"]), "m": recheck["month"], "r": recheck["reason"]}
            + amounts
        )


def _decision(out: list[str], decision: dict[str, Any], explain: bool, indent: str) -> None:
    verdict = (
        _("测算：符合条件，%(a)s 元") % {"a": decision["amount"]}
        if decision["eligible"]
        else _("测算：不符合条件")
    )
    out.append(indent + verdict)
    for line in decision["lines"]:
        rules = f"  〔{', '.join(line['rules'])}〕" if line["rules"] else ""
        out.append(indent + "  " + line["text"] + rules)
    for warning in decision.get("warnings", []):
        out.append(indent + "  " + _("提示：%(w)s") % {"w": warning})
    if explain and decision.get("needs_verification"):
        ids = "、".join(decision["needs_verification"])
        out.append(indent + "  " + _("依据尚待核实原文(needs_verification)：%(ids)s") % {"ids": ids})


def _change(change: dict[str, Any]) -> str:
    amounts = " → ".join(a for a in (change["old_amount"], change["new_amount"]) if a is not None)
    from minzheng.benefits.models import ChangeKind

    kind = ChangeKind(change["kind"]).label if change["kind"] in ChangeKind.values else change["kind"]
    return f"{change['month']} {_program(change['program'])} {kind} {amounts}  {change['reason']}".rstrip()


def _roster(line: dict[str, Any]) -> str:
    extra = []
    for key, label in (("arrears", _("补发")), ("reissue", _("重发")), ("deduction", _("抵扣"))):
        if line[key] != "0.00":
            extra.append(f"{label} {line[key]}")
    status = STATUS_LABELS.get(line["status"], line["status"])
    text = _("%(c)s 名册 %(p)s %(m)s %(who)s 实发 %(a)s 元 %(s)s") % {
        "c": line["cycle"],
        "p": _program(line["program"]),
        "m": line["months"],
        "who": line["payee"],
        "a": line["amount"],
        "s": status,
    }
    if extra:
        text += f"({'，'.join(extra)})"
    if line["failure_reason"]:
        text += f"  {line['failure_reason']}"
    return text
