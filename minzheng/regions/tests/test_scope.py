from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minzheng.core.scope import SCOPED_MODELS
from minzheng.core.testing.personas import COUNTY, TOWNSHIP_A, VILLAGE_A1, VILLAGE_A2, VILLAGE_B1
from minzheng.regions.models import Region


def test_each_persona_sees_exactly_their_subtree(personas: dict[str, Any]) -> None:
    visible = {
        key: set(Region.objects.visible_to(user).values_list("code", flat=True))
        for key, user in personas.items()
    }
    assert visible["village_a1_officer"] == {VILLAGE_A1}
    assert visible["village_a2_officer"] == {VILLAGE_A2}
    assert visible["township_a_clerk"] == {TOWNSHIP_A, VILLAGE_A1, VILLAGE_A2}
    assert VILLAGE_B1 in visible["county_approver"] and all(
        c.startswith(COUNTY) for c in visible["county_approver"]
    )


def test_anonymous_and_inactive_users_see_nothing(personas: dict[str, Any]) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert not Region.objects.visible_to(AnonymousUser()).exists()
    clerk = personas["township_a_clerk"]
    clerk.is_active = False
    assert not Region.objects.visible_to(clerk).exists()


def test_every_scoped_model_filters_through_the_data_layer(personas: dict[str, Any]) -> None:
    officer = personas["village_a1_officer"]
    assert SCOPED_MODELS, "scoped models register themselves"
    for model in SCOPED_MODELS:
        queryset = model.objects.visible_to(officer)  # type: ignore[attr-defined]
        sql = str(queryset.query)
        assert VILLAGE_A1 in sql, f"{model.__name__} is not filtered by the officer's scope"


def test_api_lists_only_the_users_scope(personas: dict[str, Any], client_for: Any) -> None:
    data = client_for("township_a_clerk").get(reverse("api_regions:api_list")).json()
    codes = {r["code"] for r in data["results"]}
    assert codes == {TOWNSHIP_A, VILLAGE_A1, VILLAGE_A2}
    response = client_for("township_a_clerk").get(
        reverse("api_regions:api_detail", kwargs={"code": VILLAGE_B1})
    )
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert client_for("anonymous").get(reverse("api_regions:api_list")).status_code == 401


def test_region_page_query_count_does_not_grow_with_children(
    personas: dict[str, Any], client_for: Any
) -> None:
    client = client_for("county_approver")
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("regions:detail", kwargs={"code": TOWNSHIP_A}))
    Region.objects.bulk_create(
        [
            Region(code=f"510521103{300 + i}", name=f"村{i}", level="village", parent_id=TOWNSHIP_A)
            for i in range(30)
        ]
    )
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("regions:detail", kwargs={"code": TOWNSHIP_A}))
    assert len(large) == len(small)


def test_village_officer_region_page_shows_only_their_village(
    personas: dict[str, Any], client_for: Any
) -> None:
    body = client_for("village_a1_officer").get(reverse("regions:index")).content.decode()
    assert "白象村民委员会" in body and "仁和村民委员会" not in body and "牛滩镇" not in body
