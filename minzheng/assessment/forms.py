"""The what-if (测算) form: generic over a program's Request dataclass, so a new rule needs no new form."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _

from minzheng.core.errors import ValidationFailed
from minzheng.rules import serialize
from minzheng.rules.common import Program


@dataclass(frozen=True)
class RequestField:
    name: str
    label: str
    kind: str  # subject, bool, choice, number, date, text, json
    choices: dict[str, Any]
    default: str
    help_text: str
    value: str = ""  # what the clerk posted, shown back


def request_fields(program: Program, posted: Mapping[str, str] | None = None) -> list[RequestField]:
    """One field per Request attribute, with what was posted (if anything) as its value."""
    posted = posted or {}
    result = []
    hints = serialize.field_hints(program.request)
    for f in dataclasses.fields(program.request):
        _optional, hint = serialize._optional(hints[f.name])
        choices = dict(f.metadata.get("choices", {}))
        default: Any = f.default if f.default is not dataclasses.MISSING else None
        if f.name == "subject":
            kind = "subject"
        elif hint is bool:
            kind = "bool"
        elif hint is str and choices:
            kind = "choice"
        elif hint in (Decimal, Fraction, int):
            kind = "number"
        elif hint is date:
            kind = "date"
        elif hint is str:
            kind = "text"
        else:
            kind = "json"
        if default is None and f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        shown = "" if default is None else json.dumps(serialize.to_json(default), ensure_ascii=False)
        if kind != "json" and default is not None:
            shown = str(serialize.to_json(default))
        result.append(
            RequestField(
                name=f.name,
                label=str(f.metadata.get("label", "") or f.name),
                kind=kind,
                choices=choices,
                default=shown,
                help_text=str(f.metadata.get("help", "")),
                value=posted.get(f"r_{f.name}", shown if kind in {"choice", "subject"} else ""),
            )
        )
    return result


def request_from_post(program: Program, post: Mapping[str, str]) -> dict[str, Any]:
    """The posted what-if form as the JSON object the Request dataclass is built from (empty = the default)."""
    data: dict[str, Any] = {}
    hints = serialize.field_hints(program.request)
    for spec in request_fields(program):
        key = f"r_{spec.name}"
        raw = post.get(key, "")
        if spec.kind == "bool":
            data[spec.name] = raw in {"on", "true", "1"}
            continue
        if raw.strip() == "":
            continue
        if spec.kind == "json":
            try:
                data[spec.name] = json.loads(raw)
            except json.JSONDecodeError:
                raise ValidationFailed(
                    _("%(label)s：格式有误，应为 JSON") % {"label": spec.label},
                    fields={f"request.{spec.name}": [_("格式有误")]},
                ) from None
        elif serialize._optional(hints[spec.name])[1] is int:
            try:
                data[spec.name] = int(raw)
            except ValueError:
                raise ValidationFailed(
                    _("%(label)s：应为整数") % {"label": spec.label},
                    fields={f"request.{spec.name}": [_("应为整数")]},
                ) from None
        else:
            data[spec.name] = raw.strip()
    return data
