"""Policy layers: national defaults, presets and rows, key by key; every value checked."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from minzheng.core.errors import ValidationFailed
from minzheng.policy.presets import preset, presets
from minzheng.policy.resolve import PARAMETERS, Layer, differences, resolve


def test_national_defaults_are_the_rule_modules_defaults() -> None:
    policy = resolve([])
    assert policy.values["dibao.near_dibao_ratio"] == Fraction(3, 2)
    assert policy.get("dibao").standard_rural == Decimal("580")
    assert policy.origins["dibao.standard_rural"] == "全国默认"


def test_a_later_layer_wins_key_by_key_and_says_where_it_came_from() -> None:
    policy = resolve(
        [
            Layer("市", {"dibao.standard_rural": "600", "dibao.standard_urban": "800"}),
            Layer("县", {"dibao.standard_rural": "620"}),
        ]
    )
    assert (
        policy.get("dibao").standard_rural == Decimal("620")
        and policy.origins["dibao.standard_rural"] == "县"
    )
    assert (
        policy.get("dibao").standard_urban == Decimal("800")
        and policy.origins["dibao.standard_urban"] == "市"
    )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"dibao.standard_rural": 580.5}, "金额请写成字符串"),
        ({"dibao.standard_rural": "五百"}, "应为金额或数字"),
        ({"dibao.near_dibao_ratio": "1/0"}, "应为比例"),
        ({"dibao.method": "lottery"}, "应为以下之一"),
        ({"dibao.no_such": "1"}, "没有这个政策参数"),
        ({"dibao.publicity_days": "7"}, "应为整数"),
    ],
)
def test_a_bad_value_is_refused_naming_the_parameter(values: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationFailed, match=message) as info:
        resolve([Layer("x", values)])
    assert list(info.value.fields) == list(values)


def test_every_shipped_preset_loads_and_every_parameter_has_a_chinese_label() -> None:
    assert {"national", "luzhou-2024"} <= set(presets())
    for item in presets().values():
        resolve([Layer(item.label, item.values)])  # raises on any bad key or value
        assert item.label and item.sources
    for parameter in PARAMETERS.values():
        assert str(parameter.label) != parameter.name, parameter.key


def test_luzhou_preset_gives_the_published_standards() -> None:
    policy = resolve([Layer("泸州", preset("luzhou-2024").values)])
    assert (policy.get("dibao").standard_urban, policy.get("dibao").standard_rural) == (
        Decimal("788"),
        Decimal("580"),
    )


def test_differences_keep_only_what_a_region_changes() -> None:
    inherited = resolve([Layer("市", {"dibao.standard_rural": "600"})])
    typed = {
        "dibao.standard_rural": Decimal("600"),
        "dibao.standard_urban": Decimal("900"),
        "dibao.near_dibao_ratio": Fraction(2),
    }
    assert differences(inherited, typed) == {"dibao.standard_urban": "900", "dibao.near_dibao_ratio": "2"}


@pytest.mark.parametrize(
    ("key", "text", "expected"),
    [
        ("dibao.standard_rural", " 600.50 ", Decimal("600.50")),
        ("dibao.near_dibao_ratio", "1.5", Fraction(3, 2)),
        ("dibao.single_person_floor_ratio", "", None),
        ("dibao.exclude_publicity_from_deadline", "true", True),
        ("dibao.publicity_days", "5", 5),
        ("dibao.excluded_income", '["scholarship"]', ("scholarship",)),
    ],
)
def test_the_editor_text_of_a_parameter_round_trips(key: str, text: str, expected: object) -> None:
    parameter = PARAMETERS[key]
    value = parameter.parse_text(text)
    assert value == expected
    assert parameter.parse_text(parameter.text(value)) == value


def test_the_editor_says_where_json_is_broken() -> None:
    with pytest.raises(ValidationFailed, match="JSON 格式有误"):
        PARAMETERS["dibao.bands"].parse_text('[{"below": "1/4", ')


def test_every_parameter_round_trips_through_the_editor() -> None:
    defaults = resolve([])
    for key, parameter in PARAMETERS.items():
        value = defaults.values[key]
        assert parameter.parse_text(parameter.text(value)) == value, key
