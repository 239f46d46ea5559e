"""`minzheng assess CASE.json` / `-` / `--explain` / `--schema`, and `minzheng apitoken`."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "assess-examples"


def test_assess_prints_the_decision_as_json() -> None:
    out = io.StringIO()
    call_command("assess", str(EXAMPLES / "WE-02.json"), stdout=out)
    data = json.loads(out.getvalue())
    assert (data["amount"], data["review_months"]) == ("1162", 12)


def test_assess_reads_stdin_and_explains(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO((EXAMPLES / "WE-11.json").read_text(encoding="utf-8")))
    out = io.StringIO()
    call_command("assess", "-", "--explain", stdout=out)
    text = out.getvalue()
    assert "基本生活标准 = 580 × 1.3 = 754 元/月" in text and "1054" in text


@pytest.mark.parametrize(
    ("content", "message"),
    [("{oops", "不是有效的 JSON"), ('{"program": "dibao", "date": "2025-01-01"}', "必须填写家庭情况")],
)
def test_assess_refuses_bad_input_clearly(tmp_path: Path, content: str, message: str) -> None:
    case = tmp_path / "case.json"
    case.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("assess", str(case))


def test_assess_without_a_file_is_a_usage_error() -> None:
    with pytest.raises(CommandError) as info:
        call_command("assess")
    assert info.value.returncode == 2


def test_assess_on_a_missing_file_says_so() -> None:
    with pytest.raises(CommandError, match="无法读取"):
        call_command("assess", "/nonexistent/case.json")


@pytest.mark.django_db
def test_apitoken_create_list_revoke(personas: dict[str, Any]) -> None:
    out = io.StringIO()
    call_command(
        "apitoken", "create", "township_a_clerk", "--name", "县统计系统", stdout=out, stderr=io.StringIO()
    )
    secret = out.getvalue().strip()
    assert secret.startswith("mz_") and secret[3:].isalnum()  # never an option-like "-" prefix
    listing = io.StringIO()
    call_command("apitoken", "list", "township_a_clerk", stdout=listing)
    assert secret[3:11] in listing.getvalue() and "有效" in listing.getvalue()
    call_command("apitoken", "revoke", secret[3:11], stdout=io.StringIO())
    with pytest.raises(CommandError, match="没有前缀"):
        call_command("apitoken", "revoke", secret[3:11])
