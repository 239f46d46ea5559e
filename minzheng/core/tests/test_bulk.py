"""insert_rows writes what bulk_create would, on SQLite and PostgreSQL alike, and returns ids in row order."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from minzheng.core.bulk import BackgroundWriter, insert_rows, reserve_ids, sqlite_cache
from minzheng.core.testing.personas import VILLAGE_A1, VILLAGE_A2
from minzheng.registry.models import Household, IncomeCategory, IncomeItem

HOUSEHOLD_FIELDS = [
    "region",
    "address",
    "hukou_type",
    "phone",
    "bank_name",
    "account_holder",
    "account_number",
]
HOUSEHOLD_FIELDS += ["note", "created_at", "updated_at"]


def test_returned_ids_follow_the_order_of_the_rows(personas: dict[str, Any]) -> None:
    now = timezone.now()
    rows = [
        (VILLAGE_A1 if i % 2 else VILLAGE_A2, f"{i} 号", "rural", "", "", "", "", "", now, now)
        for i in range(1200)
    ]
    with transaction.atomic():
        ids = insert_rows(Household, HOUSEHOLD_FIELDS, rows, returning=True)
    assert len(ids) == len(set(ids)) == 1200
    stored = dict(Household.objects.values_list("pk", "address"))
    assert [stored[pk] for pk in ids] == [row[1] for row in rows]
    assert Household.objects.get(pk=ids[0]).created_at == now


def test_dates_decimals_and_foreign_keys_read_back_unchanged(personas: dict[str, Any]) -> None:
    now = timezone.now()
    [household_id] = insert_rows(
        Household,
        HOUSEHOLD_FIELDS,
        [(VILLAGE_A1, "一组", "rural", "", "", "", "", "", now, now)],
        returning=True,
    )
    fields = ["household", "category", "monthly_amount", "period_start", "period_end", "source", "exclusion"]
    rows = [
        (household_id, IncomeCategory.WAGE, Decimal("1234.50"), date(2025, 1, 1), None, "务工", ""),
        (household_id, IncomeCategory.TRANSFER, Decimal("0.01"), None, date(2025, 6, 30), "养老金", ""),
    ]
    assert insert_rows(IncomeItem, fields, rows) == []
    items = list(IncomeItem.objects.filter(household_id=household_id).order_by("monthly_amount"))
    assert [(i.category, i.monthly_amount, i.period_start, i.period_end) for i in items] == [
        (IncomeCategory.TRANSFER, Decimal("0.01"), None, date(2025, 6, 30)),
        (IncomeCategory.WAGE, Decimal("1234.50"), date(2025, 1, 1), None),
    ]


def test_no_rows_is_no_query(db: None, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        assert insert_rows(Household, HOUSEHOLD_FIELDS, [], returning=True) == []


def test_reserved_ids_are_new_and_later_inserts_continue_after_them(personas: dict[str, Any]) -> None:
    now = timezone.now()
    row = (VILLAGE_A1, "一组", "rural", "", "", "", "", "", now, now)
    with transaction.atomic():
        [before] = insert_rows(Household, HOUSEHOLD_FIELDS, [row], returning=True)
        ids = list(reserve_ids(Household, 3))
        assert len(set(ids)) == 3 and min(ids) > before
        insert_rows(Household, ["id", *HOUSEHOLD_FIELDS], [(pk, *row) for pk in ids])
        after = Household.objects.create(region_id=VILLAGE_A2, address="二组", hukou_type="rural")
    assert after.pk > max(ids)
    assert set(Household.objects.filter(pk__in=ids).values_list("region_id", flat=True)) == {VILLAGE_A1}


def test_the_sqlite_cache_is_enlarged_and_restored(db: None) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("a SQLite pragma")

    def size() -> int:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            return int(cursor.fetchone()[0])

    before = size()
    with sqlite_cache(mib=64):
        assert size() == -64 * 1024
    assert size() == before


def test_the_background_writer_writes_in_the_callers_transaction(personas: dict[str, Any]) -> None:
    now = timezone.now()
    before = Household.objects.count()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        with BackgroundWriter() as writer:
            for chunk in range(3):
                rows = [
                    (VILLAGE_A1, f"{chunk}-{i} 号", "rural", "", "", "", "", "", now, now) for i in range(500)
                ]
                writer.put(Household, HOUSEHOLD_FIELDS, rows)
            writer.flush()
            assert Household.objects.count() == before + 1500  # visible inside the transaction ...
        _ = 1 / 0
    assert Household.objects.count() == before  # ... and gone with it


def test_an_error_on_the_writers_thread_is_raised_on_the_callers(personas: dict[str, Any]) -> None:
    now = timezone.now()
    row = (VILLAGE_A1, "一组", "rural", "", "", "", "", "", now, now)
    with pytest.raises(IntegrityError), transaction.atomic():
        [pk] = insert_rows(Household, HOUSEHOLD_FIELDS, [row], returning=True)
        with BackgroundWriter() as writer:
            writer.put(Household, ["id", *HOUSEHOLD_FIELDS], [(pk, *row)])  # the same id again
            writer.flush()


def test_sqlite_statements_of_many_rows_keep_every_row_and_its_order(personas: dict[str, Any]) -> None:
    """More rows than one statement carries (500, or fewer at SQLite's parameter limit), and a last short one."""
    now = timezone.now()
    rows = [(VILLAGE_A1, f"{i} 号", "rural", "", "", "", "", "", now, now) for i in range(1234)]
    with transaction.atomic():
        assert insert_rows(Household, HOUSEHOLD_FIELDS, rows) == []
    assert sorted(Household.objects.values_list("address", flat=True)) == sorted(row[1] for row in rows)


def test_the_writer_runs_queries_in_order_and_hands_their_results_back(personas: dict[str, Any]) -> None:
    now = timezone.now()
    rows = [(VILLAGE_A1, f"{i} 号", "rural", "", "", "", "", "", now, now) for i in range(10)]
    table = Household._meta.db_table

    def count(using: Any) -> int:
        with using.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {table} WHERE address LIKE %s", ["% 号"])  # noqa: S608
            return int(cursor.fetchone()[0])

    def broken(using: Any) -> None:
        raise LookupError("not the writer's error")

    seen: list[int] = []
    with transaction.atomic(), BackgroundWriter() as writer:
        first = writer.call(count)
        writer.put(Household, HOUSEHOLD_FIELDS, rows)
        failed = writer.call(broken)
        writer.run(lambda using: seen.append(count(using)))  # errors here would be the writer's
        second = writer.call(count)
        writer.flush()
    assert (first.result(), second.result(), seen) == (0, 10, [10])
    with pytest.raises(LookupError):
        failed.result()  # the future's, and the rows after it still went in


def test_the_gil_switch_interval_is_short_while_writing_and_restored(personas: dict[str, Any]) -> None:
    import sys

    from minzheng.core.bulk import SWITCH_INTERVAL

    before = sys.getswitchinterval()
    with transaction.atomic(), BackgroundWriter():
        assert sys.getswitchinterval() == min(before, SWITCH_INTERVAL)
    assert sys.getswitchinterval() == before


def test_an_id_supply_hands_out_exactly_what_is_taken(personas: dict[str, Any]) -> None:
    """No block drawn ahead: the next record created elsewhere gets the id right after the last one taken."""
    from minzheng.core.bulk import IdSupply

    now = timezone.now()
    row = (VILLAGE_A1, "一组", "rural", "", "", "", "", "", now, now)
    with transaction.atomic():
        supply = IdSupply(Household)
        with BackgroundWriter() as writer:
            ids = list(supply.take(2, using=writer.connection))
            ids += writer.call(lambda using: list(supply.take(3, using=using))).result()
            writer.put(Household, ["id", *HOUSEHOLD_FIELDS], [(pk, *row) for pk in ids])
        after = Household.objects.create(region_id=VILLAGE_A2, address="二组", hukou_type="rural")
    assert ids == list(range(ids[0], ids[0] + 5))
    assert after.pk == ids[-1] + 1


def test_foreign_keys_checked_at_once_fail_at_the_insert_and_are_deferred_again(
    personas: dict[str, Any],
) -> None:
    from minzheng.core.bulk import checked_at_once
    from minzheng.registry.models import Member

    if connection.vendor != "postgresql":
        pytest.skip("SQLite checks foreign keys at commit, and has no SET CONSTRAINTS")
    now = timezone.now()
    missing = (VILLAGE_A1, "一组", "rural", "", "", "", "", "", now, now, 999_999_999)  # no such head
    names = [*HOUSEHOLD_FIELDS, "head"]
    with (
        transaction.atomic(),
        checked_at_once([(Household, "head"), (Member, "household")]),
        pytest.raises(IntegrityError),
        transaction.atomic(),
    ):
        insert_rows(Household, names, [missing])  # refused by the statement itself
    with transaction.atomic():
        insert_rows(
            Household, names, [missing]
        )  # deferred again: accepted here (it would be refused at commit)
        assert Household.objects.filter(head_id=999_999_999).count() == 1
        transaction.set_rollback(True)


def _member_indexes() -> set[str]:
    from minzheng.registry.models import Member

    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, Member._meta.db_table))


