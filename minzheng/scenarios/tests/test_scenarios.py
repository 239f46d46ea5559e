"""SCENARIO.json: the format refuses what it does not know, runs only in a scratch database, and the documented
examples give their documented outputs."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from minzheng.core.errors import ValidationFailed
from minzheng.scenarios.format import scenario_from_json, scenario_schema
from minzheng.scenarios.report import render_text
from minzheng.scenarios.scratch import DB_NAME, _child_env, run_in_scratch

DOCS = Path(__file__).resolve().parents[3] / "docs"
EXAMPLES_DIR = DOCS / "scenario-examples"
EXAMPLES = sorted(p for p in EXAMPLES_DIR.glob("*.json") if not p.name.endswith(".expected.json"))


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _expected(path: Path) -> Path:
    return path.with_name(f"{path.stem}.expected.json")


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One template database for the whole test session (building it migrates every app); laid out as the command
    keeps it (VAR_DIR/scenario-cache), so the command's test shares it."""
    return tmp_path_factory.mktemp("scenario-var") / "scenario-cache"


def _small() -> dict[str, Any]:
    data: dict[str, Any] = _load(EXAMPLES_DIR / "bank-return-reissue.json")
    return data


# —— the format ——


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.update(housebold={}), "housebold"),
        (lambda d: d["household"]["members"][0].update(nickname="老张"), "household.members[0].nickname"),
        (lambda d: d["steps"][1]["month_end"].update(failed=["张德明"]), "steps[1].month_end.failed"),
        (lambda d: d["steps"][0].update(when="2025-03-03"), "steps[0].when"),
        (
            lambda d: d["steps"][0]["procedure"].update(request={"colour": "red"}),
            "steps[0].procedure.request.colour",
        ),
    ],
)
def test_an_unknown_field_is_refused_naming_it_in_chinese(change: Any, field: str) -> None:
    data = copy.deepcopy(_small())
    change(data)
    with pytest.raises(ValidationFailed) as caught:
        scenario_from_json(data)
    assert str(caught.value.message) == f"{field}：没有这个字段"
    assert field in caught.value.fields


def test_a_step_must_do_exactly_one_thing() -> None:
    data = copy.deepcopy(_small())
    data["steps"][1]["death"] = {"member": "张德明"}
    with pytest.raises(ValidationFailed, match=r"steps\[1\]：每一步须有且只有一种操作"):
        scenario_from_json(data)


def test_steps_must_be_in_date_order() -> None:
    data = copy.deepcopy(_small())
    data["steps"][2]["date"] = "2025-01-01"
    with pytest.raises(ValidationFailed, match=r"steps\[2\]\.date：步骤须按日期先后排列"):
        scenario_from_json(data)


def test_a_member_needs_an_id_number_or_birth_date_and_sex() -> None:
    data = copy.deepcopy(_small())
    del data["household"]["members"][1]["sex"]
    with pytest.raises(
        ValidationFailed, match=r"household\.members\[1\]：请填写身份证号，或填写出生日期和性别"
    ):
        scenario_from_json(data)


def test_money_as_a_json_float_is_refused() -> None:
    data = copy.deepcopy(_small())
    data["household"]["incomes"][0]["monthly_amount"] = 900.5
    with pytest.raises(ValidationFailed, match=r"household\.incomes\[0\]\.monthly_amount：金额请写成字符串"):
        scenario_from_json(data)


def test_the_published_schema_is_the_one_the_runner_reads() -> None:
    published = _load(DOCS / "scenario.schema.json")
    assert published == json.loads(json.dumps(scenario_schema(), ensure_ascii=False)), (
        "regenerate: minzheng scenario schema > docs/scenario.schema.json"
    )


@pytest.mark.parametrize("path", [p for p in EXAMPLES if _expected(p).exists()], ids=lambda p: p.stem)
def test_each_example_is_valid_against_the_published_schema(path: Path) -> None:
    import jsonschema

    schema = _load(DOCS / "scenario.schema.json")
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(_load(path))


def test_there_is_a_scenario_for_each_defect_of_issue_15_saying_what_is_right() -> None:
    # a defect with several sub-points may have several files: defect-16a-…, defect-16b-…
    numbers = {p.stem.split("-")[1][:2] for p in EXAMPLES if p.stem.startswith("defect-")}
    assert numbers == {f"{n:02d}" for n in range(1, 18)}
    for path in EXAMPLES_DIR.glob("defect-*.json"):
        if path.name.endswith(".expected.json"):
            continue
        assert "正确结果" in _load(path)["description"], path.name


# —— the scratch database ——


def test_the_child_process_is_pointed_at_the_scratch_folder_only(tmp_path: Path) -> None:
    env = _child_env(tmp_path)
    assert env["MINZHENG_DATABASE_URL"] == f"sqlite:///{tmp_path / DB_NAME}"
    assert env["MINZHENG_VAR_DIR"] == str(tmp_path)


