"""Policy presets shipped as data (``presets/*.json``): national defaults and dated local parameter sets.

A new county starts from a preset (``minzheng policy apply-preset``) and changes numbers in the policy editor,
never in code. Each file names its sources, so a reviewer can check every number against the published text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from minzheng.core.errors import ValidationFailed
from minzheng.policy.resolve import parse_values

PRESET_DIR = Path(__file__).with_name("presets")


@dataclass(frozen=True)
class Preset:
    name: str
    label: str
    description: str
    effective_from: date | None
    sources: tuple[str, ...]
    values: dict[str, Any]


@cache
def presets() -> dict[str, Preset]:
    """Every preset by name, each value checked against the parameter catalogue."""
    result: dict[str, Preset] = {}
    for path in sorted(PRESET_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        parse_values(data["values"])  # a bad number in a shipped preset fails loudly, here and in the tests
        effective = data.get("effective_from")
        result[path.stem] = Preset(
            name=path.stem,
            label=data["label"],
            description=data.get("description", ""),
            effective_from=date.fromisoformat(effective) if effective else None,
            sources=tuple(data.get("sources", ())),
            values=dict(data["values"]),
        )
    return result


def preset(name: str) -> Preset:
    try:
        return presets()[name]
    except KeyError:
        raise ValidationFailed(
            _("没有名为“%(name)s”的政策预设，可选：%(names)s")
            % {"name": name, "names": "、".join(presets())},
            fields={"preset": [_("没有这个预设")]},
        ) from None
