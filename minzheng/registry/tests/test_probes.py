"""The duplicate-ID check as a membership oracle: every "registered elsewhere in the county" answer is audited with
the user, the masked number and a keyed hash of it, and a user gets only so many a day — by form or import preview."""

from __future__ import annotations

from typing import Any

import pytest

from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_verify
from minzheng.core.testing.personas import VILLAGE_A1, VILLAGE_B1
from minzheng.registry.idnumber import mask_id_number
from minzheng.registry.models import Relation
from minzheng.registry.probes import ElsewhereLimitReached, id_number_hash
from minzheng.registry.services import DuplicatePerson, member_add
from minzheng.registry.tests.test_excel import _register, load, make_id, person, xlsx
from minzheng.registry.validation import MemberData

pytestmark = pytest.mark.django_db

HIT = "registry.id_found_elsewhere"


def _hits(user: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_code=HIT, actor=user).order_by("seq"))


def test_a_form_answer_registered_elsewhere_is_audited_with_the_masked_number_and_a_keyed_hash(
    personas: dict[str, Any],
) -> None:
    existing = make_id("19500505", 53)
    _register(personas["village_a1_officer"], VILLAGE_A1, "王老五", existing)
    clerk_b = personas["township_b_clerk"]
    household = _register(clerk_b, VILLAGE_B1, "李四", make_id("19600606", 61))
    for _attempt in range(2):
        with pytest.raises(DuplicatePerson, match="已在县内其他地方登记"):
            member_add(actor=clerk_b, household=household, data=MemberData("王五", existing, Relation.OTHER))
    first, second = _hits(clerk_b)
    assert first.target_repr == mask_id_number(existing) and existing not in str(first.new_values)
    assert first.new_values == {"id_number": mask_id_number(existing), "source": "form"}
    # repeated probes of one number share the keyed hash, which is not a plain hash of the number
    assert first.target_id == second.target_id == id_number_hash(existing) and len(first.target_id) == 64
    assert first.region_id == clerk_b.region_id
    assert audit_verify().ok


def test_a_duplicate_within_the_users_own_scope_is_not_a_probe(personas: dict[str, Any]) -> None:
    existing = make_id("19500505", 53)
    household = _register(personas["village_a1_officer"], VILLAGE_A1, "王老五", make_id("19510101", 11))
    _register(personas["village_a1_officer"], VILLAGE_A1, "张三", existing)
    with pytest.raises(DuplicatePerson, match="已登记在"):
        member_add(
            actor=personas["township_a_clerk"],
            household=household,
            data=MemberData("张三", existing, Relation.OTHER),
        )
    assert _hits(personas["township_a_clerk"]) == []


def test_the_import_preview_audits_each_hit_and_past_the_daily_limit_refuses_every_check(
    personas: dict[str, Any], settings: Any
) -> None:
    settings.MINZHENG_ELSEWHERE_HITS_PER_DAY = 3
    officer, clerk_b = personas["village_a1_officer"], personas["township_b_clerk"]
    household = _register(clerk_b, VILLAGE_B1, "另一户", make_id("19700707", 77))
    registered = [make_id("19500505", 50 + i) for i in range(4)]
    for i, number in enumerate(registered):
        _register(officer, VILLAGE_A1, f"村民{i}", number)
    rows = [person(str(i), VILLAGE_B1, f"试探{i}", number) for i, number in enumerate(registered[:2])]
    report = load(clerk_b, xlsx(rows), dry_run=True)
    assert sum("已在县内其他地方登记" in e.message for e in report.errors) == 2
    assert [(e.new_values or {}).get("source") for e in _hits(clerk_b)] == [
        "import_preview",
        "import_preview",
    ]
    # the same file again (as its error list is downloaded, or it is confirmed) is audited, but asks about no one new
    assert (
        sum("已在县内其他地方登记" in e.message for e in load(clerk_b, xlsx(rows), dry_run=True).errors) == 2
    )
    assert len(_hits(clerk_b)) == 4
    # a file with two more would take the user to 4 numbers of 3: recorded, then refused without the rows' answers
    rows = [person(str(i), VILLAGE_B1, f"试探{i}", number) for i, number in enumerate(registered[2:])]
    with pytest.raises(ElsewhereLimitReached, match="已达每日上限"):
        load(clerk_b, xlsx(rows), dry_run=True)
    assert len(_hits(clerk_b)) == 6
    # from now on every check is refused, registered or not, so the refusal says nothing about the number
    free = make_id("19990909", 99)
    with pytest.raises(ElsewhereLimitReached):
        load(clerk_b, xlsx([person("1", VILLAGE_B1, "新人", free)]), dry_run=True)
    with pytest.raises(ElsewhereLimitReached):
        member_add(actor=clerk_b, household=household, data=MemberData("新人", free, Relation.OTHER))
    # other users are not affected
    assert load(personas["county_admin"], xlsx([person("1", VILLAGE_B1, "新人", free)]), dry_run=True).ok


def test_a_real_import_refused_for_a_hit_still_audits_it(personas: dict[str, Any]) -> None:
    existing = make_id("19500505", 53)
    _register(personas["village_a1_officer"], VILLAGE_A1, "王老五", existing)
    report = load(personas["township_b_clerk"], xlsx([person("1", VILLAGE_B1, "王五", existing)]))
    assert not report.imported
    [hit] = _hits(personas["township_b_clerk"])
    assert hit.new_values == {"id_number": mask_id_number(existing), "source": "import"}
