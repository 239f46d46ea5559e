"""Deciding a program for a CASE.json or for a live household: the one entry point of the CLI, API and web page."""

from __future__ import annotations

from datetime import date
from typing import Any

from minzheng.assessment.cases import Case, case_from_json, decide
from minzheng.assessment.live import household_snapshot
from minzheng.core.errors import ValidationFailed
from minzheng.policy.selectors import policy_for
from minzheng.registry.models import Household
from minzheng.rules import serialize
from minzheng.rules.common import Decision
from minzheng.rules.programs import PROGRAMS


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
    assistance_status: str = "",
) -> tuple[Case, Decision]:
    """What-if (测算) on live data: the household as registered, the policy in force for its village on ``on``.

    The caller has already fetched ``household`` through the region-scoped selector.
    """
    if program_code not in PROGRAMS:
        raise ValidationFailed(f"program: {program_code}", fields={"program": ["?"]})
    program = PROGRAMS[program_code]
    case = Case(
        program=program,
        on=on,
        policy=policy_for(household.region_id, on),
        household=household_snapshot(
            household, on, property_ok=property_ok, assistance_status=assistance_status
        ),
        request=serialize.build(program.request, request or {}, path="request"),
    )
    return case, decide(case)
