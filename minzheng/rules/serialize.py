"""Rule dataclasses to and from JSON, and their JSON Schema: one converter for policies, households and requests.

Reads the type hints of a frozen dataclass (the small vocabulary of ``rules.common``): Decimal (a string or an int,
never a float: 0.1 in binary is not 0.1), Fraction (``"13/10"``, ``"1.3"`` or an int), date (``YYYY-MM-DD``), int,
bool, str (checked against ``choices``), ``X | None``, ``tuple[X, ...]``, ``dict[str, X]``, nested dataclasses, and
``Any`` (free JSON, passed through for its reader to check: a scenario's ``request`` is checked by the program's own
``Request``).
Errors name the field path (``household.members[2].birth_date``) and say what was expected, in Chinese.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import types
import typing
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from minzheng.core.errors import ValidationFailed
from minzheng.rules.i18n import gettext as _

_RULES_PACKAGE = "minzheng.rules."
#: the one date form the JSON side accepts
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


class _Problem(Exception):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


@functools.cache
def field_hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _optional(hint: Any) -> tuple[bool, Any]:
    """(True, X) for ``X | None``; (False, hint) otherwise."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(hint)) == 2:
            return True, args[0]
    return False, hint


def _decimal(value: Any, path: str) -> Decimal:
    if isinstance(value, (bool, float)):
        raise _Problem(path, _('金额请写成字符串(如 "580.00")或整数，不要用小数形式的数字'))
    try:
        result = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError, AttributeError):
        raise _Problem(path, _("应为金额或数字")) from None
    if not result.is_finite():
        raise _Problem(path, _("应为金额或数字"))
    return result


def _fraction(value: Any, path: str) -> Fraction:
    if isinstance(value, (bool, float)):
        raise _Problem(path, _('比例请写成字符串，如 "13/10" 或 "1.3"'))
    try:
        return Fraction(value.strip()) if isinstance(value, str) else Fraction(value)
    except (ValueError, ZeroDivisionError, TypeError, AttributeError):
        raise _Problem(path, _('应为比例，如 "1/4" 或 "1.3"')) from None


def convert(hint: Any, value: Any, path: str, choices: Mapping[str, Any] | None = None) -> Any:
    """One JSON value to the Python value the hint asks for; raises _Problem naming the path."""
    if (
        hint is Any
    ):  # free JSON, checked by whoever reads it (a scenario's request, checked by the program's Request)
        return value
    optional, hint = _optional(hint)
    if value is None:
        if optional:
            return None
        raise _Problem(path, _("不能为空"))
    origin = typing.get_origin(hint)
    if origin is tuple:
        if not isinstance(value, list | tuple):
            raise _Problem(path, _("应为列表"))
        inner = typing.get_args(hint)[0]
        return tuple(convert(inner, item, f"{path}[{i}]", choices) for i, item in enumerate(value))
    if origin is dict:
        if not isinstance(value, Mapping):
            raise _Problem(path, _("应为对象(键值对)"))
        inner = typing.get_args(hint)[1]
        return {str(k): convert(inner, v, f"{path}.{k}") for k, v in value.items()}
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        if not isinstance(value, Mapping):
            raise _Problem(path, _("应为对象(键值对)"))
        return _build(hint, value, path)
    if hint is Decimal:
        return _decimal(value, path)
    if hint is Fraction:
        return _fraction(value, path)
    if hint is bool:
        if not isinstance(value, bool):
            raise _Problem(path, _("应为 true 或 false"))
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Problem(path, _("应为整数"))
        return value
    if hint is date:
        if isinstance(value, date):
            return value
        # Text only: str(20250101) would parse, and so would other ISO forms no one means.
        if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
            raise _Problem(path, _("日期应为文字，格式 YYYY-MM-DD"))
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise _Problem(path, _("日期格式应为 YYYY-MM-DD")) from None
    if hint is str:
        if not isinstance(value, str):
            raise _Problem(path, _("应为文字"))
        if choices and value not in choices:
            raise _Problem(
                path,
                _("“%(value)s”无效，应为以下之一：%(options)s")
                % {"value": value, "options": "、".join(choices)},
            )
        return value
    raise TypeError(f"unsupported type in a rule dataclass: {hint!r}")


@functools.cache
def _fields(cls: type) -> dict[str, dataclasses.Field[Any]]:
    return {f.name: f for f in dataclasses.fields(cls)}


