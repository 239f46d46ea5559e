"""Every program the rules engine decides, by its GLOSSARY code: one table for the CLI, the API and the web app."""

from __future__ import annotations

from minzheng.rules import (
    dibao,
    disability,
    elder_ability,
    elderly_allowance,
    funeral_subsidy,
    medical,
    payments,
    procedure,
    tekun,
    temporary,
    veterans,
)
from minzheng.rules.common import Program

_MODULES = (
    dibao,
    tekun,
    temporary,
    medical,
    elderly_allowance,
    funeral_subsidy,
    disability,
    veterans,
    elder_ability,
)

PROGRAMS: dict[str, Program] = {p.code: p for module in _MODULES for p in module.PROGRAMS}

#: one policy dataclass per namespace (two programs may share one, e.g. the two disability subsidies), plus the
#: procedure's own parameters
POLICY_CLASSES: dict[str, type] = {p.policy_key: p.policy for p in PROGRAMS.values()} | {
    "procedure": procedure.Policy,
    "payments": payments.Policy,
}


def program(code: str) -> Program:
    """The program with this code; KeyError when there is none."""
    return PROGRAMS[code]