def test_dropped_indexes_are_built_again_or_come_back_with_a_rollback(personas: dict[str, Any]) -> None:
    from minzheng.core.bulk import create_indexes, drop_indexes
    from minzheng.registry.models import Member

    names = ["member_name", "member_id_last4"]
    before = _member_indexes()
    assert set(names) <= before
    with transaction.atomic():
        statements = drop_indexes(Member, names)
        assert len(statements) == 2 and not set(names) & _member_indexes()
        create_indexes(statements)
    assert _member_indexes() == before
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        drop_indexes(Member, names)
        _ = 1 / 0
    assert _member_indexes() == before
    with pytest.raises(LookupError), transaction.atomic():
        drop_indexes(Member, ["no_such_index"])


@pytest.mark.django_db(transaction=True)
def test_indexes_of_a_table_in_use_are_kept(personas: dict[str, Any]) -> None:
    """Another session reading the table: the drop waits for its lock only briefly, then keeps the indexes."""
    import psycopg

    from minzheng.core.bulk import drop_indexes
    from minzheng.registry.models import Member

    if connection.vendor != "postgresql":
        pytest.skip("SQLite's readers never block a writer's DROP INDEX")
    params = connection.get_connection_params()
    with psycopg.connect(**params) as other:
        other.execute(f"SELECT count(*) FROM {Member._meta.db_table}")  # noqa: S608 - holds its lock until rollback
        with transaction.atomic():
            assert drop_indexes(Member, ["member_name"], wait_s=1) == []
            assert "member_name" in _member_indexes()
            Member.objects.count()  # the transaction goes on
        other.rollback()
    assert "member_name" in _member_indexes()
