"""The checks a roster passes before approval, each a list the clerk can act on.

Blocking: a missing or malformed account (the bank would refuse it), a payee who has died (the payee must change),
a benefit changed after the roster was built (the roster must be generated again).
Warnings: one account on several households, an amount that moved more than the policy's ratio since the last
cycle. And the totals by village and program against the last cycle, for the eye.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Count, DecimalField, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum
from django.utils.translation import gettext as _

from minzheng.benefits.models import BenefitChange
from minzheng.core.money import ZERO, round_money
from minzheng.payments.models import PayCycle, RosterLine
from minzheng.regions.models import Region
from minzheng.registry.models import Member
from minzheng.registry.validation import check_account_number
from minzheng.rules.programs import PROGRAMS


def previous_cycle(cycle: PayCycle) -> PayCycle | None:
    """The same programs and region, the period just before (what 'last month' means for a comparison)."""
    return (
        PayCycle.objects.filter(
            region_id=cycle.region_id, programs=cycle.programs, period_start__lt=cycle.period_start
        )
        .exclude(state="building")
        .order_by("-period_start")
        .first()
    )


def _problem(kind: str, line: Any, detail: str, *, blocking: bool) -> dict[str, Any]:
    return {
        "kind": kind,
        "blocking": blocking,
        "line": line["pk"],
        "household": line["household_id"],
        "name": line["payee_name"],
        "village": line["region_id"],
        "detail": detail,
    }


def run_checks(cycle: PayCycle) -> dict[str, Any]:
    """Every check over the cycle's lines; the result is stored on the cycle and shown on its page."""
    problems: list[dict[str, Any]] = []
    lines = RosterLine.objects.filter(cycle=cycle)
    fields = ("pk", "household_id", "payee_name", "region_id", "account_number", "payee_id_number")

    # accounts: only lines with something wrong are read
    for line in lines.filter(~Q(account_number__regex=r"^[0-9]{12,19}$")).values(*fields):
        if not line["account_number"]:
            problems.append(_problem("account_missing", line, _("未登记银行账号"), blocking=True))
        else:
            _number, errors, _warnings = check_account_number(line["account_number"])
            problems.append(
                _problem(
                    "account_invalid",
                    line,
                    "；".join(errors) or _("银行账号格式不正确"),
                    blocking=True,
                )
            )

    shared = (
        lines.exclude(account_number="")
        .values("account_number")
        .annotate(households=Count("household_id", distinct=True))
        .filter(households__gt=1)
        .values_list("account_number", flat=True)
    )
    shared_accounts = list(shared)
    if shared_accounts:
        for line in lines.filter(account_number__in=shared_accounts).values(*fields):
            problems.append(
                _problem(
                    "account_shared",
                    line,
                    _("账号 %(acc)s 同时登记在多户，请核实是否代领") % {"acc": line["account_number"]},
                    blocking=False,
                )
            )

    # a payee who died before the period began cannot be paid into (the benefit's own stop handles later deaths)
    dead = dict(
        Member.objects.filter(
            id_number__in=lines.exclude(payee_id_number="").values("payee_id_number"),
            date_of_death__lt=cycle.period_start,
        ).values_list("id_number", "date_of_death")
    )
    if dead:
        for line in lines.filter(payee_id_number__in=list(dead)).values(*fields):
            died = dead[line["payee_id_number"]]
            problems.append(
                _problem(
                    "payee_deceased",
                    line,
                    _("领款人已于 %(d)s 死亡，请变更户主或领款人后重新生成")
                    % {"d": died.isoformat() if died else ""},
                    blocking=True,
                )
            )

    # a benefit changed after its line was built (stopped for fraud or a death, adjusted by a recheck): the line pays
    # what is no longer decided, so the roster must be generated again (a draft can be)
    # (the change in force for the line's last month, read now as the roster reads it: latest month, then latest row)
    in_force = (
        BenefitChange.objects.filter(
            benefit_id=OuterRef("benefit_id"), effective_month__lte=OuterRef("months_to")
        )
        .order_by("-effective_month", "-pk")
        .values("pk")[:1]
    )
    stale = lines.filter(change_id__isnull=False).annotate(now=Subquery(in_force)).exclude(now=F("change_id"))
    for line in stale.values(*fields):
        problems.append(
            _problem(
                "benefit_changed",
                line,
                _("名册生成后该待遇已变动(停发或调整)，请重新生成名册"),
                blocking=True,
            )
        )

    previous = previous_cycle(cycle)
    if previous is not None:
        problems.extend(_changed_amounts(cycle, previous))
    villages = _totals_by_village(cycle, previous)

    names = dict(Region.objects.filter(code__in={p["village"] for p in problems}).values_list("code", "name"))
    for item in problems:
        item["village_name"] = names.get(item["village"], item["village"])
    order = {
        "account_missing": 0,
        "account_invalid": 1,
        "payee_deceased": 2,
        "benefit_changed": 3,
        "account_shared": 4,
    }
    problems.sort(key=lambda p: (order.get(p["kind"], 9), p["village"], p["line"]))
    return {
        "problems": problems,
        "blocking": sum(1 for p in problems if p["blocking"]),
        "villages": villages,
        "previous": previous.pk if previous else None,
    }


