"""Deciding a program for a CASE.json or for a live household: the one entry point of the CLI, API and web page."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from minzheng.assessment.cases import Case, case_from_json, decide
from minzheng.assessment.live import household_snapshot, income_warnings, registry_request
from minzheng.core.errors import ValidationFailed
from minzheng.policy.selectors import policy_for
from minzheng.registry.models import Household
from minzheng.rules import serialize
from minzheng.rules.common import Decision
from minzheng.rules.programs import PROGRAMS

#: the programs whose decision rests on the household's income (DB-14, TK-05, LS-02): stale or missing income lines
#: are said on their decisions
INCOME_TESTED = frozenset({"dibao", "tekun", "temporary"})


def assess_case(data: Any) -> tuple[Case, Decision]:
    """Decide a CASE.json object (already parsed from JSON)."""
    case = case_from_json(data)
    return case, decide(case)


def assess_household(
    *,
    household: Household,
    program_code: str,
    on: date,
    request: dict[str, Any] | None = None,
    property_ok: bool | None = None,
    assistance_status: str | None = None,
) -> tuple[Case, Decision]:
    """What-if (测算) on live data: the household as registered, the policy in force for its village on ``on``.

    The caller has already fetched ``household`` through the region-scoped selector. ``assistance_status`` None
    reads what the household receives on ``on`` (benefits.selectors); a value is the 测算 page's what-if. When the
    program tests income and the income on file does not describe the month (defect 17), the decision says so in
    its warnings and lists DB-14 under ``needs_verification``, with ``facts["income_check"]`` = "stale"/"missing".
    """
    if program_code not in PROGRAMS:
        raise ValidationFailed(f"program: {program_code}", fields={"program": ["?"]})
    program = PROGRAMS[program_code]
    policy = policy_for(household.region_id, on)
    data = registry_request(program, dict(request or {}), household.members.order_by("pk"))
    case = Case(
        program=program,
        on=on,
        policy=policy,
        household=household_snapshot(
            household, on, property_ok=property_ok, assistance_status=assistance_status
        ),
        request=serialize.build(program.request, data, path="request"),
    )
    decision = decide(case)
    if program_code in INCOME_TESTED:
        dibao = policy.get("dibao")
        check, notes = income_warnings(
            household, on, working_age=(dibao.working_age_from, dibao.working_age_to)
        )
        if notes:
            # said after the rule, on the live side: only the registry knows the lines the snapshot left out
            decision = replace(
                decision,
                warnings=(*notes, *decision.warnings),
                needs_verification=tuple(dict.fromkeys((*decision.needs_verification, "DB-14"))),
                facts={**decision.facts, "income_check": check},
            )
    return case, decision
