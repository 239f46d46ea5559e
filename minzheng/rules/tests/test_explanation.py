"""A decision without its sentences (``explain=False``, what a standard change previews for tens of thousands of
benefits) is the same decision: same amount, eligibility, warnings, facts and review — only ``lines`` is empty."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minzheng.assessment.cases import case_from_json, decide
from minzheng.core.errors import ValidationFailed
from minzheng.rules import dibao
from minzheng.rules.common import Decision, HouseholdSnapshot, IncomeSnapshot, PersonSnapshot
from minzheng.rules.programs import PROGRAMS

EXAMPLES = sorted(
    p
    for p in (Path(__file__).resolve().parents[3] / "docs" / "assess-examples").glob("*.json")
    if not p.name.endswith(".expected.json")
)


def _without_lines(decision: Decision) -> Decision:
    return dataclasses.replace(decision, lines=())


def test_dibao_decides_without_sentences_on_request() -> None:
    assert PROGRAMS["dibao"].explains_lazily


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_each_documented_example_decides_the_same_without_its_sentences(path: Path) -> None:
    case = case_from_json(json.loads(path.read_text(encoding="utf-8")))
    full, light = decide(case), decide(case, explain=False)
    assert full.lines
    if case.program.explains_lazily:
        assert light == _without_lines(full)
    else:
        assert light == full  # a program that cannot skip its sentences just writes them


NAMES = ("甲", "乙", "丙", "丁", "戊")
people = st.builds(
    PersonSnapshot,
    name=st.just(""),  # set below: names are unique within a household
    birth_date=st.dates(min_value=date(1925, 1, 1), max_value=date(2024, 12, 31)),
    is_coresident=st.booleans(),
    non_coresident_reason=st.sampled_from(["", "in_prison", "lives_apart", "clergy_away"]),
    work_capacity=st.sampled_from(["full", "partial", "none"]),
    serious_illness=st.sampled_from(["", "尿毒症"]),
    disability_category=st.sampled_from(["", "physical", "intellectual"]),
    disability_grade=st.one_of(st.none(), st.integers(min_value=1, max_value=4)),
    date_of_death=st.one_of(st.none(), st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 12, 31))),
)
incomes = st.builds(
    IncomeSnapshot,
    category=st.sampled_from(["wage", "business", "property", "transfer"]),
    monthly_amount=st.decimals(min_value=-50, max_value=4000, places=2),
    source=st.sampled_from(["务工", "养老金", "奖学金", "租金"]),
    exclusion=st.sampled_from(["", "", "scholarship", "central_basic_pension", "preferential_care"]),
    member=st.sampled_from(["", *NAMES]),
)
ratios = st.fractions(min_value=Fraction(1, 10), max_value=Fraction(3), max_denominator=10)
policies = st.builds(
    dibao.Policy,
    standard_urban=st.decimals(min_value=300, max_value=1200, places=0),
    standard_rural=st.decimals(min_value=300, max_value=1200, places=2),
    method=st.sampled_from(["gap", "gap", "banded"]),
    bands=st.lists(st.builds(dibao.Band, below=ratios, pays=ratios), max_size=3).map(tuple),
    payment_rounding=st.sampled_from(["yuan", "jiao", "fen"]),
    excluded_income=st.sampled_from([tuple(dibao.INCOME_EXCLUSIONS), ("scholarship",), ()]),
    single_person_floor_ratio=st.one_of(st.none(), ratios),
    increments=st.lists(
        st.builds(
            dibao.Increment,
            category=st.sampled_from(list(dibao.INCREMENT_CATEGORIES)),
            ratio=st.fractions(min_value=0, max_value=Fraction(1, 2), max_denominator=10),
            fixed=st.decimals(min_value=0, max_value=100, places=0),
        ),
        max_size=3,
    ).map(tuple),
    increment_stack=st.sampled_from(["max", "sum"]),
    review_tiers=st.sampled_from(list(dibao.REVIEW_TIERS)),
    emergency_entrant_review_months=st.integers(min_value=1, max_value=12),
)


@st.composite
def households(draw: Any) -> HouseholdSnapshot:
    members = draw(st.lists(people, min_size=1, max_size=len(NAMES)))
    return HouseholdSnapshot(
        members=tuple(dataclasses.replace(p, name=NAMES[i]) for i, p in enumerate(members)),
        incomes=tuple(draw(st.lists(incomes, max_size=5))),
        property_ok=draw(st.sampled_from([True, True, None, False])),
        hukou_type=draw(st.sampled_from(["rural", "urban"])),
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    households(),
    st.builds(
        dibao.Request, single_person=st.sampled_from(["", "", "甲", "乙"]), emergency_entrant=st.booleans()
    ),
    policies,
    st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)),
)
def test_dibao_decides_the_same_with_and_without_its_sentences(
    household: HouseholdSnapshot, request: dibao.Request, policy: dibao.Policy, on: date
) -> None:
    try:
        full = dibao.assess(household, request, policy, on)
    except ValidationFailed:  # a single applicant who is not a member: refused either way
        with pytest.raises(ValidationFailed):
            dibao.assess(household, request, policy, on, explain=False)
        return
    light = dibao.assess(household, request, policy, on, explain=False)
    assert light == _without_lines(full)
    assert full.lines  # the explained decision still explains itself
    assert isinstance(light.amount, Decimal)
