"""Policy in force = national defaults, then each region's rows from the province down (pure, no ORM).

A parameter is addressed as ``<namespace>.<field>`` (``dibao.standard_rural``); the namespaces and fields are the
``Policy`` dataclasses of the rule modules, so adding a parameter to a rule adds it here, to the editor and to the
JSON Schema at once.
"""

from __future__ import annotations

import dataclasses
import json
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minzheng.core.errors import ValidationFailed
from minzheng.rules import serialize
from minzheng.rules.programs import POLICY_CLASSES

NATIONAL = gettext_lazy("全国默认")


@dataclass(frozen=True)
class Parameter:
    key: str
    namespace: str
    name: str
    cls: type
    label: Any
    rules: tuple[str, ...]
    choices: dict[str, Any]
    help_text: Any
    default: Any

    @property
    def hint(self) -> Any:
        return serialize.field_hints(self.cls)[self.name]

    @property
    def kind(self) -> str:
        """How the editor shows it: choice, multi_choice, bool, scalar or json."""
        optional, hint = serialize._optional(self.hint)
        if typing.get_origin(hint) is tuple and typing.get_args(hint)[0] is str and self.choices:
            return "multi_choice"
        if hint is str and self.choices:
            return "choice"
        if hint is bool and not optional:
            return "bool"
        if hint in (Decimal, Fraction, int, str, date, bool):
            return "scalar"
        return "json"

    def parse(self, raw: Any) -> Any:
        """A JSON value (from a preset, a policy row or CASE.json) to the Python value; ValidationFailed if bad."""
        try:
            return serialize.parse_value(self.cls, self.name, raw)
        except ValidationFailed as exc:
            message = next(iter(exc.fields.values()))[0] if exc.fields else str(exc.message)
            raise ValidationFailed(
                _("%(label)s(%(key)s)：%(message)s")
                % {"label": self.label, "key": self.key, "message": message},
                fields={self.key: [message]},
            ) from None

    def parse_text(self, text: str) -> Any:
        """What a clerk typed in the editor: plain text for numbers and dates, JSON for lists and tables."""
        text = text.strip()
        optional, hint = serialize._optional(self.hint)
        if text == "" and optional:
            return None
        kind = self.kind
        if kind == "bool":
            return self.parse(text in {"true", "1", "是", "on"})
        if kind in {"scalar", "choice"}:
            if hint is int:
                try:
                    return self.parse(int(text))
                except ValueError:
                    return self.parse(text)  # the converter says "应为整数"
            if hint is bool:
                return self.parse(text in {"true", "1", "是", "on"})
            return self.parse(text)
        try:
            raw = json.loads(text or "null")
        except json.JSONDecodeError as exc:
            message = _("JSON 格式有误(第 %(line)s 行第 %(col)s 列)") % {"line": exc.lineno, "col": exc.colno}
            raise ValidationFailed(
                _("%(label)s：%(message)s") % {"label": self.label, "message": message},
                fields={self.key: [message]},
            ) from None
        return self.parse(raw)

    def to_json(self, value: Any) -> Any:
        return serialize.to_json(value)

    def display(self, value: Any) -> str:
        """The value as a reader sees it: choice labels, 是/否, "—" for none; otherwise the editor text."""
        if value is None:
            return "—"
        if self.kind == "choice":
            return str(self.choices.get(value, value))
        if self.kind == "multi_choice":
            return "、".join(str(self.choices.get(v, v)) for v in value) or "—"
        if self.kind == "bool":
            return _("是") if value else _("否")
        return self.text(value)

    def text(self, value: Any) -> str:
        """The value as the editor shows it (the inverse of parse_text)."""
        if value is None:
            return ""
        if self.kind in {"scalar", "choice"}:
            return "true" if value is True else "false" if value is False else str(serialize.to_json(value))
        if self.kind == "bool":
            return "true" if value else "false"
        return json.dumps(serialize.to_json(value), ensure_ascii=False)


def _catalogue() -> dict[str, Parameter]:
    result: dict[str, Parameter] = {}
    for namespace, cls in POLICY_CLASSES.items():
        for f in dataclasses.fields(cls):
            default = f.default if f.default is not dataclasses.MISSING else f.default_factory()  # type: ignore[misc]
            result[f"{namespace}.{f.name}"] = Parameter(
                key=f"{namespace}.{f.name}",
                namespace=namespace,
                name=f.name,
                cls=cls,
                label=f.metadata.get("label", f.name),
                rules=tuple(f.metadata.get("rules", ())),
                choices=dict(f.metadata.get("choices", {})),
                help_text=f.metadata.get("help", ""),
                default=default,
            )
    return result


PARAMETERS: dict[str, Parameter] = _catalogue()


def parameter(key: str) -> Parameter:
    try:
        return PARAMETERS[key]
    except KeyError:
        raise ValidationFailed(
            _("没有这个政策参数：%(key)s") % {"key": key}, fields={key: [_("没有这个政策参数")]}
        ) from None


def parse_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """JSON values by key → Python values by key, every key and value checked."""
    return {key: parameter(key).parse(raw) for key, raw in values.items()}


@dataclass(frozen=True)
class Layer:
    """One set of overrides and where it came from (a preset, a region's row, a CASE.json)."""

    origin: str
    values: Mapping[str, Any]  # JSON values by key


@dataclass(frozen=True)
class PolicySet:
    """Every parameter's value in force, and the layer each came from."""

    values: Mapping[str, Any]
    origins: Mapping[str, str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_json", {})
        object.__setattr__(self, "_built", {})

    def json_values(self, namespace: str) -> dict[str, Any]:
        """The namespace's values as JSON, computed once per policy (every decision snapshot carries them)."""
        cache: dict[str, dict[str, Any]] = self._json  # type: ignore[attr-defined]
        if namespace not in cache:
            prefix = f"{namespace}."
            cache[namespace] = {
                key: serialize.to_json(value) for key, value in self.values.items() if key.startswith(prefix)
            }
        return cache[namespace]

    def get(self, namespace: str) -> Any:
        """The rule module's Policy dataclass filled with the values in force (built once: it is immutable)."""
        built: dict[str, Any] = self._built  # type: ignore[attr-defined]
        if namespace not in built:
            cls = POLICY_CLASSES[namespace]
            built[namespace] = cls(
                **{f.name: self.values[f"{namespace}.{f.name}"] for f in dataclasses.fields(cls)}
            )
        return built[namespace]


def resolve(layers: Iterable[Layer]) -> PolicySet:
    """National defaults, then each layer in order; a later layer wins key by key."""
    values = {key: p.default for key, p in PARAMETERS.items()}
    origins = dict.fromkeys(PARAMETERS, str(NATIONAL))
    for layer in layers:
        for key, value in parse_values(layer.values).items():
            values[key] = value
            origins[key] = layer.origin
    return PolicySet(values=values, origins=origins)


def differences(policy: PolicySet, parsed: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON values in ``parsed`` that differ from ``policy`` (what a new row at a region needs to store)."""
    return {
        key: serialize.to_json(value)
        for key, value in parsed.items()
        if serialize.to_json(policy.values[key]) != serialize.to_json(value)
    }
