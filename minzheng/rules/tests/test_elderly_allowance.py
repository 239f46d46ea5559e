"""高龄津贴: WE-13 under both band-change modes and two cities' bands, leap-day birthdays, and monotonicity."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minzheng.core.errors import ValidationFailed
from minzheng.rules import dibao
from minzheng.rules.common import Decision, HouseholdSnapshot, PersonSnapshot
from minzheng.rules.elderly_allowance import Band, Policy, Request, age_in_years, assess
from minzheng.rules.serialize import build, to_json

DIBAO = dibao.Policy()
WE13_ID = "44030619450715002X"  # born 1945-07-15, female; Σ = 255, 255 mod 11 = 2 → "X"
SHENZHEN_BANDS = (
    Band(70, 79, Decimal("200")),
    Band(80, 89, Decimal("300")),
    Band(90, 99, Decimal("500")),
    Band(100, None, Decimal("1000")),
)
CHENGDU_BANDS = (Band(80, 89, Decimal("60")), Band(90, 99, Decimal("240")), Band(100, None, Decimal("600")))
SHENZHEN = Policy(bands=SHENZHEN_BANDS)
SHENZHEN_SAME = Policy(bands=SHENZHEN_BANDS, band_change="same_month")
CHENGDU = Policy(bands=CHENGDU_BANDS)
CHENGDU_SAME = Policy(bands=CHENGDU_BANDS, band_change="same_month")


def household(birth: date = date(1945, 7, 15), date_of_death: date | None = None) -> HouseholdSnapshot:
    return HouseholdSnapshot(
        members=(PersonSnapshot("陈某某", birth, id_number=WE13_ID, date_of_death=date_of_death),)
    )


def decide(
    on: date, policy: Policy = SHENZHEN, home: HouseholdSnapshot | None = None, *, local_hukou: bool = True
) -> Decision:
    return assess(
        home or household(), Request(subject=WE13_ID, local_hukou=local_hukou), policy, on, dibao=DIBAO
    )


def text(decision: Decision) -> str:
    return "\n".join(line.text for line in decision.lines)


# WE-13: born 1945-07-15 → 79 on 2025-07-14, 80 on 2025-07-15. next_month: July is decided by the age on 06-30 (79),
# August by the age on 07-31 (80); same_month: July is decided by the age on 07-31 (80). The day in the month does
# not matter: a payroll pays whole months.
@pytest.mark.parametrize(
    ("policy", "on", "expected"),
    [
        (SHENZHEN, date(2025, 6, 30), "200"),
        (SHENZHEN, date(2025, 7, 1), "200"),
        (SHENZHEN, date(2025, 7, 14), "200"),
        (SHENZHEN, date(2025, 7, 15), "200"),
        (SHENZHEN, date(2025, 7, 31), "200"),
        (SHENZHEN, date(2025, 8, 1), "300"),
        (SHENZHEN, date(2025, 8, 31), "300"),
        (SHENZHEN_SAME, date(2025, 6, 30), "200"),
        (SHENZHEN_SAME, date(2025, 7, 1), "300"),
        (SHENZHEN_SAME, date(2025, 7, 14), "300"),
        (SHENZHEN_SAME, date(2025, 8, 1), "300"),
        (CHENGDU, date(2025, 7, 15), "0"),  # no 70–79 band in 成都: nothing for July
        (CHENGDU, date(2025, 8, 1), "60"),
        (CHENGDU_SAME, date(2025, 7, 1), "60"),
        (CHENGDU_SAME, date(2025, 6, 30), "0"),
    ],
)
def test_we13_band_change_pays_the_band_in_force_for_the_month(
    policy: Policy, on: date, expected: str
) -> None:
    decision = decide(on, policy)
    assert decision.amount == Decimal(expected)
    assert decision.eligible is (expected != "0")
    assert decision.program == "elderly_allowance" and decision.period == "monthly"
    assert decision.subject == "陈某某"


def test_we13_july_2025_explains_the_next_month_rule_with_its_numbers() -> None:
    decision = decide(date(2025, 7, 20))
    body = text(decision)
    assert "2025-07-20 年满 80 周岁" in body
    assert "2025-07 按上月末(2025-06-30)的年龄 79 周岁确定年龄段" in body
    assert "79 周岁属于 70–79周岁 年龄段：高龄津贴 200 元/月" in body
    assert "本月进入 80–89周岁 年龄段，列入 2025-07 年龄段调整名单；新标准自 2025-08 起执行" in body
    assert any("第三十三条" in line.source for line in decision.lines)
    assert decision.facts["age"] == 80 and decision.facts["band_age"] == 79


def test_we13_chengdu_july_is_not_paid_but_she_is_on_the_july_entry_list() -> None:
    decision = decide(date(2025, 7, 15), CHENGDU)
    assert not decision.eligible and decision.amount == 0
    assert "79 周岁不在当地高龄津贴年龄段内(最低 80 周岁)，2025-07 不发放" in text(decision)
    assert decision.facts["band_changes_this_month"] is True
    assert decision.facts["new_band"] == "80–89周岁"
    assert decision.facts["next_band_change"] == "2025-07-15"
    assert decision.facts["next_band_month"] == "2025-08"


def test_we13_ninetieth_birthday_puts_her_on_the_2035_07_list_and_pays_500_from_2035_08() -> None:
    # default bands are 深圳's 80+ bands (§13): 80–89 300, 90–99 500, 100+ 1000
    july = decide(date(2035, 7, 1), Policy())
    assert july.amount == Decimal("300")
    assert july.facts["band_changes_this_month"] is True and july.facts["new_band"] == "90–99周岁"
    assert "列入 2035-07 年龄段调整名单；新标准自 2035-08 起执行" in text(july)
    august = decide(date(2035, 8, 1), Policy())
    assert august.amount == Decimal("500") and august.facts["band_changes_this_month"] is False
    june = decide(date(2035, 6, 30), Policy())
    assert june.amount == Decimal("300") and june.facts["band_changes_this_month"] is False
    same = decide(date(2035, 7, 1), Policy(band_change="same_month"))
    assert same.amount == Decimal("500") and same.facts["band_changes_this_month"] is True


def test_the_next_band_change_is_reported_from_the_band_in_force() -> None:
    august = decide(date(2025, 8, 10))
    assert august.facts["next_band_change"] == "2035-07-15" and august.facts["next_band_month"] == "2035-08"
    assert "下次年龄段变化：2035-07-15 满 90 周岁，自 2035-08 起按 90–99周岁 标准发放" in text(august)
    same = decide(date(2025, 8, 10), SHENZHEN_SAME)
    assert same.facts["next_band_month"] == "2035-07"
    top = decide(date(2046, 1, 10))  # 100 on 2045-07-15: no band above 100+
    assert top.amount == Decimal("1000") and top.facts["next_band_change"] is None


@pytest.mark.parametrize(
    ("on", "age"),
    [(date(2025, 7, 14), 79), (date(2025, 7, 15), 80), (date(2025, 7, 16), 80)],
)
def test_age_is_counted_in_zhousui_the_birthday_itself_adds_the_year(on: date, age: int) -> None:
    assert decide(on).facts["age"] == age == age_in_years(date(1945, 7, 15), on)


# Leap-day birthday: born 1936-02-29 turns 90 in 2026, a common year: on 03-01 (mar1) or 02-28 (feb28).
LEAP_BIRTH = date(1936, 2, 29)


@pytest.mark.parametrize(
    ("on", "leap", "age"),
    [
        (date(2026, 2, 27), "mar1", 89),
        (date(2026, 2, 28), "mar1", 89),
        (date(2026, 3, 1), "mar1", 90),
        (date(2026, 2, 27), "feb28", 89),
        (date(2026, 2, 28), "feb28", 90),
        (date(2026, 3, 1), "feb28", 90),
        (date(2028, 2, 28), "mar1", 91),  # 2028 is a leap year: the birthday is 02-29 in both modes
        (date(2028, 2, 28), "feb28", 91),
        (date(2028, 2, 29), "mar1", 92),
    ],
)
def test_leap_day_birthdays_fall_on_march_1_or_february_28_in_common_years(
    on: date, leap: str, age: int
) -> None:
    assert age_in_years(LEAP_BIRTH, on, leap) == age


@pytest.mark.parametrize(
    ("band_change", "leap", "last_300", "first_500"),
    [
        ("next_month", "mar1", date(2026, 3, 31), date(2026, 4, 1)),  # 90 on 2026-03-01 → 500 from April
        ("next_month", "feb28", date(2026, 2, 28), date(2026, 3, 1)),  # 90 on 2026-02-28 → 500 from March
        ("same_month", "mar1", date(2026, 2, 28), date(2026, 3, 1)),  # 500 from the birthday month, March
        ("same_month", "feb28", date(2026, 1, 31), date(2026, 2, 1)),  # 500 from February
    ],
)
def test_leap_day_birthdays_change_band_in_the_month_the_policy_says(
    band_change: str, leap: str, last_300: date, first_500: date
) -> None:
    policy = Policy(band_change=band_change, leap_birthday=leap)
    home = household(LEAP_BIRTH)
    assert decide(last_300, policy, home).amount == Decimal("300")
    assert decide(first_500, policy, home).amount == Decimal("500")
    listed = date(2026, 3, 1) if leap == "mar1" else date(2026, 2, 1)
    assert decide(listed, policy, home).facts["band_changes_this_month"] is True
    assert "2月29日出生：平年以" in text(decide(listed, policy, home))


def test_a_person_who_died_before_the_month_is_not_paid_but_the_month_of_death_is() -> None:
    before = decide(date(2025, 9, 1), home=household(date_of_death=date(2025, 8, 31)))
    assert not before.eligible and before.amount == 0
    assert "已于 2025-08-31 死亡，2025-09 起停发" in text(before)
    during = decide(date(2025, 9, 1), home=household(date_of_death=date(2025, 9, 1)))
    assert during.eligible and during.amount == Decimal("300")
    assert "本月照发，次月起停发" in text(during)


def test_lower_income_recipients_get_the_higher_rate_where_the_band_has_one() -> None:
    # 林口 style: 80–89 低保/边缘/特困 400, other 80–89 300, 90–99 500
    policy = Policy(
        bands=(
            Band(80, 89, Decimal("300"), amount_low_income=Decimal("400")),
            Band(90, 99, Decimal("500")),
        )
    )
    for status, expected in (("dibao", "400"), ("near_dibao", "400"), ("tekun", "400"), ("", "300")):
        home = HouseholdSnapshot(members=household().members, assistance_status=status)
        decision = decide(date(2025, 9, 1), policy, home)
        assert decision.amount == Decimal(expected)
        assert decision.facts["low_income_rate"] is (expected == "400")
    low = decide(
        date(2025, 9, 1), policy, HouseholdSnapshot(members=household().members, assistance_status="dibao")
    )
    assert "家庭为低保对象：高龄津贴 400 元/月" in text(low)
    ninety = decide(
        date(2035, 9, 1), policy, HouseholdSnapshot(members=household().members, assistance_status="dibao")
    )
    assert ninety.amount == Decimal("500")  # the 90–99 band has no separate rate


def test_a_low_income_only_scheme_refuses_other_elders() -> None:
    policy = Policy(low_income_only=True)
    refused = decide(date(2025, 9, 1), policy)
    assert not refused.eligible and refused.amount == 0 and "仅限低收入老年人" in text(refused)
    home = HouseholdSnapshot(members=household().members, assistance_status="tekun")
    assert decide(date(2025, 9, 1), policy, home).amount == Decimal("300")


def test_local_hukou_is_required_unless_the_policy_waives_it() -> None:
    refused = decide(date(2025, 9, 1), local_hukou=False)
    assert not refused.eligible and "不具有本地户籍" in text(refused)
    assert decide(date(2025, 9, 1), Policy(require_local_hukou=False), local_hukou=False).amount == Decimal(
        "300"
    )


def test_bad_input_is_refused_with_a_reason() -> None:
    with pytest.raises(ValidationFailed, match="重叠"):
        decide(date(2025, 9, 1), Policy(bands=(Band(80, 90, Decimal("300")), Band(90, None, Decimal("500")))))
    with pytest.raises(ValidationFailed, match="不是本户家庭成员"):
        assess(household(), Request(subject="王某"), Policy(), date(2025, 9, 1), dibao=DIBAO)
    two = HouseholdSnapshot(members=(*household().members, PersonSnapshot("陈子", date(1970, 1, 1))))
    with pytest.raises(ValidationFailed, match="请指定"):
        assess(two, Request(), Policy(), date(2025, 9, 1), dibao=DIBAO)
    with pytest.raises(ValidationFailed, match="出生日期晚于"):
        decide(date(1940, 1, 1))


def test_the_only_member_is_the_subject_when_none_is_named() -> None:
    decision = assess(household(), Request(), Policy(), date(2025, 9, 1), dibao=DIBAO)
    assert decision.subject == "陈某某" and decision.amount == Decimal("300")


births = st.dates(min_value=date(1900, 1, 1), max_value=date(1960, 12, 31))
days = st.dates(min_value=date(1960, 1, 1), max_value=date(2080, 12, 31))
policies = st.sampled_from(
    [
        Policy(bands=bands, band_change=change, leap_birthday=leap)
        for bands in (SHENZHEN_BANDS, CHENGDU_BANDS, Policy().bands)
        for change in ("next_month", "same_month")
        for leap in ("mar1", "feb28")
    ]
)


@settings(max_examples=300, deadline=None)
@given(birth=births, on=days, policy=policies)
def test_one_more_day_never_lowers_the_amount_and_amounts_are_never_negative(
    birth: date, on: date, policy: Policy
) -> None:
    home = household(birth)
    today = decide(on, policy, home).amount if on >= birth else Decimal("0")
    tomorrow = (
        decide(on + timedelta(days=1), policy, home).amount
        if on + timedelta(days=1) >= birth
        else Decimal("0")
    )
    assert Decimal("0") <= today <= tomorrow


@settings(max_examples=300, deadline=None)
@given(younger=births, gap=st.integers(min_value=0, max_value=40 * 366), on=days, policy=policies)
def test_an_older_person_never_gets_less_than_a_younger_one(
    younger: date, gap: int, on: date, policy: Policy
) -> None:
    older = younger - timedelta(days=gap)
    if on < younger:
        return  # the younger person is not yet born: nothing to compare
    assert decide(on, policy, household(older)).amount >= decide(on, policy, household(younger)).amount


def test_policy_and_request_survive_the_json_round_trip() -> None:
    policy = Policy(
        bands=(Band(80, 89, Decimal("300"), amount_low_income=Decimal("400")),), band_change="same_month"
    )
    assert build(Policy, to_json(policy)) == policy
    assert build(Request, to_json(Request(subject=WE13_ID, local_hukou=False))) == Request(WE13_ID, False)
    with pytest.raises(ValidationFailed, match="band_change"):
        build(Policy, {"band_change": "whenever"})
