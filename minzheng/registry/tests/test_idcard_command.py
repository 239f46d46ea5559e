"""`minzheng idcard check NUMBER...`: output, JSON lines and exit statuses (0 all valid, 1 some invalid, 2 misuse).

The tests use a Command instance directly, so they do not depend on the app being in INSTALLED_APPS.
"""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from minzheng.registry.management.commands.idcard import Command

TODAY = "2025-01-01"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run as from the shell; returns (exit status, stdout, stderr)."""
    status = 0
    try:
        Command().run_from_argv(["minzheng", "idcard", *args])
    except SystemExit as exc:
        status = int(exc.code or 0)
    out, err = capsys.readouterr()
    return status, out, err


def test_valid_number_prints_birth_date_sex_and_age(capsys: pytest.CaptureFixture[str]) -> None:
    # WE-14: born 1949-12-31, digit 17 = 2 -> female; on 2025-01-01: 2025 - 1949 - 1 = 75.
    status, out, err = run(capsys, "check", "11010519491231002X", "--today", TODAY)
    assert status == 0
    assert out.splitlines() == ["11010519491231002X:有效", "  出生日期 1949-12-31，女，75 周岁"]
    assert err == ""


def test_legacy_number_prints_its_18_digit_form(capsys: pytest.CaptureFixture[str]) -> None:
    # 110105 49 1231 002 -> 11010519491231002 + "X" (S = 167, 167 mod 11 = 2).
    status, out, _err = run(capsys, "check", "110105491231002", "--today", TODAY)
    assert status == 0
    assert out.splitlines() == [
        "110105491231002:有效",
        "  旧版 15 位号码，18 位号码为 11010519491231002X",
        "  出生日期 1949-12-31，女，75 周岁",
    ]


def test_male_and_lower_case_x(capsys: pytest.CaptureFixture[str]) -> None:
    # 510521195703150032: digit 17 = 3 -> male; 2025 - 1957 - 1 (01-01 < 03-15) = 67.
    status, out, _err = run(capsys, "check", "510521195703150032", "44030619450715002x", "--today", TODAY)
    assert status == 0
    assert "  出生日期 1957-03-15，男，67 周岁" in out.splitlines()
    assert "  出生日期 1945-07-15，女，79 周岁" in out.splitlines()


def test_invalid_number_prints_the_reason_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(
        capsys, "check", "11010519491231002X", "230307196304054513", "11010A", "--today", TODAY
    )
    assert status == 1
    assert out.splitlines() == [
        "11010519491231002X:有效",
        "  出生日期 1949-12-31，女，75 周岁",
        "230307196304054513:无效",
        "  第 18 位校验码应为 X，实际为 3",
        "11010A:无效",
        "  长度应为 18 位(或旧版 15 位)，实际为 6 位",
        "  第 6 位“A”应为数字或 X",
    ]
    assert "2 个号码无效(共 3 个)" in err


def test_warning_is_shown_but_the_number_counts_as_valid(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _err = run(capsys, "check", "440524188001010014", "--today", TODAY)
    assert status == 0
    assert out.splitlines()[-1] == "  提示：出生年份 1880 早于 1900 年，请核对证件"


def test_json_prints_one_object_per_number(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _err = run(
        capsys, "check", "--json", "--today", TODAY, "110105491231002", "110105194912310021"
    )
    assert status == 1
    lines = [json.loads(line) for line in out.splitlines()]
    assert lines == [
        {
            "input": "110105491231002",
            "valid": True,
            "number": "11010519491231002X",
            "birth_date": "1949-12-31",
            "sex": "female",
            "age": 75,
            "upgraded_from_15": True,
            "errors": [],
            "warnings": [],
        },
        {
            "input": "110105194912310021",
            "valid": False,
            "number": None,
            "birth_date": None,
            "sex": None,
            "age": None,
            "upgraded_from_15": False,
            "errors": [{"code": "bad_check_character", "message": "第 18 位校验码应为 X，实际为 1"}],
            "warnings": [],
        },
    ]


def test_json_carries_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _err = run(capsys, "check", "--json", "--today", TODAY, "440524188001010014")
    assert status == 0
    line: dict[str, Any] = json.loads(out)
    assert line["valid"] is True
    assert line["age"] == 145  # 2025 - 1880 - 0: on 01-01 the birthday (01-01) is not still ahead
    assert line["warnings"] == [
        {"code": "implausible_birth_year", "message": "出生年份 1880 早于 1900 年，请核对证件"}
    ]


def test_no_numbers_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "check")
    assert status == 2
    assert out == ""
    assert "请至少给出一个身份证号码" in err


def test_missing_subcommand_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, _out, err = run(capsys)
    assert status == 2
    assert "usage:" in err


def test_bad_today_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, _out, err = run(capsys, "check", "11010519491231002X", "--today", "2025-13-01")
    assert status == 2
    assert "日期格式应为 YYYY-MM-DD:2025-13-01" in err


def test_call_command_reports_the_same_statuses() -> None:
    out = StringIO()
    call_command(Command(), "check", "11010519491231002X", "--today", TODAY, stdout=out)
    assert out.getvalue().startswith("11010519491231002X:有效")

    with pytest.raises(CommandError) as invalid:
        call_command(Command(), "check", "110105194912310021", stdout=StringIO())
    assert invalid.value.returncode == 1

    with pytest.raises(CommandError) as usage:
        call_command(Command(), "check", stdout=StringIO())
    assert usage.value.returncode == 2
