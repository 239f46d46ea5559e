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
