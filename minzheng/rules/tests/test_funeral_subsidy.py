"""基本殡葬服务补贴: 黑河 2023 caps (general 792, special 1172), per-day storage, unlisted items, 惠州 actual cost."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minzheng.core.errors import ValidationFailed
from minzheng.rules import dibao
from minzheng.rules.common import Decision, HouseholdSnapshot, PersonSnapshot
from minzheng.rules.funeral_subsidy import HEIHE_ITEMS, ItemCost, Policy, Request, assess
from minzheng.rules.serialize import build, to_json

DIBAO = dibao.Policy()
ON = date(2025, 8, 1)
DIED = date(2025, 7, 20)
HEIHE = Policy()
HUIZHOU = Policy(cap_mode="actual_cost", total_caps={"general": Decimal("1780"), "special": Decimal("1780")})

# Paid in full above every cap: transport 250 > 200, storage 3 days 400 > 110 × 3 = 330, cremation 300 > 190,
# ash storage 100 > 72.
BASIC = (
    ItemCost("transport", Decimal("250")),
    ItemCost("storage", Decimal("400"), days=3),
    ItemCost("cremation", Decimal("300")),
    ItemCost("ash_storage", Decimal("100"), days=365),
)
EXTRAS = (ItemCost("coffin", Decimal("500")), ItemCost("urn", Decimal("300")))


def home(
    status: str = "",
    *,
    birth_date: date = date(1950, 3, 1),
    veteran_category: str = "",
    disability_category: str = "",
    disability_grade: int | None = None,
) -> HouseholdSnapshot:
    deceased = PersonSnapshot(
        "刘某",
        birth_date,
        date_of_death=DIED,
        veteran_category=veteran_category,
        disability_category=disability_category,
        disability_grade=disability_grade,
    )
    return HouseholdSnapshot(
        members=(deceased, PersonSnapshot("刘子", date(1975, 1, 1))), assistance_status=status
    )


def decide(
    items: tuple[ItemCost, ...],
    policy: Policy = HEIHE,
    household: HouseholdSnapshot | None = None,
    **flags: bool | date,
) -> Decision:
    request = Request("刘某", items, **flags)  # type: ignore[arg-type]  # flags are Request's own field names
    return assess(household or home(), request, policy, ON, dibao=DIBAO)


def text(decision: Decision) -> str:
    return "\n".join(line.text for line in decision.lines)


def test_the_default_items_add_up_to_the_heihe_caps() -> None:
    # general: 200 + 110 × 3 + 190 + 72 = 792; special adds coffin 180 + urn 200 = 380 → 1172
    general = sum(
        (
            i.cap * (i.max_days if i.per_day and i.max_days else 1)
            for i in HEIHE_ITEMS
            if not i.special_groups_only
        ),
        Decimal(0),
    )
    special = sum((i.cap for i in HEIHE_ITEMS if i.special_groups_only), Decimal(0))
    assert general == HEIHE.total_caps["general"] == Decimal("792")
    assert general + special == HEIHE.total_caps["special"] == Decimal("1172")


def test_general_group_gets_each_item_up_to_its_cap_and_792_in_all() -> None:
    decision = decide(BASIC)
    assert decision.eligible and decision.amount == Decimal("792")
    assert (
        decision.program == "funeral_subsidy" and decision.period == "one_off" and decision.subject == "刘某"
    )
    body = text(decision)
    assert "遗体接运：实际费用 250 元，限额 200 元，补贴 200 元" in body
    assert "遗体暂存(冷藏)：3 天，实际费用 400 元，限额 110 元/天 × 3 天 = 330 元，补贴 330 元" in body
    assert "遗体火化：实际费用 300 元，限额 190 元，补贴 190 元" in body
    assert "骨灰寄存：实际费用 100 元，限额 72 元，补贴 72 元" in body
    assert "可补贴费用合计 = 200 + 330 + 190 + 72 = 792.00 元" in body
    assert "逝者不属于特殊群体，按一般群体合计封顶 792 元" in body
    assert any("第十三条" in line.source for line in decision.lines)
    assert decision.facts["group"] == "general"


def test_a_general_group_coffin_and_urn_are_listed_as_not_subsidised() -> None:
    decision = decide(BASIC + EXTRAS)
    assert decision.amount == Decimal("792")
    assert "棺木：仅限特殊群体，不予补贴(实际费用 500 元)" in text(decision)
    assert "骨灰盒：仅限特殊群体，不予补贴(实际费用 300 元)" in text(decision)


def test_a_special_group_gets_the_coffin_and_urn_and_1172_in_all() -> None:
    # 792 + coffin min(500, 180) + urn min(300, 200) = 792 + 180 + 200 = 1172
    decision = decide(BASIC + EXTRAS, household=home("dibao"))
    assert decision.amount == Decimal("1172")
    body = text(decision)
    assert "逝者属于特殊群体(低保对象)：另可享受棺木、骨灰盒，合计封顶 1172 元" in body
    assert "可补贴费用合计 = 200 + 330 + 190 + 72 + 180 + 200 = 1172.00 元" in body
    assert decision.facts == {
        "group": "special",
        "special_groups": ["dibao"],
        "basic_subsidy": Decimal("1172.00"),
        "voluntary_cremation_subsidy": Decimal("0"),
    }


@pytest.mark.parametrize(
    ("household", "bereaved", "groups"),
    [
        (home(veteran_category="disabled"), False, ["youfu"]),
        (home("dibao"), False, ["dibao"]),
        (home("tekun"), False, ["tekun"]),
        (home(), True, ["shidu"]),
        (home(disability_grade=1, disability_category="physical"), False, ["severe_disability"]),
        (home(disability_grade=2, disability_category="visual"), False, ["severe_disability"]),
        (home(birth_date=date(1925, 7, 20)), False, ["centenarian"]),  # 100 on the day of death
        (home(birth_date=date(1925, 7, 21)), False, []),  # 99 on the day of death: one day short
        (home(disability_grade=3, disability_category="physical"), False, []),
        (home("near_dibao"), False, []),  # 边缘 is not among 黑河's special groups
        (home("dibao", veteran_category="veteran"), False, ["youfu", "dibao"]),
    ],
)
def test_special_groups_come_from_status_veteran_category_disability_age_and_the_shidu_flag(
    household: HouseholdSnapshot, bereaved: bool, groups: list[str]
) -> None:
    decision = decide(BASIC + EXTRAS, household=household, bereaved_parent=bereaved)
    assert decision.facts["special_groups"] == groups
    assert decision.amount == (Decimal("1172") if groups else Decimal("792"))


def test_a_locality_may_add_near_dibao_to_its_special_groups() -> None:
    policy = Policy(special_groups=(*HEIHE.special_groups, "near_dibao"))
    assert decide(BASIC + EXTRAS, policy, home("near_dibao")).amount == Decimal("1172")


@pytest.mark.parametrize(
    ("days", "cost", "granted", "note"),
    [
        (1, "150", "110", False),  # min(150, 110 × 1)
        (2, "300", "220", False),  # min(300, 110 × 2)
        (3, "200", "200", False),  # cost below 330: the cost
        (3, "330", "330", False),
        (4, "440", "330", True),  # only 3 days count: 110 × 3
        (0, "50", "0", False),
    ],
)
def test_storage_is_capped_per_day_up_to_three_days(days: int, cost: str, granted: str, note: bool) -> None:
    decision = decide((ItemCost("storage", Decimal(cost), days=days),))
    assert decision.amount == Decimal(granted)
    assert ("超过 3 天的部分不予补贴" in text(decision)) is note


def test_unlisted_items_are_named_and_never_subsidised() -> None:
    decision = decide((*BASIC, ItemCost("wreath", Decimal("80")), ItemCost("banquet", Decimal("2000"))))
    assert decision.amount == Decimal("792")
    assert "wreath：不在基本殡葬服务补贴项目内，不予补贴(实际费用 80 元)" in text(decision)
    assert "banquet：不在基本殡葬服务补贴项目内，不予补贴(实际费用 2000 元)" in text(decision)
    only = decide((ItemCost("wreath", Decimal("80")),))
    assert not only.eligible and only.amount == 0


def test_costs_below_the_caps_are_paid_as_spent() -> None:
    # 150 + 2 days 180 (< 220) + 190 = 520
    items = (
        ItemCost("transport", Decimal("150")),
        ItemCost("storage", Decimal("180"), days=2),
        ItemCost("cremation", Decimal("190")),
    )
    decision = decide(items)
    assert decision.amount == Decimal("520")
    assert "未超过一般群体封顶 792 元：补贴 520.00 元" in text(decision)


def test_the_group_total_cap_binds_when_lower_than_the_item_caps() -> None:
    policy = Policy(total_caps={"general": Decimal("500"), "special": Decimal("900")})
    general = decide(BASIC, policy)
    assert general.amount == Decimal("500") and "超过一般群体封顶 500 元：补贴 500.00 元" in text(general)
    assert decide(BASIC + EXTRAS, policy, home("tekun")).amount == Decimal("900")


@pytest.mark.parametrize(
    ("costs", "expected"),
    [
        (("800", "600", "400"), "1780"),  # 1800 actual → capped at 1780
        (("800", "600", "380"), "1780"),  # exactly the cap
        (("500", "400", "300"), "1200"),  # actual cost below the cap
    ],
)
def test_huizhou_pays_the_actual_cost_capped_at_1780(costs: tuple[str, str, str], expected: str) -> None:
    items = tuple(
        ItemCost(code, Decimal(cost), days=2 if code == "storage" else None)
        for code, cost in zip(("transport", "storage", "cremation"), costs, strict=True)
    )
    decision = decide(items, HUIZHOU)
    assert decision.amount == Decimal(expected)
    assert f"遗体接运：实际费用 {costs[0]} 元，按实际费用计入" in text(decision)


def test_voluntary_cremation_in_a_burial_zone_adds_800_on_top() -> None:
    decision = decide(BASIC, burial_zone_voluntary_cremation=True)
    assert decision.amount == Decimal("1592")  # 792 + 800
    assert "土葬改革区自愿火化，另补贴 800 元：合计 792.00 + 800 = 1592.00 元" in text(decision)
    assert decision.facts["basic_subsidy"] == Decimal("792")
    none = decide(BASIC, Policy(burial_zone_cremation_subsidy=None), burial_zone_voluntary_cremation=True)
    assert none.amount == Decimal("792") and "当地未设土葬改革区自愿火化补贴" in text(none)


def test_cremation_elsewhere_is_reimbursed_up_to_the_same_caps_unless_the_locality_refuses() -> None:
    elsewhere = decide(BASIC, cremated_elsewhere=True)
    assert elsewhere.amount == Decimal("792") and "在外地火化：凭有效票据按同等项目和限额报销" in text(
        elsewhere
    )
    refused = decide(BASIC, Policy(reimburse_cremated_elsewhere=False), cremated_elsewhere=True)
    assert not refused.eligible and refused.amount == 0


def test_a_death_not_yet_in_the_registry_is_taken_from_the_request_or_warned() -> None:
    alive = HouseholdSnapshot(members=(PersonSnapshot("刘某", date(1950, 3, 1)),))
    warned = assess(alive, Request("刘某", BASIC), HEIHE, ON, dibao=DIBAO)
    assert warned.amount == Decimal("792") and any("须核对死亡证明" in w for w in warned.warnings)
    given_date = assess(alive, Request("刘某", BASIC, date_of_death=DIED), HEIHE, ON, dibao=DIBAO)
    assert not given_date.warnings and "2025-07-20 死亡，享年 75 周岁" in text(given_date)


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ((ItemCost("storage", Decimal("300")),), "请填写天数"),
        ((ItemCost("transport", Decimal("-1")),), "不能为负数"),
        ((ItemCost("storage", Decimal("100"), days=-1),), "天数不能为负数"),
        ((ItemCost("transport", Decimal("100")), ItemCost("transport", Decimal("50"))), "填写了两次"),
    ],
)
def test_bad_costs_are_refused(items: tuple[ItemCost, ...], message: str) -> None:
    with pytest.raises(ValidationFailed, match=message):
        decide(items)


def test_bad_subjects_and_dates_are_refused() -> None:
    with pytest.raises(ValidationFailed, match="不是本户家庭成员"):
        assess(home(), Request("王某", BASIC), HEIHE, ON, dibao=DIBAO)
    with pytest.raises(ValidationFailed, match="请指定逝者"):
        assess(home(), Request("", BASIC), HEIHE, ON, dibao=DIBAO)
    with pytest.raises(ValidationFailed, match="晚于评估日期"):
        decide(BASIC, date_of_death=date(2025, 8, 2))
    with pytest.raises(ValidationFailed, match="封顶"):
        decide(BASIC, Policy(total_caps={"general": Decimal("792")}))


item_codes = st.sampled_from(["transport", "storage", "cremation", "ash_storage", "coffin", "urn", "wreath"])
money = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False)
costs = st.lists(
    st.tuples(item_codes, money, st.integers(min_value=0, max_value=30)), max_size=7, unique_by=lambda c: c[0]
).map(lambda rows: tuple(ItemCost(code, amount, days) for code, amount, days in rows))
statuses = st.sampled_from(["", "dibao", "near_dibao", "tekun"])


@settings(max_examples=300, deadline=None)
@given(items=costs, status=statuses, policy=st.sampled_from([HEIHE, HUIZHOU]), bonus=st.booleans())
def test_the_subsidy_is_never_negative_and_never_above_the_group_cap(
    items: tuple[ItemCost, ...], status: str, policy: Policy, bonus: bool
) -> None:
    decision = decide(items, policy, home(status), burial_zone_voluntary_cremation=bonus)
    cap = policy.total_caps[decision.facts["group"]]
    assert Decimal("0") <= decision.facts["basic_subsidy"] <= cap
    extra = (policy.burial_zone_cremation_subsidy or Decimal("0")) if bonus else Decimal("0")
    assert decision.amount == decision.facts["basic_subsidy"] + extra
    assert decision.eligible is (decision.amount > 0)


def test_policy_and_request_survive_the_json_round_trip() -> None:
    assert build(Policy, to_json(HUIZHOU)) == HUIZHOU
    request = Request("刘某", BASIC, cremated_elsewhere=True, date_of_death=DIED)
    assert build(Request, to_json(request)) == request
    with pytest.raises(ValidationFailed, match="special_groups"):
        build(Policy, {"special_groups": ["vip"]})