def _build(cls: type, data: Mapping[str, Any], path: str) -> Any:
    hints = field_hints(cls)
    fields = _fields(cls)
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise _Problem(f"{path}.{unknown[0]}" if path else unknown[0], _("没有这个字段"))
    kwargs: dict[str, Any] = {}
    for name, f in fields.items():
        sub = f"{path}.{name}" if path else name
        if name in data:
            kwargs[name] = convert(hints[name], data[name], sub, f.metadata.get("choices"))
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise _Problem(sub, _("必须填写"))
    return cls(**kwargs)


def build(cls: type, data: Mapping[str, Any], *, path: str = "") -> Any:
    """A dataclass from JSON data; ValidationFailed with the field path and a Chinese reason on bad input."""
    try:
        return _build(cls, data, path)
    except _Problem as problem:
        raise ValidationFailed(
            _("%(path)s：%(message)s") % {"path": problem.path, "message": problem.message},
            fields={problem.path: [problem.message]},
        ) from None


def parse_value(cls: type, name: str, value: Any) -> Any:
    """One field's JSON value, converted and checked (the policy editor uses it per parameter)."""
    f = {f.name: f for f in dataclasses.fields(cls)}[name]
    try:
        return convert(field_hints(cls)[name], value, name, f.metadata.get("choices"))
    except _Problem as problem:
        raise ValidationFailed(
            _("%(path)s：%(message)s") % {"path": problem.path, "message": problem.message},
            fields={problem.path: [problem.message]},
        ) from None


def to_json(value: Any) -> Any:
    """The JSON form of a rule value: Decimal and Fraction as strings, dates ISO, dataclasses as objects."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): to_json(v) for k, v in value.items()}
    return str(value)  # lazy translation strings and the like


def schema_for(hint: Any, choices: Mapping[str, Any] | None = None, description: str = "") -> dict[str, Any]:
    """JSON Schema (draft 2020-12) for a hint of the vocabulary above."""
    if hint is Any:
        return {"description": description} if description else {}
    optional, hint = _optional(hint)
    origin = typing.get_origin(hint)
    result: dict[str, Any]
    if origin is tuple:
        result = {"type": "array", "items": schema_for(typing.get_args(hint)[0], choices)}
    elif origin is dict:
        result = {"type": "object", "additionalProperties": schema_for(typing.get_args(hint)[1])}
    elif dataclasses.is_dataclass(hint) and isinstance(hint, type):
        result = {"$ref": f"#/$defs/{def_key(hint)}"}
    elif hint is Decimal:
        result = {"type": ["string", "integer"], "pattern": r"^-?\d+(\.\d+)?$"}
    elif hint is Fraction:
        result = {"type": ["string", "integer"], "pattern": r"^-?\d+(\.\d+|/\d+)?$"}
    elif hint is bool:
        result = {"type": "boolean"}
    elif hint is int:
        result = {"type": "integer"}
    elif hint is date:
        result = {"type": "string", "format": "date"}
    elif hint is str:
        result = {"type": "string"}
        if choices:
            result["enum"] = list(choices)
    else:
        raise TypeError(f"unsupported type in a rule dataclass: {hint!r}")
    if optional:
        result = {"anyOf": [result, {"type": "null"}]}
    if description:
        result["description"] = description
    return result


def def_key(cls: type) -> str:
    """The ``$defs`` key of a rule dataclass: its module below ``minzheng.rules``, then its name.

    ``dibao.Request``, ``common.PersonSnapshot``, ``veterans.policy.Request``: the whole path, not its last part, so
    that a program split into a package (``veterans.policy``) cannot collide with another one's module.
    """
    return f"{cls.__module__.removeprefix(_RULES_PACKAGE)}.{cls.__name__}"


def definitions(cls: type, into: dict[str, Any]) -> None:
    """Add ``cls`` and every dataclass it refers to into ``into`` ($defs), keyed by ``def_key``."""
    key = def_key(cls)
    if key in into:
        return
    into[key] = {}  # reserve first: a dataclass may refer to itself
    props: dict[str, Any] = {}
    required: list[str] = []
    hints = field_hints(cls)
    for f in dataclasses.fields(cls):
        label = f.metadata.get("label", "")
        rules = f.metadata.get("rules", ())
        description = str(label) + (f" ({', '.join(rules)})" if rules else "")
        props[f.name] = schema_for(hints[f.name], f.metadata.get("choices"), description)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            required.append(f.name)
        for nested in _nested(hints[f.name]):
            definitions(nested, into)
    into[key] = {"type": "object", "additionalProperties": False, "properties": props}
    if required:
        into[key]["required"] = required
    if cls.__doc__:
        into[key]["description"] = " ".join(cls.__doc__.split())


def _nested(hint: Any) -> list[type]:
    _opt, hint = _optional(hint)
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return [hint]
    return [n for arg in typing.get_args(hint) for n in _nested(arg)]
