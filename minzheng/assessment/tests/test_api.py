"""POST /api/v1/assess: a token or a session, CASE.json in, the decision (or the API error shape) out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from minzheng.accounts.tokens import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db
URL = "/api/v1/assess"
WE01 = (Path(__file__).resolve().parents[3] / "docs" / "assess-examples" / "WE-01.json").read_text(
    encoding="utf-8"
)


def _post(client: Client, body: str, **headers: Any) -> Any:
    return client.post(URL, body, content_type="application/json", **headers)


def test_a_bearer_token_decides_we01_without_a_session_or_csrf(personas: dict[str, Any]) -> None:
    _token, secret = api_token_create(user=personas["township_a_clerk"], name="统计脚本")
    client = Client(enforce_csrf_checks=True)
    response = _post(client, WE01, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["eligible"], body["amount"], body["review_months"]) == (True, "840", 6)
    assert any("第十二条" in line["source"] for line in body["lines"])


def test_explain_adds_the_chinese_breakdown(personas: dict[str, Any]) -> None:
    _token, secret = api_token_create(user=personas["village_a1_officer"], name="手机")
    response = Client().post(
        URL + "?explain=1", WE01, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert "结论：符合条件，金额 840 元/月" in response.json()["explanation"]


def test_a_wrong_or_revoked_token_is_401_never_the_session(personas: dict[str, Any], client_for: Any) -> None:
    token, secret = api_token_create(user=personas["township_a_clerk"], name="x")
    client = client_for("township_a_clerk")  # a logged-in session must not rescue a bad token
    assert _post(client, WE01, HTTP_AUTHORIZATION="Bearer mz_wrong").status_code == 401
    api_token_revoke(prefix=token.prefix)
    response = _post(Client(), WE01, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_a_session_needs_its_csrf_token(personas: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["township_a_clerk"])
    assert _post(client, WE01).status_code == 403
    client.get("/")  # sets the csrftoken cookie
    response = _post(client, WE01, HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    assert response.status_code == 200 and response.json()["amount"] == "840"


def test_anonymous_callers_get_401(db: Any) -> None:
    assert _post(Client(), WE01).status_code == 401


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ("{not json", "bad_json", None),
        (json.dumps({"program": "dibao"}), "validation_failed", "date"),
        (WE01.replace('"900.00"', "900.5"), "validation_failed", "household.incomes[0].monthly_amount"),
    ],
)
def test_bad_input_gets_the_api_error_shape(client_for: Any, body: str, code: str, field: str | None) -> None:
    response = _post(client_for("township_a_clerk"), body)
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == code and data["message"]
    if field:
        assert field in data["fields"]


def test_get_is_not_allowed(client_for: Any) -> None:
    assert client_for("township_a_clerk").get(URL).status_code == 405


def _bearer(personas: dict[str, Any]) -> dict[str, str]:
    _token, secret = api_token_create(user=personas["township_a_clerk"], name="检查")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000 + "]" * 100_000,  # deeper than the JSON parser's recursion limit
        '{"date": ' + "[" * 500 + "]" * 500 + "}",  # parses, but nested far deeper than any CASE.json
    ],
)
def test_deeply_nested_json_is_a_400_in_the_api_shape(personas: dict[str, Any], body: str) -> None:
    response = _post(Client(), body, **_bearer(personas))
    assert response.status_code == 400
    assert response.json()["code"] == "bad_json" and "嵌套层数过多" in response.json()["message"]


def test_an_oversized_body_is_refused_in_the_api_shape(personas: dict[str, Any], settings: Any) -> None:
    response = _post(Client(), "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1), **_bearer(personas))
    assert response.status_code == 413
    assert response.json() == {
        "code": "too_large",
        "message": f"请求内容过大(上限 {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} 字节)。",
        "fields": {},
    }


def test_a_csrf_failure_under_the_api_answers_in_the_api_shape(personas: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["township_a_clerk"])
    response = _post(client, WE01)
    assert response.status_code == 403 and response["Content-Type"] == "application/json"
    assert response.json()["code"] == "csrf_failed"


def test_dates_and_id_numbers_must_be_strings(personas: dict[str, Any]) -> None:
    case = json.loads(WE01)
    case["date"] = 20250101
    response = _post(Client(), json.dumps(case), **_bearer(personas))
    assert response.status_code == 400 and "date" in response.json()["fields"]
    case = json.loads(WE01)
    member = case["household"]["members"][0]
    member.pop("birth_date", None)
    member["id_number"] = 510521197001150011
    response = _post(Client(), json.dumps(case), **_bearer(personas))
    assert response.status_code == 400
    assert response.json()["fields"] == {"household.members[0].id_number": ["身份证号应为文字(加引号)"]}
    case = json.loads(WE01)
    case["household"]["members"][0]["birth_date"] = 19700115
    response = _post(Client(), json.dumps(case), **_bearer(personas))
    assert response.status_code == 400
    assert response.json()["fields"] == {"household.members[0].birth_date": ["日期应为文字，格式 YYYY-MM-DD"]}