def _changed_amounts(cycle: PayCycle, previous: PayCycle) -> list[dict[str, Any]]:
    """Lines whose monthly amount moved by more than the policy's ratio since the previous cycle. The database finds
    them (each line probes its benefit's previous line through the (cycle, benefit) index); only those few are read.
    With per-month amounts n = new / months and o = old / previous months: |n − o| > o × ratio, i.e.
    |new × pm − old × cm| × den > old × cm × num."""
    from minzheng.policy.selectors import policy_for

    ratio: Fraction = policy_for(cycle.region_id, cycle.period_start).get("payments").change_alert_ratio
    money: DecimalField[Decimal, Decimal] = DecimalField(max_digits=20, decimal_places=2)
    before = RosterLine.objects.filter(cycle=previous, benefit_id=OuterRef("benefit_id")).values(
        "regular_amount"
    )[:1]
    cm, pm = cycle.months, previous.months
    changed = (
        RosterLine.objects.filter(cycle=cycle)
        .annotate(old=Subquery(before, output_field=money))
        .filter(old__gt=0)
        .annotate(
            gap=ExpressionWrapper(
                (F("regular_amount") * pm - F("old") * cm) * ratio.denominator, output_field=money
            ),
            allowed=ExpressionWrapper(F("old") * cm * ratio.numerator, output_field=money),
        )
        .filter(Q(gap__gt=F("allowed")) | Q(gap__lt=F("allowed") * -1))
        .values("pk", "household_id", "payee_name", "region_id", "regular_amount", "old")
    )
    out = []
    for line in changed:
        old = Decimal(line["old"]) / pm
        new = line["regular_amount"] / cm
        out.append(
            _problem(
                "amount_changed",
                line,
                _("每月金额由 %(old)s 元变为 %(new)s 元，变动超过 %(pct)s%%，请核对依据")
                % {
                    "old": old.quantize(Decimal("0.01")),
                    "new": new.quantize(Decimal("0.01")),
                    "pct": round(float(ratio) * 100),
                },
                blocking=False,
            )
        )
    return out


def _totals_by_village(cycle: PayCycle, previous: PayCycle | None) -> list[dict[str, Any]]:
    def totals(of: PayCycle) -> dict[tuple[str, str], tuple[int, Decimal]]:
        return {
            (row["region_id"], row["program"]): (row["n"], round_money(row["total"] or ZERO))
            for row in RosterLine.objects.filter(cycle=of)
            .values("region_id", "program")
            .annotate(n=Count("pk"), total=Sum("amount"))
        }

    now = totals(cycle)
    before = totals(previous) if previous else {}
    names = dict(Region.objects.filter(code__in={k[0] for k in (*now, *before)}).values_list("code", "name"))
    rows = []
    for key in sorted(set(now) | set(before)):
        count, total = now.get(key, (0, ZERO))
        old_count, old_total = before.get(key, (0, ZERO))
        rows.append(
            {
                "village": key[0],
                "village_name": names.get(key[0], key[0]),
                "program": str(PROGRAMS[key[1]].label) if key[1] in PROGRAMS else key[1],
                "count": count,
                "total": str(total),
                "previous_count": old_count,
                "previous_total": str(old_total),
                "delta": str(total - old_total),
            }
        )
    return rows
