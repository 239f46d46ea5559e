"""CASE.json in, decision out: the documented examples (DOMAIN.md §14) and every way a case can be wrong."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from minzheng.assessment.cases import case_from_json, case_schema, decide, decision_json, explain
from minzheng.core.errors import ValidationFailed

DOCS = Path(__file__).resolve().parents[3] / "docs"
EXAMPLES = sorted(
    p for p in (DOCS / "assess-examples").glob("*.json") if not p.name.endswith(".expected.json")
)


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def test_there_is_an_example_for_every_assessable_worked_example() -> None:
    names = {p.stem.split("-")[0] + "-" + p.stem.split("-")[1] for p in EXAMPLES}
    assert {"WE-01", "WE-02", "WE-05", "WE-11", "WE-13"} <= names


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_each_documented_example_gives_its_documented_answer(path: Path) -> None:
    case = case_from_json(_load(path))
    result = decision_json(decide(case), case)
    expected = _load(path.with_name(f"{path.stem}.expected.json"))
    assert result == expected


def _we01() -> dict[str, Any]:
    data: dict[str, Any] = _load(DOCS / "assess-examples" / "WE-01.json")
    return data


def test_we01_explains_itself_as_a_clerk_would_write_it() -> None:
    case = case_from_json(_we01())
    text = explain(decide(case), case)
    assert "结论：符合条件，金额 840 元/月" in text
    assert "家庭月人均收入 300.00 元 < 低保标准 580 元，符合低保条件" in text
    assert "补差：3 × 580 − 900.00 = 840.00 元/月(核验：(580 − 300.00) × 3 = 840.00)" in text
    assert "计划生育奖励 10.00 元/月 不计入家庭收入" in text
    assert "社会救助暂行办法 第十二条" in text and "复核周期：每 6 个月" in text


def test_a_member_given_by_id_number_gets_birth_date_and_sex_from_it() -> None:
    data = _we01()
    data["household"]["members"][0] = {"name": "张某某", "id_number": "510521195703150032"}  # WE-11's number
    case = case_from_json(data)
    person = case.household.members[0]
    assert (person.birth_date.isoformat(), person.sex) == ("1957-03-15", "male")


def test_overrides_apply_over_the_preset_and_are_reported() -> None:
    data = _we01()
    data["policy"]["overrides"] = {"dibao.standard_rural": "600"}
    case = case_from_json(data)
    result = decision_json(decide(case), case)
    assert result["amount"] == "900"  # 3 × 600 − 900
    assert result["policy"]["origins"]["dibao.standard_rural"] == "本案例指定"


def _broken(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(_we01())
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (lambda d: d.update(program="lottery"), "program", "应为以下项目之一"),
        (lambda d: d.update(date="2025-02-30"), "date", "日期格式"),
        (lambda d: d.update(extra=1), "extra", "没有这个字段"),
        (lambda d: d["household"].update(members=[]), "household.members", "至少要有一名家庭成员"),
        (
            lambda d: d["household"]["members"][1].update(id_number="510521195703150033"),
            "household.members[1].id_number",
            "校验",
        ),
        (
            lambda d: d["household"]["members"][1].update(id_number="510521195703150032"),
            "household.members[1].birth_date",
            "不一致",
        ),
        (
            lambda d: d["household"]["members"][2].pop("birth_date"),
            "household.members[2].birth_date",
            "出生日期",
        ),
        (
            lambda d: d["household"]["incomes"][0].update(monthly_amount=900.1),
            "household.incomes[0].monthly_amount",
            "字符串",
        ),
        (lambda d: d["household"]["members"][0].update(age=45), "household.members[0].age", "没有这个字段"),
        (lambda d: d["policy"].update(preset="atlantis"), "preset", "没有名为"),
        (
            lambda d: d["policy"].update(overrides={"dibao.standard_rural": "x"}),
            "dibao.standard_rural",
            "应为金额",
        ),
        (lambda d: d.update(request={"single_person": "无此人"}), None, "不是该户成员"),
        (
            lambda d: d["household"]["incomes"][0].update(monthly_amount="-100"),
            "household.incomes[0].monthly_amount",
            "0 到",
        ),
        (
            lambda d: d["household"]["incomes"][0].update(monthly_amount="1e30"),
            "household.incomes[0].monthly_amount",
            "0 到",
        ),
        (
            lambda d: d["household"]["members"][2].update(birth_date="2026-01-01"),
            "household.members[2].birth_date",
            "晚于测算日期",
        ),
    ],
)
def test_a_wrong_case_is_refused_naming_the_field(change: Any, field: str | None, message: str) -> None:
    with pytest.raises(ValidationFailed, match=message) as info:
        decide(case_from_json(_broken(change)))
    if field is not None:
        assert field in info.value.fields


def test_the_published_schema_is_the_one_the_engine_reads() -> None:
    published = _load(DOCS / "assess.schema.json")
    assert published == json.loads(json.dumps(case_schema(), ensure_ascii=False)), (
        "regenerate: minzheng assess --schema > docs/assess.schema.json"
    )


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_each_example_is_valid_against_the_published_schema(path: Path) -> None:
    import jsonschema

    schema = _load(DOCS / "assess.schema.json")
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(_load(path))


def test_the_schema_refuses_what_the_engine_refuses() -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(_load(DOCS / "assess.schema.json"))
    bad = _broken(lambda d: d["household"]["incomes"][0].update(monthly_amount=900.1))
    assert not validator.is_valid(bad)
    bad = _broken(lambda d: d["household"]["members"][0].update(age=45))
    assert not validator.is_valid(bad)