def test_playing_outside_a_scratch_database_is_refused(db: None) -> None:
    with pytest.raises(CommandError, match="情景只能在临时数据库中推演"):
        call_command("scenario", "_play", str(EXAMPLES_DIR / "bank-return-reissue.json"))


def test_a_run_leaves_the_live_database_untouched(
    db: None, settings: Any, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from minzheng.accounts.models import User
    from minzheng.audit.models import AuditEvent
    from minzheng.registry.models import Household

    settings.VAR_DIR = cache_dir.parent  # the command keeps its template under VAR_DIR/scenario-cache
    before = (Household.objects.count(), User.objects.count(), AuditEvent.objects.count())
    call_command("scenario", "run", str(EXAMPLES_DIR / "bank-return-reissue.json"), "--json")
    result = json.loads(capsys.readouterr().out)
    assert [line["amount"] for line in result["roster"]] == [
        "840.00",
        "840.00",
        "1680.00",
        "840.00",
        "840.00",
    ]
    assert (Household.objects.count(), User.objects.count(), AuditEvent.objects.count()) == before


# —— the worked examples ——


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_each_example_gives_its_expected_output(path: Path, cache_dir: Path) -> None:
    if not _expected(path).exists():
        pytest.skip(
            f"{path.name}: no expected output yet — after the fix, run "
            f"`minzheng scenario run {path.relative_to(DOCS.parent)} --write-expected` and check it by hand"
        )
    assert run_in_scratch(_load(path), cache_dir=cache_dir) == _load(_expected(path))


def test_a_two_year_scenario_pays_every_month_and_follows_each_change() -> None:
    result = _load(EXAMPLES_DIR / "two-years.expected.json")  # produced by the run above (same comparison)
    paid = [(line["months"], line["amount"]) for line in result["roster"]]
    assert (
        len(paid) == 20
    )  # 2024-08 … 2026-03; found on 2026-04-15 and stopped from April (no roster approved)
    assert paid[0] == ("2024-08", "840.00") and paid[3] == ("2024-11", "1420.00")
    assert paid[8] == ("2025-04", "820.00") and paid[14] == ("2025-10", "980.00")
    # DB-47 recovers what was paid when the fraud was found (15 April): January to March, April's roster not yet made
    assert result["benefits"][0]["recoveries"] == [
        {"amount": "2940.00", "fine_min": "2940.00", "fine_max": "8820.00"}
    ]


def test_the_text_report_shows_decisions_and_every_roster_line() -> None:
    text = render_text(_load(EXAMPLES_DIR / "bank-return-reissue.expected.json"))
    assert "补差：3 × 580 − 900.00 = 840.00 元/月" in text
    assert "2025-06 名册 最低生活保障 2025-06 张德明 实发 1680.00 元 已发放(重发 840.00)" in text
    assert "2025-05 名册 最低生活保障 2025-05 张德明 实发 840.00 元 发放失败  账户已冻结" in text


def test_the_example_in_the_documentation_is_a_valid_scenario() -> None:
    text = (DOCS / "scenarios.md").read_text(encoding="utf-8")
    block = text.split("```json\n", 1)[1].split("```", 1)[0]
    scenario = scenario_from_json(json.loads(block))
    assert [step.kind for step in scenario.steps] == [
        "procedure",
        "month_end",
        "death",
        "recheck",
        "month_end",
    ]


def test_a_step_the_services_refuse_is_reported_and_the_scenario_goes_on(cache_dir: Path) -> None:
    data = copy.deepcopy(_small())
    data["steps"] = [
        data["steps"][0],
        {"date": "2025-04-10", "death": {"member": "张大明"}},  # no such member
        {"date": "2025-04-12", "decide": {"program": "dibao"}},  # already decided
        {"date": "2025-04-30", "month_end": {}},
    ]
    result = run_in_scratch(data, cache_dir=cache_dir)
    kinds = [(s["kind"], s.get("error", "")) for s in result["steps"]]
    assert kinds[2] == ("death", "本户没有名为“张大明”的成员")
    assert kinds[3][0] == "decide" and kinds[3][1]
    assert [(line["months"], line["amount"]) for line in result["roster"]] == [("2025-04", "840.00")]


def test_a_household_the_registry_refuses_is_reported_and_nothing_else_is_played(cache_dir: Path) -> None:
    data = copy.deepcopy(_small())
    spouse = next(m for m in data["household"]["members"] if m["relation"] == "spouse")
    spouse.update(name="孙玉兰", is_coresident=False, non_coresident_reason="lives_apart")
    result = run_in_scratch(data, cache_dir=cache_dir)
    assert [s["kind"] for s in result["steps"]] == ["household"]
    assert "孙玉兰 是户主的配偶" in result["steps"][0]["error"] and "DB-11" in result["steps"][0]["error"]
    assert (result["benefits"], result["roster"]) == ([], [])
