"""The program table: every rule module registered, every parameter and request field labelled and JSON-safe."""

from __future__ import annotations

import dataclasses

import pytest

from minzheng.rules import serialize
from minzheng.rules.common import Program
from minzheng.rules.programs import POLICY_CLASSES, PROGRAMS

GLOSSARY_CODES = {
    "dibao",
    "tekun",
    "temporary",
    "medical",
    "elderly_allowance",
    "funeral_subsidy",
    "disability_living",
    "disability_nursing",
    "veterans",
    "conscript_family",
    "elder_ability",
}


def test_every_program_of_the_issue_is_registered_under_its_glossary_code() -> None:
    assert set(PROGRAMS) == GLOSSARY_CODES


@pytest.mark.parametrize("program", PROGRAMS.values(), ids=lambda p: p.code)
def test_every_request_field_has_a_chinese_label_for_the_what_if_form(program: Program) -> None:
    for f in dataclasses.fields(program.request):
        assert str(f.metadata.get("label", "")).strip(), f"{program.code}.request.{f.name}"


@pytest.mark.parametrize("cls", POLICY_CLASSES.values(), ids=lambda c: c.__module__)
def test_every_policy_default_round_trips_through_json(cls: type) -> None:
    default = cls()
    assert serialize.build(cls, serialize.to_json(default)) == default


@pytest.mark.parametrize("program", PROGRAMS.values(), ids=lambda p: p.code)
def test_every_request_default_round_trips_through_json(program: Program) -> None:
    default = program.request()
    assert serialize.build(program.request, serialize.to_json(default)) == default
