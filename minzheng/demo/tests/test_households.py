"""Synthetic demo households: deterministic, valid, shaped like a rural county, idempotent, findable."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command

from minzheng.audit.models import AuditEvent
from minzheng.demo import events
from minzheng.demo.households import (
    CENTRAL_BASIC_PENSION,
    DEMO_NOTE,
    demo_households_count,
    demo_households_load,
    generate_households,
)
from minzheng.demo.services import demo_load
from minzheng.registry.idnumber import age_on, parse_id_number
from minzheng.registry.models import Household, IncomeCategory, IncomeExclusion, IncomeItem, Member, Relation
from minzheng.registry.pinyin import name_keys
from minzheng.registry.selectors import member_search
from minzheng.registry.services import HouseholdData, household_create
from minzheng.registry.validation import MemberData, luhn_check_digit, luhn_ok

TODAY = date(2026, 11, 28)
SMALL = 200


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    # demo_load creates the demo users; argon2 would make each test pay for it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def county(db: None) -> None:
    demo_load()


@pytest.fixture
def loaded(county: None) -> list[Member]:
    demo_households_load(households=SMALL, seed=7, today=TODAY)
    return list(Member.objects.filter(household__note=DEMO_NOTE).select_related("household"))


def _people(households: int, seed: int) -> list[tuple[str, str]]:
    return [
        (m.name, m.id_number)
        for h in generate_households(households=households, seed=seed, today=TODAY)
        for m in h.members
    ]


def test_the_same_seed_gives_the_same_names_and_ids(county: None) -> None:
    assert _people(50, seed=11) == _people(50, seed=11)


def test_another_seed_gives_other_people(county: None) -> None:
    assert _people(50, seed=11) != _people(50, seed=12)


def test_a_longer_run_starts_with_the_shorter_one(county: None) -> None:
    assert _people(80, seed=3)[: len(_people(30, seed=3))] == _people(30, seed=3)


def test_every_id_is_valid_and_matches_county_birth_date_and_sex(loaded: list[Member]) -> None:
    assert len({m.id_number for m in loaded}) == len(loaded)
    for member in loaded:
        check = parse_id_number(member.id_number, today=TODAY)
        assert check.valid, (member.id_number, check.errors)
        assert member.id_number.startswith("510521")
        assert (check.birth_date, check.sex) == (member.birth_date, member.sex)
        assert (member.id_last4, member.id_last6) == (member.id_number[-4:], member.id_number[-6:])
        assert (member.name_pinyin, member.name_initials) == name_keys(member.name)
        assert member.region_id == member.household.region_id
        assert len(member.region_id) == 12


def test_every_household_has_exactly_one_living_head(loaded: list[Member]) -> None:
    households = Household.objects.filter(note=DEMO_NOTE).select_related("head")
    assert households.count() == SMALL
    heads_by_household: dict[int, int] = {}
    for member in loaded:
        if member.relation == Relation.HEAD:
            heads_by_household[member.household_id] = heads_by_household.get(member.household_id, 0) + 1
    for household in households:
        assert household.head is not None
        assert household.head.household_id == household.pk
        assert household.head.relation == Relation.HEAD
        assert household.head.date_of_death is None
        assert heads_by_household[household.pk] == 1


def test_relations_are_consistent_with_sex_and_age(loaded: list[Member]) -> None:
    heads = {m.household_id: m for m in loaded if m.relation == Relation.HEAD}
    for member in loaded:
        head = heads[member.household_id]
        years_younger = (member.birth_date - head.birth_date).days / 365.2425
        if member.relation == Relation.SPOUSE:
            assert member.sex != head.sex
            assert abs(years_younger) <= 10
        elif member.relation in (Relation.SON, Relation.DAUGHTER):
            assert 19 <= years_younger <= 41, (head.name, member.name, years_younger)
            assert member.sex == ("male" if member.relation == Relation.SON else "female")
        elif member.relation == Relation.GRANDCHILD:
            assert years_younger >= 39
        elif member.relation == Relation.PARENT:
            assert -41 <= years_younger <= -19


def test_the_county_is_old_and_many_work_away(loaded: list[Member]) -> None:
    ages = [age_on(m.birth_date, TODAY) for m in loaded]
    assert sum(a >= 60 for a in ages) / len(ages) > 0.2
    assert any(m.away_for_work for m in loaded)
    assert all(18 <= age_on(m.birth_date, TODAY) <= 57 for m in loaded if m.away_for_work)
    assert any(m.relation == Relation.GRANDCHILD for m in loaded)
    assert 2.2 <= len(loaded) / SMALL <= 2.9


def test_about_six_percent_have_a_disability_with_grade_and_certificate(loaded: list[Member]) -> None:
    disabled = [m for m in loaded if m.disability_category]
    assert 0.03 <= len(disabled) / len(loaded) <= 0.09
    for member in disabled:
        assert member.disability_grade in (1, 2, 3, 4)
        assert member.disability_certificate.startswith(member.id_number)
        assert len(member.disability_certificate) == 20
        assert member.disability_certificate[-1] == str(member.disability_grade)
    assert all(m.disability_grade is None for m in loaded if not m.disability_category)


def test_some_are_deceased_and_none_of_them_is_head(loaded: list[Member]) -> None:
    deceased = [m for m in loaded if m.date_of_death]
    assert deceased
    for member in deceased:
        assert member.relation != Relation.HEAD
        assert member.date_of_death is not None and member.birth_date < member.date_of_death <= TODAY


def test_some_households_lack_a_bank_account_and_the_others_pass_luhn(loaded: list[Member]) -> None:
    households = list(Household.objects.filter(note=DEMO_NOTE).select_related("head"))
    without = [h for h in households if not h.account_number]
    assert 0.02 <= len(without) / len(households) <= 0.16
    for household in households:
        if household.account_number:
            assert len(household.account_number) == 19 and household.account_number.isdigit()
            assert luhn_ok(household.account_number)
            assert household.head is not None
            assert household.bank_name and household.account_holder == household.head.name
    assert sum(bool(h.phone) for h in households) / len(households) > 0.8


def test_luhn_check_digit_completes_a_known_card_number() -> None:
    # The textbook example: 7992739871 gets 3.
    assert luhn_check_digit("7992739871") == "3"
    assert all(luhn_ok(p + luhn_check_digit(p)) for p in ("62", "621700123456789012", "999999999999999999"))


def test_income_items_cover_the_categories_and_exclude_the_central_pension(loaded: list[Member]) -> None:
    items = list(IncomeItem.objects.filter(household__note=DEMO_NOTE).select_related("member"))
    assert {i.category for i in items} >= {
        IncomeCategory.WAGE,
        IncomeCategory.BUSINESS,
        IncomeCategory.TRANSFER,
    }
    assert all(isinstance(i.monthly_amount, Decimal) and i.monthly_amount > 0 for i in items)
    central = [i for i in items if i.exclusion == IncomeExclusion.CENTRAL_BASIC_PENSION]
    assert central and all(i.monthly_amount == CENTRAL_BASIC_PENSION for i in central)
    pensioners = {i.member_id for i in central}
    for member in loaded:
        if member.date_of_death is None and age_on(member.birth_date, date(2026, 1, 1)) >= 60:
            assert member.pk in pensioners, member.name
    assert all(i.member is None or i.member.date_of_death is None for i in items)
    away = {m.pk for m in loaded if m.away_for_work}
    wages = {i.member_id for i in items if i.category == IncomeCategory.WAGE}
    assert away <= wages


def test_a_second_run_adds_nothing(loaded: list[Member]) -> None:
    events_before = AuditEvent.objects.count()
    assert demo_households_load(households=SMALL, seed=7, today=TODAY) == 0
    assert demo_households_count() == SMALL
    assert Member.objects.count() == len(loaded)
    assert AuditEvent.objects.count() == events_before


def test_a_bigger_run_tops_up_with_the_same_people_as_one_run(county: None) -> None:
    demo_households_load(households=30, seed=5, today=TODAY)
    assert demo_households_load(households=70, seed=5, today=TODAY) == 40
    on_file = set(Member.objects.values_list("id_number", flat=True))
    assert on_file == {number for _name, number in _people(70, seed=5)}


def test_one_audit_event_per_batch_not_per_row(county: None) -> None:
    demo_households_load(households=250, seed=9, today=TODAY, batch_size=100)
    logged = [
        e.new_values or {}
        for e in AuditEvent.objects.filter(event_code=events.HOUSEHOLDS_GENERATED).order_by("seq")
    ]
    assert [values["households"] for values in logged] == [100, 100, 50]
    assert sum(values["members"] for values in logged) == Member.objects.count()


def test_a_person_already_on_file_gets_another_number(county: None, personas: dict[str, Any]) -> None:
    first = next(iter(generate_households(households=1, seed=4, today=TODAY))).members[0]
    household_create(
        actor=personas["township_a_clerk"],
        data=HouseholdData(region_code="510521103222", address="得胜镇白象村1社1号", hukou_type="rural"),
        head=MemberData(name="王登记", id_number=first.id_number, relation=Relation.HEAD),
    )
    demo_households_load(households=20, seed=4, today=TODAY)
    assert Member.objects.filter(id_number=first.id_number).get().name == "王登记"
    generated = Member.objects.filter(household__note=DEMO_NOTE)
    assert generated.count() == len(_people(20, seed=4))
    assert all(parse_id_number(m.id_number, today=TODAY).valid for m in generated)


def test_member_search_finds_generated_people_by_pinyin_initials(loaded: list[Member]) -> None:
    from minzheng.accounts.models import User

    county_user = User.objects.get(username="admin")
    clerk = User.objects.get(username="desheng_clerk")
    for member in loaded[:40]:
        found = member_search(user=county_user, query=member.name_initials)
        assert found.filter(pk=member.pk).exists(), member.name
        by_clerk = member_search(user=clerk, query=member.name_initials).filter(pk=member.pk).exists()
        assert by_clerk == member.region_id.startswith("510521103")


def test_surnames_with_their_own_reading_are_generated_and_read_right(county: None) -> None:
    members = [m for h in generate_households(households=3000, seed=1, today=TODAY) for m in h.members]
    shan = [m.name for m in members if m.name.startswith("单")]
    zeng = [m.name for m in members if m.name.startswith("曾")]
    assert shan and zeng
    assert name_keys(shan[0])[0].startswith("shan") and name_keys(zeng[0])[0].startswith("zeng")


def test_demo_command_reports_counts_and_is_quiet_at_verbosity_0(county: None) -> None:
    out = io.StringIO()
    call_command("demo", households=40, seed=2, stdout=out)
    assert "演示家庭：新增 40 户" in out.getvalue()
    assert "admin" in out.getvalue()
    again = io.StringIO()
    call_command("demo", households=40, seed=2, stdout=again)
    assert "演示家庭：新增 0 户；演示县现有演示家庭 40 户" in again.getvalue()
    silent = io.StringIO()
    call_command("demo", households=45, seed=2, verbosity=0, stdout=silent)
    assert silent.getvalue() == ""
    assert demo_households_count() == 45
